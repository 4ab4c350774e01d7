package core

import "github.com/v1tr0/entrena/asm"

// L2 weight decay, as Keras's kernel_regularizer l2(λ): a layer's loss
// term is λ·Σw² over its weights (biases are not decayed), so its weight
// gradient gains 2λ·w. The term is part of the loss every training step,
// Fit's history and Evaluate report, as Keras's loss includes its
// regularization losses.

// validateRegularization checks layer i's (0-based, of layers) weight
// decay and dropout rate.
func (l Layer) validateRegularization(i, layers int) error {
	if !finite(l.L2) || l.L2 < 0 {
		return specErr("layer %d: l2 must be non-negative and finite, got %v", i+1, l.L2)
	}
	if !finite(l.Dropout) || l.Dropout < 0 || l.Dropout >= 1 {
		return specErr("layer %d: dropout rate must be in [0, 1), got %v", i+1, l.Dropout)
	}
	if l.Dropout > 0 && i == layers-1 {
		return specErr("layer %d: dropout is only allowed after a hidden layer, not on the output layer", i+1)
	}
	return nil
}

// hasL2 reports whether any layer decays its weights.
func (s Spec) hasL2() bool {
	for _, l := range s.Layers {
		if l.L2 > 0 {
			return true
		}
	}
	return false
}

// l2Penalty is Σ_l λ_l·Σw² over the layers with weight decay (0 without).
// It sums on the calling thread, so the loss does not depend on Threads.
func (n *Network) l2Penalty() float64 {
	var p float64
	for i := range n.layers {
		l := &n.layers[i]
		if l.l2 > 0 {
			p += float64(l.l2) * n.guard.scratch[0].sumSquares(l.w)
		}
	}
	return p
}

// withPenalty adds the weight decay's term to a batch's data loss.
func (n *Network) withPenalty(loss float32) float32 {
	if !n.spec.hasL2() {
		return loss
	}
	return float32(float64(loss) + n.l2Penalty())
}

// addWeightDecay adds 2λ·w to every decayed layer's weight gradient (the
// optimizer pass then sees the regularized loss's gradient).
func (n *Network) addWeightDecay() error {
	for i := range n.layers {
		l := &n.layers[i]
		if l.l2 > 0 {
			if err := asm.Axpy(2*l.l2, l.w, l.dw); err != nil {
				return err
			}
		}
	}
	return nil
}

// decayBeta is what fused SGD scales a layer's weights by before adding
// −(lr/m)·δᵀa: W − lr·(g + 2λW) = (1 − 2·lr·λ)·W − lr·g, the GEMM's beta,
// so the decay costs no extra pass.
func decayBeta(l *dense, lr float32) float32 {
	if l.l2 == 0 {
		return 1
	}
	return 1 - 2*lr*l.l2
}

// decayBounded reports whether TrainStep's bounds still prove a step
// finite with weight decay: only fused SGD whose every
// weight scale decayBeta is in [0, 1] (the weights shrink; the bound on
// the rest of the update holds as without decay). Other steps with decay
// are guarded by a copy of the state.
func (n *Network) decayBounded() bool {
	if !n.spec.hasL2() {
		return true
	}
	if !n.fusedSGD() {
		return false
	}
	lr := n.spec.Optimizer.LearningRate
	for i := range n.layers {
		if b := decayBeta(&n.layers[i], lr); !(b >= 0 && b <= 1) {
			return false
		}
	}
	return true
}
