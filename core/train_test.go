package core

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
	"github.com/v1tr0/entrena/asm"
)

func xorNet(t testing.TB, seed uint64, lr float32) *Network {
	n, err := New(Spec{Inputs: 2, Layers: []Layer{{Units: 8, Activation: Sigmoid}, {Units: 1, Activation: Sigmoid}}, Loss: MSE,
		Optimizer: Optimizer{Kind: SGD, LearningRate: lr}, MaxBatch: 4, Seed: seed})
	require.NoError(t, err)
	return n
}

// TestXOR: the seed's sigmoid/MSE network learns XOR to a cost below 0.01.
func TestXOR(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		n := xorNet(t, 1, 2)
		h, err := n.Fit(xorX, xorY, 4, FitOptions{Epochs: 3000, BatchSize: 4})
		require.NoError(t, err)
		final := h.Cost[len(h.Cost)-1]
		require.Less(t, final, float32(0.01), "XOR cost after 3000 epochs")
		require.Less(t, final, h.Cost[0]/10, "cost must fall")
		out := make([]float32, 4)
		require.NoError(t, n.Predict(xorX, 4, out))
		for i, want := range xorY {
			require.InDelta(t, want, out[i], 0.2, "sample %d", i)
		}
		loss, acc, err := n.Evaluate(xorX, xorY, 4)
		require.NoError(t, err)
		require.Equal(t, float32(1), acc)
		require.Less(t, loss, float32(0.01))
	})
}

// TestOptimizersLearn: every optimizer and activation combination reduces
// the cost on a separable problem.
func TestOptimizersLearn(t *testing.T) {
	x, y := blobs(3, 200, 6, 3)
	for _, opt := range []Optimizer{
		{Kind: SGD, LearningRate: 0.5},
		{Kind: Momentum, LearningRate: 0.1},
		{Kind: Adam, LearningRate: 0.01},
		{Kind: RMSprop, LearningRate: 0.01},
	} {
		for _, out := range []struct {
			act  Activation
			loss Loss
		}{{Sigmoid, MSE}, {Softmax, CategoricalCrossEntropy}} {
			for _, hidden := range []Activation{Sigmoid, Tanh, ReLU} {
				n, err := New(Spec{Inputs: 6, Layers: []Layer{{Units: 16, Activation: hidden}, {Units: 3, Activation: out.act}}, Loss: out.loss,
					Optimizer: opt, MaxBatch: 32, Seed: 7})
				require.NoError(t, err)
				h, err := n.Fit(x, y, 200, FitOptions{Epochs: 30, BatchSize: 20, Shuffle: true})
				require.NoError(t, err)
				require.Less(t, h.Cost[len(h.Cost)-1], h.Cost[0]*0.7, "%s %s %s", opt.Kind, hidden, out.loss)
				_, acc, err := n.Evaluate(x, y, 200)
				require.NoError(t, err)
				require.Greater(t, acc, float32(0.9), "%s %s %s", opt.Kind, hidden, out.loss)
			}
		}
	}
}

// TestDeterminism: the same seed gives bit-identical weights on the same
// path, with shuffling; a different seed gives different weights.
func TestDeterminism(t *testing.T) {
	x, y := blobs(5, 300, 10, 4)
	train := func(seed uint64) []float32 {
		n, err := New(Spec{Inputs: 10, Layers: []Layer{{Units: 32, Activation: Sigmoid}, {Units: 4, Activation: Sigmoid}}, Loss: MSE,
			Optimizer: Optimizer{Kind: Adam, LearningRate: 0.01}, MaxBatch: 32, Seed: seed})
		require.NoError(t, err)
		_, err = n.Fit(x, y, 300, FitOptions{Epochs: 5, BatchSize: 32, Shuffle: true})
		require.NoError(t, err)
		p := make([]float32, n.ParamCount())
		_, err = n.CopyParams(p)
		require.NoError(t, err)
		return p
	}
	forEachPath(t, func(t *testing.T) {
		a, b := train(42), train(42)
		for i := range a {
			require.Equal(t, math.Float32bits(a[i]), math.Float32bits(b[i]), "param %d", i)
		}
		require.NotEqual(t, a, train(43))
	})
}

// TestPathsAgree: a full training run on every path ends within a small
// tolerance of the generic path (summation order differs between paths).
// The largest difference measured is 1.6e-6 (avx2 and avx512 on a Xeon,
// weights up to 1): 1e-4 leaves a 60× margin for other CPUs and paths
// while still catching a kernel that is wrong by a rounding step or more.
func TestPathsAgree(t *testing.T) {
	x, y := blobs(9, 256, 12, 3)
	var ref []float32
	forEachPath(t, func(t *testing.T) {
		n, err := New(Spec{Inputs: 12, Layers: []Layer{{Units: 24, Activation: Sigmoid}, {Units: 3, Activation: Sigmoid}}, Loss: MSE,
			Optimizer: Optimizer{Kind: SGD, LearningRate: 0.5}, MaxBatch: 32, Seed: 11})
		require.NoError(t, err)
		_, err = n.Fit(x, y, 256, FitOptions{Epochs: 10, BatchSize: 32, Shuffle: true})
		require.NoError(t, err)
		p := make([]float32, n.ParamCount())
		_, _ = n.CopyParams(p)
		if ref == nil {
			ref = p
			return
		}
		for i := range p {
			require.InDelta(t, ref[i], p[i], 1e-4, "param %d", i)
		}
	})
}

func TestTrainStepAllocs(t *testing.T) {
	x, y := blobs(1, 64, 20, 5)
	forEachPath(t, func(t *testing.T) {
		for _, opt := range []OptimizerKind{SGD, Momentum, Adam, RMSprop} {
			n, err := New(Spec{Inputs: 20, Layers: []Layer{{Units: 33, Activation: Sigmoid}, {Units: 17, Activation: Tanh}, {Units: 5, Activation: Softmax}},
				Loss: CategoricalCrossEntropy, Optimizer: Optimizer{Kind: opt, LearningRate: 0.1}, MaxBatch: 64, Seed: 1})
			require.NoError(t, err)
			out := make([]float32, 64*5)
			require.Zero(t, testing.AllocsPerRun(20, func() {
				if _, err := n.TrainStep(x, y, 64); err != nil {
					t.Fatal(err)
				}
				if _, err := n.TrainStep(x, y, 13); err != nil { // a short last batch
					t.Fatal(err)
				}
			}), "TrainStep %s", opt)
			require.Zero(t, testing.AllocsPerRun(20, func() {
				if err := n.Predict(x, 64, out); err != nil {
					t.Fatal(err)
				}
				if _, _, err := n.Evaluate(x, y, 64); err != nil {
					t.Fatal(err)
				}
			}), "Predict/Evaluate")
		}
	})
}

// TestFitEpochAllocs: after the first Fit, an epoch (with shuffling)
// allocates nothing beyond the per-call history slices.
func TestFitEpochAllocs(t *testing.T) {
	x, y := blobs(2, 500, 8, 2)
	n, err := New(Spec{Inputs: 8, Layers: []Layer{{Units: 16, Activation: Sigmoid}, {Units: 2, Activation: Sigmoid}}, Loss: MSE,
		Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: 32, Seed: 1})
	require.NoError(t, err)
	opts := FitOptions{Epochs: 1, BatchSize: 32, Shuffle: true}
	_, err = n.Fit(x, y, 500, opts)
	require.NoError(t, err)
	one := testing.AllocsPerRun(5, func() { _, _ = n.Fit(x, y, 500, opts) })
	opts.Epochs = 20
	twenty := testing.AllocsPerRun(5, func() { _, _ = n.Fit(x, y, 500, opts) })
	require.LessOrEqual(t, twenty, one+2, "allocations must not grow with the number of epochs")
	require.Less(t, one, 1.0, "an epoch allocates nothing beyond the history's amortised growth")
	// The returned history is a stable view.
	h1, err := n.Fit(x, y, 500, FitOptions{Epochs: 2, BatchSize: 32})
	require.NoError(t, err)
	saved := append([]float32(nil), h1.Cost...)
	_, err = n.Fit(x, y, 500, FitOptions{Epochs: 3, BatchSize: 32})
	require.NoError(t, err)
	require.Equal(t, saved, h1.Cost)
	hist := n.History()
	require.Equal(t, saved, hist[len(hist)-5:len(hist)-3])
}

func TestDivergenceRestoresWeights(t *testing.T) {
	x, y := blobs(4, 64, 4, 2)
	for i := range x {
		x[i] *= 1e3
	}
	n, err := New(Spec{Inputs: 4, Layers: []Layer{{Units: 8, Activation: Linear}, {Units: 2, Activation: Linear}}, Loss: MSE,
		Optimizer: Optimizer{Kind: SGD, LearningRate: 1}, MaxBatch: 16, Seed: 1})
	require.NoError(t, err)
	before := make([]float32, n.ParamCount())
	_, _ = n.CopyParams(before)
	h, err := n.Fit(x, y, 64, FitOptions{Epochs: 50, BatchSize: 16})
	var de *DivergedError
	require.ErrorAs(t, err, &de)
	require.True(t, errors.Is(err, ErrDiverged))
	require.Equal(t, 1, de.Epoch)
	require.Contains(t, err.Error(), "epoch 1")
	require.Empty(t, h.Cost)
	after := make([]float32, n.ParamCount())
	_, _ = n.CopyParams(after)
	require.Equal(t, before, after, "weights must be restored to the last good epoch")
	require.Equal(t, -1, firstNonFinite(n.params))
}

func TestProgressCanStop(t *testing.T) {
	x, y := blobs(6, 100, 4, 2)
	n, err := New(Spec{Inputs: 4, Layers: []Layer{{Units: 8, Activation: Sigmoid}, {Units: 2, Activation: Sigmoid}}, Loss: MSE,
		Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: 10, Seed: 1})
	require.NoError(t, err)
	var seen []Progress
	h, err := n.Fit(x, y, 100, FitOptions{Epochs: 5, BatchSize: 10, Progress: func(p Progress) bool {
		seen = append(seen, p)
		return !(p.Epoch == 2 && p.Batch == 3)
	}})
	require.ErrorIs(t, err, ErrStopped)
	require.Len(t, h.Cost, 1)
	require.Len(t, seen, 9+1+3) // 9 batch reports + epoch end, then 3 batches
	require.True(t, seen[9].EpochDone)
	require.Equal(t, 10, seen[9].Batch)
	require.Equal(t, h.Cost[0], seen[9].Cost)
	require.Equal(t, int64(13), n.Steps())
	// The network stays usable.
	_, err = n.Fit(x, y, 100, FitOptions{Epochs: 1, BatchSize: 10})
	require.NoError(t, err)
	require.Len(t, n.History(), 2)
}

func TestValidationMetrics(t *testing.T) {
	x, y := blobs(8, 300, 5, 3)
	n, err := New(Spec{Inputs: 5, Layers: []Layer{{Units: 16, Activation: ReLU}, {Units: 3, Activation: Softmax}}, Loss: CategoricalCrossEntropy,
		Optimizer: Optimizer{Kind: Adam, LearningRate: 0.01}, MaxBatch: 50, Seed: 3})
	require.NoError(t, err)
	h, err := n.Fit(x[:200*5], y[:200*3], 200, FitOptions{Epochs: 8, BatchSize: 25, Shuffle: true,
		ValX: x[200*5:], ValY: y[200*3:], ValSamples: 100})
	require.NoError(t, err)
	require.Len(t, h.ValLoss, 8)
	require.Len(t, h.ValAcc, 8)
	require.Greater(t, h.ValAcc[7], float32(0.9))
	l, a, err := n.Evaluate(x[200*5:], y[200*3:], 100)
	require.NoError(t, err)
	require.Equal(t, h.ValLoss[7], l)
	require.Equal(t, h.ValAcc[7], a)
}

// TestPredictMatchesForward: Predict over many samples (several MaxBatch
// chunks, a short last one) equals per-sample predictions.
func TestPredictChunks(t *testing.T) {
	x, _ := blobs(10, 23, 7, 2)
	n, err := New(Spec{Inputs: 7, Layers: []Layer{{Units: 9, Activation: Tanh}, {Units: 2, Activation: Sigmoid}}, Loss: MSE,
		Optimizer: Optimizer{LearningRate: 0.1}, MaxBatch: 5, Seed: 1})
	require.NoError(t, err)
	all := make([]float32, 23*2)
	require.NoError(t, n.Predict(x, 23, all))
	one := make([]float32, 2)
	for s := 0; s < 23; s++ {
		require.NoError(t, n.Predict(x[s*7:(s+1)*7], 1, one))
		require.InDeltaSlice(t, all[s*2:s*2+2], one, 1e-6, "sample %d", s)
	}
}

// TestReseed: after Reseed(s), Fit shuffles in the same order as a network
// built with seed s and the same weights.
func TestReseed(t *testing.T) {
	x, y := blobs(3, 100, 5, 2)
	spec := Spec{Inputs: 5, Layers: []Layer{{Units: 6, Activation: Sigmoid}, {Units: 2, Activation: Sigmoid}}, Loss: MSE,
		Optimizer: Optimizer{Kind: SGD, LearningRate: 0.5}, MaxBatch: 10, Seed: 9, Threads: 1}
	a, err := New(spec)
	require.NoError(t, err)
	b, err := New(spec)
	require.NoError(t, err)
	_, err = a.Fit(x, y, 100, FitOptions{Epochs: 2, BatchSize: 10, Shuffle: true}) // advance a's generator
	require.NoError(t, err)
	p := make([]float32, a.ParamCount())
	_, _ = a.CopyParams(p)
	require.NoError(t, b.SetParams(p))
	a.ResetOptimizer()
	a.Reseed(42)
	b.Reseed(42)
	ha, err := a.Fit(x, y, 100, FitOptions{Epochs: 3, BatchSize: 10, Shuffle: true})
	require.NoError(t, err)
	hb, err := b.Fit(x, y, 100, FitOptions{Epochs: 3, BatchSize: 10, Shuffle: true})
	require.NoError(t, err)
	require.Equal(t, ha.Cost, hb.Cost)
	a.Reseed(43)
	hc, err := a.Fit(x, y, 100, FitOptions{Epochs: 1, BatchSize: 10, Shuffle: true})
	require.NoError(t, err)
	require.NotEqual(t, hb.Cost[2], hc.Cost[0])
}

// TestReseedAsIfCreated: Reseed(s) makes a network train on as one built
// with seed s and the same weights: the same shuffled order and, with
// dropout, the same masks, bit for bit; whether it was built with s or
// with another seed.
func TestReseedAsIfCreated(t *testing.T) {
	x, y := blobs(3, 100, 5, 2)
	for _, dropout := range []float32{0, 0.3} {
		for _, relu := range []bool{false, true} { // He normal's draws vary in number
			act := Sigmoid
			if relu {
				act = ReLU
			}
			spec := func(seed uint64) Spec {
				return Spec{Inputs: 5, Layers: []Layer{{Units: 6, Activation: act, Dropout: dropout}, {Units: 2, Activation: Sigmoid}}, Loss: MSE,
					Optimizer: Optimizer{Kind: Adam, LearningRate: 0.01}, MaxBatch: 10, Seed: seed}
			}
			fresh, err := New(spec(5))
			require.NoError(t, err)
			same, err := New(spec(5))
			require.NoError(t, err)
			require.NoError(t, same.Reseed(5))
			other, err := New(spec(77))
			require.NoError(t, err)
			p := make([]float32, fresh.ParamCount())
			_, _ = fresh.CopyParams(p)
			require.NoError(t, other.SetParams(p))
			require.NoError(t, other.Reseed(5))
			require.Equal(t, uint64(5), other.Spec().Seed)

			opts := FitOptions{Epochs: 3, BatchSize: 10, Shuffle: true}
			want, err := fresh.Fit(x, y, 100, opts)
			require.NoError(t, err)
			for name, n := range map[string]*Network{"built with 5": same, "built with 77": other} {
				h, err := n.Fit(x, y, 100, opts)
				require.NoError(t, err)
				msg := fmt.Sprintf("%s, then Reseed(5); dropout %v, ReLU %v", name, dropout, relu)
				require.Equal(t, want.Cost, h.Cost, msg)
				requireSameBits(t, stateOf(fresh), stateOf(n), msg)
			}
		}
	}
}

// TestTinyPathMatchesGEMMPath: the loop path of tiny networks and the GEMM
// path compute the same training run to rounding, with an optimizer pass
// and with SGD fused into the weight gradient; batches of 7 leave rows
// outside the loops' groups of four; weight decay on both.
func TestTinyPathMatchesGEMMPath(t *testing.T) {
	x, y := blobs(4, 63, 6, 3)
	for _, c := range []struct {
		kind OptimizerKind
		l2   float32
	}{{Momentum, 0}, {SGD, 0}, {SGD, 1e-3}, {Adam, 1e-3}} {
		run := func(tiny bool) []float32 {
			old := tinyEnabled
			tinyEnabled = tiny
			defer func() { tinyEnabled = old }()
			n, err := New(Spec{Inputs: 6, Layers: []Layer{{Units: 10, Activation: Tanh, L2: c.l2}, {Units: 3, Activation: Softmax, L2: c.l2}}, Loss: CategoricalCrossEntropy,
				Optimizer: Optimizer{Kind: c.kind, LearningRate: 0.1}, MaxBatch: 8, Seed: 2, Threads: 1})
			require.NoError(t, err)
			require.True(t, n.tiny)
			_, err = n.Fit(x, y, 63, FitOptions{Epochs: 5, BatchSize: 7, Shuffle: true})
			require.NoError(t, err)
			p := make([]float32, n.ParamCount())
			_, _ = n.CopyParams(p)
			return p
		}
		a, b := run(true), run(false)
		require.InDeltaSlice(t, a, b, 1e-4, "%v l2 %v", c.kind, c.l2)
		require.NotEqual(t, make([]float32, len(a)), a)
	}
}

// TestFusedSGDStep: plain SGD's fused step (the update inside the weight
// gradient product) is the same descent step as gradients + update, to
// rounding, for every activation on the GEMM path and over several steps.
func TestFusedSGDStep(t *testing.T) {
	for _, act := range []Activation{Sigmoid, Tanh, ReLU} {
		spec := Spec{Inputs: 40, Layers: []Layer{{Units: 48, Activation: act}, {Units: 33, Activation: act}, {Units: 5, Activation: Softmax}}, Loss: CategoricalCrossEntropy,
			Optimizer: Optimizer{Kind: SGD, LearningRate: 0.3}, MaxBatch: 64, Seed: 7, Threads: 1}
		fused, err := New(spec)
		require.NoError(t, err)
		plain, err := New(spec)
		require.NoError(t, err)
		require.False(t, fused.useTiny(64))
		x, y := blobs(5, 64, 40, 5)
		for step := 0; step < 5; step++ {
			c1, err := fused.TrainStep(x, y, 64)
			require.NoError(t, err)
			c2, err := plain.gradients(x, y, 64)
			require.NoError(t, err)
			require.NoError(t, plain.update(64))
			require.InDelta(t, c2, c1, 1e-5)
		}
		require.Equal(t, fused.steps, plain.steps)
		p1, p2 := make([]float32, fused.ParamCount()), make([]float32, plain.ParamCount())
		_, _ = fused.CopyParams(p1)
		_, _ = plain.CopyParams(p2)
		require.InDeltaSlice(t, p2, p1, 1e-5, "%v", act)
		moved := 0
		init, _ := New(spec)
		p0 := make([]float32, init.ParamCount())
		_, _ = init.CopyParams(p0)
		for i := range p0 {
			if p0[i] != p1[i] {
				moved++
			}
		}
		require.Greater(t, moved, len(p0)/2, "the fused step must move the weights")
		fused.Close()
		plain.Close()
		init.Close()
	}
}

// TestFitBadInputLeavesNetwork: a NaN/Inf met while Fit gathers its batches
// is an ErrData naming the sample and feature, and the network is left as
// it was before the call — parameters, optimizer state, step count and the
// shuffle's generator: training on afterwards gives the bits of a network
// that never saw the bad call.
func TestFitBadInputLeavesNetwork(t *testing.T) {
	x, y := blobs(6, 300, 12, 3)
	for _, shuffle := range []bool{false, true} {
		for _, threads := range []int{1, 2} {
			spec := Spec{Inputs: 12, Layers: []Layer{{Units: 40, Activation: Tanh}, {Units: 3, Activation: Softmax}}, Loss: CategoricalCrossEntropy,
				Optimizer: Optimizer{Kind: Adam, LearningRate: 0.01}, MaxBatch: 32, Seed: 3, Threads: threads}
			a, err := New(spec)
			require.NoError(t, err)
			b, err := New(spec)
			require.NoError(t, err)
			opts := FitOptions{Epochs: 2, BatchSize: 32, Shuffle: shuffle}
			_, err = a.Fit(x, y, 300, opts) // some history and optimizer state first
			require.NoError(t, err)
			_, err = b.Fit(x, y, 300, opts)
			require.NoError(t, err)

			bad := append([]float32(nil), x...)
			bad[250*12+7] = float32(math.Inf(1))
			batches := 0
			opts.Progress = func(Progress) bool { batches++; return true }
			h, err := a.Fit(bad, y, 300, opts)
			require.ErrorIs(t, err, ErrData)
			require.ErrorContains(t, err, "input 3007 (sample 250, feature 7) is +Inf")
			require.Empty(t, h.Cost)
			opts.Progress = nil

			_, err = a.Fit(x, y, 300, opts)
			require.NoError(t, err)
			_, err = b.Fit(x, y, 300, opts)
			require.NoError(t, err)
			pa, pb := make([]float32, a.ParamCount()), make([]float32, b.ParamCount())
			_, _ = a.CopyParams(pa)
			_, _ = b.CopyParams(pb)
			require.Equal(t, pb, pa, "shuffle=%v threads=%d", shuffle, threads)
			require.Equal(t, b.History(), a.History())
			a.Close()
			b.Close()
		}
	}
}

// TestFitBadValidationLeavesNetwork: a NaN or ±Inf in the validation data
// is an ErrData found before any training: no batch runs, no history entry
// is added, and the network trains on afterwards as one that never saw the
// call, shuffle generator included.
func TestFitBadValidationLeavesNetwork(t *testing.T) {
	x, y := blobs(6, 200, 12, 1)
	vx, vy := blobs(7, 50, 12, 1)
	for _, c := range []struct {
		name      string
		bad       func(vx, vy []float32)
		wantError string
	}{
		{"NaN input", func(vx, _ []float32) { vx[20*12+5] = float32(math.NaN()) }, "validation data: bad data: input 245 (sample 20, feature 5) is NaN"},
		{"Inf target", func(_, vy []float32) { vy[33] = float32(math.Inf(-1)) }, "validation data: bad data: target 33 (sample 33, output 0) is -Inf"},
	} {
		spec := Spec{Inputs: 12, Layers: []Layer{{Units: 20, Activation: Tanh}, {Units: 1, Activation: Linear}}, Loss: MSE,
			Optimizer: Optimizer{Kind: Adam, LearningRate: 0.01}, MaxBatch: 32, Seed: 3}
		a, err := New(spec)
		require.NoError(t, err)
		b, err := New(spec)
		require.NoError(t, err)
		opts := FitOptions{Epochs: 2, BatchSize: 32, Shuffle: true, ValX: vx, ValY: vy, ValSamples: 50}
		for _, n := range []*Network{a, b} {
			_, err = n.Fit(x, y, 200, opts)
			require.NoError(t, err)
		}

		badX, badY := slices.Clone(vx), slices.Clone(vy)
		c.bad(badX, badY)
		bad := opts
		bad.ValX, bad.ValY = badX, badY
		batches := 0
		bad.Progress = func(Progress) bool { batches++; return true }
		before := stateOf(a)
		h, err := a.Fit(x, y, 200, bad)
		require.ErrorIs(t, err, ErrData, c.name)
		require.ErrorContains(t, err, c.wantError, c.name)
		require.Empty(t, h.Cost, c.name)
		require.Zero(t, batches, c.name)
		requireSameBits(t, before, stateOf(a), c.name)
		require.Len(t, a.History(), 2, c.name)

		for _, n := range []*Network{a, b} {
			_, err = n.Fit(x, y, 200, opts)
			require.NoError(t, err)
		}
		requireSameBits(t, stateOf(b), stateOf(a), c.name)
		require.Equal(t, b.History(), a.History(), c.name)
	}
}

// TestFitValidationFailureAddsNoEpoch: an epoch whose validation fails is
// not a completed epoch: no history entry (nor validation figures that
// were never computed), no end-of-epoch Progress. Another rank's bad
// validation part is a data error that leaves the network as before the
// call; a failed all-reduce keeps the epoch's updates, as in a step.
func TestFitValidationFailureAddsNoEpoch(t *testing.T) {
	x, y := blobs(9, 64, 12, 4)
	for _, c := range []struct {
		name string
		hook Allreduce
		kind error
	}{
		{"peer's bad part", func(b []float32) error {
			if len(b) == 4 { // the validation sums
				b[3]++
			}
			return nil
		}, ErrData},
		{"hook fails", func(b []float32) error {
			if len(b) == 4 {
				return errors.New("link down")
			}
			return nil
		}, ErrReduce},
	} {
		n := distNet(t, Adam, 1)
		before := stateOf(n)
		ends := 0
		opts := FitOptions{Epochs: 2, BatchSize: 16, Shuffle: true, ValX: x, ValY: y, ValSamples: 64, Allreduce: c.hook,
			Progress: func(p Progress) bool {
				if p.EpochDone {
					ends++
				}
				return true
			}}
		h, err := n.Fit(x, y, 64, opts)
		require.ErrorIs(t, err, c.kind, c.name)
		require.ErrorContains(t, err, "validation data", c.name)
		require.Empty(t, h.Cost, c.name)
		require.Empty(t, h.ValLoss, c.name)
		require.Empty(t, n.History(), c.name)
		require.Empty(t, n.valLoss, c.name)
		require.Zero(t, ends, c.name)
		if c.kind == ErrData {
			requireSameBits(t, before, stateOf(n), c.name)
			// The shuffle generator too: the next fit is a fresh network's.
			fresh := distNet(t, Adam, 1)
			opts.Allreduce, opts.Progress = nil, nil
			_, err = n.Fit(x, y, 64, opts)
			require.NoError(t, err)
			_, err = fresh.Fit(x, y, 64, opts)
			require.NoError(t, err)
			requireSameBits(t, stateOf(fresh), stateOf(n), c.name)
		} else {
			require.EqualValues(t, 4, n.Steps(), c.name)
		}
	}
}

// TestDivergenceKeepsLastGoodEpoch: divergence in a later epoch restores
// the weights from the end of the last good epoch, and an update that
// overflows the parameters after the last finite cost of an epoch (no NaN
// cost ever seen) is divergence too: Fit never returns, and no epoch
// starts from, non-finite weights.
func TestDivergenceKeepsLastGoodEpoch(t *testing.T) {
	x, y := blobs(4, 16, 4, 2)
	spec := Spec{Inputs: 4, Layers: []Layer{{Units: 8, Activation: Linear}, {Units: 2, Activation: Linear}}, Loss: MSE,
		Optimizer: Optimizer{Kind: SGD, LearningRate: 0.01}, MaxBatch: 16, Seed: 1}

	// Epoch 1 trains normally; the callback then raises the learning rate
	// so far that epoch 2 overflows.
	n, err := New(spec)
	require.NoError(t, err)
	good := make([]float32, n.ParamCount())
	h, err := n.Fit(x, y, 16, FitOptions{Epochs: 5, BatchSize: 4, Progress: func(p Progress) bool {
		if p.EpochDone && p.Epoch == 1 {
			_, _ = n.CopyParams(good)
			require.NoError(t, n.SetLearningRate(3e38))
		}
		return true
	}})
	var de *DivergedError
	require.ErrorAs(t, err, &de)
	require.Equal(t, 2, de.Epoch)
	require.Len(t, h.Cost, 1)
	got := make([]float32, n.ParamCount())
	_, _ = n.CopyParams(got)
	require.Equal(t, good, got, "weights must be those at the end of epoch 1")
	require.Equal(t, int64(4), n.Steps())

	// One batch per epoch: the cost is finite, the update after it is not.
	for _, epochs := range []int{1, 2} {
		spec.Optimizer.LearningRate = 3e38
		n, err := New(spec)
		require.NoError(t, err)
		before := make([]float32, n.ParamCount())
		_, _ = n.CopyParams(before)
		h, err := n.Fit(x, y, 16, FitOptions{Epochs: epochs, BatchSize: 16})
		require.ErrorAs(t, err, &de, "epochs=%d", epochs)
		require.ErrorIs(t, err, ErrDiverged)
		require.Equal(t, 1, de.Epoch)
		require.False(t, math.IsNaN(float64(de.Cost)) || math.IsInf(float64(de.Cost), 0))
		require.True(t, math.IsNaN(float64(de.Param)) || math.IsInf(float64(de.Param), 0))
		require.ErrorContains(t, err, "training diverged at epoch 1, batch 1: a parameter became")
		require.Empty(t, h.Cost)
		_, _ = n.CopyParams(got)
		require.Equal(t, before, got)
		require.Equal(t, -1, firstNonFinite(n.params))
		require.Zero(t, n.Steps())
	}
}

// TestBuffersAligned: every view of every flat buffer (parameters,
// gradients, optimizer state, activations, deltas) starts on a 64-byte
// boundary, so SIMD loads never straddle a cache line.
func TestBuffersAligned(t *testing.T) {
	for _, opt := range []OptimizerKind{SGD, Momentum, Adam} {
		n, err := New(Spec{Inputs: 7, Layers: []Layer{{Units: 13, Activation: Sigmoid}, {Units: 5, Activation: Tanh}, {Units: 3, Activation: Softmax}}, Loss: CategoricalCrossEntropy,
			Optimizer: Optimizer{Kind: opt, LearningRate: 0.1}, MaxBatch: 9, Seed: 1})
		require.NoError(t, err)
		for _, buf := range [][]float32{n.params, n.grads, n.opt1, n.opt2, n.acts, n.deltas} {
			require.True(t, asm.IsAligned(buf))
		}
		for i, l := range n.layers {
			for name, v := range map[string][]float32{"w": l.w, "b": l.b, "dw": l.dw, "db": l.db, "a": l.a, "d": l.d} {
				require.True(t, asm.IsAligned(v), "%s layer %d %s", opt, i, name)
			}
		}
		off := 0
		for _, l := range n.layers {
			for _, v := range [][]float32{l.w, l.b} {
				start := int(uintptr(unsafe.Pointer(&v[0]))-uintptr(unsafe.Pointer(&n.params[0]))) / 4
				require.Equal(t, off, start)
				off += asm.RoundUp(len(v))
				if n.opt1 != nil {
					require.True(t, asm.IsAligned(n.opt1[start:]))
				}
				if n.opt2 != nil {
					require.True(t, asm.IsAligned(n.opt2[start:]))
				}
			}
		}
		x, y := blobs(1, 20, 7, 3)
		_, err = n.Fit(x, y, 20, FitOptions{Epochs: 1, BatchSize: 9, Shuffle: true})
		require.NoError(t, err)
		require.True(t, asm.IsAligned(n.fit.bx[0]) && asm.IsAligned(n.fit.by[0]), "gathered batch")
		n.Close()
	}
}

// TestPanicBecomesError: a panic while Fit runs (here from the caller's
// progress callback, standing for a bug inside the package) comes back as
// an "internal error", not a crash, and the network stays usable.
func TestPanicBecomesError(t *testing.T) {
	n := xorNet(t, 1, 0.5)
	_, err := n.Fit(xorX, xorY, 4, FitOptions{Epochs: 3, BatchSize: 2, Progress: func(Progress) bool { panic("boom") }})
	require.ErrorContains(t, err, "entrena: internal error: boom")
	_, err = n.Fit(xorX, xorY, 4, FitOptions{Epochs: 3, BatchSize: 2})
	require.NoError(t, err)
}
