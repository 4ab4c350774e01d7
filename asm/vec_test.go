package asm

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// unaryKernels are the one-input element-wise kernels with their float64
// definition and the relative tolerance every path must meet.
var unaryKernels = []struct {
	name string
	fn   func(dst, src []float32) error
	def  func(x float64) float64
	tol  float64
}{
	{"Sigmoid", Sigmoid, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, 1e-6},
	{"Tanh", Tanh, math.Tanh, 2e-6},
	{"ReLU", ReLU, func(x float64) float64 {
		if x < 0 {
			return 0
		}
		return x
	}, 0},
}

func TestUnaryKernels(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		r := newRand(3)
		for _, k := range unaryKernels {
			for _, n := range testLengths {
				for _, off := range []int{0, 1, 3} {
					src, checkSrc := guarded(r, n, off)
					for i := range src {
						src[i] *= 10
					}
					dst, checkDst := guarded(r, n, off+1)
					src0 := copyOf(src)
					require.NoError(t, k.fn(dst, src))
					checkSrc(t)
					checkDst(t)
					require.Equal(t, src0, src)
					for i := range dst {
						if !relClose(float64(dst[i]), k.def(float64(src[i])), k.tol) {
							t.Fatalf("%s n=%d: f(%v) = %v, want %v", k.name, n, src[i], dst[i], k.def(float64(src[i])))
						}
					}
					// In place gives the same result.
					require.NoError(t, k.fn(src, src))
					require.Equal(t, dst, src, "%s in place n=%d", k.name, n)
				}
			}
		}
	})
}

// specialInputs are the values where a vectorised exp goes wrong first.
var specialInputs = []float32{
	0, float32(math.Copysign(0, -1)), 1, -1, 0.5, -0.5,
	float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()),
	math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
	1e-38, -1e-38, 1e-7, -1e-7, 15, -15, 16.6, -16.6, 17, -17, 20, -20, 80, -80,
	87.3, -87.3, 88.7, -88.7, 89, -89, 103, -103, 104, -104, 200, -200, 1e10, -1e10,
}

// TestSigmoidAccuracy checks the contract on special values and a sweep of
// the whole float32 range: relative error ≤ 1e-6, NaN in → NaN out,
// saturation to exactly 0 or 1 where the true value rounds there.
func TestSigmoidAccuracy(t *testing.T) {
	xs := append([]float32{}, specialInputs...)
	for e := -126; e <= 127; e++ {
		for _, m := range []float64{1, 1.3, 1.7} {
			v := float32(math.Ldexp(m, e))
			xs = append(xs, v, -v)
		}
	}
	for x := float32(-110); x <= 110; x += 0.0137 {
		xs = append(xs, x)
	}
	forEachPath(t, func(t *testing.T, path string) {
		for _, off := range []int{0, 1, 5} {
			src := append(make([]float32, off), xs...)[off:]
			dst := make([]float32, len(src))
			require.NoError(t, Sigmoid(dst, src))
			for i, x := range src {
				want := 1 / (1 + math.Exp(-float64(x)))
				got := float64(dst[i])
				if math.IsNaN(float64(x)) {
					require.True(t, math.IsNaN(got), "sigmoid(NaN) = %v", got)
					continue
				}
				if float32(want) == 1 || float32(want) == 0 {
					require.Equal(t, float32(want), dst[i], "sigmoid(%v) must saturate", x)
					continue
				}
				// Below 2^-126 float32 has fewer significant bits; allow one
				// subnormal ulp there.
				if math.Abs(got-want) > max(1e-6*want, math.SmallestNonzeroFloat32) {
					t.Fatalf("sigmoid(%v) = %v, want %v (rel err %.3g)", x, got, want, math.Abs(got-want)/want)
				}
			}
		}
	})
}

// binaryKernels are the two- and three-input element-wise kernels, with
// their float32 definition (these are exact in float32 up to contraction).
var binaryKernels = []struct {
	name string
	fn   func(dst, a, b []float32) error
	def  func(a, b float32) float64
}{
	{"Hadamard", Hadamard, func(a, b float32) float64 { return float64(a) * float64(b) }},
	{"SigmoidBackward", SigmoidBackward, func(d, a float32) float64 { return float64(d) * float64(a) * (1 - float64(a)) }},
	{"TanhBackward", TanhBackward, func(d, a float32) float64 { return float64(d) * (1 - float64(a)*float64(a)) }},
	{"ReLUBackward", ReLUBackward, func(d, a float32) float64 {
		if a > 0 {
			return float64(d)
		}
		return 0
	}},
}

func TestBinaryKernels(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		r := newRand(4)
		for _, k := range binaryKernels {
			for _, n := range testLengths {
				off := n % 7
				a, checkA := guarded(r, n, off)
				b, checkB := guarded(r, n, off+2)
				dst, checkDst := guarded(r, n, off+5)
				a0, b0 := copyOf(a), copyOf(b)
				require.NoError(t, k.fn(dst, a, b))
				checkA(t)
				checkB(t)
				checkDst(t)
				require.Equal(t, a0, a)
				require.Equal(t, b0, b)
				for i := range dst {
					if !relClose(float64(dst[i]), k.def(a[i], b[i]), 1e-6) {
						t.Fatalf("%s n=%d i=%d: got %v want %v", k.name, n, i, dst[i], k.def(a[i], b[i]))
					}
				}
				// dst aliasing the first input.
				want := copyOf(dst)
				require.NoError(t, k.fn(a, a, b))
				require.Equal(t, want, a, "%s aliased n=%d", k.name, n)
			}
		}
	})
}

func TestBiasKernels(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		r := newRand(5)
		for _, rows := range []int{0, 1, 2, 3, 7, 32} {
			for _, cols := range []int{1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100} {
				n := rows * cols
				x, checkX := guarded(r, n, cols%3)
				bias, checkBias := guarded(r, cols, 1)
				x0 := copyOf(x)
				require.NoError(t, AddBias(x, rows, cols, bias))
				for i := range x {
					require.InDelta(t, x0[i]+bias[i%cols], x[i], 1e-6)
				}
				copy(x, x0)
				require.NoError(t, BiasSigmoid(x, rows, cols, bias))
				for i := range x {
					want := 1 / (1 + math.Exp(-float64(x0[i]+bias[i%cols])))
					require.True(t, relClose(float64(x[i]), want, 1e-6), "BiasSigmoid %d×%d i=%d", rows, cols, i)
				}
				sums, checkSums := guarded(r, cols, 2)
				require.NoError(t, ColSums(sums, 0.5, x0, rows, cols))
				for c := 0; c < cols; c++ {
					var s float64
					for rr := 0; rr < rows; rr++ {
						s += float64(x0[rr*cols+c])
					}
					require.True(t, relClose(float64(sums[c]), 0.5*s, 1e-5), "ColSums %d×%d c=%d", rows, cols, c)
				}
				checkX(t)
				checkBias(t)
				checkSums(t)
			}
		}
	})
}

func TestSoftmaxRows(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		x := []float32{1, 2, 3, 1000, 1000, 1000, -1e30, 0, 1e30}
		require.NoError(t, SoftmaxRows(x, 3, 3))
		require.InDeltaSlice(t, []float32{0.09003057, 0.24472848, 0.66524094}, x[:3], 1e-6)
		require.InDeltaSlice(t, []float32{1.0 / 3, 1.0 / 3, 1.0 / 3}, x[3:6], 1e-6)
		require.InDeltaSlice(t, []float32{0, 0, 1}, x[6:], 1e-6)
	})
}

func TestOptimizerUpdates(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		r := newRand(6)
		for _, n := range testLengths {
			p, checkP := guarded(r, n, n%5)
			g, _ := guarded(r, n, 1)
			v, checkV := guarded(r, n, 2)
			m, checkM := guarded(r, n, 3)
			for i := range v {
				v[i] = float32(math.Abs(float64(v[i])))
			}
			p0, v0, m0 := copyOf(p), copyOf(v), copyOf(m)

			require.NoError(t, Axpy(-0.1, g, p))
			for i := range p {
				require.InDelta(t, p0[i]-0.1*g[i], p[i], 1e-6)
			}
			copy(p, p0)
			require.NoError(t, Momentum(p, g, v, 0.1, 0.9))
			for i := range p {
				vi := 0.9*float64(v0[i]) + float64(g[i])
				require.InDelta(t, vi, v[i], 1e-5)
				require.InDelta(t, float64(p0[i])-0.1*vi, p[i], 1e-5)
			}
			copy(p, p0)
			copy(v, v0)
			h := AdamParams{LR: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, Correction1: 0.1, Correction2: 0.001}
			require.NoError(t, Adam(p, g, m, v, h))
			for i := range p {
				mi := 0.9*float64(m0[i]) + 0.1*float64(g[i])
				vi := 0.999*float64(v0[i]) + 0.001*float64(g[i])*float64(g[i])
				want := float64(p0[i]) - 0.01*(mi/0.1)/(math.Sqrt(vi/0.001)+1e-8)
				require.InDelta(t, mi, m[i], 1e-5)
				require.InDelta(t, vi, v[i], 1e-5)
				require.InDelta(t, want, p[i], 1e-4)
			}
			copy(p, p0)
			copy(v, v0)
			require.NoError(t, RMSprop(p, g, v, 0.01, 0.9, 1e-7))
			for i := range p {
				vi := 0.9*float64(v0[i]) + 0.1*float64(g[i])*float64(g[i])
				want := float64(p0[i]) - 0.01*float64(g[i])/math.Sqrt(vi+1e-7)
				require.InDelta(t, vi, v[i], 1e-6*max(1, vi))
				require.InDelta(t, want, p[i], 1e-5)
			}
			copy(p, p0)
			Scale(2, p)
			for i := range p {
				require.Equal(t, 2*p0[i], p[i])
			}
			checkP(t)
			checkV(t)
			checkM(t)
		}
	})
}

func TestVectorBadArguments(t *testing.T) {
	s3, s2 := make([]float32, 3), make([]float32, 2)
	for name, err := range map[string]error{
		"Hadamard short a":    Hadamard(s3, s2, s3),
		"Hadamard short b":    Hadamard(s3, s3, s2),
		"Sigmoid short":       Sigmoid(s3, s2),
		"SigmoidBackward":     SigmoidBackward(s3, s3, s2),
		"BiasSigmoid short x": BiasSigmoid(s3, 2, 2, s2),
		"BiasSigmoid bias":    BiasSigmoid(s3, 1, 3, s2),
		"AddBias negative":    AddBias(s3, -1, 3, s3),
		"AddBias overflow":    AddBias(s3, 1<<40, 1<<40, s3),
		"ColSums short dst":   ColSums(s2, 1, s3, 1, 3),
		"Softmax short":       SoftmaxRows(s2, 1, 3),
		"Axpy short":          Axpy(1, s2, s3),
		"Momentum short":      Momentum(s3, s3, s2, 1, 1),
		"Adam short":          Adam(s3, s3, s3, s2, AdamParams{}),
		"RMSprop short g":     RMSprop(s3, s2, s3, 1, 0.9, 1),
		"RMSprop short v":     RMSprop(s3, s3, s2, 1, 0.9, 1),
	} {
		require.Error(t, err, name)
		require.True(t, errors.Is(err, ErrArgument), name)
	}
}

func TestKernelAllocs(t *testing.T) {
	a, b, c := make([]float32, 1000), make([]float32, 1000), make([]float32, 1000)
	forEachPath(t, func(t *testing.T, path string) {
		require.Zero(t, testing.AllocsPerRun(10, func() {
			_ = Hadamard(c, a, b)
			_ = Sigmoid(c, a)
			_ = SigmoidBackward(c, a, b)
			_ = BiasSigmoid(c, 10, 100, b)
			_ = ColSums(c, 1, a, 10, 100)
			_ = Axpy(1, a, b)
			_ = Momentum(a, b, c, 0.1, 0.9)
			_ = Adam(a, b, c, c, AdamParams{LR: 1, Beta1: 0.9, Beta2: 0.9, Eps: 1, Correction1: 1, Correction2: 1})
			_ = RMSprop(a, b, c, 1e-9, 0.9, 1)
		}))
	})
}
