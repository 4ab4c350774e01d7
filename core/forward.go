package core

import (
	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/internal/phase"
)

// forward runs the batch×Inputs matrix x through every layer, writing each
// layer's activations a[l] into its buffer; the last layer writes into out
// instead when out is not nil (Predict's zero-copy path).
//
//	z[l] = a[l−1]·W[l]ᵀ + b[l]   (Sgemm NT, then the bias in the activation pass)
//	a[l] = f(z[l])               (in place; sigmoid fuses bias and activation)
func (n *Network) forward(x []float32, batch int, out []float32) error {
	in := x
	tiny := n.useTiny(batch)
	t := phase.Now()
	for i := range n.layers {
		l := &n.layers[i]
		dst := l.a[:batch*l.out]
		if out != nil && i == len(n.layers)-1 {
			dst = out[:batch*l.out]
		}
		if tiny {
			tinyForward(l, in, dst, batch)
			t = phase.SinceLayer(phase.ForwardProduct, i, t)
			if err := activateFlat(l.act, dst, batch, l.out); err != nil {
				return err
			}
			n.dropoutIfTraining(i, dst, 0)
			t = phase.SinceLayer(phase.BiasActivation, i, t)
			in = dst
			continue
		}
		if err := n.gemm.Sgemm(false, true, batch, l.out, l.in, 1, in, l.in, l.w, l.in, 0, dst, l.out); err != nil {
			return err
		}
		if err := n.checkFirstLayerProducts(i, dst); err != nil {
			return err
		}
		t = phase.SinceLayer(phase.ForwardProduct, i, t)
		if err := n.activateN(l.act, dst, batch, l.out, l.b); err != nil {
			return err
		}
		n.dropoutIfTraining(i, dst, 0)
		t = phase.SinceLayer(phase.BiasActivation, i, t)
		in = dst
	}
	return nil
}

// activate adds the bias and applies f in place on the batch×units matrix z.
func activate(f Activation, z []float32, batch, units int, bias []float32) error {
	if f == Sigmoid {
		return asm.BiasSigmoid(z, batch, units, bias)
	}
	if err := asm.AddBias(z, batch, units, bias); err != nil {
		return err
	}
	switch f {
	case Tanh:
		return asm.Tanh(z, z)
	case ReLU:
		return asm.ReLU(z, z)
	case Softmax:
		return asm.SoftmaxRows(z, batch, units)
	}
	return nil // Linear
}

// activateFlat applies f in place on the batch×units matrix z, whose bias
// is already added.
func activateFlat(f Activation, z []float32, batch, units int) error {
	switch f {
	case Sigmoid:
		return asm.Sigmoid(z, z)
	case Tanh:
		return asm.Tanh(z, z)
	case ReLU:
		return asm.ReLU(z, z)
	case Softmax:
		return asm.SoftmaxRows(z, batch, units)
	}
	return nil // Linear
}

// activationBackward sets d = d ⊙ f'(z) in place, with f' written in terms of
// the layer's output a = f(z): σ' = a(1−a), tanh' = 1−a², ReLU' = [a > 0].
func activationBackward(f Activation, d, a []float32) error {
	switch f {
	case Sigmoid:
		return asm.SigmoidBackward(d, d, a)
	case Tanh:
		return asm.TanhBackward(d, d, a)
	case ReLU:
		return asm.ReLUBackward(d, d, a)
	}
	return nil // Linear; softmax is only on the output layer, handled with its loss
}
