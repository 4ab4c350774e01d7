package core

// TrainStep split in two, for callers who drive their own loop and combine
// gradients between the halves (an all-reduce across processes, an
// average over batches): Gradients computes them, ApplyGradients applies
// the optimizer. Gradients then ApplyGradients of the same buffer is
// TrainStep's gradient descent step. Both allocate nothing.

// Gradients runs forward, cost and backward on batch samples (x batch×Inputs,
// y batch×Outputs, read in place) and writes ∂J/∂θ of the batch's mean
// cost into grads, in CopyParams's order (grads must hold ParamCount
// floats). It returns the cost; the parameters and the optimizer state do
// not change. Bad input is an ErrData and a cost that is NaN or ±Inf an
// error wrapping ErrDiverged; grads is not written then.
func (n *Network) Gradients(x, y []float32, batch int, grads []float32) (cost float32, err error) {
	defer exported(&err)
	prev, err := n.acquire(betweenBatches)
	if err != nil {
		return 0, err
	}
	defer n.release(prev)
	if err := n.checkStepInput(x, y, batch); err != nil {
		return 0, err
	}
	if len(grads) < n.ParamCount() {
		return 0, shapeErr("gradient buffer has %d floats, need %d", len(grads), n.ParamCount())
	}
	cost, err = n.gradients(x[:batch*n.Inputs()], y, batch)
	if err != nil {
		return 0, err
	}
	if !finite(cost) {
		return 0, divergedStepErr(cost, 0)
	}
	off := 0
	for _, l := range n.layers {
		off += copy(grads[off:], l.dw)
		off += copy(grads[off:], l.db)
	}
	return cost, nil
}

// ApplyGradients takes one optimizer step (the network's optimizer,
// learning rate and state) with grads, ParamCount floats in CopyParams's
// order. A NaN or ±Inf gradient is an ErrData, and an update that would
// make a parameter or the optimizer state NaN or ±Inf an error wrapping
// ErrDiverged; either leaves the network as it was.
func (n *Network) ApplyGradients(grads []float32) (err error) {
	defer exported(&err)
	prev, err := n.acquire(betweenBatches)
	if err != nil {
		return err
	}
	defer n.release(prev)
	if len(grads) != n.ParamCount() {
		return shapeErr("gradient buffer has %d floats, need exactly %d", len(grads), n.ParamCount())
	}
	if i := n.firstNonFiniteN(grads); i >= 0 {
		return dataErr("gradient %d is %v", i, grads[i])
	}
	off := 0
	for _, l := range n.layers {
		off += copy(l.dw, grads[off:])
		off += copy(l.db, grads[off:])
	}
	return n.exactUpdate(func() error { return n.update(n.spec.MaxBatch) }, 0)
}

// checkStepInput checks a training batch as TrainStep does: shapes, and
// every input and target finite.
func (n *Network) checkStepInput(x, y []float32, batch int) error {
	if err := n.checkBatch(x, batch, "x"); err != nil {
		return err
	}
	if err := n.checkTargets(y, batch); err != nil {
		return err
	}
	in, o := n.Inputs(), n.Outputs()
	if i := n.firstNonFiniteN(x[:batch*in]); i >= 0 {
		return dataErr("input %d (sample %d, feature %d) is %v", i, i/in, i%in, x[i])
	}
	if i := firstNonFinite(y[:batch*o]); i >= 0 {
		return dataErr("target %d (sample %d, output %d) is %v", i, i/o, i%o, y[i])
	}
	return nil
}
