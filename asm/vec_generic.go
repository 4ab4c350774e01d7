package asm

import "math"

// The generic element-wise kernels: the reference every SIMD path is tested
// against. Transcendentals are computed in float64 and rounded once, so the
// reference is correctly rounded or within one ulp.

func hadamardGeneric(dst, a, b []float32) {
	for i := range dst {
		dst[i] = a[i] * b[i]
	}
}

func sigmoid64(x float32) float32 {
	return float32(1 / (1 + math.Exp(-float64(x))))
}

func sigmoidGeneric(dst, src []float32) {
	for i := range dst {
		dst[i] = sigmoid64(src[i])
	}
}

func sigmoidBackwardGeneric(dst, delta, act []float32) {
	for i := range dst {
		a := act[i]
		dst[i] = delta[i] * (a * (1 - a))
	}
}

func biasSigmoidGeneric(x []float32, cols int, bias []float32) {
	for r := 0; r < len(x); r += cols {
		row := x[r : r+cols]
		for c := range row {
			row[c] = sigmoid64(row[c] + bias[c])
		}
	}
}

func addBiasGeneric(x []float32, cols int, bias []float32) {
	for r := 0; r < len(x); r += cols {
		row := x[r : r+cols]
		for c := range row {
			row[c] += bias[c]
		}
	}
}

func colSumsGeneric(dst []float32, alpha float32, x []float32, cols int) {
	clear(dst)
	for r := 0; r < len(x); r += cols {
		row := x[r : r+cols]
		for c, v := range row {
			dst[c] += v
		}
	}
	for c := range dst {
		dst[c] *= alpha
	}
}

func tanhGeneric(dst, src []float32) {
	for i := range dst {
		dst[i] = float32(math.Tanh(float64(src[i])))
	}
}

func tanhBackwardGeneric(dst, delta, act []float32) {
	for i := range dst {
		a := act[i]
		dst[i] = delta[i] * (1 - a*a)
	}
}

func reluGeneric(dst, src []float32) {
	for i := range dst {
		v := src[i]
		if v < 0 {
			v = 0
		}
		dst[i] = v
	}
}

func reluBackwardGeneric(dst, delta, act []float32) {
	for i := range dst {
		if act[i] > 0 {
			dst[i] = delta[i]
		} else {
			dst[i] = 0
		}
	}
}

func softmaxRowsGeneric(x []float32, cols int) {
	for r := 0; r < len(x); r += cols {
		row := x[r : r+cols]
		mx := float32(math.Inf(-1))
		for _, v := range row {
			if v > mx || v != v {
				mx = v
			}
		}
		var sum float64
		for c, v := range row {
			e := math.Exp(float64(v - mx))
			row[c] = float32(e)
			sum += e
		}
		inv := 1 / sum
		for c := range row {
			row[c] = float32(float64(row[c]) * inv)
		}
	}
}

func axpyGeneric(alpha float32, x, y []float32) {
	for i := range y {
		y[i] += alpha * x[i]
	}
}

func scaleGeneric(alpha float32, x []float32) {
	for i := range x {
		x[i] *= alpha
	}
}

func momentumGeneric(p, g, v []float32, lr, mu float32) {
	for i := range p {
		vi := mu*v[i] + g[i]
		v[i] = vi
		p[i] -= lr * vi
	}
}

func adamGeneric(p, g, m, v []float32, h AdamParams) {
	b1, b2 := h.Beta1, h.Beta2
	inv1, inv2 := 1/h.Correction1, 1/h.Correction2
	for i := range p {
		gi := g[i]
		mi := b1*m[i] + (1-b1)*gi
		vi := b2*v[i] + (1-b2)*gi*gi
		m[i], v[i] = mi, vi
		p[i] -= h.LR * (mi * inv1) / (float32(math.Sqrt(float64(vi*inv2))) + h.Eps)
	}
}

// rmspropGeneric is the reference of the RMSprop kernels:
//
//	v' = (ρ·v) + ((1−ρ)·(g·g));  p' = p − (lr·g) / √(v' + ε)
//
// each operation rounded to float32 in that order. The conversions keep Go
// from fusing a multiply-add on arm64 (and GOAMD64=v3), so the reference,
// and the SIMD paths that repeat it with exact IEEE operations (VSQRTPS,
// VDIVPS, FSQRT, FDIV), give the same bits everywhere.
func rmspropGeneric(p, g, v []float32, lr, rho, eps float32) {
	omr := 1 - rho
	for i := range p {
		gi := g[i]
		vi := float32(rho*v[i]) + float32(omr*float32(gi*gi))
		v[i] = vi
		p[i] -= float32(lr*gi) / float32(math.Sqrt(float64(vi+eps)))
	}
}

// genericKernels is the pure-Go path.
var genericKernels = &kernelSet{
	name:            "generic",
	gemm:            gemmGeneric,
	hadamard:        hadamardGeneric,
	sigmoid:         sigmoidGeneric,
	sigmoidBackward: sigmoidBackwardGeneric,
	biasSigmoid:     biasSigmoidGeneric,
	addBias:         addBiasGeneric,
	colSums:         colSumsGeneric,
	tanh:            tanhGeneric,
	tanhBackward:    tanhBackwardGeneric,
	relu:            reluGeneric,
	reluBackward:    reluBackwardGeneric,
	softmaxRows:     softmaxRowsGeneric,
	axpy:            axpyGeneric,
	scale:           scaleGeneric,
	momentum:        momentumGeneric,
	adam:            adamGeneric,
	rmsprop:         rmspropGeneric,
	packSize:        genericPackSize,
}
