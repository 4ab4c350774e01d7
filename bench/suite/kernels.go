package suite

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/bench/peak"
	"github.com/v1tr0/entrena/pool"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// gemmShape is one Sgemm: op(A) is m×k, op(B) k×n.
type gemmShape struct {
	transA, transB bool
	m, n, k        int
}

func (s gemmShape) name() string {
	t := func(b bool) string {
		if b {
			return "T"
		}
		return "N"
	}
	return fmt.Sprintf("sgemm %s%s %dx%dx%d", t(s.transA), t(s.transB), s.m, s.n, s.k)
}

func (s gemmShape) flops() float64 { return 2 * float64(s.m) * float64(s.n) * float64(s.k) }

// gemmShapes are the squares 64..2048 (NN) and the dense-layer products of
// the 784-128-64-10 network at batch 256 (m×k · k×n), each in NN, NT and
// TN: 256×784·784×128, 784×256·256×128 (the first layer's weight-gradient
// shape) and the skinny output layer 256×128·128×10 — issue 3 asks for all
// three transposes at the first two.
func gemmShapes(quick bool) []gemmShape {
	squares := []int{64, 128, 256, 512, 1024, 2048}
	if quick {
		squares = []int{64, 256}
	}
	var s []gemmShape
	for _, n := range squares {
		s = append(s, gemmShape{m: n, n: n, k: n})
	}
	for _, l := range []struct{ m, n, k int }{{256, 128, 784}, {784, 128, 256}, {256, 10, 128}} {
		if quick && l.m == 784 {
			continue
		}
		for _, t := range [][2]bool{{false, false}, {false, true}, {true, false}} {
			s = append(s, gemmShape{transA: t[0], transB: t[1], m: l.m, n: l.n, k: l.k})
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

// operands allocates A, B and C for s with tight leading dimensions.
func (s gemmShape) operands(rng *rand.Rand) (a []float32, lda int, b []float32, ldb int, c []float32) {
	a, b = randSlice(rng, s.m*s.k), randSlice(rng, s.k*s.n)
	lda, ldb = s.k, s.n
	if s.transA {
		lda = s.m
	}
	if s.transB {
		ldb = s.k
	}
	return a, lda, b, ldb, asm.Aligned(s.m * s.n)
}

// runPeaks measures the FMA peak of every SIMD path.
func (r *runner) runPeaks() {
	d := 300 * time.Millisecond
	if r.quick {
		d = 30 * time.Millisecond
	}
	for _, p := range r.paths {
		if p == "generic" {
			continue
		}
		g, err := peak.Measure(p, d)
		pk := Peak{Path: p, GFLOPS: g}
		if err != nil {
			pk.Error = err.Error()
		}
		r.rep.Peaks = append(r.rep.Peaks, pk)
		r.logf("peak %-8s %8.1f GFLOPS/core", p, g)
	}
}

// peak returns the measured per-core peak of path, or the best measured
// peak for "generic" and peers (0 when none was measured).
func (r *runner) peak(path string) float64 {
	best := 0.0
	for _, p := range r.rep.Peaks {
		if p.Path == path {
			return p.GFLOPS
		}
		if p.GFLOPS > best {
			best = p.GFLOPS
		}
	}
	return best
}

// runGemm times Sgemm on every path and shape on one core, then the best
// path split over the pool's threads, then gonum's Sgemm.
func (r *runner) runGemm() {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range gemmShapes(r.quick) {
		a, lda, b, ldb, c := s.operands(rng)
		ws := asm.NewWorkspace()
		ws.Reserve(s.m, s.n, s.k)
		for _, p := range r.paths {
			if p == "generic" && s.flops() > genericBudget {
				r.skip("%s on generic: over %.0f MFLOP per call", s.name(), genericBudget/1e6)
				continue
			}
			r.use(p)
			m := measure(r.t, func() error {
				return asm.Sgemm(ws, s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n)
			})
			r.addFlops(m, Row{Group: "gemm", Name: s.name(), Impl: "entrena/" + p, Path: p, Threads: 1}, s.flops())
		}
		// All cores, best path, through a pool.
		for _, th := range r.threads {
			if th <= 1 {
				continue
			}
			workers, err := pool.New(th)
			if err != nil {
				r.skip("%s with %d threads: %v", s.name(), th, err)
				continue
			}
			pg := asm.NewParallelGemm(workers)
			pg.Reserve(s.m, s.n, s.k)
			p := r.best()
			r.use(p)
			m := measure(r.t, func() error {
				return pg.Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n)
			})
			workers.Close()
			r.addFlops(m, Row{Group: "gemm", Name: s.name(), Impl: "entrena/" + p, Path: p, Threads: th}, s.flops())
		}
		r.runGonumGemm(s, a, lda, b, ldb, c)
	}
	r.use(r.best())
}

// runGonumGemm times gonum's pure-Go Sgemm (gonum.org/v1/gonum/blas/gonum)
// on one core (GOMAXPROCS 1, since it splits large products over
// goroutines) and on the run's largest thread count.
func (r *runner) runGonumGemm(s gemmShape, a []float32, lda int, b []float32, ldb int, c []float32) {
	var impl gonum.Implementation
	ta, tb := blas.NoTrans, blas.NoTrans
	if s.transA {
		ta = blas.Trans
	}
	if s.transB {
		tb = blas.Trans
	}
	if s.flops() > 4*genericBudget && r.quick {
		return
	}
	for _, th := range r.threads {
		prev := runtime.GOMAXPROCS(th)
		m := measure(r.t, func() error {
			impl.Sgemm(ta, tb, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n)
			return nil
		})
		runtime.GOMAXPROCS(prev)
		r.addFlops(m, Row{Group: "gemm", Name: s.name(), Impl: "gonum", Threads: th, Version: r.gonumVersion,
			Note: "gonum.org/v1/gonum/blas/gonum, GOMAXPROCS=" + itoa(th)}, s.flops())
	}
}

// addFlops appends a row whose metric is GFLOPS.
func (r *runner) addFlops(m measured, row Row, flops float64) {
	if m.firstError != nil {
		r.skip("%s %s: %v", row.Name, row.Impl, m.firstError)
		return
	}
	row = m.row(row)
	row.Unit = "GFLOPS"
	row.Metric = flops / row.Median / 1e9
	if pk := r.peak(row.Path); pk > 0 && row.Path != "generic" && row.Path != "" {
		row.PctPeak = 100 * row.Metric / (pk * float64(row.Threads))
	} else if pk := r.peak(r.best()); pk > 0 && row.Path == "" {
		row.PctPeak = 100 * row.Metric / (pk * float64(row.Threads))
	}
	r.add(row)
}

// eltSizes are the element counts of the element-wise and update kernels.
func eltSizes(quick bool) []int {
	if quick {
		return []int{1000, 100000}
	}
	return []int{1000, 100000, 10000000}
}

// eltKernel is one element-wise kernel: bytes moved per element, and the
// call on buffers of n elements.
type eltKernel struct {
	name  string
	bytes int // bytes read + written per element
	run   func(n int, x, y, z []float32) error
}

var eltKernels = []eltKernel{
	{"sigmoid", 8, func(n int, x, y, _ []float32) error { return asm.Sigmoid(y[:n], x[:n]) }},
	{"hadamard", 12, func(n int, x, y, z []float32) error { return asm.Hadamard(z[:n], x[:n], y[:n]) }},
	{"sigmoid-backward", 12, func(n int, x, y, z []float32) error { return asm.SigmoidBackward(z[:n], x[:n], y[:n]) }},
	// bias + sigmoid in place over rows of 128 (a hidden layer's width).
	{"bias-sigmoid", 8, func(n int, x, y, _ []float32) error {
		cols := hiddenCols(n)
		return asm.BiasSigmoid(y[:n/cols*cols], n/cols, cols, x[:cols])
	}},
	// The other kernels of the path tables (asm's kernelSet): the tanh and
	// ReLU activations and their backward steps (act = y, the sigmoid
	// outputs above: in (0, 1), as an activation's outputs are), the bias
	// add and the bias gradient (column sums) of a dense layer, the softmax
	// of an output layer of 10 in place (one Go loop on every path), and
	// the scaling of a buffer.
	{"tanh", 8, func(n int, x, _, z []float32) error { return asm.Tanh(z[:n], x[:n]) }},
	{"tanh-backward", 12, func(n int, x, y, z []float32) error { return asm.TanhBackward(z[:n], x[:n], y[:n]) }},
	{"relu", 8, func(n int, x, _, z []float32) error { return asm.ReLU(z[:n], x[:n]) }},
	{"relu-backward", 12, func(n int, x, y, z []float32) error { return asm.ReLUBackward(z[:n], x[:n], y[:n]) }},
	{"add-bias", 8, func(n int, x, _, z []float32) error {
		cols := hiddenCols(n)
		return asm.AddBias(z[:n/cols*cols], n/cols, cols, x[:cols]) // in place: z drifts by x, stays finite
	}},
	{"col-sums", 4, func(n int, _, y, z []float32) error {
		cols := hiddenCols(n)
		return asm.ColSums(z[:cols], 1.0/float32(n/cols), y[:n/cols*cols], n/cols, cols)
	}},
	{"softmax-rows", 8, func(n int, x, _, z []float32) error {
		return asm.SoftmaxRows(z[:n/10*10], n/10, 10)
	}},
	{"scale", 8, func(n int, _, _, z []float32) error {
		asm.Scale(-1, z[:n]) // magnitudes stay as they are (no denormals)
		return nil
	}},
}

// hiddenCols is the width of the rows the per-column kernels run over:
// 128, a hidden layer's, or n when smaller.
func hiddenCols(n int) int { return min(128, n) }

// updKernel is one optimizer update over n parameters.
type updKernel struct {
	name  string
	bytes int
	run   func(p, g, m, v []float32) error
}

var updKernels = []updKernel{
	{"sgd-axpy", 12, func(p, g, _, _ []float32) error { return asm.Axpy(-0.01, g, p) }},
	{"momentum", 20, func(p, g, v, _ []float32) error { return asm.Momentum(p, g, v, 0.01, 0.9) }},
	{"adam", 28, func(p, g, m, v []float32) error {
		return asm.Adam(p, g, m, v, asm.AdamParams{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, Correction1: 0.1, Correction2: 0.001})
	}},
}

// runEltwise times the activation and update kernels on every path.
func (r *runner) runEltwise() {
	rng := rand.New(rand.NewPCG(3, 4))
	sizes := eltSizes(r.quick)
	max := sizes[len(sizes)-1]
	x, y, z, w := randSlice(rng, max), randSlice(rng, max), randSlice(rng, max), randSlice(rng, max)
	for i := range w {
		w[i] = w[i] * w[i] // Adam's second moment is non-negative
	}
	for _, n := range sizes {
		for _, k := range eltKernels {
			for _, p := range r.paths {
				r.use(p)
				// Fresh sigmoid outputs in y for the backward kernel.
				m := measure(r.t, func() error { return k.run(n, x, y, z) })
				r.addElems(m, Row{Group: "eltwise", Name: fmt.Sprintf("%s n=%d", k.name, n), Impl: "entrena/" + p, Path: p, Threads: 1}, n, k.bytes)
			}
		}
		for _, k := range updKernels {
			for _, p := range r.paths {
				r.use(p)
				pp := append([]float32(nil), x[:n]...)
				m := measure(r.t, func() error { return k.run(pp, y[:n], z[:n], w[:n]) })
				r.addElems(m, Row{Group: "update", Name: fmt.Sprintf("%s n=%d", k.name, n), Impl: "entrena/" + p, Path: p, Threads: 1}, n, k.bytes)
			}
		}
	}
	r.use(r.best())
}

// addElems appends a row whose metric is G elements/s, noting the implied
// memory traffic.
func (r *runner) addElems(m measured, row Row, n, bytes int) {
	if m.firstError != nil {
		r.skip("%s %s: %v", row.Name, row.Impl, m.firstError)
		return
	}
	row = m.row(row)
	row.Unit = "Gelem/s"
	row.Metric = float64(n) / row.Median / 1e9
	row.Note = fmt.Sprintf("%.1f GB/s at %d B/elem", row.Metric*float64(bytes), bytes)
	r.add(row)
}

// runMemory measures streaming bandwidth at sizes that fit L1, L2 and
// beyond the last-level cache, with two loops: Go's copy (runtime memmove,
// 8 bytes moved per float32: one read, one write) and asm.Axpy on the best
// path (y += a·x: two reads, one write, 12 bytes per float32). GB/s counts
// the bytes the loop reads and writes, not extra write-allocate traffic.
func (r *runner) runMemory() {
	l1, l2, l3 := r.rep.Machine.L1D, r.rep.Machine.L2, r.rep.Machine.L3
	if l1 <= 0 {
		l1 = 32 << 10
	}
	if l2 <= 0 {
		l2 = 1 << 20
	}
	big := 2 * l3
	if big < 64<<20 {
		big = 64 << 20
	}
	if big > 768<<20 {
		big = 768 << 20
	}
	if r.quick {
		big = 32 << 20
	}
	levelBig := "DRAM"
	if l3 > 0 && big <= l3 {
		levelBig = "L3"
	}
	levels := []struct {
		name  string
		bytes int // total working set of the two buffers
	}{{"L1", l1 / 2}, {"L2", l2 / 2}, {levelBig, big}}
	r.use(r.best())
	for _, lv := range levels {
		n := lv.bytes / 8 // two float32 buffers
		x := asm.Aligned(n)
		y := asm.Aligned(n)
		for i := range x {
			x[i] = 1
		}
		name := fmt.Sprintf("%s %d KiB", lv.name, lv.bytes>>10)
		m := measure(r.t, func() error { copy(y, x); return nil })
		r.addBandwidth(m, Row{Group: "memory", Name: "copy " + name, Impl: "go-copy", Threads: 1}, n, 8)
		m = measure(r.t, func() error { return asm.Axpy(1e-9, x, y) })
		r.addBandwidth(m, Row{Group: "memory", Name: "axpy " + name, Impl: "entrena/" + r.best(), Path: r.best(), Threads: 1}, n, 12)
	}
}

func (r *runner) addBandwidth(m measured, row Row, n, bytes int) {
	if m.firstError != nil {
		r.skip("%s: %v", row.Name, m.firstError)
		return
	}
	row = m.row(row)
	row.Unit = "GB/s"
	row.Metric = float64(n) * float64(bytes) / row.Median / 1e9
	row.Note = fmt.Sprintf("%d floats per buffer, %d B/elem", n, bytes)
	r.add(row)
}
