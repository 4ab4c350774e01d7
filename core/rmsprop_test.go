package core

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRMSpropMatchesReference: RMSprop's steps equal a float64 reference
// of Keras's rule (v = ρv + (1−ρ)g²; w −= lr·g/√(v+ε)) applied to the same
// gradients, on the flat pass split over threads or not.
func TestRMSpropMatchesReference(t *testing.T) {
	for _, threads := range []int{1, 2} {
		spec := Spec{Inputs: 30, Layers: []Layer{{Units: 700, Activation: Tanh}, {Units: 4, Activation: Softmax}}, Loss: CategoricalCrossEntropy,
			Optimizer: Optimizer{Kind: RMSprop, LearningRate: 0.01}, MaxBatch: 64, Seed: 3, Threads: threads}
		n, err := New(spec)
		require.NoError(t, err)
		require.Equal(t, float32(0.9), n.Spec().Optimizer.Rho, "Keras's default rho")
		require.Equal(t, float32(1e-7), n.Spec().Optimizer.Epsilon, "Keras's default epsilon")
		x, y := blobs(2, 64, 30, 4)
		w := make([]float64, len(n.params))
		for i, v := range n.params {
			w[i] = float64(v)
		}
		v := make([]float64, len(w))
		const rho, eps, lr = 0.9, float64(float32(1e-7)), float64(float32(0.01))
		for step := 0; step < 4; step++ {
			_, err := n.gradients(x, y, 64)
			require.NoError(t, err)
			for i, g32 := range n.grads {
				g := float64(g32)
				v[i] = rho*v[i] + (1-rho)*g*g
				w[i] -= lr * g / math.Sqrt(v[i]+eps)
			}
			require.NoError(t, n.update(64))
			for i, p := range n.params {
				require.InDelta(t, w[i], float64(p), 1e-6, "step %d param %d", step, i)
				require.InDelta(t, v[i], float64(n.opt1[i]), 1e-6*math.Max(1, v[i]), "step %d mean square %d", step, i)
			}
			// Continue from the network's own parameters (its gradients).
			for i, p := range n.params {
				w[i] = float64(p)
			}
		}
		n.Close()
	}
}

// TestRMSpropSpec: rho is RMSprop's alone, an explicit 0 epsilon is
// refused for RMSprop and Adam (a zero gradient would give 0/0), and the
// name parses.
func TestRMSpropSpec(t *testing.T) {
	s := Spec{Inputs: 2, Layers: []Layer{{Units: 1, Activation: Sigmoid}}, Loss: MSE, MaxBatch: 4}
	s.Optimizer = Optimizer{Kind: Adam, LearningRate: 0.1, Rho: 0.5}
	_, err := New(s)
	require.ErrorContains(t, err, "rho 0.5 is only used by the rmsprop optimizer")
	s.Optimizer = Optimizer{Kind: RMSprop, LearningRate: 0.1, Epsilon: ExplicitZero()}
	_, err = New(s)
	require.ErrorContains(t, err, "epsilon must be positive")
	// Adam divides by √v+ε alike: refused at New, not an ErrDiverged at
	// every step.
	s.Optimizer = Optimizer{Kind: Adam, LearningRate: 0.1, Epsilon: ExplicitZero()}
	_, err = New(s)
	require.ErrorIs(t, err, ErrSpec)
	require.ErrorContains(t, err, "adam's epsilon must be positive")
	s.Optimizer = Optimizer{Kind: RMSprop, LearningRate: 0.1, Rho: 1}
	_, err = New(s)
	require.ErrorContains(t, err, "rho must be in [0, 1)")
	s.Optimizer = Optimizer{Kind: RMSprop, LearningRate: 0.1, Beta1: 0.9}
	_, err = New(s)
	require.ErrorContains(t, err, "only used by the adam optimizer")
	s.Optimizer = Optimizer{Kind: RMSprop, LearningRate: 0.1, Rho: ExplicitZero(), Epsilon: 1e-3}
	n, err := New(s)
	require.NoError(t, err)
	require.True(t, math.Signbit(float64(n.Spec().Optimizer.Rho)))
	k, err := ParseOptimizer("rmsprop")
	require.NoError(t, err)
	require.Equal(t, RMSprop, k)
}

// TestRMSpropGuard: TrainStep's bounds path and its copy path agree on an
// RMSprop step, and a step the bounds cannot prove is still guarded.
func TestRMSpropGuard(t *testing.T) {
	spec := Spec{Inputs: 30, Layers: []Layer{{Units: 64, Activation: ReLU}, {Units: 4, Activation: Softmax}}, Loss: CategoricalCrossEntropy,
		Optimizer: Optimizer{Kind: RMSprop, LearningRate: 0.01}, MaxBatch: 64, Seed: 3, Threads: 1}
	x, y := blobs(2, 64, 30, 4)
	run := func(mode int) []float32 {
		old := guardMode
		guardMode = mode
		defer func() { guardMode = old }()
		n, err := New(spec)
		require.NoError(t, err)
		for i := 0; i < 5; i++ {
			_, err := n.TrainStep(x, y, 64)
			require.NoError(t, err)
		}
		if mode == guardBounds {
			_, ok := n.updateBound(64, n.norm(x))
			require.True(t, ok, "the bound holds on a sane step")
		}
		p := make([]float32, n.ParamCount())
		_, _ = n.CopyParams(p)
		return p
	}
	require.Equal(t, run(guardExact), run(guardBounds))
}
