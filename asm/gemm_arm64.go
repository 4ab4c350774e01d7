//go:build !noasm && !purego

package asm

// The arm64 SGEMM: the shared driver of gemm_blocked.go around the 8×12
// NEON micro-kernel of gemm_neon_arm64.s, both operands always packed (in
// Go, pack.go), so the kernel sees one layout for the four transpose
// combinations.
//
// Blocking: BLIS's cortexa57 configuration (config/cortexa57/
// bli_cntx_init_cortexa57.c: sgemm 8×12, KC 640, NC 3072): a B
// micro-panel of 640·12·4 = 30 KiB and an A micro-panel of 20 KiB share a
// 64 KiB L1D. These figures are not tuned: no arm64 machine was available
// (see NEON.md).

// sgemmKernelNEON computes one 8×12 tile from packed panels: C = alpha·A·B +
// beta·C (beta = 0: C is not read). a holds k steps of 8 floats, b k steps
// of 12 floats; ldc is in floats; k ≥ 1.
//
//go:noescape
func sgemmKernelNEON(k int, a, b, c *float32, ldc int, alpha, beta float32)

// kernelNEON is sgemmKernelNEON as a gemmKernel: the driver always packs
// on this path, so the strides are those of the packed panels.
func kernelNEON(k int, a *float32, rsa, csa int, b *float32, csb int,
	c *float32, ldc int, alpha, beta float32) {
	sgemmKernelNEON(k, a, b, c, ldc, alpha, beta)
}

var gemmNEON = &gemmConfig{mr: 8, nr: 12, kc: 640, nc: 3072, kernel: kernelNEON,
	packA: packPanelsA, packB: packPanelsB}

// setGemmNEON installs the NEON SGEMM into k.
func setGemmNEON(k *kernelSet) {
	k.gemm = gemmNEON.gemm
	k.packSize = gemmNEON.packSize
	k.rowGrain, k.colGrain = gemmNEON.mr, gemmNEON.nr
	k.packsA = packsANEON
}

// packsANEON is kernelSet.packsA: this path's driver packs every A.
func packsANEON(transA bool, n, lda int) bool { return true }
