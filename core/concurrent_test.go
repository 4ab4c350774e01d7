package core

import (
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// servingNet is the 784-128-10 network of a digit classifier, on the
// kernels' GEMM path (not the tiny loops).
func servingNet(t testing.TB, threads int) *Network {
	n, err := New(Spec{Inputs: 784, Layers: []Layer{{Units: 128, Activation: Sigmoid}, {Units: 10, Activation: Sigmoid}}, Loss: MSE,
		Optimizer: Optimizer{LearningRate: 0.1}, MaxBatch: 32, Seed: 3, Threads: threads})
	require.NoError(t, err)
	t.Cleanup(func() { _ = n.Close() })
	return n
}

// servingInputs returns samples rows of 784 inputs and the network's
// outputs for each, computed one sample per call, one call at a time: the
// serial reference of single-sample calls (a kernel may round a row
// differently in a larger batch).
func servingInputs(t testing.TB, n *Network, samples int) (x, want []float32) {
	r := newTestRand(11)
	in, o := n.Inputs(), n.Outputs()
	x = make([]float32, samples*in)
	for i := range x {
		x[i] = r.Float32()
	}
	want = make([]float32, samples*o)
	for s := 0; s < samples; s++ {
		require.NoError(t, n.Predict(x[s*in:(s+1)*in], 1, want[s*o:(s+1)*o]))
	}
	return x, want
}

// TestConcurrentPredictIsDetected: goroutines calling Predict on one
// Network at once either get the serial answer or ErrConcurrentUse, never
// different numbers (the call shares the network's activation buffers).
// On every kernel path: under -race, the generic one shows any access the
// claim fails to keep apart.
func TestConcurrentPredictIsDetected(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		n := servingNet(t, 1)
		const samples = 64
		x, want := servingInputs(t, n, samples)
		in, o := n.Inputs(), n.Outputs()
		var (
			wg              sync.WaitGroup
			mu              sync.Mutex
			wrong, refused  int
			calls           int
			unexpectedError error
		)
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				out := make([]float32, o)
				for i := 0; i < 300; i++ {
					s := (g*37 + i) % samples
					err := n.Predict(x[s*in:(s+1)*in], 1, out)
					mu.Lock()
					calls++
					switch {
					case errors.Is(err, ErrConcurrentUse):
						refused++
					case err != nil:
						unexpectedError = err
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
		t.Logf("%d calls: %d refused as concurrent, %d wrong", calls, refused, wrong)
		require.NoError(t, unexpectedError)
		require.Zero(t, wrong, "Predict returned wrong outputs under concurrent use")
	})
}

// TestMonitorWhileTraining: History may be called from another goroutine
// while Fit runs, to follow training (under -race, an unsynchronised read
// of the history shows), and each History extends the one before.
func TestMonitorWhileTraining(t *testing.T) {
	n, err := New(Spec{Inputs: 2, Layers: []Layer{{Units: 4, Activation: Tanh}, {Units: 1, Activation: Sigmoid}}, Loss: MSE,
		Optimizer: Optimizer{Kind: Adam, LearningRate: 0.01}, MaxBatch: 4, Seed: 1})
	require.NoError(t, err)
	t.Cleanup(func() { _ = n.Close() })
	x := []float32{0, 0, 0, 1, 1, 0, 1, 1}
	y := []float32{0, 1, 1, 0}

	const epochs = 2000
	done := make(chan error, 1)
	var fitted History
	go func() {
		h, err := n.Fit(x, y, 4, FitOptions{Epochs: epochs})
		fitted = h
		done <- err
	}()
	var last []float32
	for i := 0; i < 1000; i++ {
		h := n.History()
		require.GreaterOrEqual(t, len(h), len(last))
		require.True(t, slices.Equal(last, h[:len(last)]), "history %v does not extend %v", h, last)
		last = h
	}
	require.NoError(t, <-done)
	require.EqualValues(t, epochs, n.Steps())
	require.Equal(t, fitted.Cost, n.History())

	// A copy: the caller's slice does not alias the network's buffers.
	h := n.History()
	h[0] = -1
	require.NotEqual(t, float32(-1), n.History()[0])

	// Between calls a History and a Fit's History hold the same costs.
	more, err := n.Fit(x, y, 4, FitOptions{Epochs: 3})
	require.NoError(t, err)
	require.Equal(t, more.Cost, n.History()[epochs:])
	require.EqualValues(t, epochs+3, n.Steps())
}
