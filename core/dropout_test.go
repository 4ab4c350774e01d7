package core

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDropoutGradientCheck: with dropout, backprop's gradients are the
// finite differences of the loss of the network with the step's mask
// applied, for every hidden activation, on the loop and GEMM paths.
func TestDropoutGradientCheck(t *testing.T) {
	for _, tiny := range []bool{true, false} {
		for _, act := range []Activation{Sigmoid, Tanh, ReLU, Linear} {
			t.Run(fmt.Sprintf("tiny=%v/%s", tiny, act), func(t *testing.T) {
				old := tinyEnabled
				tinyEnabled = tiny
				defer func() { tinyEnabled = old }()
				spec := Spec{Inputs: 5, Layers: []Layer{{Units: 7, Activation: act, Dropout: 0.4}, {Units: 6, Activation: act, Dropout: 0.25}, {Units: 3, Activation: Linear}},
					Loss: MSE, Optimizer: Optimizer{Kind: Adam, LearningRate: 0.1}, MaxBatch: 8, Seed: 2}
				n, err := New(spec)
				require.NoError(t, err)
				const batch = 6
				x, y := blobs(8, batch, 5, 3)
				r := newTestRand(3)
				for i := range n.params {
					n.params[i] += float32(r.NormFloat64() * 0.05)
				}
				n.zeroPadding()
				cost, err := n.gradients(x, y, batch)
				require.NoError(t, err)
				masks := [][]float32{n.layers[0].mask[:batch*7], n.layers[1].mask[:batch*6], nil}
				dropped := 0
				for _, m := range masks[:2] {
					for _, v := range m {
						if v == 0 {
							dropped++
						}
					}
				}
				require.Greater(t, dropped, 5, "some units must be dropped")
				p64, analytic := paramsAndGradients(t, n)
				ref := func() float64 { return refCostMasked(spec, p64, x, y, batch, masks) }
				require.InDelta(t, ref(), float64(cost), 1e-5)
				requireFiniteDifferences(t, p64, analytic, ref)
			})
		}
	}
}

// TestDropoutMask: a mask keeps about 1−rate of the outputs, scaled by
// 1/(1−rate); it changes from step to step and is the same for the same
// seed and step.
func TestDropoutMask(t *testing.T) {
	spec := Spec{Inputs: 10, Layers: []Layer{{Units: 500, Activation: ReLU, Dropout: 0.3}, {Units: 2, Activation: Softmax}},
		Loss: CategoricalCrossEntropy, Optimizer: Optimizer{Kind: SGD, LearningRate: 0.01}, MaxBatch: 64, Seed: 9}
	n, err := New(spec)
	require.NoError(t, err)
	x, y := blobs(2, 64, 10, 2)
	_, err = n.gradients(x, y, 64)
	require.NoError(t, err)
	first := append([]float32(nil), n.layers[0].mask[:64*500]...)
	kept := 0
	for _, v := range first {
		if v != 0 {
			require.Equal(t, float32(1/0.7), v)
			kept++
		}
	}
	require.InDelta(t, 0.7, float64(kept)/float64(len(first)), 0.01)
	_, err = n.gradients(x, y, 64) // no step taken: the same mask
	require.NoError(t, err)
	require.Equal(t, first, n.layers[0].mask[:64*500])
	_, err = n.TrainStep(x, y, 64)
	require.NoError(t, err)
	_, err = n.gradients(x, y, 64)
	require.NoError(t, err)
	require.NotEqual(t, first, n.layers[0].mask[:64*500], "the next step draws a new mask")

	other, err := New(spec)
	require.NoError(t, err)
	_, err = other.gradients(x, y, 64)
	require.NoError(t, err)
	require.Equal(t, first, other.layers[0].mask[:64*500], "same seed, same step: same mask")
}

// TestDropoutIdentityAtPredict: Predict and Evaluate of a network with
// dropout equal those of the same network without it.
func TestDropoutIdentityAtPredict(t *testing.T) {
	spec := Spec{Inputs: 10, Layers: []Layer{{Units: 40, Activation: Sigmoid, Dropout: 0.5}, {Units: 3, Activation: Softmax}},
		Loss: CategoricalCrossEntropy, Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: 32, Seed: 4}
	with, err := New(spec)
	require.NoError(t, err)
	x, y := blobs(3, 100, 10, 3)
	_, err = with.Fit(x, y, 100, FitOptions{Epochs: 2, BatchSize: 32, Shuffle: true})
	require.NoError(t, err)
	plainSpec := spec
	plainSpec.Layers = []Layer{{Units: 40, Activation: Sigmoid}, {Units: 3, Activation: Softmax}}
	without, err := New(plainSpec)
	require.NoError(t, err)
	p := make([]float32, with.ParamCount())
	_, _ = with.CopyParams(p)
	require.NoError(t, without.SetParams(p))
	o1, o2 := make([]float32, 300), make([]float32, 300)
	require.NoError(t, with.Predict(x, 100, o1))
	require.NoError(t, without.Predict(x, 100, o2))
	require.Equal(t, o2, o1)
	l1, a1, err := with.Evaluate(x, y, 100)
	require.NoError(t, err)
	l2, a2, err := without.Evaluate(x, y, 100)
	require.NoError(t, err)
	require.Equal(t, l2, l1)
	require.Equal(t, a2, a1)
	pr, err := with.NewPredictor(32)
	require.NoError(t, err)
	require.NoError(t, pr.Predict(x, 100, o1))
	require.Equal(t, o2, o1)
}

// TestDropoutThreadsAgree: a run with dropout, weight decay and RMSprop
// gives the same bits on 1 and 2 threads, and the same bits again.
func TestDropoutThreadsAgree(t *testing.T) {
	x, y := blobs(7, 600, 64, 4)
	train := func(threads int) []float32 {
		n, err := New(Spec{Inputs: 64, Layers: []Layer{{Units: 256, Activation: ReLU, Dropout: 0.2, L2: 1e-4}, {Units: 128, Activation: Tanh, Dropout: 0.5}, {Units: 4, Activation: Softmax, L2: 1e-3}},
			Loss: CategoricalCrossEntropy, Optimizer: Optimizer{Kind: RMSprop, LearningRate: 1e-3}, MaxBatch: 128, Seed: 5, Threads: threads})
		require.NoError(t, err)
		_, err = n.Fit(x, y, 600, FitOptions{Epochs: 2, BatchSize: 128, Shuffle: true})
		require.NoError(t, err)
		p := make([]float32, n.ParamCount())
		_, _ = n.CopyParams(p)
		return p
	}
	a, b, c := train(1), train(2), train(1)
	for i := range a {
		require.Equal(t, math.Float32bits(a[i]), math.Float32bits(b[i]), "param %d, 1 vs 2 threads", i)
		require.Equal(t, math.Float32bits(a[i]), math.Float32bits(c[i]), "param %d, run to run", i)
	}
}

// TestDropoutLearns: a network with dropout still learns a separable
// problem.
func TestDropoutLearns(t *testing.T) {
	x, y := blobs(3, 200, 6, 3)
	n, err := New(Spec{Inputs: 6, Layers: []Layer{{Units: 32, Activation: ReLU, Dropout: 0.3}, {Units: 3, Activation: Softmax}},
		Loss: CategoricalCrossEntropy, Optimizer: Optimizer{Kind: Adam, LearningRate: 0.01}, MaxBatch: 32, Seed: 7})
	require.NoError(t, err)
	_, err = n.Fit(x, y, 200, FitOptions{Epochs: 30, BatchSize: 20, Shuffle: true})
	require.NoError(t, err)
	_, acc, err := n.Evaluate(x, y, 200)
	require.NoError(t, err)
	require.Greater(t, acc, float32(0.9))
}

// TestDropoutValidation: a rate outside [0, 1) or on the output layer is
// an ErrSpec that says so.
func TestDropoutValidation(t *testing.T) {
	base := Spec{Inputs: 3, Layers: []Layer{{Units: 4, Activation: ReLU}, {Units: 2, Activation: Softmax}},
		Loss: CategoricalCrossEntropy, Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: 4}
	for name, c := range map[string]struct {
		layer int
		rate  float32
		msg   string
	}{
		"one":      {0, 1, "layer 1: dropout rate must be in [0, 1), got 1"},
		"negative": {0, -0.1, "dropout rate must be in [0, 1)"},
		"nan":      {0, float32(math.NaN()), "dropout rate must be in [0, 1)"},
		"output":   {1, 0.5, "layer 2: dropout is only allowed after a hidden layer"},
	} {
		s := base
		s.Layers = append([]Layer(nil), base.Layers...)
		s.Layers[c.layer].Dropout = c.rate
		_, err := New(s)
		require.ErrorIs(t, err, ErrSpec, name)
		require.ErrorContains(t, err, c.msg, name)
	}
}
