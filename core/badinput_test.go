package core

import (
	"errors"
	"math"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSpecErrors(t *testing.T) {
	good := Spec{Inputs: 2, Layers: []Layer{{Units: 3, Activation: Sigmoid}, {Units: 1, Activation: Sigmoid}}, Loss: MSE,
		Optimizer: Optimizer{LearningRate: 0.1}, MaxBatch: 4}
	nan := float32(math.NaN())
	for name, tc := range map[string]struct {
		mut  func(*Spec)
		want string
	}{
		"no inputs":        {func(s *Spec) { s.Inputs = 0 }, "inputs"},
		"no layers":        {func(s *Spec) { s.Layers = nil }, "at least one layer"},
		"zero units":       {func(s *Spec) { s.Layers[0].Units = 0 }, "layer 1: units"},
		"huge units":       {func(s *Spec) { s.Layers[0].Units = MaxUnits + 1 }, "units"},
		"bad activation":   {func(s *Spec) { s.Layers[1].Activation = 99 }, "unknown activation"},
		"hidden softmax":   {func(s *Spec) { s.Layers[0].Activation = Softmax }, "only allowed on the output"},
		"softmax mse":      {func(s *Spec) { s.Layers[1].Activation = Softmax }, "categorical-crossentropy"},
		"bce linear":       {func(s *Spec) { s.Loss = BinaryCrossEntropy; s.Layers[1].Activation = Linear }, "sigmoid output"},
		"bad loss":         {func(s *Spec) { s.Loss = 9 }, "unknown loss"},
		"bad optimizer":    {func(s *Spec) { s.Optimizer.Kind = 9 }, "unknown optimizer"},
		"zero lr":          {func(s *Spec) { s.Optimizer.LearningRate = 0 }, "learning rate"},
		"negative lr":      {func(s *Spec) { s.Optimizer.LearningRate = -1 }, "learning rate"},
		"NaN lr":           {func(s *Spec) { s.Optimizer.LearningRate = nan }, "learning rate"},
		"Inf lr":           {func(s *Spec) { s.Optimizer.LearningRate = float32(math.Inf(1)) }, "learning rate"},
		"momentum 1":       {func(s *Spec) { s.Optimizer.Kind = Momentum; s.Optimizer.Momentum = 1 }, "momentum"},
		"beta NaN":         {func(s *Spec) { s.Optimizer.Kind = Adam; s.Optimizer.Beta2 = nan }, "beta2"},
		"zero max batch":   {func(s *Spec) { s.MaxBatch = 0 }, "max batch"},
		"huge max batch":   {func(s *Spec) { s.MaxBatch = MaxBatchCap + 1 }, "max batch"},
		"too many params":  {func(s *Spec) { s.Inputs = MaxUnits; s.Layers[0].Units = MaxUnits }, "too large"},
		"too many acts":    {func(s *Spec) { s.MaxBatch = MaxBatchCap; s.Layers[0].Units = 4096 }, "too large"},
		"negative units":   {func(s *Spec) { s.Layers[1].Units = -1 }, "layer 2: units"},
		"negative batch":   {func(s *Spec) { s.MaxBatch = -1 }, "max batch"},
		"negative threads": {func(s *Spec) { s.Threads = -1 }, "threads"},
		"too many layers":  {func(s *Spec) { s.Layers = make([]Layer, MaxLayers+1) }, "at most"},
		"negative inputs":  {func(s *Spec) { s.Inputs = -5 }, "inputs"},
		"negative epsilon": {func(s *Spec) { s.Optimizer.Kind = Adam; s.Optimizer.Epsilon = -1 }, "epsilon"},
	} {
		s := good
		s.Layers = append([]Layer(nil), good.Layers...)
		tc.mut(&s)
		_, err := New(s)
		require.Error(t, err, name)
		require.ErrorIs(t, err, ErrSpec, name)
		require.ErrorContains(t, err, tc.want, name)
	}
	_, err := New(good)
	require.NoError(t, err)
}

func TestParseNames(t *testing.T) {
	for _, a := range []Activation{Sigmoid, Tanh, ReLU, Linear, Softmax} {
		got, err := ParseActivation(a.String())
		require.NoError(t, err)
		require.Equal(t, a, got)
	}
	l, err := ParseLoss("CCE")
	require.NoError(t, err)
	require.Equal(t, CategoricalCrossEntropy, l)
	o, err := ParseOptimizer("Adam")
	require.NoError(t, err)
	require.Equal(t, Adam, o)
	_, err = ParseActivation("swish")
	require.ErrorContains(t, err, `unknown activation "swish" (valid: sigmoid, tanh, relu, linear, softmax)`)
	_, err = ParseLoss("hinge")
	require.ErrorIs(t, err, ErrSpec)
	o, err = ParseOptimizer("RMSprop")
	require.NoError(t, err)
	require.Equal(t, RMSprop, o)
	_, err = ParseOptimizer("adagrad")
	require.ErrorContains(t, err, "valid: sgd, momentum, adam, rmsprop")
}

func TestDataErrors(t *testing.T) {
	n := xorNet(t, 1, 0.5)
	nanX := []float32{0, 0, float32(math.NaN()), 1}
	infY := []float32{0, float32(math.Inf(1))}
	out := make([]float32, 4)
	checks := map[string]struct {
		err  error
		kind error
		want string
	}{}
	add := func(name string, err error, kind error, want string) {
		checks[name] = struct {
			err  error
			kind error
			want string
		}{err, kind, want}
	}
	_, err := n.TrainStep(xorX, xorY, 5)
	add("batch > max", err, ErrShape, "max batch 4")
	_, err = n.TrainStep(xorX, xorY, 0)
	add("batch 0", err, ErrShape, "between 1")
	_, err = n.TrainStep(xorX[:3], xorY, 2)
	add("short x", err, ErrShape, "x has 3 floats, need 4")
	_, err = n.TrainStep(xorX, xorY[:1], 2)
	add("short y", err, ErrShape, "y has 1 floats, need 2")
	_, err = n.TrainStep(nanX, xorY, 2)
	add("NaN input", err, ErrData, "sample 1, feature 0) is NaN")
	_, err = n.TrainStep(xorX, infY, 2)
	add("Inf target", err, ErrData, "is +Inf")
	add("predict short out", n.Predict(xorX, 4, out[:3]), ErrShape, "output buffer")
	add("predict NaN", n.Predict(nanX, 2, out), ErrData, "NaN")
	add("predict 0 samples", n.Predict(xorX, 0, out), ErrShape, "at least one sample")
	_, _, err = n.Evaluate(xorX, infY, 2)
	add("evaluate Inf", err, ErrData, "+Inf")
	_, err = n.Fit(nil, nil, 0, FitOptions{Epochs: 1})
	add("fit empty", err, ErrShape, "at least one sample")
	_, err = n.Fit(xorX, xorY, 4, FitOptions{Epochs: 0})
	add("fit 0 epochs", err, ErrSpec, "epochs")
	_, err = n.Fit(xorX, xorY, 4, FitOptions{Epochs: 1, BatchSize: 9})
	add("fit batch too big", err, ErrShape, "batch of")
	_, err = n.Fit(xorX, xorY, 4, FitOptions{Epochs: 1, ValX: xorX, ValY: xorY[:1], ValSamples: 4})
	add("fit short validation", err, ErrShape, "validation data")
	add("set params short", n.SetParams(make([]float32, 3)), ErrShape, "need exactly")
	bad := make([]float32, n.ParamCount())
	bad[5] = float32(math.NaN())
	add("set params NaN", n.SetParams(bad), ErrData, "parameter 5")
	add("lr 0", n.SetLearningRate(0), ErrSpec, "learning rate")
	_, _, err = n.Weights(2)
	add("weights range", err, ErrShape, "out of range")
	for name, c := range checks {
		require.Error(t, c.err, name)
		require.True(t, errors.Is(c.err, c.kind), "%s: %v", name, c.err)
		require.ErrorContains(t, c.err, c.want, name)
	}
}

func TestParamsRoundTrip(t *testing.T) {
	n := xorNet(t, 3, 0.5)
	p := make([]float32, n.ParamCount())
	k, err := n.CopyParams(p)
	require.NoError(t, err)
	require.Equal(t, 2*8+8+8+1, k)
	for i := range p {
		p[i] = float32(i)
	}
	require.NoError(t, n.SetParams(p))
	w, b, err := n.Weights(1)
	require.NoError(t, err)
	require.Equal(t, []float32{24, 25, 26, 27, 28, 29, 30, 31}, w)
	require.Equal(t, []float32{32}, b)
	require.NoError(t, n.SetLearningRate(0.25))
	require.Equal(t, float32(0.25), n.Spec().Optimizer.LearningRate)
}

// TestBadKernelEnvironment: with ENTRENA_KERNELS naming an unknown path,
// New refuses to build networks with an error naming the valid paths.
func TestBadKernelEnvironment(t *testing.T) {
	if os.Getenv("ENTRENA_CORE_ENV_CHILD") == "1" {
		_, err := New(Spec{Inputs: 1, Layers: []Layer{{Units: 1, Activation: Sigmoid}}, Optimizer: Optimizer{LearningRate: 1}, MaxBatch: 1})
		if errors.Is(err, ErrKernels) {
			os.Stdout.WriteString("REFUSED " + err.Error() + "\n")
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestBadKernelEnvironment$")
	cmd.Env = append(os.Environ(), "ENTRENA_CORE_ENV_CHILD=1", "ENTRENA_KERNELS=sse9")
	out, err := cmd.CombinedOutput()
	if errors.Is(err, syscall.ENOEXEC) {
		t.Skipf("cannot re-run the test binary here (qemu-user): %v", err)
	}
	require.NoError(t, err, string(out))
	require.Contains(t, string(out), `REFUSED entrena: bad kernel selection: ENTRENA_KERNELS="sse9": unknown kernel path`)
}

// TestSampleCountBounds: a sample count is refused only where samples ×
// inputs or samples × outputs would overflow an int, before any length is
// computed from it; below that only x's length matters.
func TestSampleCountBounds(t *testing.T) {
	x := make([]float32, 8)
	err := checkSampleCount(x, 1<<29+1, 4, 1) // 2³¹ + 4 floats: x is short, nothing overflows
	require.ErrorIs(t, err, ErrShape)
	require.ErrorContains(t, err, "x has 8 floats, need 2147483652")
	err = checkSampleCount(x, math.MaxInt/4+1, 4, 1)
	require.ErrorContains(t, err, "more floats than an int counts")
	err = checkSampleCount(x, math.MaxInt/1000+1, 1, 1000) // the outputs overflow
	require.ErrorContains(t, err, "more floats than an int counts")
	require.NoError(t, checkSampleCount(x, 2, 4, 1000))
	require.ErrorContains(t, checkSampleCount(x, 0, 4, 1), "at least one sample")

	require.Equal(t, 3, share(10, 1, 3))
	require.Equal(t, math.MaxInt/2, share(math.MaxInt, 1<<30, 1<<31), "v·r overflows an int")
}

// TestNilArguments: a nil context, reader or writer is an ErrSpec, not an
// internal error (a recovered nil dereference).
func TestNilArguments(t *testing.T) {
	n, err := New(Spec{Inputs: 2, Layers: []Layer{{Units: 1, Activation: Sigmoid}}, Optimizer: Optimizer{LearningRate: 0.1}, MaxBatch: 4})
	require.NoError(t, err)
	defer n.Close()
	//lint:ignore SA1012 a caller's nil context is what this test checks
	_, err = n.FitContext(nil, xorX, xorY, 4, FitOptions{Epochs: 1})
	require.ErrorIs(t, err, ErrSpec)
	require.ErrorContains(t, err, "nil context")
	require.Zero(t, n.Steps(), "nothing trained")
	_, err = ReadModel(nil)
	require.ErrorIs(t, err, ErrSpec)
	require.ErrorContains(t, err, "nil io.Reader")
	_, err = n.WriteTo(nil)
	require.ErrorIs(t, err, ErrSpec)
	require.ErrorContains(t, err, "nil io.Writer")
}
