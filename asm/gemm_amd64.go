//go:build !noasm && !purego

package asm

// The amd64 SGEMM: BLIS's loops around an assembly micro-kernel.
//
//	for jc over n by NC                  (B block: KC×NC, stays in L2/L3)
//	  for pc over k by KC
//	    pack op(B)[pc:pc+KC, jc:jc+NC] into NR-wide micro-panels
//	    for ic over m by MC              (rows of op(A) sharing the B block)
//	      for jr over the block by NR    (B micro-panel: KC×NR, stays in L1)
//	        for ir over the block by MR
//	          micro-kernel: C[ir:ir+MR, jr:jr+NR] = alpha·op(A)·B̃ + beta'·C
//
// beta' is beta for the first KC block and 1 afterwards. Edge panels are
// zero-padded, so the micro-kernel always computes a whole MR×NR tile; a tile
// that sticks out of C goes to a scratch tile (carved from the A buffer) and
// only its valid part is copied, so C is never touched outside m×n.
//
// op(A) is not packed: the micro-kernel takes A's row and column strides and
// reads MR rows (or, transposed, MR contiguous values per step) in place.
// Measured on the machine below, packing A in Go cost 10–15 % of the time
// at 512–2048 and in-place reads were as fast or faster from L2, so only a
// partial last row panel is packed, into a zero-padded scratch panel.
//
// Cache sizes of the machine this was tuned on (Intel(R) Xeon(R) Processor,
// Sapphire/Emerald Rapids class under KVM, per core: L1D 48 KiB, L2 2 MiB,
// shared L3 260 MiB):
//
//	avx2    6×16: KC=256 → B micro-panel 256·16·4 = 16 KiB (a third of L1D),
//	              A rows 240×256 (240 KiB) in L2; NC=3072 → B block 3 MiB.
//	avx512 12×32: KC=384 → B micro-panel 384·32·4 = 48 KiB, streaming
//	              through L1D with the hardware prefetcher (KC 128–512 were
//	              measured; 384 was best at 512–1024); MC=240 → A rows 360 KiB
//	              in L2; NC=3072 → B block 4.5 MiB in L3.
//
// blocked works on a sub-range of rows and columns of C so that a later
// multi-threaded caller can split the jc/ic loops across workers, each with
// its own packing buffers.

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
	mr, nr     int // register tile
	mc, kc, nc int // cache blocks (mc a multiple of mr, nc of nr)
	kernel     gemmKernel
}

//go:noescape
func sgemmKernelAVX512(k int, a *float32, rsa, csa int, b *float32, csb int,
	c *float32, ldc int, alpha, beta float32)

//go:noescape
func sgemmSkinnyAVX512(k int, a *float32, rsa, csa int, b *float32, csb int,
	c *float32, ldc int, alpha, beta float32, rows, cols int)

var (
	gemmAVX2   = &gemmConfig{mr: 6, nr: 16, mc: 240, kc: 256, nc: 3072, kernel: sgemmKernelAVX2}
	gemmAVX512 = &gemmConfig{mr: 12, nr: 32, mc: 240, kc: 384, nc: 3072, kernel: sgemmKernelAVX512}
)

// setGemmAVX2 installs the AVX2+FMA SGEMM into k.
func setGemmAVX2(k *kernelSet) {
	k.gemm = gemmAVX2.gemm
	k.packSize = gemmAVX2.packSize
}

func roundUpTo(n, m int) int { return (n + m - 1) / m * m }

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
	packA, packB := ws.buffers(g.packSize(m, n, k))
	g.blocked(packA, packB, transA, transB, 0, m, 0, n, k,
		alpha, a, lda, b, ldb, beta, c, ldc)
}

// blocked computes rows [i0, i1) and columns [j0, j1) of C with the BLIS
// loops; packA and packB must hold packSize(i1-i0, j1-j0, k) floats.
func (g *gemmConfig) blocked(packA, packB []float32, transA, transB bool,
	i0, i1, j0, j1, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	mr, nr := g.mr, g.nr
	tile := packA[len(packA)-mr*nr:]
	// Unpacked A: element (i, p) of op(A) is at a[i·rsa + p·csa].
	rsa, csa := lda, 1
	if transA {
		rsa, csa = 1, lda
	}
	kcb := evenBlock(k, g.kc)
	for jc := j0; jc < j1; jc += g.nc {
		nc := min(g.nc, j1-jc)
		for pc := 0; pc < k; pc += kcb {
			kc := min(kcb, k-pc)
			bet := beta
			if pc > 0 {
				bet = 1
			}
			packPanelsB(packB, transB, b, ldb, pc, jc, kc, nc, nr)
			for ic := i0; ic < i1; ic += g.mc {
				mc := min(g.mc, i1-ic)
				if rem := mc % mr; rem != 0 {
					// Only the partial last row panel is packed (zero-padded).
					packPanelsA(packA, transA, a, lda, ic+mc-rem, pc, rem, kc, mr)
				}
				for jr := 0; jr < nc; jr += nr {
					ncols := min(nr, nc-jr)
					bp := &packB[jr*kc]
					for ir := 0; ir < mc; ir += mr {
						nrows := min(mr, mc-ir)
						var ap *float32
						ars, acs := 1, mr
						if nrows < mr {
							ap = &packA[0]
						} else {
							ap = &a[(ic+ir)*rsa+pc*csa]
							ars, acs = rsa, csa
						}
						cOff := (ic+ir)*ldc + jc + jr
						if nrows == mr && ncols == nr {
							g.kernel(kc, ap, ars, acs, bp, nr, &c[cOff], ldc, alpha, bet)
							continue
						}
						g.kernel(kc, ap, ars, acs, bp, nr, &tile[0], nr, alpha, 0)
						storeTile(c[cOff:], ldc, tile, nr, nrows, ncols, bet)
					}
				}
			}
		}
	}
}

// storeTile writes the rows×cols corner of an alpha-scaled tile (row stride
// ldt) into C: C = tile + beta·C, without reading C when beta = 0.
func storeTile(c []float32, ldc int, tile []float32, ldt, rows, cols int, beta float32) {
	for i := 0; i < rows; i++ {
		dst := c[i*ldc : i*ldc+cols]
		src := tile[i*ldt : i*ldt+cols]
		if beta == 0 {
			copy(dst, src)
			continue
		}
		for j, v := range src {
			dst[j] = v + beta*dst[j]
		}
	}
}

// packPanelsA copies the mc×kc block of op(A) at (i0, p0) into MR-tall
// micro-panels: panel q holds rows q·MR… in column-major order (MR values
// per step p), the rows past mc zero-filled.
func packPanelsA(dst []float32, trans bool, a []float32, lda, i0, p0, mc, kc, mr int) {
	for ir := 0; ir < mc; ir += mr {
		rows := min(mr, mc-ir)
		d := dst[ir*kc : ir*kc+mr*kc]
		if trans {
			for p := 0; p < kc; p++ {
				o := (p0+p)*lda + i0 + ir
				dd := d[p*mr : p*mr+mr]
				copy(dd, a[o:o+rows])
				clear(dd[rows:])
			}
			continue
		}
		for r := 0; r < rows; r++ {
			o := (i0+ir+r)*lda + p0
			src := a[o : o+kc]
			for p, v := range src {
				d[p*mr+r] = v
			}
		}
		for r := rows; r < mr; r++ {
			for p := 0; p < kc; p++ {
				d[p*mr+r] = 0
			}
		}
	}
}

// packPanelsB copies the kc×nc block of op(B) at (p0, j0) into NR-wide
// micro-panels: panel q holds columns q·NR… in row-major order (NR values
// per step p), the columns past nc zero-filled.
func packPanelsB(dst []float32, trans bool, b []float32, ldb, p0, j0, kc, nc, nr int) {
	for jr := 0; jr < nc; jr += nr {
		cols := min(nr, nc-jr)
		d := dst[jr*kc : jr*kc+nr*kc]
		if !trans {
			for p := 0; p < kc; p++ {
				o := (p0+p)*ldb + j0 + jr
				dd := d[p*nr : p*nr+nr]
				copy(dd, b[o:o+cols])
				clear(dd[cols:])
			}
			continue
		}
		// Eight columns of op(B) (rows of B) at a time, so each step writes
		// 32 contiguous bytes instead of one float per cache line.
		j := 0
		for ; j+8 <= cols; j += 8 {
			o := (j0+jr+j)*ldb + p0
			s0, s1, s2, s3 := b[o:o+kc], b[o+ldb:o+ldb+kc], b[o+2*ldb:o+2*ldb+kc], b[o+3*ldb:o+3*ldb+kc]
			o += 4 * ldb
			s4, s5, s6, s7 := b[o:o+kc], b[o+ldb:o+ldb+kc], b[o+2*ldb:o+2*ldb+kc], b[o+3*ldb:o+3*ldb+kc]
			for p, v := range s0 {
				dd := d[p*nr+j : p*nr+j+8 : p*nr+j+8]
				dd[0], dd[1], dd[2], dd[3] = v, s1[p], s2[p], s3[p]
				dd[4], dd[5], dd[6], dd[7] = s4[p], s5[p], s6[p], s7[p]
			}
		}
		for ; j < cols; j++ {
			o := (j0+jr+j)*ldb + p0
			src := b[o : o+kc]
			for p, v := range src {
				d[p*nr+j] = v
			}
		}
		for j := cols; j < nr; j++ {
			for p := 0; p < kc; p++ {
				d[p*nr+j] = 0
			}
		}
	}
}

// setGemmAVX512 installs the AVX-512 SGEMM into k.
func setGemmAVX512(k *kernelSet) {
	k.gemm = gemmAVX512Skinny
	k.packSize = packSizeAVX512
}

// skinnyN is the widest product the AVX-512 skinny path takes: one ZMM of
// columns. skinnyMR and skinnyKC are its row tile and k block.
const (
	skinnyN  = 16
	skinnyMR = 16
	skinnyKC = 512
)

func packSizeAVX512(m, n, k int) (a, b int) {
	a, b = gemmAVX512.packSize(m, n, k)
	kc := min(k, skinnyKC)
	return max(a, skinnyMR*kc), max(b, skinnyN*kc)
}

// gemmAVX512Skinny sends products with n ≤ 16 (an output layer) to the
// skinny path and the rest to the 12×32 blocked path.
func gemmAVX512Skinny(ws *Workspace, transA, transB bool, m, n, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if n > skinnyN || k == 0 || alpha == 0 {
		gemmAVX512.gemm(ws, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	packA, packB := ws.buffers(packSizeAVX512(m, n, k))
	skinnyAVX512(packA, packB, transA, transB, 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
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
	kcb := evenBlock(k, skinnyKC)
	for pc := 0; pc < k; pc += kcb {
		kc := min(kcb, k-pc)
		bet := beta
		if pc > 0 {
			bet = 1
		}
		bp, csb := &b[0], ldb
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
