package core

import (
	"sync/atomic"

	"github.com/v1tr0/entrena/asm"
)

// Predictor is an inference-only view of a trained network, for serving
// one model from many goroutines: NewPredictor copies the network's
// weights once into a read-only set, and each Predictor (Clone makes
// more) owns only its scratch (activations and a packing workspace,
// maxBatch×Σunits floats and a few KiB), so one per goroutine is cheap.
//
// The weights are a snapshot: training the network afterwards (Fit,
// TrainStep, SetParams, Weights views) does not change what existing
// Predictors compute, and they keep working after the network is closed;
// call NewPredictor again to serve the new weights.
//
// Like a Network, one Predictor serves one call at a time: Predict while
// another Predict on the same Predictor runs returns ErrConcurrentUse. A
// Predictor runs on its caller's goroutine only; it starts no goroutines
// and needs no Close.
type Predictor struct {
	use     atomic.Bool
	weights *frozenWeights
	layers  []dense // views of weights' parameters, and of own activations
	gemm    *asm.Workspace
	batch   int // largest batch of one pass
}

// frozenWeights are the parameters Predictors share, never written after
// NewPredictor fills them.
type frozenWeights struct {
	spec   Spec
	params []float32
	tiny   bool
}

// NewPredictor returns a Predictor computing what n.Predict computes now,
// in passes of at most maxBatch samples (0 means the network's MaxBatch;
// Predict takes any number of samples either way). It copies the
// parameters (4·ParamCount bytes); Clone then shares them.
func (n *Network) NewPredictor(maxBatch int) (p *Predictor, err error) {
	defer exported(&err)
	prev, err := n.acquire(betweenBatches)
	if err != nil {
		return nil, err
	}
	defer n.release(prev)
	if maxBatch == 0 {
		maxBatch = n.spec.MaxBatch
	}
	if maxBatch < 1 || maxBatch > MaxBatchCap {
		return nil, shapeErr("predictor batch of %d samples; must be between 1 and %d", maxBatch, MaxBatchCap)
	}
	if err := n.checkFiniteParams(); err != nil {
		return nil, err
	}
	w := &frozenWeights{spec: n.Spec(), params: asm.Aligned(len(n.params)), tiny: n.tiny}
	copy(w.params, n.params)
	return w.predictor(maxBatch), nil
}

// Clone returns a new Predictor sharing p's weights, with its own scratch
// for passes of the same batch: one per goroutine. It may be called while
// p is in use. A nil or zero Predictor (one NewPredictor did not make) has
// no weights to share: its Clone is nil, whose Predict returns ErrClosed.
func (p *Predictor) Clone() *Predictor {
	if p == nil || p.weights == nil {
		return nil
	}
	return p.weights.predictor(p.batch)
}

// predictor builds a Predictor over w with scratch for batches of mb.
func (w *frozenWeights) predictor(mb int) *Predictor {
	s := w.spec
	acts := 0
	for _, l := range s.Layers {
		acts += asm.RoundUp(mb * l.Units)
	}
	p := &Predictor{weights: w, layers: make([]dense, len(s.Layers)), gemm: asm.NewWorkspace(), batch: mb}
	params, scratch := carver{buf: w.params}, carver{buf: asm.Aligned(acts)}
	in := s.Inputs
	for i, l := range s.Layers {
		p.layers[i] = dense{in: in, out: l.Units, act: l.Activation,
			w: params.take(in * l.Units), b: params.take(l.Units), a: scratch.take(mb * l.Units)}
		p.gemm.Reserve(mb, l.Units, in)
		in = l.Units
	}
	return p
}

// Inputs is the number of features per sample (0 for a nil or zero
// Predictor).
func (p *Predictor) Inputs() int {
	if p == nil || p.weights == nil {
		return 0
	}
	return p.weights.spec.Inputs
}

// Outputs is the number of output units (0 for a nil or zero Predictor).
func (p *Predictor) Outputs() int {
	if p == nil || p.weights == nil {
		return 0
	}
	return p.weights.spec.Outputs()
}

// MaxBatch is the most samples of one pass (Predict takes more, in
// passes); 0 for a nil or zero Predictor.
func (p *Predictor) MaxBatch() int {
	if p == nil || p.weights == nil {
		return 0
	}
	return p.batch
}

// Predict is Network.Predict with the Predictor's weights: samples rows of
// x (samples×Inputs) in, samples×Outputs predictions written to out. samples
// must be at least 1; a NaN or ±Inf input is an ErrData. It runs on the
// calling goroutine and allocates nothing. A call while another call on
// the same Predictor runs returns ErrConcurrentUse; separate Predictors
// (Clone) may predict at once. A nil or zero Predictor returns ErrClosed.
func (p *Predictor) Predict(x []float32, samples int, out []float32) (err error) {
	defer exported(&err)
	if p == nil {
		return errNilPredictor
	}
	if p.weights == nil {
		return errZeroPredictor
	}
	if !p.use.CompareAndSwap(false, true) {
		return errConcurrentPredictor
	}
	defer p.use.Store(false)
	in, o := p.Inputs(), p.Outputs()
	if err := checkSampleCount(x, samples, in, o); err != nil {
		return err
	}
	if need := samples * o; len(out) < need {
		return shapeErr("output buffer has %d floats, need %d (%d samples × %d outputs)", len(out), need, samples, o)
	}
	if i := firstNonFinite(x[:samples*in]); i >= 0 {
		return dataErr("input %d (sample %d, feature %d) is %v", i, i/in, i%in, x[i])
	}
	for s := 0; s < samples; s += p.batch {
		b := min(p.batch, samples-s)
		if err := p.forward(x[s*in:(s+b)*in], b, out[s*o:(s+b)*o]); err != nil {
			return err
		}
	}
	return nil
}

// forward is Network.forward on one goroutine: the same kernels, on the
// Predictor's scratch, the last layer writing into out.
func (p *Predictor) forward(x []float32, batch int, out []float32) error {
	in := x
	tiny := tinyEnabled && p.weights.tiny && batch <= tinyMaxBatch
	for i := range p.layers {
		l := &p.layers[i]
		dst := l.a[:batch*l.out]
		if i == len(p.layers)-1 {
			dst = out[:batch*l.out]
		}
		if tiny {
			tinyForward(l, in, dst, batch)
			if err := activateFlat(l.act, dst, batch, l.out); err != nil {
				return err
			}
			in = dst
			continue
		}
		if err := asm.Sgemm(p.gemm, false, true, batch, l.out, l.in, 1, in, l.in, l.w, l.in, 0, dst, l.out); err != nil {
			return err
		}
		if err := activate(l.act, dst, batch, l.out, l.b); err != nil {
			return err
		}
		in = dst
	}
	return nil
}
