package core

import "github.com/v1tr0/entrena/asm"

// TrainStep runs one step of mini-batch gradient descent on batch samples:
// x is batch×Inputs and y batch×Outputs, row-major, read in place. It
// returns the batch's cost before the update. The step is forward, cost,
// backward, update, as in the seed's training cycle; it allocates nothing.
func (n *Network) TrainStep(x, y []float32, batch int) (cost float32, err error) {
	defer recoverError(&err)
	if err := n.checkBatch(x, batch, "x"); err != nil {
		return 0, err
	}
	if err := n.checkTargets(y, batch); err != nil {
		return 0, err
	}
	if i := n.firstNonFiniteN(x[:batch*n.Inputs()]); i >= 0 {
		return 0, dataErr("input %d (sample %d, feature %d) is %v", i, i/n.Inputs(), i%n.Inputs(), x[i])
	}
	if i := firstNonFinite(y[:batch*n.Outputs()]); i >= 0 {
		return 0, dataErr("target %d (sample %d, output %d) is %v", i, i/n.Outputs(), i%n.Outputs(), y[i])
	}
	return n.step1(x, y, batch)
}

// step1 is TrainStep after validation.
func (n *Network) step1(x, y []float32, batch int) (float32, error) {
	if n.spec.Optimizer.Kind == SGD && !n.useTiny(batch) {
		return n.sgdStep(x, y, batch)
	}
	cost, err := n.gradients(x, y, batch)
	if err != nil {
		return 0, err
	}
	return cost, n.update(batch)
}

// gradients runs forward, cost and backward, leaving ∂J/∂θ in n.grads.
func (n *Network) gradients(x, y []float32, batch int) (float32, error) {
	cost, err := n.forwardCost(x, y, batch)
	if err != nil {
		return 0, err
	}
	return cost, n.backward(x, batch)
}

// forwardCost runs forward and returns the batch's cost, leaving δ[L] in the
// last layer's delta buffer.
func (n *Network) forwardCost(x, y []float32, batch int) (float32, error) {
	if err := n.forward(x, batch, nil); err != nil {
		return 0, err
	}
	last := &n.layers[len(n.layers)-1]
	return lossAndDelta(n.spec.Loss, last.act, last.a[:batch*last.out], y, last.d, batch), nil
}

// backward computes every layer's gradients from δ[L], which lossAndDelta
// left in the last layer's delta buffer:
//
//	dW[l] = (1/m)·δ[l]ᵀ·a[l−1]               (Sgemm TN)
//	db[l] = (1/m)·Σ_rows δ[l]                 (ColSums)
//	δ[l−1] = (δ[l]·W[l]) ⊙ f'(a[l−1])         (Sgemm NN, then in place)
func (n *Network) backward(x []float32, batch int) error {
	inv := 1 / float32(batch)
	tiny := n.useTiny(batch)
	for i := len(n.layers) - 1; i >= 0; i-- {
		l := &n.layers[i]
		d := l.d[:batch*l.out]
		prev := x
		if i > 0 {
			prev = n.layers[i-1].a[:batch*l.in]
		}
		if tiny {
			tinyGradients(l, d, prev, batch, inv)
			if i == 0 {
				break
			}
			p := &n.layers[i-1]
			pd := p.d[:batch*p.out]
			tinyDelta(l, d, pd, batch)
			if err := activationBackward(p.act, pd, prev); err != nil {
				return err
			}
			continue
		}
		if err := n.gemm.Sgemm(true, false, l.out, l.in, batch, inv, d, l.out, prev, l.in, 0, l.dw, l.in); err != nil {
			return err
		}
		if err := asm.ColSums(l.db, inv, d, batch, l.out); err != nil {
			return err
		}
		if i == 0 {
			break
		}
		p := &n.layers[i-1]
		pd := p.d[:batch*p.out]
		if err := n.gemm.Sgemm(false, false, batch, l.in, l.out, 1, d, l.out, l.w, l.in, 0, pd, l.in); err != nil {
			return err
		}
		if err := n.activationBackwardN(p.act, pd, prev); err != nil {
			return err
		}
	}
	return nil
}

func (n *Network) checkBatch(x []float32, batch int, name string) error {
	if batch < 1 || batch > n.spec.MaxBatch {
		return shapeErr("batch of %d samples; must be between 1 and the network's max batch %d", batch, n.spec.MaxBatch)
	}
	if need := batch * n.Inputs(); len(x) < need {
		return shapeErr("%s has %d floats, need %d (%d samples × %d inputs)", name, len(x), need, batch, n.Inputs())
	}
	return nil
}

func (n *Network) checkTargets(y []float32, batch int) error {
	if need := batch * n.Outputs(); len(y) < need {
		return shapeErr("y has %d floats, need %d (%d samples × %d outputs)", len(y), need, batch, n.Outputs())
	}
	return nil
}

// sgdStep is one step of plain SGD with the update fused into the weight
// gradient product: W ← W − (lr/m)·δᵀ·a is one Sgemm with alpha = −lr/m and
// beta = 1, so no dW is written and no optimizer pass reads it back (the
// pass over the weights was 8% of a batch-32 step). Each layer's δ for the
// layer below is computed first, from the weights before their update, so
// the step is the same gradient descent step as gradients + update.
func (n *Network) sgdStep(x, y []float32, batch int) (float32, error) {
	cost, err := n.forwardCost(x, y, batch)
	if err != nil {
		return 0, err
	}
	scale := -n.spec.Optimizer.LearningRate / float32(batch)
	for i := len(n.layers) - 1; i >= 0; i-- {
		l := &n.layers[i]
		d := l.d[:batch*l.out]
		prev := x
		if i > 0 {
			prev = n.layers[i-1].a[:batch*l.in]
			p := &n.layers[i-1]
			pd := p.d[:batch*p.out]
			if err := n.gemm.Sgemm(false, false, batch, l.in, l.out, 1, d, l.out, l.w, l.in, 0, pd, l.in); err != nil {
				return 0, err
			}
		}
		if err := n.gemm.Sgemm(true, false, l.out, l.in, batch, scale, d, l.out, prev, l.in, 1, l.w, l.in); err != nil {
			return 0, err
		}
		if err := asm.ColSums(l.db, scale, d, batch, l.out); err != nil {
			return 0, err
		}
		if err := asm.Axpy(1, l.db, l.b); err != nil {
			return 0, err
		}
		if i > 0 {
			p := &n.layers[i-1]
			if err := n.activationBackwardN(p.act, p.d[:batch*p.out], prev); err != nil {
				return 0, err
			}
		}
	}
	n.step++
	return cost, nil
}
