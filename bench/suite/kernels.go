package suite

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/internal/mem"
	"github.com/v1tr0/entrena/pool"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// gemmShape is one Sgemm: op(A) is m×k, op(B) k×n.
type gemmShape struct {
	transA, transB bool
	m, n, k        int
}

var trans = map[bool]string{false: "N", true: "T"}

func (s gemmShape) name() string {
	return fmt.Sprintf("sgemm %s%s %dx%dx%d", trans[s.transA], trans[s.transB], s.m, s.n, s.k)
}

func (s gemmShape) flops() float64 { return 2 * float64(s.m) * float64(s.n) * float64(s.k) }

// gemmShapes: squares 64..2048 (NN), and 784-128-64-10's layer products at
// batch 256 (first layer, its weight gradient, the output layer) NN, NT, TN.
func gemmShapes(quick bool) (s []gemmShape) {
	squares, layers := []int{64, 128, 256, 512, 1024, 2048}, []gemmShape{{m: 256, n: 128, k: 784}, {m: 784, n: 128, k: 256}, {m: 256, n: 10, k: 128}}
	if quick {
		squares, layers = []int{64, 256}, []gemmShape{layers[0], layers[2]}
	}
	for _, n := range squares {
		s = append(s, gemmShape{m: n, n: n, k: n})
	}
	for _, l := range layers {
		for _, t := range [][2]bool{{false, false}, {false, true}, {true, false}} {
			l.transA, l.transB = t[0], t[1]
			s = append(s, l)
		}
	}
	return s
}

// genericBudget is the most FLOP per call the generic path is timed with:
// above it, the pure-Go reference takes seconds and says nothing new.
const genericBudget = 300e6

// randSlice returns n floats uniform in [-1, 1), 64-byte aligned and, from
// 4 MiB on, on huge pages: the memory numpy gives the Python peers' operands.
func randSlice(rng *rand.Rand, n int) []float32 {
	s := mem.Floats(n)
	for i := range s {
		s[i] = rng.Float32()*2 - 1
	}
	return s
}

// benchErr is the error that stopped the last Go side (testing.Benchmark
// keeps a failed benchmark's message to itself).
var benchErr error

// onPath runs f with path selected (every side selects its own path, as
// the turns alternate sides).
func onPath(path string, f func() error) func(b *testing.B) {
	return func(b *testing.B) {
		b.StopTimer() // selecting the path is not part of the work, nor its allocations
		if err := asm.Use(path); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for i := 0; i < b.N; i++ {
			if benchErr = f(); benchErr != nil {
				b.FailNow()
			}
		}
	}
}

// entrenaSides are entrena's sides of a work: every path (best first, the
// reference) on one thread and the best path on each other thread count of
// threads, each with the row tmpl; call makes the call on a path and thread
// count and what releases it (nil: left out). The generic path is left out
// above genericBudget FLOP per call.
func (r *runner) entrenaSides(tmpl Row, per, flops float64, threads []int, call func(path string, threads int) (func() error, func())) (sides []*side) {
	for i := len(r.paths) - 1; i >= 0; i-- {
		for _, th := range slices.Compact(slices.Sorted(slices.Values(append([]int{1}, threads...)))) {
			if p := r.paths[i]; th == 1 || p == r.best() {
				if p == "generic" && flops > genericBudget {
					r.skip("%s %s on generic: over %.0f MFLOP per call", tmpl.Group, tmpl.Name, genericBudget/1e6)
				} else if f, release := call(p, th); f != nil {
					row := tmpl
					row.Impl, row.Path, row.Threads = "entrena/"+p, p, th
					sides = append(sides, &side{row: row, per: per, flops: flops, bench: onPath(p, f), close: release})
				}
			}
		}
	}
	return sides
}

// runGemm compares per shape entrena's best path on one core with its other
// paths, the best on N threads, gonum's pure-Go Sgemm and the GEMM peers.
func (r *runner) runGemm() {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range gemmShapes(r.quick) {
		a, b, c := randSlice(rng, s.m*s.k), randSlice(rng, s.k*s.n), mem.Floats(s.m*s.n)
		lda, ldb := map[bool]int{false: s.k, true: s.m}[s.transA], map[bool]int{false: s.n, true: s.k}[s.transB]
		ws := asm.NewWorkspace()
		ws.Reserve(s.m, s.n, s.k)
		row := Row{Group: "gemm", Name: s.name(), Unit: "GFLOPS"}
		sides := r.entrenaSides(row, s.flops()/1e9, s.flops(), r.threads, func(path string, threads int) (func() error, func()) {
			if threads == 1 {
				return func() error { return asm.Sgemm(ws, s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n) }, nil
			}
			workers, err := pool.New(threads)
			if err != nil {
				r.skip("%s with %d threads: %v", s.name(), threads, err)
				return nil, nil
			}
			pg := asm.NewParallelGemm(workers)
			pg.Reserve(s.m, s.n, s.k)
			return func() error { return pg.Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n) }, workers.Close
		})
		if s.flops() > 10*genericBudget { // seconds a call; its 1024³ row shows the same flat speed
			r.skip("%s by gonum: over %.0f GFLOP per call", s.name(), 10*genericBudget/1e9)
		} else {
			ta, tb := blas.Transpose(trans[s.transA][0]), blas.Transpose(trans[s.transB][0]) // 'N' or 'T'
			calls := onPath(r.best(), func() error {
				gonum.Implementation{}.Sgemm(ta, tb, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n)
				return nil
			})
			for _, th := range r.threads {
				g := Row{Group: "gemm", Name: s.name(), Unit: "GFLOPS", Impl: "gonum", Threads: th, Version: r.gonumVersion, Note: fmt.Sprintf("gonum.org/v1/gonum/blas/gonum, GOMAXPROCS=%d", th)}
				sides = append(sides, &side{row: g, per: s.flops() / 1e9, flops: s.flops(), bench: func(b *testing.B) {
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(th)) // gonum splits large products over goroutines
					calls(b)
				}})
			}
		}
		r.measureWork(append(sides, r.peerSides(work{group: "gemm", name: s.name(), per: s.flops() / 1e9, flops: s.flops(),
			cmd:   map[string]any{"op": "gemm", "ta": s.transA, "tb": s.transB, "m": s.m, "n": s.n, "k": s.k},
			cArgs: []string{"--shapes", fmt.Sprintf("%s%s:%d:%d:%d", trans[s.transA], trans[s.transB], s.m, s.n, s.k)}})...), 0)
	}
}
