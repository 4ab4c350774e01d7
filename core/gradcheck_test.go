package core

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/v1tr0/entrena/asm"
)

// forEachPath runs fn with every available kernel path active in turn.
func forEachPath(t *testing.T, fn func(t *testing.T)) {
	prev := asm.Active()
	defer func() { _ = asm.Use(prev) }()
	for _, p := range asm.Available() {
		require.NoError(t, asm.Use(p))
		t.Run(p, fn)
	}
}

// refCost is the float64 reference of the network's cost: a plain forward
// pass written from the definitions, independent of package asm.
func refCost(s Spec, params []float64, x, y []float32, batch int) float64 {
	return refCostMasked(s, params, x, y, batch, nil)
}

// refCostMasked is refCost with layer l's outputs multiplied by masks[l]
// (dropout's mask of one step; masks or masks[l] nil: none).
func refCostMasked(s Spec, params []float64, x, y []float32, batch int, masks [][]float32) float64 {
	in := s.Inputs
	a := make([]float64, len(x))
	for i, v := range x {
		a[i] = float64(v)
	}
	off := 0
	for li, l := range s.Layers {
		w := params[off : off+l.Units*in]
		b := params[off+l.Units*in : off+l.Units*in+l.Units]
		off += l.Units*in + l.Units
		z := make([]float64, batch*l.Units)
		for r := 0; r < batch; r++ {
			for o := 0; o < l.Units; o++ {
				s := b[o]
				for i := 0; i < in; i++ {
					s += a[r*in+i] * w[o*in+i]
				}
				z[r*l.Units+o] = s
			}
		}
		for r := 0; r < batch; r++ {
			row := z[r*l.Units : (r+1)*l.Units]
			switch l.Activation {
			case Sigmoid:
				for i, v := range row {
					row[i] = 1 / (1 + math.Exp(-v))
				}
			case Tanh:
				for i, v := range row {
					row[i] = math.Tanh(v)
				}
			case ReLU:
				for i, v := range row {
					row[i] = math.Max(v, 0)
				}
			case Softmax:
				mx := math.Inf(-1)
				for _, v := range row {
					mx = math.Max(mx, v)
				}
				sum := 0.0
				for i, v := range row {
					row[i] = math.Exp(v - mx)
					sum += row[i]
				}
				for i := range row {
					row[i] /= sum
				}
			}
		}
		if li < len(masks) && masks[li] != nil {
			for i := range z {
				z[i] *= float64(masks[li][i])
			}
		}
		a, in = z, l.Units
	}
	var j float64
	for i, p := range a {
		t := float64(y[i])
		switch s.Loss {
		case MSE:
			j += (p - t) * (p - t)
		case BinaryCrossEntropy:
			j -= t*math.Log(p) + (1-t)*math.Log(1-p)
		case CategoricalCrossEntropy:
			j -= t * math.Log(p)
		}
	}
	return j / float64(batch)
}

// paramsAndGradients returns n's parameters in float64 and the gradients
// of its last gradients call, both in the flat order of CopyParams.
func paramsAndGradients(t *testing.T, n *Network) (p64 []float64, analytic []float32) {
	params := make([]float32, n.ParamCount())
	_, err := n.CopyParams(params)
	require.NoError(t, err)
	p64 = make([]float64, len(params))
	for i, v := range params {
		p64[i] = float64(v)
	}
	for _, l := range n.layers {
		analytic = append(append(analytic, l.dw...), l.db...)
	}
	return p64, analytic
}

// requireFiniteDifferences fails unless every analytic gradient matches
// the central finite difference of cost, which reads p64 (each parameter
// is moved in place and put back).
func requireFiniteDifferences(t *testing.T, p64 []float64, analytic []float32, cost func() float64) {
	t.Helper()
	const h = 1e-5
	for i := range p64 {
		orig := p64[i]
		p64[i] = orig + h
		up := cost()
		p64[i] = orig - h
		down := cost()
		p64[i] = orig
		numeric := (up - down) / (2 * h)
		if d := math.Abs(numeric - float64(analytic[i])); d > 2e-3*math.Max(1e-2, math.Abs(numeric)) && d > 1e-4 {
			t.Fatalf("param %d: backprop %v, finite difference %v", i, analytic[i], numeric)
		}
	}
}

// TestGradientCheck compares backprop's gradients with central finite
// differences of the float64 reference cost, for every activation × loss
// combination the spec allows, on every kernel path, through the GEMM path
// and through the loop path of tiny networks.
func TestGradientCheck(t *testing.T) {
	for _, tiny := range []bool{true, false} {
		t.Run(fmt.Sprintf("tiny=%v", tiny), func(t *testing.T) {
			old := tinyEnabled
			tinyEnabled = tiny
			defer func() { tinyEnabled = old }()
			gradientCheck(t)
		})
	}
}

func gradientCheck(t *testing.T) {
	type combo struct {
		hidden, out Activation
		loss        Loss
	}
	var combos []combo
	for _, h := range []Activation{Sigmoid, Tanh, ReLU, Linear} {
		for _, o := range []Activation{Sigmoid, Tanh, Linear, ReLU} {
			combos = append(combos, combo{h, o, MSE})
		}
		combos = append(combos, combo{h, Sigmoid, BinaryCrossEntropy}, combo{h, Softmax, CategoricalCrossEntropy})
	}
	forEachPath(t, func(t *testing.T) {
		for ci, c := range combos {
			t.Run(fmt.Sprintf("%s-%s-%s", c.hidden, c.out, c.loss), func(t *testing.T) {
				spec := Spec{Inputs: 5, Layers: []Layer{{Units: 7, Activation: c.hidden}, {Units: 6, Activation: c.hidden}, {Units: 3, Activation: c.out}},
					Loss: c.loss, Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: 8, Seed: uint64(ci + 1)}
				n, err := New(spec)
				require.NoError(t, err)
				r := newTestRand(uint64(ci))
				const batch = 4
				x := make([]float32, batch*spec.Inputs)
				y := make([]float32, batch*3)
				for i := range x {
					x[i] = float32(r.NormFloat64())
				}
				for s := 0; s < batch; s++ {
					if c.loss == CategoricalCrossEntropy {
						y[s*3+r.IntN(3)] = 1
						continue
					}
					for o := 0; o < 3; o++ {
						y[s*3+o] = float32(r.Float64())
					}
				}
				// Keep ReLU pre-activations away from the kink at 0, where
				// finite differences are meaningless.
				for i := range n.params {
					n.params[i] += float32(r.NormFloat64() * 0.05)
				}
				n.zeroPadding()
				_, err = n.gradients(x, y, batch)
				require.NoError(t, err)

				p64, analytic := paramsAndGradients(t, n)
				requireFiniteDifferences(t, p64, analytic, func() float64 { return refCost(spec, p64, x, y, batch) })
			})
		}
	})
}

// zeroPadding restores the invariant that alignment padding is zero (the
// test above perturbs the whole flat buffer).
func (n *Network) zeroPadding() {
	keep := make([]float32, n.ParamCount())
	_, _ = n.CopyParams(keep)
	clear(n.params)
	off := 0
	for _, l := range n.layers {
		off += copy(l.w, keep[off:])
		off += copy(l.b, keep[off:])
	}
}
