package core

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/v1tr0/entrena/pool"
)

// Activation is a layer's activation function.
type Activation uint8

// The activations. Softmax is allowed on the output layer only, with
// CategoricalCrossEntropy.
const (
	Sigmoid Activation = iota
	Tanh
	ReLU
	Linear
	Softmax
)

var activationNames = []string{"sigmoid", "tanh", "relu", "linear", "softmax"}

func (a Activation) String() string {
	if int(a) < len(activationNames) {
		return activationNames[a]
	}
	return fmt.Sprintf("Activation(%d)", a)
}

// ParseActivation maps a name (case-insensitive) to an Activation.
func ParseActivation(s string) (Activation, error) {
	i, err := parseName("activation", s, activationNames)
	return Activation(i), err
}

// Loss is the cost function J minimised by training.
type Loss uint8

// The losses. MSE is J = (1/m)·Σ_i Σ_j (y_ij − ŷ_ij)²: summed over
// the outputs of a sample, averaged over the m samples. The cross-entropies
// are likewise summed over outputs and averaged over samples.
const (
	MSE Loss = iota
	BinaryCrossEntropy
	CategoricalCrossEntropy
)

var lossNames = []string{"mse", "binary-crossentropy", "categorical-crossentropy"}

func (l Loss) String() string {
	if int(l) < len(lossNames) {
		return lossNames[l]
	}
	return fmt.Sprintf("Loss(%d)", l)
}

// ParseLoss maps a name (case-insensitive; "bce" and "cce" are accepted too)
// to a Loss.
func ParseLoss(s string) (Loss, error) {
	switch strings.ToLower(s) {
	case "bce":
		return BinaryCrossEntropy, nil
	case "cce", "crossentropy", "cross-entropy":
		return CategoricalCrossEntropy, nil
	}
	i, err := parseName("loss", s, lossNames)
	return Loss(i), err
}

// OptimizerKind selects the update rule.
type OptimizerKind uint8

// The optimizers: plain SGD is w ← w − α·∂J/∂w.
const (
	SGD OptimizerKind = iota
	Momentum
	Adam
	RMSprop
)

var optimizerNames = []string{"sgd", "momentum", "adam", "rmsprop"}

func (o OptimizerKind) String() string {
	if int(o) < len(optimizerNames) {
		return optimizerNames[o]
	}
	return fmt.Sprintf("OptimizerKind(%d)", o)
}

// ParseOptimizer maps a name (case-insensitive) to an OptimizerKind.
func ParseOptimizer(s string) (OptimizerKind, error) {
	i, err := parseName("optimizer", s, optimizerNames)
	return OptimizerKind(i), err
}

// MarshalText writes the activation's name (encoding.TextMarshaler), so
// that a Spec in JSON says "relu" rather than 2.
func (a Activation) MarshalText() ([]byte, error) {
	return marshalName("activation", int(a), activationNames)
}

// UnmarshalText reads a name as ParseActivation does.
func (a *Activation) UnmarshalText(b []byte) error {
	v, err := ParseActivation(string(b))
	if err == nil {
		*a = v
	}
	return err
}

// UnmarshalJSON reads a JSON string (a name) or, as JSON written before
// names, a number.
func (a *Activation) UnmarshalJSON(b []byte) error {
	return unmarshalEnum(b, "activation", len(activationNames), (*uint8)(a), a.UnmarshalText)
}

// MarshalText writes the loss's name.
func (l Loss) MarshalText() ([]byte, error) { return marshalName("loss", int(l), lossNames) }

// UnmarshalText reads a name as ParseLoss does.
func (l *Loss) UnmarshalText(b []byte) error {
	v, err := ParseLoss(string(b))
	if err == nil {
		*l = v
	}
	return err
}

// UnmarshalJSON reads a JSON string (a name) or a number.
func (l *Loss) UnmarshalJSON(b []byte) error {
	return unmarshalEnum(b, "loss", len(lossNames), (*uint8)(l), l.UnmarshalText)
}

// MarshalText writes the optimizer's name.
func (o OptimizerKind) MarshalText() ([]byte, error) {
	return marshalName("optimizer", int(o), optimizerNames)
}

// UnmarshalText reads a name as ParseOptimizer does.
func (o *OptimizerKind) UnmarshalText(b []byte) error {
	v, err := ParseOptimizer(string(b))
	if err == nil {
		*o = v
	}
	return err
}

// UnmarshalJSON reads a JSON string (a name) or a number.
func (o *OptimizerKind) UnmarshalJSON(b []byte) error {
	return unmarshalEnum(b, "optimizer", len(optimizerNames), (*uint8)(o), o.UnmarshalText)
}

func marshalName(what string, i int, names []string) ([]byte, error) {
	if i >= len(names) {
		return nil, fmt.Errorf("entrena: %w: unknown %s %d", ErrSpec, what, i)
	}
	return []byte(names[i]), nil
}

// unmarshalEnum decodes the JSON value b into an enum: a string through
// text, or a number below count (older JSON wrote the enums as numbers).
func unmarshalEnum(b []byte, what string, count int, dst *uint8, text func([]byte) error) error {
	var name string
	if err := json.Unmarshal(b, &name); err == nil {
		return text([]byte(name))
	}
	var i int
	if err := json.Unmarshal(b, &i); err != nil || i < 0 || i >= count {
		return fmt.Errorf("entrena: %w: %s must be a name or a number below %d, got %s", ErrSpec, what, count, b)
	}
	*dst = uint8(i)
	return nil
}

func parseName(what, s string, names []string) (int, error) {
	l := strings.ToLower(strings.TrimSpace(s))
	for i, n := range names {
		if n == l {
			return i, nil
		}
	}
	return 0, fmt.Errorf("entrena: %w: unknown %s %q (valid: %s)", ErrSpec, what, s, strings.Join(names, ", "))
}

// Optimizer is an update rule with its hyper-parameters.
//
// A Momentum, Beta1, Beta2, Rho or Epsilon left 0 is unset and takes the
// usual default (0.9, 0.9, 0.999, 0.9, and 1e-8 for Adam or 1e-7 for
// RMSprop, as in Keras). To ask for an actual 0 there (Beta1 0, say), use
// ExplicitZero(), except Epsilon (refused: a zero gradient would give
// 0/0). A hyper-parameter the kind does not use (Momentum with
// anything but Momentum, Beta1 and Beta2 with anything but Adam, Rho with
// anything but RMSprop, Epsilon with SGD or Momentum) must be unset: a
// value there is an ErrSpec rather than silently ignored.
type Optimizer struct {
	Kind         OptimizerKind
	LearningRate float32 // α; must be positive and finite
	Momentum     float32 // μ for Momentum: v = μ·v + g; w −= α·v
	Beta1, Beta2 float32 // Adam's moment decay rates
	Epsilon      float32 // Adam's and RMSprop's denominator guard
	Rho          float32 `json:",omitempty"` // RMSprop's decay: v = ρ·v + (1−ρ)·g²; w −= α·g/√(v+ε)
}

// ExplicitZero returns the value that sets an Optimizer hyper-parameter
// to 0 rather than leaving it unset (which takes the default): negative
// zero, which computes as 0 and is kept as such in model files.
func ExplicitZero() float32 { return float32(math.Copysign(0, -1)) }

// unset reports whether an Optimizer hyper-parameter was left at +0.
func unset(v float32) bool { return math.Float32bits(v) == 0 }

// Layer is one dense layer: Units outputs, each the activation of a weighted
// sum of the previous layer's outputs plus a bias.
//
// L2 is the layer's weight decay λ, as Keras's kernel_regularizer l2(λ):
// the loss gains λ·Σw² over the layer's weights (not its biases), so their
// gradient gains 2λ·w. Dropout is the rate of Keras's Dropout(rate) after
// the layer: while training, each output is zeroed with that probability
// and the others scaled by 1/(1−rate); Predict and Evaluate use every
// output unscaled. Only a hidden layer may have dropout. Both 0: off.
type Layer struct {
	Units      int
	Activation Activation
	L2         float32 `json:",omitempty"` // ≥ 0 and finite
	Dropout    float32 `json:",omitempty"` // in [0, 1)
}

// Spec describes a network completely.
type Spec struct {
	Inputs    int     // features per sample
	Layers    []Layer // hidden layers then the output layer
	Loss      Loss
	Optimizer Optimizer
	MaxBatch  int    // largest batch of one step (TrainStep, Fit's BatchSize); buffers are sized for it, and Predict and Evaluate go MaxBatch samples at a time
	Seed      uint64 // initialisation, shuffling and dropout (see Network.Reseed)

	// Threads is the number of cores one step may use: 0 means every core
	// this process can use (pool.Cores: the smallest of GOMAXPROCS, the
	// CPU affinity and the cgroup's CPU quota), 1 keeps everything on the
	// calling goroutine.
	// Results do not depend on it. It is not stored in model files.
	Threads int
}

// Limits that keep every buffer of a network, and every index into one,
// within int32 range, so C and Python callers can never ask for a size
// that overflows. (Data passed in, which the network reads in place, is
// bounded by int only: checkSampleCount.)
const (
	MaxUnits    = 1 << 20
	MaxLayers   = 1024
	MaxBatchCap = 1 << 20
	maxElements = 1 << 31 // floats in any one buffer category of a network
)

// withDefaults returns s with zero optimizer hyper-parameters filled in.
func (s Spec) withDefaults() Spec {
	o := &s.Optimizer
	if unset(o.Momentum) && o.Kind == Momentum {
		o.Momentum = 0.9
	}
	if o.Kind == RMSprop {
		if unset(o.Rho) {
			o.Rho = 0.9
		}
		if unset(o.Epsilon) {
			o.Epsilon = 1e-7
		}
	}
	if o.Kind == Adam {
		if unset(o.Beta1) {
			o.Beta1 = 0.9
		}
		if unset(o.Beta2) {
			o.Beta2 = 0.999
		}
		if unset(o.Epsilon) {
			o.Epsilon = 1e-8
		}
	}
	s.Layers = append([]Layer(nil), s.Layers...)
	return s
}

func finite(v float32) bool { return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) }

// Validate reports the first problem with s (an ErrSpec), or nil. New
// fills in the optimizer's defaults first; Validate checks s as it is.
func (s Spec) Validate() (err error) {
	defer exported(&err)
	return s.validate()
}

func (s Spec) validate() error {
	if s.Inputs < 1 || s.Inputs > MaxUnits {
		return specErr("inputs must be between 1 and %d, got %d", MaxUnits, s.Inputs)
	}
	if len(s.Layers) == 0 {
		return specErr("a network needs at least one layer")
	}
	if len(s.Layers) > MaxLayers {
		return specErr("at most %d layers, got %d", MaxLayers, len(s.Layers))
	}
	if s.Threads < 0 || s.Threads > pool.MaxThreads {
		return specErr("threads must be between 0 (all cores) and %d, got %d", pool.MaxThreads, s.Threads)
	}
	if s.MaxBatch < 1 || s.MaxBatch > MaxBatchCap {
		return specErr("max batch must be between 1 and %d, got %d", MaxBatchCap, s.MaxBatch)
	}
	params, acts := 0, 0
	in := s.Inputs
	for i, l := range s.Layers {
		if l.Units < 1 || l.Units > MaxUnits {
			return specErr("layer %d: units must be between 1 and %d, got %d", i+1, MaxUnits, l.Units)
		}
		if int(l.Activation) >= len(activationNames) {
			return specErr("layer %d: unknown activation %d", i+1, l.Activation)
		}
		if l.Activation == Softmax && i != len(s.Layers)-1 {
			return specErr("layer %d: softmax is only allowed on the output layer", i+1)
		}
		if err := l.validateRegularization(i, len(s.Layers)); err != nil {
			return err
		}
		params += in*l.Units + l.Units
		acts += s.MaxBatch * l.Units
		if params > maxElements || acts > maxElements {
			return specErr("network too large: more than %d parameters or activations", maxElements)
		}
		in = l.Units
	}
	out := s.Layers[len(s.Layers)-1]
	if int(s.Loss) >= len(lossNames) {
		return specErr("unknown loss %d", s.Loss)
	}
	if out.Activation == Softmax && s.Loss != CategoricalCrossEntropy {
		return specErr("a softmax output needs the categorical-crossentropy loss, got %s", s.Loss)
	}
	if s.Loss == BinaryCrossEntropy && out.Activation != Sigmoid {
		return specErr("binary-crossentropy needs a sigmoid output layer, got %s", out.Activation)
	}
	if s.Loss == CategoricalCrossEntropy && out.Activation != Softmax {
		return specErr("categorical-crossentropy needs a softmax output layer, got %s", out.Activation)
	}
	if out.Activation == Softmax && out.Units == 1 {
		return specErr("a softmax over 1 unit always outputs 1: use one unit per class (2 or more), or 1 sigmoid unit for two classes")
	}
	return s.Optimizer.validate()
}

func (o Optimizer) validate() error {
	if int(o.Kind) >= len(optimizerNames) {
		return specErr("unknown optimizer %d", o.Kind)
	}
	if !finite(o.LearningRate) || o.LearningRate <= 0 {
		return specErr("learning rate must be positive and finite, got %v", o.LearningRate)
	}
	if !finite(o.Momentum) || o.Momentum < 0 || o.Momentum >= 1 {
		return specErr("momentum must be in [0, 1), got %v", o.Momentum)
	}
	for _, b := range []struct {
		name string
		v    float32
	}{{"beta1", o.Beta1}, {"beta2", o.Beta2}, {"rho", o.Rho}} {
		if !finite(b.v) || b.v < 0 || b.v >= 1 {
			return specErr("%s must be in [0, 1), got %v", b.name, b.v)
		}
	}
	if !finite(o.Epsilon) || o.Epsilon < 0 {
		return specErr("epsilon must be non-negative and finite, got %v", o.Epsilon)
	}
	if o.Kind != Momentum && o.Momentum != 0 {
		return specErr("momentum %v is only used by the momentum optimizer, not %s (leave it 0, or use Kind: Momentum)", o.Momentum, o.Kind)
	}
	if o.Kind != Adam && (o.Beta1 != 0 || o.Beta2 != 0) {
		return specErr("beta1 and beta2 are only used by the adam optimizer, not %s (leave them 0)", o.Kind)
	}
	if o.Kind != RMSprop && o.Rho != 0 {
		return specErr("rho %v is only used by the rmsprop optimizer, not %s (leave it 0, or use Kind: RMSprop)", o.Rho, o.Kind)
	}
	if (o.Kind == RMSprop || o.Kind == Adam) && o.Epsilon == 0 && !unset(o.Epsilon) {
		return specErr("%s's epsilon must be positive: with 0, a parameter whose gradient is 0 would become 0/0", o.Kind)
	}
	if o.Kind != Adam && o.Kind != RMSprop && o.Epsilon != 0 {
		return specErr("epsilon is only used by the adam and rmsprop optimizers, not %s (leave it 0)", o.Kind)
	}
	return nil
}

// ParamCount is the number of weights and biases of s.
func (s Spec) ParamCount() int {
	n, in := 0, s.Inputs
	for _, l := range s.Layers {
		n += in*l.Units + l.Units
		in = l.Units
	}
	return n
}

// Outputs is the number of units of the output layer (0 without layers).
func (s Spec) Outputs() int {
	if len(s.Layers) == 0 {
		return 0
	}
	return s.Layers[len(s.Layers)-1].Units
}
