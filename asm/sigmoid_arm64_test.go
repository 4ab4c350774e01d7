//go:build !noasm && !purego

package asm

import (
	"math"
	"testing"
)

// TestActivationNEONSweep runs the NEON sigmoid and tanh over a stride
// through all 2^32 bit patterns (every NaN, infinity, subnormal and normal
// class) and checks each output: NaN for NaN; exactly the saturation value
// where the float64 result rounds to it (sigmoid: 0 and 1; tanh: ±1);
// otherwise the relative error bound (sigmoid 1e-6, tanh 2e-6) with one
// subnormal ulp allowed. It logs the largest relative error seen.
func TestActivationNEONSweep(t *testing.T) {
	stride := uint64(4093)
	if testing.Short() {
		stride = 65521
	}
	for _, k := range []struct {
		name string
		fn   func(dst, src []float32)
		def  func(float64) float64
		sat  []float32
		tol  float64
	}{
		{"sigmoid", sigmoidNEONAny, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, []float32{0, 1}, 1e-6},
		{"tanh", tanhNEONAny, math.Tanh, []float32{-1, 1}, 2e-6},
	} {
		t.Run(k.name, func(t *testing.T) {
			const batch = 1021 // not a multiple of 4: the stack-buffer tail runs too
			src := make([]float32, 0, batch)
			dst := make([]float32, batch)
			var worst, worstX float64
			check := func() {
				k.fn(dst[:len(src)], src)
				for i, x := range src {
					got, want := float64(dst[i]), k.def(float64(x))
					saturates := false
					for _, s := range k.sat {
						saturates = saturates || float32(want) == s
					}
					switch {
					case math.IsNaN(float64(x)):
						if !math.IsNaN(got) {
							t.Fatalf("%s(NaN %#x) = %v", k.name, math.Float32bits(x), got)
						}
					case saturates:
						if dst[i] != float32(want) {
							t.Fatalf("%s(%v) = %v, want exactly %v", k.name, x, got, float32(want))
						}
					default:
						d := math.Abs(got - want)
						if d > max(k.tol*math.Abs(want), math.SmallestNonzeroFloat32) {
							t.Fatalf("%s(%v) = %v, want %v (rel err %.3g)", k.name, x, got, want, d/math.Abs(want))
						}
						if math.Abs(want) >= 0x1p-126 && d/math.Abs(want) > worst {
							worst, worstX = d/math.Abs(want), float64(x)
						}
					}
				}
				src = src[:0]
			}
			for b := uint64(0); b < 1<<32; b += stride {
				src = append(src, math.Float32frombits(uint32(b)))
				if len(src) == batch {
					check()
				}
			}
			check()
			t.Logf("largest relative error %.3g at x = %v (normal outputs)", worst, worstX)
		})
	}
}
