//go:build !noasm && !purego

package asm

import "github.com/klauspost/cpuid/v2"

// platformPaths returns the arm64 SIMD paths this CPU supports. ASIMD
// (Advanced SIMD, "NEON") is part of every ARMv8-A application core that Go
// runs on, but cpuid reports it from the OS (HWCAP on Linux, sysctl on
// macOS), so a stripped-down or emulated CPU without it keeps the generic
// path. neon starts as a copy of generic and replaces the kernels it has in
// assembly (gemm_arm64.go, vec_arm64.go).
func platformPaths() []*kernelSet {
	if !cpuid.CPU.Supports(cpuid.ASIMD) {
		return nil
	}
	neon := genericKernels.clone("neon")
	setGemmNEON(neon)
	setVecNEON(neon)
	return []*kernelSet{neon}
}
