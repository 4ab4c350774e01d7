package asm

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSgemmTileEdges runs every path on sizes just below, at and above the
// amd64 register tiles (MR 6 and 12, NR 16 and 32), the packing routines'
// blocks (4 rows or columns × 16 steps transposed at a time, masked copies
// of 6, 12, 16 and 32 lanes) and cache blocks (KC 256, 384 and 512, NC 768
// and 3072), with k = 0, k = 1, and k past KC with beta, in all four transpose
// combinations. Sizes are fixed here rather than read
// from the configs so the test also runs (on generic) under noasm.
func TestSgemmTileEdges(t *testing.T) {
	var cases []gemmCase
	add := func(m, n, k int, alpha, beta float32) {
		for i, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
			cases = append(cases, gemmCase{transA: tr[0], transB: tr[1], m: m, n: n, k: k,
				alpha: alpha, beta: beta, pad: (m + i) % 3, off: (n + i) % 7})
		}
	}
	for _, m := range []int{5, 6, 7, 11, 12, 13, 24, 25} {
		for _, n := range []int{15, 16, 17, 31, 32, 33, 48, 65} {
			add(m, n, (m*n)%37+1, 1, 0)
		}
	}
	for _, k := range []int{0, 1, 2, 255, 256, 257, 383, 384, 385, 511, 512, 513, 769, 1025} {
		add(13, 33, k, -0.75, 0.5)
	}
	for _, m := range []int{239, 240, 241, 481} {
		add(m, 40, 20, 1, 1)
	}
	add(7, 3073, 3, 2, 0)
	add(3, 6145, 2, 1, -1)
	add(30, 70, 900, 0.5, 0) // k past two KC blocks, beta = 0 on the first only
	add(12, 10, 128, 1, 0)   // skinny: A read in place
	add(14, 20, 500, 1, 2)
	// AVX-512 skinny path (n ≤ 16: 16-row tile, k blocks of 512).
	add(33, 10, 1100, 0.5, 0.5)
	add(16, 16, 513, 1, 0)
	add(17, 1, 3, -1, 1)
	add(47, 16, 512, 1, 0)
	add(5, 5, 0, 1, 0) // k = 0: C = beta·C = 0
	// Transposing pack: k around its 16-step blocks, whole 12-row panels and
	// 32-column panels, and partial panels whose rows are not groups of 4.
	for _, k := range []int{3, 15, 16, 17, 31, 32, 33, 47, 48, 49} {
		add(36, 64, k, 1, 0)
		add(24, 96, k, -1, 0.5)
	}
	for _, m := range []int{1, 2, 3, 4, 9, 10, 14, 15, 16, 18, 19, 20} {
		add(m, 70, 37, 1, 0.5)
	}
	// NC = 768: the B block boundary of the 12×32 path.
	for _, n := range []int{767, 768, 769, 800} {
		add(13, n, 20, 1, 0.25)
	}
	forEachPath(t, func(t *testing.T, path string) {
		ws := NewWorkspace()
		for i, g := range cases {
			runGemmCase(t, ws, g, uint64(5000+i))
		}
	})
}

// TestSgemmBandsBitIdentical: a band of rows (a multiple of 24) or of
// columns (a multiple of 32) computed as its own product gives the same bits
// as the whole product, as ParallelGemm relies on, also when a column band is
// ≤ 16 wide (the AVX-512 skinny path) and k spans several KC blocks.
func TestSgemmBandsBitIdentical(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		r := newRand(11)
		for _, sh := range [][3]int{{30, 40, 1000}, {50, 200, 800}, {72, 44, 390}, {13, 48, 784}} {
			m, n, k := sh[0], sh[1], sh[2]
			for _, tA := range []bool{false, true} {
				for _, tB := range []bool{false, true} {
					for _, beta := range []float32{0, 0.25} {
						lda, ldb := k, n
						if tA {
							lda = m
						}
						if tB {
							ldb = k
						}
						a, _ := guarded(r, m*k, 1)
						b, _ := guarded(r, k*n, 2)
						whole, _ := guarded(r, m*n, 3)
						band := copyOf(whole)
						ws := NewWorkspace()
						require.NoError(t, Sgemm(ws, tA, tB, m, n, k, 0.5, a, lda, b, ldb, beta, whole, n))
						// Columns [32, n) and rows [24, m) as products of their own.
						j0 := 32
						bb := b[j0:]
						if tB {
							bb = b[j0*ldb:]
						}
						require.NoError(t, Sgemm(ws, tA, tB, m, n-j0, k, 0.5, a, lda, bb, ldb, beta, band[j0:], n))
						i0 := min(24, m)
						aa := a[i0*lda:]
						if tA {
							aa = a[i0:]
						}
						require.NoError(t, Sgemm(ws, tA, tB, m-i0, j0, k, 0.5, aa, lda, b, ldb, beta, band[i0*n:], n))
						require.NoError(t, Sgemm(ws, tA, tB, i0, j0, k, 0.5, a, lda, b, ldb, beta, band, n))
						requireSameBits(t, fmt.Sprintf("%v tA=%v tB=%v beta=%v: C in bands vs whole", sh, tA, tB, beta), band, whole)
					}
				}
			}
		}
	})
}

// TestSgemmWorkspaceReuse: one Workspace serving large then small then
// large shapes must keep giving correct results (stale packed data and the
// scratch tile position must not leak between calls).
func TestSgemmWorkspaceReuse(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		ws := NewWorkspace()
		for i, g := range []gemmCase{
			{m: 300, n: 200, k: 400, alpha: 1, beta: 0},
			{m: 7, n: 9, k: 5, alpha: 1, beta: 1},
			{transA: true, m: 50, n: 70, k: 30, alpha: -1, beta: 0},
			{transB: true, m: 301, n: 33, k: 401, alpha: 1, beta: 0.5},
		} {
			runGemmCase(t, ws, g, uint64(7000+i))
		}
	})
}

// TestSgemmSmallM covers the small-m path (gemm_small_amd64.s: A rows read
// in place, 4/2/1-row groups, 64/32/16-column full calls, 8-column edge
// calls, a masked k tail of 1–3 steps, the copied edge of a transposed B)
// around every boundary: m across the row groups and past both paths'
// threshold (8; avx2 takes 6–8 rows only with beta ∈ {0, 1}), n around 8,
// 16, 32 and 64, k around 4 and the KC
// blocks, beta 0, 1 and one whose product with C rounds.
func TestSgemmSmallM(t *testing.T) {
	var cases []gemmCase
	i := 0
	for _, tB := range []bool{false, true} {
		for _, m := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9} {
			for _, n := range []int{1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 129} {
				i++
				k := []int{1, 2, 3, 4, 5, 7, 8, 9, 33, 100}[i%10]
				beta := []float32{0, 1, 0.3}[i%3]
				cases = append(cases, gemmCase{transB: tB, m: m, n: n, k: k, alpha: 0.7, beta: beta,
					pad: i % 3, off: i % 5})
			}
		}
		for _, k := range []int{255, 256, 257, 383, 384, 385, 769, 784, 1000} {
			for _, m := range []int{1, 3, 4, 8} {
				cases = append(cases, gemmCase{transB: tB, m: m, n: 70, k: k, alpha: -1, beta: 0.3, pad: 1, off: 3})
			}
		}
	}
	forEachPath(t, func(t *testing.T, path string) {
		ws := NewWorkspace()
		for i, g := range cases {
			runGemmCase(t, ws, g, uint64(9000+i))
		}
	})
}

// TestSgemmSmallMBetaZeroNaN: beta = 0 on the small-m path (full and
// edge kernels, both transposes) overwrites NaN in C without reading it.
func TestSgemmSmallMBetaZeroNaN(t *testing.T) {
	nan := float32(math.NaN())
	forEachPath(t, func(t *testing.T, path string) {
		for _, tB := range []bool{false, true} {
			for _, sh := range [][3]int{{1, 64, 5}, {2, 33, 7}, {4, 17, 384}, {7, 70, 9}} {
				m, n, k := sh[0], sh[1], sh[2]
				a := make([]float32, m*k)
				b := make([]float32, k*n)
				for i := range a {
					a[i] = 1
				}
				for i := range b {
					b[i] = 1
				}
				c := make([]float32, m*n)
				for i := range c {
					c[i] = nan
				}
				ldb := n
				if tB {
					ldb = k
				}
				require.NoError(t, Sgemm(nil, false, tB, m, n, k, 1, a, k, b, ldb, 0, c, n))
				for i, v := range c {
					require.Equal(t, float32(k), v, "tB=%v %v C[%d]", tB, sh, i)
				}
			}
		}
	})
}

// TestSgemmSmallBandsBitIdentical: a row band of at most 8 rows cut from a
// larger product (the last band ParallelGemm gives a worker when m is a few
// rows past a multiple of 24) goes to the small-m or skinny path while the
// whole product goes through the blocked one; the bits must agree, also
// with a beta whose product with C rounds (0.3) and k over several KC
// blocks. Column bands of ≤ 16 columns (the AVX-512 skinny path) likewise.
func TestSgemmSmallBandsBitIdentical(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		r := newRand(21)
		for _, sh := range [][3]int{{25, 40, 900}, {28, 70, 31}, {32, 129, 784}, {30, 10, 300}, {27, 48, 390}, {29, 3, 5}} {
			m, n, k := sh[0], sh[1], sh[2]
			for _, tB := range []bool{false, true} {
				for _, beta := range []float32{0, 1, 0.3} {
					ldb := n
					if tB {
						ldb = k
					}
					a, _ := guarded(r, m*k, 1)
					b, _ := guarded(r, k*n, 2)
					whole, _ := guarded(r, m*n, 3)
					rows, cols := copyOf(whole), copyOf(whole)
					ws := NewWorkspace()
					require.NoError(t, Sgemm(ws, false, tB, m, n, k, 0.5, a, k, b, ldb, beta, whole, n))
					const i0 = 24
					require.NoError(t, Sgemm(ws, false, tB, i0, n, k, 0.5, a, k, b, ldb, beta, rows, n))
					require.NoError(t, Sgemm(ws, false, tB, m-i0, n, k, 0.5, a[i0*k:], k, b, ldb, beta, rows[i0*n:], n))
					j0 := min(32, n)
					require.NoError(t, Sgemm(ws, false, tB, m, j0, k, 0.5, a, k, b, ldb, beta, cols, n))
					if j0 < n {
						bb := b[j0:]
						if tB {
							bb = b[j0*ldb:]
						}
						require.NoError(t, Sgemm(ws, false, tB, m, n-j0, k, 0.5, a, k, bb, ldb, beta, cols[j0:], n))
					}
					requireSameBits(t, fmt.Sprintf("%v tB=%v beta=%v: C in row bands vs whole", sh, tB, beta), rows, whole)
					requireSameBits(t, fmt.Sprintf("%v tB=%v beta=%v: C in column bands vs whole", sh, tB, beta), cols, whole)
				}
			}
		}
	})
}

// TestSgemmSmallParallelBands: ParallelGemm on m = 25…32 cuts a last band
// of 1–8 rows.
func TestSgemmSmallParallelBands(t *testing.T) {
	splitEverything(t)
	forEachPath(t, func(t *testing.T, path string) {
		p := newParallelGemm(t, 2)
		r := newRand(5)
		for m := 25; m <= 32; m++ {
			for _, tB := range []bool{false, true} {
				n, k := 20, 777
				ldb := n
				if tB {
					ldb = k
				}
				a, _ := guarded(r, m*k, 1)
				b, _ := guarded(r, k*n, 2)
				c1, check := guarded(r, m*n, 3)
				c2 := copyOf(c1)
				require.NoError(t, Sgemm(NewWorkspace(), false, tB, m, n, k, 0.5, a, k, b, ldb, 0.3, c1, n))
				require.NoError(t, p.Sgemm(false, tB, m, n, k, 0.5, a, k, b, ldb, 0.3, c2, n))
				check(t)
				requireSameBits(t, fmt.Sprintf("m=%d tB=%v: C with 2 threads vs one", m, tB), c2, c1)
			}
		}
	})
}
