//go:build (amd64 || arm64) && !noasm && !purego

package asm

// The packing and tile store of the blocked SGEMMs, shared by amd64
// (gemm_amd64.go) and arm64 (gemm_arm64.go): both use BLIS's layouts, so
// only the micro-kernel's tile shape (mr×nr) and the scratch tile's row
// stride are parameters.

// roundUpTo rounds n up to a multiple of m.
func roundUpTo(n, m int) int { return (n + m - 1) / m * m }

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
		if beta == 1 { // the fused SGD update's case; 1·C is exact, so same bits
			src = src[:len(dst)]
			for j, v := range src {
				dst[j] += v
			}
			continue
		}
		for j, v := range src {
			dst[j] = v + float32(beta*dst[j]) // the conversion forbids FMA fusion (GOAMD64=v3, arm64)
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
