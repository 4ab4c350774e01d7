//go:build !noasm && !purego

package asm

import (
	"fmt"
	"math"
	"testing"
)

// streamCases are the kernels with a streaming-store path (see
// streamStoreMin), as separate-output and in-place calls, plus the
// kernels without one (their results must not depend on the threshold
// either). exact and tol are against generic, as in vecCases; the
// activations are held to the float64 contract by their own tests and here
// only to the normal-store path's bits.
var streamCases = append(append([]vecCase{}, vecCases...),
	vecCase{"hadamard-alias-b", true, 0, func(k *kernelSet, in [][]float32) [][]float32 {
		k.hadamard(in[2], in[1], in[2])
		return in[2:3]
	}},
	vecCase{"tanhBackward-alias", true, 0, func(k *kernelSet, in [][]float32) [][]float32 {
		k.tanhBackward(in[1], in[1], in[2])
		return in[1:2]
	}},
	vecCase{"reluBackward-dst", true, 0, func(k *kernelSet, in [][]float32) [][]float32 {
		k.reluBackward(in[0], in[1], in[2])
		return in[:1]
	}},
	vecCase{"relu-alias", true, 0, func(k *kernelSet, in [][]float32) [][]float32 {
		k.relu(in[1], in[1])
		return in[1:2]
	}},
	vecCase{"sigmoid", false, math.Inf(1), func(k *kernelSet, in [][]float32) [][]float32 {
		k.sigmoid(in[0], in[1])
		return in[:1]
	}},
	vecCase{"sigmoid-alias", false, math.Inf(1), func(k *kernelSet, in [][]float32) [][]float32 {
		k.sigmoid(in[1], in[1])
		return in[1:2]
	}},
	vecCase{"tanh", false, math.Inf(1), func(k *kernelSet, in [][]float32) [][]float32 {
		k.tanh(in[0], in[1])
		return in[:1]
	}},
	vecCase{"biasSigmoid", false, math.Inf(1), func(k *kernelSet, in [][]float32) [][]float32 {
		k.biasSigmoid(in[0][:len(in[0])/7*7], 7, in[1][:min(7, len(in[1]))])
		return in[:1]
	}},
)

// streamModes runs fn twice as subtests: "normal" with the start-up
// streamStoreMin, "stream" with 0, which sends every call of 64 floats or
// more with a separate output through the non-temporal path.
func streamModes(t *testing.T, fn func(t *testing.T)) {
	t.Helper()
	saved := streamStoreMin
	defer func() { streamStoreMin = saved }()
	for _, m := range []struct {
		name string
		min  int
	}{{"normal", saved}, {"stream", 0}} {
		streamStoreMin = m.min
		t.Run(m.name, fn)
	}
}

// alignedGuarded returns n random values starting head floats after a
// 64-byte boundary (so every streaming head length 0..15 can be had), with
// guards on both sides, and the check for writes outside them.
func alignedGuarded(seed uint64, n, head int) ([]float32, func(t *testing.T)) {
	const pad = 2 * AlignFloats
	buf := Aligned(pad + head + n + pad)
	for i := range buf {
		buf[i] = guardValue
	}
	s := buf[pad+head : pad+head+n : pad+head+n]
	r := newRand(seed)
	for i := range s {
		s[i] = r.Float32()*40 - 20
	}
	if n > 70 {
		s[3], s[17], s[64] = float32(math.NaN()), float32(math.Copysign(0, -1)), float32(math.Inf(-1))
	}
	return s, func(t *testing.T) {
		t.Helper()
		for i, v := range buf {
			if (i < pad+head || i >= pad+head+n) && v != guardValue {
				t.Fatalf("write outside the slice at %d: %v", i-pad-head, v)
			}
		}
	}
}

// TestStreamStoresMatch runs every kernel with streamStoreMin = 0 (every
// call of 64 elements or more takes the non-temporal path) on small
// lengths, with the output starting at each of the 16 float offsets from a
// cache line (every head length) and the inputs at others, and requires the
// bits of the normal-store path (streamStoreMin = MaxInt) and of generic
// (exact kernels; the others within their tolerance), and no write outside
// the output.
func TestStreamStoresMatch(t *testing.T) {
	defer func(v int) { streamStoreMin = v }(streamStoreMin)
	lengths := []int{0, 1, 15, 16, 63, 64, 65, 78, 79, 80, 127, 128, 129, 143, 191, 192, 193, 255, 256, 257, 300, 1000, 1021, 4099}
	for _, k := range simdPaths() {
		t.Run(k.name, func(t *testing.T) {
			for _, c := range streamCases {
				for _, n := range lengths {
					for head := 0; head < AlignFloats; head++ {
						var outs [3][][]float32
						// Modes: normal stores, streaming, generic.
						for mode, thr := range []int{math.MaxInt, 0, math.MaxInt} {
							streamStoreMin = thr
							in := make([][]float32, 4)
							checks := make([]func(*testing.T), 4)
							for i := range in {
								in[i], checks[i] = alignedGuarded(uint64(n), n, (head+5*i)%AlignFloats)
							}
							if c.name == "adam" {
								for i := range in[3] {
									in[3][i] = in[3][i] * in[3][i]
								}
							}
							kk := k
							if mode == 2 {
								kk = genericKernels
							}
							outs[mode] = c.run(kk, in)
							for i := range checks {
								checks[i](t)
							}
						}
						what := fmt.Sprintf("%s n=%d head=%d", c.name, n, head)
						for j := range outs[1] {
							requireSameBits(t, what+" streaming vs normal", outs[1][j], outs[0][j])
							for i, g := range outs[1][j] {
								w := outs[2][j][i]
								if c.exact && !sameBits(g, w) || !c.exact && !math.IsInf(c.tol, 1) && !relClose(float64(g), float64(w), c.tol) {
									t.Fatalf("%s out%d[%d] = %v, generic %v", what, j, i, g, w)
								}
							}
						}
					}
				}
			}
		})
	}
}

// TestStreamThreshold: the start-up threshold keeps outputs that a
// last-level cache can hold (and every training buffer) on normal stores.
func TestStreamThreshold(t *testing.T) {
	t.Logf("L3 %d bytes: streamStoreMin %d", Info().L3, streamStoreMin)
	if streamStoreMin != streamThreshold(Info().L3) {
		t.Errorf("streamStoreMin = %d, want streamThreshold(L3) = %d", streamStoreMin, streamThreshold(Info().L3))
	}
	for _, c := range []struct{ l3, want int }{
		{-1, 32 << 20}, {0, 32 << 20}, {8 << 20, 8 << 20}, {64 << 20, 8 << 20}, {260 << 20, 260 << 20 / 8},
	} {
		if got := streamThreshold(c.l3); got != c.want {
			t.Errorf("streamThreshold(%d) = %d, want %d", c.l3, got, c.want)
		}
	}
}
