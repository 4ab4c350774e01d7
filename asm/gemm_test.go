package asm

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// naiveGemm is the float64 triple loop Sgemm is defined by.
func naiveGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) (out, mag []float64) {
	out = make([]float64, len(c))
	mag = make([]float64, len(c))
	for i := range c {
		out[i] = float64(c[i])
	}
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s, sa float64
			for p := 0; p < k; p++ {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
				sa += math.Abs(float64(av) * float64(bv))
			}
			prev := float64(c[i*ldc+j])
			if beta == 0 {
				prev = 0
			}
			out[i*ldc+j] = float64(alpha)*s + float64(beta)*prev
			mag[i*ldc+j] = math.Abs(float64(alpha))*sa + math.Abs(float64(beta)*prev)
		}
	}
	return out, mag
}

type gemmCase struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	pad            int // extra leading-dimension elements
	off            int // misalignment of each operand
}

func (g gemmCase) String() string {
	return fmt.Sprintf("tA=%v,tB=%v,%dx%dx%d,a=%g,b=%g,pad=%d,off=%d", g.transA, g.transB, g.m, g.n, g.k, g.alpha, g.beta, g.pad, g.off)
}

// runGemmCase checks Sgemm on the active path against the float64 loop; the
// error bound grows with k because float32 sums of k products do.
func runGemmCase(t *testing.T, ws *Workspace, g gemmCase, seed uint64) {
	t.Helper()
	r := newRand(seed)
	ar, ac := g.m, g.k
	if g.transA {
		ar, ac = g.k, g.m
	}
	br, bc := g.k, g.n
	if g.transB {
		br, bc = g.n, g.k
	}
	lda, ldb, ldc := ac+g.pad, bc+g.pad, g.n+g.pad
	a, checkA := guarded(r, max(0, ar*lda), g.off)
	b, checkB := guarded(r, max(0, br*ldb), g.off)
	c, checkC := guarded(r, max(0, g.m*ldc), g.off)
	lda, ldb, ldc = max(lda, 1), max(ldb, 1), max(ldc, 1)
	a0, b0, c0 := copyOf(a), copyOf(b), copyOf(c)
	want, mag := naiveGemm(g.transA, g.transB, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, g.beta, c, ldc)
	require.NoError(t, Sgemm(ws, g.transA, g.transB, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, g.beta, c, ldc))
	checkA(t)
	checkB(t)
	checkC(t)
	require.Equal(t, a0, a, "A modified")
	require.Equal(t, b0, b, "B modified")
	tol := 2e-6 * float64(g.k+4)
	for i := 0; i < g.m; i++ {
		for j := 0; j < ldc; j++ {
			idx := i*ldc + j
			if idx >= len(c) {
				break
			}
			if j >= g.n { // padding between rows must be untouched
				require.Equal(t, c0[idx], c[idx], "%v: wrote padding at (%d,%d)", g, i, j)
				continue
			}
			// The bound scales with the sum of magnitudes, not the result,
			// since cancellation leaves rounding of the terms behind.
			if math.Abs(float64(c[idx])-want[idx]) > tol*math.Max(1, mag[idx]) || math.IsNaN(float64(c[idx])) {
				t.Fatalf("%v: C[%d,%d] = %v, want %v", g, i, j, c[idx], want[idx])
			}
		}
	}
}

func TestSgemmShapes(t *testing.T) {
	sizes := []int{0, 1, 2, 3, 5, 7, 8, 13, 16, 17, 31, 32, 33, 47, 64, 65}
	forEachPath(t, func(t *testing.T, path string) {
		ws := NewWorkspace()
		seed := uint64(1)
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for _, m := range sizes {
					for _, n := range sizes {
						k := sizes[(m+n)%len(sizes)]
						seed++
						runGemmCase(t, ws, gemmCase{transA: tA, transB: tB, m: m, n: n, k: k,
							alpha: 1, beta: 0, pad: int(seed % 3), off: int(seed % 5)}, seed)
					}
				}
			}
		}
	})
}

// TestSgemmBlockEdges covers sizes straddling the cache blocks (MC, KC, NC of
// every path) and the layer shapes the core uses, with alpha and beta.
func TestSgemmBlockEdges(t *testing.T) {
	cases := []gemmCase{
		{m: 300, n: 130, k: 257, alpha: 1, beta: 0},
		{m: 97, n: 600, k: 515, alpha: 0.5, beta: 1, pad: 3, off: 1},
		{transA: true, m: 128, n: 784, k: 32, alpha: 1.0 / 32, beta: 0},
		{transB: true, m: 32, n: 128, k: 784, alpha: 1, beta: 0, off: 2},
		{transA: true, transB: true, m: 65, n: 67, k: 300, alpha: -2, beta: 0.25},
		{m: 256, n: 10, k: 128, alpha: 1, beta: 0},
		{transA: true, m: 10, n: 128, k: 256, alpha: 1, beta: 1},
		{m: 5, n: 1040, k: 1, alpha: 1, beta: -1},
		{m: 1, n: 1, k: 1000, alpha: 3, beta: 0},
		// A's rows 4 KiB apart in a wide product: AVX2 packs A's panels
		// (B read in place past 256 KiB: blockColumns; B packed: blockTiles).
		{m: 13, n: 520, k: 300, alpha: 1, beta: 0.5, pad: 1024 - 300},
		{m: 133, n: 520, k: 256, alpha: 1, beta: 0, pad: 1024 - 256},
	}
	forEachPath(t, func(t *testing.T, path string) {
		ws := NewWorkspace()
		for i, g := range cases {
			runGemmCase(t, ws, g, uint64(100+i))
		}
	})
}

func TestSgemmRandomShapes(t *testing.T) {
	r := newRand(7)
	var cases []gemmCase
	for i := 0; i < 60; i++ {
		cases = append(cases, gemmCase{
			transA: r.IntN(2) == 1, transB: r.IntN(2) == 1,
			m: r.IntN(90), n: r.IntN(90), k: r.IntN(300),
			alpha: []float32{1, -1, 0.5, 0}[r.IntN(4)], beta: []float32{0, 1, 0.5}[r.IntN(3)],
			pad: r.IntN(4), off: r.IntN(16),
		})
	}
	forEachPath(t, func(t *testing.T, path string) {
		ws := NewWorkspace()
		for i, g := range cases {
			runGemmCase(t, ws, g, uint64(1000+i))
		}
	})
}

// TestSgemmBetaZeroIgnoresNaN: beta = 0 must overwrite C, as in BLAS.
func TestSgemmBetaZeroIgnoresNaN(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		a := []float32{1, 2, 3, 4}
		b := []float32{1, 0, 0, 1}
		nan := float32(0) / float32(zero)
		c := []float32{nan, nan, nan, nan}
		require.NoError(t, Sgemm(nil, false, false, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2))
		require.Equal(t, []float32{1, 2, 3, 4}, c)
	})
}

var zero float32

func TestSgemmBadArguments(t *testing.T) {
	a := make([]float32, 6)
	c := make([]float32, 4)
	for name, call := range map[string]func() error{
		"negative m":    func() error { return Sgemm(nil, false, false, -1, 2, 3, 1, a, 3, a, 2, 0, c, 2) },
		"short A":       func() error { return Sgemm(nil, false, false, 3, 2, 3, 1, a, 3, a, 2, 0, c, 2) },
		"short C":       func() error { return Sgemm(nil, false, false, 2, 3, 2, 1, a, 2, a, 3, 0, c, 3) },
		"small lda":     func() error { return Sgemm(nil, false, false, 2, 2, 3, 1, a, 2, a, 2, 0, c, 2) },
		"small ldb T":   func() error { return Sgemm(nil, false, true, 2, 2, 3, 1, a, 3, a, 2, 0, c, 2) },
		"overflow":      func() error { return Sgemm(nil, false, false, 2, 2, 1<<62, 1, a, 1<<62, a, 2, 0, c, 2) },
		"small ldc":     func() error { return Sgemm(nil, false, false, 2, 2, 3, 1, a, 3, a, 2, 0, c, 1) },
		"nil C nonzero": func() error { return Sgemm(nil, false, false, 1, 1, 1, 1, a, 1, a, 1, 0, nil, 1) },
	} {
		err := call()
		require.Error(t, err, name)
		require.True(t, errors.Is(err, ErrArgument), name)
	}
	// Empty products are fine with empty slices.
	require.NoError(t, Sgemm(nil, false, false, 0, 0, 0, 1, nil, 1, nil, 1, 0, nil, 1))
	require.NoError(t, Sgemm(nil, false, false, 2, 2, 0, 1, nil, 1, nil, 2, 0, c, 2))
	require.Equal(t, []float32{0, 0, 0, 0}, c)
}

func TestSgemmSteadyStateAllocs(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		ws := NewWorkspace()
		ws.Reserve(64, 128, 300)
		a := make([]float32, 64*300)
		b := make([]float32, 300*128)
		c := make([]float32, 64*128)
		allocs := testing.AllocsPerRun(10, func() {
			_ = Sgemm(ws, false, false, 64, 128, 300, 1, a, 300, b, 128, 0, c, 128)
		})
		require.Zero(t, allocs)
	})
}
