package core

import "github.com/v1tr0/entrena/internal/phase"

// The whole plain-SGD step of a tiny network in one function: forward,
// loss and δ, then per layer from the last one pass over W that forms
// δ·W for the layer below and the updated weights together. At this size
// the step is the cost of its calls and loop set-ups, so the checks ride
// on passes the step makes anyway:
//
//   - a NaN or ±Inf input makes every pre-activation of its sample NaN or
//     ±Inf, so a finite first layer proves x finite (the scan runs only
//     when it is not, to name the input);
//   - the targets a cross-entropy accepts are finite, and a NaN or ±Inf
//     target makes the MSE cost NaN or +Inf, so a finite cost proves y
//     finite (the scan runs only when it is not);
//   - the guard writes the updated parameters into the gradient buffers
//     (same layout; plain SGD has no other use for them), multiplying each
//     by 0 on the way (NaN for NaN or ±Inf), and copies them over the
//     parameters only when every one is finite: a diverged step changes
//     nothing, and nothing needs restoring.

// tinySGDStep is TrainStep (guarded) for a tiny network with plain SGD
// after the shape and target checks, or Fit's step1 (not guarded: x and y
// are known finite, the update is made in place); t is its phase mark. The
// assembly kernel runs the step instead where it applies (tinykernel.go).
func (n *Network) tinySGDStep(x, y []float32, batch int, guarded bool, t int64) (float32, error) {
	if cost, ran, err := n.tinyKernelStep(x, y, batch, guarded, t); ran {
		return cost, err
	}
	x = x[:batch*n.Inputs()]
	in := x
	for i := range n.layers {
		l := &n.layers[i]
		a := l.a[:batch*l.out]
		chk := tinyForward(l, in, a, batch)
		t = phase.SinceLayer(phase.ForwardProduct, i, t)
		if i == 0 && chk != 0 && guarded {
			if j := n.firstNonFiniteN(x); j >= 0 {
				return 0, dataErr("input %d (sample %d, feature %d) is %v", j, j/n.Inputs(), j%n.Inputs(), x[j])
			}
		}
		if err := activateFlat(l.act, a, batch, l.out); err != nil {
			return 0, err
		}
		if l.dropout > 0 {
			n.applyDropout(i, a, 0)
		}
		t = phase.SinceLayer(phase.BiasActivation, i, t)
		in = a
	}
	last := &n.layers[len(n.layers)-1]
	y = y[:batch*last.out]
	cost := n.withPenalty(lossAndDelta(n.spec.Loss, last.act, last.a[:batch*last.out], y, last.d, batch))
	t = phase.Since(phase.Loss, t)
	if guarded && !finite(cost) {
		if j := firstNonFinite(y); j >= 0 {
			return 0, dataErr("target %d (sample %d, output %d) is %v", j, j/last.out, j%last.out, y[j])
		}
		return 0, divergedStepErr(cost, 0)
	}

	lr := n.spec.Optimizer.LearningRate
	scale := -lr / float32(batch)
	var chk float32
	for i := len(n.layers) - 1; i >= 0; i-- {
		l := &n.layers[i]
		w, b := l.w, l.b
		if guarded {
			w, b = l.dw, l.db
		}
		prev := x
		var pd []float32
		if i > 0 {
			p := &n.layers[i-1]
			prev = p.a[:batch*l.in]
			pd = p.d[:batch*l.in]
		}
		tinyBackward(l, l.d[:batch*l.out], prev, pd, batch)
		chk += tinySGDUpdate(l, w, b, scale, decayBeta(l, lr))
		t = phase.SinceLayer(phase.WeightProduct, i, t)
		if i > 0 {
			tinyDerivative(&n.layers[i-1], pd, prev)
			t = phase.SinceLayer(phase.Derivative, i-1, t)
		}
	}
	if guarded {
		if chk != 0 { // NaN; or the checksum overflowed: look
			if bad := n.firstNonFiniteUpdate(); bad != 0 {
				return 0, divergedStepErr(cost, bad)
			}
		}
		copy(n.params, n.grads)
		phase.Since(phase.Snapshot, t)
	}
	n.countStep()
	return cost, nil
}

// firstNonFiniteUpdate is the first NaN or ±Inf of the updated parameters
// tinySGDStep left in the gradient buffers, in the parameters' order.
func (n *Network) firstNonFiniteUpdate() float32 {
	for i := range n.layers {
		l := &n.layers[i]
		for _, s := range [...][]float32{l.dw, l.db} {
			if j := firstNonFinite(s); j >= 0 {
				return s[j]
			}
		}
	}
	return 0
}

// tinyDerivative sets d = d ⊙ f′ for hidden layer p from its outputs a (the
// masked outputs under dropout), as hiddenBackward does, on one thread: the
// kernel's one vector pass costs less than a scalar loop even at 32 floats.
func tinyDerivative(p *dense, d, a []float32) {
	if p.dropout != 0 {
		dropoutBackward(p.act, d, a, p.mask[:len(d)], 1-p.dropout)
		return
	}
	_ = activationBackward(p.act, d, a[:len(d)]) // lengths match by construction
}
