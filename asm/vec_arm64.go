//go:build !noasm && !purego

package asm

// The arm64 element-wise kernels: Go prototypes of the NEON assembly in
// vec_neon_arm64.s (products, backward steps, ReLU, bias, column sums,
// optimizer updates) and sigmoid_neon_arm64.s (sigmoid, the fused
// bias+sigmoid, tanh). Each routine takes slices already validated by the
// exported wrappers in vec.go: every slice is exactly as long as the loop
// (dst may alias an input exactly).
//
// The vec_neon_arm64.s routines handle any length: 16 floats per iteration,
// then 4, then a one-float tail. The sigmoid and tanh routines work on
// multiples of 4 floats only; the wrappers below run the last 1–3 elements
// through a 4-lane buffer on the stack (the prototypes are //go:noescape
// and called directly, so it stays there: TestKernelAllocs).
//
// softmaxRows stays generic on this path.

// setVecNEON installs the NEON element-wise kernels into k.
func setVecNEON(k *kernelSet) {
	k.hadamard = hadamardNEON
	k.sigmoidBackward = sigmoidBackwardNEON
	k.sigmoid = sigmoidNEONAny
	k.biasSigmoid = biasSigmoidNEONAny
	k.addBias = addBiasNEON
	k.colSums = colSumsNEON
	k.tanh = tanhNEONAny
	k.tanhBackward = tanhBackwardNEON
	k.relu = reluNEON
	k.reluBackward = reluBackwardNEON
	k.axpy = axpyNEON
	k.scale = scaleNEON
	k.momentum = momentumNEON
	k.adam = func(p, g, m, v []float32, h AdamParams) {
		c := neonAdamConsts(h)
		adamNEON(p, g, m, v, &c)
	}
	k.rmsprop = func(p, g, v []float32, lr, rho, eps float32) {
		rmspropNEON(p, g, v, lr, rho, 1-rho, eps)
	}
}

// neonAdamConsts are the per-step scalars of adamGeneric, computed in Go with
// the same float32 roundings. adamNEON loads them as two vectors, so the
// order is part of its ABI: β1, β2, 1−β1, 1−β2, 1/c1, 1/c2, lr, eps.
func neonAdamConsts(h AdamParams) [8]float32 {
	return [8]float32{
		h.Beta1, h.Beta2,
		1 - h.Beta1, 1 - h.Beta2,
		1 / h.Correction1, 1 / h.Correction2,
		h.LR, h.Eps,
	}
}

// sigmoidNEONAny is sigmoidNEON for any length.
func sigmoidNEONAny(dst, src []float32) {
	n := len(dst) &^ 3
	if n > 0 {
		sigmoidNEON(dst[:n], src[:n])
	}
	if r := len(dst) - n; r > 0 {
		var buf [4]float32
		copy(buf[:], src[n:])
		sigmoidNEON(buf[:], buf[:])
		copy(dst[n:], buf[:r])
	}
}

// tanhNEONAny is tanhNEON for any length.
func tanhNEONAny(dst, src []float32) {
	n := len(dst) &^ 3
	if n > 0 {
		tanhNEON(dst[:n], src[:n])
	}
	if r := len(dst) - n; r > 0 {
		var buf [4]float32
		copy(buf[:], src[n:])
		tanhNEON(buf[:], buf[:])
		copy(dst[n:], buf[:r])
	}
}

// biasSigmoidNEONAny runs biasSigmoidNEON row by row over the rows×cols
// matrix x.
func biasSigmoidNEONAny(x []float32, cols int, bias []float32) {
	n := cols &^ 3
	r := cols - n
	for off := 0; off < len(x); off += cols {
		row := x[off : off+cols]
		if n > 0 {
			biasSigmoidNEON(row[:n], bias[:n])
		}
		if r > 0 {
			var xb, bb [4]float32
			copy(xb[:], row[n:])
			copy(bb[:], bias[n:])
			biasSigmoidNEON(xb[:], bb[:])
			copy(row[n:], xb[:r])
		}
	}
}

// addBiasNEON adds bias to every row of the rows×cols matrix x.
func addBiasNEON(x []float32, cols int, bias []float32) {
	for off := 0; off < len(x); off += cols {
		addNEON(x[off:off+cols], bias)
	}
}

// colSumsNEON sums the rows of x into dst in row order, then scales by
// alpha: the generic kernel's operations in its order.
func colSumsNEON(dst []float32, alpha float32, x []float32, cols int) {
	clear(dst)
	for off := 0; off < len(x); off += cols {
		addNEON(dst, x[off:off+cols])
	}
	scaleNEON(alpha, dst)
}

// vec_neon_arm64.s

//go:noescape
func hadamardNEON(dst, a, b []float32)

//go:noescape
func sigmoidBackwardNEON(dst, delta, act []float32)

//go:noescape
func axpyNEON(alpha float32, x, y []float32)

//go:noescape
func scaleNEON(alpha float32, x []float32)

//go:noescape
func momentumNEON(p, g, v []float32, lr, mu float32)

//go:noescape
func adamNEON(p, g, m, v []float32, c *[8]float32)

//go:noescape
func rmspropNEON(p, g, v []float32, lr, rho, omr, eps float32)

//go:noescape
func reluNEON(dst, src []float32)

//go:noescape
func reluBackwardNEON(dst, delta, act []float32)

//go:noescape
func tanhBackwardNEON(dst, delta, act []float32)

//go:noescape
func addNEON(x, y []float32)

// sigmoid_neon_arm64.s (len(dst) and len(x) multiples of 4)

//go:noescape
func sigmoidNEON(dst, src []float32)

//go:noescape
func biasSigmoidNEON(x, bias []float32)

//go:noescape
func tanhNEON(dst, src []float32)
