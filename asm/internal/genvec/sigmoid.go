package main

import (
	"fmt"
	"strings"
)

// k is the memory operand of the ·expConsts row named name.
func k(name string) string { return "·expConsts+" + name + "(SB)" }

// regs are the five vector registers one vector's sigmoid or tanh works
// in: the input X, the results and scratch Z, N, P, T (which of them holds
// the result depends on the function; X may be Z when the input is not
// kept), and the opmask K of the AVX-512 sigmoid (AVX2: none).
type regs struct{ X, Z, N, P, T, K string }

// mathStep is one instruction of a per-vector computation, its operands
// written with the register roles X, Z, N, P, T and K; note, if any, is
// written after the instruction of the first vector.
type mathStep struct{ ins, note string }

// math emits steps for every vector of vs: one vector after another, or
// with interleave one step of every vector after another (independent
// chains side by side for the scheduler).
func (g *gen) math(steps []mathStep, vs []regs, interleave bool) {
	emit := func(s mathStep, r regs, first bool) {
		m, rest, _ := strings.Cut(s.ins, " ")
		ops := strings.Split(rest, ", ")
		for i, o := range ops {
			switch o {
			case "X":
				ops[i] = r.X
			case "Z":
				ops[i] = r.Z
			case "N":
				ops[i] = r.N
			case "P":
				ops[i] = r.P
			case "T":
				ops[i] = r.T
			case "K":
				ops[i] = r.K
			}
		}
		if first && s.note != "" {
			g.printf("\t%-12s %s // %s\n", m, strings.Join(ops, ", "), s.note)
			return
		}
		g.op(m, ops...)
	}
	if interleave {
		for _, s := range steps {
			for j, r := range vs {
				emit(s, r, j == 0)
			}
		}
		return
	}
	for j, r := range vs {
		for _, s := range steps {
			emit(s, r, j == 0)
		}
	}
}

// AVX2 sigmoid: σ(X) into N; X kept. Y15 the clamp, Y14 1.0. One
// VDIVPS: the chain from x to σ bounds the loop (the scheduler holds a few
// vectors' worth of it), and a division is shorter than a reciprocal
// estimate, its Newton step and the multiplies around them.
var sigmoidAVX2Steps = []mathStep{
	{"VORPS " + k("EXP_SIGN") + ", X, Z", "z = −|x|"},
	{"VMAXPS Z, Y15, Z", "z = max(z, −112), NaN kept"},
	{"VMOVUPS " + k("EXP_MAGIC") + ", N", ""},
	{"VFMADD231PS " + k("EXP_LOG2E") + ", Z, N", "N = z·log2e + 1.5·2^23"},
	{"VSUBPS " + k("EXP_MAGIC") + ", N, T", "T = n"},
	{"VFNMADD231PS " + k("EXP_LN2HI") + ", T, Z", ""},
	{"VFNMADD231PS " + k("EXP_LN2LO") + ", T, Z", "Z = r"},
	{"VMOVUPS " + k("EXP_C0") + ", P", ""},
	{"VFMADD213PS " + k("EXP_C1") + ", Z, P", ""},
	{"VFMADD213PS " + k("EXP_C2") + ", Z, P", ""},
	{"VFMADD213PS " + k("EXP_C3") + ", Z, P", ""},
	{"VFMADD213PS " + k("EXP_C4") + ", Z, P", ""},
	{"VFMADD213PS Y14, Z, P", "P = exp(r)"},
	{"VPSLLD $23, N, N", "N = n<<23"},
	{"VPADDD " + k("EXP_BIAS64") + ", N, N", "N = 2^(n+64)"},
	{"VMULPS N, P, P", "P = t' = t·2^64"},
	{"VADDPS " + k("EXP_BIAS64") + ", P, T", "T = d = t' + 2^64 = (1+t)·2^64"},
	{"VMOVUPS " + k("EXP_BIAS64") + ", N", ""},
	{"VBLENDVPS X, P, N, N", "N = x < 0 ? t' : 2^64"},
	{"VDIVPS T, N, N", "N = σ(x): t/(1+t) or 1/(1+t)"},
}

// AVX2 tanh: tanh(X) into Z; X kept. Y15 the clamp, Y14 1.0.
var tanhAVX2Steps = []mathStep{
	{"VORPS " + k("EXP_SIGN") + ", X, Z", "z = −|x|"},
	{"VMAXPS Z, Y15, Z", "z = max(z, −10), NaN kept"},
	{"VADDPS Z, Z, Z", "z = −2·min(|x|, 10)"},
	{"VMOVUPS " + k("EXP_MAGIC") + ", N", ""},
	{"VFMADD231PS " + k("EXP_LOG2E") + ", Z, N", ""},
	{"VSUBPS " + k("EXP_MAGIC") + ", N, T", "T = n"},
	{"VFNMADD231PS " + k("EXP_LN2HI") + ", T, Z", ""},
	{"VFNMADD231PS " + k("EXP_LN2LO") + ", T, Z", "Z = r"},
	{"VMOVUPS " + k("EXP_C0") + ", P", ""},
	{"VFMADD213PS " + k("EXP_C1") + ", Z, P", ""},
	{"VFMADD213PS " + k("EXP_C2") + ", Z, P", ""},
	{"VFMADD213PS " + k("EXP_C3") + ", Z, P", ""},
	{"VFMADD213PS " + k("EXP_C4") + ", Z, P", ""},
	{"VMULPS Z, P, P", "P = expm1(r)"},
	{"VPSLLD $23, N, N", ""},
	{"VPADDD " + k("EXP_ONE") + ", N, N", "N = s = 2^n"},
	{"VSUBPS Y14, N, T", "T = s − 1 (exact)"},
	{"VFMADD231PS P, N, T", "T = m = expm1(z)"},
	{"VADDPS " + k("EXP_TWO") + ", T, N", "N = 2 + m"},
	{"VDIVPS N, T, Z", "Z = m/(2+m) ≤ 0"},
	{"VANDPS " + k("EXP_ABS") + ", Z, Z", ""},
	{"VANDPS " + k("EXP_SIGN") + ", X, T", ""},
	{"VORPS T, Z, Z", "Z = copysign(|Z|, x)"},
}

// The AVX-512 constants live in registers (broadcast once per call):
// sigmoid's set and tanh's set differ in three.
const (
	zLimit  = "Z31" // the clamp of −|x|: tanh −10, sigmoid −112
	zLog2e  = "Z30"
	zMagic  = "Z29" // tanh: 1.5·2^23; sigmoid: 1.5·2^23 + 191
	zLn2hi  = "Z28"
	zLn2lo  = "Z27"
	zOne    = "Z21"
	zSign   = "Z20"
	zTwo    = "Z19" // tanh: 2.0; sigmoid: 2^64
	zPoly0  = 26    // Z26..Z22: C0..C4
	zBias64 = zTwo
)

// zPoly names the register of the degree-(4−i) polynomial coefficient.
func zPoly(i int) string { return fmt.Sprintf("Z%d", zPoly0-i) }

// AVX-512 sigmoid: σ(X) into N; X read only by the first step (it may be
// Z). The roundings of sigmoidAVX2Steps, some in other forms that round
// the same values (sigmoidAVX512Header says why), so the same bits.
var sigmoidAVX512Steps = []mathStep{
	{"VPMOVD2M X, K", "K = sign of x"},
	{"VORPS " + zSign + ", X, Z", "z = −|x|"},
	{"VMAXPS Z, " + zLimit + ", Z", "z = max(z, −112), NaN kept"},
	{"VMOVAPS " + zMagic + ", N", ""},
	{"VFMADD231PS " + zLog2e + ", Z, N", "N = z·log2e + 1.5·2^23 + 191"},
	{"VSUBPS " + zMagic + ", N, T", "T = n"},
	{"VFNMADD231PS " + zLn2hi + ", T, Z", ""},
	{"VFNMADD231PS " + zLn2lo + ", T, Z", "Z = r"},
	{"VMOVAPS " + zPoly(0) + ", P", ""},
	{"VFMADD213PS " + zPoly(1) + ", Z, P", ""},
	{"VFMADD213PS " + zPoly(2) + ", Z, P", ""},
	{"VFMADD213PS " + zPoly(3) + ", Z, P", ""},
	{"VFMADD213PS " + zPoly(4) + ", Z, P", ""},
	{"VFMADD213PS " + zOne + ", Z, P", "P = exp(r)"},
	{"VPSLLD $23, N, N", "N = (n+191)<<23 = 2^(n+64)"},
	{"VMOVAPS " + zBias64 + ", T", ""},
	{"VMULPS N, P, K, T", "T = x < 0 ? t' = t·2^64 : 2^64"},
	{"VFMADD213PS " + zBias64 + ", N, P", "P = d = t' + 2^64 = (1+t)·2^64"},
	{"VDIVPS P, T, N", "N = σ(x): t/(1+t) or 1/(1+t)"},
}

// AVX-512 tanh: tanh(X) into Z; X kept.
var tanhAVX512Steps = []mathStep{
	{"VORPS " + zSign + ", X, Z", "z = −|x|"},
	{"VMAXPS Z, " + zLimit + ", Z", "z = max(z, −10), NaN kept"},
	{"VADDPS Z, Z, Z", "z = −2·min(|x|, 10)"},
	{"VMOVAPS " + zMagic + ", N", ""},
	{"VFMADD231PS " + zLog2e + ", Z, N", ""},
	{"VSUBPS " + zMagic + ", N, N", "N = n"},
	{"VFNMADD231PS " + zLn2hi + ", N, Z", ""},
	{"VFNMADD231PS " + zLn2lo + ", N, Z", "Z = r"},
	{"VMOVAPS " + zPoly(0) + ", P", ""},
	{"VFMADD213PS " + zPoly(1) + ", Z, P", ""},
	{"VFMADD213PS " + zPoly(2) + ", Z, P", ""},
	{"VFMADD213PS " + zPoly(3) + ", Z, P", ""},
	{"VFMADD213PS " + zPoly(4) + ", Z, P", "P = C4 + r·(C3 + …)"},
	{"VMULPS Z, P, P", "P = expm1(r)"},
	{"VSCALEFPS N, " + zOne + ", T", "T = 2^n"},
	{"VSUBPS " + zOne + ", T, N", "N = 2^n − 1 (exact)"},
	{"VFMADD231PS P, T, N", "N = m = expm1(z)"},
	{"VADDPS " + zTwo + ", N, T", "T = 2 + m"},
	{"VDIVPS T, N, Z", "Z = m/(2+m) ≤ 0"},
	{"VPTERNLOGD $0xd8, " + zSign + ", X, Z", "Z = SIGN ? X : Z, bitwise"},
}

// broadcast loads ·expConsts rows into registers, name then register.
func (g *gen) broadcast(pairs ...string) {
	for i := 0; i < len(pairs); i += 2 {
		g.op("VBROADCASTSS", k(pairs[i]), pairs[i+1])
	}
}

// loadSigmoidConsts sets up the constant registers of sigmoid.
func (g *gen) loadSigmoidConsts() {
	if !g.avx512 {
		g.broadcast("EXP_NEGLIM", "Y15", "EXP_ONE", "Y14")
		return
	}
	g.broadcast("EXP_NEGLIM", zLimit, "EXP_SIGN", zSign, "EXP_LOG2E", zLog2e,
		"SIG_MAGIC", zMagic, "EXP_LN2HI", zLn2hi, "EXP_LN2LO", zLn2lo)
	for i := 0; i < 5; i++ {
		g.broadcast(fmt.Sprintf("EXP_C%d", i), zPoly(i))
	}
	g.broadcast("EXP_ONE", zOne, "EXP_BIAS64", zBias64)
}

// sigmoidOf emits σ of n vectors already loaded (vector j in the X of
// sigmoidRegs(j)); each result is in that regs' N.
func (g *gen) sigmoidOf(n int) {
	vs := make([]regs, n)
	for j := range vs {
		vs[j] = g.sigmoidRegs(j, n)
	}
	if g.avx512 {
		g.math(sigmoidAVX512Steps, vs, n > 1)
		return
	}
	g.math(sigmoidAVX2Steps, vs, n > 1)
}

// sigmoidRegs are the registers of vector j of an n-vector step: AVX2 and
// the single AVX-512 vector five consecutive registers from 5j; the
// interleaved AVX-512 step input Zj (not kept), then N, P, T each in a
// bank of four. AVX-512 vector j's opmask is K(2+j) (K1 is the tail mask).
func (g *gen) sigmoidRegs(j, n int) regs {
	var r regs
	if g.avx512 && n > 1 {
		z := g.v(j)
		r = regs{X: z, Z: z, N: g.v(4 + j), P: g.v(8 + j), T: g.v(12 + j)}
	} else {
		b := 5 * j
		r = regs{X: g.v(b), Z: g.v(b + 1), N: g.v(b + 2), P: g.v(b + 3), T: g.v(b + 4)}
	}
	if g.avx512 {
		r.K = fmt.Sprintf("K%d", 2+j)
	}
	return r
}

// tanhRegs are the registers of vector j: five consecutive ones from 5j
// (AVX2) or 6j (AVX-512).
func (g *gen) tanhRegs(j int) regs {
	b := 5 * j
	if g.avx512 {
		b = 6 * j
	}
	return regs{X: g.v(b), Z: g.v(b + 1), N: g.v(b + 2), P: g.v(b + 3), T: g.v(b + 4)}
}

// sigmoidUnroll is the vectors per step of sigmoid and biasSigmoid: two
// YMM, four ZMM, interleaved.
func (g *gen) sigmoidUnroll() int {
	if g.avx512 {
		return 4
	}
	return 2
}

// sigmoidKernels: sigmoid, biasSigmoid, tanh.
var sigmoidKernels = []kernel{{
	name: "sigmoid", sig: "dst, src []float32",
	doc: `Two vectors per step with YMM, four with ZMM (interleaved), then one,
	then a masked last vector. A large separate output takes the streaming
	path (stream_amd64.h) at nt: a masked head vector up to the first
	vector-aligned address, the whole step with VMOVNTPS, SFENCE, then the
	single-vector loop.
	Registers: DI dst, SI src, CX remaining, AX index, BX, R8, R9 scratch.`,
	emit: func(g *gen) {
		g.op("MOVQ", "dst_base+0(FP)", "DI")
		g.op("MOVQ", "dst_len+8(FP)", "CX")
		g.op("MOVQ", "src_base+24(FP)", "SI")
		g.loadSigmoidConsts()
		g.op("XORQ", "AX", "AX")
		loop{
			unroll: g.sigmoidUnroll(),
			body: func(g *gen, n int, store string) {
				for j := 0; j < n; j++ {
					g.op("VMOVUPS", at(j*g.width(), "SI"), g.sigmoidRegs(j, n).X)
				}
				g.sigmoidOf(n)
				for j := 0; j < n; j++ {
					g.op(store, g.sigmoidRegs(j, n).N, at(j*g.width(), "DI"))
				}
			},
			tail: func(g *gen) {
				r := g.sigmoidRegs(0, 1)
				g.maskedLoad("SI", r.X)
				g.comment("masked-off lanes are 0: σ = 0.5, not stored")
				g.sigmoidOf(1)
				g.maskedStore(r.N, "DI")
			},
			exit:     "done",
			stream:   []string{"SI"},
			prefetch: true,
		}.emit(g)
	},
}, {
	name: "biasSigmoid", sig: "x []float32, cols int, bias []float32",
	doc: `x[r·cols+c] = σ(x[r·cols+c] + bias[c]) in place, row by row: whole
	steps, single vectors, a masked last block (the mask from cols mod the
	lanes, set once). x+bias is rounded to float32 first, as in the generic
	kernel.
	Registers: DI row pointer, SI bias, R10 cols, R9 rows left, CX columns
	left in the row, AX column index.`,
	emit: func(g *gen) {
		g.rowPrologue("BiasSigmoid")
		g.loadSigmoidConsts()
		g.rowLoop(loop{
			unroll: g.sigmoidUnroll(),
			body: func(g *gen, n int, store string) {
				for j := 0; j < n; j++ {
					g.op("VMOVUPS", at(j*g.width(), "DI"), g.sigmoidRegs(j, n).X)
				}
				for j := 0; j < n; j++ {
					x := g.sigmoidRegs(j, n).X
					g.op("VADDPS", at(j*g.width(), "SI"), x, x)
				}
				g.sigmoidOf(n)
				for j := 0; j < n; j++ {
					g.op(store, g.sigmoidRegs(j, n).N, at(j*g.width(), "DI"))
				}
			},
			tail: func(g *gen) {
				r := g.sigmoidRegs(0, 1)
				g.maskedLoad("DI", r.X)
				if g.avx512 {
					g.op("VADDPS.Z", at(0, "SI"), r.X, "K1", r.X)
				} else {
					g.maskedLoad("SI", "Y5")
					g.op("VADDPS", "Y5", r.X, r.X)
				}
				g.sigmoidOf(1)
				g.maskedStore(r.N, "DI")
			},
		})
	},
}, {
	name: "tanh", sig: "dst, src []float32",
	doc: `Two vectors per step (interleaved), then one, then a masked last
	vector; the streaming path (nt) as in sigmoid, with the two-vector step.`,
	emit: func(g *gen) {
		g.op("MOVQ", "dst_base+0(FP)", "DI")
		g.op("MOVQ", "dst_len+8(FP)", "CX")
		g.op("MOVQ", "src_base+24(FP)", "SI")
		steps := tanhAVX2Steps
		if g.avx512 {
			steps = tanhAVX512Steps
			g.broadcast("TANH_NEGLIM", zLimit, "EXP_SIGN", zSign, "EXP_TWO", zTwo,
				"EXP_LOG2E", zLog2e, "EXP_MAGIC", zMagic, "EXP_LN2HI", zLn2hi, "EXP_LN2LO", zLn2lo)
			for i := 0; i < 5; i++ {
				g.broadcast(fmt.Sprintf("EXP_C%d", i), zPoly(i))
			}
			g.broadcast("EXP_ONE", zOne)
		} else {
			g.broadcast("TANH_NEGLIM", "Y15", "EXP_ONE", "Y14")
		}
		g.op("XORQ", "AX", "AX")
		loop{
			unroll: 2,
			body: func(g *gen, n int, store string) {
				vs := make([]regs, n)
				for j := range vs {
					vs[j] = g.tanhRegs(j)
					g.op("VMOVUPS", at(j*g.width(), "SI"), vs[j].X)
				}
				g.math(steps, vs, true)
				for j, r := range vs {
					g.op(store, r.Z, at(j*g.width(), "DI"))
				}
			},
			tail: func(g *gen) {
				r := g.tanhRegs(0)
				g.maskedLoad("SI", r.X)
				g.math(steps, []regs{r}, false)
				g.maskedStore(r.Z, "DI")
			},
			exit:     "done",
			stream:   []string{"SI"},
			prefetch: true,
		}.emit(g)
	},
}}
