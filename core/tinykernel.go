package core

import (
	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/internal/phase"
)

// The fused tiny step as one assembly kernel (asm.TinySGD): on a path that
// has it, a tiny network that fits its class — input and layers at most
// asm.TinyMaxUnits wide, sigmoid, tanh, ReLU or linear layers, MSE, plain
// SGD without weight decay or dropout — runs its whole step in one call,
// batches of at most asm.TinyMaxBatch samples. Everything else, and every
// path without the kernel (generic, neon), runs tinySGDStep's loops. The
// kernel keeps the loops' guarantees: it reports whether every
// pre-activation and every updated parameter is finite, and TrainStep's
// kernel is guarded: it writes the update in place and the old parameters
// into the gradient buffers, and swaps them back when the step is not
// clean.

// tinyKernelEnabled can be switched off by tests to run tinySGDStep's loops
// on networks the kernel would take.
var tinyKernelEnabled = true

// tinyKernels are a network's two kernels: the update written in place
// (Fit's unguarded step) and into the gradient buffers (TrainStep).
type tinyKernels struct {
	inPlace, aside *asm.TinySGD
}

// newTinyKernels builds the kernels of a network in the kernel's class
// (both nil otherwise).
func newTinyKernels(n *Network) tinyKernels {
	s := n.spec
	if !n.tiny || s.Loss != MSE || s.Optimizer.Kind != SGD || s.Inputs > asm.TinyMaxUnits {
		return tinyKernels{}
	}
	inPlace := make([]asm.TinyLayer, len(n.layers))
	for i := range n.layers {
		l := &n.layers[i]
		act, ok := tinyActivation(l.act)
		if !ok || l.out > asm.TinyMaxUnits || l.l2 != 0 || l.dropout != 0 {
			return tinyKernels{}
		}
		inPlace[i] = asm.TinyLayer{In: l.in, Out: l.out, Act: act, W: l.w, B: l.b, NW: l.w, NB: l.b, Beta: 1}
	}
	aside := make([]asm.TinyLayer, len(inPlace))
	for i, l := range inPlace {
		l.NW, l.NB = n.layers[i].dw, n.layers[i].db
		aside[i] = l
	}
	k1, err1 := asm.NewTinySGD(inPlace)
	k2, err2 := asm.NewTinySGD(aside)
	if err1 != nil || err2 != nil { // the checks above keep the shapes in the class
		return tinyKernels{}
	}
	if err := k2.SetGuarded(); err != nil { // the gradient buffers are apart by construction
		return tinyKernels{}
	}
	return tinyKernels{inPlace: k1, aside: k2}
}

func tinyActivation(f Activation) (asm.TinyActivation, bool) {
	switch f {
	case Linear:
		return asm.TinyLinear, true
	case Sigmoid:
		return asm.TinySigmoid, true
	case Tanh:
		return asm.TinyTanh, true
	case ReLU:
		return asm.TinyReLU, true
	}
	return 0, false
}

// tinyKernelStep is tinySGDStep on the kernel; ran is false when the
// network, the batch or the slices are outside the kernel's class, or the
// active path has no kernel (nothing was computed then). TrainStep calls
// it before its own checks: the kernel's class needs none but the sizes
// (MSE takes any finite target, and the kernel proves x and y finite).
func (n *Network) tinyKernelStep(x, y []float32, batch int, guarded bool, t int64) (cost float32, ran bool, err error) {
	k := n.tinyKernel.inPlace
	if guarded {
		k = n.tinyKernel.aside
	}
	if k == nil || !tinyKernelEnabled || !tinyEnabled || batch < 1 || batch > n.spec.MaxBatch {
		return 0, false, nil
	}
	r, ran, err := k.Step(x, y, batch, -n.spec.Optimizer.LearningRate/float32(batch))
	if !ran || err != nil { // a short x or y: TrainStep's checks name it
		return 0, false, nil
	}
	t = phase.Since(phase.WeightProduct, t) // every phase of the step, in one call
	cost = r.Cost
	if guarded {
		if !r.Clean {
			if cost, err = n.tinyKernelRejected(x, y, batch, r); err != nil {
				return 0, true, err
			}
		}
		phase.Since(phase.Snapshot, t)
	}
	n.countStep()
	return cost, true, nil
}

// tinyKernelRejected says why the guarded kernel undid a step (it is not
// clean), or applies the step after all where only a pre-activation
// overflowed on finite inputs. Its own function: the step's common path
// keeps a small frame.
//
//go:noinline
func (n *Network) tinyKernelRejected(x, y []float32, batch int, r asm.TinyResult) (float32, error) {
	cost := r.Cost
	if r.ZCheck != 0 {
		x := x[:batch*n.Inputs()]
		if j := n.firstNonFiniteN(x); j >= 0 {
			return 0, dataErr("input %d (sample %d, feature %d) is %v", j, j/n.Inputs(), j%n.Inputs(), x[j])
		}
	}
	if !finite(cost) {
		if j := firstNonFinite(y[:batch*n.Outputs()]); j >= 0 {
			return 0, dataErr("target %d (sample %d, output %d) is %v", j, j/n.Outputs(), j%n.Outputs(), y[j])
		}
		return 0, divergedStepErr(cost, 0)
	}
	if r.UpdateCheck != 0 {
		return 0, divergedStepErr(cost, n.firstNonFiniteUpdate())
	}
	// A pre-activation overflowed on finite inputs and the step is finite:
	// the kernel undid it, this copy applies it.
	copy(n.params, n.grads)
	return cost, nil
}
