//go:build !noasm && !purego

package asm

// gemmAVX2Strategies is the AVX2 SGEMM: a short-batch NT product goes
// through its transpose (swapNTAVX2), the rest to the 6×16 driver (which
// sends a non-transposed A of at most 8 rows to smallGemm).
func gemmAVX2Strategies(ws *Workspace, transA, transB bool, m, n, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if swapNTAVX2(transA, transB, m, n, k, alpha, beta) {
		gemmSwappedNT(ws, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, gemmAVX2.gemm, transposeScalar)
		return
	}
	gemmAVX2.gemm(ws, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// swapNTAVX2 reports whether the AVX2 path computes C = A·Bᵀ as its
// transpose Cᵀ = B·Aᵀ: for a batch of 9–32 rows against a wider B. The
// direct product packs all of B transposed (a layer's weights, n×k) and
// computes its rows in 6-row tiles of which the last is mostly padding;
// swapped, the weights are read in place as A, only the batch (m×k) is
// packed, and the padding falls on the long side. As on AVX-512, only beta
// ∈ {0, 1}, where the swapped product has the direct one's bits.
func swapNTAVX2(transA, transB bool, m, n, k int, alpha, beta float32) bool {
	if transA || !transB || m >= n || alpha == 0 || (beta != 0 && beta != 1) {
		return false
	}
	return m > gemmAVX2.smallM && m <= swapMaxRowsAVX2
}

// swapMaxRowsAVX2 is the largest batch swapNTAVX2 swaps.
const swapMaxRowsAVX2 = 64

func swapSizeAVX2(m, n, k int) int {
	if swapNTAVX2(false, true, m, n, k, 1, 0) {
		return m * n
	}
	return 0
}

// transposeScalar writes the rows×cols matrix src (row stride lds) into dst
// (row stride ldd) as its cols×rows transpose, in Go: the swapped products
// are small (a batch × a layer), so this is a few µs against their tens.
func transposeScalar(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	for i := 0; i < rows; i++ {
		for j, v := range src[i*lds : i*lds+cols] {
			dst[j*ldd+i] = v
		}
	}
}
