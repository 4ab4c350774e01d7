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
// storeTile, so C is never touched outside m×n and, with beta = 0, never
// read. The packing copies handle the four transpose combinations, so the
// kernel sees one layout; they and storeTile are shared with amd64 (pack.go).
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
	k.rowGrain, k.colGrain = neonMR, neonNR
}

// neonPackSize returns the Workspace floats gemmNEON needs for an m×n×k
// product: the packed A block plus one scratch tile, and the packed B block.
func neonPackSize(m, n, k int) (a, b int) {
	kc := min(k, neonKC)
	a = roundUpTo(min(m, neonMC), neonMR)*kc + neonMR*neonNR
	b = kc * roundUpTo(min(n, neonNC), neonNR)
	return a, b
}

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
			packPanelsB(packB, transB, b, ldb, pc, jc, kc, nc, neonNR)
			for ic := 0; ic < m; ic += neonMC {
				mc := min(neonMC, m-ic)
				packPanelsA(packA, transA, a, lda, ic, pc, mc, kc, neonMR)
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
						storeTile(c[cOff:], ldc, tile, neonNR, nrows, ncols, bet)
					}
				}
			}
		}
	}
}
