//go:build !noasm && !purego

package asm

// gemmAVX2Strategies is the AVX2 SGEMM: a short-batch NT product goes
// through its transpose (swapNTAVX2), the rest to the 6×16 driver (which
// sends a non-transposed A of at most 8 rows to smallGemm).
func gemmAVX2Strategies(ws *Workspace, transA, transB bool, m, n, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if swapNTAVX2(transA, transB, m, n, k, alpha, beta) {
		gemmSwappedNT(ws, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, gemmAVX2.gemm, transposeAVX2)
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

// transposeAVX2 writes the rows×cols matrix src (row stride lds) into dst
// (row stride ldd) as its cols×rows transpose: 8×8 blocks with the AVX2
// transposing pack (dst[p·ldd + r] = src[r·lds + p] for eight rows), the
// last rows mod 8 and columns mod 8 in Go. (In Go alone it took about a
// twelfth of a batch-32 layer's forward product.)
func transposeAVX2(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	rows8, cols8 := rows&^7, cols&^7
	if cols8 > 0 {
		for i := 0; i < rows8; i += 8 {
			sgemmPackT8AVX2(&dst[i], &src[i*lds], lds, cols8/8, ldd)
		}
	}
	for i := 0; i < rows; i++ {
		j0 := cols8
		if i >= rows8 {
			j0 = 0
		}
		for j, v := range src[i*lds+j0 : i*lds+cols] {
			dst[(j0+j)*ldd+i] = v
		}
	}
}
