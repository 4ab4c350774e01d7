//go:build !noasm && !purego

package asm

import "github.com/klauspost/cpuid/v2"

// platformPaths returns the amd64 SIMD paths this CPU supports, best last.
// cpuid/v2 reports AVX2/FMA3 and AVX-512 only when the OS saves the YMM/ZMM
// and opmask state (XGETBV), so a path listed here is safe to run. Each path
// starts as a copy of the one below it and replaces the kernels it has in
// assembly: avx512 → avx2 → generic.
func platformPaths() []*kernelSet {
	if !cpuid.CPU.Supports(cpuid.AVX2, cpuid.FMA3) {
		return nil
	}
	avx2 := genericKernels.clone("avx2")
	setGemmAVX2(avx2)
	setVecAVX2(avx2)
	setTinyAVX2(avx2)
	paths := []*kernelSet{avx2}
	if cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512DQ, cpuid.AVX512BW, cpuid.AVX512VL) {
		avx512 := avx2.clone("avx512")
		setGemmAVX512(avx512)
		setVecAVX512(avx512)
		paths = append(paths, avx512)
	}
	return paths
}
