package asm

// The generic SGEMM: cache-blocked like BLIS's outer loops, without a
// register tile. op(A) is copied, scaled by alpha, into a row-major
// mcBlock×kcBlock block and op(B) into a row-major kcBlock×ncBlock panel, so
// the inner loop streams two contiguous rows whatever the transposes are.
const (
	genericMC = 64  // rows of op(A) per block: packA is 64×256 floats (64 KiB)
	genericKC = 256 // shared dimension per block
	genericNC = 512 // columns of op(B) per panel: packB is 256×512 floats (512 KiB)
)

func genericPackSize(m, n, k int) (int, int) {
	kc := min(k, genericKC)
	return min(m, genericMC) * kc, kc * min(n, genericNC)
}

func gemmGeneric(ws *Workspace, transA, transB bool, m, n, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	scaleC(m, n, beta, c, ldc)
	if k == 0 || alpha == 0 {
		return
	}
	packA, packB := ws.buffers(genericPackSize(m, n, k))
	for jc := 0; jc < n; jc += genericNC {
		nc := min(genericNC, n-jc)
		for pc := 0; pc < k; pc += genericKC {
			kc := min(genericKC, k-pc)
			packPanel(packB, transB, b, ldb, pc, jc, kc, nc, 1)
			for ic := 0; ic < m; ic += genericMC {
				mc := min(genericMC, m-ic)
				packPanel(packA, transA, a, lda, ic, pc, mc, kc, alpha)
				for i := 0; i < mc; i++ {
					crow := c[(ic+i)*ldc+jc : (ic+i)*ldc+jc+nc]
					arow := packA[i*kc : i*kc+kc]
					for p, av := range arow {
						brow := packB[p*nc : p*nc+nc]
						for j, bv := range brow {
							crow[j] += av * bv
						}
					}
				}
			}
		}
	}
}

// packPanel copies the rows×cols block of op(X) starting at (r0, c0) into dst
// as a dense row-major block, multiplied by scale. op(X)(i, j) is
// x[i*ldx+j], or x[j*ldx+i] when trans.
func packPanel(dst []float32, trans bool, x []float32, ldx, r0, c0, rows, cols int, scale float32) {
	for i := 0; i < rows; i++ {
		d := dst[i*cols : i*cols+cols]
		if !trans {
			s := x[(r0+i)*ldx+c0 : (r0+i)*ldx+c0+cols]
			for j, v := range s {
				d[j] = scale * v
			}
			continue
		}
		for j := range d {
			d[j] = scale * x[(c0+j)*ldx+r0+i]
		}
	}
}
