package asm

import (
	"slices"
	"testing"
	"unsafe"
)

// TestPrefetchHeadFenced: PrefetchHead of a slice against an inaccessible
// page, on either side, does not fault and leaves the slice as it was.
func TestPrefetchHeadFenced(t *testing.T) {
	for _, n := range []int{0, 1, 15, 16, 17, 127, 128, 129, 1000} {
		for _, atEnd := range []bool{true, false} {
			s := fenced(t, n, atEnd, nil)
			want := slices.Clone(s)
			PrefetchHead(s)
			if n > 0 {
				PrefetchHead(s[n-1:])
			}
			if !slices.Equal(s, want) {
				t.Fatalf("n=%d atEnd=%v: PrefetchHead changed the slice", n, atEnd)
			}
		}
	}
}

// TestLinesSpanned: the cache lines a slice touches, for slices that start
// and end on and off line boundaries.
func TestLinesSpanned(t *testing.T) {
	if !hasPrefetch {
		t.Skip("no prefetch here")
	}
	buf := Aligned(64) // 64-byte aligned
	if uintptr(unsafe.Pointer(&buf[0]))%64 != 0 {
		t.Fatal("Aligned is not 64-byte aligned")
	}
	for _, c := range []struct{ from, to, lines int }{
		{0, 1, 1}, {0, 16, 1}, {0, 17, 2}, {15, 17, 2}, {16, 32, 1}, {1, 32, 2}, {1, 33, 3}, {0, 64, 4},
	} {
		if got := linesSpanned(buf[c.from:c.to]); got != c.lines {
			t.Errorf("floats [%d, %d): %d lines, want %d", c.from, c.to, got, c.lines)
		}
	}
}
