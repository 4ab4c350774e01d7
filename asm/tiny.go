package asm

import "unsafe"

// The whole plain-SGD training step of a tiny network as one kernel: the
// forward pass, the MSE cost and δ, the backward pass and the update, with
// a row of every layer held in one vector register. A network of a few
// units spends its step on calls and loop set-ups, not arithmetic (a 2-8-1
// step is about 300 multiply-adds), so one call per step is the point.
//
// Only some paths have the kernel (avx2, and avx512, which runs the AVX2
// one); on the others Step reports that it did not run and the caller runs
// its own loops.

// Tiny shape class: every layer (and the input) at most TinyMaxUnits wide,
// batches of at most TinyMaxBatch samples — one YMM register per row.
const (
	TinyMaxUnits = 8
	TinyMaxBatch = 8
)

// TinyActivation is a layer's activation in a TinySGD step.
type TinyActivation int

const (
	TinyLinear TinyActivation = iota
	TinySigmoid
	TinyTanh
	TinyReLU
)

// TinyLayer describes one dense layer of a network for NewTinySGD: W is
// Out×In row-major and B has Out biases. The step reads W and B and writes
// Beta·W − scale·δᵀa into NW and B − scale·Σδ into NB (NW and NB may be W
// and B themselves, or separate buffers of the same sizes; a guarded step,
// SetGuarded, swaps the roles).
type TinyLayer struct {
	In, Out int
	Act     TinyActivation
	W, B    []float32
	NW, NB  []float32
	Beta    float32 // weight decay's scale of W (1 without decay)
}

// tinyLayer is TinyLayer as the assembly reads it (offsets in the kernel's
// header; TestTinyLayerLayout checks them).
type tinyLayer struct {
	w, b, nw, nb *float32
	ow, ob       *float32 // where the old W and b go: nw and nb, but when guarded
	in, out, act int32
	beta         float32
}

// tinyState is what the assembly reads of a TinySGD (offsets in the
// kernel's header; TestTinyLayerLayout checks them): its layers, scratch
// and whether SetGuarded was called (1) or not (0).
type tinyState struct {
	layers  *tinyLayer
	nlayers int
	scratch *float32
	guarded int
}

// TinySGD is the fused step of one tiny network, its shapes checked once by
// NewTinySGD. A TinySGD is not safe for concurrent use: Step works in its
// own scratch buffer.
type TinySGD struct {
	state   tinyState
	layers  []tinyLayer
	scratch []float32
	in, out int
}

// TinyResult is what Step reports besides the updated parameters.
type TinyResult struct {
	// SquaredError is Σ (a−y)² over the batch's outputs (float64 sums of
	// exact float64 squares): the MSE cost is SquaredError/batch.
	SquaredError float64
	// ZCheck is 0 when every pre-activation of every layer is finite, and
	// NaN otherwise (a NaN or ±Inf input makes the first layer's NaN or
	// ±Inf).
	ZCheck float32
	// UpdateCheck is 0 when every value written to NW and NB is finite, and
	// NaN otherwise.
	UpdateCheck float32
	// Cost is float32(SquaredError/batch), the MSE cost.
	Cost float32
	// Clean reports that both checks are 0 and Cost is finite. A guarded
	// step (SetGuarded) that is not clean was undone.
	Clean bool
}

// tinyScratchFloats is the kernel's scratch for a network of layers
// layers: per layer a rows×8 block of activations and one of δ, and one
// block pair before them: the weight gradient in W's layout (the input
// rows' copy before it, for a network of one layer) and the transposed W.
func tinyScratchFloats(layers int) int {
	return (layers + 1) * 2 * TinyMaxBatch * TinyMaxUnits
}

// NewTinySGD checks a network's layers against the tiny shape class and
// builds its step. Layers chain (a layer's In is the Out of the one below),
// every In and Out is between 1 and TinyMaxUnits, and every slice holds
// its matrix; an error wrapping ErrArgument says what does not fit.
func NewTinySGD(layers []TinyLayer) (*TinySGD, error) {
	const op = "NewTinySGD"
	if len(layers) == 0 {
		return nil, argError(op, "no layers")
	}
	t := &TinySGD{layers: make([]tinyLayer, len(layers)), scratch: Aligned(tinyScratchFloats(len(layers)))}
	for i, l := range layers {
		if l.In < 1 || l.In > TinyMaxUnits || l.Out < 1 || l.Out > TinyMaxUnits {
			return nil, argError(op, "layer %d is %d→%d; the tiny class has 1 to %d inputs and units", i, l.In, l.Out, TinyMaxUnits)
		}
		if i > 0 && l.In != layers[i-1].Out {
			return nil, argError(op, "layer %d has %d inputs after a layer of %d units", i, l.In, layers[i-1].Out)
		}
		if l.Act < TinyLinear || l.Act > TinyReLU {
			return nil, argError(op, "layer %d has unknown activation %d", i, l.Act)
		}
		for _, s := range []struct {
			name string
			v    []float32
			n    int
		}{{"W", l.W, l.In * l.Out}, {"B", l.B, l.Out}, {"NW", l.NW, l.In * l.Out}, {"NB", l.NB, l.Out}} {
			if err := checkLen(op, s.name, s.v, s.n); err != nil {
				return nil, err
			}
		}
		t.layers[i] = tinyLayer{w: &l.W[0], b: &l.B[0], nw: &l.NW[0], nb: &l.NB[0], ow: &l.NW[0], ob: &l.NB[0],
			in: int32(l.In), out: int32(l.Out), act: int32(l.Act), beta: l.Beta}
	}
	t.in, t.out = layers[0].In, layers[len(layers)-1].Out
	t.state = tinyState{layers: &t.layers[0], nlayers: len(t.layers), scratch: &t.scratch[0]}
	return t, nil
}

// SetGuarded makes every later Step write each layer's new W and B in
// place and their old values into NW and NB, and undo a step that is not
// clean (TinyResult.Clean): it swaps them back, leaving W and B as they
// were and the step's values in NW and NB. A caller that must not apply a
// non-finite step then needs no copy of its own. Every layer's NW and NB
// must be buffers of their own, apart from W and B.
func (t *TinySGD) SetGuarded() error {
	if t == nil || t.state.layers == nil {
		return errNoTinySGD("TinySGD.SetGuarded")
	}
	for i := range t.layers {
		l := &t.layers[i]
		if l.nw == l.w || l.nb == l.b {
			return argError("TinySGD.SetGuarded", "layer %d writes its update over W or B: a guarded step needs NW and NB apart", i)
		}
	}
	for i := range t.layers {
		l := &t.layers[i]
		l.nw, l.nb, l.ow, l.ob = l.w, l.b, l.nw, l.nb
	}
	t.state.guarded = 1
	return nil
}

// Step runs one plain-SGD step on batch samples (x is batch×In, y
// batch×Out, row-major) with scale = −lr/batch, when the active path has
// the kernel and batch is between 1 and TinyMaxBatch; ok is false (and
// nothing is written) otherwise. Unless the kernel is guarded, every
// layer's NW and NB receive the update whatever the checks in the result
// say: a caller that must not apply a non-finite step guards it
// (SetGuarded). A nil or zero TinySGD (not made by NewTinySGD) is an
// ErrArgument.
func (t *TinySGD) Step(x, y []float32, batch int, scale float32) (r TinyResult, ok bool, err error) {
	// The kernel would follow the zero state's nil layers pointer.
	if t == nil || t.state.layers == nil {
		return r, false, errNoTinySGD("TinySGD.Step")
	}
	if !active.Load().tinySGD || uint(batch-1) >= TinyMaxBatch {
		return r, false, nil
	}
	if len(x) < batch*t.in || len(y) < batch*t.out {
		return r, false, t.shortErr(len(x), len(y), batch)
	}
	r.SquaredError, r.Cost, r.ZCheck, r.UpdateCheck, r.Clean = tinySGDKernel(&t.state, unsafe.SliceData(x), unsafe.SliceData(y), batch, scale)
	return r, true, nil
}

// shortErr is Step's error for an x or y too short for batch samples (its
// own function: Step's common path keeps a small frame).
//
//go:noinline
func (t *TinySGD) shortErr(nx, ny, batch int) error {
	return argError("TinySGD.Step", "x has %d floats and y %d, need %d and %d for %d samples", nx, ny, batch*t.in, batch*t.out, batch)
}

// errNoTinySGD is the error of a call on a nil or zero TinySGD (its own
// function, as shortErr).
//
//go:noinline
func errNoTinySGD(op string) error {
	return argError(op, "nil or zero TinySGD: make one with NewTinySGD")
}

// TinySGDAvailable reports whether the active path has the fused tiny step
// (TinySGD.Step runs nothing otherwise).
func TinySGDAvailable() bool { return active.Load().tinySGD }
