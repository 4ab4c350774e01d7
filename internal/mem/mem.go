// Package mem allocates the large float32 buffers that training reads over
// and over (a data set): 64-byte aligned, and from HugeMin bytes on, on
// Linux, advised to transparent huge pages, with the small pages a reused
// stretch of the Go heap already has behind it released, so that the first
// writes fault in huge pages.
//
// A batch's rows read in place by the products, or gathered at random for
// a shuffled epoch, touch a new 4 KiB page every row or two: a TLB miss
// each. 2 MiB pages remove nearly all of them. numpy advises its own large
// arrays the same way, so data handed over from Python is covered already.
// The memory stays on the Go heap (collected as usual); where the system
// does not allow huge pages (transparent_hugepage "never", other systems)
// the advice does nothing.
package mem

import "unsafe"

// HugeMin is the size from which Floats advises huge pages: numpy's
// threshold. Below it a 2 MiB page would be mostly empty.
const HugeMin = 4 << 20

// hugePage is the transparent huge page size of x86-64 and arm64 (4 KiB
// granule) Linux.
const hugePage = 2 << 20

// Floats returns a zeroed slice of n float32 starting on a 64-byte boundary
// and, when it holds at least HugeMin bytes, on a 2 MiB boundary with its
// whole 2 MiB pages advised to huge pages (and released, if the heap had
// touched them before).
func Floats(n int) []float32 {
	if n <= 0 {
		return []float32{}
	}
	align := 64
	if n*4 >= HugeMin {
		align = hugePage
	}
	raw := make([]float32, n+align/4)
	off := 0
	if rem := int(uintptr(unsafe.Pointer(&raw[0])) % uintptr(align)); rem != 0 {
		off = (align - rem) / 4
	}
	s := raw[off : off+n : off+n]
	if align == hugePage {
		whole := n * 4 &^ (hugePage - 1)
		adviseHuge(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), whole))
	}
	return s
}
