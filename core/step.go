package core

import (
	"math"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/internal/phase"
)

// One training step, top to bottom (TrainStep; Fit runs step1, which is
// the same without the guard):
//
//	check     shapes, NaN/Inf in x and y, the guard's input norm (TrainStep)
//	forward   per layer z = a·Wᵀ, then a = f(z + b)            (forward.go)
//	loss      the cost and the last layer's δ                  (loss.go)
//	δs        every hidden layer's δ, from the last down        (hiddenDeltas)
//	          — forward, loss and δs by blocks of rows over the pool on
//	          more than one thread (forwardDeltas, rows.go)
//	gradients plain SGD: none, fused into the update; otherwise every
//	          layer's dW and db (weightGradients)
//	guard     the cost, and a bound on the update or a copy of the state
//	          (guard.go), before anything changes
//	update    plain SGD: W and b updated inside the weight products
//	          (sgdApply); otherwise one optimizer pass (update, parallel.go)
//
// Two choices are made per network and batch: fusedSGD (plain SGD) and
// useTiny (XOR-sized networks run the loops of tiny.go instead of GEMM
// calls); with both (tinySGD) the whole step, its guard included, is
// tinySGDStep (tinystep.go), and for the smallest networks on avx2 and
// avx512 one assembly kernel (tinykernel.go), which TrainStep tries before
// its checks. Built with -tags entrena_phases, each phase is timed
// (internal/phase).

// TrainStep runs one step of mini-batch gradient descent on batch samples:
// x is batch×Inputs and y batch×Outputs, row-major, read in place. It
// returns the batch's loss before the update (with weight decay, its
// λ·Σw² included). The step is forward, cost, backward, update; it
// allocates nothing.
//
// A step that diverges is an error wrapping ErrData and ErrDiverged, and
// leaves the network exactly as it was before the call (parameters,
// optimizer state, step count): the cost is NaN or ±Inf, or the update
// would make a parameter or the optimizer state NaN or ±Inf; it is
// decided without copying the parameters on every step (a tiny network
// with plain SGD writes its update aside and copies it in: cheaper at its
// size than the guard's bounds). batch must be
// between 1 and MaxBatch (ErrShape otherwise, as for Fit's BatchSize).
//
// TrainStep is the online-learning call: one step per batch as data
// arrives. It is not safe for concurrent use (ErrConcurrentUse, see
// Network); Fit's progress callback may call it.
func (n *Network) TrainStep(x, y []float32, batch int) (cost float32, err error) {
	t := phase.Now()
	defer exported(&err)
	prev, err := n.acquire(betweenBatches)
	if err != nil {
		return 0, err
	}
	defer n.release(prev)
	return n.trainStep(x, y, batch, t)
}

// trainStep is TrainStep on the claimed network (its own function, so that
// TrainStep's two defers stay inline at its two returns).
func (n *Network) trainStep(x, y []float32, batch int, t int64) (float32, error) {
	if cost, ran, err := n.tinyKernelStep(x, y, batch, true, t); ran {
		return cost, err
	}
	if err := n.checkBatch(x, batch, "x"); err != nil {
		return 0, err
	}
	if err := n.checkTargets(y, batch); err != nil {
		return 0, err
	}
	if n.tinySGD(batch) {
		return n.tinySGDStep(x, y, batch, true, phase.Since(phase.Check, t))
	}
	x = x[:batch*n.Inputs()]
	// The guard's bound starts from the inputs' norm, which is NaN or +Inf
	// when an input is NaN or ±Inf (or their squares overflow): finite, it
	// stands in for the scan.
	xNorm := math.Inf(1)
	if n.boundsPay(batch) {
		xNorm = n.norm(x)
	}
	if !(xNorm < math.Inf(1)) {
		if i := n.firstNonFiniteN(x); i >= 0 {
			return 0, dataErr("input %d (sample %d, feature %d) is %v", i, i/n.Inputs(), i%n.Inputs(), x[i])
		}
	}
	if i := firstNonFinite(y[:batch*n.Outputs()]); i >= 0 {
		return 0, dataErr("target %d (sample %d, output %d) is %v", i, i/n.Outputs(), i%n.Outputs(), y[i])
	}
	phase.Since(phase.Check, t)
	if xNorm < math.Inf(1) {
		return n.boundedStep(x, y, batch, xNorm)
	}
	return n.exactStep(x, y, batch)
}

// step1 is one unguarded step after validation, as Fit runs it (Fit checks
// for divergence once per epoch against its own snapshot).
func (n *Network) step1(x, y []float32, batch int) (float32, error) {
	if n.tinySGD(batch) {
		return n.tinySGDStep(x, y, batch, false, phase.Now())
	}
	cost, err := n.backprop(x, y, batch)
	if err != nil {
		return 0, err
	}
	return cost, n.apply(x, batch)
}

// fusedSGD reports whether the step's update is plain SGD fused into the
// weight gradient products (sgdApply) rather than an optimizer pass.
func (n *Network) fusedSGD() bool {
	return n.spec.Optimizer.Kind == SGD
}

// tinySGD reports whether a step of batch samples is the fused step of a
// tiny network with plain SGD (tinystep.go).
func (n *Network) tinySGD(batch int) bool {
	return n.fusedSGD() && n.useTiny(batch)
}

// backprop runs forward, cost and backward, leaving every layer's δ in its
// delta buffer and, unless the update is fused, ∂J/∂θ in n.grads. Nothing
// of the network's state changes.
func (n *Network) backprop(x, y []float32, batch int) (float32, error) {
	if !n.fusedSGD() {
		return n.gradients(x, y, batch)
	}
	return n.forwardDeltas(x, y, batch)
}

// apply updates the parameters (and the optimizer state) from what
// backprop left.
func (n *Network) apply(x []float32, batch int) error {
	if n.fusedSGD() {
		return n.sgdApply(x, batch)
	}
	return n.update(batch)
}

// gradients runs forward, cost and backward, leaving ∂J/∂θ in n.grads.
func (n *Network) gradients(x, y []float32, batch int) (float32, error) {
	if n.useTiny(batch) {
		cost, err := n.forwardCost(x, y, batch)
		if err != nil {
			return 0, err
		}
		tinyGradients(n.layers, x, batch)
		return cost, n.addWeightDecay()
	}
	cost, err := n.forwardDeltas(x, y, batch)
	if err != nil {
		return 0, err
	}
	return cost, n.deltaGradients(x, batch)
}

// deltaGradients computes ∂J/∂θ from the δs that forwardDeltas left: the
// weight products, the bias sums and weight decay's term.
func (n *Network) deltaGradients(x []float32, batch int) error {
	if err := n.weightGradients(x, batch); err != nil {
		return err
	}
	return n.addWeightDecay()
}

// afterDeltas is the rest of step1 once forwardDeltas has run: the
// gradients (none when the update is fused) and the update.
func (n *Network) afterDeltas(x []float32, batch int) error {
	if !n.fusedSGD() {
		if err := n.deltaGradients(x, batch); err != nil {
			return err
		}
	}
	return n.apply(x, batch)
}

// forwardCost runs forward and returns the batch's cost, leaving δ[L] in the
// last layer's delta buffer.
func (n *Network) forwardCost(x, y []float32, batch int) (float32, error) {
	n.training = true
	defer func() { n.training = false }() // a kernel panic recovered above must not leave it set
	if err := n.forward(x, batch, nil); err != nil {
		return 0, err
	}
	t := phase.Now()
	last := &n.layers[len(n.layers)-1]
	cost := lossAndDelta(n.spec.Loss, last.act, last.a[:batch*last.out], y, last.d, batch)
	phase.Since(phase.Loss, t)
	return n.withPenalty(cost), nil
}

// weightGradients computes every layer's gradients from the δs that
// forwardDeltas left, the products in one pool call (weightProducts):
//
//	dW[l] = (1/m)·δ[l]ᵀ·a[l−1]               (Sgemm TN)
//	db[l] = (1/m)·Σ_rows δ[l]                 (ColSums)
func (n *Network) weightGradients(x []float32, batch int) error {
	inv := 1 / float32(batch)
	t := phase.Now()
	if err := n.weightProducts(x, batch, inv, false); err != nil {
		return err
	}
	t = phase.Since(phase.WeightProduct, t)
	for i := range n.layers {
		l := &n.layers[i]
		if err := asm.ColSums(l.db, inv, l.d[:batch*l.out], batch, l.out); err != nil {
			return err
		}
	}
	phase.Since(phase.BiasGradient, t)
	return nil
}

// weightProducts runs C = alpha·δ[l]ᵀ·a[l−1] + beta·C for every layer, the
// first (widest) first, as one asm.ParallelGemm.SgemmAll call: into dW
// (beta 0), or, fused (plain SGD), into W with beta the weight decay's.
func (n *Network) weightProducts(x []float32, batch int, alpha float32, fused bool) error {
	ps := n.products[:len(n.layers)]
	for i := range n.layers {
		l := &n.layers[i]
		prev := x
		if i > 0 {
			prev = n.layers[i-1].a[:batch*l.in]
		}
		beta, c := float32(0), l.dw
		if fused {
			beta, c = decayBeta(l, n.spec.Optimizer.LearningRate), l.w
		}
		ps[i] = asm.Product{TransA: true, M: l.out, N: l.in, K: batch, Alpha: alpha,
			A: l.d[:batch*l.out], Lda: l.out, B: prev, Ldb: l.in, Beta: beta, C: c, Ldc: l.in}
	}
	// The first layer's rows of W cut at the bands of its forward product
	// by units (where asm would cut them finer): each thread writes the
	// rows it reads there in the next step.
	ps[0].ThreadBand = n.unitsBand()
	err := n.gemm.SgemmAll(ps)
	clear(ps) // do not keep the caller's batch alive
	return err
}

// tinyGradients is weightGradients and hiddenDeltas for tiny networks, from δ[L]
// down, with the loops of tiny.go.
func tinyGradients(layers []dense, x []float32, batch int) {
	inv := 1 / float32(batch)
	t := phase.Now()
	for i := len(layers) - 1; i >= 0; i-- {
		l := &layers[i]
		d := l.d[:batch*l.out]
		prev := x
		var pd []float32
		if i > 0 {
			prev = layers[i-1].a[:batch*l.in]
			pd = layers[i-1].d[:batch*l.in]
		}
		tinyBackward(l, d, prev, pd, batch)
		tinyScaleGradients(l, inv)
		t = phase.SinceLayer(phase.WeightProduct, i, t)
		if i > 0 {
			tinyDerivative(&layers[i-1], pd, prev)
			t = phase.SinceLayer(phase.Derivative, i-1, t)
		}
	}
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
	return checkTargetValues(n.spec.Loss, y, batch, n.Outputs())
}

// Plain SGD fuses the update into the weight gradient product:
// W ← W − (lr/m)·δᵀ·a is one Sgemm with alpha = −lr/m and beta = 1, so no
// dW is written and no optimizer pass reads it back (the pass over the
// weights was 8% of a batch-32 step). Every δ is computed first, from the
// weights before their update (hiddenDeltas), then every layer is updated
// (sgdApply): the same gradient descent step as gradients + update, and
// the guard can look at every δ before anything changes.

// hiddenDeltas sets δ[l−1] = (δ[l]·W[l]) ⊙ f′(a[l−1]) for every layer from the
// last, whose δ lossAndDelta wrote.
func (n *Network) hiddenDeltas(batch int) error {
	t := phase.Now()
	for i := len(n.layers) - 1; i > 0; i-- {
		l, p := &n.layers[i], &n.layers[i-1]
		d, pd := l.d[:batch*l.out], p.d[:batch*p.out]
		if err := n.gemm.Sgemm(false, false, batch, l.in, l.out, 1, d, l.out, l.w, l.in, 0, pd, l.in); err != nil {
			return err
		}
		t = phase.SinceLayer(phase.DeltaProduct, i, t)
		if err := n.hiddenBackward(p, pd, p.a[:batch*p.out]); err != nil {
			return err
		}
		t = phase.SinceLayer(phase.Derivative, i-1, t)
	}
	return nil
}

// sgdApply adds −(lr/m)·δ[l]ᵀ·a[l−1] to every W[l] (first scaled by
// 1 − 2·lr·λ under weight decay) and −(lr/m)·Σδ[l] to every b[l]. The
// weight products go first, in one pool call: they follow the last δ
// product with no serial work between in which a pool worker could go to
// sleep. The layers' updates are independent, so their order changes no
// bit.
func (n *Network) sgdApply(x []float32, batch int) error {
	scale := -n.spec.Optimizer.LearningRate / float32(batch)
	t := phase.Now()
	if err := n.weightProducts(x, batch, scale, true); err != nil {
		return err
	}
	t = phase.Since(phase.WeightProduct, t)
	for i := range n.layers {
		l := &n.layers[i]
		if err := asm.ColSums(l.db, scale, l.d[:batch*l.out], batch, l.out); err != nil {
			return err
		}
		if err := asm.Axpy(1, l.db, l.b); err != nil {
			return err
		}
	}
	phase.Since(phase.BiasGradient, t)
	n.countStep()
	return nil
}
