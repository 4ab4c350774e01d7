package core

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// withGuardMode forces TrainStep's guard to one way for the rest of the test.
func withGuardMode(t testing.TB, mode int) {
	old := guardMode
	guardMode = mode
	t.Cleanup(func() { guardMode = old })
}

// networkState is everything a step may change, bit for bit.
type networkState struct {
	params, opt1, opt2 []float32
	steps              stepCounts
}

func stateOf(n *Network) networkState {
	return networkState{slices.Clone(n.params), slices.Clone(n.opt1), slices.Clone(n.opt2), n.steps}
}

// requireSameBits compares two states bit for bit (NaN included).
func requireSameBits(t *testing.T, want, got networkState, msg string) {
	t.Helper()
	for _, p := range [][2][]float32{{want.params, got.params}, {want.opt1, got.opt1}, {want.opt2, got.opt2}} {
		require.Len(t, p[1], len(p[0]), msg)
		for i := range p[0] {
			if math.Float32bits(p[0][i]) != math.Float32bits(p[1][i]) {
				t.Fatalf("%s: value %d is %v, was %v", msg, i, p[1][i], p[0][i])
			}
		}
	}
	require.Equal(t, want.steps, got.steps, msg)
}

var guardModes = map[string]int{"bounds": guardBounds, "exact": guardExact}

// TestTrainStepDivergenceRestores: a step whose cost, or whose update, is
// NaN or ±Inf returns an error wrapping ErrData and ErrDiverged and leaves
// the parameters, optimizer state and step count as they were, bit for
// bit; training on afterwards gives the bits of a network that never saw
// the failed step. Every optimizer, the GEMM and the tiny path, either way
// of guarding.
func TestTrainStepDivergenceRestores(t *testing.T) {
	x, y := blobs(4, 16, 4, 2)
	for name, mode := range guardModes {
		withGuardMode(t, mode)
		for _, tiny := range []bool{true, false} {
			tinyEnabled = tiny
			for _, opt := range []OptimizerKind{SGD, Momentum, Adam} {
				for _, diverge := range []string{"learning rate", "cost"} {
					msg := fmt.Sprintf("%s guard, tiny=%v, %v, %s", name, tiny, opt, diverge)
					spec := Spec{Inputs: 4, Layers: []Layer{{Units: 8, Activation: Linear}, {Units: 2, Activation: Linear}}, Loss: MSE,
						Optimizer: Optimizer{Kind: opt, LearningRate: 0.01}, MaxBatch: 16, Seed: 1}
					n, err := New(spec)
					require.NoError(t, err)
					twin, err := New(spec)
					require.NoError(t, err)
					for range 3 { // some optimizer state first
						_, err = n.TrainStep(x, y, 16)
						require.NoError(t, err, msg)
						_, err = twin.TrainStep(x, y, 16)
						require.NoError(t, err, msg)
					}
					if diverge == "cost" {
						// Finite weights whose outputs overflow: the cost is +Inf.
						w, _, err := n.Weights(1)
						require.NoError(t, err)
						w[0], w[1] = 1e30, -1e30
						w, _, _ = twin.Weights(1)
						w[0], w[1] = 1e30, -1e30
					} else {
						require.NoError(t, n.SetLearningRate(3e38))
						require.NoError(t, twin.SetLearningRate(3e38))
					}
					// A step may survive the huge rate (kernels round in their
					// own order: Adam's lr·m̂/(√v̂+ε) can stay finite); the
					// twin takes the steps that succeed.
					var before networkState
					var cost float32
					for range 4 {
						before = stateOf(n)
						if cost, err = n.TrainStep(x, y, 16); err != nil {
							break
						}
						_, err = twin.TrainStep(x, y, 16)
						require.NoError(t, err, msg)
					}
					require.ErrorIs(t, err, ErrData, msg)
					require.ErrorIs(t, err, ErrDiverged, msg)
					require.ErrorContains(t, err, "the network is as it was before the step")
					require.Zero(t, cost)
					requireSameBits(t, before, stateOf(n), msg)

					require.NoError(t, n.SetLearningRate(0.01))
					require.NoError(t, twin.SetLearningRate(0.01))
					if diverge == "cost" {
						w, _, _ := n.Weights(1)
						w[0], w[1] = 0.5, -0.5
						w, _, _ = twin.Weights(1)
						w[0], w[1] = 0.5, -0.5
					}
					for range 2 {
						c1, err1 := n.TrainStep(x, y, 16)
						c2, err2 := twin.TrainStep(x, y, 16)
						require.Equal(t, c2, c1, msg)
						require.Equal(t, err2 == nil, err1 == nil, msg)
					}
					requireSameBits(t, stateOf(twin), stateOf(n), msg)
					n.Close()
					twin.Close()
				}
			}
		}
		tinyEnabled = true
	}
}

// TestTrainStepGuardKeepsResults: the guard never changes what a step
// computes: bounded, exact and unguarded (Fit's) steps give the same bits,
// for every activation and optimizer, and a bounded step that the bound
// accepts copies nothing (the snapshot is never allocated).
func TestTrainStepGuardKeepsResults(t *testing.T) {
	x, y := blobs(7, 64, 30, 4)
	for _, act := range []Activation{Sigmoid, Tanh, ReLU, Linear} {
		for _, opt := range []OptimizerKind{SGD, Momentum, Adam} {
			spec := Spec{Inputs: 30, Layers: []Layer{{Units: 40, Activation: act}, {Units: 24, Activation: act}, {Units: 4, Activation: Softmax}}, Loss: CategoricalCrossEntropy,
				Optimizer: Optimizer{Kind: opt, LearningRate: 0.05}, MaxBatch: 64, Seed: 3, Threads: 1}
			var nets [3]*Network
			for i := range nets {
				n, err := New(spec)
				require.NoError(t, err)
				nets[i] = n
			}
			for step := 0; step < 6; step++ {
				b := 64 - 17*(step%2)
				var costs [3]float32
				for i, mode := range []int{guardBounds, guardExact} {
					withGuardMode(t, mode)
					c, err := nets[i].TrainStep(x, y, b)
					require.NoError(t, err)
					costs[i] = c
				}
				c, err := nets[2].step1(x[:b*30], y, b)
				require.NoError(t, err)
				costs[2] = c
				require.Equal(t, costs[2], costs[0])
				require.Equal(t, costs[2], costs[1])
			}
			msg := fmt.Sprintf("%v %v", act, opt)
			requireSameBits(t, stateOf(nets[2]), stateOf(nets[0]), msg)
			requireSameBits(t, stateOf(nets[2]), stateOf(nets[1]), msg)
			require.Nil(t, nets[0].fit.snapshot, "%s: the bound fell back to a copy", msg)
			for _, n := range nets {
				n.Close()
			}
		}
	}
}

// TestTrainStepBoundIsSufficient: over random networks, learning rates and
// input scales spanning the float32 range, a step the bound accepts (no
// copy is made) never leaves a parameter or optimizer value NaN or ±Inf,
// and one that fails leaves the state unchanged; the bound accepts steps
// whose updates reach 1e24 and more, and refuses others.
func TestTrainStepBoundIsSufficient(t *testing.T) {
	withGuardMode(t, guardBounds)
	r := newTestRand(12)
	acts := []Activation{Sigmoid, Tanh, ReLU, Linear}
	var ok, accepted, acceptedHuge, diverged int
	var largest float64
	for trial := range 400 {
		in, hid := 1+r.IntN(20), 1+r.IntN(40)
		spec := Spec{Inputs: in, Layers: []Layer{{Units: hid, Activation: acts[r.IntN(4)]}, {Units: 3, Activation: acts[r.IntN(4)]}}, Loss: MSE,
			Optimizer: Optimizer{Kind: OptimizerKind(r.IntN(3)), LearningRate: float32(math.Pow(10, -3+41*r.Float64()))},
			MaxBatch:  1 + r.IntN(32), Seed: uint64(trial), Threads: 1}
		n, err := New(spec)
		require.NoError(t, err)
		b := spec.MaxBatch
		x := make([]float32, b*in)
		y := make([]float32, b*3)
		scale := math.Pow(10, -3+35*r.Float64())
		for i := range x {
			x[i] = float32(r.NormFloat64() * scale)
		}
		for i := range y {
			y[i] = float32(r.NormFloat64())
		}
		for range 3 {
			before := stateOf(n)
			copied := n.fit.snapshot != nil
			_, err := n.TrainStep(x, y, b)
			if err != nil {
				require.ErrorIs(t, err, ErrDiverged, "%+v", spec)
				requireSameBits(t, before, stateOf(n), fmt.Sprintf("%+v", spec))
				diverged++
				break
			}
			for _, s := range [][]float32{n.params, n.opt1, n.opt2} {
				require.Equal(t, -1, firstNonFinite(s), "%+v, input scale %g", spec, scale)
			}
			ok++
			if !copied && n.fit.snapshot == nil {
				accepted++
				if maxAbs(n.params) > 1e24 {
					acceptedHuge++
				}
				largest = max(largest, maxAbs(n.params))
			}
		}
		n.Close()
	}
	t.Logf("%d steps succeeded (%d accepted by the bound, %d of them with a parameter above 1e24, the largest %g), %d diverged", ok, accepted, acceptedHuge, largest, diverged)
	require.Greater(t, accepted, ok/3)
	require.Positive(t, acceptedHuge)
	require.Greater(t, ok, accepted)
	require.Positive(t, diverged)
}

// TestTrainStepGuardAllocs: neither way of guarding allocates once the
// snapshot exists (the exact way allocates it on its first step), nor
// does a step that diverges.
func TestTrainStepGuardAllocs(t *testing.T) {
	x, y := blobs(1, 64, 20, 5)
	for name, mode := range guardModes {
		withGuardMode(t, mode)
		for _, opt := range []OptimizerKind{SGD, Momentum, Adam} {
			n, err := New(Spec{Inputs: 20, Layers: []Layer{{Units: 33, Activation: ReLU}, {Units: 17, Activation: Tanh}, {Units: 5, Activation: Softmax}},
				Loss: CategoricalCrossEntropy, Optimizer: Optimizer{Kind: opt, LearningRate: 0.1}, MaxBatch: 64, Seed: 1})
			require.NoError(t, err)
			_, err = n.TrainStep(x, y, 64)
			require.NoError(t, err)
			require.Zero(t, testing.AllocsPerRun(20, func() {
				if _, err := n.TrainStep(x, y, 64); err != nil {
					t.Fatal(err)
				}
				if _, err := n.TrainStep(x, y, 13); err != nil {
					t.Fatal(err)
				}
			}), "%s guard, %v", name, opt)
			n.Close()
		}
	}
}

// TestTrainStepInsideFit: a step from Fit's progress callback that falls
// back to a copy does not overwrite Fit's own copy of the epoch's start,
// which a later divergence restores.
func TestTrainStepInsideFit(t *testing.T) {
	withGuardMode(t, guardExact)
	x, y := blobs(4, 16, 4, 2)
	n, err := New(Spec{Inputs: 4, Layers: []Layer{{Units: 8, Activation: Linear}, {Units: 2, Activation: Linear}}, Loss: MSE,
		Optimizer: Optimizer{Kind: SGD, LearningRate: 0.01}, MaxBatch: 16, Seed: 1})
	require.NoError(t, err)
	start := stateOf(n)
	_, err = n.Fit(x, y, 16, FitOptions{Epochs: 1, BatchSize: 4, Progress: func(p Progress) bool {
		if p.Batch == 2 && !p.EpochDone {
			_, err := n.TrainStep(x, y, 16) // copies the state aside
			require.NoError(t, err)
			require.NoError(t, n.SetLearningRate(3e38)) // the rest of the epoch diverges
		}
		return true
	}})
	require.ErrorIs(t, err, ErrDiverged)
	requireSameBits(t, start, stateOf(n), "restored to the start of the epoch")
}

// TestSaveRefusesNonFinite: a network with a NaN or ±Inf parameter (only
// possible through a Weights view) is not encoded or saved: ErrData naming
// the parameter, and the file at the path is left as it was.
func TestSaveRefusesNonFinite(t *testing.T) {
	n := smallNet(t)
	path := filepath.Join(t.TempDir(), "m.entrena")
	require.NoError(t, n.Save(path))
	old, err := os.ReadFile(path)
	require.NoError(t, err)
	_, b, err := n.Weights(1)
	require.NoError(t, err)
	b[1] = float32(math.Inf(-1))
	buf := make([]byte, n.EncodedSize())
	_, err = n.Encode(buf)
	require.ErrorIs(t, err, ErrData)
	require.ErrorContains(t, err, "layer 2 bias 1 is -Inf")
	_, err = n.MarshalBinary()
	require.ErrorIs(t, err, ErrData)
	err = n.Save(path)
	require.ErrorIs(t, err, ErrData)
	require.ErrorContains(t, err, path)
	now, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, old, now)
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file left")
}

// TestGuardNorm: the guard's norm is within rounding of the float64 norm
// (its bound never below it) at every length around the chunk and row
// edges, on one thread and split over three; NaN or +Inf for a NaN or an
// Inf; never below a value whose square overflows.
func TestGuardNorm(t *testing.T) {
	for _, threads := range []int{1, 3} {
		n, err := New(Spec{Inputs: 3, Layers: []Layer{{Units: 4, Activation: Tanh}}, Loss: MSE, Optimizer: Optimizer{LearningRate: 0.1},
			MaxBatch: 1, Threads: threads})
		require.NoError(t, err)
		testNorm(t, n)
		n.Close()
	}
}

func testNorm(t *testing.T, n *Network) {
	g := n
	r := newTestRand(3)
	for _, k := range []int{0, 1, 63, 64, 65, 127, 4095, 4096, 4097, 8191, 8192, 8193, 25088, 100003, 300001} {
		s := make([]float32, k)
		var want float64
		for i := range s {
			s[i] = float32(r.NormFloat64() * math.Pow(10, r.Float64()*20-10))
			want += float64(s[i]) * float64(s[i])
		}
		want = math.Sqrt(want)
		got := g.norm(s)
		require.InEpsilon(t, want+1e-30, got+1e-30, 1e-4, "length %d", k)
		require.GreaterOrEqual(t, normBound(got, k), want, "length %d", k)
		if k == 0 {
			continue
		}
		for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(-1))} {
			i := r.IntN(k)
			old := s[i]
			s[i] = bad
			require.False(t, g.norm(s) < math.Inf(1), "length %d, %v at %d", k, bad, i)
			s[i] = -1e20 // its square overflows float32: +Inf, or exact in the float64 tail
			require.False(t, g.norm(s) < 1e20, "length %d, -1e20 at %d", k, i)
			s[i] = old
		}
	}
}

// TestGuardChoosesCheaperWay: bounds for the reference network at the
// batches it trains with, a copy for the tiny XOR network.
func TestGuardChoosesCheaperWay(t *testing.T) {
	for _, batch := range []int{1, 32, 256} {
		n, err := New(mnistShape(batch, 1))
		require.NoError(t, err)
		require.True(t, n.boundsPay(batch), "784-128-64-10 at batch %d", batch)
		n.Close()
	}
	require.False(t, xorNet(t, 1, 0.5).boundsPay(4))
}
