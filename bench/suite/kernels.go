package suite

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/v1tr0/entrena/asm"
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

// randSlice returns n floats uniform in [-1, 1), 64-byte aligned.
func randSlice(rng *rand.Rand, n int) []float32 {
	s := asm.Aligned(n)
	for i := range s {
		s[i] = rng.Float32()*2 - 1
	}
	return s
}

// benchErr is the error that stopped the last Go side (testing.Benchmark
// keeps a failed benchmark's message to itself).
var benchErr error

// onPath runs f with path selected (every side selects its own path, as
// the rounds alternate sides).
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

// runGemm compares per shape entrena's best path on one core with its other
// paths, the best on N threads, gonum's pure-Go Sgemm and the GEMM peers.
func (r *runner) runGemm() {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range gemmShapes(r.quick) {
		a, b, c := randSlice(rng, s.m*s.k), randSlice(rng, s.k*s.n), asm.Aligned(s.m*s.n)
		lda, ldb := map[bool]int{false: s.k, true: s.m}[s.transA], map[bool]int{false: s.n, true: s.k}[s.transB]
		ws := asm.NewWorkspace()
		ws.Reserve(s.m, s.n, s.k)
		gemmSide := func(impl, path string, threads int, call func() error) *side {
			return &side{row: Row{Group: "gemm", Name: s.name(), Impl: impl, Path: path, Threads: threads, Unit: "GFLOPS"}, per: s.flops() / 1e9,
				flops: s.flops(), bench: onPath(cmp.Or(path, r.best()), call)}
		}
		var sides []*side
		for i := len(r.paths) - 1; i >= 0; i-- { // best path first: the reference
			if p := r.paths[i]; p == "generic" && s.flops() > genericBudget {
				r.skip("%s on generic: over %.0f MFLOP per call", s.name(), genericBudget/1e6)
			} else {
				sides = append(sides, gemmSide("entrena/"+p, p, 1, func() error { return asm.Sgemm(ws, s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n) }))
			}
		}
		var pools []*pool.Pool
		for _, th := range r.threads {
			if th == 1 {
				continue
			}
			workers, err := pool.New(th)
			if err != nil {
				r.skip("%s with %d threads: %v", s.name(), th, err)
				continue
			}
			pg := asm.NewParallelGemm(workers)
			pg.Reserve(s.m, s.n, s.k)
			pools, sides = append(pools, workers), append(sides, gemmSide("entrena/"+r.best(), r.best(), th, func() error {
				return pg.Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n)
			}))
		}
		if s.flops() > 10*genericBudget && r.peersDir == "" { // gonum on the largest products takes seconds a call
			r.skip("%s by gonum: seconds a call, measured with -peers", s.name())
		} else {
			ta, tb := map[bool]blas.Transpose{false: blas.NoTrans, true: blas.Trans}[s.transA], map[bool]blas.Transpose{false: blas.NoTrans, true: blas.Trans}[s.transB]
			for _, th := range r.threads {
				g := gemmSide("gonum", "", th, func() error {
					gonum.Implementation{}.Sgemm(ta, tb, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n)
					return nil
				})
				calls := g.bench
				g.bench = func(b *testing.B) {
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(th)) // gonum splits large products over goroutines
					calls(b)
				}
				g.row.Version, g.row.Note = r.gonumVersion, fmt.Sprintf("gonum.org/v1/gonum/blas/gonum, GOMAXPROCS=%d", th)
				sides = append(sides, g)
			}
		}
		r.measureWork(append(sides, r.peerSides(work{group: "gemm", name: s.name(), per: s.flops() / 1e9, flops: s.flops(),
			cmd:   map[string]any{"op": "gemm", "ta": s.transA, "tb": s.transB, "m": s.m, "n": s.n, "k": s.k},
			cArgs: []string{"--shapes", fmt.Sprintf("%s%s:%d:%d:%d", trans[s.transA], trans[s.transB], s.m, s.n, s.k)}})...), 0)
		for _, p := range pools {
			p.Close()
		}
	}
	r.use(r.best())
}
