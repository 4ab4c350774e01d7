package asm

import (
	"math"
	"testing"
)

// FuzzSgemm checks every path against the float64 definition on fuzzed
// shapes, transposes, scalars, strides and offsets.
func FuzzSgemm(f *testing.F) {
	f.Add(uint8(3), uint8(5), uint16(7), false, true, float32(1), float32(0), uint8(0), uint8(1), uint64(1))
	f.Add(uint8(17), uint8(33), uint16(300), true, false, float32(-0.5), float32(1), uint8(3), uint8(0), uint64(2))
	f.Add(uint8(0), uint8(1), uint16(0), true, true, float32(2), float32(0.5), uint8(1), uint8(7), uint64(3))
	f.Add(uint8(70), uint8(10), uint16(128), false, false, float32(1), float32(0), uint8(0), uint8(2), uint64(4))
	f.Fuzz(func(t *testing.T, m, n uint8, k uint16, tA, tB bool, alpha, beta float32, pad, off uint8, seed uint64) {
		if math.IsNaN(float64(alpha)) || math.IsInf(float64(alpha), 0) || math.Abs(float64(alpha)) > 1e3 ||
			math.IsNaN(float64(beta)) || math.IsInf(float64(beta), 0) || math.Abs(float64(beta)) > 1e3 {
			t.Skip("scalars outside the tested range")
		}
		g := gemmCase{transA: tA, transB: tB, m: int(m) % 80, n: int(n) % 80, k: int(k) % 600,
			alpha: alpha, beta: beta, pad: int(pad % 5), off: int(off % 16)}
		forEachPath(t, func(t *testing.T, path string) {
			runGemmCase(t, NewWorkspace(), g, seed)
		})
	})
}

// FuzzSigmoid checks every path on arbitrary bit patterns (NaN payloads,
// infinities, subnormals) against the float64 definition.
func FuzzSigmoid(f *testing.F) {
	for _, x := range specialInputs {
		f.Add(math.Float32bits(x), uint8(0))
	}
	f.Add(uint32(0x7fc00001), uint8(3))
	f.Add(uint32(0x00000001), uint8(17))
	f.Fuzz(func(t *testing.T, bits uint32, lane uint8) {
		x := math.Float32frombits(bits)
		n := int(lane%40) + 1
		src := make([]float32, n)
		for i := range src {
			src[i] = float32(i) - 20 // ordinary neighbours around the fuzzed lane
		}
		pos := int(lane) % n
		src[pos] = x
		want := 1 / (1 + math.Exp(-float64(x)))
		forEachPath(t, func(t *testing.T, path string) {
			dst := make([]float32, n)
			if err := Sigmoid(dst, src); err != nil {
				t.Fatal(err)
			}
			got := float64(dst[pos])
			switch {
			case math.IsNaN(float64(x)):
				if !math.IsNaN(got) {
					t.Fatalf("sigmoid(NaN) = %v", got)
				}
			case float32(want) == 0 || float32(want) == 1:
				if float32(got) != float32(want) {
					t.Fatalf("sigmoid(%v) = %v, want exactly %v", x, got, float32(want))
				}
			case math.Abs(got-want) > max(1e-6*want, math.SmallestNonzeroFloat32):
				t.Fatalf("sigmoid(%v) = %v, want %v", x, got, want)
			}
		})
	})
}
