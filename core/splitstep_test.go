package core

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSplitStepIsTrainStep: Gradients then ApplyGradients is TrainStep's
// step, for each optimizer (plain SGD's fused product agrees to rounding).
func TestSplitStepIsTrainStep(t *testing.T) {
	x, y := blobs(11, 32, 12, 4)
	for _, opt := range []OptimizerKind{SGD, Momentum, Adam} {
		a, b := distNet(t, opt, 1), distNet(t, opt, 1)
		g := make([]float32, b.ParamCount())
		for range 20 {
			ca, err := a.TrainStep(x, y, 32)
			require.NoError(t, err)
			cb, err := b.Gradients(x, y, 32, g)
			require.NoError(t, err)
			require.NoError(t, b.ApplyGradients(g))
			require.InDelta(t, ca, cb, 1e-5)
		}
		require.Less(t, relDiff(params(a), params(b)), 1e-5, "%s", opt)
		require.Equal(t, a.Steps(), b.Steps())
	}
}

// TestSplitStepAverage: the mean of two half batches' gradients, applied,
// is the step of the whole batch.
func TestSplitStepAverage(t *testing.T) {
	x, y := blobs(12, 32, 12, 4)
	a, b := distNet(t, Adam, 1), distNet(t, Adam, 1)
	g1, g2 := make([]float32, b.ParamCount()), make([]float32, b.ParamCount())
	for range 10 {
		_, err := a.TrainStep(x, y, 32)
		require.NoError(t, err)
		_, err = b.Gradients(x[:16*12], y[:16*4], 16, g1)
		require.NoError(t, err)
		_, err = b.Gradients(x[16*12:], y[16*4:], 16, g2)
		require.NoError(t, err)
		for i := range g1 {
			g1[i] = (g1[i] + g2[i]) / 2
		}
		require.NoError(t, b.ApplyGradients(g1))
	}
	require.Less(t, relDiff(params(a), params(b)), 1e-5)
}

func TestSplitStepErrors(t *testing.T) {
	x, y := blobs(13, 8, 12, 4)
	n := distNet(t, Momentum, 1)
	before := params(n)
	g := make([]float32, n.ParamCount())
	_, err := n.Gradients(x, y, 8, g[:len(g)-1])
	require.ErrorIs(t, err, ErrShape)
	require.ErrorIs(t, n.ApplyGradients(g[:len(g)-1]), ErrShape)
	bad := append([]float32(nil), x...)
	bad[5] = float32(math.Inf(-1))
	_, err = n.Gradients(bad, y, 8, g)
	require.ErrorIs(t, err, ErrData)
	g[3] = float32(math.NaN())
	require.ErrorIs(t, n.ApplyGradients(g), ErrData)
	require.Equal(t, before, params(n))
	require.Zero(t, n.Steps())
	// The velocity 0.9·3e38 + 3e38 of the second step overflows.
	for i := range g {
		g[i] = 3e38
	}
	require.NoError(t, n.ApplyGradients(g))
	after := params(n)
	err = n.ApplyGradients(g)
	require.ErrorIs(t, err, ErrDiverged)
	require.Equal(t, after, params(n))
	require.EqualValues(t, 1, n.Steps())
}

func TestSplitStepAllocs(t *testing.T) {
	x, y := blobs(14, 32, 12, 4)
	for _, opt := range []OptimizerKind{SGD, Momentum, Adam} {
		n := distNet(t, opt, 2)
		g := make([]float32, n.ParamCount())
		require.Zero(t, testing.AllocsPerRun(20, func() {
			if _, err := n.Gradients(x, y, 32, g); err != nil {
				t.Fatal(err)
			}
			if err := n.ApplyGradients(g); err != nil {
				t.Fatal(err)
			}
		}), "%s", opt)
	}
}
