package core

import (
	"errors"

	"github.com/v1tr0/entrena/asm"
)

// Fit must find a NaN or ±Inf among a batch's inputs before the step
// changes anything. Where it does not copy the batch (no shuffle), it
// checks the first layer's products z = x·W₁ᵀ rather than x: under IEEE
// arithmetic a NaN or ±Inf input makes every z of its row NaN or ±Inf
// (∞·0 is NaN, ∞−∞ is NaN), and z is batch × units₁ floats in cache where
// x is batch × inputs from memory (784-128-64-10: a sixth of the floats;
// core/TUNING.md has the gain). A non-finite z from finite inputs
// (an overflow) is told apart by scanning x then, and the step reruns
// without the check: the check changes nothing, so the rerun has the bits
// of a step that never checked.

// errFirstLayerNonFinite is a step's forward pass finding a NaN or ±Inf
// among the first layer's products before its activation.
var errFirstLayerNonFinite = errors.New("a first-layer product is NaN or ±Inf")

// checksFirstLayer reports whether a step of batch samples can stand the
// first layer's check in for a scan of its inputs: the GEMM path's forward
// (the tiny path's loops are not checked).
func (n *Network) checksFirstLayer(batch int) bool {
	return firstLayerCheckEnabled && !n.useTiny(batch)
}

// firstLayerCheckEnabled lets tests run Fit with the plain scan.
var firstLayerCheckEnabled = true

// checkFirstLayerProducts is called by the forward passes with layer i's
// products z before the bias and activation.
func (n *Network) checkFirstLayerProducts(i int, z []float32) error {
	if i == 0 && n.checkFirstLayer && asm.FirstNonFinite(z) >= 0 {
		return errFirstLayerNonFinite
	}
	return nil
}

// checkedStep is step1 on a batch whose inputs were not scanned. It
// returns the index in x of the first NaN or ±Inf input (the network
// untouched), or −1 and the step's result.
func (n *Network) checkedStep(x, y []float32, batch int) (bad int, cost float32, err error) {
	cost, err = n.stepCheckingFirstLayer(x, y, batch)
	if !errors.Is(err, errFirstLayerNonFinite) {
		return -1, cost, err
	}
	if bad = n.firstNonFiniteN(x[:batch*n.Inputs()]); bad >= 0 {
		return bad, 0, nil
	}
	cost, err = n.step1(x, y, batch)
	return -1, cost, err
}

// stepCheckingFirstLayer is step1 with the first layer's check on; a kernel
// panic recovered above must not leave it on for later calls (Predict).
func (n *Network) stepCheckingFirstLayer(x, y []float32, batch int) (float32, error) {
	n.checkFirstLayer = true
	defer func() { n.checkFirstLayer = false }()
	return n.step1(x, y, batch)
}
