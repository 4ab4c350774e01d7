package core

import "math"

// RMSprop as Keras defines it (learning rate 0.001, ρ 0.9, ε 1e-7 there):
//
//	v ← ρ·v + (1−ρ)·g²
//	w ← w − lr·g / √(v + ε)
//
// ε inside the root, as Keras (and TensorFlow's ApplyRMSProp) put it. The
// step itself is asm.RMSprop, run by the update pass (parallel.go).

// rmspropBound bounds an RMSprop step on a gradient bound grad from the
// mean squares' bound ms: it returns the mean squares' bound after the
// step and whether every value stays finite. The step itself is at most
// lr/√(1−ρ) (v ≥ (1−ρ)·g²) and at most lr·grad/√ε.
func rmspropBound(o Optimizer, ms, grad float64) (next float64, ok bool) {
	if !(grad <= math.Sqrt(maxPartial)) || o.Epsilon <= 0 {
		return 0, false
	}
	rho, lr := float64(o.Rho), float64(o.LearningRate)
	next = (rho*ms + (1-rho)*grad*grad) * stateGrowth
	step := lr * min(grad/math.Sqrt(float64(o.Epsilon)), 1/math.Sqrt(1-rho)) * stateGrowth
	return next, next <= maxPartial && step <= maxUpdate
}
