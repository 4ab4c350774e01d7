//go:build !noasm && !purego && (amd64 || arm64)

package asm

import "unsafe"

// The SGEMM driver of the SIMD paths (amd64 and arm64): BLIS's loops
// around a path's assembly micro-kernel, parameterised by a gemmConfig
// (register tile, cache blocks, kernel, packing functions, and the
// strategies for special shapes). Each path's file holds its configs, its
// tuning notes and its strategies; this file holds the loops.
//
//	for jc over n by NC                  (B block: KC×NC, stays in L2)
//	  for pc over k by KC
//	    pack op(B)[pc:pc+KC, jc:jc+NC] into NR-wide micro-panels
//	    for ir over m by MR
//	      pack op(A)[ir:ir+MR, pc:pc+KC] into one MR×KC micro-panel (L1)
//	      for jr over the block by NR    (B micro-panels stream from L2)
//	        micro-kernel: C[ir:ir+MR, jr:jr+NR] = alpha·Ã·B̃ + beta'·C
//
// beta' is beta for the first KC block and 1 afterwards. Edge panels are
// zero-padded, so the micro-kernel always computes a whole MR×NR tile; a tile
// that sticks out of C goes to a scratch tile (carved from the A buffer) and
// only its valid part is copied, so C is never touched outside m×n. A path
// with an edge kernel (gemmConfig.edge) computes the whole tiles of a panel
// of fewer than MR rows with it instead, on those rows alone.
//
// The loop order is ir outside jr (BLIS puts jr outside): the A micro-panel
// is packed right before its row of tiles and stays in L1 for all of them,
// while the B micro-panels stream from the L2-resident B block. BLIS's order
// keeps a KC×NR B micro-panel in L1 instead, which for AVX-512's 12×32
// tile is 48 KiB at KC=384 — all of a Xeon's L1D. Packing A (rather than reading it in place
// with its row stride) also removes the L1 set conflicts of power-of-two
// leading dimensions, where all MR rows of the panel map to the same sets.
// A path may take BLIS's order where B is read in place and its block is
// larger than L2 can hold beside the rest (columnsInPlaceB, blockColumns):
// then ir-outside-jr would fetch all of B from L3 once per A panel.
//
// blocked works on a sub-range of rows and columns of C so that a
// multi-threaded caller can split the work, each worker with its own
// packing buffers. A band of rows starting at a multiple of MR or of columns
// starting at a multiple of NR is computed with the same tiles and k blocks
// as in the whole product, so it gives the same bits.

// gemmKernel computes one MR×NR tile: C = alpha·A·B + beta·C (beta = 0: C is
// not read). A(i, p) is a[i·rsa + p·csa], B(p, j) is b[p·csb + j], C(i, j)
// is c[i·ldc + j]; strides in floats.
type gemmKernel func(k int, a *float32, rsa, csa int, b *float32, csb int,
	c *float32, ldc int, alpha, beta float32)

// gemmTiles computes tiles ≥ 1 whole MR×NR tiles as gemmKernel does, tile
// t on A at a + t·astep, B at b + t·bstep and C at c + t·cstep (floats): a
// row or a column of tiles in one call.
type gemmTiles func(k int, a *float32, rsa, csa, astep int, b *float32, csb, bstep int,
	c *float32, ldc, cstep int, alpha, beta float32, tiles int)

// gemmEdge is gemmTiles for an edge panel of 1 ≤ rows < MR rows of A: whole
// rows×NR tiles with the MR×NR kernel's bits, reading only rows rows of A,
// writing C directly; called with beta ∈ {0, 1} only.
type gemmEdge func(k int, a *float32, rsa, csa, astep int, b *float32, csb, bstep int,
	c *float32, ldc, cstep int, alpha, beta float32, tiles, rows int)

// gemmEdgePairs is gemmEdge for 1 or 2 rows along a row of tiles, two
// tiles per step: pairs blocks of rows×2NR, B's second micro-panel bnext
// floats after the first (then b advances 2·bnext, c 2·NR columns); per
// tile the bits of gemmEdge.
type gemmEdgePairs func(k int, a *float32, rsa, csa int, b *float32, csb, bnext int,
	c *float32, ldc int, alpha, beta float32, pairs, rows int)

// gemmPartial is gemmKernel for a tile that sticks out of C: whole
// (zero-padded) panels, only rows×cols of C written, with beta ∈ {0, 1}
// (then it gives the bits of the kernel into a scratch tile followed by
// storeTile); cols is a mask with bit j set for column j.
type gemmPartial func(k int, a *float32, rsa, csa int, b *float32, csb int,
	c *float32, ldc int, alpha, beta float32, rows int, cols uint32)

// gemmPackAKernel is gemmKernel on a transposed A read in place (A(i, p)
// at a[i + p·lda]) that also writes the MR×k micro-panel it reads into
// dst, packed (rsa 1, csa MR), for the other tiles of its row.
type gemmPackAKernel func(k int, a *float32, lda int, b *float32, csb int,
	c *float32, ldc int, alpha, beta float32, dst *float32)

// gemmConfig is one path's register tile, cache blocking and kernel.
type gemmConfig struct {
	mr, nr int // register tile
	kc, nc int // cache blocks (nc a multiple of nr)
	// kcTN: the KC of a product with A transposed and B not (0: kc), for a
	// path where packing A's panels from many rows costs more than longer
	// blocks gain. A product and its transpose (TN ↔ TN, NN ↔ TT, NT ↔ NT)
	// have the same KC, so a product computed either way gets the same bits.
	kcTN   int
	kernel gemmKernel
	tiles  gemmTiles // whole tiles in a row or column (nil: kernel per tile)
	// edge: whole tiles of an edge panel (nil: the kernel on a zero-padded
	// panel into a scratch tile).
	edge      gemmEdge
	edgePairs gemmEdgePairs // 1–2 row edges along a row, in pairs of tiles (nil: edge alone)
	// partial: a tile that sticks out of C, written in place (nil, or beta'
	// other than 0 and 1: the kernel into a scratch tile, then storeTile).
	partial gemmPartial
	// packingKernel: the first whole tile of a row packs a transposed A's
	// micro-panel as it reads it (nil: packA first).
	packingKernel gemmPackAKernel
	packA         packFunc // one MR-tall micro-panel of op(A)
	packB         packFunc // a KC×NC block of op(B)
	// readAInPlace reports whether whole row panels of a non-transposed A
	// are read in place for a product n columns wide (nil: always packed).
	readAInPlace func(n, lda int) bool
	// inPlaceB: read whole column panels of a non-transposed B in place.
	inPlaceB bool
	// alignB: where B is read in place and its rows lie a multiple of 64
	// bytes apart, start the in-place panels at a line-aligned column
	// (leadColumns), so that an NR-wide row of a panel is one cache line
	// rather than two; the columns before it are packed. For NR·4 = 64.
	alignB bool
	// columnsInPlaceB: when B is read in place and its KC×NC block holds
	// at least this many floats, loop over B's micro-panels outside A's
	// (blockColumns), all of A's panels packed at once (0: never).
	columnsInPlaceB int
	// smallM: products with a non-transposed A of at most this many rows
	// go to smallGemm (0: never). From mr rows on, the blocked path has
	// whole tiles, whose fused beta·C differs from smallGemm's in the last
	// bit, so there smallGemm only takes beta ∈ {0, 1}; see smallGemm.
	smallM int
	small  smallFunc // the small-m strategy (nil when smallM is 0)
}

// smallFunc computes a product of a non-transposed A of at most smallM
// rows without packing; see gemmConfig.smallM.
type smallFunc func(g *gemmConfig, ws *Workspace, transB bool, m, n, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

// evenBlock splits k into the fewest blocks of at most kc and returns their
// common size, so that no short last block (e.g. 784 = 384+384+16) pays the
// C read-modify-write for a handful of steps.
func evenBlock(k, kc int) int {
	nb := (k + kc - 1) / kc
	return (k + nb - 1) / nb
}

// kcFor is the KC of a product with these transpositions.
func (g *gemmConfig) kcFor(transA, transB bool) int {
	if transA && !transB && g.kcTN > 0 {
		return g.kcTN
	}
	return g.kc
}

// packSize returns the Workspace floats gemm needs: one zero-padded A
// panel (with columnsInPlaceB, all of A's panels when B may be read in
// place) plus one scratch tile, and the B block. The A block is sized for
// m or n rows, whichever is more: a product computed as its transpose
// (gemmSwapped) has them the other way round.
func (g *gemmConfig) packSize(m, n, k int) (a, b int) {
	kc := min(k, max(g.kc, g.kcTN))
	rows := g.mr
	if g.columnsInPlaceB > 0 {
		rows = max(rows, roundUpTo(min(max(m, n), inPlaceBMaxRows), g.mr))
	}
	a = rows*kc + g.mr*g.nr
	b = kc * roundUpTo(min(n, g.nc), g.nr)
	if g.alignB {
		b += kc * g.nr // leadColumns' packed panel
	}
	return a, b
}

func (g *gemmConfig) gemm(ws *Workspace, transA, transB bool, m, n, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if k == 0 || alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	if !transA && m <= g.smallM && (m < g.mr || beta == 0 || beta == 1) {
		g.small(g, ws, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	packA, packB := ws.buffers(g.packSize(m, n, k))
	g.blocked(packA, packB, transA, transB, 0, m, 0, n, k,
		alpha, a, lda, b, ldb, beta, c, ldc)
}

// blocked computes rows [i0, i1) and columns [j0, j1) of C with the BLIS
// loops; packA and packB must hold packSize(i1-i0, j1-j0, k) floats.
func (g *gemmConfig) blocked(packA, packB []float32, transA, transB bool,
	i0, i1, j0, j1, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	nr := g.nr
	kcb := evenBlock(k, g.kcFor(transA, transB))
	for jc := j0; jc < j1; jc += g.nc {
		nc := min(g.nc, j1-jc)
		for pc := 0; pc < k; pc += kcb {
			kc := min(kcb, k-pc)
			// Whole panels of a non-transposed B may be read in place (rows
			// of nr contiguous floats, stride ldb), in blockColumns from
			// column lead on; the lead columns and the edge panel are packed.
			inPlaceB := g.inPlaceB && !transB && inPlaceBPays(i1-i0, ldb)
			columns := inPlaceB && g.columnsInPlaceB > 0 && kc*nc >= g.columnsInPlaceB
			lead := 0
			if columns {
				lead = g.leadColumns(b[pc*ldb+jc:], ldb, nc, beta)
			}
			bm := packB // B's packed panels, after the lead columns' one
			if lead > 0 {
				g.packB(packB, transB, b, ldb, pc, jc, kc, lead, nr)
				bm = packB[nr*kc:]
			}
			if !inPlaceB {
				g.packB(packB, transB, b, ldb, pc, jc, kc, nc, nr)
			} else if e := (nc - lead) / nr * nr; e < nc-lead {
				g.packB(bm[e*kc:], transB, b, ldb, pc, jc+lead+e, kc, nc-lead-e, nr)
			}
			if columns {
				g.blockColumns(packA, packB, transA, i0, i1, j1-j0, jc, nc, lead, pc, kc,
					alpha, a, lda, b, ldb, beta, c, ldc)
				continue
			}
			g.blockTiles(packA, packB, inPlaceB, transA, i0, i1, j1-j0, jc, nc, pc, kc,
				alpha, a, lda, b, ldb, beta, c, ldc)
		}
	}
}

// blockTiles computes rows [i0, i1) and columns [jc, jc+nc) of C for the
// k block [pc, pc+kc) (the whole product is width columns wide): the A
// micro-panel of each row of tiles, then its tiles against the B
// micro-panels, panel jr at bp[jr·kc] (or in place in B for whole panels
// when inPlaceB). beta applies to the first k block only.
func (g *gemmConfig) blockTiles(packA, bp []float32, inPlaceB, transA bool,
	i0, i1, width, jc, nc, pc, kc int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	mr, nr := g.mr, g.nr
	tile := packA[len(packA)-mr*nr:]
	bet := beta
	if pc > 0 {
		bet = 1
	}
	for ic := i0; ic < i1; ic += mr {
		nrows := min(mr, i1-ic)
		// The whole tiles of an edge panel go to g.edge, which reads only
		// its rows, so A may stay in place unless a partial tile needs
		// the zero-padded panel.
		edge := nrows < mr && g.useEdge(bet)
		inPlace := nrows == mr || edge && nc%nr == 0
		// The A micro-panel is packed right before its row of tiles,
		// so it stays in L1 while the B micro-panels stream from L2.
		ap, rsa, csa := &packA[0], 1, mr
		whole := nc / nr
		packing := transA && nrows == mr && g.packingKernel != nil && g.tiles != nil && whole > 0
		if !transA && inPlace && g.readAInPlace != nil && g.readAInPlace(width, lda) {
			ap, rsa, csa = &a[ic*lda+pc], lda, 1
		} else if !packing {
			g.packA(packA, transA, a, lda, ic, pc, nrows, kc, mr)
		}
		jr := 0
		if (g.tiles != nil && nrows == mr || edge) && whole > 0 {
			bpj, csb, bstep := &bp[0], nr, nr*kc
			if inPlaceB {
				bpj, csb, bstep = &b[pc*ldb+jc], ldb, nr
			}
			if packing {
				g.packingKernel(kc, &a[pc*lda+ic], lda, bpj, csb, &c[ic*ldc+jc], ldc, alpha, bet, ap)
				if whole > 1 {
					bpj = &bp[nr*kc]
					if inPlaceB {
						bpj = &b[pc*ldb+jc+nr]
					}
					g.tiles(kc, ap, rsa, csa, 0, bpj, csb, bstep, &c[ic*ldc+jc+nr], ldc, nr, alpha, bet, whole-1)
				}
			} else if edge {
				done := 0
				if pairs := whole / 2; nrows <= 2 && pairs > 0 && g.edgePairs != nil {
					// 2 rows of one tile are 4 FMA chains, of two 8.
					g.edgePairs(kc, ap, rsa, csa, bpj, csb, bstep, &c[ic*ldc+jc], ldc, alpha, bet, pairs, nrows)
					done = 2 * pairs
				}
				if done < whole {
					bpj = &bp[done*nr*kc]
					if inPlaceB {
						bpj = &b[pc*ldb+jc+done*nr]
					}
					g.edge(kc, ap, rsa, csa, 0, bpj, csb, bstep, &c[ic*ldc+jc+done*nr], ldc, nr, alpha, bet, whole-done, nrows)
				}
			} else {
				g.tiles(kc, ap, rsa, csa, 0, bpj, csb, bstep, &c[ic*ldc+jc], ldc, nr, alpha, bet, whole)
			}
			jr = whole * nr
		}
		for ; jr < nc; jr += nr {
			ncols := min(nr, nc-jr)
			bpj, csb := &bp[jr*kc], nr
			if inPlaceB && ncols == nr {
				bpj, csb = &b[pc*ldb+jc+jr], ldb
			}
			cOff := ic*ldc + jc + jr
			if nrows == mr && ncols == nr {
				g.kernel(kc, ap, rsa, csa, bpj, csb, &c[cOff], ldc, alpha, bet)
				continue
			}
			g.partialTile(kc, ap, rsa, csa, bpj, csb, c[cOff:], ldc, alpha, bet, nrows, ncols, tile)
		}
	}
}

// partialTile computes the rows×cols corner of a tile from whole panels
// into c: with g.partial in place where beta' allows, else through the
// scratch tile.
func (g *gemmConfig) partialTile(kc int, ap *float32, rsa, csa int, bp *float32, csb int,
	c []float32, ldc int, alpha, beta float32, rows, cols int, tile []float32) {
	if g.partial != nil && (beta == 0 || beta == 1) {
		g.partial(kc, ap, rsa, csa, bp, csb, &c[0], ldc, alpha, beta, rows, uint32(1)<<cols-1)
		return
	}
	g.kernel(kc, ap, rsa, csa, bp, csb, &tile[0], g.nr, alpha, 0)
	storeTile(c, ldc, tile, g.nr, rows, cols, beta)
}

// blockColumns is blockTiles for a B read in place (its last, partial
// panel packed), with the loops the other way round: all of A's
// micro-panels for the k block are packed first (at most
// inPlaceBMaxRows rows: an L2-sized block), then each B micro-panel meets
// every A panel in turn. B's panel then comes from memory once and stays
// in L1, where blockTiles reads all of B once per A panel — a weight
// gradient's B is the layer's input (784 KB at batch 256 for 784 inputs),
// past a Zen 3 L2. The tiles and their k blocks are blockTiles', so the
// bits are too. With lead > 0 (leadColumns) the first lead columns are a
// panel packed at bp[0] and the panels from column lead on read B from a
// line boundary, their partial last one packed at bp[nr·kc+…].
func (g *gemmConfig) blockColumns(packA, bp []float32, transA bool,
	i0, i1, width, jc, nc, lead, pc, kc int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	mr, nr := g.mr, g.nr
	tile := packA[len(packA)-mr*nr:]
	bet := beta
	if pc > 0 {
		bet = 1
	}
	inPlaceA := !transA && g.readAInPlace != nil && g.readAInPlace(width, lda)
	// packing: a transposed A's whole panels are packed by the first
	// column of tiles (packingKernel), the edge panel before.
	packing := transA && g.packingKernel != nil
	for ic := i0; ic < i1; ic += mr {
		if nrows := min(mr, i1-ic); nrows < mr || !inPlaceA && !packing {
			g.packA(packA[(ic-i0)*kc:], transA, a, lda, ic, pc, nrows, kc, mr)
		}
	}
	if lead > 0 {
		for ic := i0; ic < i1; ic += mr {
			nrows := min(mr, i1-ic)
			ap, rsa, csa := &packA[(ic-i0)*kc], 1, mr
			if packing && nrows == mr {
				g.packingKernel(kc, &a[pc*lda+ic], lda, &bp[0], nr, &tile[0], nr, alpha, 0, ap)
			} else {
				if inPlaceA && nrows == mr {
					ap, rsa, csa = &a[ic*lda+pc], lda, 1
				}
				g.kernel(kc, ap, rsa, csa, &bp[0], nr, &tile[0], nr, alpha, 0)
			}
			storeTile(c[ic*ldc+jc:], ldc, tile, nr, nrows, lead, bet)
		}
		jc, nc, bp = jc+lead, nc-lead, bp[nr*kc:]
		packing = false
	}
	for jr := 0; jr < nc; jr += nr {
		ncols := min(nr, nc-jr)
		bpj, csb := &bp[jr*kc], nr
		if ncols == nr {
			bpj, csb = &b[pc*ldb+jc+jr], ldb
		}
		ic := i0
		if packing {
			for ; ic+mr <= i1; ic += mr {
				ap, cOff := &packA[(ic-i0)*kc], ic*ldc+jc+jr
				if ncols == nr {
					g.packingKernel(kc, &a[pc*lda+ic], lda, bpj, csb, &c[cOff], ldc, alpha, bet, ap)
					continue
				}
				g.packingKernel(kc, &a[pc*lda+ic], lda, bpj, csb, &tile[0], nr, alpha, 0, ap)
				storeTile(c[cOff:], ldc, tile, nr, mr, ncols, bet)
			}
			packing = false
		} else if whole := (i1 - i0) / mr; g.tiles != nil && ncols == nr && whole > 0 {
			ap, rsa, csa, astep := &packA[0], 1, mr, mr*kc
			if inPlaceA {
				ap, rsa, csa, astep = &a[i0*lda+pc], lda, 1, mr*lda
			}
			g.tiles(kc, ap, rsa, csa, astep, bpj, csb, 0, &c[i0*ldc+jc+jr], ldc, mr*ldc, alpha, bet, whole)
			ic += whole * mr
		}
		for ; ic < i1; ic += mr {
			nrows := min(mr, i1-ic)
			ap, rsa, csa := &packA[(ic-i0)*kc], 1, mr
			if inPlaceA && nrows == mr {
				ap, rsa, csa = &a[ic*lda+pc], lda, 1
			}
			cOff := ic*ldc + jc + jr
			if nrows == mr && ncols == nr {
				g.kernel(kc, ap, rsa, csa, bpj, csb, &c[cOff], ldc, alpha, bet)
				continue
			}
			if ncols == nr && g.useEdge(bet) {
				if nrows <= 2 && g.edgePairs != nil {
					// In pairs of whole B panels, as blockTiles does: an
					// even panel waits for the next one.
					if p := jr / nr; p%2 == 0 && jr+2*nr <= nc {
						continue
					} else if p%2 == 1 {
						g.edgePairs(kc, ap, rsa, csa, &b[pc*ldb+jc+jr-nr], ldb, nr, &c[cOff-nr], ldc, alpha, bet, 1, nrows)
						continue
					}
				}
				g.edge(kc, ap, rsa, csa, 0, bpj, csb, 0, &c[cOff], ldc, 0, alpha, bet, 1, nrows)
				continue
			}
			g.partialTile(kc, ap, rsa, csa, bpj, csb, c[cOff:], ldc, alpha, bet, nrows, ncols, tile)
		}
	}
}

// leadColumns returns how many columns of an in-place B block starting at
// b[0] (nc columns, row stride ldb) come before its first column on a
// 64-byte boundary, when the block should start its in-place panels there
// (alignB): every row equally aligned (ldb a multiple of 16 floats), at
// least one whole panel after it, and beta 0 or 1 — where a partial tile's
// separate beta·C has the whole tile's bits, so C's elements get the same
// bits whichever panel they fall in. Otherwise 0.
func (g *gemmConfig) leadColumns(b []float32, ldb, nc int, beta float32) int {
	if !g.alignB || ldb%16 != 0 || beta != 0 && beta != 1 {
		return 0
	}
	lead := int(16-uintptr(unsafe.Pointer(&b[0]))/4%16) % 16
	if uintptr(unsafe.Pointer(&b[0]))%4 != 0 || nc-lead < g.nr {
		return 0
	}
	return lead
}

// useEdge reports whether the whole tiles of an edge panel go to g.edge:
// with beta' 0 or 1, where its fused beta·C has the bits of the scratch
// tile's storeTile (which rounds beta·C on its own).
func (g *gemmConfig) useEdge(beta float32) bool {
	return g.edge != nil && (beta == 0 || beta == 1)
}

// inPlaceBMaxRows is the most rows of C for which inPlaceBPays.
const inPlaceBMaxRows = 128

// inPlaceBPays reports whether the kernels should read the panels of a
// non-transposed B in place rather than packed: when few row panels (m ≤
// 128: at most 11 of 12 rows, 22 of 6) reuse each B panel, so the copy is poorly
// amortised, and the row stride is not a multiple of 4 KiB, where the rows
// of a panel would all map to the same cache sets. Measured interleaved
// against packing on the Xeon of gemm_amd64.go's header: the gradients of
// 784-128-64-10 (dW = δᵀ·a: 128×784, 64×128 and 10×64, k = batch) ran
// 6–70% faster on AVX-512 and 4–38% on AVX2; from 200 rows on (17
// panels of 12) packing won by 5–17%.
func inPlaceBPays(m, ldb int) bool {
	return m <= inPlaceBMaxRows && ldb%1024 != 0
}

// packFunc packs a block of op(A) (or op(B)) into micro-panels; see
// packPanelsA and packPanelsB.
type packFunc func(dst []float32, trans bool, x []float32, ldx, i0, p0, mc, kc, mr int)
