package core

import "math"

// probFloor keeps log() finite in the cross-entropies: predictions are
// clamped to [probFloor, 1−probFloor] inside the logarithms only.
const probFloor = 1e-7

// lossAndDelta computes the cost J of the batch×outputs predictions a against
// targets y, and writes δ[L] = m·∂J/∂z[L] into d (m = batch), so that the
// gradients are dW = (1/m)·δᵀ·a[l−1] and db = (1/m)·Σδ as in the seed.
//
//	MSE:  J = (1/m)·ΣΣ (a−y)²           δ = 2(a−y) ⊙ f'(z)
//	BCE:  J = −(1/m)·ΣΣ y·ln a + (1−y)·ln(1−a), sigmoid output:  δ = a − y
//	CCE:  J = −(1/m)·ΣΣ y·ln a, softmax output:                  δ = a − y
//
// Each row's sum is accumulated in float64 (rowLoss) and the rows' sums are
// added in order, so a pass that computes rows apart (rows.go) and adds
// their sums afterwards gets the same bits.
func lossAndDelta(loss Loss, f Activation, a, y, d []float32, batch int) float32 {
	outs := len(a) / batch
	var sum float64
	for r := range batch {
		lo, hi := r*outs, (r+1)*outs
		sum += rowLoss(loss, f, a[lo:hi], y[lo:hi], d[lo:hi])
	}
	return float32(sum / float64(batch))
}

// rowLoss is one sample's part of lossAndDelta: it writes the sample's δ
// into d and returns its summed cost (not divided by the batch).
func rowLoss(loss Loss, f Activation, a, y, d []float32) float64 {
	n := len(a)
	y, d = y[:n], d[:n]
	var sum float64
	switch loss {
	case MSE:
		if f == Sigmoid { // f′ in the same pass, in SigmoidBackward's order: the same bits
			for i, ai := range a {
				e := ai - y[i]
				sum += float64(e) * float64(e)
				d[i] = 2 * e * (ai * (1 - ai))
			}
			break
		}
		for i, ai := range a {
			e := ai - y[i]
			sum += float64(e) * float64(e)
			d[i] = 2 * e
		}
		_ = activationBackward(f, d, a) // lengths match by construction
	case BinaryCrossEntropy:
		for i, ai := range a {
			p := clampProb(float64(ai))
			t := float64(y[i])
			sum -= t*math.Log(p) + (1-t)*math.Log(1-p)
			d[i] = ai - y[i]
		}
	case CategoricalCrossEntropy:
		for i, ai := range a {
			if t := float64(y[i]); t != 0 {
				sum -= t * math.Log(clampProb(float64(ai)))
			}
			d[i] = ai - y[i]
		}
	}
	return sum
}

// lossOnly is lossAndDelta without the delta, for Evaluate.
func lossOnly(loss Loss, a, y []float32) float64 {
	var sum float64
	for i, ai := range a {
		t := float64(y[i])
		switch loss {
		case MSE:
			e := float64(ai) - t
			sum += e * e
		case BinaryCrossEntropy:
			p := clampProb(float64(ai))
			sum -= t*math.Log(p) + (1-t)*math.Log(1-p)
		case CategoricalCrossEntropy:
			if t != 0 {
				sum -= t * math.Log(clampProb(float64(ai)))
			}
		}
	}
	return sum
}

func clampProb(p float64) float64 {
	return math.Min(math.Max(p, probFloor), 1-probFloor)
}
