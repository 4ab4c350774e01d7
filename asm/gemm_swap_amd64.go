//go:build !noasm && !purego

package asm

// gemmAVX2Strategies is the AVX2 SGEMM: a short-batch NT product and a
// product fewer than 16 columns wide go through their transpose (swapAVX2),
// the rest to the 6×16 driver (which sends a non-transposed A of at most 8
// rows to smallGemm).
func gemmAVX2Strategies(ws *Workspace, transA, transB bool, m, n, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if swapAVX2(transA, transB, m, n, k, alpha, beta) {
		gemmSwapped(ws, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, gemmAVX2.gemm, transposeAVX2)
		return
	}
	gemmAVX2.gemm(ws, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// swapAVX2 reports whether the AVX2 path computes C = op(A)·op(B) as its
// transpose Cᵀ = op(B)ᵀ·op(A)ᵀ:
//
//   - NT, a batch of 9–64 rows against a wider B: the direct product
//     packs all of B transposed (a layer's weights, n×k) and computes its
//     rows in 6-row tiles of which the last is mostly padding; swapped, the
//     weights are read in place as A, only the batch (m×k) is packed, and
//     the padding falls on the long side;
//   - fewer than 16 columns (an output layer) and more than 8 rows: every
//     direct tile is an edge tile, 16 columns computed for n and copied
//     through a scratch tile; swapped, the n rows are a panel of 6 and an
//     edge panel, at full width (asm/TUNING.md, "Narrow products").
//
// As on AVX-512, only beta ∈ {0, 1}, where the swapped product has the
// direct one's bits.
func swapAVX2(transA, transB bool, m, n, k int, alpha, beta float32) bool {
	if alpha == 0 || (beta != 0 && beta != 1) {
		return false
	}
	if skinnyAVX2(m, n) {
		return true
	}
	return !transA && transB && m < n && m > gemmAVX2.smallM && m <= swapMaxRowsAVX2
}

// skinnyAVX2 reports whether an m×n product is narrow enough to swap for
// any transposition.
func skinnyAVX2(m, n int) bool {
	return n < gemmAVX2.nr && m > max(n, gemmAVX2.smallM)
}

// swapMaxRowsAVX2 is the largest batch swapAVX2 swaps in an NT product.
const swapMaxRowsAVX2 = 64

// packSizeAVX2 is the driver's packSize, also for a narrow product computed
// as its n×m transpose (whose B block is m wide).
func packSizeAVX2(m, n, k int) (a, b int) {
	a, b = gemmAVX2.packSize(m, n, k)
	if skinnyAVX2(m, n) {
		a2, b2 := gemmAVX2.packSize(n, m, k)
		a, b = max(a, a2), max(b, b2)
	}
	return a, b
}

func swapSizeAVX2(m, n, k int) int {
	if swapAVX2(false, true, m, n, k, 1, 0) {
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
