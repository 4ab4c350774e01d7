package core

import (
	"fmt"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// refPenalty is Σ_l λ_l·Σw² in float64 over the flat parameters.
func refPenalty(s Spec, params []float64) float64 {
	var p float64
	off, in := 0, s.Inputs
	for _, l := range s.Layers {
		for _, w := range params[off : off+l.Units*in] {
			p += float64(l.L2) * w * w
		}
		off += l.Units*in + l.Units
		in = l.Units
	}
	return p
}

// l2Spec is a small network with weight decay on two of its layers.
func l2Spec(kind OptimizerKind, lr float32) Spec {
	return Spec{Inputs: 40, Layers: []Layer{
		{Units: 48, Activation: Tanh, L2: 1e-2},
		{Units: 33, Activation: ReLU},
		{Units: 5, Activation: Softmax, L2: 3e-3},
	}, Loss: CategoricalCrossEntropy, Optimizer: Optimizer{Kind: kind, LearningRate: lr}, MaxBatch: 64, Seed: 3, Threads: 1}
}

// TestL2GradientCheck: with weight decay the loss is the data loss plus
// λ·Σw² (weights only), and backprop's gradients are its finite
// differences, on the loop path of tiny networks and on the GEMM path.
func TestL2GradientCheck(t *testing.T) {
	for _, tiny := range []bool{true, false} {
		t.Run(fmt.Sprintf("tiny=%v", tiny), func(t *testing.T) {
			old := tinyEnabled
			tinyEnabled = tiny
			defer func() { tinyEnabled = old }()
			spec := Spec{Inputs: 5, Layers: []Layer{{Units: 7, Activation: Tanh, L2: 0.05}, {Units: 6, Activation: Sigmoid}, {Units: 3, Activation: Softmax, L2: 0.2}},
				Loss: CategoricalCrossEntropy, Optimizer: Optimizer{Kind: Adam, LearningRate: 0.1}, MaxBatch: 8, Seed: 11}
			n, err := New(spec)
			require.NoError(t, err)
			const batch = 4
			x, y := blobs(4, batch, 5, 3)
			cost, err := n.gradients(x, y, batch)
			require.NoError(t, err)
			p64, analytic := paramsAndGradients(t, n)
			ref := func() float64 { return refCost(spec, p64, x, y, batch) + refPenalty(spec, p64) }
			require.InDelta(t, ref(), float64(cost), 1e-5)
			require.Greater(t, refPenalty(spec, p64), 1e-3, "the penalty must matter here")
			requireFiniteDifferences(t, p64, analytic, ref)
		})
	}
}

// TestFusedSGDWithL2: fused SGD's decay (the weight product's beta,
// 1 − 2·lr·λ) is the step the optimizer pass takes on the decayed
// gradient, within 1e-6 over several steps, and differs from a step
// without decay.
func TestFusedSGDWithL2(t *testing.T) {
	spec := l2Spec(SGD, 0.3)
	fused, err := New(spec)
	require.NoError(t, err)
	plain, err := New(spec)
	require.NoError(t, err)
	noDecay := spec
	noDecay.Layers = []Layer{{Units: 48, Activation: Tanh}, {Units: 33, Activation: ReLU}, {Units: 5, Activation: Softmax}}
	free, err := New(noDecay)
	require.NoError(t, err)
	require.True(t, fused.fusedSGD())
	x, y := blobs(5, 64, 40, 5)
	for step := 0; step < 5; step++ {
		c1, err := fused.TrainStep(x, y, 64)
		require.NoError(t, err)
		c2, err := plain.gradients(x, y, 64)
		require.NoError(t, err)
		require.NoError(t, plain.update(64))
		require.InDelta(t, c2, c1, 1e-6)
		_, err = free.TrainStep(x, y, 64)
		require.NoError(t, err)
	}
	p1, p2, p3 := make([]float32, fused.ParamCount()), make([]float32, plain.ParamCount()), make([]float32, free.ParamCount())
	_, _ = fused.CopyParams(p1)
	_, _ = plain.CopyParams(p2)
	_, _ = free.CopyParams(p3)
	require.InDeltaSlice(t, p2, p1, 1e-6)
	var maxDiff float64
	for i := range p1 {
		maxDiff = max(maxDiff, math.Abs(float64(p1[i]-p3[i])))
	}
	require.Greater(t, maxDiff, 1e-3, "decay must change the weights")
}

// TestL2Loss: TrainStep, Fit's history and Evaluate report the data loss
// plus the penalty of the weights before the step, as Keras does.
func TestL2Loss(t *testing.T) {
	for _, kind := range []OptimizerKind{SGD, Adam} {
		spec := l2Spec(kind, 0.01)
		n, err := New(spec)
		require.NoError(t, err)
		x, y := blobs(6, 64, 40, 5)
		params := make([]float32, n.ParamCount())
		_, _ = n.CopyParams(params)
		p64 := make([]float64, len(params))
		for i, v := range params {
			p64[i] = float64(v)
		}
		want := refCost(spec, p64, x, y, 64) + refPenalty(spec, p64)
		eval, _, err := n.Evaluate(x, y, 64)
		require.NoError(t, err)
		require.InDelta(t, want, float64(eval), 1e-5)
		cost, err := n.TrainStep(x, y, 64)
		require.NoError(t, err)
		require.InDelta(t, want, float64(cost), 1e-5, "%s", kind)

		// The epoch's loss is its one step's, from the weights before it.
		_, _ = n.CopyParams(params)
		for i, v := range params {
			p64[i] = float64(v)
		}
		h, err := n.Fit(x, y, 64, FitOptions{Epochs: 1, BatchSize: 64})
		require.NoError(t, err)
		require.InDelta(t, refCost(spec, p64, x, y, 64)+refPenalty(spec, p64), float64(h.Cost[0]), 1e-5)
	}
}

// TestL2Validation: a negative, NaN or infinite coefficient is an ErrSpec
// naming the layer.
func TestL2Validation(t *testing.T) {
	for _, v := range []float32{-1e-3, float32(math.NaN()), float32(math.Inf(1))} {
		s := l2Spec(SGD, 0.1)
		s.Layers[1].L2 = v
		_, err := New(s)
		require.ErrorIs(t, err, ErrSpec)
		require.ErrorContains(t, err, "layer 2: l2 must be non-negative and finite")
	}
}

// TestRegularizedStepAllocs: weight decay, dropout and RMSprop keep the
// training step, Predict and Evaluate free of allocations, on the GEMM
// path with several threads and on the tiny path.
func TestRegularizedStepAllocs(t *testing.T) {
	for _, kind := range []OptimizerKind{SGD, Adam, RMSprop} {
		for _, s := range []Spec{
			{Inputs: 20, Layers: []Layer{{Units: 33, Activation: Sigmoid, L2: 1e-3, Dropout: 0.3}, {Units: 17, Activation: ReLU, Dropout: 0.5}, {Units: 5, Activation: Softmax, L2: 1e-4}},
				Loss: CategoricalCrossEntropy, MaxBatch: 64, Seed: 1, Threads: 2},
			{Inputs: 4, Layers: []Layer{{Units: 8, Activation: Tanh, L2: 1e-3, Dropout: 0.2}, {Units: 3, Activation: Softmax}},
				Loss: CategoricalCrossEntropy, MaxBatch: 16, Seed: 1, Threads: 1},
		} {
			s.Optimizer = Optimizer{Kind: kind, LearningRate: 0.01}
			n, err := New(s)
			require.NoError(t, err)
			b := s.MaxBatch
			x, y := blobs(1, b, s.Inputs, 5)
			if s.Inputs == 4 {
				x, y = blobs(1, b, 4, 3)
			}
			out := make([]float32, b*s.Outputs())
			require.Zero(t, testing.AllocsPerRun(20, func() {
				if _, err := n.TrainStep(x, y, b); err != nil {
					t.Fatal(err)
				}
				if _, err := n.TrainStep(x, y, b-3); err != nil {
					t.Fatal(err)
				}
				if err := n.Predict(x, b, out); err != nil {
					t.Fatal(err)
				}
				if _, _, err := n.Evaluate(x, y, b); err != nil {
					t.Fatal(err)
				}
			}), "%s inputs %d", kind, s.Inputs)
			n.Close()
		}
	}
}

// BenchmarkRegularizationOverhead times training steps of 784-128-64-10
// (batch 32, one thread) with weight decay, with dropout and with RMSprop
// against plain SGD, in interleaved rounds so that load from other
// processes falls on both sides alike; it reports each one's median time
// ratio to plain SGD.
func BenchmarkRegularizationOverhead(b *testing.B) {
	const batch, steps = 32, 50
	x, y := benchData(batch)
	variants := map[string]func(*Spec){
		"plain":   func(*Spec) {},
		"l2":      func(s *Spec) { s.Layers[0].L2, s.Layers[1].L2, s.Layers[2].L2 = 1e-4, 1e-4, 1e-4 },
		"dropout": func(s *Spec) { s.Layers[0].Dropout, s.Layers[1].Dropout = 0.2, 0.2 },
		"rmsprop": func(s *Spec) { s.Optimizer = Optimizer{Kind: RMSprop, LearningRate: 1e-3} },
		"adam":    func(s *Spec) { s.Optimizer = Optimizer{Kind: Adam, LearningRate: 1e-3} },
	}
	names := []string{"plain", "l2", "dropout", "rmsprop", "adam"}
	nets := map[string]*Network{}
	for _, name := range names {
		s := mnistShape(batch, 1)
		variants[name](&s)
		n, err := New(s)
		if err != nil {
			b.Fatal(err)
		}
		defer n.Close()
		nets[name] = n
	}
	ratios := map[string][]float64{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		times := map[string]time.Duration{}
		for _, name := range names {
			start := time.Now()
			for k := 0; k < steps; k++ {
				if _, err := nets[name].TrainStep(x, y, batch); err != nil {
					b.Fatal(err)
				}
			}
			times[name] = time.Since(start)
		}
		for _, name := range names[1:] {
			ratios[name] = append(ratios[name], float64(times[name])/float64(times["plain"]))
		}
	}
	for _, name := range names[1:] {
		r := ratios[name]
		sort.Float64s(r)
		b.ReportMetric(r[len(r)/2], name+"/plain")
	}
}
