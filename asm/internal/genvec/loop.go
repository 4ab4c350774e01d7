package main

import "fmt"

// loop is one pass over CX elements from index AX, the shape every
// element-wise kernel shares:
//
//	while CX >= unroll·lanes: unroll vectors, AX += unroll·lanes
//	while CX >= lanes:        one vector (once, when unroll is 2: at most
//	                          one whole vector can be left)
//	if CX > 0:                the masked last vector
//
// With stream set, a large separate output goes through the streaming path
// of stream_amd64.h instead.
type loop struct {
	unroll int
	// body emits the loads, arithmetic and stores of n vectors at byte
	// offsets 0, width, 2·width …; store is the mnemonic for the separate
	// output (VMOVUPS, or VMOVNTPS on the streaming path).
	body func(g *gen, n int, store string)
	// tail emits the masked last vector, the mask already set.
	tail func(g *gen)
	// exit is where an empty tail goes: "done" (which this loop then
	// emits: VZEROUPPER, RET) or a row loop's "next".
	exit string
	// maskSet: a row kernel computed the tail mask once, before the rows.
	maskSet bool
	// stream lists the inputs dst must differ from to take the streaming
	// path (nil: no streaming path); prefetch adds one PREFETCHT0 per
	// 64-byte line of input, STREAM_PREFETCH bytes ahead of the loads.
	stream   []string
	prefetch bool
}

func (l loop) emit(g *gen) {
	lanes := g.lanes
	block := l.unroll * lanes
	single := fmt.Sprintf("loop%d", lanes)
	main := single
	if l.unroll > 1 {
		main = fmt.Sprintf("loop%d", block)
	}
	if l.stream != nil {
		g.printf("\tSTREAM_CHECK(CX, nt)\n")
	}
	if l.unroll > 1 {
		g.label(main)
		g.op("CMPQ", "CX", imm(block))
		g.op("JB", single)
		l.body(g, l.unroll, "VMOVUPS")
		g.advance(block)
		g.op("JMP", main)
	}
	g.label(single)
	g.op("CMPQ", "CX", imm(lanes))
	g.op("JB", "tail")
	l.body(g, 1, "VMOVUPS")
	g.advance(lanes)
	if l.unroll != 2 {
		g.op("JMP", single)
	}
	g.label("tail")
	g.op("TESTQ", "CX", "CX")
	g.op("JZ", l.exit)
	if !l.maskSet {
		g.tailMask()
	}
	l.tail(g)
	if l.exit != "done" {
		return
	}
	g.label("done")
	g.vzeroReturn()
	if l.stream == nil {
		return
	}

	// The streaming path: only for a whole block or more, a dst that is
	// none of the inputs and is float-aligned (so the head can reach a
	// vector-aligned address).
	g.label("nt")
	g.op("CMPQ", "CX", imm(block))
	g.op("JB", main)
	for _, in := range l.stream {
		g.op("CMPQ", "DI", in)
		g.op("JEQ", main)
	}
	g.op("TESTQ", "$3", "DI")
	g.op("JNZ", main)
	g.streamHead("DI")
	g.op("TESTQ", "BX", "BX")
	g.op("JZ", "ntloop")
	l.tail(g)
	g.op("ADDQ", "BX", "AX")
	g.op("SUBQ", "BX", "CX")
	g.label("ntloop")
	g.op("CMPQ", "CX", imm(block))
	g.op("JB", "ntend")
	if l.prefetch {
		for off := 0; off < 4*block; off += 64 {
			p := "STREAM_PREFETCH"
			if off > 0 {
				p += fmt.Sprintf("+%d", off)
			}
			g.op("PREFETCHT0", p+"(SI)(AX*4)")
		}
	}
	l.body(g, l.unroll, "VMOVNTPS")
	g.advance(block)
	g.op("JMP", "ntloop")
	g.label("ntend")
	g.op("SFENCE")
	g.op("JMP", single)
}

// advance moves AX on and CX down by n elements.
func (g *gen) advance(n int) {
	g.op("ADDQ", imm(n), "AX")
	g.op("SUBQ", imm(n), "CX")
}

// rowLoop runs l over every row of a rows×cols matrix in place, for
// addBias and biasSigmoid: DI the row, R10 cols, R9 rows left (set by the
// prologue, with the tail mask of cols mod lanes).
func (g *gen) rowLoop(l loop) {
	l.exit, l.maskSet = "next", true
	g.label("row")
	g.op("TESTQ", "R9", "R9")
	g.op("JZ", "done")
	g.op("MOVQ", "R10", "CX")
	g.op("XORQ", "AX", "AX")
	l.emit(g)
	g.label("next")
	g.op("LEAQ", "(DI)(R10*4)", "DI")
	g.op("DECQ", "R9")
	g.op("JMP", "row")
	g.label("done")
	g.vzeroReturn()
}

// rowPrologue loads x, cols and bias, sets R9 to the number of rows and the
// tail mask to cols mod lanes (all ones, and unused, when that is 0).
func (g *gen) rowPrologue(caller string) {
	g.op("MOVQ", "x_base+0(FP)", "DI")
	g.op("MOVQ", "x_len+8(FP)", "AX")
	g.op("MOVQ", "cols+24(FP)", "R10")
	g.op("MOVQ", "bias_base+32(FP)", "SI")
	g.op("XORQ", "DX", "DX")
	g.printf("\t%-12s %s // rows = len(x)/cols (cols > 0, checked by %s)\n", "DIVQ", "R10", caller)
	g.op("MOVQ", "AX", "R9")
	g.op("MOVQ", "R10", "CX")
	g.op("ANDQ", imm(g.lanes-1), "CX")
	g.tailMask()
}
