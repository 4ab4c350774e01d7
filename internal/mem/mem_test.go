package mem

import (
	"testing"
	"unsafe"
)

func TestFloats(t *testing.T) {
	for _, n := range []int{0, 1, 15, 1000, HugeMin/4 - 1, HugeMin / 4, HugeMin/4 + 12345} {
		s := Floats(n)
		if len(s) != n || cap(s) != n {
			t.Fatalf("Floats(%d): len %d cap %d", n, len(s), cap(s))
		}
		if n == 0 {
			continue
		}
		align := uintptr(64)
		if n*4 >= HugeMin {
			align = hugePage
		}
		if p := uintptr(unsafe.Pointer(&s[0])); p%align != 0 {
			t.Errorf("Floats(%d) starts at %#x, not on a %d-byte boundary", n, p, align)
		}
		for i, v := range s {
			if v != 0 {
				t.Fatalf("Floats(%d)[%d] = %v, want 0", n, i, v)
			}
		}
		s[n-1] = 1 // the whole length is writable
	}
}
