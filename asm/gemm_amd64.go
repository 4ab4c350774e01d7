//go:build !noasm && !purego

package asm

// The amd64 SGEMM: BLIS's loops around an assembly micro-kernel.
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
// only its valid part is copied, so C is never touched outside m×n.
//
// The loop order is ir outside jr (BLIS puts jr outside): the A micro-panel
// is packed right before its row of tiles and stays in L1 for all of them,
// while the B micro-panels stream from the L2-resident B block. BLIS's order
// keeps a KC×NR B micro-panel in L1 instead, which for the 12×32 tile is
// 48 KiB at KC=384 — all of L1D. Packing A (rather than reading it in place
// with its row stride) also removes the L1 set conflicts of power-of-two
// leading dimensions, where all MR rows of the panel map to the same sets.
//
// The AVX-512 path packs with assembly (gemm_pack_avx512_amd64.s): a
// transposing copy for rows of A and of a transposed B, a masked straight
// copy for columns of a transposed A and rows of B. It skips the copy where
// few tiles would reuse it: whole 12-row panels of a non-transposed A are
// read in place when C is at most 64 columns wide (inPlaceAPays), whole
// 32-column panels of a non-transposed B when C has at most 128 rows
// (inPlaceBPays) — the shapes of a layer's forward product at small batch
// and of its weight gradient. The AVX2 path reads a
// non-transposed A in place (6 rows fit L1's 12 ways even at a power-of-two
// lda), copies columns of a transposed A and rows of B with VMASKMOVPS
// (gemm_pack_avx2_amd64.s), and packs a transposed B in Go.
//
// Products with a non-transposed A of at most smallM rows (a batch of a
// few samples: the forward NT and backward NN of a dense layer) skip the
// packing altogether: smallGemm runs the kernels of gemm_small_amd64.s on A,
// B and C in place, with the same per-element summation as the blocked
// path, so ParallelGemm's bands stay bit-identical. On the AVX-512 path a
// forward NT product of a short batch (9–16 rows, or 32 rows at k ≥ 512) is
// computed as its transpose instead (swapNTAVX512), with the same
// per-element operations.
//
// Cache sizes of the machine this was tuned on (Intel(R) Xeon(R) Processor,
// Sapphire/Emerald Rapids class under KVM, per core: L1D 48 KiB, L2 2 MiB,
// shared L3 260 MiB):
//
//	avx2    6×16: KC=256 → A micro-panel 6 KiB in L1, B micro-panel 16 KiB;
//	              NC=3072 → B block 3 MiB.
//	avx512 12×32: KC=384 → A micro-panel 18 KiB in L1; NC=768 → B block
//	              1.1 MiB in L2 (KC 256–512 measured within noise at
//	              512–1024; NC 384 and 1536 were slower).
//
// Power-of-two leading dimensions need no special case. Interleaved in one
// process on that Xeon (AVX-512, one core, 30–40 rounds, median GFLOPS):
// 1024³ with lda = ldb = ldc = 1024 ran at 140–142, the same product with
// leading dimensions 1040 at 142–143 (per-round ratio 0.99–1.00; padding
// only ldc, or only lda and ldb, likewise), 1000³ at 139, 1040³ at 143,
// 512³ at 151 and 2048³ at 131–141. A product that size packs both
// operands (and inPlaceAPays, inPlaceBPays never read a stride that is a
// multiple of 4 KiB in place), so the kernel's loads see no 4 KiB stride;
// the packing reads and the C tile's rows at 4 KiB steps cost nothing
// measurable. The 86.5 GFLOPS of 1024³ in bench/results was a slow phase
// of the VM (all 7 repetitions, and the 2-thread row after it, at ~49% of
// peak); interleave sizes before reading a dip into one of them.
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

//go:noescape
func sgemmKernelAVX2(k int, a *float32, rsa, csa int, b *float32, csb int,
	c *float32, ldc int, alpha, beta float32)

// gemmConfig is one path's register tile, cache blocking and kernel.
type gemmConfig struct {
	mr, nr int // register tile
	kc, nc int // cache blocks (nc a multiple of nr)
	kernel gemmKernel
	packA  packFunc // one MR-tall micro-panel of op(A)
	packB  packFunc // a KC×NC block of op(B)
	// readAInPlace reports whether whole row panels of a non-transposed A
	// are read in place for a product n columns wide (nil: always packed).
	readAInPlace func(n, lda int) bool
	// inPlaceB: read whole column panels of a non-transposed B in place.
	inPlaceB bool
	// smallM: products with a non-transposed A of at most this many rows
	// go to smallGemm (0: never). From mr rows on, the blocked path has
	// whole tiles, whose fused beta·C differs from smallGemm's in the last
	// bit, so there smallGemm only takes beta ∈ {0, 1}; see smallGemm.
	smallM int
}

//go:noescape
func sgemmKernelAVX512(k int, a *float32, rsa, csa int, b *float32, csb int,
	c *float32, ldc int, alpha, beta float32)

//go:noescape
func sgemmSkinnyAVX512(k int, a *float32, rsa, csa int, b *float32, csb int,
	c *float32, ldc int, alpha, beta float32, rows, cols int)

var (
	gemmAVX2 = &gemmConfig{mr: 6, nr: 16, kc: 256, nc: 3072, kernel: sgemmKernelAVX2,
		packA: packAAVX2, packB: packBAVX2, readAInPlace: alwaysInPlace, inPlaceB: true, smallM: smallMAVX2}
	gemmAVX512 = &gemmConfig{mr: 12, nr: 32, kc: 384, nc: 768, kernel: sgemmKernelAVX512,
		packA: packAAVX512, packB: packBAVX512, readAInPlace: inPlaceAPays, inPlaceB: true, smallM: smallMAVX512}
)

// setGemmAVX2 installs the AVX2+FMA SGEMM into k.
func setGemmAVX2(k *kernelSet) {
	k.gemm = gemmAVX2.gemm
	k.packSize = gemmAVX2.packSize
	k.rowGrain, k.colGrain = gemmAVX2.mr, gemmAVX2.nr
	k.sharedB = gemmAVX2
}

// evenBlock splits k into the fewest blocks of at most kc and returns their
// common size, so that no short last block (e.g. 784 = 384+384+16) pays the
// C read-modify-write for a handful of steps.
func evenBlock(k, kc int) int {
	nb := (k + kc - 1) / kc
	return (k + nb - 1) / nb
}

// packSize returns the Workspace floats gemm needs: one zero-padded A
// panel plus one scratch tile, and the B block.
func (g *gemmConfig) packSize(m, n, k int) (a, b int) {
	kc := min(k, g.kc)
	a = g.mr*kc + g.mr*g.nr
	b = kc * roundUpTo(min(n, g.nc), g.nr)
	return a, b
}

func (g *gemmConfig) gemm(ws *Workspace, transA, transB bool, m, n, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if k == 0 || alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	if !transA && m <= g.smallM && (m < g.mr || beta == 0 || beta == 1) {
		g.smallGemm(ws, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
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
	kcb := evenBlock(k, g.kc)
	for jc := j0; jc < j1; jc += g.nc {
		nc := min(g.nc, j1-jc)
		for pc := 0; pc < k; pc += kcb {
			kc := min(kcb, k-pc)
			// Whole panels of a non-transposed B may be read in place (rows
			// of nr contiguous floats, stride ldb); the edge panel is packed.
			inPlaceB := g.inPlaceB && !transB && inPlaceBPays(i1-i0, ldb)
			if !inPlaceB {
				g.packB(packB, transB, b, ldb, pc, jc, kc, nc, nr)
			} else if e := nc / nr * nr; e < nc {
				g.packB(packB[e*kc:], transB, b, ldb, pc, jc+e, kc, nc-e, nr)
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
		// The A micro-panel is packed right before its row of tiles,
		// so it stays in L1 while the B micro-panels stream from L2.
		ap, rsa, csa := &packA[0], 1, mr
		if !transA && nrows == mr && g.readAInPlace != nil && g.readAInPlace(width, lda) {
			ap, rsa, csa = &a[ic*lda+pc], lda, 1
		} else {
			g.packA(packA, transA, a, lda, ic, pc, nrows, kc, mr)
		}
		for jr := 0; jr < nc; jr += nr {
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
			g.kernel(kc, ap, rsa, csa, bpj, csb, &tile[0], nr, alpha, 0)
			storeTile(c[cOff:], ldc, tile, nr, nrows, ncols, bet)
		}
	}
}

// inPlaceBPays reports whether the kernels should read the panels of a
// non-transposed B in place rather than packed: when few row panels (m ≤
// 128: at most 11 of 12 rows, 22 of 6) reuse each B panel, so the copy is poorly
// amortised, and the row stride is not a multiple of 4 KiB, where the rows
// of a panel would all map to the same cache sets. Measured interleaved
// against packing on the Xeon of the header: the weight gradients of
// 784-128-64-10 (dW = δᵀ·a: 128×784, 64×128 and 10×64, k = batch) ran
// 6–70% faster on AVX-512 and 4–38% on AVX2; from 200 rows on (17
// panels of 12) packing won by 5–17%.
func inPlaceBPays(m, ldb int) bool {
	return m <= 128 && ldb%1024 != 0
}

// inPlaceAPays reports whether the AVX-512 kernel should read the 12-row
// panels of a non-transposed A in place (stride lda) rather than packed:
// when each panel serves at most two 32-column tiles (n ≤ 64), so packing
// it costs about as much as the kernel's one or two reads of it, and the
// stride is not a multiple of 4 KiB (the 12 rows would share cache sets).
// Interleaved A/B on the Xeon of the header: the swapped forward product
// of a batch of 32 (128×32×784) +24–27%, 64–784 rows × 32–64 columns
// +5–25%; wider products were measured neutral, so they stay packed.
// alwaysInPlace is the AVX2 path's choice: its 6 rows fit L1's 12 ways
// even at a power-of-two lda (see the header).
func alwaysInPlace(n, lda int) bool { return true }

func inPlaceAPays(n, lda int) bool {
	return n <= 64 && lda%1024 != 0
}

// packFunc packs a block of op(A) (or op(B)) into micro-panels; see
// packPanelsA and packPanelsB.
type packFunc func(dst []float32, trans bool, x []float32, ldx, i0, p0, mc, kc, mr int)

// lanes returns a mask of the first n of 32 lanes.
func lanes(n int) uint32 { return uint32(1<<n - 1) }

// packAAVX512 packs the mc×kc block of op(A) at (i0, p0), mc ≤ MR, into
// one zero-padded MR-tall micro-panel with the AVX-512 packing routines.
func packAAVX512(dst []float32, trans bool, a []float32, lda, i0, p0, mc, kc, mr int) {
	if trans {
		sgemmPackNAVX512(&dst[0], &a[p0*lda+i0], lda, kc, lanes(mc), lanes(mr))
		return
	}
	if mr%4 == 0 {
		packTransposedAVX512(dst, a[i0*lda+p0:], lda, mc, kc, mr)
		return
	}
	packPanelsA(dst, trans, a, lda, i0, p0, mc, kc, mr)
}

// packBAVX512 packs the kc×nc block of op(B) at (p0, j0) into NR-wide
// zero-padded micro-panels with the AVX-512 packing routines.
func packBAVX512(dst []float32, trans bool, b []float32, ldb, p0, j0, kc, nc, nr int) {
	for jr := 0; jr < nc; jr += nr {
		cols := min(nr, nc-jr)
		d := dst[jr*kc : jr*kc+nr*kc]
		switch {
		case !trans:
			sgemmPackNAVX512(&d[0], &b[p0*ldb+j0+jr], ldb, kc, lanes(cols), lanes(nr))
		case nr%4 == 0:
			packTransposedAVX512(d, b[(j0+jr)*ldb+p0:], ldb, cols, kc, nr)
		default:
			packPanelsB(d, true, b, ldb, p0, j0+jr, kc, cols, nr)
		}
	}
}

// packTransposedAVX512 packs rows [0, rows) of src (row stride ld), kc
// steps each, into one micro-panel of width w (a multiple of 4): dst[p·w+r]
// = src[r·ld+p], rows past rows zero. Whole groups of four rows go through
// the assembly transposing copy, the zero rows too (as copies of zeroSteps
// with stride 0); only a group of 1–3 rows is copied in Go. (The scalar Go
// packer took 7% of a batch-32 step for the edge panels alone.)
func packTransposedAVX512(dst, src []float32, ld, rows, kc, w int) {
	full := rows &^ 3
	if full > 0 {
		sgemmPackTAVX512(&dst[0], &src[0], ld, full, kc, w)
	}
	r := full
	if r < rows {
		for p := 0; p < kc; p++ {
			d := dst[p*w+r : p*w+r+4]
			for q := range d {
				d[q] = 0
				if r+q < rows {
					d[q] = src[(r+q)*ld+p]
				}
			}
		}
		r += 4
	}
	if r < w {
		sgemmPackTAVX512(&dst[r], &zeroSteps[0], 0, w-r, kc, w)
	}
}

// zeroSteps is the source of the zero rows of packTransposedAVX512: kc ≤
// the AVX-512 KC steps of zeros.
var zeroSteps [512]float32

// packAAVX2 packs the mc×kc block of op(A) at (i0, p0), mc ≤ MR, into one
// zero-padded MR-tall micro-panel; columns of a transposed A are copied with
// the AVX2 routine (a non-transposed A is read in place except for a
// partial last panel).
func packAAVX2(dst []float32, trans bool, a []float32, lda, i0, p0, mc, kc, mr int) {
	if trans {
		sgemmPackNAVX2(&dst[0], &a[p0*lda+i0], lda, kc, mr, min(mc, 8), max(mc-8, 0), min(mr, 8), max(mr-8, 0))
		return
	}
	packPanelsA(dst, trans, a, lda, i0, p0, mc, kc, mr)
}

// packBAVX2 packs the kc×nc block of op(B) at (p0, j0) into NR-wide
// zero-padded micro-panels, rows of a non-transposed B with the AVX2 copy.
func packBAVX2(dst []float32, trans bool, b []float32, ldb, p0, j0, kc, nc, nr int) {
	if trans {
		packPanelsB(dst, trans, b, ldb, p0, j0, kc, nc, nr)
		return
	}
	for jr := 0; jr < nc; jr += nr {
		cols := min(nr, nc-jr)
		sgemmPackNAVX2(&dst[jr*kc], &b[p0*ldb+j0+jr], ldb, kc, nr, min(cols, 8), max(cols-8, 0), min(nr, 8), max(nr-8, 0))
	}
}

//go:noescape
func sgemmPackNAVX2(dst, src *float32, ld, k, w, l0, l1, s0, s1 int)

//go:noescape
func sgemmPackTAVX512(dst, src *float32, ld, rows, k, dstride int)

//go:noescape
func sgemmPackNAVX512(dst, src *float32, ld, k int, load, store uint32)

// setGemmAVX512 installs the AVX-512 SGEMM into k.
func setGemmAVX512(k *kernelSet) {
	k.gemm = gemmAVX512Skinny
	k.packSize = packSizeAVX512
	k.swapSize = swapSizeAVX512
	k.rowGrain, k.colGrain = gemmAVX512.mr, gemmAVX512.nr
}

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
	return max(a, skinnyMR*kc), max(b, skinnyN*kc)
}

// gemmAVX512Skinny sends products with n ≤ 16 (an output layer) to the
// skinny path and the rest to the 12×32 blocked path.
func gemmAVX512Skinny(ws *Workspace, transA, transB bool, m, n, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if swapNTAVX512(transA, transB, m, n, k, alpha, beta) {
		gemmSwappedNT(ws, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, gemmAVX512Skinny)
		return
	}
	if n > skinnyN || k == 0 || alpha == 0 || (!transA && m <= gemmAVX512.smallM) {
		gemmAVX512.gemm(ws, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	packA, packB := ws.buffers(packSizeAVX512(m, n, k))
	skinnyAVX512(packA, packB, transA, transB, 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// swapNTAVX512 reports whether the AVX-512 path computes C = A·Bᵀ as its
// transpose Cᵀ = B·Aᵀ, which pays when A is a short batch against a long k:
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
func swapNTAVX512(transA, transB bool, m, n, k int, alpha, beta float32) bool {
	if transA || !transB || m >= n || alpha == 0 || (beta != 0 && beta != 1) {
		return false
	}
	return (m > gemmAVX512.smallM && m <= skinnyN && k >= 256) || (m == 32 && k >= 512) || (m == 64 && k >= 768)
}

func swapSizeAVX512(m, n, k int) int {
	if swapNTAVX512(false, true, m, n, k, 1, 0) {
		return m * n
	}
	return 0
}

// gemmSwappedNT computes C = alpha·A·Bᵀ + beta·C (A m×k, B n×k) as
// Cᵀ = alpha·B·Aᵀ + beta·Cᵀ through gemm into the Workspace's scratch, then
// transposes the result into C. With beta ≠ 0, Cᵀ is loaded first, so every
// element sees the same operations as in the direct product.
func gemmSwappedNT(ws *Workspace, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int,
	beta float32, c []float32, ldc int, gemm gemmFunc) {
	t := ws.swapBuffer(m * n)[:m*n] // n×m, row stride m
	if beta != 0 {
		transpose(t, m, c, ldc, m, n)
	}
	gemm(ws, false, true, n, m, k, alpha, b, ldb, a, lda, beta, t, m)
	transpose(c, ldc, t, m, n, m)
}

// transpose writes the rows×cols matrix src (row stride lds) into dst (row
// stride ldd) as its cols×rows transpose: groups of four rows with the
// AVX-512 transposing pack (dst[p·ldd + r] = src[r·lds + p]), the last 1–3
// rows in Go. AVX-512 only: gemmSwappedNT is the AVX-512 path's.
func transpose(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	full := rows &^ 3
	if full > 0 && cols > 0 {
		sgemmPackTAVX512(&dst[0], &src[0], lds, full, cols, ldd)
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
			packPanelsB(packB, true, b, ldb, pc, 0, kc, n, skinnyN)
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
