//go:build !noasm && !purego

package asm

// Small-m products: the kernels of gemm_small_amd64.s read A, B and C in
// place (nothing is packed, but for the last n mod 8 rows of a transposed
// B), for up to 4 rows of A per call.
//
// Bit-identity with the blocked path, which ParallelGemm relies on when it
// cuts a product into row bands (a last band of a few rows comes here while
// the whole product went through blocked): each element of C is one FMA
// chain over the same k blocks (evenBlock with the path's kc) in order,
// then alpha·acc is stored (beta' = 0) or added to C (beta' = 1). On the
// blocked path those rows (m < mr) are in scratch tiles, which storeTile
// adds as v + beta·C with beta·C rounded on its own; a first block with
// beta ∉ {0, 1} is therefore done here as C = beta·C (scaleC, the same
// rounding) followed by an add. Rows in whole tiles of the blocked path
// (m ≥ mr) get the fused beta there, so gemm sends them here only with
// beta ∈ {0, 1}, where fused and separate rounding agree.
//
// Measured with BenchmarkSgemmSmallM (784→128 layer, NT and NN, Intel Xeon
// model 207): the small path is 1.4–6× faster than the blocked one at every
// m ≤ 8 on both paths; 8 keeps at most two row groups per call.
const (
	smallMAVX2   = 8 // beta ∉ {0, 1}: only below the 6-row tile
	smallMAVX512 = 8 // below the 12-row tile
)

// smallKernel computes C[0:R, 0:cols] = alpha·op(A)·op(B) (+ C when add ≠
// 0) for the kernel's R rows: A(i, p) = a[i·lda + p]; NT: op(B)(p, j) =
// b[j·ldb + p]; NN: op(B)(p, j) = b[p·ldb + j]. Full kernels take their
// whole width and ignore cols; edge kernels take cols ≤ 8.
type smallKernel func(k int, a *float32, lda int, b *float32, ldb int,
	c *float32, ldc int, alpha float32, add, cols int)

var (
	smallWidth  = [5]int{1: 64, 2: 32, 4: 16}
	smallNT     = [5]smallKernel{1: sgemmNT1x64AVX2, 2: sgemmNT2x32AVX2, 4: sgemmNT4x16AVX2}
	smallNTEdge = [5]smallKernel{1: sgemmNTEdge1AVX2, 2: sgemmNTEdge2AVX2, 4: sgemmNTEdge4AVX2}
	smallNN     = [5]smallKernel{1: sgemmNN1x64AVX2, 2: sgemmNN2x32AVX2, 4: sgemmNN4x16AVX2}
	smallNNEdge = [5]smallKernel{1: sgemmNNEdge1AVX2, 2: sgemmNNEdge2AVX2, 4: sgemmNNEdge4AVX2}
)

// smallGemm computes C = alpha·A·op(B) + beta·C for a non-transposed A of
// m ≤ 8 rows (k > 0, alpha ≠ 0): row groups of 4, 2 or 1, each across C in
// full-width calls and then 8-column edge calls. The edge of a transposed B
// (its last n mod 8 rows) is copied into an 8-row block so the kernel's
// 8-row loads stay inside B; the rows past n hold stale values whose lanes
// are never stored.
func (g *gemmConfig) smallGemm(ws *Workspace, transB bool, m, n, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	full, edge := &smallNN, &smallNNEdge
	if transB {
		full, edge = &smallNT, &smallNTEdge
	}
	kcb := evenBlock(k, g.kc)
	var pack []float32
	if transB && n%8 != 0 {
		_, pack = ws.buffers(0, 8*kcb)
	}
	for pc := 0; pc < k; pc += kcb {
		kc := min(kcb, k-pc)
		bet := beta
		if pc > 0 {
			bet = 1
		}
		if bet != 0 && bet != 1 {
			scaleC(m, n, bet, c, ldc)
			bet = 1
		}
		add := 0
		if bet != 0 {
			add = 1
		}
		for i := 0; i < m; {
			r := 4
			if m-i < 4 {
				r = 1 + (m-i)/2 // 3 → 2, 2 → 2, 1 → 1
			}
			ap := &a[i*lda+pc]
			w := smallWidth[r]
			j := 0
			for ; j+w <= n; j += w {
				var bp *float32
				if transB {
					bp = &b[j*ldb+pc]
				} else {
					bp = &b[pc*ldb+j]
				}
				full[r](kc, ap, lda, bp, ldb, &c[i*ldc+j], ldc, alpha, add, w)
			}
			for ; j < n; j += 8 {
				cols := min(8, n-j)
				var bp *float32
				ldbp := ldb
				if !transB {
					bp = &b[pc*ldb+j]
				} else {
					bp = &b[j*ldb+pc]
					if cols < 8 {
						for q := 0; q < cols; q++ {
							o := (j+q)*ldb + pc
							copy(pack[q*kc:q*kc+kc], b[o:o+kc])
						}
						bp, ldbp = &pack[0], kc
					}
				}
				edge[r](kc, ap, lda, bp, ldbp, &c[i*ldc+j], ldc, alpha, add, cols)
			}
			i += r
		}
	}
}

//go:noescape
func sgemmNT1x64AVX2(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha float32, add, cols int)

//go:noescape
func sgemmNT2x32AVX2(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha float32, add, cols int)

//go:noescape
func sgemmNT4x16AVX2(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha float32, add, cols int)

//go:noescape
func sgemmNTEdge1AVX2(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha float32, add, cols int)

//go:noescape
func sgemmNTEdge2AVX2(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha float32, add, cols int)

//go:noescape
func sgemmNTEdge4AVX2(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha float32, add, cols int)

//go:noescape
func sgemmNN1x64AVX2(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha float32, add, cols int)

//go:noescape
func sgemmNN2x32AVX2(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha float32, add, cols int)

//go:noescape
func sgemmNN4x16AVX2(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha float32, add, cols int)

//go:noescape
func sgemmNNEdge1AVX2(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha float32, add, cols int)

//go:noescape
func sgemmNNEdge2AVX2(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha float32, add, cols int)

//go:noescape
func sgemmNNEdge4AVX2(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha float32, add, cols int)
