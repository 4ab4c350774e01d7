package core

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/v1tr0/entrena/asm"
)

// withTinyKernel runs the fused tiny steps on the kernel (on) or on
// tinySGDStep's loops for the rest of the test.
func withTinyKernel(t testing.TB, on bool) {
	old := tinyKernelEnabled
	tinyKernelEnabled = on
	t.Cleanup(func() { tinyKernelEnabled = old })
}

// randomKernelSpec is a network of the kernel's class: input and layers 1
// to 8 wide, one to three layers of any of its activations, MSE, plain SGD.
func randomKernelSpec(r *rand.Rand) Spec {
	acts := []Activation{Sigmoid, Tanh, ReLU, Linear}
	s := Spec{Inputs: 1 + r.IntN(8), Loss: MSE, Optimizer: Optimizer{Kind: SGD, LearningRate: float32(0.01 + 0.1*r.Float64())},
		MaxBatch: 1 + r.IntN(8), Seed: r.Uint64(), Threads: 1}
	for range 1 + r.IntN(3) {
		s.Layers = append(s.Layers, Layer{Units: 1 + r.IntN(8), Activation: acts[r.IntN(len(acts))]})
	}
	return s
}

// TestTinyKernelMatchesLoops: on a path with the kernel, TrainStep and Fit
// on the kernel compute what tinySGDStep's loops compute, to rounding (the
// kernel rounds with FMAs and in its own order; requireClose's 1e-4 after
// five steps), for random networks of the class at every batch up to their
// MaxBatch, with x and y read from misaligned places. On a path without
// the kernel (ENTRENA_KERNELS=generic) nothing changes: the loops run.
func TestTinyKernelMatchesLoops(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(7, 7))
		for range 60 {
			spec := randomKernelSpec(r)
			batch := 1 + r.IntN(spec.MaxBatch)
			off := r.IntN(8)
			xs := make([]float32, batch*spec.Inputs)
			ys := make([]float32, batch*spec.Layers[len(spec.Layers)-1].Units)
			for i := range xs {
				xs[i] = 2*r.Float32() - 1
			}
			for i := range ys {
				ys[i] = r.Float32()
			}
			x := append(make([]float32, off), xs...)[off:]
			y := append(make([]float32, off+1), ys...)[off+1:]
			name := fmt.Sprintf("%s: %v batch %d", asm.Active(), spec, batch)
			run := func(kernel bool) (costs, params []float32) {
				withTinyKernel(t, kernel)
				probe, err := New(spec)
				require.NoError(t, err, name)
				_, ran, err := probe.tinyKernelStep(x, y, batch, true, 0)
				require.NoError(t, err, name)
				require.Equal(t, kernel && asm.TinySGDAvailable(), ran, name)
				probe.Close()
				n, err := New(spec)
				require.NoError(t, err, name)
				defer n.Close()
				for range 4 {
					c, err := n.TrainStep(x, y, batch)
					require.NoError(t, err, name)
					costs = append(costs, c)
				}
				h, err := n.Fit(x, y, batch, FitOptions{Epochs: 3, BatchSize: batch})
				require.NoError(t, err, name)
				costs = append(costs, h.Cost...)
				params = make([]float32, n.ParamCount())
				_, _ = n.CopyParams(params)
				return costs, params
			}
			kc, kp := run(true)
			lc, lp := run(false)
			if !asm.TinySGDAvailable() {
				require.Equal(t, lc, kc, name)
				require.Equal(t, lp, kp, name)
				continue
			}
			requireClose(t, lc, kc, name+": costs")
			requireClose(t, lp, kp, name+": parameters")
		}
	})
}

// TestTinyKernelInClass: the networks the kernel takes, and those it
// leaves to the loops.
func TestTinyKernelInClass(t *testing.T) {
	base := Spec{Inputs: 2, Layers: []Layer{{Units: 8, Activation: Sigmoid}, {Units: 1, Activation: Sigmoid}}, Loss: MSE,
		Optimizer: Optimizer{Kind: SGD, LearningRate: 0.5}, MaxBatch: 16, Seed: 1}
	for name, c := range map[string]struct {
		change func(*Spec)
		in     bool
	}{
		"xor":           {func(*Spec) {}, true},
		"9 inputs":      {func(s *Spec) { s.Inputs = 9 }, false},
		"9 units":       {func(s *Spec) { s.Layers[0].Units = 9 }, false},
		"cross-entropy": {func(s *Spec) { s.Loss = BinaryCrossEntropy }, false},
		"momentum":      {func(s *Spec) { s.Optimizer.Kind = Momentum }, false},
		"weight decay":  {func(s *Spec) { s.Layers[0].L2 = 1e-3 }, false},
		"dropout":       {func(s *Spec) { s.Layers[0].Dropout = 0.1 }, false},
		"softmax": {func(s *Spec) {
			s.Layers[1] = Layer{Units: 2, Activation: Softmax}
			s.Loss = CategoricalCrossEntropy
		}, false},
	} {
		s := base
		s.Layers = append([]Layer(nil), base.Layers...)
		c.change(&s)
		n, err := New(s)
		require.NoError(t, err, name)
		require.Equal(t, c.in, n.tinyKernel.aside != nil && n.tinyKernel.inPlace != nil, name)
		if c.in && asm.TinySGDAvailable() {
			x := make([]float32, 32)
			y := make([]float32, 16)
			for _, b := range []int{1, 8} {
				_, ran, _ := n.tinyKernelStep(x, y, b, true, 0)
				require.True(t, ran, "%s: batch %d", name, b)
			}
			_, ran, _ := n.tinyKernelStep(x, y, 9, true, 0)
			require.False(t, ran, "%s: batch 9 is the loops'", name)
		}
		n.Close()
	}
}

// TestTinyKernelBadStepsChangeNothing: on the kernel, a NaN or ±Inf input
// or target is named, a cost or an update that overflows is ErrDiverged,
// and each leaves the network bit for bit as it was; the next good step
// gives what a network that never saw the bad one gives.
func TestTinyKernelBadStepsChangeNothing(t *testing.T) {
	if !asm.TinySGDAvailable() {
		t.Skip("no tiny kernel on this path")
	}
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for name, c := range map[string]struct {
		prepare func(n *Network, x, y []float32)
		want    []error
		text    string
	}{
		"NaN input":  {func(n *Network, x, y []float32) { x[5] = nan }, []error{ErrData}, "input 5 (sample 2, feature 1) is NaN"},
		"-Inf input": {func(n *Network, x, y []float32) { x[0] = -inf }, []error{ErrData}, "input 0 (sample 0, feature 0) is -Inf"},
		"Inf target": {func(n *Network, x, y []float32) { y[3] = inf }, []error{ErrData}, "target 3 (sample 3, output 0) is +Inf"},
		"NaN target": {func(n *Network, x, y []float32) { y[1] = nan }, []error{ErrData}, "target 1 (sample 1, output 0) is NaN"},
		"cost":       {func(n *Network, x, y []float32) { y[0] = 3e38 }, []error{ErrData, ErrDiverged}, "as it was before the step"},
		"update": {func(n *Network, x, y []float32) {
			require.NoError(t, n.SetLearningRate(3e38))
			for i := range y {
				y[i] = 1000 // a large δ: the update overflows
			}
		}, []error{ErrData, ErrDiverged}, "as it was before the step"},
	} {
		n := xorNet(t, 3, 0.5)
		twin := xorNet(t, 3, 0.5)
		x, y := append([]float32(nil), xorX...), append([]float32(nil), xorY...)
		_, err := n.TrainStep(x, y, 4)
		require.NoError(t, err)
		_, err = twin.TrainStep(x, y, 4)
		require.NoError(t, err)
		before := stateOf(n)
		c.prepare(n, x, y)
		cost, err := n.TrainStep(x, y, 4)
		for _, e := range c.want {
			require.ErrorIs(t, err, e, name)
		}
		require.ErrorContains(t, err, c.text, name)
		require.Zero(t, cost, name)
		requireSameBits(t, before, stateOf(n), name)
		require.NoError(t, n.SetLearningRate(0.5))
		c1, err1 := n.TrainStep(xorX, xorY, 4)
		c2, err2 := twin.TrainStep(xorX, xorY, 4)
		require.NoError(t, err1)
		require.NoError(t, err2)
		require.Equal(t, c2, c1, name)
		requireSameBits(t, stateOf(twin), stateOf(n), name)
		n.Close()
		twin.Close()
	}
}

// TestTinyKernelAllocs: the kernel's TrainStep and Fit allocate nothing.
func TestTinyKernelAllocs(t *testing.T) {
	n := xorNet(t, 1, 0.5)
	defer n.Close()
	require.Zero(t, testing.AllocsPerRun(100, func() { _, _ = n.TrainStep(xorX, xorY, 4) }))
	_, err := n.Fit(xorX, xorY, 4, FitOptions{Epochs: 2, BatchSize: 4})
	require.NoError(t, err)
	one := testing.AllocsPerRun(10, func() { _, _ = n.Fit(xorX, xorY, 4, FitOptions{Epochs: 1, BatchSize: 4}) })
	many := testing.AllocsPerRun(10, func() { _, _ = n.Fit(xorX, xorY, 4, FitOptions{Epochs: 50, BatchSize: 4}) })
	require.Equal(t, one, many)
}
