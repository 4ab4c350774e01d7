//go:build !noasm && !purego

package asm

import (
	"math"
	"testing"
)

// TestSigmoidNEONSweep runs the NEON sigmoid over a stride through all
// 2^32 bit patterns (every NaN, infinity, subnormal and normal class) and
// checks the contract of TestSigmoidAccuracy on each, reporting the largest
// relative error seen.
func TestSigmoidNEONSweep(t *testing.T) {
	stride := uint64(4093)
	if testing.Short() {
		stride = 65521
	}
	const batch = 1024
	src := make([]float32, 0, batch)
	dst := make([]float32, batch)
	var worst, worstX float64
	check := func() {
		sigmoidNEONAny(dst[:len(src)], src)
		for i, x := range src {
			got := float64(dst[i])
			want := 1 / (1 + math.Exp(-float64(x)))
			switch {
			case math.IsNaN(float64(x)):
				if !math.IsNaN(got) {
					t.Fatalf("sigmoid(NaN %#x) = %v", math.Float32bits(x), got)
				}
			case float32(want) == 0 || float32(want) == 1:
				if dst[i] != float32(want) {
					t.Fatalf("sigmoid(%v) = %v, want exactly %v", x, got, float32(want))
				}
			default:
				d := math.Abs(got - want)
				if d > max(1e-6*want, math.SmallestNonzeroFloat32) {
					t.Fatalf("sigmoid(%v) = %v, want %v (rel err %.3g)", x, got, want, d/want)
				}
				if want > 1e-37 && d/want > worst {
					worst, worstX = d/want, float64(x)
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
}
