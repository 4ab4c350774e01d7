package core

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The interfaces a Go developer expects the types to satisfy.
var (
	_ io.Closer                  = (*Network)(nil)
	_ io.WriterTo                = (*Network)(nil)
	_ fmt.Stringer               = (*Network)(nil)
	_ encoding.BinaryMarshaler   = (*Network)(nil)
	_ encoding.BinaryUnmarshaler = (*Network)(nil)
	_ encoding.TextMarshaler     = Activation(0)
	_ encoding.TextUnmarshaler   = (*Loss)(nil)
	_ json.Unmarshaler           = (*OptimizerKind)(nil)
)

// everyCall calls each method of n that needs its buffers and returns the
// errors by name.
func everyCall(n *Network) map[string]error {
	x, y, out := make([]float32, 8), make([]float32, 4), make([]float32, 4)
	errs := map[string]error{}
	errs["Predict"] = n.Predict(x, 4, out)
	_, _, errs["Evaluate"] = n.Evaluate(x, y, 4)
	_, errs["TrainStep"] = n.TrainStep(x, y, 4)
	_, errs["Fit"] = n.Fit(x, y, 4, FitOptions{Epochs: 1})
	_, _, errs["Weights"] = n.Weights(0)
	_, errs["CopyParams"] = n.CopyParams(make([]float32, 100))
	errs["SetParams"] = n.SetParams(make([]float32, n.ParamCount()))
	errs["Reseed"] = n.Reseed(1)
	errs["ResetOptimizer"] = n.ResetOptimizer()
	errs["SetLearningRate"] = n.SetLearningRate(0.1)
	errs["SetThreads"] = n.SetThreads(1)
	_, errs["Encode"] = n.Encode(make([]byte, 1000))
	_, errs["MarshalBinary"] = n.MarshalBinary()
	_, errs["WriteTo"] = n.WriteTo(io.Discard)
	_, errs["NewPredictor"] = n.NewPredictor(0)
	return errs
}

// TestClose: Close is idempotent; every later call is a clear ErrClosed,
// and Threads is 0. A nil or zero Network behaves as a closed one, with no
// "integer divide by zero" or panic.
func TestClose(t *testing.T) {
	n := xorNet(t, 1, 0.5)
	for name, err := range everyCall(n) {
		require.NoError(t, err, name)
	}
	require.Equal(t, "entrena.Network 2-8-1 sigmoid/mse sgd", n.String())
	require.NoError(t, n.Close())
	require.NoError(t, n.Close(), "a second Close")
	require.Zero(t, n.Threads())
	require.Equal(t, "entrena.Network 2-8-1 sigmoid/mse sgd (closed)", n.String())
	for name, err := range everyCall(n) {
		require.ErrorIs(t, err, ErrClosed, name)
		require.ErrorContains(t, err, "entrena: network closed: Close was called", name)
	}
	var zero Network
	var nilNet *Network
	for _, z := range []*Network{&zero, nilNet} {
		require.NoError(t, z.Close())
		require.Zero(t, z.Threads())
		require.Zero(t, z.Outputs())
		require.Zero(t, z.EncodedSize())
		require.Equal(t, "entrena.Network (zero)", z.String())
		for name, err := range everyCall(z) {
			require.ErrorIs(t, err, ErrClosed, name)
			require.NotContains(t, err.Error(), "divide", name)
		}
	}
}

// TestProgressCallbackCalls: Fit's progress callback may call the
// network's methods between batches, except those that would pull the
// buffers from under Fit, which return ErrConcurrentUse.
func TestProgressCallbackCalls(t *testing.T) {
	n := xorNet(t, 1, 0.5)
	allowed, refused := map[string]error{}, map[string]error{}
	_, err := n.Fit(xorX, xorY, 4, FitOptions{Epochs: 2, BatchSize: 2, Progress: func(p Progress) bool {
		if p.Epoch != 1 || p.EpochDone {
			return true
		}
		out := make([]float32, 4)
		allowed["Predict"] = n.Predict(xorX, 4, out)
		_, _, allowed["Evaluate"] = n.Evaluate(xorX, xorY, 4)
		allowed["SetLearningRate"] = n.SetLearningRate(0.4)
		_, allowed["MarshalBinary"] = n.MarshalBinary()
		_, allowed["NewPredictor"] = n.NewPredictor(0)
		_, refused["Fit"] = n.Fit(xorX, xorY, 4, FitOptions{Epochs: 1})
		refused["SetThreads"] = n.SetThreads(1)
		refused["Close"] = n.Close()
		return true
	}})
	require.NoError(t, err)
	require.Len(t, allowed, 5)
	for name, err := range allowed {
		require.NoError(t, err, name)
	}
	require.Len(t, refused, 3)
	for name, err := range refused {
		require.ErrorIs(t, err, ErrConcurrentUse, name)
		require.ErrorContains(t, err, "progress callback", name)
	}
	require.NotZero(t, n.Threads(), "still open")
	require.Equal(t, float32(0.4), n.Spec().Optimizer.LearningRate)
}

// TestConcurrentTrainingIsDetected: Predict while another goroutine trains
// the network is ErrConcurrentUse or a finite answer; the training sees
// ErrConcurrentUse or succeeds, and nothing else happens.
func TestConcurrentTrainingIsDetected(t *testing.T) {
	n := servingNet(t, 1)
	x := randomInputs(1, 32, 784)
	y := make([]float32, 32*10)
	done := make(chan error)
	go func() {
		for i := 0; i < 200; i++ {
			if _, err := n.TrainStep(x, y, 32); err != nil && !errors.Is(err, ErrConcurrentUse) {
				done <- err
				return
			}
		}
		done <- nil
	}()
	out := make([]float32, 10)
	refused := 0
	for i := 0; i < 2000; i++ {
		err := n.Predict(x, 1, out)
		if errors.Is(err, ErrConcurrentUse) {
			refused++
			continue
		}
		require.NoError(t, err)
	}
	require.NoError(t, <-done)
	t.Logf("%d of 2000 Predicts refused while training", refused)
}

// TestUnmarshalBinary: a zero Network, a closed one or a live one becomes
// the network of the data; bad data leaves it as it was.
func TestUnmarshalBinary(t *testing.T) {
	src := smallNet(t)
	data, err := src.MarshalBinary()
	require.NoError(t, err)

	var zero Network
	require.NoError(t, zero.UnmarshalBinary(data))
	again, err := zero.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, data, again)
	require.Equal(t, src.String(), zero.String())
	require.NoError(t, zero.Close())
	require.NoError(t, zero.UnmarshalBinary(data), "a closed network")

	live := xorNet(t, 2, 0.5)
	before, err := live.MarshalBinary()
	require.NoError(t, err)
	bad := bytes.Clone(data)
	bad[len(bad)-1] ^= 1
	require.ErrorIs(t, live.UnmarshalBinary(bad), ErrModel)
	after, err := live.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, before, after, "unchanged after bad data")
	require.NoError(t, live.UnmarshalBinary(data))
	after, err = live.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, data, after)
	y := make([]float32, 2*live.Outputs()) // one-hot: any loss takes it
	y[0], y[live.Outputs()] = 1, 1
	_, err = live.TrainStep(make([]float32, 2*live.Inputs()), y, 2)
	require.NoError(t, err)
	require.NoError(t, live.Close())
}

// TestSpecJSON: a Spec goes through encoding/json with the enums as names
// and comes back equal; the numbers older JSON held are read too.
func TestSpecJSON(t *testing.T) {
	spec := Spec{Inputs: 3, Layers: []Layer{{Units: 5, Activation: ReLU}, {Units: 2, Activation: Softmax}}, Loss: CategoricalCrossEntropy,
		Optimizer: Optimizer{Kind: Adam, LearningRate: 0.01, Beta1: 0.8}, MaxBatch: 4, Seed: 7}
	b, err := json.Marshal(spec)
	require.NoError(t, err)
	for _, name := range []string{`"Activation":"relu"`, `"Activation":"softmax"`, `"Loss":"categorical-crossentropy"`, `"Kind":"adam"`} {
		require.Contains(t, string(b), name)
	}
	var back Spec
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, spec, back)

	old := strings.NewReplacer(`"relu"`, `2`, `"softmax"`, `4`, `"categorical-crossentropy"`, `2`, `"adam"`, `2`).Replace(string(b))
	var fromOld Spec
	require.NoError(t, json.Unmarshal([]byte(old), &fromOld))
	require.Equal(t, spec, fromOld)

	for _, bad := range []string{`{"Loss":"hinge"}`, `{"Loss":7}`, `{"Loss":-1}`, `{"Loss":true}`} {
		var s Spec
		require.ErrorIs(t, json.Unmarshal([]byte(bad), &s), ErrSpec, bad)
	}
	_, err = json.Marshal(Spec{Layers: []Layer{{Units: 1, Activation: Activation(9)}}})
	require.ErrorIs(t, err, ErrSpec)
}

// TestOptimizerUnsetAndZero: a hyper-parameter the optimizer does not use
// is an ErrSpec; ExplicitZero asks for an actual 0, kept through a file.
func TestOptimizerUnsetAndZero(t *testing.T) {
	base := Spec{Inputs: 2, Layers: []Layer{{Units: 3, Activation: Sigmoid}, {Units: 1, Activation: Sigmoid}}, MaxBatch: 4, Seed: 1}
	for name, o := range map[string]Optimizer{
		"sgd momentum":  {Kind: SGD, LearningRate: 0.1, Momentum: 0.5},
		"sgd beta1":     {Kind: SGD, LearningRate: 0.1, Beta1: 0.5},
		"adam momentum": {Kind: Adam, LearningRate: 0.1, Momentum: 0.5},
		"momentum eps":  {Kind: Momentum, LearningRate: 0.1, Epsilon: 1e-7},
	} {
		s := base
		s.Optimizer = o
		_, err := New(s)
		require.ErrorIs(t, err, ErrSpec, name)
		require.ErrorContains(t, err, "only used by", name)
	}

	s := base
	s.Optimizer = Optimizer{Kind: Adam, LearningRate: 0.1, Beta1: ExplicitZero()}
	n, err := New(s)
	require.NoError(t, err)
	defer n.Close()
	o := n.Spec().Optimizer
	require.Zero(t, o.Beta1, "an actual 0, not the default 0.9")
	require.True(t, math.Signbit(float64(o.Beta1)))
	require.Equal(t, float32(0.999), o.Beta2, "unset: the default")
	_, err = n.TrainStep(xorX, xorY, 4)
	require.NoError(t, err)
	data, err := n.MarshalBinary()
	require.NoError(t, err)
	m, err := Decode(data)
	require.NoError(t, err)
	defer m.Close()
	require.Equal(t, math.Float32bits(o.Beta1), math.Float32bits(m.Spec().Optimizer.Beta1), "kept in the file")

	s.Optimizer = Optimizer{Kind: Adam, LearningRate: 0.1}
	d, err := New(s)
	require.NoError(t, err)
	defer d.Close()
	require.Equal(t, float32(0.9), d.Spec().Optimizer.Beta1)
}

// TestFitOptionErrors: one rule for batch sizes (ErrShape, in Fit as in
// TrainStep), and validation data without a sample count is an error.
func TestFitOptionErrors(t *testing.T) {
	n := xorNet(t, 1, 0.5)
	_, err := n.Fit(xorX, xorY, 4, FitOptions{Epochs: 1, BatchSize: 5})
	require.ErrorIs(t, err, ErrShape)
	_, err = n.TrainStep(xorX, xorY, 5)
	require.ErrorIs(t, err, ErrShape)
	_, err = n.Fit(xorX, xorY, 4, FitOptions{Epochs: 1, ValX: xorX, ValY: xorY})
	require.ErrorIs(t, err, ErrSpec)
	require.ErrorContains(t, err, "ValSamples")
	h, err := n.Fit(xorX, xorY, 4, FitOptions{Epochs: 1, ValX: xorX, ValY: xorY, ValSamples: 4})
	require.NoError(t, err)
	require.Len(t, h.ValLoss, 1)
}

// TestErrorPrefix: every error the package returns starts with
// "entrena: ", however it was made.
func TestErrorPrefix(t *testing.T) {
	n := xorNet(t, 1, 0.5)
	_, err := New(Spec{})
	errs := []error{err, Spec{}.Validate(), n.Predict(nil, 0, nil), n.SetLearningRate(-1)}
	_, err = n.Fit(xorX, xorY, 4, FitOptions{Epochs: 1, ValSamples: 4, ValX: xorX[:2], ValY: xorY})
	errs = append(errs, err)
	_, err = Decode([]byte("nonsense"))
	errs = append(errs, err)
	_, err = ReadModel(bytes.NewReader(nil))
	errs = append(errs, err)
	_, err = Load("/nonexistent/model.bin")
	errs = append(errs, err)
	_, err = ParseLoss("hinge")
	errs = append(errs, err)
	_, err = n.Fit(xorX, xorY, 4, FitOptions{Epochs: 1, Progress: func(Progress) bool { panic("boom") }})
	errs = append(errs, err)
	for _, err := range errs {
		require.Error(t, err)
		require.True(t, strings.HasPrefix(err.Error(), "entrena: "), "%q", err)
		require.Equal(t, 1, strings.Count(err.Error(), "entrena: "), "%q", err)
	}
}
