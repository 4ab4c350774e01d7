//go:build !noasm && !purego

package asm

// The arm64 SGEMM: BLIS's five loops around the 8×12 NEON micro-kernel in
// gemm_neon_arm64.s, both operands packed in Go.
//
//	for jc over n by NC                  (B block: KC×NC)
//	  for pc over k by KC
//	    pack op(B)[pc:pc+KC, jc:jc+NC] into 12-wide micro-panels
//	    for ic over m by MC
//	      pack op(A)[ic:ic+MC, pc:pc+KC] into 8-tall micro-panels
//	      for jr over the block by 12    (B micro-panel: KC×12)
//	        for ir over the block by 8   (A micro-panel: 8×KC)
//	          micro-kernel: C[ir:ir+8, jr:jr+12] = alpha·Ã·B̃ + beta'·C
//
// beta' is beta for the first KC block and 1 afterwards. Edge panels are
// zero-padded, so the micro-kernel always computes a whole 8×12 tile; a tile
// that sticks out of C is computed into a scratch tile (after the packed A
// block in the A buffer) and only its valid part is written to C by
// neonStoreTile, so C is never touched outside m×n and, with beta = 0, never
// read. The packing copies handle the four transpose combinations, so the
// kernel sees one layout.
//
// Blocking: BLIS's cortexa57 configuration (config/cortexa57/
// bli_cntx_init_cortexa57.c: sgemm 8×12, MC 120, KC 640, NC 3072): a B
// micro-panel of 640·12·4 = 30 KiB and an A micro-panel of 20 KiB share a
// 64 KiB L1D, the A block (120×640, 300 KiB) stays in L2. These figures are
// not tuned: no arm64 machine was available (see NEON.md).
const (
	neonMR = 8
	neonNR = 12
	neonMC = 120 // multiple of neonMR
	neonKC = 640
	neonNC = 3072 // multiple of neonNR
)

// sgemmKernelNEON computes one 8×12 tile from packed panels: C = alpha·A·B +
// beta·C (beta = 0: C is not read). a holds k steps of 8 floats, b k steps
// of 12 floats; ldc is in floats; k ≥ 1.
//
//go:noescape
func sgemmKernelNEON(k int, a, b, c *float32, ldc int, alpha, beta float32)

// setGemmNEON installs the NEON SGEMM into k.
func setGemmNEON(k *kernelSet) {
	k.gemm = gemmNEON
	k.packSize = neonPackSize
}

// neonPackSize returns the Workspace floats gemmNEON needs for an m×n×k
// product: the packed A block plus one scratch tile, and the packed B block.
func neonPackSize(m, n, k int) (a, b int) {
	kc := min(k, neonKC)
	a = neonRoundUp(min(m, neonMC), neonMR)*kc + neonMR*neonNR
	b = kc * neonRoundUp(min(n, neonNC), neonNR)
	return a, b
}

func neonRoundUp(n, m int) int { return (n + m - 1) / m * m }

func gemmNEON(ws *Workspace, transA, transB bool, m, n, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if k == 0 || alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	packA, packB := ws.buffers(neonPackSize(m, n, k))
	tile := packA[len(packA)-neonMR*neonNR:]
	for jc := 0; jc < n; jc += neonNC {
		nc := min(neonNC, n-jc)
		for pc := 0; pc < k; pc += neonKC {
			kc := min(neonKC, k-pc)
			bet := beta
			if pc > 0 {
				bet = 1
			}
			neonPackB(packB, transB, b, ldb, pc, jc, kc, nc)
			for ic := 0; ic < m; ic += neonMC {
				mc := min(neonMC, m-ic)
				neonPackA(packA, transA, a, lda, ic, pc, mc, kc)
				for jr := 0; jr < nc; jr += neonNR {
					ncols := min(neonNR, nc-jr)
					bp := &packB[jr*kc]
					for ir := 0; ir < mc; ir += neonMR {
						nrows := min(neonMR, mc-ir)
						ap := &packA[ir*kc]
						cOff := (ic+ir)*ldc + jc + jr
						if nrows == neonMR && ncols == neonNR {
							sgemmKernelNEON(kc, ap, bp, &c[cOff], ldc, alpha, bet)
							continue
						}
						sgemmKernelNEON(kc, ap, bp, &tile[0], neonNR, alpha, 0)
						neonStoreTile(c[cOff:], ldc, tile, nrows, ncols, bet)
					}
				}
			}
		}
	}
}

// neonStoreTile writes the rows×cols corner of an alpha-scaled 8×12 tile
// into C: C = tile + beta·C, without reading C when beta = 0.
func neonStoreTile(c []float32, ldc int, tile []float32, rows, cols int, beta float32) {
	for i := 0; i < rows; i++ {
		dst := c[i*ldc : i*ldc+cols]
		src := tile[i*neonNR : i*neonNR+cols]
		if beta == 0 {
			copy(dst, src)
			continue
		}
		for j, v := range src {
			dst[j] = v + float32(beta*dst[j]) // the conversion forbids FMA fusion (GOAMD64=v3, arm64)
		}
	}
}

// neonPackA copies the mc×kc block of op(A) at (i0, p0) into 8-tall
// micro-panels: panel q (at q·8·kc) holds rows 8q…8q+7 in column-major order
// (8 values per step p), the rows past mc zero-filled.
func neonPackA(dst []float32, trans bool, a []float32, lda, i0, p0, mc, kc int) {
	for ir := 0; ir < mc; ir += neonMR {
		rows := min(neonMR, mc-ir)
		d := dst[ir*kc : ir*kc+neonMR*kc]
		if trans { // op(A)(i, p) = a[p·lda + i]: 8 contiguous values per step
			for p := 0; p < kc; p++ {
				o := (p0+p)*lda + i0 + ir
				dd := d[p*neonMR : p*neonMR+neonMR]
				copy(dd, a[o:o+rows])
				clear(dd[rows:])
			}
			continue
		}
		for r := 0; r < rows; r++ {
			o := (i0+ir+r)*lda + p0
			for p, v := range a[o : o+kc] {
				d[p*neonMR+r] = v
			}
		}
		if rows < neonMR {
			for p := 0; p < kc; p++ {
				clear(d[p*neonMR+rows : p*neonMR+neonMR])
			}
		}
	}
}

// neonPackB copies the kc×nc block of op(B) at (p0, j0) into 12-wide
// micro-panels: panel q (at q·12·kc) holds columns 12q…12q+11 in row-major
// order (12 values per step p), the columns past nc zero-filled.
func neonPackB(dst []float32, trans bool, b []float32, ldb, p0, j0, kc, nc int) {
	for jr := 0; jr < nc; jr += neonNR {
		cols := min(neonNR, nc-jr)
		d := dst[jr*kc : jr*kc+neonNR*kc]
		if !trans { // op(B)(p, j) = b[p·ldb + j]: 12 contiguous values per step
			for p := 0; p < kc; p++ {
				o := (p0+p)*ldb + j0 + jr
				dd := d[p*neonNR : p*neonNR+neonNR]
				copy(dd, b[o:o+cols])
				clear(dd[cols:])
			}
			continue
		}
		for j := 0; j < cols; j++ {
			o := (j0+jr+j)*ldb + p0
			for p, v := range b[o : o+kc] {
				d[p*neonNR+j] = v
			}
		}
		if cols < neonNR {
			for p := 0; p < kc; p++ {
				clear(d[p*neonNR+cols : p*neonNR+neonNR])
			}
		}
	}
}
