package asm

import (
	"encoding/binary"
	"math"
	"testing"
)

// Differential fuzz targets: every path against the generic kernel on
// fuzzed lengths, offsets and bit patterns (NaN payloads, infinities and
// subnormals come out of the byte decoding). Comparison rule per kernel:
// bit-exact (NaN-aware) for Hadamard, SigmoidBackward and RMSprop, whose paths
// keep the generic operation order; relative 1e-5 for Adam, whose paths fuse
// multiply-adds. FuzzHadamard, FuzzSigmoidBackward and FuzzVecKernels run
// every path twice (streamModes): with the start-up streaming-store
// threshold and with every call of 64 floats or more on the streaming path.

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
		streamModes(t, func(t *testing.T) {
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

// vecFuzzKernel is one kernel of FuzzVecKernels. Its arrays are decoded
// from the fuzzed bytes: an element-wise kernel takes `arrays` slices of n
// floats (in[0] is its output, or its only operand when in place); a row
// kernel takes x, rows×cols, as in[0] and one cols-long vector (bias, or
// ColSums' output) as in[1].
type vecFuzzKernel struct {
	name   string
	arrays int
	rows   bool
	// small folds the finite inputs into (−2, 2) (NaN and ±Inf are kept),
	// and run keeps the scalars in [−1, 1]: the kernels whose SIMD paths
	// fuse multiply-adds, compared within tol as TestVecMatchesGeneric
	// does (in that range fused and unfused results differ by less).
	small bool
	// tol is the relative tolerance (relClose) against generic; 0 means
	// bit-exact, NaN-aware.
	tol float64
	// outs are the indices of the arrays the kernel writes.
	outs []int
	// run calls the exported kernel on in; alias makes the output the
	// first input where the kernel allows it. s is the fuzzed scalar.
	run func(in [][]float32, cols int, s uint32, alias bool) error
	// act, when set, replaces the comparison with generic by the Sigmoid
	// and Tanh contracts against float64 (see activationOK).
	act *activationRule
}

// activationRule is the accuracy contract of an activation: NaN for NaN,
// exactly def where def rounds to one of sat, else relative error ≤ tol
// with one subnormal ulp allowed (the rule of TestSigmoidSweep and
// TestTanhSweep).
type activationRule struct {
	def func(float64) float64
	sat []float32
	tol float64
}

func (a *activationRule) ok(x, got float32) (bool, float64) {
	want := a.def(float64(x))
	if x != x {
		return got != got, want
	}
	for _, s := range a.sat {
		if float32(want) == s {
			return got == s, want
		}
	}
	return math.Abs(float64(got)-want) <= max(a.tol*math.Abs(want), math.SmallestNonzeroFloat32), want
}

// foldSmall maps a finite v outside (−lim, lim) into it; NaN and ±Inf stay.
func foldSmall(v, lim float32) float32 {
	if v != v || math.IsInf(float64(v), 0) || math.Abs(float64(v)) < float64(lim) {
		return v
	}
	return float32(math.Mod(float64(v), float64(lim)))
}

// unit returns the 16 bits of s at shift as a fraction in [0, 1).
func unit(s uint32, shift uint) float32 { return float32(s>>shift&0xffff) / 0x10000 }

var (
	tanhRule    = &activationRule{math.Tanh, nil, 2e-6}
	sigmoidRule = &activationRule{sigmoidDef64, []float32{0, 1}, 1e-6}
)

func sigmoidDef64(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// vecFuzzKernels are the kernels FuzzVecKernels picks from: those without
// a target of their own (FuzzSigmoid, FuzzHadamard, FuzzSigmoidBackward,
// FuzzAdam cover the others).
var vecFuzzKernels = []vecFuzzKernel{
	{name: "Tanh", arrays: 2, outs: []int{0}, act: tanhRule,
		run: func(in [][]float32, _ int, _ uint32, alias bool) error {
			if alias {
				return Tanh(in[1], in[1])
			}
			return Tanh(in[0], in[1])
		}},
	{name: "TanhBackward", arrays: 3, outs: []int{0, 1},
		run: func(in [][]float32, _ int, _ uint32, alias bool) error {
			if alias {
				return TanhBackward(in[1], in[1], in[2])
			}
			return TanhBackward(in[0], in[1], in[2])
		}},
	{name: "ReLU", arrays: 2, outs: []int{0, 1},
		run: func(in [][]float32, _ int, _ uint32, alias bool) error {
			if alias {
				return ReLU(in[1], in[1])
			}
			return ReLU(in[0], in[1])
		}},
	{name: "ReLUBackward", arrays: 3, outs: []int{0, 1},
		run: func(in [][]float32, _ int, _ uint32, alias bool) error {
			if alias {
				return ReLUBackward(in[1], in[1], in[2])
			}
			return ReLUBackward(in[0], in[1], in[2])
		}},
	{name: "BiasSigmoid", arrays: 2, rows: true, outs: []int{0}, act: sigmoidRule,
		run: func(in [][]float32, cols int, _ uint32, _ bool) error {
			return BiasSigmoid(in[0], len(in[0])/cols, cols, in[1])
		}},
	{name: "AddBias", arrays: 2, rows: true, outs: []int{0},
		run: func(in [][]float32, cols int, _ uint32, _ bool) error {
			return AddBias(in[0], len(in[0])/cols, cols, in[1])
		}},
	{name: "ColSums", arrays: 2, rows: true, outs: []int{1},
		run: func(in [][]float32, cols int, s uint32, _ bool) error {
			return ColSums(in[1], math.Float32frombits(s), in[0], len(in[0])/cols, cols)
		}},
	{name: "SoftmaxRows", arrays: 1, rows: true, tol: 1e-6, outs: []int{0},
		run: func(in [][]float32, cols int, _ uint32, _ bool) error {
			return SoftmaxRows(in[0], len(in[0])/cols, cols)
		}},
	{name: "Axpy", arrays: 2, small: true, tol: 1e-6, outs: []int{0},
		run: func(in [][]float32, _ int, s uint32, _ bool) error {
			return Axpy(foldSmall(math.Float32frombits(s), 1), in[1], in[0])
		}},
	{name: "Scale", arrays: 1, outs: []int{0},
		run: func(in [][]float32, _ int, s uint32, _ bool) error {
			Scale(math.Float32frombits(s), in[0])
			return nil
		}},
	{name: "Momentum", arrays: 3, small: true, tol: 1e-6, outs: []int{0, 2},
		run: func(in [][]float32, _ int, s uint32, _ bool) error {
			return Momentum(in[0], in[1], in[2], unit(s, 0), unit(s, 16))
		}},
	// RMSprop is bit-exact on every path, so it takes the raw fuzzed bits
	// (NaN, ±Inf, negative mean squares); lr and ρ are two 16-bit
	// fractions and ε is lr's fraction scaled to 1e-7 (0 allowed: 0/0).
	{name: "RMSprop", arrays: 3, outs: []int{0, 2},
		run: func(in [][]float32, _ int, s uint32, _ bool) error {
			return RMSprop(in[0], in[1], in[2], unit(s, 0), unit(s, 16), unit(s, 0)*1e-7)
		}},
}

// vecFuzzArrays decodes data into the arrays of kern, each in a guarded
// buffer at its own misalignment (off + index, in floats); checks reports
// writes outside them.
func vecFuzzArrays(kern *vecFuzzKernel, data []byte, off, cols int) (in [][]float32, checks []func(*testing.T)) {
	vals := floatsFrom(data)
	if kern.small {
		for i, v := range vals {
			vals[i] = foldSmall(v, 2)
		}
	}
	var parts [][]float32
	if kern.rows {
		// The cols-long vector first (zero-padded when data is short),
		// then as many whole rows as remain.
		vec := make([]float32, cols)
		copy(vec, vals)
		rest := vals[min(cols, len(vals)):]
		parts = [][]float32{rest[:len(rest)/cols*cols], vec}
		if kern.arrays == 1 {
			parts = parts[:1]
		}
	} else {
		n := len(vals) / kern.arrays
		for i := 0; i < kern.arrays; i++ {
			parts = append(parts, vals[i*n:(i+1)*n])
		}
	}
	r := newRand(1)
	for i, p := range parts {
		s, check := guarded(r, len(p), off+i)
		copy(s, p)
		in = append(in, s)
		checks = append(checks, check)
	}
	return in, checks
}

// FuzzVecKernels checks the kernels without a target of their own, picked
// by kernel, on every path against the generic one (or the float64
// contract, for the activations): fuzzed lengths and bit patterns (NaN
// payloads, ±Inf, subnormals, −0), misalignments (off&7), dst aliasing the
// input (off&8), row lengths (cols) and scalars (alpha's bits; Momentum's
// lr and mu, RMSprop's lr and ρ, as two 16-bit fractions).
func FuzzVecKernels(f *testing.F) {
	specials := []uint32{0x7fc00000, 0xffc00001, 0x7f800001, 0x7f800000, 0xff800000, 0x80000000, 0,
		0x00000001, 0x807fffff, 0x7f7fffff, 0x3f800000, 0xbf800000, 0x41a00000, 0xc2b40000, 0x3e99999a}
	for k := range vecFuzzKernels {
		for _, n := range []int{1, 17, 70} {
			b := make([]byte, 4*n*vecFuzzKernels[k].arrays+4*(k%3))
			for i := 0; i+4 <= len(b); i += 4 {
				v := math.Float32bits(float32(i%23)/5 - 2)
				if (i/4+n)%5 == 0 {
					v = specials[(i/4+k)%len(specials)]
				}
				binary.LittleEndian.PutUint32(b[i:], v)
			}
			f.Add(b, uint8(k), uint8(n+k), uint8(n%37), uint32(0x3e99999a+k*0x01000000))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, kernel, off, cols uint8, scalar uint32) {
		kern := &vecFuzzKernels[int(kernel)%len(vecFuzzKernels)]
		o, alias, c := int(off&7), off&8 != 0, int(cols%48)+1
		prev := Active()
		_ = Use("generic")
		want, _ := vecFuzzArrays(kern, data, o, c)
		err := kern.run(want, c, scalar, alias)
		_ = Use(prev)
		if err != nil {
			t.Fatalf("%s generic: %v", kern.name, err)
		}
		forEachPath(t, func(t *testing.T, path string) {
			streamModes(t, func(t *testing.T) {
				in, checks := vecFuzzArrays(kern, data, o, c)
				src := make([][]float32, len(in))
				for i := range in {
					src[i] = copyOf(in[i])
				}
				if err := kern.run(in, c, scalar, alias); err != nil {
					t.Fatal(err)
				}
				for _, check := range checks {
					check(t)
				}
				if kern.act != nil {
					checkActivationFuzz(t, kern, in, src, c, alias)
					return
				}
				for _, j := range kern.outs {
					for i := range in[j] {
						g, w := in[j][i], want[j][i]
						if kern.tol == 0 && !sameBits(g, w) || kern.tol != 0 && !relClose(float64(g), float64(w), kern.tol) {
							t.Fatalf("%s n=%d cols=%d alias=%v scalar=%#x: out%d[%d] = %v (%#x), generic %v (%#x)",
								kern.name, len(in[0]), c, alias, scalar, j, i, g, math.Float32bits(g), w, math.Float32bits(w))
						}
					}
				}
			})
		})
	})
}

// checkActivationFuzz holds Tanh and BiasSigmoid to their activation rule
// element by element; BiasSigmoid must also give the bits of the path's
// Sigmoid of x+bias (the fused step is the same computation).
func checkActivationFuzz(t *testing.T, kern *vecFuzzKernel, in, src [][]float32, cols int, alias bool) {
	t.Helper()
	out, xs := in[0], src[1]
	if alias && !kern.rows {
		out = in[1]
	}
	if kern.rows {
		xs = make([]float32, len(src[0]))
		for i, v := range src[0] {
			xs[i] = v + src[1][i%cols]
		}
		viaSigmoid := make([]float32, len(xs))
		if err := Sigmoid(viaSigmoid, xs); err != nil {
			t.Fatal(err)
		}
		for i := range out {
			if !sameBits(out[i], viaSigmoid[i]) {
				t.Fatalf("BiasSigmoid [%d] = %v, Sigmoid(x+bias) = %v", i, out[i], viaSigmoid[i])
			}
		}
	}
	for i, x := range xs {
		if ok, want := kern.act.ok(x, out[i]); !ok {
			t.Fatalf("%s(%v) = %v, want %v (n=%d, alias=%v)", kern.name, x, out[i], want, len(xs), alias)
		}
	}
}
