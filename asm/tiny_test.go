package asm

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"
)

// tinyCase is one network, batch and data for the fused tiny step.
type tinyCase struct {
	sizes   []int // inputs, then each layer's units
	acts    []TinyActivation
	batch   int
	inPlace bool // NW and NB are W and B
	guarded bool // SetGuarded (not in place): the new W and B in place, the old in NW and NB
	scale   float32
	off     int // misalignment of every slice, in floats
}

func (c tinyCase) String() string {
	return fmt.Sprintf("sizes=%v acts=%v batch=%d inPlace=%v guarded=%v off=%d", c.sizes, c.acts, c.batch, c.inPlace, c.guarded, c.off)
}

func randomTinyCase(r *rand.Rand) tinyCase {
	c := tinyCase{sizes: []int{1 + r.IntN(TinyMaxUnits)}, batch: 1 + r.IntN(TinyMaxBatch),
		inPlace: r.IntN(2) == 0, scale: -float32(0.05 + r.Float64()), off: r.IntN(8)}
	for range 1 + r.IntN(3) {
		c.sizes = append(c.sizes, 1+r.IntN(TinyMaxUnits))
		c.acts = append(c.acts, TinyActivation(r.IntN(4)))
	}
	c.guarded = !c.inPlace && r.IntN(2) == 0
	return c
}

// tinyRef is the step in float64 from the same float32 values, with the
// exact activations: what the kernel approximates in float32.
func tinyRef(c tinyCase, ws, bs [][]float32, x, y []float32) (nw, nb [][]float64, sqerr float64) {
	L := len(c.acts)
	act := func(f TinyActivation, z float64) float64 {
		switch f {
		case TinySigmoid:
			return 1 / (1 + math.Exp(-z))
		case TinyTanh:
			return math.Tanh(z)
		case TinyReLU:
			return math.Max(z, 0)
		}
		return z
	}
	deriv := func(f TinyActivation, a float64) float64 {
		switch f {
		case TinySigmoid:
			return a * (1 - a)
		case TinyTanh:
			return 1 - a*a
		case TinyReLU:
			if a > 0 {
				return 1
			}
			return 0
		}
		return 1
	}
	as := make([][]float64, L+1) // as[0] the input, as[l+1] layer l's output; batch×units
	as[0] = make([]float64, c.batch*c.sizes[0])
	for i := range as[0] {
		as[0][i] = float64(x[i])
	}
	for l := range L {
		in, out := c.sizes[l], c.sizes[l+1]
		as[l+1] = make([]float64, c.batch*out)
		for r := range c.batch {
			for o := range out {
				z := float64(bs[l][o])
				for i := range in {
					z += float64(ws[l][o*in+i]) * as[l][r*in+i]
				}
				as[l+1][r*out+o] = act(c.acts[l], z)
			}
		}
	}
	out := c.sizes[L]
	d := make([]float64, c.batch*out)
	for k, a := range as[L] {
		e := a - float64(y[k])
		sqerr += e * e
		d[k] = 2 * e * deriv(c.acts[L-1], a)
	}
	nw, nb = make([][]float64, L), make([][]float64, L)
	for l := L - 1; l >= 0; l-- {
		in, out := c.sizes[l], c.sizes[l+1]
		nw[l], nb[l] = make([]float64, in*out), make([]float64, out)
		for o := range out {
			var db float64
			for r := range c.batch {
				db += d[r*out+o]
			}
			nb[l][o] = float64(bs[l][o]) + float64(c.scale)*db
			for i := range in {
				var dw float64
				for r := range c.batch {
					dw += d[r*out+o] * as[l][r*in+i]
				}
				nw[l][o*in+i] = float64(ws[l][o*in+i]) + float64(c.scale)*dw
			}
		}
		if l == 0 {
			break
		}
		pd := make([]float64, c.batch*in)
		for r := range c.batch {
			for i := range in {
				var s float64
				for o := range out {
					s += d[r*out+o] * float64(ws[l][o*in+i])
				}
				pd[r*in+i] = s * deriv(c.acts[l-1], as[l][r*in+i])
			}
		}
		d = pd
	}
	return nw, nb, sqerr
}

// The two references' tolerances, relative above 1 and absolute below.
// tinyStepFloat32 makes the kernel's roundings in the kernel's order (FMAs
// included, emulated in float64: a rounding twice can differ in the last
// bit, once in hundreds of millions of operations) with the same
// activations, so only such a bit separates the two: 1e-6. tinyRef is
// exact: the kernel's float32 roundings are amplified where a derivative
// cancels (1 − a² of a saturated tanh has an absolute error of ~1e-7
// whatever its size), which reaches ~3e-5 of the parameters over three
// layers: 1e-3 still fails a wrong derivative, sum or sign.
const (
	tinyTolerance     = 1e-6
	tinyMathTolerance = 1e-3
)

// fma32 is a float32 fused multiply-add (through float64; see above).
func fma32(a, b, c float32) float32 { return float32(math.FMA(float64(a), float64(b), float64(c))) }

// tinyStepFloat32 is the kernel's arithmetic in Go, in its order (see
// tiny_avx2_amd64.s): the activations from the active path's kernels.
func tinyStepFloat32(c tinyCase, ws, bs [][]float32, x, y []float32) (nw, nb [][]float32, sqerr float64) {
	L := len(c.acts)
	as := make([][]float32, L+1)
	as[0] = x[:c.batch*c.sizes[0]]
	for l := range L {
		in, out := c.sizes[l], c.sizes[l+1]
		z := make([]float32, c.batch*out)
		// The column path at 2 to 4 samples sums by halves (inputs below
		// 4 and from 4 up), each from its highest input down.
		halves := l == L-1 && out == 1 && c.batch >= 2 && c.batch <= 4
		for r := range c.batch {
			for o := range out {
				s := bs[l][o]
				if !halves {
					for i := in - 1; i >= 0; i-- {
						s = fma32(as[l][r*in+i], ws[l][o*in+i], s)
					}
					z[r*out+o] = s
					continue
				}
				var hi float32
				for i := in - 1; i >= 0; i-- {
					if i >= 4 {
						hi = fma32(as[l][r*in+i], ws[l][o*in+i], hi)
					} else {
						s = fma32(as[l][r*in+i], ws[l][o*in+i], s)
					}
				}
				z[r*out+o] = s + hi
			}
		}
		switch c.acts[l] {
		case TinySigmoid:
			_ = Sigmoid(z, z)
		case TinyTanh:
			_ = Tanh(z, z)
		case TinyReLU:
			_ = ReLU(z, z)
		}
		as[l+1] = z
	}
	deriv := func(f TinyActivation, d, a float32) float32 {
		switch f {
		case TinySigmoid:
			return d * float32(a*float32(1-a))
		case TinyTanh:
			return d * float32(1-float32(a*a))
		case TinyReLU:
			if a > 0 {
				return d
			}
			return 0
		}
		return d
	}
	out := c.sizes[L]
	d := make([]float32, c.batch*out)
	var lanes [8]float64
	for r := range c.batch {
		for o := range out {
			k := r*out + o
			e := as[L][k] - y[k]
			lanes[o] += float64(e) * float64(e)
			d[k] = deriv(c.acts[L-1], e+e, as[L][k])
		}
	}
	s := [4]float64{lanes[0] + lanes[4], lanes[1] + lanes[5], lanes[2] + lanes[6], lanes[3] + lanes[7]}
	sqerr = (s[0] + s[2]) + (s[1] + s[3])
	nw, nb = make([][]float32, L), make([][]float32, L)
	for l := L - 1; l >= 0; l-- {
		in, out := c.sizes[l], c.sizes[l+1]
		var pd []float32
		if l > 0 {
			pd = make([]float32, c.batch*in)
			for r := range c.batch {
				for i := range in {
					var s float32
					for o := out - 1; o >= 0; o-- {
						s = fma32(d[r*out+o], ws[l][o*in+i], s)
					}
					pd[r*in+i] = deriv(c.acts[l-1], s, as[l][r*in+i])
				}
			}
		}
		nw[l], nb[l] = make([]float32, in*out), make([]float32, out)
		for o := range out {
			var db float32
			for r := range c.batch {
				db += d[r*out+o]
			}
			nb[l][o] = fma32(db, c.scale, bs[l][o])
			for i := range in {
				var dw float32
				for r := range c.batch {
					dw = fma32(d[r*out+o], as[l][r*in+i], dw)
				}
				nw[l][o*in+i] = fma32(dw, c.scale, ws[l][o*in+i])
			}
		}
		d = pd
	}
	return nw, nb, sqerr
}

// runTinyCase runs c on the active path against tinyRef, with guard
// sentinels around every slice; it reports whether the path ran the kernel.
func runTinyCase(t *testing.T, c tinyCase, seed uint64) bool {
	t.Helper()
	r := newRand(seed)
	L := len(c.acts)
	var checks []func(*testing.T)
	slice := func(n int) []float32 {
		s, check := guarded(r, n, c.off)
		checks = append(checks, check)
		return s
	}
	layers := make([]TinyLayer, L)
	ws, bs := make([][]float32, L), make([][]float32, L)
	for l := range L {
		in, out := c.sizes[l], c.sizes[l+1]
		w, b := slice(in*out), slice(out)
		ws[l], bs[l] = copyOf(w), copyOf(b)
		nw, nb := w, b
		if !c.inPlace {
			nw, nb = slice(in*out), slice(out)
		}
		layers[l] = TinyLayer{In: in, Out: out, Act: c.acts[l], W: w, B: b, NW: nw, NB: nb, Beta: 1}
	}
	x, y := slice(c.batch*c.sizes[0]), slice(c.batch*c.sizes[L])
	k, err := NewTinySGD(layers)
	if err != nil {
		t.Fatal(err)
	}
	if c.guarded {
		if err := k.SetGuarded(); err != nil {
			t.Fatal(err)
		}
	}
	res, ok, err := k.Step(x, y, c.batch, c.scale)
	if err != nil {
		t.Fatal(err)
	}
	for _, check := range checks {
		check(t)
	}
	if !ok {
		for l := range L {
			requireSameBits(t, "W untouched", layers[l].W, ws[l])
		}
		return false
	}
	if res.ZCheck != 0 || res.UpdateCheck != 0 || !res.Clean || res.Cost != float32(res.SquaredError/float64(c.batch)) {
		t.Fatalf("%v: checks %v %v, clean %v, cost %v of %v on finite values", c, res.ZCheck, res.UpdateCheck, res.Clean, res.Cost, res.SquaredError)
	}
	newW, newB := func(l int) []float32 { return layers[l].NW }, func(l int) []float32 { return layers[l].NB }
	if c.guarded {
		newW, newB = func(l int) []float32 { return layers[l].W }, func(l int) []float32 { return layers[l].B }
		for l := range L {
			requireSameBits(t, "old W aside", layers[l].NW, ws[l])
			requireSameBits(t, "old b aside", layers[l].NB, bs[l])
		}
	}
	nw32, nb32, sqerr32 := tinyStepFloat32(c, ws, bs, x, y)
	nw, nb, sqerr := tinyRef(c, ws, bs, x, y)
	for _, ref := range []struct {
		name   string
		tol    float64
		sqerr  float64
		nw, nb func(l, i int) float64
	}{
		{"float32 twin", tinyTolerance, sqerr32, func(l, i int) float64 { return float64(nw32[l][i]) }, func(l, i int) float64 { return float64(nb32[l][i]) }},
		{"exact", tinyMathTolerance, sqerr, func(l, i int) float64 { return nw[l][i] }, func(l, i int) float64 { return nb[l][i] }},
	} {
		if !relClose(res.SquaredError, ref.sqerr, ref.tol) {
			t.Fatalf("%v: squared error %v, %s %v", c, res.SquaredError, ref.name, ref.sqerr)
		}
		for l := range L {
			for i := range nw[l] {
				if got, want := float64(newW(l)[i]), ref.nw(l, i); !relClose(got, want, ref.tol) {
					t.Fatalf("%v: layer %d W[%d] = %v, %s %v (was %v)", c, l, i, got, ref.name, want, ws[l][i])
				}
			}
			for i := range nb[l] {
				if got, want := float64(newB(l)[i]), ref.nb(l, i); !relClose(got, want, ref.tol) {
					t.Fatalf("%v: layer %d b[%d] = %v, %s %v", c, l, i, got, ref.name, want)
				}
			}
		}
	}
	return true
}

// tinyPath reports whether path has the fused tiny step.
func tinyPath(path string) bool { return path == "avx2" || path == "avx512" }

// TestTinySGD: every input and layer width 1..8, every batch 1..8, every
// activation, one to three layers, in place and not, misaligned slices.
func TestTinySGD(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		r := newRand(1)
		var cases []tinyCase
		for in := 1; in <= TinyMaxUnits; in++ {
			for out := 1; out <= TinyMaxUnits; out++ {
				for batch := 1; batch <= TinyMaxBatch; batch++ {
					f := TinyActivation((in + out + batch) % 4)
					cases = append(cases, tinyCase{sizes: []int{in, out}, acts: []TinyActivation{f}, batch: batch,
						inPlace: batch%2 == 0, guarded: batch%4 == 1, scale: -0.5, off: (in + batch) % 8})
				}
			}
		}
		for range 400 {
			cases = append(cases, randomTinyCase(r))
		}
		for i, c := range cases {
			if ran := runTinyCase(t, c, uint64(i)); ran != tinyPath(path) {
				t.Fatalf("%v: kernel ran %v on %s", c, ran, path)
			}
		}
	})
}

// FuzzTinySGD: fuzzed shapes, batches, activations and data.
func FuzzTinySGD(f *testing.F) {
	f.Add(uint64(1), uint64(2))
	f.Add(uint64(7), uint64(99))
	f.Fuzz(func(t *testing.T, shape, data uint64) {
		runTinyCase(t, randomTinyCase(newRand(shape)), data)
	})
}

// TestTinySGDChecks: a NaN or ±Inf input makes ZCheck NaN, and an update
// that overflows makes UpdateCheck NaN; a bad batch or short slice runs
// nothing.
func TestTinySGDChecks(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		if !tinyPath(path) {
			t.Skip("no kernel on this path")
		}
		w, b := []float32{0.5, -0.5, 1, 2}, []float32{0, 0}
		nw, nb := make([]float32, 4), make([]float32, 2)
		k, err := NewTinySGD([]TinyLayer{{In: 2, Out: 2, Act: TinySigmoid, W: w, B: b, NW: nw, NB: nb, Beta: 1}})
		if err != nil {
			t.Fatal(err)
		}
		y := []float32{0, 1, 1, 0}
		for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))} {
			res, ok, err := k.Step([]float32{1, 2, bad, 0}, y, 2, -0.1)
			if !ok || err != nil || !math.IsNaN(float64(res.ZCheck)) {
				t.Fatalf("input %v: %+v %v %v", bad, res, ok, err)
			}
		}
		res, _, _ := k.Step([]float32{1, 2, 3, 0}, y, 2, -0.1)
		if res.ZCheck != 0 || res.UpdateCheck != 0 {
			t.Fatalf("finite step: %+v", res)
		}
		res, _, _ = k.Step([]float32{1, 2, 3, 0}, []float32{100, 100, 100, 100}, 2, -3e38)
		if !math.IsNaN(float64(res.UpdateCheck)) {
			t.Fatalf("overflowing update: %+v", res)
		}
		if _, ok, _ := k.Step(make([]float32, 18), make([]float32, 18), 9, -0.1); ok {
			t.Fatal("batch of 9 ran")
		}
		if _, _, err := k.Step(make([]float32, 3), y, 2, -0.1); err == nil {
			t.Fatal("short x accepted")
		}
	})
}

// TestTinySGDGuarded: a guarded step that is not clean (a NaN or ±Inf
// input, an update that overflows) leaves W and b bit for bit as they were
// and the step's values aside; a clean one keeps its update in place; an
// in-place kernel cannot be guarded.
func TestTinySGDGuarded(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		if !tinyPath(path) {
			t.Skip("no kernel on this path")
		}
		w, b := []float32{0.5, -0.5, 1, 2, 0.25, -1}, []float32{0.1, 0, -0.1}
		w0, b0 := copyOf(w), copyOf(b)
		nw, nb := make([]float32, 6), make([]float32, 3)
		k, err := NewTinySGD([]TinyLayer{{In: 2, Out: 3, Act: TinyTanh, W: w, B: b, NW: nw, NB: nb, Beta: 1}})
		if err != nil {
			t.Fatal(err)
		}
		if err := k.SetGuarded(); err != nil {
			t.Fatal(err)
		}
		y := []float32{0, 1, 1, 0, 1, 0}
		for _, c := range []struct {
			x     []float32
			scale float32
		}{
			{[]float32{1, 2, float32(math.NaN()), 0}, -0.1},
			{[]float32{1, float32(math.Inf(-1)), 3, 0}, -0.1},
			{[]float32{1, 2, 3, 0}, -3e38},
		} {
			res, ok, err := k.Step(c.x, y, 2, c.scale)
			if !ok || err != nil || res.Clean {
				t.Fatalf("x %v scale %v: %+v %v %v", c.x, c.scale, res, ok, err)
			}
			requireSameBits(t, "W after a step that is not clean", w, w0)
			requireSameBits(t, "b after a step that is not clean", b, b0)
			if firstNonFiniteGeneric(append(copyOf(nw), nb...)) < 0 {
				t.Fatalf("x %v scale %v: the rejected update %v %v is finite", c.x, c.scale, nw, nb)
			}
		}
		res, _, _ := k.Step([]float32{1, 2, 3, 0}, y, 2, -0.1)
		if !res.Clean {
			t.Fatalf("finite step: %+v", res)
		}
		requireSameBits(t, "old W aside", nw, w0)
		requireSameBits(t, "old b aside", nb, b0)
		if w[0] == w0[0] && w[1] == w0[1] {
			t.Fatal("a clean step left W as it was")
		}
		inPlace, err := NewTinySGD([]TinyLayer{{In: 2, Out: 3, Act: TinyTanh, W: w, B: b, NW: w, NB: b, Beta: 1}})
		if err != nil {
			t.Fatal(err)
		}
		if err := inPlace.SetGuarded(); err == nil {
			t.Fatal("an in-place kernel was guarded")
		}
	})
}

// TestTinySGDActivationBits: with W = I and b = 0 every z is its input
// exactly, and the activations the kernel leaves in its scratch are the
// bits Sigmoid, Tanh and ReLU give — 8 inputs (Wᵀ by the transpose) and 4
// (Wᵀ by permutes, the sigmoid fused with z's rows).
func TestTinySGDActivationBits(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		if !tinyPath(path) {
			t.Skip("no kernel on this path")
		}
		r := newRand(3)
		for _, n := range []int{8, 4} {
			for _, f := range []TinyActivation{TinySigmoid, TinyTanh, TinyReLU, TinyLinear} {
				w := make([]float32, n*n)
				for i := range n {
					w[i*n+i] = 1
				}
				k, err := NewTinySGD([]TinyLayer{{In: n, Out: n, Act: f, W: w, B: make([]float32, n), NW: make([]float32, n*n), NB: make([]float32, n), Beta: 1}})
				if err != nil {
					t.Fatal(err)
				}
				x := make([]float32, 8*n)
				for i := range x {
					x[i] = float32(math.Ldexp(r.Float64()*2-1, r.IntN(16)-8))
				}
				x[0], x[1], x[2] = 0, -120, 120
				if _, ok, err := k.Step(x, make([]float32, 8*n), 8, -0.1); !ok || err != nil {
					t.Fatal(ok, err)
				}
				want := make([]float32, 8*n)
				switch f {
				case TinySigmoid:
					_ = Sigmoid(want, x)
				case TinyTanh:
					_ = Tanh(want, x)
				case TinyReLU:
					_ = ReLU(want, x)
				default:
					copy(want, x)
				}
				got := make([]float32, 0, 8*n)
				for row := range 8 {
					got = append(got, k.scratch[128+8*row:][:n]...)
				}
				requireSameBits(t, fmt.Sprint(n, " inputs, activation ", f), got, want)
			}
		}
	})
}

// TestTinyLayerLayout: the offsets of tinyLayer and tinyState that
// tiny_avx2_amd64.s reads.
func TestTinyLayerLayout(t *testing.T) {
	var l tinyLayer
	got := []uintptr{unsafe.Offsetof(l.w), unsafe.Offsetof(l.b), unsafe.Offsetof(l.nw), unsafe.Offsetof(l.nb),
		unsafe.Offsetof(l.ow), unsafe.Offsetof(l.ob), unsafe.Offsetof(l.in), unsafe.Offsetof(l.out),
		unsafe.Offsetof(l.act), unsafe.Offsetof(l.beta), unsafe.Sizeof(l)}
	want := []uintptr{0, 8, 16, 24, 32, 40, 48, 52, 56, 60, 64}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("tinyLayer offsets %v, want %v", got, want)
		}
	}
	var s tinyState
	got = []uintptr{unsafe.Offsetof(s.layers), unsafe.Offsetof(s.nlayers), unsafe.Offsetof(s.scratch), unsafe.Offsetof(s.guarded)}
	want = []uintptr{0, 8, 16, 24}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("tinyState offsets %v, want %v", got, want)
		}
	}
}

// TestNewTinySGDRejects: shapes outside the class are errors.
func TestNewTinySGDRejects(t *testing.T) {
	s := func(n int) []float32 { return make([]float32, n) }
	for name, ls := range map[string][]TinyLayer{
		"none":       nil,
		"wide":       {{In: 9, Out: 1, W: s(9), B: s(1), NW: s(9), NB: s(1)}},
		"chain":      {{In: 2, Out: 3, W: s(6), B: s(3), NW: s(6), NB: s(3)}, {In: 2, Out: 1, W: s(2), B: s(1), NW: s(2), NB: s(1)}},
		"short W":    {{In: 2, Out: 3, W: s(5), B: s(3), NW: s(6), NB: s(3)}},
		"short NB":   {{In: 2, Out: 3, W: s(6), B: s(3), NW: s(6), NB: s(2)}},
		"activation": {{In: 2, Out: 3, Act: 7, W: s(6), B: s(3), NW: s(6), NB: s(3)}},
	} {
		if _, err := NewTinySGD(ls); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// BenchmarkTinySGDXOR is the kernel alone on the 2-8-1 sigmoid network at
// batch 4, as core's TrainStep runs it (guarded).
func BenchmarkTinySGDXOR(b *testing.B) {
	if !TinySGDAvailable() {
		b.Skip("no tiny kernel on this path")
	}
	r := newRand(1)
	params, grads := make([]float32, 64), make([]float32, 64)
	for i := range params {
		params[i] = float32(r.Float64() - 0.5)
	}
	k, err := NewTinySGD([]TinyLayer{
		{In: 2, Out: 8, Act: TinySigmoid, W: params[0:16], B: params[16:24], NW: grads[0:16], NB: grads[16:24], Beta: 1},
		{In: 8, Out: 1, Act: TinySigmoid, W: params[32:40], B: params[48:49], NW: grads[32:40], NB: grads[48:49], Beta: 1},
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := k.SetGuarded(); err != nil {
		b.Fatal(err)
	}
	x, y := []float32{0, 0, 0, 1, 1, 0, 1, 1}, []float32{0, 1, 1, 0}
	b.ReportAllocs()
	for b.Loop() {
		if r, ok, err := k.Step(x, y, 4, -0.125); !ok || err != nil || !r.Clean {
			b.Fatal(r, ok, err)
		}
	}
}

// TestZeroTinySGD: Step and SetGuarded on a nil or zero TinySGD (one
// NewTinySGD did not make) are an ErrArgument on every path; the kernel
// never follows the zero state's nil layers.
func TestZeroTinySGD(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		x, y := []float32{1, 2}, []float32{0}
		for name, k := range map[string]*TinySGD{"zero": {}, "nil": nil} {
			_, ok, err := k.Step(x, y, 1, -0.1)
			if ok || !errors.Is(err, ErrArgument) || !strings.Contains(err.Error(), "NewTinySGD") {
				t.Errorf("%s TinySGD: Step = %v, %v", name, ok, err)
			}
			if err := k.SetGuarded(); !errors.Is(err, ErrArgument) {
				t.Errorf("%s TinySGD: SetGuarded = %v", name, err)
			}
		}
	})
}
