package core

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// predictorNets are networks on each forward path: the GEMM kernels on one
// and two threads, the tiny loops, and every activation.
func predictorNets(t *testing.T) map[string]*Network {
	nets := map[string]*Network{"784-128-10 1 thread": servingNet(t, 1), "784-128-10 2 threads": servingNet(t, 2)}
	for name, spec := range map[string]Spec{
		"xor tiny": {Inputs: 2, Layers: []Layer{{Units: 4, Activation: Sigmoid}, {Units: 1, Activation: Sigmoid}}, Optimizer: Optimizer{LearningRate: 1}, MaxBatch: 4, Seed: 1},
		"relu tanh softmax": {Inputs: 40, Layers: []Layer{{Units: 64, Activation: ReLU}, {Units: 33, Activation: Tanh}, {Units: 7, Activation: Linear}, {Units: 5, Activation: Softmax}}, Loss: CategoricalCrossEntropy,
			Optimizer: Optimizer{Kind: Adam, LearningRate: 0.01}, MaxBatch: 16, Seed: 2, Threads: 2},
	} {
		n, err := New(spec)
		require.NoError(t, err)
		t.Cleanup(func() { _ = n.Close() })
		nets[name] = n
	}
	return nets
}

func randomInputs(seed uint64, samples, inputs int) []float32 {
	r := newTestRand(seed)
	x := make([]float32, samples*inputs)
	for i := range x {
		x[i] = r.Float32()*2 - 1
	}
	return x
}

// TestPredictorMatchesNetwork: a Predictor computes what the network's
// Predict computes for batches below, at and above its pass size: bit for
// bit with the network's pass size, to rounding with another (a pass of
// another size may take the other path, tiny loops or GEMM).
func TestPredictorMatchesNetwork(t *testing.T) {
	for name, n := range predictorNets(t) {
		for _, mb := range []int{0, 1, 3, 64} {
			p, err := n.NewPredictor(mb)
			require.NoError(t, err, name)
			for _, samples := range []int{1, 2, 5, 16, 33, 100} {
				x := randomInputs(uint64(samples), samples, n.Inputs())
				want := make([]float32, samples*n.Outputs())
				got := make([]float32, samples*n.Outputs())
				require.NoError(t, n.Predict(x, samples, want))
				for _, q := range []*Predictor{p, p.Clone()} {
					clear(got)
					require.NoError(t, q.Predict(x, samples, got))
					if mb == 0 {
						require.Equal(t, want, got, "%s, %d samples", name, samples)
					} else {
						require.InDeltaSlice(t, want, got, 1e-5, "%s, predictor batch %d, %d samples", name, mb, samples)
					}
				}
			}
		}
	}
}

// TestPredictorIsASnapshot: training the network, or closing it, does not
// change what a Predictor made before computes.
func TestPredictorIsASnapshot(t *testing.T) {
	n := servingNet(t, 2)
	x, _ := servingInputs(t, n, 8)
	want := make([]float32, 8*n.Outputs())
	require.NoError(t, n.Predict(x, 8, want))
	p, err := n.NewPredictor(8)
	require.NoError(t, err)
	y := make([]float32, 8*n.Outputs())
	_, err = n.Fit(x, y, 8, FitOptions{Epochs: 3})
	require.NoError(t, err)
	moved := make([]float32, len(want))
	require.NoError(t, n.Predict(x, 8, moved))
	require.NotEqual(t, want, moved, "training changed the network")
	got := make([]float32, len(want))
	require.NoError(t, p.Predict(x, 8, got))
	require.Equal(t, want, got)
	require.NoError(t, n.Close())
	require.NoError(t, p.Clone().Predict(x, 8, got))
	require.Equal(t, want, got, "after the network's Close")
}

// TestPredictorsConcurrent: goroutines each with their own Clone, all at
// once, get the serial answers, on every kernel path: under -race, the
// generic path is the one whose memory accesses the race detector sees
// (it does not see inside the assembly kernels).
func TestPredictorsConcurrent(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		for name, n := range predictorNets(t) {
			const samples, calls = 40, 50
			x := randomInputs(7, samples, n.Inputs())
			in, o := n.Inputs(), n.Outputs()
			// call is the i-th call of goroutine g: k samples from s.
			call := func(g, i int) (s, k int) {
				s = (g*7 + i) % samples
				return s, min(1+(g+i)%3, samples-s)
			}
			// The serial reference: the same calls, one after the other, on
			// the network (the same rows through the same code path: with
			// FMA, as GOAMD64=v3 compiles the tiny loops, a row's result
			// depends on the loop that computed it).
			want := make([][][]float32, 8)
			for g := range want {
				want[g] = make([][]float32, calls)
				for i := range want[g] {
					s, k := call(g, i)
					want[g][i] = make([]float32, k*o)
					require.NoError(t, n.Predict(x[s*in:(s+k)*in], k, want[g][i]))
				}
			}
			base, err := n.NewPredictor(0)
			require.NoError(t, err)
			var wg sync.WaitGroup
			errs := make([]error, 8)
			for g := range errs {
				wg.Add(1)
				go func(g int, p *Predictor) {
					defer wg.Done()
					out := make([]float32, samples*o)
					for i := 0; i < calls; i++ {
						s, k := call(g, i)
						if err := p.Predict(x[s*in:(s+k)*in], k, out); err != nil {
							errs[g] = err
							return
						}
						if !slices.Equal(out[:k*o], want[g][i]) {
							errs[g] = errors.New("wrong output")
							return
						}
					}
				}(g, base.Clone())
			}
			wg.Wait()
			for g, err := range errs {
				require.NoError(t, err, "%s: goroutine %d", name, g)
			}
		}
	})
}

// TestPredictorConcurrentUseIsDetected: one Predictor shared by goroutines
// answers each call right or with ErrConcurrentUse.
func TestPredictorConcurrentUseIsDetected(t *testing.T) {
	n := servingNet(t, 1)
	x, want := servingInputs(t, n, 16)
	p, err := n.NewPredictor(1)
	require.NoError(t, err)
	in, o := n.Inputs(), n.Outputs()
	var wg sync.WaitGroup
	var mu sync.Mutex
	wrong := 0
	var other error
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			out := make([]float32, o)
			for i := 0; i < 200; i++ {
				s := (g + i) % 16
				err := p.Predict(x[s*in:(s+1)*in], 1, out)
				mu.Lock()
				switch {
				case errors.Is(err, ErrConcurrentUse):
				case err != nil:
					other = err
				default:
					for j := range out {
						if out[j] != want[s*o+j] {
							wrong++
							break
						}
					}
				}
				mu.Unlock()
			}
		}(g)
	}
	wg.Wait()
	require.NoError(t, other)
	require.Zero(t, wrong)
}

// TestPredictorErrors: bad shapes and inputs are errors, as for Predict.
func TestPredictorErrors(t *testing.T) {
	n := servingNet(t, 1)
	p, err := n.NewPredictor(4)
	require.NoError(t, err)
	x := make([]float32, 2*784)
	out := make([]float32, 20)
	require.ErrorIs(t, p.Predict(x, 0, out), ErrShape)
	require.ErrorIs(t, p.Predict(x, 3, out), ErrShape)
	require.ErrorIs(t, p.Predict(x, 2, out[:19]), ErrShape)
	x[800] = float32(math.NaN())
	err = p.Predict(x, 2, out)
	require.ErrorIs(t, err, ErrData)
	require.ErrorContains(t, err, "entrena: bad data: input 800 (sample 1, feature 16)")
	_, err = n.NewPredictor(-1)
	require.ErrorIs(t, err, ErrShape)
	var none *Predictor
	require.ErrorIs(t, none.Predict(x, 1, out), ErrClosed)
	require.NoError(t, n.Close())
	_, err = n.NewPredictor(0)
	require.ErrorIs(t, err, ErrClosed)
}

// TestPredictorAllocs: Predict allocates nothing, one sample or many.
func TestPredictorAllocs(t *testing.T) {
	for name, n := range predictorNets(t) {
		p, err := n.NewPredictor(0)
		require.NoError(t, err)
		for _, samples := range []int{1, n.MaxBatch(), 3*n.MaxBatch() + 1} {
			x := randomInputs(1, samples, n.Inputs())
			out := make([]float32, samples*n.Outputs())
			allocs := testing.AllocsPerRun(20, func() {
				if err := p.Predict(x, samples, out); err != nil {
					t.Fatal(err)
				}
			})
			require.Zero(t, allocs, "%s, %d samples", name, samples)
		}
	}
}

// BenchmarkPredictorPredict is one Predictor on one goroutine, next to
// Network.Predict of the same 784-128-10 network.
func BenchmarkPredictorPredict(b *testing.B) {
	n := servingNet(b, 1)
	for _, batch := range []int{1, 32} {
		x := randomInputs(3, batch, n.Inputs())
		out := make([]float32, batch*n.Outputs())
		p, err := n.NewPredictor(batch)
		require.NoError(b, err)
		for name, predict := range map[string]func([]float32, int, []float32) error{"network": n.Predict, "predictor": p.Predict} {
			b.Run(fmt.Sprintf("%s/batch=%d", name, batch), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if err := predict(x, batch, out); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkServe8: 8 goroutines serving one 784-128-10 model, one sample
// or 32 per call, each with its own Clone or all through one
// PredictorPool. It reports the calls and samples per second over all
// goroutines and the median and 99th percentile of one call's latency.
func BenchmarkServe8(b *testing.B) {
	n := servingNet(b, 1)
	for _, batch := range []int{1, 32} {
		for _, pooled := range []bool{false, true} {
			b.Run(fmt.Sprintf("batch=%d/%s", batch, map[bool]string{false: "clones", true: "pool"}[pooled]), func(b *testing.B) {
				const goroutines = 8
				base, err := n.NewPredictor(batch)
				require.NoError(b, err)
				var predict func(*Predictor) func([]float32, int, []float32) error
				if pooled {
					pool := base.Pool()
					predict = func(*Predictor) func([]float32, int, []float32) error { return pool.Predict }
				} else {
					predict = func(p *Predictor) func([]float32, int, []float32) error { return p.Predict }
				}
				x := randomInputs(3, batch, n.Inputs())
				per := b.N/goroutines + 1
				lat := make([][]time.Duration, goroutines)
				var wg sync.WaitGroup
				b.ReportAllocs()
				b.ResetTimer()
				start := time.Now()
				for g := range lat {
					lat[g] = make([]time.Duration, 0, per)
					wg.Add(1)
					go func(predict func([]float32, int, []float32) error, lat *[]time.Duration) {
						defer wg.Done()
						out := make([]float32, batch*n.Outputs())
						for i := 0; i < per; i++ {
							t0 := time.Now()
							if err := predict(x, batch, out); err != nil {
								panic(err)
							}
							*lat = append(*lat, time.Since(t0))
						}
					}(predict(base.Clone()), &lat[g])
				}
				wg.Wait()
				elapsed := time.Since(start)
				b.StopTimer()
				var all []time.Duration
				for _, l := range lat {
					all = append(all, l...)
				}
				sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
				calls := float64(len(all))
				b.ReportMetric(calls/elapsed.Seconds(), "calls/s")
				b.ReportMetric(calls*float64(batch)/elapsed.Seconds(), "samples/s")
				b.ReportMetric(float64(all[len(all)*99/100].Nanoseconds())/1e3, "p99-µs")
				b.ReportMetric(float64(all[len(all)/2].Nanoseconds())/1e3, "p50-µs")
			})
		}
	}
}

// TestPredictorPoolConcurrent: goroutines sharing one PredictorPool all
// get the serial answers, without ErrConcurrentUse, on every kernel path.
func TestPredictorPoolConcurrent(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		n := servingNet(t, 1)
		x, want := servingInputs(t, n, 24)
		pool, err := n.NewPredictorPool(0)
		require.NoError(t, err)
		in, o := pool.Inputs(), pool.Outputs()
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for g := range errs {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				out := make([]float32, o)
				for i := 0; i < 100; i++ {
					s := (g*5 + i) % 24
					if err := pool.Predict(x[s*in:(s+1)*in], 1, out); err != nil {
						errs[g] = err
						return
					}
					if !slices.Equal(out, want[s*o:(s+1)*o]) {
						errs[g] = errors.New("wrong output")
						return
					}
				}
			}(g)
		}
		wg.Wait()
		for g, err := range errs {
			require.NoError(t, err, "goroutine %d", g)
		}
		out := make([]float32, o)
		if !raceEnabled { // under -race, sync.Pool drops a quarter of what it is given
			allocs := testing.AllocsPerRun(50, func() { _ = pool.Predict(x, 1, out) })
			require.Zero(t, allocs)
		}
		var none *PredictorPool
		require.ErrorIs(t, none.Predict(x, 1, out), ErrClosed)
	})
}

// BenchmarkPredictorCreate: what a serving copy of 784-128-10 costs: a
// NewPredictor (the weights' snapshot and scratch) and a Clone (scratch).
func BenchmarkPredictorCreate(b *testing.B) {
	n := servingNet(b, 1)
	b.Run("NewPredictor", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := n.NewPredictor(1); err != nil {
				b.Fatal(err)
			}
		}
	})
	p, err := n.NewPredictor(1)
	require.NoError(b, err)
	b.Run("Clone", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_ = p.Clone()
		}
	})
}

// TestZeroAndNilPredictors: a nil or zero Predictor or PredictorPool (one
// NewPredictor or Pool did not make) answers ErrClosed and 0 sizes; its
// Clone and Pool are as unusable, never a panic.
func TestZeroAndNilPredictors(t *testing.T) {
	x, out := []float32{1, 2}, make([]float32, 1)
	var zero Predictor
	var none *Predictor
	for name, p := range map[string]*Predictor{"zero": &zero, "nil": none} {
		err := p.Predict(x, 1, out)
		require.ErrorIs(t, err, ErrClosed, name)
		require.NotContains(t, err.Error(), "internal error", name)
		require.Zero(t, p.Inputs(), name)
		require.Zero(t, p.Outputs(), name)
		require.Zero(t, p.MaxBatch(), name)
		require.Nil(t, p.Clone(), name)
		require.ErrorIs(t, p.Clone().Predict(x, 1, out), ErrClosed, name)
		pp := p.Pool()
		require.ErrorIs(t, pp.Predict(x, 1, out), ErrClosed, name)
		require.Zero(t, pp.Inputs(), name)
		require.Zero(t, pp.Outputs(), name)
	}
	var zeroPool PredictorPool
	require.ErrorIs(t, zeroPool.Predict(x, 1, out), ErrClosed)
	require.Zero(t, zeroPool.Inputs())
	var nilPool *PredictorPool
	require.ErrorIs(t, nilPool.Predict(x, 1, out), ErrClosed)
	require.Zero(t, nilPool.Outputs())
}
