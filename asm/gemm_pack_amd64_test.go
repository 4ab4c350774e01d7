//go:build !noasm && !purego

package asm

import (
	"fmt"
	"slices"
	"testing"
)

// TestPackStepsAVX2 checks the AVX2 straight copy into a micro-panel
// against its definition, for the panel widths the 6×16 path packs (6: a
// transposed A; 16: rows of B; and the widths in between), every count of
// valid lanes, step counts around the whole-YMM stores' end, and misaligned
// source and destination: every valid lane copied, the rest zero, and
// nothing written past the panel (whose end is the end of dst here).
func TestPackStepsAVX2(t *testing.T) {
	if !slices.Contains(Available(), "avx2") {
		t.Skip("no avx2 on this CPU")
	}
	r := newRand(7)
	for _, w := range []int{1, 3, 4, 6, 7, 8, 9, 12, 16} {
		for n := 0; n <= w; n++ {
			for _, k := range []int{1, 2, 3, 5, 17, 256} {
				for _, off := range []int{0, 1, 3} {
					t.Run(fmt.Sprintf("w=%d/n=%d/k=%d/off=%d", w, n, k, off), func(t *testing.T) {
						ld := n + 5 + off
						src, _ := guarded(r, (k-1)*ld+max(n, 1), off)
						dst, check := guarded(r, k*w, 3-off)
						packStepsAVX2(dst, src, ld, k, w, n)
						check(t)
						for p := 0; p < k; p++ {
							for j := 0; j < w; j++ {
								want := float32(0)
								if j < n {
									want = src[p*ld+j]
								}
								if got := dst[p*w+j]; got != want {
									t.Fatalf("dst[%d·%d+%d] = %v, want %v", p, w, j, got, want)
								}
							}
						}
					})
				}
			}
		}
	}
}
