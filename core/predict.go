package core

import "math"

// Predict runs samples rows of x (samples×Inputs, row-major) through the
// network and writes samples×Outputs predictions into out. samples must be
// at least 1 (ErrShape otherwise) and may exceed MaxBatch: the rows are
// processed MaxBatch at a time, the last layer writing straight into out.
// A NaN or ±Inf input is an ErrData naming it. It allocates nothing.
//
// Predict is not safe for concurrent use: it computes in the network's
// own buffers, and a call while another call on the network runs returns
// ErrConcurrentUse. Serve from many goroutines with a Predictor each.
func (n *Network) Predict(x []float32, samples int, out []float32) (err error) {
	defer exported(&err)
	prev, err := n.acquire(betweenBatches)
	if err != nil {
		return err
	}
	defer n.release(prev)
	if err := n.checkSamples(x, samples); err != nil {
		return err
	}
	if need := samples * n.Outputs(); len(out) < need {
		return shapeErr("output buffer has %d floats, need %d (%d samples × %d outputs)", len(out), need, samples, n.Outputs())
	}
	in, o := n.Inputs(), n.Outputs()
	if i := n.firstNonFiniteN(x[:samples*in]); i >= 0 {
		return dataErr("input %d (sample %d, feature %d) is %v", i, i/in, i%in, x[i])
	}
	for s := 0; s < samples; s += n.spec.MaxBatch {
		b := min(n.spec.MaxBatch, samples-s)
		if err := n.forward(x[s*in:(s+b)*in], b, out[s*o:(s+b)*o]); err != nil {
			return err
		}
	}
	return nil
}

// Evaluate returns the loss (J as defined by the network's Loss, plus
// λ·Σw² of the layers with weight decay, as Keras reports it; dropout is
// off) and the accuracy over samples rows of x and y. Accuracy is the
// share of samples whose largest output is at the index of the largest
// target (one-hot classes); with a single output, prediction and target
// are compared at the 0.5 threshold. samples must be at least 1 and may
// exceed MaxBatch. Like Predict, it allocates nothing and a call while
// another call on the network runs returns ErrConcurrentUse.
func (n *Network) Evaluate(x, y []float32, samples int) (loss, accuracy float32, err error) {
	defer exported(&err)
	prev, err := n.acquire(betweenBatches)
	if err != nil {
		return 0, 0, err
	}
	defer n.release(prev)
	return n.evaluate(x, y, samples)
}

func (n *Network) evaluate(x, y []float32, samples int) (loss, accuracy float32, err error) {
	if err := n.checkSamples(x, samples); err != nil {
		return 0, 0, err
	}
	in, o := n.Inputs(), n.Outputs()
	if need := samples * o; len(y) < need {
		return 0, 0, shapeErr("y has %d floats, need %d (%d samples × %d outputs)", len(y), need, samples, o)
	}
	if err := n.checkFinite(x, y, samples); err != nil {
		return 0, 0, err
	}
	if err := checkTargetValues(n.spec.Loss, y, samples, o); err != nil {
		return 0, 0, err
	}
	var sum float64
	correct := 0
	last := &n.layers[len(n.layers)-1]
	for s := 0; s < samples; s += n.spec.MaxBatch {
		b := min(n.spec.MaxBatch, samples-s)
		if err := n.forward(x[s*in:(s+b)*in], b, nil); err != nil {
			return 0, 0, err
		}
		a, t := last.a[:b*o], y[s*o:(s+b)*o]
		sum += lossOnly(n.spec.Loss, a, t)
		correct += countCorrect(a, t, o)
	}
	return n.withPenalty(float32(sum / float64(samples))), float32(correct) / float32(samples), nil
}

func countCorrect(a, y []float32, outputs int) int {
	c := 0
	for r := 0; r < len(a); r += outputs {
		if outputs == 1 {
			if (a[r] >= 0.5) == (y[r] >= 0.5) {
				c++
			}
			continue
		}
		if argmax(a[r:r+outputs]) == argmax(y[r:r+outputs]) {
			c++
		}
	}
	return c
}

func argmax(s []float32) int {
	best := 0
	for i, v := range s {
		if v > s[best] {
			best = i
		}
	}
	return best
}

// checkFinite finds the first NaN or ±Inf among samples rows of x and y
// (their lengths checked already).
func (n *Network) checkFinite(x, y []float32, samples int) error {
	in, o := n.Inputs(), n.Outputs()
	if i := n.firstNonFiniteN(x[:samples*in]); i >= 0 {
		return dataErr("input %d (sample %d, feature %d) is %v", i, i/in, i%in, x[i])
	}
	if i := firstNonFinite(y[:samples*o]); i >= 0 {
		return dataErr("target %d (sample %d, output %d) is %v", i, i/o, i%o, y[i])
	}
	return nil
}

func (n *Network) checkSamples(x []float32, samples int) error {
	return checkSampleCount(x, samples, n.Inputs(), n.Outputs())
}

// checkSampleCount checks samples rows of in floats in x, for a network of
// out outputs. Data passed in is only ever indexed with ints, so the count
// is bounded by what they hold alone: samples×in and samples×out must fit
// an int (on a 64-bit system, more than any memory holds).
func checkSampleCount(x []float32, samples, in, out int) error {
	if samples < 1 {
		return shapeErr("need at least one sample, got %d", samples)
	}
	if samples > math.MaxInt/max(in, out) {
		return shapeErr("%d samples of %d inputs and %d outputs: more floats than an int counts", samples, in, out)
	}
	if need := samples * in; len(x) < need {
		return shapeErr("x has %d floats, need %d (%d samples × %d inputs)", len(x), need, samples, in)
	}
	return nil
}
