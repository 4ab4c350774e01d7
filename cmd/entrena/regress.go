package main

import (
	"fmt"
	"math"
	"slices"

	"github.com/v1tr0/entrena/core"
	"github.com/v1tr0/entrena/data"
)

// Regression: the network learns standardised targets (mean 0, sd 1 over
// the training rows), which keeps a linear output's gradients sane whatever
// the unit; predictions are mapped back, and scored in the data's own units
// with the figures people read: RMSE, MAE and R².

// targetScale maps a target y to (y − offset) / scale.
type targetScale struct{ offset, scale float64 }

// fitTargetScale is the mean and population standard deviation of y
// (scale 1 for constant targets).
func fitTargetScale(y []float32) targetScale {
	var mean, m2 float64
	for i, v := range y {
		d := float64(v) - mean
		mean += d / float64(i+1)
		m2 += d * (float64(v) - mean)
	}
	sd := math.Sqrt(m2 / float64(len(y)))
	if !(sd > 0) || math.IsInf(sd, 0) {
		sd = 1
	}
	return targetScale{mean, sd}
}

func (t targetScale) apply(y []float32) {
	for i, v := range y {
		y[i] = float32((float64(v) - t.offset) / t.scale)
	}
}

func (t targetScale) undo(y []float32) {
	for i, v := range y {
		y[i] = float32(float64(v)*t.scale + t.offset)
	}
}

// scores are the regression metrics of predictions against targets.
type scores struct{ rmse, mae, r2 float64 }

// regressionScores scores pred against y (same units). R² is NaN when the
// targets are all equal.
func regressionScores(pred, y []float32) scores {
	var mean float64
	for _, v := range y {
		mean += float64(v)
	}
	mean /= float64(len(y))
	var sse, sae, sst float64
	for i, p := range pred {
		e := float64(p) - float64(y[i])
		sse += e * e
		sae += math.Abs(e)
		d := float64(y[i]) - mean
		sst += d * d
	}
	n := float64(len(y))
	r2 := math.NaN()
	if sst > 0 {
		r2 = 1 - sse/sst
	}
	return scores{math.Sqrt(sse / n), sae / n, r2}
}

func (s scores) String() string {
	return fmt.Sprintf("RMSE %.4g  MAE %.4g  R² %s", s.rmse, s.mae, r2String(s.r2))
}

func r2String(r2 float64) string {
	if math.IsNaN(r2) {
		return "n/a (constant targets)"
	}
	return fmt.Sprintf("%.4f", r2)
}

// predictOriginal runs net on set and returns its outputs in the targets'
// own units.
func predictOriginal(net *core.Network, set *data.Set, ts targetScale) ([]float32, error) {
	pred := make([]float32, set.Samples*net.Outputs())
	if err := net.Predict(set.X, set.Samples, pred); err != nil {
		return nil, err
	}
	ts.undo(pred)
	return pred, nil
}

// scoreSet scores net on set, whose targets are scaled by scaled (identity:
// as in the file).
func scoreSet(net *core.Network, set *data.Set, ts, scaled targetScale) (scores, error) {
	pred, err := predictOriginal(net, set, ts)
	if err != nil {
		return scores{}, err
	}
	y := slices.Clone(set.Y[:set.Samples*set.Outputs])
	scaled.undo(y)
	return regressionScores(pred, y), nil
}

// regressTrack scores the test set after every epoch, for the epoch lines,
// the history CSV and the plot.
type regressTrack struct {
	net  *core.Network
	set  *data.Set
	ts   targetScale
	y    []float32 // the test targets in their own units
	pred []float32
	hist []scores
}

func newRegressTrack(net *core.Network, set *data.Set, ts targetScale) *regressTrack {
	y := slices.Clone(set.Y[:set.Samples])
	ts.undo(y)
	return &regressTrack{net: net, set: set, ts: ts, y: y, pred: make([]float32, set.Samples)}
}

// epoch scores the network as it is now.
func (t *regressTrack) epoch() scores {
	if err := t.net.Predict(t.set.X, t.set.Samples, t.pred); err != nil {
		return scores{math.NaN(), math.NaN(), math.NaN()}
	}
	t.ts.undo(t.pred)
	s := regressionScores(t.pred, t.y)
	t.hist = append(t.hist, s)
	return s
}
