package asm

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
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
						ps[i] = Product{s.transA, s.transB, s.m, s.n, s.k, s.alpha, a, s.lda, b, s.ldb, s.beta, c, s.n}
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
			make([]float32, s.k*s.n), s.ldb, s.beta, make([]float32, s.m*s.n), s.n})
	}
	require.Zero(t, testing.AllocsPerRun(10, func() {
		if err := g.SgemmAll(ps); err != nil {
			t.Fatal(err)
		}
	}))
}
