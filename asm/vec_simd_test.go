//go:build !noasm && !purego

package asm

import (
	"fmt"
	"math"
	"testing"
)

// Tests of the element-wise assembly (avx2, avx512, neon) beyond
// vec_test.go: every length 0..300 against the generic kernels (bit-exact
// where the operation order is the same), dense sweeps of sigmoid and tanh
// around their thresholds, every power of two, subnormals and NaN payloads.

// simdPaths returns the registered non-generic kernel sets.
func simdPaths() []*kernelSet {
	var ks []*kernelSet
	for _, k := range registry {
		if k.name != "generic" {
			ks = append(ks, k)
		}
	}
	return ks
}

// sweep appends every float32 from lo to hi (same sign, |lo| < |hi|).
func sweep(xs []float32, lo, hi float32) []float32 {
	for x := lo; math.Abs(float64(x)) <= math.Abs(float64(hi)); x = math.Nextafter32(x, 2*hi) {
		xs = append(xs, x)
	}
	return xs
}

// activationInputs are the sigmoid/tanh test points: special values, ±2^k
// for every k (subnormals included) and its neighbours, every float32 in
// windows around the places where the algorithm changes regime (σ rounding
// to 1 near 16.6 and 17.3, exp reaching subnormals near −87.3, σ rounding
// to 0 near −103.97, the −112 clamp, the tanh clamp), NaN payloads, and
// random bit patterns.
func activationInputs(short bool) []float32 {
	xs := append([]float32{}, specialInputs...)
	for k := -149; k <= 127; k++ {
		v := float32(math.Ldexp(1, k))
		for _, u := range []float32{v, math.Nextafter32(v, 0), math.Nextafter32(v, float32(math.Inf(1)))} {
			xs = append(xs, u, -u)
		}
	}
	width := float32(0.02)
	if short {
		width = 0.001
	}
	for _, c := range []float32{0.173, 0.5, 8.7, 9.01, 10, 15.94, 16.636, 17.329, 87.34, 88.72, 103.972, 112} {
		xs = sweep(xs, c-width, c+width)
		xs = sweep(xs, -(c - width), -(c + width))
	}
	for _, b := range []uint32{0x7fc00000, 0x7fc00001, 0x7f800001, 0x7fbfffff, 0x7fffffff, 0xffc00000, 0xff800001, 0xffffffff} {
		xs = append(xs, math.Float32frombits(b))
	}
	r := newRand(11)
	n := 1 << 18
	if short {
		n = 1 << 14
	}
	for i := 0; i < n; i++ {
		xs = append(xs, math.Float32frombits(r.Uint32()), r.Float32()*240-120)
	}
	return xs
}

// checkActivation runs fn over xs (at two misalignments) and checks every
// output against def in float64: NaN for NaN, exactly def where def rounds
// to a saturation value sat (0, ±1), else relative error ≤ tol with one
// subnormal ulp allowed. It returns the largest relative error seen.
func checkActivation(t *testing.T, name string, fn func(dst, src []float32), def func(float64) float64,
	sat []float32, tol float64, xs []float32) float64 {
	t.Helper()
	worst := 0.0
	for _, off := range []int{0, 3} {
		src := append(make([]float32, off), xs...)[off:]
		dst := make([]float32, len(src))
		fn(dst, src)
		for i, x := range src {
			want := def(float64(x))
			got := float64(dst[i])
			if math.IsNaN(float64(x)) {
				if !math.IsNaN(got) {
					t.Fatalf("%s(NaN %#x) = %v", name, math.Float32bits(x), got)
				}
				continue
			}
			saturates := false
			for _, s := range sat {
				saturates = saturates || float32(want) == s
			}
			if saturates {
				if dst[i] != float32(want) {
					t.Fatalf("%s(%v) = %v, must saturate to %v", name, x, dst[i], float32(want))
				}
				continue
			}
			d := math.Abs(got - want)
			if d > max(tol*math.Abs(want), math.SmallestNonzeroFloat32) {
				t.Fatalf("%s(%v) = %v, want %v (rel err %.3g)", name, x, got, want, d/math.Abs(want))
			}
			if want != 0 && math.Abs(want) >= 0x1p-126 {
				worst = max(worst, d/math.Abs(want))
			}
		}
	}
	return worst
}

func sigmoidDef(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// TestSigmoidSweep holds every SIMD path to the Sigmoid contract on the
// dense sweeps and logs the largest relative error (run with -v).
func TestSigmoidSweep(t *testing.T) {
	xs := activationInputs(testing.Short())
	for _, k := range simdPaths() {
		t.Run(k.name, func(t *testing.T) {
			w := checkActivation(t, "sigmoid", k.sigmoid, sigmoidDef, []float32{0, 1}, 1e-6, xs)
			t.Logf("%d inputs, max relative error %.3g (%.2f ulp of 2^-24)", len(xs), w, w/0x1p-24)
			// The fused forward step must give the same bits as Sigmoid
			// on x+bias.
			const cols = 37
			n := len(xs) / cols * cols
			x := append([]float32{}, xs[:n]...)
			bias := make([]float32, cols)
			for c := range bias {
				bias[c] = float32(c)/4 - 4
			}
			want := make([]float32, n)
			for i := range want {
				want[i] = x[i] + bias[i%cols]
			}
			k.sigmoid(want, want)
			k.biasSigmoid(x, cols, bias)
			requireSameBits(t, "biasSigmoid vs sigmoid(x+bias)", x, want)
		})
	}
}

// TestTanhSweep checks tanh to 2e-6 relative (stricter than the absolute
// tolerance of TestUnaryKernels, so small |x| is covered) on the same
// sweeps scaled by 1/2.
func TestTanhSweep(t *testing.T) {
	xs := activationInputs(testing.Short())
	for i, x := range xs {
		if math.Abs(float64(x)) > 1e-30 { // keep tiny inputs tiny
			xs[i] = x / 2
		}
	}
	for _, k := range simdPaths() {
		t.Run(k.name, func(t *testing.T) {
			// No exact saturation is promised for tanh (near the clamp the
			// kernels give ±1 where float64 tanh rounds one ulp inside); the
			// relative bound holds.
			w := checkActivation(t, "tanh", k.tanh, math.Tanh, nil, 2e-6, xs)
			t.Logf("%d inputs, max relative error %.3g (%.2f ulp of 2^-24)", len(xs), w, w/0x1p-24)
		})
	}
}

// TestActivationsMatchAVX2 holds the avx512 sigmoid, bias+sigmoid and tanh
// to the avx2 kernels' bits on the sweeps (NaN payloads included): the
// avx512 path runs the fused tiny step's AVX2 copies of both, and a
// network must not change with the path that trains it.
func TestActivationsMatchAVX2(t *testing.T) {
	var a2, a5 *kernelSet
	for _, k := range registry {
		switch k.name {
		case "avx2":
			a2 = k
		case "avx512":
			a5 = k
		}
	}
	if a2 == nil || a5 == nil {
		t.Skip("needs the avx2 and avx512 paths")
	}
	xs := activationInputs(testing.Short())
	for _, off := range []int{0, 1} {
		src := append(make([]float32, off), xs...)[off:]
		for _, f := range []struct {
			name string
			run  func(k *kernelSet, dst, src []float32)
		}{
			{"sigmoid", func(k *kernelSet, dst, src []float32) { k.sigmoid(dst, src) }},
			{"tanh", func(k *kernelSet, dst, src []float32) { k.tanh(dst, src) }},
			{"biasSigmoid", func(k *kernelSet, dst, src []float32) {
				const cols = 37
				n := len(src) / cols * cols
				copy(dst, src)
				bias := make([]float32, cols)
				for c := range bias {
					bias[c] = float32(c)/4 - 4
				}
				k.biasSigmoid(dst[:n], cols, bias)
			}},
		} {
			want, got := make([]float32, len(src)), make([]float32, len(src))
			f.run(a2, want, src)
			f.run(a5, got, src)
			requireSameBits(t, fmt.Sprint(f.name, " off ", off), got, want)
		}
	}
}

// vecCase is one kernel run on fresh guarded inputs; it returns the
// outputs to compare.
type vecCase struct {
	name  string
	exact bool    // bit-exact with generic (same operation order, no FMA)
	tol   float64 // otherwise: |got−want| ≤ tol·max(1, |want|)
	run   func(k *kernelSet, in [][]float32) [][]float32
}

var vecCases = []vecCase{
	{"hadamard", true, 0, func(k *kernelSet, in [][]float32) [][]float32 {
		k.hadamard(in[0], in[1], in[2])
		return in[:1]
	}},
	{"hadamard-alias", true, 0, func(k *kernelSet, in [][]float32) [][]float32 {
		k.hadamard(in[1], in[1], in[1])
		return in[1:2]
	}},
	{"sigmoidBackward", true, 0, func(k *kernelSet, in [][]float32) [][]float32 {
		k.sigmoidBackward(in[0], in[1], in[2])
		return in[:1]
	}},
	{"sigmoidBackward-alias", true, 0, func(k *kernelSet, in [][]float32) [][]float32 {
		k.sigmoidBackward(in[2], in[1], in[2])
		return in[2:3]
	}},
	{"tanhBackward", true, 0, func(k *kernelSet, in [][]float32) [][]float32 {
		k.tanhBackward(in[0], in[1], in[2])
		return in[:1]
	}},
	{"reluBackward", true, 0, func(k *kernelSet, in [][]float32) [][]float32 {
		k.reluBackward(in[1], in[1], in[2])
		return in[1:2]
	}},
	{"relu", true, 0, func(k *kernelSet, in [][]float32) [][]float32 {
		k.relu(in[0], in[1])
		return in[:1]
	}},
	{"scale", true, 0, func(k *kernelSet, in [][]float32) [][]float32 {
		k.scale(-1.7, in[0])
		return in[:1]
	}},
	{"axpy", false, 1e-6, func(k *kernelSet, in [][]float32) [][]float32 {
		k.axpy(-0.3, in[1], in[0])
		return in[:1]
	}},
	{"momentum", false, 1e-6, func(k *kernelSet, in [][]float32) [][]float32 {
		k.momentum(in[0], in[1], in[2], 0.1, 0.9)
		return in[:3]
	}},
	{"adam", false, 1e-5, func(k *kernelSet, in [][]float32) [][]float32 {
		for i := range in[3] {
			in[3][i] = in[3][i] * in[3][i]
		}
		k.adam(in[0], in[1], in[2], in[3], AdamParams{LR: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, Correction1: 0.19, Correction2: 0.002})
		return in[:4]
	}},
	// RMSprop repeats the generic operations without fusing: bit-exact,
	// NaN inputs and a negative mean square (NaN from the root) included.
	{"rmsprop", true, 0, func(k *kernelSet, in [][]float32) [][]float32 {
		for i := range in[2] {
			if i%7 != 3 {
				in[2][i] = in[2][i] * in[2][i]
			}
		}
		k.rmsprop(in[0], in[1], in[2], 0.01, 0.9, 1e-7)
		return in[:3]
	}},
	{"rmsprop-tiny", true, 0, func(k *kernelSet, in [][]float32) [][]float32 {
		for i := range in[1] {
			in[1][i] *= 1e-4 // g² near ε and subnormal (1e-40 becomes 1e-44)
			in[2][i] = 0
		}
		k.rmsprop(in[0], in[1], in[2], 0.5, 0.99, 1e-8)
		return in[:3]
	}},
}

// TestVecMatchesGeneric runs every kernel on every length 0..300 (all
// unroll and tail boundaries of both paths) and some larger ones, at
// several misalignments, with guards, against the generic kernel.
func TestVecMatchesGeneric(t *testing.T) {
	var lengths []int
	for n := 0; n <= 300; n++ {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 1023, 1024, 1025, 4096+17)
	for _, k := range simdPaths() {
		t.Run(k.name, func(t *testing.T) {
			for _, c := range vecCases {
				r := newRand(21)
				for _, n := range lengths {
					off := n % 5
					in := make([][]float32, 4)
					ref := make([][]float32, 4)
					checks := make([]func(*testing.T), 4)
					for i := range in {
						in[i], checks[i] = guarded(r, n, off+i)
						ref[i] = copyOf(in[i])
					}
					if n > 3 { // special values through the exact kernels
						in[1][0], in[1][1], in[2][2], in[1][3] = float32(math.NaN()), float32(math.Copysign(0, -1)), float32(math.NaN()), 1e-40
						copy(ref[1], in[1])
						copy(ref[2], in[2])
					}
					got := c.run(k, in)
					want := c.run(genericKernels, ref)
					for i := range checks {
						checks[i](t)
					}
					for j := range got {
						for i := range got[j] {
							g, w := got[j][i], want[j][i]
							if c.exact {
								if math.Float32bits(g) != math.Float32bits(w) && !(g != g && w != w) {
									t.Fatalf("%s n=%d out%d[%d] = %v, generic %v", c.name, n, j, i, g, w)
								}
							} else if !relClose(float64(g), float64(w), c.tol) {
								t.Fatalf("%s n=%d out%d[%d] = %v, generic %v", c.name, n, j, i, g, w)
							}
						}
					}
				}
			}
		})
	}
}

// TestRowKernelsMatchGeneric covers addBias, biasSigmoid and colSums on
// every column count 1..70 (row tails of both paths) and a few rows, and
// enough rows (17, 40) that narrow matrices run as rows of lcm(cols, 16)
// with the bias repeated (tileRows) and a remainder of rows after them.
func TestRowKernelsMatchGeneric(t *testing.T) {
	for _, k := range simdPaths() {
		t.Run(k.name, func(t *testing.T) {
			r := newRand(22)
			for _, rows := range []int{0, 1, 2, 5, 17, 40} {
				for cols := 1; cols <= 70; cols++ {
					name := fmt.Sprintf("%d×%d", rows, cols)
					x, checkX := guarded(r, rows*cols, cols%4)
					bias, checkB := guarded(r, cols, 1)
					for i := range x {
						x[i] *= 8
					}
					x0 := copyOf(x)
					want := copyOf(x)

					k.addBias(x, cols, bias)
					addBiasGeneric(want, cols, bias)
					requireSameBits(t, "addBias "+name, x, want)

					copy(x, x0)
					copy(want, x0)
					k.biasSigmoid(x, cols, bias)
					if rows > 0 {
						// Each row on its own: the same bits as in a tiled run.
						for r := range rows {
							row := want[r*cols : (r+1)*cols]
							k.biasSigmoid(row, cols, bias)
						}
						requireSameBits(t, "biasSigmoid by rows "+name, x, want)
						copy(want, x0)
					}
					for i := range want {
						want[i] = sigmoid64(want[i] + bias[i%cols])
					}
					for i := range x {
						if !relClose(float64(x[i]), float64(want[i]), 1e-6) {
							t.Fatalf("biasSigmoid %s [%d] = %v, want %v", name, i, x[i], want[i])
						}
					}

					sums, checkS := guarded(r, cols, 2)
					wantSums := make([]float32, cols)
					k.colSums(sums, 0.25, x0, cols)
					colSumsGeneric(wantSums, 0.25, x0, cols)
					requireSameBits(t, "colSums "+name, sums, wantSums)
					checkX(t)
					checkB(t)
					checkS(t)
				}
			}
		})
	}
}
