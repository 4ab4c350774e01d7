//go:build !noasm && !purego

package asm

// Row bands sharing one packed op(B). When ParallelGemm cuts C into bands
// of rows, each band would pack all of op(B) again (the blocked loops pack
// a B block per band), which on two threads cost more than the second core
// gained. Instead, op(B) is packed once per product, its NR-wide panels
// split over the pool, into the layout blocked packs block by block: block
// (jc, pc) at jc·k + pc·roundUp(nc, NR), its panel jr at + jr·kc. The bands
// then run blocked's tile loops (blockTiles) on that buffer, so every
// element of C goes through the same kernel calls with the same k blocks
// as in the whole product, and gets the same bits.

// sharesB reports whether row bands of this product share one packed op(B):
// when the product goes through blocked (not smallGemm) and blocked packs B.
func (g *gemmConfig) sharesB(transA, transB bool, m, n, k, ldb int, alpha, beta float32) bool {
	if k == 0 || alpha == 0 {
		return false
	}
	if !transA && m <= g.smallM && (m < g.mr || beta == 0 || beta == 1) {
		return false
	}
	return !(g.inPlaceB && !transB && inPlaceBPays(m, ldb))
}

// sharedBSize is the floats of op(B) packed whole: k × n rounded up to NR.
func (g *gemmConfig) sharedBSize(n, k int) int { return k * roundUpTo(n, g.nr) }

// panelWidth is the columns of one panel of the shared op(B).
func (g *gemmConfig) panelWidth() int { return g.nr }

// kBlocks is the number of k blocks the blocked loops cut k into.
func (g *gemmConfig) kBlocks(transA, transB bool, k int) int {
	if k == 0 {
		return 0
	}
	kcb := evenBlock(k, g.kcFor(transA, transB))
	return (k + kcb - 1) / kcb
}

// packSharedB packs panels [q0, q1) (NR columns each) of op(B), k blocks
// [kb0, kb1), into dst.
func (g *gemmConfig) packSharedB(dst []float32, transA, transB bool, b []float32, ldb, n, k, q0, q1, kb0, kb1 int) {
	kcb := evenBlock(k, g.kcFor(transA, transB))
	for q := q0; q < q1; q++ {
		j := q * g.nr
		jc := j / g.nc * g.nc
		ncp := roundUpTo(min(g.nc, n-jc), g.nr)
		cols := min(g.nr, n-j)
		for pc := kb0 * kcb; pc < min(k, kb1*kcb); pc += kcb {
			kc := min(kcb, k-pc)
			g.packB(dst[jc*k+pc*ncp+(j-jc)*kc:], transB, b, ldb, pc, j, kc, cols, g.nr)
		}
	}
}

// rowsSharedB computes rows [i0, i1) of C from the shared packed op(B),
// k blocks [kb0, kb1) (each element's blocks in increasing order, as the
// whole product runs them).
func (g *gemmConfig) rowsSharedB(ws *Workspace, shared []float32, transA, transB bool, i0, i1, n, k, kb0, kb1 int,
	alpha float32, a []float32, lda int, beta float32, c []float32, ldc int) {
	sizeA, _ := g.packSize(i1-i0, n, k)
	packA, _ := ws.buffers(sizeA, 0)
	kcb := evenBlock(k, g.kcFor(transA, transB))
	for jc := 0; jc < n; jc += g.nc {
		nc := min(g.nc, n-jc)
		ncp := roundUpTo(nc, g.nr)
		for pc := kb0 * kcb; pc < min(k, kb1*kcb); pc += kcb {
			kc := min(kcb, k-pc)
			g.blockTiles(packA, shared[jc*k+pc*ncp:], false, transA, i0, i1, n, jc, nc, pc, kc,
				alpha, a, lda, nil, 0, beta, c, ldc)
		}
	}
}
