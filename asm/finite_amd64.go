//go:build !noasm && !purego

package asm

import "github.com/klauspost/cpuid/v2"

// anyNonFiniteAVX2 reports whether any of the n floats at p is NaN or ±Inf.
//
//go:noescape
func anyNonFiniteAVX2(p *float32, n int) bool

var hasAVX2 = cpuid.CPU.Supports(cpuid.AVX2)

// firstNonFiniteFast scans 4096-float blocks with AVX2 and locates the bad
// element with the generic scan only in a block that has one. The check is
// exact (not an approximation), so it does not depend on the kernel path.
func firstNonFiniteFast(s []float32) (int, bool) {
	if !hasAVX2 || active.Load() == genericKernels {
		return 0, false
	}
	const block = 4096
	for off := 0; off < len(s); off += block {
		b := s[off:min(off+block, len(s))]
		if anyNonFiniteAVX2(&b[0], len(b)) {
			return off + firstNonFiniteGeneric(b), true
		}
	}
	return -1, true
}
