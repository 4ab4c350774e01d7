package main

import "fmt"

var adamKernel = kernel{
	name: "adam", sig: "p, g, m, v []float32, c adamConsts",
	doc: `One Adam step with the generic kernel's operation order:
		m' = fma(β1, m, (1−β1)·g)
		v' = fma(β2, v, ((1−β2)·g)·g)
		p' = p − (lr·(m'·inv1)) / (sqrt(v'·inv2) + eps)
	VSQRTPS and VDIVPS are correctly rounded (no rsqrt/rcp approximation).
	One vector per step with YMM, two with ZMM; per vector g, m, v, p and a
	scratch in five registers from 0.
	Registers: DI p, SI g, DX m, R8 v; the adamConsts fields in eight
	vector registers (Y6..Y13, Z20..Z27).`,
	emit: func(g *gen) {
		c := 6 // the first of the eight constant registers
		unroll := 1
		if g.avx512 {
			c, unroll = 20, 2
		}
		g.op("MOVQ", "p_base+0(FP)", "DI")
		g.op("MOVQ", "p_len+8(FP)", "CX")
		g.op("MOVQ", "g_base+24(FP)", "SI")
		g.op("MOVQ", "m_base+48(FP)", "DX")
		g.op("MOVQ", "v_base+72(FP)", "R8")
		for i, f := range []string{"beta1", "beta2", "omb1", "omb2", "inv1", "inv2", "lr", "eps"} {
			g.op("VBROADCASTSS", fmt.Sprintf("c_%s+%d(FP)", f, 96+4*i), g.v(c+i))
		}
		g.op("XORQ", "AX", "AX")
		b1, b2, omb1, omb2 := g.v(c), g.v(c+1), g.v(c+2), g.v(c+3)
		inv1, inv2, lr, eps := g.v(c+4), g.v(c+5), g.v(c+6), g.v(c+7)
		// step: T = (1−β1)·g; M = M·β1 + T (m'); T = ((1−β2)·g)·g;
		// V = V·β2 + T (v'); T = sqrt(V·inv2) + eps; G = lr·(M·inv1) / T;
		// P −= G.
		step := func(G, M, V, P, T string) {
			g.op("VMULPS", G, omb1, T)
			g.op("VFMADD132PS", b1, T, M)
			g.op("VMULPS", G, omb2, T)
			g.op("VMULPS", G, T, T)
			g.op("VFMADD132PS", b2, T, V)
			g.op("VMULPS", inv2, V, T)
			g.op("VSQRTPS", T, T)
			g.op("VADDPS", eps, T, T)
			g.op("VMULPS", inv1, M, G)
			g.op("VMULPS", lr, G, G)
			g.op("VDIVPS", T, G, G)
			g.op("VSUBPS", G, P, P)
		}
		loop{
			unroll: unroll,
			body: func(g *gen, n int, _ string) {
				for j := 0; j < n; j++ {
					off := j * g.width()
					G, M, V, P, T := g.v(5*j), g.v(5*j+1), g.v(5*j+2), g.v(5*j+3), g.v(5*j+4)
					g.op("VMOVUPS", at(off, "SI"), G)
					g.op("VMOVUPS", at(off, "DX"), M)
					g.op("VMOVUPS", at(off, "R8"), V)
					g.op("VMOVUPS", at(off, "DI"), P)
					step(G, M, V, P, T)
					g.op("VMOVUPS", M, at(off, "DX"))
					g.op("VMOVUPS", V, at(off, "R8"))
					g.op("VMOVUPS", P, at(off, "DI"))
				}
			},
			tail: func(g *gen) {
				g.comment("Masked-off lanes load zeros: 0/(0+eps) there, never stored.")
				G, M, V, P, T := g.v(0), g.v(1), g.v(2), g.v(3), g.v(4)
				g.maskedLoad("SI", G)
				g.maskedLoad("DX", M)
				g.maskedLoad("R8", V)
				g.maskedLoad("DI", P)
				step(G, M, V, P, T)
				g.maskedStore(M, "DX")
				g.maskedStore(V, "R8")
				g.maskedStore(P, "DI")
			},
			exit: "done",
		}.emit(g)
	},
}

var rmspropKernel = kernel{
	name: "rmsprop", sig: "p, g, v []float32, lr, rho, omr, eps float32",
	avx2Only: true,
	doc: `One RMSprop step (omr = 1−ρ), rmspropGeneric's operations in its order,
	each one rounded (no FMA), so the result has the generic kernel's bits:
		T  = (1−ρ)·(g·g);  V = ρ·v + T                    (v')
		T  = sqrt(V + ε);  G = (lr·g) / T;  P = p − G     (p')
	VSQRTPS and VDIVPS are correctly rounded. Two vectors per step (the
	divider and square root are the bottleneck; the second vector's loads
	and multiplies overlap the first one's division).
	Registers: DI p, SI g, DX v; Y10 lr, Y11 ρ, Y12 1−ρ, Y13 ε in every
	lane; per vector G, V, P and a scratch T (Y0–Y3, Y4–Y7); {mask} tail mask.`,
	emit: func(g *gen) {
		lr, rho, omr, eps := "Y10", "Y11", "Y12", "Y13"
		g.op("MOVQ", "p_base+0(FP)", "DI")
		g.op("MOVQ", "p_len+8(FP)", "CX")
		g.op("MOVQ", "g_base+24(FP)", "SI")
		g.op("MOVQ", "v_base+48(FP)", "DX")
		g.op("VBROADCASTSS", "lr+72(FP)", lr)
		g.op("VBROADCASTSS", "rho+76(FP)", rho)
		g.op("VBROADCASTSS", "omr+80(FP)", omr)
		g.op("VBROADCASTSS", "eps+84(FP)", eps)
		g.op("XORQ", "AX", "AX")
		step := func(G, V, P, T string) {
			g.op("VMULPS", G, G, T)
			g.op("VMULPS", omr, T, T)
			g.op("VMULPS", rho, V, V)
			g.op("VADDPS", T, V, V)
			g.op("VADDPS", eps, V, T)
			g.op("VSQRTPS", T, T)
			g.op("VMULPS", lr, G, G)
			g.op("VDIVPS", T, G, G)
			g.op("VSUBPS", G, P, P)
		}
		loop{
			unroll: 2,
			body: func(g *gen, n int, _ string) {
				for j := 0; j < n; j++ {
					off := j * g.width()
					G, V, P, T := g.v(4*j), g.v(4*j+1), g.v(4*j+2), g.v(4*j+3)
					g.op("VMOVUPS", at(off, "SI"), G)
					g.op("VMOVUPS", at(off, "DX"), V)
					g.op("VMOVUPS", at(off, "DI"), P)
					step(G, V, P, T)
					g.op("VMOVUPS", V, at(off, "DX"))
					g.op("VMOVUPS", P, at(off, "DI"))
				}
			},
			tail: func(g *gen) {
				g.comment("Masked-off lanes load zeros: 0/sqrt(0+ε) there, never stored.")
				g.maskedLoad("SI", "Y0")
				g.maskedLoad("DX", "Y1")
				g.maskedLoad("DI", "Y2")
				step("Y0", "Y1", "Y2", "Y3")
				g.maskedStore("Y1", "DX")
				g.maskedStore("Y2", "DI")
			},
			exit: "done",
		}.emit(g)
	},
}

var colSumsKernel = kernel{
	name: "colSums", sig: "dst []float32, alpha float32, x []float32, rows, cols int",
	doc: `dst[c] = alpha·Σ_r x[r·cols+c]. Column blocks outside, rows inside:
	each block's sums stay in registers and are added row by row in order,
	so the result is bit-exact with the generic kernel (same order, no FMA),
	then scaled by alpha once. Blocks of 4 vectors, then of one (AVX-512:
	the last one under K1), then (AVX2) a masked last block.
	Registers: DI dst, SI x, R8 row pointer, R9 rows left, DX rows, R10
	cols, R11 row stride in bytes, AX column index, CX columns left,
	{alpha} = alpha, vector registers 0..3 the sums.`,
	emit: func(g *gen) {
		g.op("MOVQ", "dst_base+0(FP)", "DI")
		g.op("MOVQ", "x_base+32(FP)", "SI")
		g.op("MOVQ", "rows+56(FP)", "DX")
		g.op("MOVQ", "cols+64(FP)", "R10")
		g.op("VBROADCASTSS", "alpha+24(FP)", g.alpha)
		g.op("MOVQ", "R10", "R11")
		g.op("SHLQ", "$2", "R11")
		g.op("MOVQ", "R10", "CX")
		g.op("XORQ", "AX", "AX")
		lanes, block := g.lanes, 4*g.lanes
		// start zeroes the sums and points R8 at the block in row 0.
		start := func(n int) {
			for j := 0; j < n; j++ {
				g.zeroReg(g.v(j))
			}
			g.op("LEAQ", "(SI)(AX*4)", "R8")
			g.op("MOVQ", "DX", "R9")
		}
		// rows adds the block of every row, in order.
		rows := func(label, store string, add func()) {
			g.label(label)
			g.op("TESTQ", "R9", "R9")
			g.op("JZ", store)
			add()
			g.op("ADDQ", "R11", "R8")
			g.op("DECQ", "R9")
			g.op("JMP", label)
		}

		g.label(fmt.Sprintf("block%d", block))
		g.op("CMPQ", "CX", imm(block))
		g.op("JB", fmt.Sprintf("block%d", lanes))
		start(4)
		rows(fmt.Sprintf("rows%d", block), fmt.Sprintf("store%d", block), func() {
			for j := 0; j < 4; j++ {
				off := ""
				if j > 0 {
					off = fmt.Sprint(j * g.width())
				}
				g.op("VADDPS", off+"(R8)", g.v(j), g.v(j))
			}
		})
		g.label(fmt.Sprintf("store%d", block))
		for j := 0; j < 4; j++ {
			g.op("VMULPS", g.alpha, g.v(j), g.v(j))
		}
		for j := 0; j < 4; j++ {
			g.op("VMOVUPS", g.v(j), at(j*g.width(), "DI"))
		}
		g.advance(block)
		g.op("JMP", fmt.Sprintf("block%d", block))

		if g.avx512 {
			// Whole 16-column blocks, then one masked block (K1 all ones
			// for a whole block, the low CX bits for the last one).
			g.label("block16")
			g.op("TESTQ", "CX", "CX")
			g.op("JZ", "done")
			g.op("MOVL", "$0xffff", "BX")
			g.op("KMOVW", "BX", "K1")
			g.op("CMPQ", "CX", "$16")
			g.op("JAE", "go16")
			g.tailMask()
			g.label("go16")
			start(1)
			rows("rows16", "store16", func() {
				g.printf("\t%-12s %s // masked-off lanes keep 0 and load nothing\n", "VADDPS", "(R8), Z0, K1, Z0")
			})
			g.label("store16")
			g.op("VMULPS", g.alpha, "Z0", "Z0")
			g.maskedStore("Z0", "DI")
			g.advance(16)
			g.op("JG", "block16")
		} else {
			g.label("block8")
			g.op("CMPQ", "CX", "$8")
			g.op("JB", "tail")
			start(1)
			rows("rows8", "store8", func() { g.op("VADDPS", "(R8)", "Y0", "Y0") })
			g.label("store8")
			g.op("VMULPS", g.alpha, "Y0", "Y0")
			g.op("VMOVUPS", "Y0", at(0, "DI"))
			g.advance(8)
			g.op("JMP", "block8")

			g.label("tail")
			g.op("TESTQ", "CX", "CX")
			g.op("JZ", "done")
			g.tailMask()
			start(1)
			rows("rowsm", "storem", func() {
				g.printf("\t%-12s %s // masked-off lanes read as 0\n", "VMASKMOVPS", "(R8), "+g.mask+", Y4")
				g.op("VADDPS", "Y4", "Y0", "Y0")
			})
			g.label("storem")
			g.op("VMULPS", g.alpha, "Y0", "Y0")
			g.maskedStore("Y0", "DI")
		}
		g.label("done")
		g.vzeroReturn()
	},
}
