//go:build !noasm && !purego

package asm

// The amd64 packing functions of the AVX2 and AVX-512 SGEMM paths (their
// assembly is in gemm_pack_avx2_amd64.s and gemm_pack_avx512_amd64.s).

// lanes returns a mask of the first n of 32 lanes.
func lanes(n int) uint32 { return uint32(1<<n - 1) }

// packAAVX512 packs the mc×kc block of op(A) at (i0, p0), mc ≤ MR, into
// one zero-padded MR-tall micro-panel with the AVX-512 packing routines.
func packAAVX512(dst []float32, trans bool, a []float32, lda, i0, p0, mc, kc, mr int) {
	if trans {
		if mr == 12 {
			sgemmPackN12AVX512(&dst[0], &a[p0*lda+i0], lda, kc, lanes(mc))
			return
		}
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
		packTRowsAVX512(dst, src, ld, full, kc, w)
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
		packTRowsAVX512(dst[r:], zeroSteps[:], 0, w-r, kc, w)
	}
}

// packTRowsAVX512 is sgemmPackTAVX512 (rows a multiple of 4) with whole
// groups of 16 rows by 4 steps through sgemmPackT16AVX512, and a whole
// 12-row panel of A by 4 steps through sgemmPackT12AVX512.
func packTRowsAVX512(dst, src []float32, ld, rows, k, dstride int) {
	r16, k4 := rows&^15, k&^3
	if rows == 12 && dstride == 12 && k4 > 0 { // a whole panel of A
		sgemmPackT12AVX512(&dst[0], &src[0], ld, k4)
		if k4 < k {
			sgemmPackTAVX512(&dst[k4*dstride], &src[k4], ld, rows, k-k4, dstride)
		}
		return
	}
	if r16 == 0 || k4 == 0 {
		sgemmPackTAVX512(&dst[0], &src[0], ld, rows, k, dstride)
		return
	}
	sgemmPackT16AVX512(&dst[0], &src[0], ld, r16, k4, dstride)
	if k4 < k {
		sgemmPackTAVX512(&dst[k4*dstride], &src[k4], ld, r16, k-k4, dstride)
	}
	if r16 < rows {
		sgemmPackTAVX512(&dst[r16], &src[r16*ld], ld, rows-r16, k, dstride)
	}
}

// zeroSteps is the source of the zero rows of packTransposedAVX512: kc ≤
// the AVX-512 KC steps of zeros.
var zeroSteps [512]float32

// packAAVX2 packs the mc×kc block of op(A) at (i0, p0), mc ≤ MR, into one
// zero-padded MR-tall micro-panel; columns of a transposed A are copied with
// the AVX2 routine, six whole rows of a non-transposed A transposed by
// another (such an A is packed only at 4 KiB strides, and for a partial
// last panel).
func packAAVX2(dst []float32, trans bool, a []float32, lda, i0, p0, mc, kc, mr int) {
	if trans {
		packStepsAVX2(dst, a[p0*lda+i0:], lda, kc, mr, mc)
		return
	}
	if mc == 6 && mr == 6 {
		packRows6AVX2(dst, a[i0*lda+p0:], lda, kc)
		return
	}
	packPanelsA(dst, trans, a, lda, i0, p0, mc, kc, mr)
}

// packRows6AVX2 packs six rows of src (row stride ld), kc steps each, into
// one 6-row micro-panel: dst[p·6+r] = src[r·ld+p]. Blocks of eight steps
// go through the assembly transposing copy, the last kc mod 8 in Go.
func packRows6AVX2(dst, src []float32, ld, kc int) {
	_, _ = dst[6*kc-1], src[5*ld+kc-1] // the assembly's reach, checked
	k8 := kc &^ 7
	if k8 > 0 {
		sgemmPackA6AVX2(&dst[0], &src[0], ld, k8/8)
	}
	for p := k8; p < kc; p++ {
		d := dst[p*6 : p*6+6]
		for r := range d {
			d[r] = src[r*ld+p]
		}
	}
}

//go:noescape
func sgemmPackA6AVX2(dst, src *float32, ld, blocks int)

// packBAVX2 packs the kc×nc block of op(B) at (p0, j0) into NR-wide
// zero-padded micro-panels, rows of a non-transposed B with the AVX2 copy
// and of a transposed B with the AVX2 transposing copy.
func packBAVX2(dst []float32, trans bool, b []float32, ldb, p0, j0, kc, nc, nr int) {
	if trans {
		for jr := 0; jr < nc; jr += nr {
			cols := min(nr, nc-jr)
			packTransposedAVX2(dst[jr*kc:jr*kc+nr*kc], b[(j0+jr)*ldb+p0:], ldb, cols, kc, nr)
		}
		return
	}
	for jr := 0; jr < nc; jr += nr {
		cols := min(nr, nc-jr)
		packStepsAVX2(dst[jr*kc:], b[p0*ldb+j0+jr:], ldb, kc, nr, cols)
	}
}

// packTransposedAVX2 packs rows [0, rows) of src (row stride ld), kc
// steps each, into one micro-panel of width w: dst[p·w+r] = src[r·ld+p],
// rows past rows zero. Groups of eight rows and eight steps go through the
// assembly transposing copy; the last kc mod 8 steps and a group of 1–7
// rows are copied in Go. (The Go copy alone took 11 µs, an eighth of the
// forward product, for a batch of 32 at 784 inputs.)
func packTransposedAVX2(dst, src []float32, ld, rows, kc, w int) {
	k8 := kc &^ 7
	r := 0
	for ; r+8 <= rows; r += 8 {
		if k8 > 0 {
			sgemmPackT8AVX2(&dst[r], &src[r*ld], ld, k8/8, w)
		}
		for p := k8; p < kc; p++ {
			d := dst[p*w+r : p*w+r+8]
			for q := range d {
				d[q] = src[(r+q)*ld+p]
			}
		}
	}
	if r == w {
		return // an empty loop of kc steps cost a fifth of a narrow product
	}
	for p := 0; p < kc; p++ {
		d := dst[p*w+r : p*w+w]
		for q := range d {
			d[q] = 0
			if r+q < rows {
				d[q] = src[(r+q)*ld+p]
			}
		}
	}
}

//go:noescape
func sgemmPackT8AVX2(dst, src *float32, ld, blocks, dstride int)

// packStepsAVX2 copies k steps of n ≤ w contiguous floats (stride ld in
// src) into a zero-padded micro-panel of width w ≤ 16: dst[p·w+j] =
// src[p·ld+j]. All steps but the last ⌈stored/w⌉−1 store whole YMMs (see
// sgemmPackNAVX2), which run at most into the next steps' slots.
func packStepsAVX2(dst, src []float32, ld, k, w, n int) {
	stored := 8
	if w > 8 {
		stored = 16
	}
	plain := max(0, k-(stored+w-1)/w+1)
	sgemmPackNAVX2(&dst[0], &src[0], ld, k, w, min(n, 8), max(n-8, 0), min(w, 8), max(w-8, 0), plain)
}

//go:noescape
func sgemmPackNAVX2(dst, src *float32, ld, k, w, l0, l1, s0, s1, plain int)

//go:noescape
func sgemmPackTAVX512(dst, src *float32, ld, rows, k, dstride int)

//go:noescape
func sgemmPackN12AVX512(dst, src *float32, ld, k int, load uint32)

//go:noescape
func sgemmPackT12AVX512(dst, src *float32, ld, k int)

//go:noescape
func sgemmPackT16AVX512(dst, src *float32, ld, rows, k, dstride int)

//go:noescape
func sgemmPackNAVX512(dst, src *float32, ld, k int, load, store uint32)
