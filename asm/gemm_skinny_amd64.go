//go:build !noasm && !purego

package asm

// skinnyN is the widest product the AVX-512 skinny path takes: one ZMM of
// columns. skinnyMR is its row tile; its k blocks are those of the 12×32
// path, so a column band of ≤ 16 columns cut by ParallelGemm sums in the same
// order as the full product does.
const (
	skinnyN  = 16
	skinnyMR = 16
)

func packSizeAVX512(m, n, k int) (a, b int) {
	a, b = gemmAVX512.packSize(m, n, k)
	kc := min(k, gemmAVX512.kc)
	a, b = max(a, skinnyMR*kc), max(b, skinnyN*kc)
	if narrowTN(m, n, k) { // the n×m transpose's B block is m wide
		a2, b2 := gemmAVX512.packSize(n, m, k)
		a, b = max(a, a2), max(b, b2)
	}
	return a, b
}

// gemmAVX512Strategies is the AVX-512 SGEMM: a short-batch NT product and a
// narrow TN product go through their transposes (swapAVX512), the rest
// to gemmAVX512Direct.
func gemmAVX512Strategies(ws *Workspace, transA, transB bool, m, n, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if swapAVX512(transA, transB, m, n, k, alpha, beta) {
		gemmSwapped(ws, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, gemmAVX512Direct, transpose)
		return
	}
	gemmAVX512Direct(ws, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmAVX512Direct is the AVX-512 SGEMM without the swap: products with
// n ≤ 16 (an output layer) go to the skinny path, the rest to the 12×32
// driver (which sends a non-transposed A of at most 8 rows to smallGemm).
// ParallelGemm computes the bands of a swapped product with it.
func gemmAVX512Direct(ws *Workspace, transA, transB bool, m, n, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if n > skinnyN || k == 0 || alpha == 0 || (!transA && m <= gemmAVX512.smallM) {
		gemmAVX512.gemm(ws, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	packA, packB := ws.buffers(packSizeAVX512(m, n, k))
	skinnyAVX512(packA, packB, transA, transB, 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// swapAVX512 reports whether the AVX-512 path computes a product as its
// transpose: a narrow TN product (narrowTN, below), or C = A·Bᵀ as
// Cᵀ = B·Aᵀ, which pays when A is a short batch against a long k:
//
//   - 9–16 rows: swapped, the product is n×m with m ≤ 16 columns, which the
//     skinny path computes at full width, where the 12×32 tiles would
//     compute 24 rows (1.1–2.5× at k ≥ 256; at k = 128 the transpose eats
//     the gain);
//   - 32 rows at k ≥ 512, 64 at k ≥ 768: swapped, op(B) is one or two
//     32-wide panels that stay in L1, the weights are read in place (see
//     inPlaceAPays) and the 12-row tiles waste 3% of a 128-row side
//     instead of 11% of 36 or 72 (1.1–1.5× for n 100–784; 24 and 48 rows,
//     and 64 at k ≤ 512, measured 0.7–1.05×).
//
// Measured by interleaving both ways for m 9–64, n 64–1024, k 128–784 on the
// Xeon of gemm_amd64.go's header. Only beta ∈ {0, 1}: then an element's
// bits do not depend on whether it lands in a full or an edge tile (the
// edge store adds beta·C unfused), so the swapped product equals the direct
// one bit for bit and ParallelGemm's bands may go either way.
//
// A TN product at most 12 columns wide: its transpose is one 12-row panel
// of Bᵀ against A's rows read in place, where the skinny kernel would fill
// 16 lanes per row for n of them.
func swapAVX512(transA, transB bool, m, n, k int, alpha, beta float32) bool {
	if alpha == 0 || (beta != 0 && beta != 1) {
		return false
	}
	if transA && !transB {
		return narrowTN(m, n, k)
	}
	if transA || !transB || m >= n {
		return false
	}
	return (m > gemmAVX512.smallM && m <= skinnyN && k >= 256) || (m == 32 && k >= 512) || (m == 64 && k >= 768)
}

// narrowTN reports whether a TN product is computed as its transpose: at
// most one register tile's rows of columns (n ≤ 12), more rows than the
// skinny path's 16, and k ≥ 64 (at shorter k the copy of the transposed
// result eats the gain; asm/TUNING.md).
func narrowTN(m, n, k int) bool {
	return n <= gemmAVX512.mr && m > skinnyN && k >= 64
}

func swapSizeAVX512(m, n, k int) int {
	if swapAVX512(false, true, m, n, k, 1, 0) || narrowTN(m, n, k) {
		return m * n
	}
	return 0
}

// gemmSwapped computes C = alpha·op(A)·op(B) + beta·C (op(A) m×k, op(B)
// k×n) as Cᵀ = alpha·op(B)ᵀ·op(A)ᵀ + beta·Cᵀ through gemm into the
// Workspace's scratch, then transposes the result into C. With beta ≠ 0, Cᵀ
// is loaded first, so every element gets the same operations as in the
// direct product (the swap rules allow beta ∈ {0, 1} only).
func gemmSwapped(ws *Workspace, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int,
	beta float32, c []float32, ldc int, gemm gemmFunc, transpose transposeFunc) {
	t := ws.swapBuffer(m * n)[:m*n] // n×m, row stride m
	if beta != 0 {
		transpose(t, m, c, ldc, m, n)
	}
	gemm(ws, !transB, !transA, n, m, k, alpha, b, ldb, a, lda, beta, t, m)
	transpose(c, ldc, t, m, n, m)
}

// transpose writes the rows×cols matrix src (row stride lds) into dst (row
// stride ldd) as its cols×rows transpose: groups of four rows with the
// AVX-512 transposing pack (dst[p·ldd + r] = src[r·lds + p]), the last 1–3
// rows in Go. AVX-512 only: the AVX-512 path's gemmSwapped.
func transpose(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	full := rows &^ 3
	if full > 0 && cols > 0 {
		packTRowsAVX512(dst, src, lds, full, cols, ldd)
	}
	for i := full; i < rows; i++ {
		for j, v := range src[i*lds : i*lds+cols] {
			dst[j*ldd+i] = v
		}
	}
}

// skinnyAVX512 computes rows [i0, i1) of an n ≤ 16 product: 16-row panels of
// op(A) read in place (a partial last panel packed and zero-padded) times
// the k×n op(B), read in place under a lane mask when not transposed and
// packed into a k×16 panel when it is. C is written under the same mask, so
// no scratch tile is needed.
func skinnyAVX512(packA, packB []float32, transA, transB bool, i0, i1, n, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	rsa, csa := lda, 1
	if transA {
		rsa, csa = 1, lda
	}
	kcb := evenBlock(k, gemmAVX512.kc)
	for pc := 0; pc < k; pc += kcb {
		kc := min(kcb, k-pc)
		bet := beta
		if pc > 0 {
			bet = 1
		}
		if bet != 0 && bet != 1 {
			// The blocked path computes these columns (n < NR) in scratch
			// tiles, where storeTile rounds beta·C before adding it; the
			// kernel's fused beta·C + acc would differ in the last bit.
			scaleC(i1-i0, n, bet, c[i0*ldc:], ldc)
			bet = 1
		}
		var bp *float32
		csb := ldb
		if transB {
			packTransposedAVX512(packB, b[pc:], ldb, n, kc, skinnyN)
			bp, csb = &packB[0], skinnyN
		} else {
			bp = &b[pc*ldb]
		}
		for ir := i0; ir < i1; ir += skinnyMR {
			rows := min(skinnyMR, i1-ir)
			ap, ars, acs := &packA[0], 1, skinnyMR
			if rows == skinnyMR {
				ap, ars, acs = &a[ir*rsa+pc*csa], rsa, csa
			} else {
				packPanelsA(packA, transA, a, lda, ir, pc, rows, kc, skinnyMR)
			}
			sgemmSkinnyAVX512(kc, ap, ars, acs, bp, csb, &c[ir*ldc], ldc, alpha, bet, rows, n)
		}
	}
}
