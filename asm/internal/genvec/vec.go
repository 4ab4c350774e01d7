package main

import "strings"

// kernel is one assembly routine, written once for both paths.
type kernel struct {
	name string // the Go name without the path suffix
	sig  string // the Go parameter list (declared in vec_decl_amd64.go)
	// doc says what the kernel computes and how, in comment lines;
	// {one}, {zero}, {alpha}, {lr}, {mu} and {mask} name this path's
	// registers.
	doc  string
	emit func(g *gen)
	// avx2Only: the avx512 path installs the AVX2 kernel (vec_amd64.go).
	avx2Only bool
}

// write emits the kernel's comment, TEXT line and body.
func (k kernel) write(g *gen) {
	mask := "K1"
	if !g.avx512 {
		mask = g.mask
	}
	r := strings.NewReplacer("{one}", g.one, "{zero}", g.zero, "{alpha}", g.alpha,
		"{lr}", g.lr, "{mu}", g.mu, "{mask}", mask)
	g.blank()
	g.printf("// func %s%s(%s)\n", k.name, g.suffix, k.sig)
	// The doc's lines after the first carry the source's one-tab indent;
	// a second tab marks a displayed formula, kept as "//<tab>".
	for _, l := range strings.Split(strings.TrimSpace(k.doc), "\n") {
		l = r.Replace(strings.TrimPrefix(l, "\t"))
		if strings.HasPrefix(l, "\t") {
			g.printf("//%s\n", l)
		} else {
			g.printf("// %s\n", l)
		}
	}
	g.printf("TEXT ·%s%s(SB), NOSPLIT, $0-%d\n", k.name, g.suffix, frameSize(k.sig))
	k.emit(g)
}

// zeroReg sets r to +0 in every lane (VXORPS on ZMM needs AVX512DQ).
func (g *gen) zeroReg(r string) {
	if g.avx512 {
		g.op("VPXORD", r, r, r)
		return
	}
	g.op("VXORPS", r, r, r)
}

// loadOne broadcasts 1.0 into g.one.
func (g *gen) loadOne() {
	if g.avx512 {
		g.printf("\t%-12s %s // 1.0\n", "MOVL", "$0x3f800000, BX")
		g.op("VPBROADCASTD", "BX", g.one)
		return
	}
	g.op("VBROADCASTSS", "·vecOne(SB)", g.one)
}

// binaryArgs loads dst into DI, its length into CX, the inputs a and b
// (named as in the Go signature) into SI and DX, and clears AX.
func (g *gen) binaryArgs(a, b string) {
	g.op("MOVQ", "dst_base+0(FP)", "DI")
	g.op("MOVQ", "dst_len+8(FP)", "CX")
	g.op("XORQ", "AX", "AX")
	g.op("MOVQ", a+"_base+24(FP)", "SI")
	if b != "" {
		g.op("MOVQ", b+"_base+48(FP)", "DX")
	}
}

// mapLoop is the loop of the kernels that compute one output vector per
// input position: vector j of a step in register j, scratch in j+4
// (full writes the result of the vector at byte offset off into r), the
// stores after all the step's arithmetic, the masked last vector (tail)
// into register 0 and stored under the mask.
func mapLoop(full func(g *gen, off int, r, t string), tail func(g *gen), stream []string) loop {
	return loop{
		unroll: 4,
		body: func(g *gen, n int, store string) {
			for j := 0; j < n; j++ {
				full(g, j*g.width(), g.v(j), g.v(j+4))
			}
			for j := 0; j < n; j++ {
				g.op(store, g.v(j), at(j*g.width(), "DI"))
			}
		},
		tail: func(g *gen) {
			tail(g)
			g.maskedStore(g.v(0), "DI")
		},
		exit:   "done",
		stream: stream,
	}
}

// both is the streaming condition of the kernels with inputs in SI and DX.
var both = []string{"SI", "DX"}

var vecKernels = []kernel{{
	name: "hadamard", sig: "dst, a, b []float32",
	doc: `dst[i] = a[i]·b[i], bit-exact with the generic kernel.`,
	emit: func(g *gen) {
		g.binaryArgs("a", "b")
		mapLoop(func(g *gen, off int, r, t string) {
			g.op("VMOVUPS", at(off, "SI"), r)
			g.op("VMULPS", at(off, "DX"), r, r)
		}, func(g *gen) {
			g.maskedLoad("SI", g.v(0))
			if g.avx512 {
				g.op("VMULPS.Z", at(0, "DX"), "Z0", "K1", "Z0")
				return
			}
			g.maskedLoad("DX", "Y4")
			g.op("VMULPS", "Y4", "Y0", "Y0")
		}, both).emit(g)
	},
}, {
	name: "sigmoidBackward", sig: "dst, delta, act []float32",
	doc: `dst[i] = delta[i]·(act[i]·(1−act[i])), the generic kernel's roundings
	(no FMA), so bit-exact. {one} = 1.0.`,
	emit: func(g *gen) {
		g.binaryArgs("delta", "act")
		g.loadOne()
		mapLoop(func(g *gen, off int, r, t string) {
			g.op("VMOVUPS", at(off, "DX"), t)
			g.op("VSUBPS", t, g.one, r)
			g.op("VMULPS", t, r, r)
			g.op("VMULPS", at(off, "SI"), r, r)
		}, func(g *gen) {
			a, d := g.v(4), g.v(5)
			g.maskedLoad("DX", a)
			if !g.avx512 {
				g.maskedLoad("SI", d)
			}
			g.op("VSUBPS", a, g.one, g.v(0))
			g.op("VMULPS", a, g.v(0), g.v(0))
			g.maskedMul(d, "SI")
		}, both).emit(g)
	},
}, {
	name: "tanhBackward", sig: "dst, delta, act []float32",
	doc: `dst[i] = delta[i]·(1−act[i]²), generic roundings (no FMA), bit-exact.
	{one} = 1.0.`,
	emit: func(g *gen) {
		g.binaryArgs("delta", "act")
		g.loadOne()
		mapLoop(func(g *gen, off int, r, t string) {
			g.op("VMOVUPS", at(off, "DX"), t)
			g.op("VMULPS", t, t, t)
			g.op("VSUBPS", t, g.one, r)
			g.op("VMULPS", at(off, "SI"), r, r)
		}, func(g *gen) {
			a, d := g.v(4), g.v(5)
			g.maskedLoad("DX", a)
			if !g.avx512 {
				g.maskedLoad("SI", d)
			}
			g.op("VMULPS", a, a, a)
			g.op("VSUBPS", a, g.one, g.v(0))
			g.maskedMul(d, "SI")
		}, both).emit(g)
	},
}, {
	name: "reluBackward", sig: "dst, delta, act []float32",
	doc: `dst[i] = delta[i] where 0 < act[i] (ordered compare: NaN act gives 0),
	else +0. AVX2: the compare makes an all-ones/zero lane mask, ANDed with
	delta; AVX-512: the compare writes K2 and the zero-masked move keeps
	delta under it. {zero} = 0.`,
	emit: func(g *gen) {
		g.binaryArgs("delta", "act")
		g.zeroReg(g.zero)
		mapLoop(func(g *gen, off int, r, t string) {
			if g.avx512 {
				g.op("VCMPPS", "$0x11", at(off, "DX"), g.zero, "K2")
				g.op("VMOVUPS.Z", at(off, "SI"), "K2", r)
				return
			}
			g.op("VCMPPS", "$0x11", at(off, "DX"), g.zero, t)
			g.op("VANDPS", at(off, "SI"), t, r)
		}, func(g *gen) {
			a := g.v(4)
			g.maskedLoad("DX", a)
			if g.avx512 {
				g.op("VCMPPS", "$0x11", a, g.zero, "K1", "K2")
				g.op("VMOVUPS.Z", at(0, "SI"), "K2", "Z0")
				return
			}
			g.maskedLoad("SI", "Y5")
			g.op("VCMPPS", "$0x11", a, g.zero, a)
			g.op("VANDPS", "Y5", a, "Y0")
		}, both).emit(g)
	},
}, {
	name: "relu", sig: "dst, src []float32",
	doc: `dst[i] = max(src[i], 0) with src as VMAXPS's second (Intel) source,
	which it returns when either is NaN or both are zero: NaN stays NaN and
	−0 stays −0, exactly as the generic ` + "`if v < 0 { v = 0 }`" + `. {zero} = 0.`,
	emit: func(g *gen) {
		g.binaryArgs("src", "")
		g.printf("\t%-12s %s // the second input of the alias test\n", "MOVQ", "SI, DX")
		g.zeroReg(g.zero)
		mapLoop(func(g *gen, off int, r, t string) {
			g.op("VMAXPS", at(off, "SI"), g.zero, r)
		}, func(g *gen) {
			g.maskedLoad("SI", g.v(4))
			g.op("VMAXPS", g.v(4), g.zero, g.v(0))
		}, both).emit(g)
	},
}, {
	name: "scale", sig: "alpha float32, x []float32",
	doc: `x[i] *= alpha (bit-exact). {alpha} = alpha.`,
	emit: func(g *gen) {
		g.op("MOVQ", "x_base+8(FP)", "SI")
		g.op("MOVQ", "x_len+16(FP)", "CX")
		g.op("MOVQ", "SI", "DI")
		g.op("XORQ", "AX", "AX")
		g.op("VBROADCASTSS", "alpha+0(FP)", g.alpha)
		mapLoop(func(g *gen, off int, r, t string) {
			g.op("VMULPS", at(off, "SI"), g.alpha, r)
		}, func(g *gen) {
			if g.avx512 {
				g.op("VMULPS.Z", at(0, "SI"), g.alpha, "K1", "Z0")
				return
			}
			g.maskedLoad("SI", "Y4")
			g.op("VMULPS", "Y4", g.alpha, "Y0")
		}, nil).emit(g)
	},
}, {
	name: "axpy", sig: "alpha float32, x, y []float32",
	doc: `y[i] += alpha·x[i] with one FMA (within an ulp of the generic
	two-step rounding). {alpha} = alpha, SI x, DI y.`,
	emit: func(g *gen) {
		g.op("MOVQ", "x_base+8(FP)", "SI")
		g.op("MOVQ", "y_base+32(FP)", "DI")
		g.op("MOVQ", "y_len+40(FP)", "CX")
		g.op("XORQ", "AX", "AX")
		g.op("VBROADCASTSS", "alpha+0(FP)", g.alpha)
		mapLoop(func(g *gen, off int, r, t string) {
			g.op("VMOVUPS", at(off, "DI"), r)
			g.op("VFMADD231PS", at(off, "SI"), g.alpha, r)
		}, func(g *gen) {
			g.maskedLoad("DI", g.v(0))
			if g.avx512 {
				g.op("VFMADD231PS.Z", at(0, "SI"), g.alpha, "K1", "Z0")
				return
			}
			g.maskedLoad("SI", "Y4")
			g.op("VFMADD231PS", "Y4", g.alpha, "Y0")
		}, nil).emit(g)
	},
}, {
	name: "momentum", sig: "p, g, v []float32, lr, mu float32",
	doc: `v = mu·v + g; p −= lr·v, one pass, two FMAs per vector:
		v' = fma(mu, v, g)        VFMADD213PS
		p' = fma(−lr, v', p)      VFNMADD231PS
	Registers: DI p, SI g, DX v, {lr} = lr, {mu} = mu.`,
	emit: func(g *gen) {
		g.op("MOVQ", "p_base+0(FP)", "DI")
		g.op("MOVQ", "p_len+8(FP)", "CX")
		g.op("MOVQ", "g_base+24(FP)", "SI")
		g.op("MOVQ", "v_base+48(FP)", "DX")
		g.op("VBROADCASTSS", "lr+72(FP)", g.lr)
		g.op("VBROADCASTSS", "mu+76(FP)", g.mu)
		g.op("XORQ", "AX", "AX")
		loop{
			unroll: 4,
			body: func(g *gen, n int, _ string) {
				for j := 0; j < n; j++ {
					off, v, p := j*g.width(), g.v(j), g.v(j+4)
					g.op("VMOVUPS", at(off, "DX"), v)
					g.op("VMOVUPS", at(off, "DI"), p)
					g.op("VFMADD213PS", at(off, "SI"), g.mu, v)
					g.op("VFNMADD231PS", v, g.lr, p)
					g.op("VMOVUPS", v, at(off, "DX"))
					g.op("VMOVUPS", p, at(off, "DI"))
				}
			},
			tail: func(g *gen) {
				v, p, gr := g.v(0), g.v(4), g.v(5)
				g.maskedLoad("DX", v)
				g.maskedLoad("DI", p)
				g.maskedLoad("SI", gr)
				g.op("VFMADD213PS", gr, g.mu, v)
				g.op("VFNMADD231PS", v, g.lr, p)
				g.maskedStore(v, "DX")
				g.maskedStore(p, "DI")
			},
			exit: "done",
		}.emit(g)
	},
}, adamKernel, rmspropKernel, {
	name: "addBias", sig: "x []float32, cols int, bias []float32",
	doc: `x[r·cols+c] += bias[c], row by row: 4-vector blocks, single vectors,
	a masked last block ({mask} computed once, from cols mod the lanes).
	Registers: DI row pointer, SI bias, R10 cols, R9 rows left, CX columns
	left in this row, AX column index.`,
	emit: func(g *gen) {
		g.rowPrologue("AddBias")
		g.rowLoop(loop{
			unroll: 4,
			body: func(g *gen, n int, _ string) {
				for j := 0; j < n; j++ {
					off, r := j*g.width(), g.v(j)
					g.op("VMOVUPS", at(off, "DI"), r)
					g.op("VADDPS", at(off, "SI"), r, r)
					g.op("VMOVUPS", r, at(off, "DI"))
				}
			},
			tail: func(g *gen) {
				g.maskedLoad("DI", g.v(0))
				if g.avx512 {
					g.op("VADDPS.Z", at(0, "SI"), "Z0", "K1", "Z0")
				} else {
					g.maskedLoad("SI", "Y4")
					g.op("VADDPS", "Y4", "Y0", "Y0")
				}
				g.maskedStore(g.v(0), "DI")
			},
		})
	},
}, colSumsKernel}

// maskedMul multiplies register 0 by the masked last vector of the array
// at p, which AVX2 loaded into r beforehand (VMASKMOVPS has no arithmetic
// form) and AVX-512 reads as a zero-masked memory operand.
func (g *gen) maskedMul(r, p string) {
	if g.avx512 {
		g.op("VMULPS.Z", at(0, p), "Z0", "K1", "Z0")
		return
	}
	g.op("VMULPS", r, "Y0", "Y0")
}
