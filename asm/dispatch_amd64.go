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
	avx2 := avx2Kernels()
	paths := []*kernelSet{avx2}
	if cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512DQ, cpuid.AVX512BW, cpuid.AVX512VL) {
		paths = append(paths, avx512Kernels(avx2))
	}
	return paths
}

// avx2Kernels builds the avx2 path (building runs no AVX2 instruction).
func avx2Kernels() *kernelSet {
	k := genericKernels.clone("avx2")
	setGemmAVX2(k)
	setVecAVX2(k)
	setTinyAVX2(k)
	return k
}

// avx512Kernels builds the avx512 path on a copy of avx2: every entry the
// AVX2 setters chose must be replaced here or named in
// avx512KeepsAVX2 (TestAVX512ReplacesAVX2Choices).
func avx512Kernels(avx2 *kernelSet) *kernelSet {
	k := avx2.clone("avx512")
	setGemmAVX512(k)
	setVecAVX512(k)
	return k
}

// avx512KeepsAVX2 names the entries the avx512 path takes from avx2 on
// purpose: RMSprop (bound by the divider and square root, see
// setVecAVX512) and the fused tiny step (AVX2 code, whose activations the
// avx512 sigmoid and tanh match bit for bit).
var avx512KeepsAVX2 = []string{"rmsprop", "tinySGD"}
