package core

import "sync"

// PredictorPool is a Predictor that any number of goroutines may call at
// once: each Predict takes a Clone from a sync.Pool (making one when none
// is free) and puts it back. It suits servers whose goroutines come and go
// (one per request); a fixed set of goroutines does as well with a Clone
// each. Predict allocates nothing once the pool holds a Clone per
// concurrent caller, except after a garbage collection emptied it.
type PredictorPool struct {
	base *Predictor
	pool sync.Pool
}

// NewPredictorPool returns a PredictorPool over a snapshot of n's weights,
// as NewPredictor takes it.
func (n *Network) NewPredictorPool(maxBatch int) (*PredictorPool, error) {
	p, err := n.NewPredictor(maxBatch)
	if err != nil {
		return nil, err
	}
	return p.Pool(), nil
}

// Pool returns a PredictorPool sharing p's weights. That of a nil or zero
// Predictor has none: its Predict returns ErrClosed.
func (p *Predictor) Pool() *PredictorPool {
	if p == nil || p.weights == nil {
		return &PredictorPool{}
	}
	pp := &PredictorPool{base: p}
	pp.pool.New = func() any { return p.Clone() }
	return pp
}

// Inputs is the number of features per sample (0 for a nil or zero
// PredictorPool).
func (pp *PredictorPool) Inputs() int {
	if pp == nil {
		return 0
	}
	return pp.base.Inputs()
}

// Outputs is the number of output units (0 for a nil or zero
// PredictorPool).
func (pp *PredictorPool) Outputs() int {
	if pp == nil {
		return 0
	}
	return pp.base.Outputs()
}

// Predict is Predictor.Predict, safe for concurrent use. A nil or zero
// PredictorPool (one NewPredictorPool or Pool did not make) returns
// ErrClosed.
func (pp *PredictorPool) Predict(x []float32, samples int, out []float32) error {
	if pp == nil {
		return errNilPredictorPool
	}
	if pp.base == nil {
		return errZeroPredictorPool
	}
	p := pp.pool.Get().(*Predictor)
	err := p.Predict(x, samples, out)
	pp.pool.Put(p)
	return err
}
