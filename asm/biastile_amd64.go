//go:build !noasm && !purego

package asm

// A bias kernel runs along each row of x. Where a row ends inside a vector
// (cols not a multiple of 16), each row's first load overlaps the vector
// the row before it stored through a mask, and waits for that store: a
// 256×10 bias+sigmoid, an output layer's, ran about 10× slower per element
// than a 256×16 one. So such a matrix goes to the kernel as rows of
// lcm(cols, 16) floats with the bias repeated across them: every vector
// whole, every element the same operations. Each path's wrapper calls its
// assembly directly, so the repeated bias stays on the wrapper's stack.

// biasTileMax is the most floats of a repeated bias.
const biasTileMax = 256

// tileRows writes bias repeated across w = lcm(cols, 16) floats into t and
// returns the floats of x's whole rows of width w (0 where cols fills whole
// vectors, w exceeds t, or x holds fewer than w floats) and w.
func tileRows(t *[biasTileMax]float32, n, cols int, bias []float32) (m, w int) {
	if cols%16 == 0 {
		return 0, 0
	}
	g := 16
	for r := cols % g; r != 0; g, r = r, g%r {
	}
	w = cols / g * 16
	if w > len(t) || n < w {
		return 0, 0
	}
	for i := range w {
		t[i] = bias[i%cols]
	}
	return n / w * w, w
}

func biasSigmoidRowsAVX2(x []float32, cols int, bias []float32) {
	var t [biasTileMax]float32
	if m, w := tileRows(&t, len(x), cols, bias); m > 0 {
		biasSigmoidAVX2(x[:m], w, t[:w])
		x = x[m:]
	}
	if len(x) > 0 {
		biasSigmoidAVX2(x, cols, bias)
	}
}

func biasSigmoidRowsAVX512(x []float32, cols int, bias []float32) {
	var t [biasTileMax]float32
	if m, w := tileRows(&t, len(x), cols, bias); m > 0 {
		biasSigmoidAVX512(x[:m], w, t[:w])
		x = x[m:]
	}
	if len(x) > 0 {
		biasSigmoidAVX512(x, cols, bias)
	}
}

func addBiasRowsAVX2(x []float32, cols int, bias []float32) {
	var t [biasTileMax]float32
	if m, w := tileRows(&t, len(x), cols, bias); m > 0 {
		addBiasAVX2(x[:m], w, t[:w])
		x = x[m:]
	}
	if len(x) > 0 {
		addBiasAVX2(x, cols, bias)
	}
}

func addBiasRowsAVX512(x []float32, cols int, bias []float32) {
	var t [biasTileMax]float32
	if m, w := tileRows(&t, len(x), cols, bias); m > 0 {
		addBiasAVX512(x[:m], w, t[:w])
		x = x[m:]
	}
	if len(x) > 0 {
		addBiasAVX512(x, cols, bias)
	}
}
