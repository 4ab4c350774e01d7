//go:build !noasm && !purego

package asm

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSgemmSwappedNT: on the AVX-512 path an NT product with fewer rows than
// columns is computed transposed; with beta 0 or 1 it must give the direct
// product's bits (ParallelGemm's bands may be computed either way), and C
// outside the m×n block (ldc > n) must stay untouched.
func TestSgemmSwappedNT(t *testing.T) {
	if !slices.Contains(Available(), "avx512") {
		t.Skip("no avx512 on this CPU")
	}
	r := newRand(21)
	for _, sh := range [][3]int{{9, 10, 300}, {32, 128, 784}, {13, 48, 1000}, {16, 17, 256}, {32, 33, 512}, {11, 784, 257}, {64, 65, 768}, {64, 300, 1000}} {
		m, n, k := sh[0], sh[1], sh[2]
		require.True(t, swapAVX512(false, true, m, n, k, 1, 0), "%v", sh)
		for _, beta := range []float32{0, 1} {
			ldc := n + 3
			a, _ := guarded(r, m*k, 1)
			b, _ := guarded(r, n*k, 2)
			swapped, check := guarded(r, m*ldc, 3)
			direct := copyOf(swapped)
			gemmAVX512Strategies(NewWorkspace(), false, true, m, n, k, 0.5, a, k, b, k, beta, swapped, ldc)
			gemmAVX512.gemm(NewWorkspace(), false, true, m, n, k, 0.5, a, k, b, k, beta, direct, ldc)
			check(t)
			requireSameBits(t, fmt.Sprintf("%v beta=%v: C swapped vs direct", sh, beta), swapped, direct)
		}
	}
	require.False(t, swapAVX512(false, true, 32, 128, 784, 1, 0.5), "beta 0.5 must not swap")
	require.False(t, swapAVX512(false, true, 8, 128, 784, 1, 0), "small m has its own path")
	require.False(t, swapAVX512(false, false, 32, 128, 784, 1, 0), "NN is not swapped")
}

// TestSgemmSwappedTN: on the AVX-512 path a TN product at most 12 columns
// wide is computed transposed, with the bits of the direct (skinny) product
// for beta 0 and 1 and C's guards untouched; wider, shorter-k, few-row or
// other-beta products go direct.
func TestSgemmSwappedTN(t *testing.T) {
	if !slices.Contains(Available(), "avx512") {
		t.Skip("no avx512 on this CPU")
	}
	r := newRand(23)
	for _, sh := range [][3]int{{256, 10, 128}, {17, 1, 64}, {32, 4, 65}, {100, 7, 300}, {784, 12, 512}, {61, 11, 1000}} {
		m, n, k := sh[0], sh[1], sh[2]
		require.True(t, swapAVX512(true, false, m, n, k, 1, 0), "%v", sh)
		// Workspace.Reserve sizes the transposed product's buffers too.
		require.GreaterOrEqual(t, swapSizeAVX512(m, n, k), m*n, "%v", sh)
		pa, pb := packSizeAVX512(m, n, k)
		ta, tb := gemmAVX512.packSize(n, m, k)
		require.True(t, pa >= ta && pb >= tb, "%v: pack sizes %d, %d for the transpose's %d, %d", sh, pa, pb, ta, tb)
		for _, beta := range []float32{0, 1} {
			lda, ldb, ldc := m+1, n+2, n+3
			a, _ := guarded(r, k*lda, 1)
			b, _ := guarded(r, k*ldb, 2)
			swapped, check := guarded(r, m*ldc, 3)
			direct := copyOf(swapped)
			gemmAVX512Strategies(NewWorkspace(), true, false, m, n, k, 0.5, a, lda, b, ldb, beta, swapped, ldc)
			gemmAVX512Direct(NewWorkspace(), true, false, m, n, k, 0.5, a, lda, b, ldb, beta, direct, ldc)
			check(t)
			requireSameBits(t, fmt.Sprintf("TN %v beta=%v: C swapped vs direct", sh, beta), swapped, direct)
		}
	}
	require.False(t, swapAVX512(true, false, 256, 13, 128, 1, 0), "13 columns go to the skinny path")
	require.False(t, swapAVX512(true, false, 256, 10, 32, 1, 0), "k = 32 goes direct")
	require.False(t, swapAVX512(true, false, 16, 10, 128, 1, 0), "16 rows go direct")
	require.False(t, swapAVX512(true, false, 256, 10, 128, 1, 0.5), "beta 0.5 must not swap")
	require.False(t, swapAVX512(true, true, 256, 10, 128, 1, 0), "TT is not swapped")
}

// TestSkinnyAdjacentRows: the skinny kernel's loop for A rows one float
// apart (a transposed A in place, or a packed panel) gives the bits of its
// loop for strided rows: TN on A against NN on A's explicit transpose.
func TestSkinnyAdjacentRows(t *testing.T) {
	if !slices.Contains(Available(), "avx512") {
		t.Skip("no avx512 on this CPU")
	}
	r := newRand(24)
	for _, sh := range [][3]int{{16, 16, 5}, {64, 10, 64}, {48, 13, 300}, {33, 1, 17}, {40, 16, 1000}} {
		m, n, k := sh[0], sh[1], sh[2]
		at, _ := guarded(r, k*m, 1) // k×m: A transposed in place
		a := make([]float32, m*k)
		for p := 0; p < k; p++ {
			for i := 0; i < m; i++ {
				a[i*k+p] = at[p*m+i]
			}
		}
		b, _ := guarded(r, k*n, 2)
		for _, beta := range []float32{0, 1} {
			adjacent, check := guarded(r, m*n, 3)
			strided := copyOf(adjacent)
			gemmAVX512Direct(NewWorkspace(), true, false, m, n, k, 0.75, at, m, b, n, beta, adjacent, n)
			gemmAVX512Direct(NewWorkspace(), false, false, m, n, k, 0.75, a, k, b, n, beta, strided, n)
			check(t)
			requireSameBits(t, fmt.Sprintf("%v beta=%v: adjacent vs strided rows", sh, beta), adjacent, strided)
		}
	}
}

// TestSgemmSwappedNTAVX2 is TestSgemmSwappedNT for the AVX2 path, which
// swaps batches of 9–64 rows.
func TestSgemmSwappedNTAVX2(t *testing.T) {
	if !slices.Contains(Available(), "avx2") {
		t.Skip("no avx2 on this CPU")
	}
	r := newRand(22)
	for _, sh := range [][3]int{{9, 10, 300}, {32, 128, 784}, {13, 48, 1000}, {16, 17, 256}, {24, 64, 128}, {64, 65, 768}, {33, 784, 5}} {
		m, n, k := sh[0], sh[1], sh[2]
		require.True(t, swapAVX2(false, true, m, n, k, 1, 0), "%v", sh)
		for _, beta := range []float32{0, 1} {
			ldc := n + 3
			a, _ := guarded(r, m*k, 1)
			b, _ := guarded(r, n*k, 2)
			swapped, check := guarded(r, m*ldc, 3)
			direct := copyOf(swapped)
			gemmAVX2Strategies(NewWorkspace(), false, true, m, n, k, 0.5, a, k, b, k, beta, swapped, ldc)
			gemmAVX2.gemm(NewWorkspace(), false, true, m, n, k, 0.5, a, k, b, k, beta, direct, ldc)
			check(t)
			requireSameBits(t, fmt.Sprintf("%v beta=%v: C swapped vs direct", sh, beta), swapped, direct)
		}
	}
	require.False(t, swapAVX2(false, true, 32, 128, 784, 1, 0.5), "beta 0.5 must not swap")
	require.False(t, swapAVX2(false, true, 8, 128, 784, 1, 0), "small m has its own path")
	require.False(t, swapAVX2(false, true, 65, 128, 784, 1, 0), "65 rows go direct")
	require.False(t, swapAVX2(false, true, 32, 32, 784, 1, 0), "m = n goes direct")
	require.False(t, swapAVX2(false, false, 32, 128, 784, 1, 0), "NN is not swapped")
}

// TestSgemmSwappedSkinnyAVX2: a product fewer than 16 columns wide (and
// more rows than columns and than smallGemm's 8) is computed as its
// transpose for every transposition, with the direct product's bits for
// beta 0 and 1 (C's guards untouched); other betas, 16 columns, or few
// rows go direct.
func TestSgemmSwappedSkinnyAVX2(t *testing.T) {
	if !slices.Contains(Available(), "avx2") {
		t.Skip("no avx2 on this CPU")
	}
	r := newRand(23)
	for _, sh := range [][3]int{{256, 10, 128}, {32, 10, 64}, {9, 1, 7}, {61, 15, 300}, {61, 15, 700}, {100, 4, 33}, {12, 11, 1}} {
		m, n, k := sh[0], sh[1], sh[2]
		for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
			tA, tB := tr[0], tr[1]
			require.True(t, swapAVX2(tA, tB, m, n, k, 1, 0), "%v %v", sh, tr)
			lda, ldb := k+1, n+2
			if tA {
				lda = m + 1
			}
			if tB {
				ldb = k + 2
			}
			for _, beta := range []float32{0, 1} {
				ldc := n + 3
				a, _ := guarded(r, max(m, k)*lda, 1)
				b, _ := guarded(r, max(n, k)*ldb, 2)
				swapped, check := guarded(r, m*ldc, 3)
				direct := copyOf(swapped)
				gemmAVX2Strategies(NewWorkspace(), tA, tB, m, n, k, -0.5, a, lda, b, ldb, beta, swapped, ldc)
				gemmAVX2.gemm(NewWorkspace(), tA, tB, m, n, k, -0.5, a, lda, b, ldb, beta, direct, ldc)
				check(t)
				requireSameBits(t, fmt.Sprintf("%v %v beta=%v: C swapped vs direct", sh, tr, beta), swapped, direct)
			}
		}
	}
	require.False(t, swapAVX2(true, false, 256, 10, 128, 1, 0.5), "beta 0.5 must not swap")
	require.False(t, swapAVX2(true, false, 256, 16, 128, 1, 0), "16 columns are a whole tile")
	require.False(t, swapAVX2(false, false, 8, 4, 128, 1, 0), "8 rows go to smallGemm")
	require.False(t, swapAVX2(true, false, 10, 10, 128, 1, 0), "no more rows than columns")
}

// TestPackTransposedAVX512: the assembly-backed edge-panel packer matches
// the Go reference packer for every row count of a 12- and 32-wide panel,
// over a stale destination (the zero rows must be written, not assumed).
func TestPackTransposedAVX512(t *testing.T) {
	if !slices.Contains(Available(), "avx512") {
		t.Skip("no avx512 on this CPU")
	}
	r := newRand(5)
	for _, w := range []int{12, 32} {
		for rows := 1; rows <= w; rows++ {
			for _, kc := range []int{1, 3, 15, 16, 17, 100, 384} {
				ld := kc + 5
				src := make([]float32, rows*ld)
				for i := range src {
					src[i] = r.Float32() - 0.5
				}
				got, want := make([]float32, kc*w), make([]float32, kc*w)
				for i := range got {
					got[i] = float32(math.NaN())
				}
				packTransposedAVX512(got, src, ld, rows, kc, w)
				packPanelsA(want, false, src, ld, 0, 0, rows, kc, w)
				requireSameBits(t, fmt.Sprintf("w=%d rows=%d kc=%d: packed panel", w, rows, kc), got, want)
			}
		}
	}
}

// TestPackAAVX512Transposed: the 12-wide panel of a transposed A (whole
// 64-byte stores running into the next step's slot, the last one masked)
// matches the Go reference packer for 1–12 columns and step counts on and
// off its 4-step blocks, over a stale destination, and writes nothing past
// the panel.
func TestPackAAVX512Transposed(t *testing.T) {
	if !slices.Contains(Available(), "avx512") {
		t.Skip("no avx512 on this CPU")
	}
	r := newRand(6)
	for mc := 1; mc <= 12; mc++ {
		for _, kc := range []int{1, 2, 4, 5, 8, 9, 17, 100} {
			lda := 12 + 7
			a := make([]float32, kc*lda)
			for i := range a {
				a[i] = r.Float32() - 0.5
			}
			got, want := make([]float32, 12*kc+16), make([]float32, 12*kc+16)
			for i := range got {
				got[i], want[i] = float32(math.NaN()), float32(math.NaN())
			}
			packAAVX512(got, true, a, lda, 3, 0, mc, kc, 12)
			packPanelsA(want[:12*kc], true, a, lda, 3, 0, mc, kc, 12)
			requireSameBits(t, fmt.Sprintf("mc=%d kc=%d: packed panel and the floats after it", mc, kc), got, want)
		}
	}
}

// TestTranspose: the assembly-backed transpose matches the Go one for row
// counts on and off multiples of 4 and strides wider than the matrix, and
// writes nothing outside the transposed block.
func TestTranspose(t *testing.T) {
	if !slices.Contains(Available(), "avx512") {
		t.Skip("no avx512 on this CPU")
	}
	r := newRand(8)
	for _, rows := range []int{1, 3, 4, 5, 20, 32, 33, 52, 128} {
		for _, cols := range []int{1, 2, 15, 16, 17, 64, 100} {
			lds, ldd := cols+3, rows+5
			src := make([]float32, rows*lds)
			for i := range src {
				src[i] = r.Float32()
			}
			got, want := make([]float32, cols*ldd), make([]float32, cols*ldd)
			for i := range got {
				got[i], want[i] = -1, -1
			}
			transpose(got, ldd, src, lds, rows, cols)
			transposeGo(want, ldd, src, lds, rows, cols)
			require.Equal(t, want, got, "rows=%d cols=%d", rows, cols)
		}
	}
}

// TestTransposeAVX2: the AVX2 transpose matches the Go one for sizes 0, 1,
// primes and on and off multiples of its 8×8 blocks, strides wider than
// the matrix, misaligned source and destination, and writes nothing outside
// the transposed block (stale values between the rows of dst stay).
func TestTransposeAVX2(t *testing.T) {
	if !slices.Contains(Available(), "avx2") {
		t.Skip("no avx2 on this CPU")
	}
	r := newRand(9)
	for _, rows := range []int{0, 1, 7, 8, 9, 13, 16, 31, 32, 64, 128} {
		for _, cols := range []int{0, 1, 3, 7, 8, 9, 16, 17, 32, 64, 100} {
			for _, off := range []int{0, 1, 5} {
				lds, ldd := cols+off, rows+3
				src, _ := guarded(r, max(rows*lds, 1), off)
				got, check := guarded(r, max(cols*ldd, 1), 7-off)
				want := slices.Clone(got)
				transposeAVX2(got, ldd, src, lds, rows, cols)
				transposeGo(want, ldd, src, lds, rows, cols)
				check(t)
				require.Equal(t, want, got, "rows=%d cols=%d off=%d", rows, cols, off)
			}
		}
	}
}

// transposeGo is transpose in plain Go: the reference TestTranspose holds
// the assembly-backed one to.
func transposeGo(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	for i := 0; i < rows; i++ {
		for j, v := range src[i*lds : i*lds+cols] {
			dst[j*ldd+i] = v
		}
	}
}

// TestPackTransposedAVX2: the AVX2 transposing panel packer matches the Go
// reference packer for every row count of a 16-wide panel and step counts
// on and off multiples of 8, over a stale destination.
func TestPackTransposedAVX2(t *testing.T) {
	if !slices.Contains(Available(), "avx2") {
		t.Skip("no avx2 on this CPU")
	}
	r := newRand(6)
	for rows := 1; rows <= 16; rows++ {
		for _, kc := range []int{1, 7, 8, 9, 16, 23, 196, 256} {
			ld := kc + 5
			src := make([]float32, rows*ld)
			for i := range src {
				src[i] = r.Float32() - 0.5
			}
			got, want := make([]float32, kc*16), make([]float32, kc*16)
			for i := range got {
				got[i] = float32(math.NaN())
			}
			packTransposedAVX2(got, src, ld, rows, kc, 16)
			packPanelsA(want, false, src, ld, 0, 0, rows, kc, 16)
			requireSameBits(t, fmt.Sprintf("rows=%d kc=%d: packed panel", rows, kc), got, want)
		}
	}
}

// TestKCSameForTranspose: a product and its transpose (transpositions
// (tA, tB) and (!tB, !tA)) are cut into the same k blocks on every amd64
// config, so a product computed as its transpose keeps the direct bits.
func TestKCSameForTranspose(t *testing.T) {
	for name, g := range map[string]*gemmConfig{"avx2": gemmAVX2, "avx512": gemmAVX512} {
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				require.Equal(t, g.kcFor(tA, tB), g.kcFor(!tB, !tA), "%s: tA=%v tB=%v", name, tA, tB)
			}
		}
	}
	require.NotEqual(t, gemmAVX2.kcFor(true, false), gemmAVX2.kcFor(false, false), "avx2 has two KCs, or this test checks nothing")
}
