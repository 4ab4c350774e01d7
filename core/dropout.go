package core

// Inverted dropout, as Keras's Dropout(rate) after a dense layer: while a
// training step runs forward, each output of the layer is kept with
// probability 1−rate and scaled by 1/(1−rate), or zeroed; Predict,
// Evaluate and Predictors use every output as is. The mask is a hash of
// the network's seed, its step count, the layer and the output's position
// in the batch: the same run gives the same masks, whatever the thread
// count, and resuming from a saved model continues the sequence. It is
// kept in a preallocated buffer for backward, which multiplies δ by it.

// dropoutIfTraining applies layer i's dropout to its outputs a while a
// training step runs forward; a starts at row first of the batch.
func (n *Network) dropoutIfTraining(i int, a []float32, first int) {
	if n.training && n.layers[i].dropout > 0 {
		n.applyDropout(i, a, first)
	}
}

// applyDropout draws layer i's mask for the outputs a (rows of the batch
// from row first on, out wide) and applies it to a in place. An output's
// draw depends on its position in the whole batch only, so rows computed
// apart (rows.go) get the masks of the whole batch.
func (n *Network) applyDropout(i int, a []float32, first int) {
	l := &n.layers[i]
	keep := 1 - float64(l.dropout)
	scale := float32(1 / keep)
	// Each hash gives two uniform 32-bit draws, for the outputs at flat
	// positions 2h and 2h+1; a draw u keeps its output when
	// u < keep·2³² (a rate is resolved to 2⁻³²).
	threshold := uint64(keep * (1 << 32))
	base := mix64(n.spec.Seed ^ mix64(uint64(n.steps.total)^mix64(uint64(i)+dropoutStream)))
	off := first * l.out
	mask := l.mask[off : off+len(a)]
	for j := 0; j < len(mask); {
		pos := off + j
		h := mix64(base + uint64(pos/2)*golden)
		if pos%2 == 0 {
			mask[j] = keepOrDrop(h&0xffffffff < threshold, scale)
			a[j] *= mask[j]
			if j++; j == len(mask) {
				break
			}
		}
		mask[j] = keepOrDrop(h>>32 < threshold, scale)
		a[j] *= mask[j]
		j++
	}
}

// keepOrDrop is a mask entry: scale for a kept output, 0 for a dropped one.
func keepOrDrop(kept bool, scale float32) float32 {
	if kept {
		return scale
	}
	return 0
}

const (
	golden        = 0x9e3779b97f4a7c15 // 2⁶⁴/φ, splitmix64's increment
	dropoutStream = 0x64726f706f7574   // "dropout": the masks' own stream
)

// mix64 is splitmix64's finaliser: a bijection of 64-bit words whose
// outputs for consecutive inputs look independent.
func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// hiddenBackward sets d = d ⊙ f'(z) for hidden layer p, whose outputs the
// forward pass left in a; with dropout it also multiplies by the mask. a
// holds the masked outputs then: a kept output is f(z)/(1−rate).
func (n *Network) hiddenBackward(p *dense, d, a []float32) error {
	if p.dropout == 0 {
		return n.activationBackwardN(p.act, d, a)
	}
	dropoutBackward(p.act, d, a, p.mask[:len(d)], 1-p.dropout)
	return nil
}

// dropoutBackward sets d[j] = d[j]·mask[j]·f'(z[j]) with f' written in
// terms of f(z) = a[j]·keep for a kept output.
// A dropped output has a = 0 and mask 0, so every formula gives 0 there.
func dropoutBackward(f Activation, d, a, mask []float32, keep float32) {
	a, mask = a[:len(d)], mask[:len(d)]
	switch f {
	case Sigmoid:
		for j, m := range mask {
			v := a[j] * keep
			d[j] *= m * (v * (1 - v))
		}
	case Tanh:
		for j, m := range mask {
			v := a[j] * keep
			d[j] *= m * (1 - v*v)
		}
	case ReLU:
		for j, m := range mask {
			if a[j] > 0 {
				d[j] *= m
			} else {
				d[j] = 0
			}
		}
	default: // Linear
		for j, m := range mask {
			d[j] *= m
		}
	}
}

// dropoutKeepScale is the largest factor dropout multiplies layer l's
// outputs by: 1/(1−rate), or 1 without dropout (the guard's bounds).
func dropoutKeepScale(l *dense) float64 {
	if l.dropout == 0 {
		return 1
	}
	return 1 / (1 - float64(l.dropout))
}
