package asm

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/v1tr0/entrena/internal/split"
)

// TestSgemmAll: products computed together in one pool call get the bits
// of each computed alone on one core, for the weight products of a step
// (TN, beta 1 and a weight decay's beta), products split into bands of
// their own (NT against a wide B, swapped short batches, wider than tall)
// and small ones, on 1 to 4 threads, on every path; nothing outside each
// C changes.
func TestSgemmAll(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(4, runtime.GOMAXPROCS(0))))
	for _, everything := range []bool{false, true} {
		if everything {
			splitEverything(t)
		}
		forEachPath(t, func(t *testing.T, path string) {
			r := newRand(21)
			for _, threads := range []int{1, 2, 3, 4} {
				g := newParallelGemm(t, threads)
				for _, batch := range []int{32, 61, 256} {
					shapes := []stepShape{
						{"weight1", true, false, 128, 784, batch, 128, 784, -0.01, 1},
						{"weight1 decayed", true, false, 40, 300, batch, 40, 300, -0.01, 0.999},
						{"weight2", true, false, 64, 128, batch, 64, 128, 0.5, 0},
						{"weight3", true, false, 10, 64, batch, 10, 64, -0.01, 1},
						{"forward", false, true, batch, 128, 300, 300, 300, 1, 0},
						{"wide", false, false, 20, 500, 129, 129, 500, 1, 0.5},
					}
					ps := make([]Product, len(shapes))
					want := make([][]float32, len(shapes))
					checks := make([]func(*testing.T), len(shapes))
					for i, s := range shapes {
						a, _ := guarded(r, s.m*s.k, 1)
						b, _ := guarded(r, s.k*s.n, 2)
						c, check := guarded(r, s.m*s.n, 3)
						want[i] = copyOf(c)
						require.NoError(t, Sgemm(NewWorkspace(), s.transA, s.transB, s.m, s.n, s.k, s.alpha, a, s.lda, b, s.ldb, s.beta, want[i], s.n))
						ps[i] = Product{s.transA, s.transB, s.m, s.n, s.k, s.alpha, a, s.lda, b, s.ldb, s.beta, c, s.n, 0}
						checks[i] = check
					}
					require.NoError(t, g.SgemmAll(ps))
					for i, s := range shapes {
						checks[i](t)
						requireSameBits(t, fmt.Sprintf("split everything=%v threads=%d batch=%d %s", everything, threads, batch, s.name), ps[i].C, want[i])
					}
				}
			}
		})
	}
}

// TestSgemmAllBadProduct: a product with a short buffer is an error before
// any product is computed.
func TestSgemmAllBadProduct(t *testing.T) {
	g := newParallelGemm(t, 2)
	c := make([]float32, 4)
	ps := []Product{
		{M: 2, N: 2, K: 2, Alpha: 1, A: make([]float32, 4), Lda: 2, B: make([]float32, 4), Ldb: 2, C: c, Ldc: 2},
		{M: 2, N: 2, K: 2, Alpha: 1, A: make([]float32, 3), Lda: 2, B: make([]float32, 4), Ldb: 2, C: make([]float32, 4), Ldc: 2},
	}
	ps[0].A[0], ps[0].B[0] = 1, 1
	require.Error(t, g.SgemmAll(ps))
	require.Equal(t, make([]float32, 4), c, "no product computed")
	require.NoError(t, g.SgemmAll(nil))
	require.NoError(t, g.SgemmAll([]Product{{M: 0, N: 3, K: 2, Alpha: 1, Lda: 2, B: make([]float32, 6), Ldb: 3, Ldc: 3}}), "an empty product")
}

// TestSgemmAllAllocs: the weight products of a batch-256 step allocate
// nothing once the workspaces are reserved.
func TestSgemmAllAllocs(t *testing.T) {
	g := newParallelGemm(t, 2)
	var ps []Product
	for _, s := range stepShapes(256)[5:] {
		g.Reserve(s.m, s.n, s.k)
		ps = append(ps, Product{s.transA, s.transB, s.m, s.n, s.k, s.alpha, make([]float32, s.m*s.k), s.lda,
			make([]float32, s.k*s.n), s.ldb, s.beta, make([]float32, s.m*s.n), s.n, 0})
	}
	require.Zero(t, testing.AllocsPerRun(10, func() {
		if err := g.SgemmAll(ps); err != nil {
			t.Fatal(err)
		}
	}))
}

// TestSgemmAllThreadBand: a product with a ThreadBand is cut at it where
// it would be cut into more row bands than threads (beta 0 or 1), and
// every element gets Sgemm's bits whatever the cut and the thread count;
// elsewhere the ThreadBand is ignored. Band boundaries at multiples of 32
// rows fall inside the 6- and 12-row tiles of AVX2 and AVX-512.
func TestSgemmAllThreadBand(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(4, runtime.GOMAXPROCS(0))))
	forEachPath(t, func(t *testing.T, path string) {
		r := newRand(33)
		cut := 0
		for _, threads := range []int{1, 2, 3, 4} {
			g := newParallelGemm(t, threads)
			for _, c := range []struct {
				m, n, k    int
				beta       float32
				threadBand int
			}{
				{190, 300, 64, 1, 64}, {190, 300, 61, 0, 64}, {128, 784, 32, 1, 64}, {128, 784, 32, 1, 32},
				{101, 300, 40, 1, 96}, {190, 300, 64, 0.5, 64}, {128, 784, 256, 1, 64},
			} {
				a, _ := guarded(r, c.k*c.m, 1)
				b, _ := guarded(r, c.k*c.n, 2)
				out, check := guarded(r, c.m*c.n, 3)
				want := copyOf(out)
				require.NoError(t, Sgemm(NewWorkspace(), true, false, c.m, c.n, c.k, -0.01, a, c.m, b, c.n, c.beta, want, c.n))
				p := Product{TransA: true, M: c.m, N: c.n, K: c.k, Alpha: -0.01, A: a, Lda: c.m, B: b, Ldb: c.n, Beta: c.beta, C: out, Ldc: c.n, ThreadBand: c.threadBand}
				require.NoError(t, g.SgemmAll([]Product{p}))
				check(t)
				name := fmt.Sprintf("threads=%d %d×%d×%d beta=%v band=%d", threads, c.m, c.n, c.k, c.beta, c.threadBand)
				requireSameBits(t, name, out, want)
				gt := gemmTask{ks: active.Load(), transA: true, m: c.m, n: c.n, k: c.k, lda: c.m, byRows: !streamsWideB(true, false, c.m, c.n, c.k)}
				bands, act := (c.m+c.threadBand-1)/c.threadBand, g.pool.Active()
				honoured := threads > 1 && 2*c.m*c.n*c.k >= split.GemmFlops && !g.bandsAlone(active.Load(), &p) &&
					gt.byRows && gt.band(act)*act < c.m && (c.beta == 0 || c.beta == 1) && bands <= act
				require.Equal(t, map[bool]int{true: bands}[honoured], g.all.threadBands, name)
				if honoured {
					cut++
				}
			}
		}
		if active.Load().sharedB != nil { // else a TN product wider than tall is cut by columns
			require.Positive(t, cut, "products cut at their ThreadBand")
		}
	})
}

// TestThreadBandFor: a thread that claims a unit of the ThreadBand
// product runs its own band if it is left, else the first band left, so
// that every band runs once however the claims fall.
func TestThreadBandFor(t *testing.T) {
	var task allTask
	task.threadBands, task.threadFirst = 3, 2
	require.Equal(t, 3, task.threadBandFor(1), "worker 1: band 1, unit 2+1")
	require.Equal(t, 2, task.threadBandFor(1), "band 1 taken: the first left")
	require.Equal(t, 4, task.threadBandFor(0), "band 0 taken: the first left, band 2")
	require.Panics(t, func() { task.threadBandFor(2) }, "more claims than bands")
	var fresh allTask
	fresh.threadBands = 2
	require.Equal(t, 0, fresh.threadBandFor(5), "a worker past the bands takes the first")
	require.Equal(t, 1, fresh.threadBandFor(0))
}
