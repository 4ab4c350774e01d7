package asm

import (
	"fmt"
	"math"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/v1tr0/entrena/internal/split"
	"github.com/v1tr0/entrena/pool"
)

// newParallelGemm returns a ParallelGemm over a new pool of threads threads,
// closed at the end of the test.
func newParallelGemm(t testing.TB, threads int) *ParallelGemm {
	p, err := pool.New(threads)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return NewParallelGemm(p)
}

// TestParallelSgemm: a split product equals the one-core product bit for
// bit, for row and column bands and every transpose, on every path, also
// with bands as narrow as one tile, and with a shared op(B) used whole or
// one k block at a time.
func TestParallelSgemm(t *testing.T) {
	splitEverything(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(4, runtime.GOMAXPROCS(0)))) // up to 4 threads at once
	defer func(b int) { sharedSweepBytes = b }(sharedSweepBytes)
	for _, sweep := range []int{math.MaxInt, 0} {
		sharedSweepBytes = sweep
		t.Run(fmt.Sprintf("sweep=%d", sweep), testParallelSgemm)
	}
}

func testParallelSgemm(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		r := newRand(9)
		for _, threads := range []int{2, 3, 4} {
			p := newParallelGemm(t, threads)
			for _, sh := range [][3]int{{1, 1, 1}, {200, 30, 50}, {30, 200, 50}, {97, 129, 300}, {256, 128, 784}, {13, 10, 128}, {100, 10, 300}, {70, 16, 800}, {40, 500, 129}, {50, 3100, 300}, {400, 70, 130}} {
				m, n, k := sh[0], sh[1], sh[2]
				if testing.Short() && path == "generic" && m*n*k > 1<<24 {
					continue // two blocks of columns: minutes on the Go path under -race
				}
				for _, tA := range []bool{false, true} {
					for _, tB := range []bool{false, true} {
						lda, ldb := k, n
						if tA {
							lda = m
						}
						if tB {
							ldb = k
						}
						a, _ := guarded(r, m*k, 1)
						b, _ := guarded(r, k*n, 2)
						c1, check := guarded(r, m*n, 3)
						c2 := copyOf(c1)
						require.NoError(t, Sgemm(NewWorkspace(), tA, tB, m, n, k, 0.5, a, lda, b, ldb, 0.25, c1, n))
						require.NoError(t, p.Sgemm(tA, tB, m, n, k, 0.5, a, lda, b, ldb, 0.25, c2, n))
						check(t)
						requireSameBits(t, fmt.Sprintf("threads=%d %v tA=%v tB=%v: C split vs one core", threads, sh, tA, tB), c2, c1)
					}
				}
			}
			require.Error(t, p.Sgemm(false, false, 2, 2, 2, 1, make([]float32, 3), 2, make([]float32, 4), 2, 0, make([]float32, 4), 2))
		}
	})
}

// TestParallelSgemmPrivateB: where the path packs op(B) per row band
// (privateBRows: AVX-512) a product with that many rows per thread leaves
// the shared op(B) that PackB packed alone, so SgemmOnB still reads it;
// with fewer rows the product shares op(B) as before, which replaces it.
func TestParallelSgemmPrivateB(t *testing.T) {
	splitEverything(t)
	forEachPath(t, func(t *testing.T, path string) {
		ks := active.Load()
		if ks.sharedB == nil {
			return
		}
		g := newParallelGemm(t, 2)
		const n, k = 64, 96
		w, _ := guarded(newRand(3), n*k, 1)
		for _, m := range []int{2 * max(ks.privateBRows, 120), 96} {
			a, _ := guarded(newRand(4), m*k, 2)
			c := make([]float32, m*n)
			packed, err := g.PackB(true, n, k, w, k)
			require.NoError(t, err)
			require.True(t, packed)
			require.NoError(t, g.Sgemm(false, true, m, n, k, 1, a, k, w, k, 0, c, n))
			err = g.SgemmOnB(0, 1, n, k, 1, a, k, 0, c, n)
			if ks.privateBRows > 0 && m >= 2*ks.privateBRows {
				require.NoError(t, err, "m=%d: row bands pack op(B) themselves", m)
			} else {
				require.Error(t, err, "m=%d: row bands share op(B)", m)
			}
		}
	})
}

// splitEverything makes ParallelGemm split every product into one-tile
// bands for the duration of a test.
func splitEverything(t *testing.T) {
	f, b := split.GemmFlops, gemmBandFlops
	split.GemmFlops, gemmBandFlops = 0, 0
	t.Cleanup(func() { split.GemmFlops, gemmBandFlops = f, b })
}

func TestParallelSgemmAllocs(t *testing.T) {
	p := newParallelGemm(t, 2)
	const m, n, k = 256, 128, 784
	p.Reserve(m, n, k)
	a, b, c := make([]float32, m*k), make([]float32, n*k), make([]float32, m*n)
	require.Zero(t, testing.AllocsPerRun(10, func() {
		_ = p.Sgemm(false, true, m, n, k, 1, a, k, b, k, 0, c, n)
	}))
}

func BenchmarkParallelGemm(b *testing.B) {
	for _, threads := range []int{1, 2} {
		for _, sh := range [][3]int{{32, 128, 784}, {256, 128, 784}, {256, 1024, 1024}} {
			m, n, k := sh[0], sh[1], sh[2]
			b.Run(fmtShape(threads, m, n, k), func(b *testing.B) {
				p := newParallelGemm(b, threads)
				old := split.GemmFlops
				split.GemmFlops = 0
				defer func() { split.GemmFlops = old }()
				x, w, c := make([]float32, m*k), make([]float32, n*k), make([]float32, m*n)
				p.Reserve(m, n, k)
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					_ = p.Sgemm(false, true, m, n, k, 1, x, k, w, k, 0, c, n)
				}
				b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
			})
		}
	}
}

// BenchmarkParallelGemmShapes: NN products with fewer rows than columns
// and A's rows 4 KiB apart (so AVX-512 packs A), all through one
// ParallelGemm per thread count as a caller with several products would
// run them; "mixed" alternates two products with as many rows.
func BenchmarkParallelGemmShapes(b *testing.B) {
	a, w, c := Aligned(2048*2048), Aligned(2048*2048), Aligned(2048*2048)
	r := newRand(5)
	for i := range a {
		a[i], w[i] = r.Float32(), r.Float32()
	}
	shapes := [][3]int{{256, 1024, 1024}, {256, 2048, 2048}, {512, 1024, 1024}}
	for _, threads := range []int{1, 2} {
		p := newParallelGemm(b, threads)
		run := func(s [3]int) {
			_ = p.Sgemm(false, false, s[0], s[1], s[2], 1, a, s[2], w, s[1], 0, c, s[1])
		}
		for _, s := range shapes {
			b.Run(fmtShape(threads, s[0], s[1], s[2]), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					run(s)
				}
				b.ReportMetric(2*float64(s[0]*s[1]*s[2])*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
			})
		}
		b.Run("threads="+itoa(threads)+"/mixed", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				run(shapes[i%2])
			}
			flops := float64(b.N/2) * 2 * float64(shapes[0][0]*shapes[0][1]*shapes[0][2]+shapes[1][0]*shapes[1][1]*shapes[1][2])
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOPS")
		})
	}
}

func fmtShape(threads, m, n, k int) string {
	return "threads=" + itoa(threads) + "/" + itoa(m) + "x" + itoa(n) + "x" + itoa(k)
}

func itoa(v int) string {
	if v == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	for v > 0 {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return string(buf[i:])
}

// TestParallelSgemmSwapped: products that a path computes transposed are
// split as their transpose: NT with a short batch against a wider B, and
// (AVX2) any transposition fewer than 16 columns wide, whose narrow last
// bands must not be transposed again into the scratch the split is
// writing. Beta 0 and 1; C must have the one-core bits and nothing outside
// m×n may change (ldc > n).
func TestParallelSgemmSwapped(t *testing.T) {
	splitEverything(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(3, runtime.GOMAXPROCS(0))))
	nt := [][2]bool{{false, true}}
	all := [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}}
	cases := []struct {
		shapes [][3]int
		trs    [][2]bool
	}{
		{[][3]int{{9, 10, 300}, {32, 128, 784}, {30, 200, 50}, {64, 65, 128}, {13, 48, 1000}, {17, 784, 33}}, nt},
		{[][3]int{{64, 9, 33}, {300, 10, 128}, {61, 5, 9}, {200, 15, 50}, {1000, 3, 40}}, all},
	}
	forEachPath(t, func(t *testing.T, path string) {
		r := newRand(17)
		for _, threads := range []int{2, 3} {
			p := newParallelGemm(t, threads)
			for _, cs := range cases {
				for _, sh := range cs.shapes {
					m, n, k := sh[0], sh[1], sh[2]
					for _, tr := range cs.trs {
						tA, tB := tr[0], tr[1]
						lda, ldb := k, n
						if tA {
							lda = m
						}
						if tB {
							ldb = k
						}
						for _, beta := range []float32{0, 1} {
							ldc := n + 3
							a, _ := guarded(r, m*k, 1)
							b, _ := guarded(r, n*k, 2)
							c1, check := guarded(r, m*ldc, 3)
							c2 := copyOf(c1)
							require.NoError(t, Sgemm(NewWorkspace(), tA, tB, m, n, k, 0.5, a, lda, b, ldb, beta, c1, ldc))
							require.NoError(t, p.Sgemm(tA, tB, m, n, k, 0.5, a, lda, b, ldb, beta, c2, ldc))
							check(t)
							requireSameBits(t, fmt.Sprintf("threads=%d %v %v beta=%v: C split vs one core", threads, sh, tr, beta), c2, c1)
						}
					}
				}
			}
		}
	})
}

func TestParallelSgemmSwappedAllocs(t *testing.T) {
	p := newParallelGemm(t, 2)
	const m, n, k = 32, 128, 784
	p.Reserve(m, n, k)
	a, b, c := make([]float32, m*k), make([]float32, n*k), make([]float32, m*n)
	require.Zero(t, testing.AllocsPerRun(10, func() {
		_ = p.Sgemm(false, true, m, n, k, 1, a, k, b, k, 0, c, n)
	}))
}

// TestParallelGemmBadWorker: a worker index without a workspace is an
// ErrArgument from SgemmOn and SgemmOnB, not an index out of range.
func TestParallelGemmBadWorker(t *testing.T) {
	g := newParallelGemm(t, 2)
	a, b, c := make([]float32, 4*8), make([]float32, 16*8), make([]float32, 4*16)
	_, err := g.PackB(true, 16, 8, b, 8)
	require.NoError(t, err)
	for _, w := range []int{-1, 2, math.MaxInt} {
		err := g.SgemmOn(w, false, true, 4, 16, 8, 1, a, 8, b, 8, 0, c, 16)
		require.ErrorIs(t, err, ErrArgument, "SgemmOn worker %d", w)
		require.ErrorContains(t, err, "worker")
		err = g.SgemmOnB(w, 4, 16, 8, 1, a, 8, 0, c, 16)
		require.ErrorIs(t, err, ErrArgument, "SgemmOnB worker %d", w)
		require.ErrorContains(t, err, "worker")
	}
	require.NoError(t, g.SgemmOn(1, false, true, 4, 16, 8, 1, a, 8, b, 8, 0, c, 16))
}

// TestParallelGemmNilPool: NewParallelGemm(nil) is a one-thread
// ParallelGemm (products on the caller, worker 0), not a nil dereference.
func TestParallelGemmNilPool(t *testing.T) {
	g := NewParallelGemm(nil)
	r := newRand(5)
	const m, n, k = 40, 30, 50
	a, _ := guarded(r, m*k, 1)
	b, _ := guarded(r, k*n, 2)
	want, _ := guarded(r, m*n, 3)
	got, on := copyOf(want), copyOf(want)
	all := copyOf(want)
	require.NoError(t, Sgemm(NewWorkspace(), false, false, m, n, k, 0.5, a, k, b, n, 0.25, want, n))
	g.Reserve(m, n, k)
	require.NoError(t, g.Sgemm(false, false, m, n, k, 0.5, a, k, b, n, 0.25, got, n))
	requireSameBits(t, "Sgemm", got, want)
	require.NoError(t, g.SgemmOn(0, false, false, m, n, k, 0.5, a, k, b, n, 0.25, on, n))
	requireSameBits(t, "SgemmOn", on, want)
	require.NoError(t, g.SgemmAll([]Product{{M: m, N: n, K: k, Alpha: 0.5, A: a, Lda: k, B: b, Ldb: n, Beta: 0.25, C: all, Ldc: n}}))
	requireSameBits(t, "SgemmAll", all, want)
	require.ErrorIs(t, g.SgemmOn(1, false, false, m, n, k, 0.5, a, k, b, n, 0.25, on, n), ErrArgument)
	packed, err := g.PackB(false, n, k, b, n)
	require.NoError(t, err)
	require.False(t, packed, "one thread packs nothing")
}

// TestColumnBandsCopyingA: a product cut into column bands (fewer rows than
// columns) whose path copies A into panels gets one band per thread, since
// each band copies all of A; where A is read in place, bands stay as narrow
// as their flops allow. AVX-512 copies a non-transposed A whose rows are a
// multiple of 4 KiB apart, NEON always, AVX2 not for a band this narrow.
func TestColumnBandsCopyingA(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		ks := active.Load()
		for _, lda := range []int{1000, 1024} {
			task := gemmTask{ks: ks, m: 64, n: 4096, k: 1024, lda: lda}
			copies := path == "neon" || path == "avx512" && lda%1024 == 0
			want := task.perThread(2) // half the columns, in whole tiles
			require.InDelta(t, 2048, want, float64(task.grain()))
			if copies {
				require.Equal(t, want, task.band(2), "lda=%d", lda)
			} else {
				require.Less(t, task.band(2), want, "lda=%d", lda)
			}
		}
		tn := gemmTask{ks: ks, transA: true, m: 64, n: 4096, k: 64, lda: 64}
		if path == "neon" {
			require.Equal(t, tn.perThread(2), tn.band(2), "a transposed A is copied")
		}
	})
}

// TestGemmCallKinds: products that share a task, a band count and a band
// but not their cost are different kinds of pool call; equal products are
// the same kind.
func TestGemmCallKinds(t *testing.T) {
	ks := active.Load()
	a := gemmTask{ks: ks, m: 256, n: 1024, k: 1024, byRows: true}
	b := gemmTask{ks: ks, m: 256, n: 2048, k: 2048, byRows: true}
	require.Equal(t, a.extent(), b.extent())
	require.Equal(t, a.band(2), b.band(2))
	require.NotEqual(t, a.CallKind(), b.CallKind())
	c := a
	require.Equal(t, a.CallKind(), c.CallKind())
	c.transA = true
	require.NotEqual(t, a.CallKind(), c.CallKind())
	c = a
	c.kb0, c.kb1 = 1, 2
	require.NotEqual(t, a.CallKind(), c.CallKind(), "another k block of a shared op(B)")
	p, q := packTask{n: 128, k: 784, kb1: 2}, packTask{n: 128, k: 64, kb1: 1}
	require.NotEqual(t, p.CallKind(), q.CallKind())

	g := newParallelGemm(t, 2)
	kindOf := func(ps ...Product) uint64 {
		require.NoError(t, g.SgemmAll(ps))
		return g.all.kind
	}
	prod := func(m, n, k int) Product {
		return Product{TransA: true, M: m, N: n, K: k, Alpha: 1, A: make([]float32, m*k), Lda: m, B: make([]float32, k*n), Ldb: n, C: make([]float32, m*n), Ldc: n}
	}
	w1, w2 := prod(128, 784, 256), prod(64, 128, 256)
	require.Equal(t, kindOf(w1, w2), kindOf(w1, w2))
	require.NotEqual(t, kindOf(w1, w2), kindOf(prod(128, 784, 96), prod(64, 128, 96)), "a shorter batch")
	require.NotEqual(t, kindOf(w1, w2), kindOf(w2, w1), "the order of the units")
}

// TestZeroParallelGemm: the zero ParallelGemm is one thread's: it neither
// panics nor differs from Sgemm, and SgemmOn before any other call is an
// error (there is no worker workspace yet), not a crash.
func TestZeroParallelGemm(t *testing.T) {
	var fresh ParallelGemm
	require.Error(t, fresh.SgemmOn(0, false, false, 1, 1, 1, 1, []float32{1}, 1, []float32{1}, 1, 0, []float32{0}, 1))
	r := newRand(9)
	const m, n, k = 40, 70, 90
	a, _ := guarded(r, m*k, 1)
	b, _ := guarded(r, k*n, 2)
	want := make([]float32, m*n)
	require.NoError(t, Sgemm(NewWorkspace(), false, false, m, n, k, 1, a, k, b, n, 0, want, n))

	var g ParallelGemm
	g.Reserve(m, n, k)
	c := make([]float32, m*n)
	require.NoError(t, g.Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n))
	requireSameBits(t, "Sgemm", c, want)
	var all ParallelGemm
	c2 := make([]float32, m*n)
	require.NoError(t, all.SgemmAll([]Product{{M: m, N: n, K: k, Alpha: 1, A: a, Lda: k, B: b, Ldb: n, C: c2, Ldc: n}}))
	requireSameBits(t, "SgemmAll", c2, want)
	var packer ParallelGemm
	packed, err := packer.PackB(false, n, k, b, n)
	require.NoError(t, err)
	require.False(t, packed, "one thread packs nothing ahead")
	require.NoError(t, packer.SgemmOn(0, false, false, m, n, k, 1, a, k, b, n, 0, c, n))
}
