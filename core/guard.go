package core

import (
	"fmt"
	"math"

	"github.com/v1tr0/entrena/internal/phase"
)

// TrainStep's divergence guard. A step either updates the network or, when
// its cost or any updated parameter or optimizer value would be NaN or
// ±Inf, leaves it exactly as it was. Copying the state before every step
// and scanning it after costs a pass over every parameter, so where that
// is dearer TrainStep instead proves that the update cannot overflow, from
// norms of buffers the size of a batch (boundedStep):
//
//   - each entry of a layer's gradient sum Σ_r δ[r,o]·a[r,i] is at most
//     ‖δ‖·‖a‖ (Cauchy–Schwarz), and Σ_r δ[r,o] at most √m·‖δ‖, for the
//     layer's δ and its input a: x, or a hidden layer's output (sigmoid and
//     tanh saturate in [−1, 1], so ‖a‖ ≤ √(m·in); ReLU and linear outputs
//     are measured);
//   - adding less than 2¹⁰² to a finite float32 cannot overflow (that
//     takes MaxFloat32 plus half an ulp, 2¹²⁸ − 2¹⁰³), so an update bounded
//     far below that, whose partial sums stay inside the float32 range,
//     leaves every parameter finite whatever its value was.
//
// A norm is NaN or +Inf when its buffer holds a NaN or ±Inf (or its squares
// overflow), so a NaN that a later activation hid fails the bound too; a
// NaN in a sigmoid or tanh output turns the δ below it NaN. When the bound
// fails, or copying is cheaper (small networks), the step copies the state,
// updates, scans, and restores on a NaN or ±Inf (applyExact).

const (
	// maxUpdate bounds what an update may add to a parameter or to the
	// optimizer state: far below the 2¹⁰² that could overflow.
	maxUpdate = 0x1p100
	// maxPartial bounds every product, sum and quotient the kernels form
	// on the way, leaving a factor of 2⁸ to MaxFloat32 for rounding.
	maxPartial = 0x1p120
	// normSlack covers the rounding of norm's float32 partial sums (a
	// relative error below 2⁻⁵ for any buffer Validate allows).
	normSlack = 2
	// stateGrowth covers the rounding of one optimizer update of the
	// velocity or moments (a few float32 operations).
	stateGrowth = 1 + 0x1p-20
)

// stepGuard holds the guard's scratch buffers and its bounds on the
// optimizer state.
type stepGuard struct {
	scratch []normScratch // one per pool thread (norm.go)

	// Bounds on max|opt1| and max|opt2| (momentum velocity; Adam's
	// moments), valid while stateKnown: every bounded step advances them,
	// anything else that changes the state (Fit, an exact step) drops them.
	stateKnown bool
	state      stateBounds

	// rowFloats is what boundedStep measures per sample: the inputs, every
	// δ and every ReLU or linear hidden layer's output; buffers is how many
	// buffers that is.
	rowFloats, buffers uint64
}

type stateBounds struct{ opt1, opt2 float64 }

// newStepGuard returns the guard of a network of spec s, its scratch
// carved out of buf (see newNormScratch).
func newStepGuard(buf []float32, threads int, s Spec) stepGuard {
	g := stepGuard{scratch: newNormScratch(buf, threads), stateKnown: true}
	g.rowFloats, g.buffers = uint64(s.Inputs), 1
	for i, l := range s.Layers {
		g.rowFloats += uint64(l.Units)
		g.buffers++
		if i < len(s.Layers)-1 && !boundedActivation(l.Activation) {
			g.rowFloats += uint64(l.Units)
			g.buffers++
		}
	}
	return g
}

// boundedActivation reports whether f's outputs lie in [−1, 1] for every
// input but NaN: sigmoid and tanh saturate, softmax is a distribution.
func boundedActivation(f Activation) bool { return f == Sigmoid || f == Tanh || f == Softmax }

// boundsPay reports whether a step of batch samples is guarded by bounds
// rather than by a copy of the state. Measuring streams the inputs and
// every δ through L1-sized chunks, a few kernel calls per buffer; the copy
// and the scan stream the parameters and the optimizer state through memory,
// which measured about 8 times the cost per float (784-128-64-10 on AVX2);
// a kernel call is worth about 1200 floats.
func (n *Network) boundsPay(batch int) bool {
	switch guardMode {
	case guardExact:
		return false
	case guardBounds:
		return true
	}
	g := &n.guard
	return uint64(batch)*g.rowFloats+boundsCallFloats*g.buffers < boundsCopyRatio*n.layout.params*(1+n.layout.opt)
}

const (
	boundsCopyRatio  = 8
	boundsCallFloats = 1200
)

// guardMode lets tests force either way of guarding a step.
var guardMode = guardAuto

const (
	guardAuto = iota
	guardExact
	guardBounds
)

// normBound is an upper bound on the norm of s from its measured norm:
// the partial sums' rounding, and squares below the smallest float32 that
// round to zero.
func normBound(measured float64, floats int) float64 {
	return measured*normSlack + math.Sqrt(float64(floats))*0x1p-60
}

// boundedStep is TrainStep for validated x and y, whose norm xNorm is
// finite, guarded by bounds.
func (n *Network) boundedStep(x, y []float32, batch int, xNorm float64) (float32, error) {
	cost, err := n.backprop(x, y, batch)
	if err != nil {
		return 0, err
	}
	if !finite(cost) {
		return 0, divergedStepErr(cost, 0)
	}
	t := phase.Now()
	next, ok := n.updateBound(batch, xNorm)
	phase.Since(phase.Check, t)
	if !ok {
		return n.applyExact(x, batch, cost)
	}
	if err := n.apply(x, batch); err != nil {
		return 0, err
	}
	n.guard.state = next
	return cost, nil
}

// exactStep is TrainStep for validated x and y, guarded by a copy of the
// state.
func (n *Network) exactStep(x, y []float32, batch int) (float32, error) {
	cost, err := n.backprop(x, y, batch)
	if err != nil {
		return 0, err
	}
	if !finite(cost) {
		return 0, divergedStepErr(cost, 0)
	}
	return n.applyExact(x, batch, cost)
}

// updateBound bounds the update that backprop prepared. It reports false
// when the bound does not show that every parameter and optimizer value
// stays finite; otherwise it returns the optimizer state's bounds after the
// update.
func (n *Network) updateBound(batch int, xNorm float64) (next stateBounds, ok bool) {
	if !n.decayBounded() {
		return next, false
	}
	g := &n.guard
	m := float64(batch)
	var grad float64 // bound on every |∂J/∂θ| of the batch
	for i := range n.layers {
		l := &n.layers[i]
		d := l.d[:batch*l.out]
		dn := normBound(n.norm(d), len(d))
		var an float64
		switch {
		case i == 0:
			an = normBound(xNorm, batch*l.in)
		case boundedActivation(n.layers[i-1].act):
			an = normSlack * math.Sqrt(m*float64(l.in)) * dropoutKeepScale(&n.layers[i-1])
		default:
			a := n.layers[i-1].a[:batch*l.in]
			an = normBound(n.norm(a), len(a))
		}
		sum := max(dn*an, dn*math.Sqrt(m)) // |Σ_r δ·a| and |Σ_r δ|
		if !(sum <= maxPartial) {          // NaN too
			return next, false
		}
		grad = max(grad, sum/m)
	}
	o := n.spec.Optimizer
	lr := float64(o.LearningRate)
	switch o.Kind {
	case Momentum: // v ← μ·v + g; θ ← θ − lr·v
		n.knowState()
		v := (float64(o.Momentum)*g.state.opt1 + grad) * stateGrowth
		return stateBounds{opt1: v}, v <= maxUpdate && lr*v <= maxUpdate
	case RMSprop:
		n.knowState()
		v, ok := rmspropBound(o, g.state.opt1, grad)
		return stateBounds{opt1: v}, ok
	case Adam: // m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; θ ← θ − lr·(m/c1)/(√(v/c2)+ε)
		n.knowState()
		if !(grad <= math.Sqrt(maxPartial)) {
			return next, false
		}
		b1, b2 := float64(o.Beta1), float64(o.Beta2)
		m1 := (b1*g.state.opt1 + (1-b1)*grad) * stateGrowth
		m2 := (b2*g.state.opt2 + (1-b2)*grad*grad) * stateGrowth
		c1, c2 := adamCorrections(o, n.steps.sinceReset+1)
		mhat, vhat := m1/float64(c1), m2/float64(c2)
		return stateBounds{opt1: m1, opt2: m2},
			mhat <= maxPartial && vhat <= maxPartial && lr*mhat <= maxPartial && lr*mhat/float64(o.Epsilon) <= maxUpdate
	}
	return next, lr*grad <= maxUpdate
}

// knowState measures the optimizer state's bounds when they were dropped.
func (n *Network) knowState() {
	g := &n.guard
	if g.stateKnown {
		return
	}
	g.state = stateBounds{opt1: maxAbs(n.opt1), opt2: maxAbs(n.opt2)}
	g.stateKnown = true
}

// maxAbs is the largest |v| of s; +Inf when s holds a NaN.
func maxAbs(s []float32) float64 {
	var m float32
	for _, v := range s {
		if !(v <= m && -v <= m) {
			if v != v {
				return math.Inf(1)
			}
			m = max(m, v, -v)
		}
	}
	return float64(m)
}

// applyExact applies the update prepared by backprop as exactUpdate does.
func (n *Network) applyExact(x []float32, batch int, cost float32) (float32, error) {
	if err := n.exactUpdate(func() error { return n.apply(x, batch) }, cost); err != nil {
		return 0, err
	}
	return cost, nil
}

// exactUpdate runs update after copying the parameters and optimizer
// state, scans the state, and puts the copy back (step count included) when
// update fails or leaves a value NaN or ±Inf; cost goes into the latter's
// error.
func (n *Network) exactUpdate(update func() error, cost float32) error {
	t := phase.Now()
	params, opt1, opt2 := n.stateSnapshot()
	copy(params, n.params)
	copy(opt1, n.opt1)
	copy(opt2, n.opt2)
	steps0 := n.steps
	restore := func() {
		copy(n.params, params)
		copy(n.opt1, opt1)
		copy(n.opt2, opt2)
		n.setSteps(steps0)
	}
	phase.Since(phase.Snapshot, t)
	if err := update(); err != nil {
		restore()
		return err
	}
	t = phase.Now()
	for _, s := range [...][]float32{n.params, n.opt1, n.opt2} {
		if i := n.firstNonFiniteN(s); i >= 0 {
			bad := s[i]
			restore()
			return divergedStepErr(cost, bad)
		}
	}
	phase.Since(phase.Snapshot, t)
	n.guard.stateKnown = n.spec.Optimizer.Kind == SGD
	return nil
}

// stateSnapshot returns buffers for a copy of the parameters and optimizer
// state: Fit's (the memory check counts them), or new ones when TrainStep
// runs inside Fit's progress callback, while Fit's hold its epoch's start.
func (n *Network) stateSnapshot() (params, opt1, opt2 []float32) {
	f := &n.fit
	if f.running {
		return make([]float32, len(n.params)), make([]float32, len(n.opt1)), make([]float32, len(n.opt2))
	}
	n.allocSnapshot()
	return f.snapshot, f.opt1, f.opt2
}

// divergedStepErr is TrainStep's error for a cost or a state value that is
// NaN or ±Inf (bad, when not 0).
func divergedStepErr(cost, bad float32) error {
	what := fmt.Sprintf("the loss is %v", cost)
	if bad != 0 {
		what = fmt.Sprintf("the update would make a parameter or optimizer value %v", bad)
	}
	return fmt.Errorf("%w: %w: %s (learning rate too large?); the network is as it was before the step", ErrData, ErrDiverged, what)
}
