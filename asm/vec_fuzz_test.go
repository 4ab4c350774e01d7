package asm

import (
	"encoding/binary"
	"math"
	"testing"
)

// Differential fuzz targets: every path against the generic kernel on
// fuzzed lengths, offsets and bit patterns (NaN payloads, infinities and
// subnormals come out of the byte decoding). Comparison rule per kernel:
// bit-exact (NaN-aware) for Hadamard and SigmoidBackward, whose paths keep
// the generic operation order; relative 1e-5 for Adam, whose paths fuse
// multiply-adds.

// floatsFrom decodes b into float32 values, 4 bytes each.
func floatsFrom(b []byte) []float32 {
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

func fuzzSeeds(f *testing.F) {
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100} {
		b := make([]byte, 8*n)
		for i := range b {
			b[i] = byte(i*37 + n)
		}
		f.Add(b, uint8(n%5))
	}
}

func sameBits(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
}

// fuzzBinary runs a (dst, a, b) kernel picked from each path against its
// generic twin; the input bytes are split into a and b.
func fuzzBinary(t *testing.T, data []byte, off uint8, pick func(*kernelSet) func(dst, a, b []float32)) {
	vals := floatsFrom(data)
	n := len(vals) / 2
	o := int(off % 8)
	a := append(make([]float32, o), vals[:n]...)[o:]
	b := vals[n : 2*n]
	want := make([]float32, n)
	pick(genericKernels)(want, a, b)
	forEachPath(t, func(t *testing.T, path string) {
		got := make([]float32, n+1)
		got[n] = guardValue
		pick(active.Load())(got[:n], a, b)
		if got[n] != guardValue {
			t.Fatalf("write past dst")
		}
		for i := range want {
			if !sameBits(got[i], want[i]) {
				t.Fatalf("n=%d [%d]: f(%v, %v) = %v, generic %v", n, i, a[i], b[i], got[i], want[i])
			}
		}
	})
}

func FuzzHadamard(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, off uint8) {
		fuzzBinary(t, data, off, func(k *kernelSet) func(dst, a, b []float32) { return k.hadamard })
	})
}

func FuzzSigmoidBackward(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, off uint8) {
		fuzzBinary(t, data, off, func(k *kernelSet) func(dst, a, b []float32) { return k.sigmoidBackward })
	})
}

// FuzzAdam keeps the state finite and v ≥ 0 (as training does) and compares
// p, m, v with the generic step.
func FuzzAdam(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, off uint8) {
		vals := floatsFrom(data)
		for i, v := range vals {
			if v != v || math.IsInf(float64(v), 0) || math.Abs(float64(v)) > 1e3 {
				vals[i] = float32(i%7) - 3
			}
		}
		n := len(vals) / 2
		g, mv := vals[:n], vals[n:2*n]
		h := AdamParams{LR: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, Correction1: 0.1 + float32(off)/300, Correction2: 0.001}
		init := func() (p, m, v []float32) {
			p, m, v = make([]float32, n), make([]float32, n), make([]float32, n)
			for i := range p {
				p[i], m[i], v[i] = g[i]/3, mv[i]/10, mv[i]*mv[i]
			}
			return
		}
		wp, wm, wv := init()
		adamGeneric(wp, g, wm, wv, h)
		forEachPath(t, func(t *testing.T, path string) {
			p, m, v := init()
			active.Load().adam(p, g, m, v, h)
			for i := range p {
				if !relClose(float64(p[i]), float64(wp[i]), 1e-5) || !relClose(float64(m[i]), float64(wm[i]), 1e-5) ||
					!relClose(float64(v[i]), float64(wv[i]), 1e-5) {
					t.Fatalf("n=%d [%d]: p,m,v = %v,%v,%v, generic %v,%v,%v", n, i, p[i], m[i], v[i], wp[i], wm[i], wv[i])
				}
			}
		})
	})
}
