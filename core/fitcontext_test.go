package core

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func requireFiniteParams(t *testing.T, n *Network) {
	t.Helper()
	p := make([]float32, n.ParamCount())
	_, err := n.CopyParams(p)
	require.NoError(t, err)
	require.Equal(t, -1, firstNonFinite(p), "a parameter is NaN or Inf")
}

// TestFitContextCancelMidEpoch: a context cancelled during an epoch stops
// Fit after the current batch with ctx.Err(); the network keeps the
// batches' updates, is finite and trains on.
func TestFitContextCancelMidEpoch(t *testing.T) {
	x, y := blobs(5, 64, 6, 3)
	n, err := New(Spec{Inputs: 6, Layers: []Layer{{Units: 16, Activation: Tanh}, {Units: 3, Activation: Softmax}}, Loss: CategoricalCrossEntropy,
		Optimizer: Optimizer{Kind: Adam, LearningRate: 0.01}, MaxBatch: 8, Seed: 4})
	require.NoError(t, err)
	defer n.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	batches := 0
	h, err := n.FitContext(ctx, x, y, 64, FitOptions{Epochs: 3, BatchSize: 8, Shuffle: true, Progress: func(p Progress) bool {
		if !p.EpochDone {
			batches++
		}
		if p.Epoch == 2 && p.Batch == 3 {
			cancel()
		}
		return true
	}})
	require.Equal(t, context.Canceled, err, "ctx.Err() itself")
	require.Len(t, h.Cost, 1, "the completed epoch")
	require.Equal(t, int64(8+3), n.Steps(), "epoch 1's batches and the 3 of epoch 2 before the cancel")
	require.Equal(t, 7+3, batches)
	requireFiniteParams(t, n)
	_, err = n.Fit(x, y, 64, FitOptions{Epochs: 1, BatchSize: 8})
	require.NoError(t, err)
	_, _, err = n.Evaluate(x, y, 64)
	require.NoError(t, err)
}

// TestFitContextDeadline: a deadline ends a long Fit with
// context.DeadlineExceeded soon after it passes.
func TestFitContextDeadline(t *testing.T) {
	x, y := blobs(6, 256, 8, 2)
	n, err := New(Spec{Inputs: 8, Layers: []Layer{{Units: 32, Activation: Sigmoid}, {Units: 2, Activation: Sigmoid}}, Optimizer: Optimizer{LearningRate: 0.5}, MaxBatch: 16, Seed: 5})
	require.NoError(t, err)
	defer n.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = n.FitContext(ctx, x, y, 256, FitOptions{Epochs: 1 << 30, BatchSize: 16})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 5*time.Second)
	require.Greater(t, n.Steps(), int64(0))
	requireFiniteParams(t, n)
}

// TestFitContextAlreadyCancelled: nothing changes, ctx.Err() at once.
func TestFitContextAlreadyCancelled(t *testing.T) {
	n := xorNet(t, 1, 0.5)
	before := stateOf(n)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h, err := n.FitContext(ctx, xorX, xorY, 4, FitOptions{Epochs: 5, Progress: func(Progress) bool {
		t.Error("no batch may run")
		return true
	}})
	require.True(t, errors.Is(err, context.Canceled))
	require.Empty(t, h.Cost)
	require.Zero(t, n.Steps())
	requireSameBits(t, before, stateOf(n), "untouched")
}

// TestFitStopKeepsParamsFinite: training stopped (callback or context)
// right after an update that made a parameter Inf is a *DivergedError
// with the epoch's start restored, never a network with non-finite weights.
func TestFitStopKeepsParamsFinite(t *testing.T) {
	x, y := blobs(4, 16, 4, 2)
	for _, viaContext := range []bool{false, true} {
		n, err := New(Spec{Inputs: 4, Layers: []Layer{{Units: 8, Activation: Linear}, {Units: 2, Activation: Linear}}, Loss: MSE,
			Optimizer: Optimizer{Kind: SGD, LearningRate: 0.01}, MaxBatch: 16, Seed: 1})
		require.NoError(t, err)
		start := stateOf(n)
		ctx, cancel := context.WithCancel(context.Background())
		_, err = n.FitContext(ctx, x, y, 16, FitOptions{Epochs: 1, BatchSize: 4, Progress: func(p Progress) bool {
			if p.Batch == 1 {
				// The next update overflows the first layer's weights.
				require.NoError(t, n.SetLearningRate(3e38))
			}
			if p.Batch == 2 {
				cancel()
				return viaContext
			}
			return true
		}})
		cancel()
		var de *DivergedError
		require.ErrorAs(t, err, &de, "via context %v", viaContext)
		requireSameBits(t, start, stateOf(n), "restored to the start of the epoch")
		requireFiniteParams(t, n)
		require.NoError(t, n.Close())
	}
}
