package asm

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSgemmOnBMatchesSgemm: row blocks of a product computed from one
// PackB give Sgemm's bits (beta 0 and 1, B transposed or not, blocks of
// 1 to 64 rows, tile edges on both sides), on every path (false from
// PackB where the path has no shared op(B): nothing to check there), and
// write nothing outside C.
func TestSgemmOnBMatchesSgemm(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		r := newRand(31)
		g := newParallelGemm(t, 2)
		for _, sh := range [][2]int{{128, 784}, {10, 64}, {17, 33}, {16, 1}, {1, 5}} {
			n, k := sh[0], sh[1]
			for _, transB := range []bool{true, false} {
				ldb := n + 3
				if transB {
					ldb = k + 3
				}
				b, _ := guarded(r, max(n, k)*ldb, 2)
				packed, err := g.PackB(transB, n, k, b, ldb)
				require.NoError(t, err)
				if !packed {
					continue
				}
				for _, m := range []int{1, 5, 6, 7, 13, 64} {
					for _, beta := range []float32{0, 1} {
						lda, ldc := k+1, n+2
						a, _ := guarded(r, m*lda, 1)
						got, check := guarded(r, m*ldc, 3)
						want := copyOf(got)
						require.NoError(t, g.SgemmOnB(1, m, n, k, -0.5, a, lda, beta, got, ldc))
						check(t)
						require.NoError(t, Sgemm(NewWorkspace(), false, transB, m, n, k, -0.5, a, lda, b, ldb, beta, want, ldc))
						requireSameBits(t, fmt.Sprintf("%s m=%d n=%d k=%d transB=%v beta=%v", path, m, n, k, transB, beta), got, want)
					}
				}
			}
		}
		// Bad input: an op(B) of another shape than the packed one, short
		// buffers, negative sizes.
		b := make([]float32, 16*8)
		if packed, _ := g.PackB(true, 16, 8, b, 8); packed {
			a, c := make([]float32, 4*8), make([]float32, 4*16)
			require.Error(t, g.SgemmOnB(0, 4, 16, 9, 1, a, 9, 0, c, 16), "k differs from the packed op(B)")
			require.Error(t, g.SgemmOnB(0, 4, 16, 8, 1, a[:30], 8, 0, c, 16), "A too short")
			require.Error(t, g.SgemmOnB(0, 4, 16, 8, 1, a, 8, 0, c[:60], 16), "C too short")
			require.Error(t, g.SgemmOnB(0, -1, 16, 8, 1, a, 8, 0, c, 16), "negative m")
			require.NoError(t, g.SgemmOnB(0, 4, 16, 8, 1, a, 8, 0, c, 16))
		}
		_, err := g.PackB(true, 16, 8, b[:100], 8)
		require.Error(t, err, "B too short")
		_, err = g.PackB(false, -1, 8, b, 8)
		require.Error(t, err, "negative n")
	})
}

// TestSgemmOnBUnpacked: SgemmOnB before any PackB, or after one that
// packed nothing (one thread), is an error, never a product from a stale
// buffer.
func TestSgemmOnBUnpacked(t *testing.T) {
	a, b, c := make([]float32, 4*8), make([]float32, 16*8), make([]float32, 4*16)
	g := newParallelGemm(t, 2)
	require.Error(t, g.SgemmOnB(0, 4, 16, 8, 1, a, 8, 0, c, 16))
	one := newParallelGemm(t, 1)
	packed, err := one.PackB(true, 16, 8, b, 8)
	require.NoError(t, err)
	require.False(t, packed, "one thread packs nothing")
	require.Error(t, one.SgemmOnB(0, 4, 16, 8, 1, a, 8, 0, c, 16))
}

// TestSgemmOnBAfterSharedSgemm: a split Sgemm that packs its own shared
// op(B) into the buffer PackB filled leaves SgemmOnB an error, not a
// product of the other operand.
func TestSgemmOnBAfterSharedSgemm(t *testing.T) {
	g := newParallelGemm(t, 2)
	const m, n, k = 192, 128, 784 // fewer rows per thread than privateBRows
	a, b, c := make([]float32, m*k), make([]float32, n*k), make([]float32, m*n)
	if packed, err := g.PackB(true, n, k, b, k); err != nil || !packed {
		t.Skipf("no shared op(B) on the %s path", Active())
	}
	require.NoError(t, g.SgemmOnB(0, 8, n, k, 1, a, k, 0, c, n))
	require.NoError(t, g.Sgemm(false, true, m, n, k, 1, a, k, b, k, 0, c, n)) // row bands sharing op(B)
	require.Error(t, g.SgemmOnB(0, 8, n, k, 1, a, k, 0, c, n))
}

func TestPackBAllocs(t *testing.T) {
	g := newParallelGemm(t, 2)
	const m, n, k = 64, 128, 784
	g.Reserve(256, n, k)
	a, b, c := make([]float32, m*k), make([]float32, n*k), make([]float32, m*n)
	if packed, err := g.PackB(true, n, k, b, k); err != nil || !packed {
		t.Skipf("no shared op(B) on the %s path", Active())
	}
	require.Zero(t, testing.AllocsPerRun(10, func() {
		_, _ = g.PackB(true, n, k, b, k)
		_ = g.SgemmOnB(0, m, n, k, 1, a, k, 0, c, n)
	}))
}

// TestColumnBandsMatchSgemm: C cut into bands of columns at multiples of
// ColumnGrain, each computed by its own Sgemm on its columns of op(B) and
// C, gets the whole product's bits on every path, at widths that leave a
// partial last panel and batches below, at and past the register tile.
func TestColumnBandsMatchSgemm(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		r := newRand(37)
		g := ColumnGrain()
		require.Positive(t, g)
		for _, n := range []int{2 * g, 3*g + 5, 4 * g} {
			for _, sh := range [][2]int{{1, 17}, {7, 64}, {32, 784}, {61, 130}, {256, 300}} {
				m, k := sh[0], sh[1]
				for _, transB := range []bool{true, false} {
					ldb := n + 3
					if transB {
						ldb = k + 3
					}
					b, _ := guarded(r, max(n, k)*ldb, 2)
					lda, ldc := k+1, n+2
					a, _ := guarded(r, m*lda, 1)
					for _, beta := range []float32{0, 1} {
						got, check := guarded(r, m*ldc, 3)
						initial, want := copyOf(got), copyOf(got)
						require.NoError(t, Sgemm(NewWorkspace(), false, transB, m, n, k, 0.75, a, lda, b, ldb, beta, want, ldc))
						for _, band := range []int{g, 2 * g} {
							copy(got, initial)
							for j := 0; j < n; j += band {
								cols := min(band, n-j)
								bj := b[j:]
								if transB {
									bj = b[j*ldb:]
								}
								require.NoError(t, Sgemm(NewWorkspace(), false, transB, m, cols, k, 0.75, a, lda, bj, ldb, beta, got[j:], ldc))
							}
							check(t)
							requireSameBits(t, fmt.Sprintf("%s m=%d n=%d k=%d transB=%v beta=%v bands of %d", path, m, n, k, transB, beta, band), got, want)
						}
					}
				}
			}
		}
	})
}
