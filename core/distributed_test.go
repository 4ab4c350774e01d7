package core

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// localAllreduce returns one all-reduce per rank of an in-process group:
// each call waits for every rank's buffer (at most timeout, then it gives
// up with an error, as an MPI hook must), sums them in rank order and
// hands every rank the sums.
func localAllreduce(size int, timeout time.Duration) []Allreduce {
	type part struct {
		rank int
		buf  []float32
	}
	parts := make(chan part)
	done := make([]chan struct{}, size)
	for r := range done {
		done[r] = make(chan struct{})
	}
	go func() {
		got := make([][]float32, size)
		for {
			for range size {
				p := <-parts
				got[p.rank] = p.buf
			}
			for i := range got[0] {
				var s float32
				for _, b := range got {
					s += b[i]
				}
				for _, b := range got {
					b[i] = s
				}
			}
			for _, d := range done {
				d <- struct{}{}
			}
		}
	}()
	hooks := make([]Allreduce, size)
	for r := range hooks {
		timer := time.NewTimer(timeout)
		hooks[r] = func(buf []float32) error {
			timer.Reset(timeout)
			select {
			case parts <- part{r, buf}:
			case <-timer.C:
				return errors.New("timed out waiting for the other ranks")
			}
			select {
			case <-done[r]:
				return nil
			case <-timer.C:
				return errors.New("timed out waiting for the other ranks")
			}
		}
	}
	return hooks
}

func distNet(t testing.TB, opt OptimizerKind, threads int) *Network {
	o := Optimizer{Kind: opt, LearningRate: 0.05}
	if opt == Momentum {
		o.Momentum = 0.9
	}
	n, err := New(Spec{Inputs: 12, Layers: []Layer{{Units: 24, Activation: Tanh}, {Units: 16, Activation: Sigmoid}, {Units: 4, Activation: Softmax}},
		Loss: CategoricalCrossEntropy, Optimizer: o,
		MaxBatch: 32, Threads: threads, Seed: 7})
	require.NoError(t, err)
	t.Cleanup(func() { _ = n.Close() })
	return n
}

func params(n *Network) []float32 {
	p := make([]float32, n.ParamCount())
	_, _ = n.CopyParams(p)
	return p
}

// relDiff is max|a−b| / max|a|.
func relDiff(a, b []float32) float64 {
	var d, m float64
	for i := range a {
		d = max(d, math.Abs(float64(a[i]-b[i])))
		m = max(m, math.Abs(float64(a[i])))
	}
	return d / m
}

// fitRanks fits one network per rank concurrently and returns their errors.
func fitRanks(nets []*Network, x, y []float32, samples int, opts FitOptions, hooks []Allreduce) []error {
	errs := make([]error, len(nets))
	var wg sync.WaitGroup
	for r, n := range nets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := opts
			o.Rank, o.Size, o.Allreduce = r, len(nets), hooks[r]
			_, errs[r] = n.Fit(x, y, samples, o)
		}()
	}
	wg.Wait()
	return errs
}

// TestDataParallelMatchesOneProcess: 2 ranks with batch b train the
// parameters that 1 process does with batch 2b over the same sample order,
// within 1e-5 relative after 100 steps, for each optimizer; the short last
// batch (one rank with no sample) and the reduced epoch costs included.
func TestDataParallelMatchesOneProcess(t *testing.T) {
	const samples, b = 330, 16 // 11 steps an epoch, the last of 10 samples
	x, y := blobs(3, samples, 12, 4)
	for _, opt := range []OptimizerKind{SGD, Momentum, Adam} {
		t.Run(opt.String(), func(t *testing.T) {
			one := distNet(t, opt, 1)
			opts := FitOptions{Epochs: 9, BatchSize: 2 * b, Shuffle: true}
			h1, err := one.Fit(x, y, samples, opts)
			require.NoError(t, err)
			require.EqualValues(t, 99, one.Steps())

			nets := []*Network{distNet(t, opt, 1), distNet(t, opt, 1)}
			opts.BatchSize = b
			errs := fitRanks(nets, x, y, samples, opts, localAllreduce(2, 10*time.Second))
			require.NoError(t, errors.Join(errs...))
			p0, p1, ref := params(nets[0]), params(nets[1]), params(one)
			require.Equal(t, p0, p1, "the ranks must hold the same parameters")
			require.EqualValues(t, 99, nets[0].Steps())
			require.Less(t, relDiff(ref, p0), 1e-5)
			require.NotEqual(t, params(distNet(t, opt, 1)), p0, "training changed nothing")
			h0 := nets[0].History()
			for e := range h1.Cost {
				require.InDelta(t, h1.Cost[e], h0[e], 1e-5*float64(h1.Cost[e]), "epoch %d cost", e+1)
			}
			require.Equal(t, h0, nets[1].History())
		})
	}
}

// TestAllreduceHookOneRank: a hook on a single process (the identity sum)
// makes the unfused path give plain SGD's result, and validation runs
// through the hook too.
func TestAllreduceHookOneRank(t *testing.T) {
	x, y := blobs(4, 200, 12, 4)
	plain, hooked := distNet(t, SGD, 1), distNet(t, SGD, 1)
	calls := 0
	opts := FitOptions{Epochs: 3, BatchSize: 32, Shuffle: true, ValX: x[:50*12], ValY: y[:50*4], ValSamples: 50}
	hp, err := plain.Fit(x, y, 200, opts)
	require.NoError(t, err)
	opts.Allreduce = func([]float32) error { calls++; return nil }
	hh, err := hooked.Fit(x, y, 200, opts)
	require.NoError(t, err)
	require.Equal(t, 3*7+3, calls, "one call a step and one per validation")
	require.Less(t, relDiff(params(plain), params(hooked)), 1e-5)
	require.InDeltaSlice(t, hp.ValLoss, hh.ValLoss, 1e-5)
	require.Equal(t, hp.ValAcc, hh.ValAcc)
}

// TestDataParallelValidation: the ranks' validation parts, reduced, give
// the whole set's loss and accuracy.
func TestDataParallelValidation(t *testing.T) {
	x, y := blobs(5, 128, 12, 4)
	vx, vy := blobs(6, 77, 12, 4)
	nets := []*Network{distNet(t, Adam, 1), distNet(t, Adam, 1)}
	opts := FitOptions{Epochs: 2, BatchSize: 16, ValX: vx, ValY: vy, ValSamples: 77}
	require.NoError(t, errors.Join(fitRanks(nets, x, y, 128, opts, localAllreduce(2, 10*time.Second))...))
	l, a, err := nets[0].Evaluate(vx, vy, 77)
	require.NoError(t, err)
	for _, n := range nets {
		require.InDelta(t, l, n.valLoss[len(n.valLoss)-1], 1e-5)
		require.InDelta(t, a, n.valAcc[len(n.valAcc)-1], 1e-6)
	}
}

// TestDataParallelBadInput: a NaN in one rank's shard stops every rank
// with ErrData (the rank that met it naming the sample) and leaves every
// network as before the call, instead of leaving the others waiting.
func TestDataParallelBadInput(t *testing.T) {
	x, y := blobs(7, 64, 12, 4)
	x[50*12+3] = float32(math.NaN()) // sample 50: rank 1's in the second step (no shuffle)
	nets := []*Network{distNet(t, SGD, 1), distNet(t, SGD, 1)}
	before := params(nets[0])
	errs := fitRanks(nets, x, y, 64, FitOptions{Epochs: 1, BatchSize: 16}, localAllreduce(2, 10*time.Second))
	for r, err := range errs {
		require.ErrorIs(t, err, ErrData, "rank %d", r)
		require.Equal(t, before, params(nets[r]), "rank %d", r)
		require.Zero(t, nets[r].Steps())
	}
	require.ErrorContains(t, errs[1], "sample 50")
	require.ErrorContains(t, errs[0], "another rank")
}

// TestDataParallelHookFails: a rank whose hook fails stops with that error
// and ErrReduce, its network as after the last applied step; the rank left
// waiting gives up after its hook's timeout with an error, not a hang.
func TestDataParallelHookFails(t *testing.T) {
	x, y := blobs(8, 256, 12, 4)
	nets := []*Network{distNet(t, Momentum, 1), distNet(t, Momentum, 1)}
	hooks := localAllreduce(2, 300*time.Millisecond)
	broken := errors.New("link down")
	inner := hooks[1]
	calls := 0
	hooks[1] = func(buf []float32) error {
		if calls++; calls == 5 {
			return broken
		}
		return inner(buf)
	}
	var last [2][]float32
	opts := FitOptions{Epochs: 1, BatchSize: 16}
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for r, n := range nets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := opts
			o.Rank, o.Size, o.Allreduce = r, 2, hooks[r]
			o.Progress = func(Progress) bool { last[r] = params(n); return true }
			_, errs[r] = n.Fit(x, y, 256, o)
		}()
	}
	start := time.Now()
	wg.Wait()
	require.Less(t, time.Since(start), 5*time.Second)
	require.ErrorIs(t, errs[1], broken)
	for r, err := range errs {
		require.ErrorIs(t, err, ErrReduce, "rank %d", r)
		require.EqualValues(t, 4, nets[r].Steps(), "rank %d", r)
		require.Equal(t, last[r], params(nets[r]), "rank %d: not the last good state", r)
	}
	require.ErrorContains(t, errs[0], "timed out")
}

func TestDataParallelOptionErrors(t *testing.T) {
	x, y := blobs(9, 32, 12, 4)
	n := distNet(t, SGD, 1)
	hook := func([]float32) error { return nil }
	for _, o := range []FitOptions{
		{Epochs: 1, Size: 2},
		{Epochs: 1, Size: 2, Rank: 2, Allreduce: hook},
		{Epochs: 1, Size: -1, Allreduce: hook},
		{Epochs: 1, Rank: -1, Allreduce: hook},
		{Epochs: 1, Rank: 1, Allreduce: hook},
	} {
		_, err := n.Fit(x, y, 32, o)
		require.ErrorIs(t, err, ErrSpec, fmt.Sprintf("%+v", o))
	}
}

// TestBroadcastParams: every rank ends with rank 0's parameters, exactly.
func TestBroadcastParams(t *testing.T) {
	var nets []*Network
	for seed := range uint64(3) {
		n, err := New(Spec{Inputs: 5, Layers: []Layer{{Units: 7, Activation: Tanh}, {Units: 2, Activation: Sigmoid}}, Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: 4, Seed: seed + 1})
		require.NoError(t, err)
		nets = append(nets, n)
	}
	want := params(nets[0])
	require.NotEqual(t, want, params(nets[1]))
	hooks := localAllreduce(3, 10*time.Second)
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for r, n := range nets {
		wg.Add(1)
		go func() { defer wg.Done(); errs[r] = n.BroadcastParams(r, hooks[r]) }()
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	for _, n := range nets {
		require.Equal(t, want, params(n))
	}
	err := nets[1].BroadcastParams(1, func(b []float32) error { b[0] = float32(math.Inf(1)); return nil })
	require.ErrorIs(t, err, ErrData)
	require.Equal(t, want, params(nets[1]))
	require.ErrorIs(t, nets[1].BroadcastParams(0, nil), ErrSpec)
}

// TestDataParallelFitAllocs: a data-parallel epoch allocates no more than a
// plain one.
func TestDataParallelFitAllocs(t *testing.T) {
	x, y := blobs(10, 256, 12, 4)
	n := distNet(t, Adam, 1)
	opts := FitOptions{Epochs: 1, BatchSize: 16, Shuffle: true, ValX: x, ValY: y, ValSamples: 64,
		Allreduce: func(b []float32) error { b[len(b)-1] += 0; return nil }}
	_, err := n.Fit(x, y, 256, opts)
	require.NoError(t, err)
	// Averaged over many calls: the history's amortised doubling is not
	// the epoch's.
	one := testing.AllocsPerRun(50, func() { _, _ = n.Fit(x, y, 256, opts) })
	opts.Epochs = 20
	twenty := testing.AllocsPerRun(10, func() { _, _ = n.Fit(x, y, 256, opts) })
	require.Less(t, one, 1.0)
	require.LessOrEqual(t, twenty, one+2)
}
