package core

import "github.com/v1tr0/entrena/asm"

// Tiny networks (every layer at most tinyMaxUnits wide, batches of at most
// tinyMaxBatch samples — XOR-sized problems) are dominated by per-call
// overhead, not arithmetic: a 2-8-1 step is about 300 multiply-adds, less
// than the fixed cost of packing panels for six GEMM calls. For them the
// products run as plain loops here; activations still go through the
// kernels (one flat call per layer), so the sigmoid is the same everywhere.
const (
	tinyMaxUnits = 32
	tinyMaxBatch = 16
)

// tinyEnabled can be switched off by tests to exercise the GEMM path on
// small shapes.
var tinyEnabled = true

// isTiny reports whether the network qualifies for the tiny path.
func isTiny(s Spec) bool {
	if s.Inputs > tinyMaxUnits {
		return false
	}
	for _, l := range s.Layers {
		if l.Units > tinyMaxUnits {
			return false
		}
	}
	return true
}

func (n *Network) useTiny(batch int) bool {
	return tinyEnabled && n.tiny && batch <= tinyMaxBatch
}

// tinyForward is one layer of forward for tiny networks:
// z = in·Wᵀ + b, then the activation in place.
func tinyForward(l *dense, in, z []float32, batch int) error {
	for r := 0; r < batch; r++ {
		row := in[r*l.in : r*l.in+l.in]
		zr := z[r*l.out : r*l.out+l.out]
		for o := range zr {
			w := l.w[o*l.in : o*l.in+l.in]
			w = w[:len(row)] // equal lengths: no bounds checks below
			var s float32
			for i, v := range row {
				s += v * w[i]
			}
			zr[o] = s + l.b[o]
		}
	}
	z = z[:batch*l.out]
	switch l.act {
	case Sigmoid:
		return asm.Sigmoid(z, z)
	case Tanh:
		return asm.Tanh(z, z)
	case ReLU:
		return asm.ReLU(z, z)
	case Softmax:
		return asm.SoftmaxRows(z, batch, l.out)
	}
	return nil
}

// tinyGradients computes dW = inv·δᵀ·prev and db = inv·Σδ for one layer.
func tinyGradients(l *dense, d, prev []float32, batch int, inv float32) {
	for o := 0; o < l.out; o++ {
		dw := l.dw[o*l.in : o*l.in+l.in]
		clear(dw)
		var db float32
		for r := 0; r < batch; r++ {
			g := d[r*l.out+o]
			db += g
			p := prev[r*l.in : r*l.in+l.in]
			p = p[:len(dw)]
			for i, v := range p {
				dw[i] += g * v
			}
		}
		for i := range dw {
			dw[i] *= inv
		}
		l.db[o] = db * inv
	}
}

// tinyDelta sets pd = d·W (batch×in) for the layer below.
func tinyDelta(l *dense, d, pd []float32, batch int) {
	for r := 0; r < batch; r++ {
		out := pd[r*l.in : r*l.in+l.in]
		clear(out)
		for o := 0; o < l.out; o++ {
			g := d[r*l.out+o]
			w := l.w[o*l.in : o*l.in+l.in]
			w = w[:len(out)]
			for i, v := range w {
				out[i] += g * v
			}
		}
	}
}
