package core

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/internal/phase"
)

// TestTinyStepMatchesGEMMPath: TrainStep on the loops of tiny networks (the
// fused plain-SGD step, and the gradient loops before another optimizer's
// pass) computes what the GEMM path computes, to rounding: every hidden
// activation, every output and loss, every optimizer, with weight decay and
// dropout, at batches of 4 (one group of four rows), 7 (a group and three
// single rows) and 8 (two groups).
func TestTinyStepMatchesGEMMPath(t *testing.T) {
	type head struct {
		act  Activation
		loss Loss
	}
	var runs, moved int
	heads := []head{{Sigmoid, MSE}, {Sigmoid, BinaryCrossEntropy}, {Softmax, CategoricalCrossEntropy}, {Linear, MSE}, {Tanh, MSE}, {ReLU, MSE}}
	for _, hidden := range []Activation{Sigmoid, Tanh, ReLU, Linear} {
		for _, h := range heads {
			for _, opt := range []OptimizerKind{SGD, Momentum, RMSprop, Adam} {
				for _, reg := range []struct{ l2, dropout float32 }{{0, 0}, {1e-3, 0}, {0, 0.25}} {
					for _, batch := range []int{4, 7, 8} {
						name := fmt.Sprintf("%v/%v-%v/%v/l2=%v/dropout=%v/batch=%d", hidden, h.act, h.loss, opt, reg.l2, reg.dropout, batch)
						spec := Spec{Inputs: 3, Layers: []Layer{
							{Units: 9, Activation: hidden, L2: reg.l2, Dropout: reg.dropout},
							{Units: 5, Activation: hidden, L2: reg.l2},
							{Units: 3, Activation: h.act, L2: reg.l2}},
							Loss: h.loss, Optimizer: Optimizer{Kind: opt, LearningRate: 0.01}, MaxBatch: 8, Seed: 5, Threads: 1}
						x, y := blobs(6, batch, 3, 3)
						run := func(tiny bool) (costs, params []float32) {
							old := tinyEnabled
							tinyEnabled = tiny
							defer func() { tinyEnabled = old }()
							n, err := New(spec)
							require.NoError(t, err, name)
							defer n.Close()
							require.Equal(t, tiny, n.useTiny(batch), name)
							for range 5 {
								c, err := n.TrainStep(x, y, batch)
								require.NoError(t, err, name)
								costs = append(costs, c)
							}
							params = make([]float32, n.ParamCount())
							_, _ = n.CopyParams(params)
							return costs, params
						}
						tc, tp := run(true)
						gc, gp := run(false)
						requireClose(t, gc, tc, name+": costs")
						requireClose(t, gp, tp, name+": parameters")
						init, err := New(spec)
						require.NoError(t, err)
						p0 := make([]float32, init.ParamCount())
						_, _ = init.CopyParams(p0)
						init.Close()
						if !slices.Equal(p0, tp) {
							moved++
						} else {
							t.Logf("%s: the steps changed nothing", name)
						}
						runs++
					}
				}
			}
		}
	}
	// ReLU layers can start dead at this size; the rest must train.
	require.Greater(t, moved, runs*9/10, "runs that changed the parameters")
}

// requireClose compares two runs' values to rounding: 1e-4 absolute, or
// relative for values above 1 (linear networks' costs grow large).
func requireClose(t *testing.T, want, got []float32, msg string) {
	t.Helper()
	require.Len(t, got, len(want), msg)
	for i, w := range want {
		if d := math.Abs(float64(got[i]) - float64(w)); !(d <= 1e-4*max(1, math.Abs(float64(w)))) {
			t.Fatalf("%s: value %d is %v, want %v", msg, i, got[i], w)
		}
	}
}

// TestTinyStepLargeFiniteValues: the fused step's finiteness checks sum
// what they check, so finite values near MaxFloat32 can make a sum overflow
// where nothing is NaN or ±Inf; such a step must look closer and go on, not
// report an input or a divergence.
func TestTinyStepLargeFiniteValues(t *testing.T) {
	n := xorNet(t, 1, 0.5)
	w, b, err := n.Weights(0)
	require.NoError(t, err)
	// Hidden unit 0 reads only input 0 (zero in every sample below) and
	// saturates: its weight and bias are unchanged by a step, and with
	// unit 1's bias they overflow both the first layer's and the update's
	// sums.
	w[0], w[1], b[0], b[1] = 3e38, 0, 3e38, 3e38
	w[2], w[3] = 0, 0
	x := []float32{0, 0, 0, 1, 0, 0.5, 0, 1}
	y := []float32{0, 1, 1, 0}
	before := make([]float32, n.ParamCount())
	_, _ = n.CopyParams(before)
	cost, err := n.TrainStep(x, y, 4)
	require.NoError(t, err)
	require.False(t, math.IsNaN(float64(cost)) || math.IsInf(float64(cost), 0))
	after := make([]float32, n.ParamCount())
	_, _ = n.CopyParams(after)
	require.NotEqual(t, before, after, "the step was applied")
	for i, v := range after {
		require.False(t, math.IsNaN(float64(v)) || math.IsInf(float64(v), 0), "param %d is %v", i, v)
	}
	require.Equal(t, int64(1), n.steps.total)
}

// TestTinyStepPhases: built with -tags entrena_phases, the fused step of a
// tiny three-layer network marks each of its phases once per layer it runs
// in (the delta product and the bias gradient are inside the weight pass,
// the commit of the update is the guard's snapshot mark), and costs no
// allocation; without the tag nothing is counted. On the assembly kernel
// the whole step is one weight-product mark and the commit one snapshot
// mark.
func TestTinyStepPhases(t *testing.T) {
	n, err := New(Spec{Inputs: 3, Layers: []Layer{{Units: 8, Activation: Sigmoid}, {Units: 6, Activation: Tanh}, {Units: 2, Activation: Sigmoid}}, Loss: MSE,
		Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: 4, Seed: 1, Threads: 1})
	require.NoError(t, err)
	defer n.Close()
	x, y := blobs(1, 4, 3, 2)
	if asm.TinySGDAvailable() {
		phase.Reset()
		_, err = n.TrainStep(x, y, 4)
		require.NoError(t, err)
		got := phase.Read()
		for id := range phase.Count {
			var w int64
			if phase.Enabled && (id == phase.WeightProduct || id == phase.Snapshot) {
				w = 1
			}
			require.Equal(t, w, got.Phase[id].Marks, "kernel: %v", id)
		}
	}
	withTinyKernel(t, false)
	require.True(t, n.tinySGD(4))
	phase.Reset()
	_, err = n.TrainStep(x, y, 4)
	require.NoError(t, err)
	got := phase.Read()
	want := map[phase.ID]int64{phase.Check: 1, phase.ForwardProduct: 3, phase.BiasActivation: 3, phase.Loss: 1,
		phase.WeightProduct: 3, phase.Derivative: 2, phase.Snapshot: 1}
	for id := range phase.Count {
		w := want[id]
		if !phase.Enabled {
			w = 0
		}
		require.Equal(t, w, got.Phase[id].Marks, "%v", id)
	}
	require.Zero(t, testing.AllocsPerRun(10, func() { _, _ = n.TrainStep(x, y, 4) }))
	// Fit's steps allocate nothing either: twenty epochs cost what one does.
	_, err = n.Fit(x, y, 4, FitOptions{Epochs: 2, BatchSize: 4})
	require.NoError(t, err)
	one := testing.AllocsPerRun(10, func() { _, _ = n.Fit(x, y, 4, FitOptions{Epochs: 1, BatchSize: 4}) })
	twenty := testing.AllocsPerRun(10, func() { _, _ = n.Fit(x, y, 4, FitOptions{Epochs: 20, BatchSize: 4}) })
	require.Equal(t, one, twenty)
}
