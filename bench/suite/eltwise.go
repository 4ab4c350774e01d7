package suite

import (
	"fmt"
	"math/rand/v2"

	"github.com/v1tr0/entrena/asm"
)

// eltKernel is one element-wise kernel or optimizer update: bytes moved per
// element and the call on buffers of n elements (x inputs in [-1, 1), y
// sigmoid-like outputs in (0, 1) where a backward step reads them, z and w
// the outputs or optimizer state).
type eltKernel struct {
	group, name string
	bytes       int
	run         func(n int, x, y, z, w []float32) error
}

// cols is the width of the rows the per-column kernels run over: 128, a
// hidden layer's, or n when smaller.
func cols(n int) int { return min(128, n) }

var eltKernels = []eltKernel{
	{"eltwise", "sigmoid", 8, func(n int, x, y, _, _ []float32) error { return asm.Sigmoid(y[:n], x[:n]) }},
	{"eltwise", "hadamard", 12, func(n int, x, y, z, _ []float32) error { return asm.Hadamard(z[:n], x[:n], y[:n]) }},
	{"eltwise", "sigmoid-backward", 12, func(n int, x, y, z, _ []float32) error { return asm.SigmoidBackward(z[:n], x[:n], y[:n]) }},
	{"eltwise", "bias-sigmoid", 8, func(n int, x, y, _, _ []float32) error {
		return asm.BiasSigmoid(y[:n/cols(n)*cols(n)], n/cols(n), cols(n), x[:cols(n)])
	}},
	{"eltwise", "tanh", 8, func(n int, x, _, z, _ []float32) error { return asm.Tanh(z[:n], x[:n]) }},
	{"eltwise", "tanh-backward", 12, func(n int, x, y, z, _ []float32) error { return asm.TanhBackward(z[:n], x[:n], y[:n]) }},
	{"eltwise", "relu", 8, func(n int, x, _, z, _ []float32) error { return asm.ReLU(z[:n], x[:n]) }},
	{"eltwise", "relu-backward", 12, func(n int, x, y, z, _ []float32) error { return asm.ReLUBackward(z[:n], x[:n], y[:n]) }},
	{"eltwise", "add-bias", 8, func(n int, x, _, z, _ []float32) error { // in place: z drifts by x, stays finite
		return asm.AddBias(z[:n/cols(n)*cols(n)], n/cols(n), cols(n), x[:cols(n)])
	}},
	{"eltwise", "col-sums", 4, func(n int, _, y, z, _ []float32) error {
		return asm.ColSums(z[:cols(n)], 1.0/float32(n/cols(n)), y[:n/cols(n)*cols(n)], n/cols(n), cols(n))
	}},
	{"eltwise", "softmax-rows", 8, func(n int, _, _, z, _ []float32) error { return asm.SoftmaxRows(z[:n/10*10], n/10, 10) }},
	{"eltwise", "scale", 8, func(n int, _, _, z, _ []float32) error { asm.Scale(-1, z[:n]); return nil }},
	{"update", "sgd-axpy", 12, func(n int, x, y, _, _ []float32) error { return asm.Axpy(-1e-6, y[:n], x[:n]) }},
	{"update", "momentum", 20, func(n int, x, y, z, _ []float32) error { return asm.Momentum(x[:n], y[:n], z[:n], 1e-6, 0.9) }},
	{"update", "adam", 28, func(n int, x, y, z, w []float32) error {
		return asm.Adam(x[:n], y[:n], z[:n], w[:n], asm.AdamParams{LR: 1e-6, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, Correction1: 0.1, Correction2: 0.001})
	}},
}

// runEltwise compares every element-wise and update kernel across paths,
// with the peers' sigmoid and Hadamard.
func (r *runner) runEltwise() {
	rng := rand.New(rand.NewPCG(3, 4))
	sizes := []int{1000, 100000, 10000000}[:map[bool]int{false: 3, true: 2}[r.quick]]
	n := sizes[len(sizes)-1]
	x, y, z, w := randSlice(rng, n), randSlice(rng, n), randSlice(rng, n), randSlice(rng, n)
	for i := range y {
		y[i] = 0.5 + y[i]/4 // a sigmoid's outputs, in (0, 1)
		w[i] *= w[i]        // Adam's second moment is non-negative
	}
	for _, n := range sizes {
		for _, k := range eltKernels {
			name := fmt.Sprintf("%s n=%d", k.name, n)
			sides := r.entrenaSides(Row{Group: k.group, Name: name, Unit: "Gelem/s", Note: fmt.Sprintf("%d B/elem", k.bytes)}, float64(n)/1e9, 0, nil,
				func(string, int) (func() error, func()) { return func() error { return k.run(n, x, y, z, w) }, nil })
			if k.name == "sigmoid" || k.name == "hadamard" {
				sides = append(sides, r.peerSides(work{group: "eltwise", name: name, per: float64(n) / 1e9, oneThread: true,
					cmd: map[string]any{"op": "eltwise", "kernel": k.name, "n": n}})...)
			}
			r.measureWork(sides, 0)
		}
	}
}

// runMemory measures streaming bandwidth at working sets of half L1, half
// L2 and beyond the last-level cache: Go's copy (8 B per float moved) and
// asm.Axpy on the best path (12 B: two reads, one write), in rounds.
func (r *runner) runMemory() {
	m := r.rep.Machine
	big := map[bool]int{false: min(max(2*m.L3, 64<<20), 768<<20), true: 32 << 20}[r.quick]
	levelBig := map[bool]string{false: "DRAM", true: "L3"}[m.L3 > 0 && big <= m.L3]
	for _, lv := range []struct {
		name  string
		bytes int
	}{{"L1", max(m.L1D, 32<<10) / 2}, {"L2", max(m.L2, 1<<20) / 2}, {levelBig, big}} {
		n := lv.bytes / 8 // two float32 buffers
		x, y := asm.Aligned(n), asm.Aligned(n)
		for i := range x {
			x[i] = 1
		}
		name, note := fmt.Sprintf("%s %d KiB", lv.name, lv.bytes>>10), fmt.Sprintf("%d floats per buffer", n)
		r.measureWork([]*side{
			{row: Row{Group: "memory", Name: "axpy " + name, Impl: "entrena/" + r.best(), Path: r.best(), Threads: 1, Unit: "GB/s", Note: note + ", 12 B/elem"},
				per: float64(12*n) / 1e9, bench: onPath(r.best(), func() error { return asm.Axpy(1e-9, x, y) })},
			{row: Row{Group: "memory", Name: "copy " + name, Impl: "go-copy", Threads: 1, Unit: "GB/s", Note: note + ", 8 B/elem"},
				per: float64(8*n) / 1e9, bench: onPath(r.best(), func() error { copy(y, x); return nil })},
		}, 0)
	}
}
