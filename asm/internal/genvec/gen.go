package main

import (
	"fmt"
	"io"
	"strings"
)

// isa is what differs between the two amd64 paths for an element-wise
// loop: the vector register file and how the last, partial vector is
// masked. Everything else a kernel does is written once, against these.
type isa struct {
	suffix string // of the Go function names: AVX2, AVX512
	reg    string // vector register prefix: Y or Z
	lanes  int    // float32 lanes per vector

	// One, zero and alpha are the vector registers the vec kernels keep a
	// broadcast 1.0, 0 or scalar argument in; lr and mu momentum's.
	one, zero, alpha, lr, mu string

	// AVX2 masks the last vector with VMASKMOVPS under a lane mask loaded
	// from ·vecTailMask into mask; AVX-512 with the opmask K1.
	avx512 bool
}

var (
	avx2 = isa{
		suffix: "AVX2", reg: "Y", lanes: 8,
		one: "Y14", zero: "Y13", alpha: "Y12", lr: "Y12", mu: "Y13",
	}
	avx512 = isa{
		suffix: "AVX512", reg: "Z", lanes: 16, avx512: true,
		one: "Z31", zero: "Z30", alpha: "Z29", lr: "Z28", mu: "Z29",
	}
)

// v names vector register n.
func (a isa) v(n int) string { return fmt.Sprintf("%s%d", a.reg, n) }

// width is the size of one vector in bytes.
func (a isa) width() int { return 4 * a.lanes }

// gen writes one assembly file line by line and keeps the first write
// error, so the emitting code need not check after every line.
type gen struct {
	w   io.Writer
	err error
	isa
	mask string // AVX2: the YMM register holding the tail lane mask
}

func (g *gen) printf(format string, args ...any) {
	if g.err != nil {
		return
	}
	_, g.err = fmt.Fprintf(g.w, format, args...)
}

// text writes a verbatim block (which may span lines) and a newline.
func (g *gen) text(s string) { g.printf("%s\n", s) }

func (g *gen) blank() { g.printf("\n") }

// op writes one instruction: the mnemonic and its operands in Go order.
func (g *gen) op(mnemonic string, operands ...string) {
	if len(operands) == 0 {
		g.printf("\t%s\n", mnemonic)
		return
	}
	g.printf("\t%-12s %s\n", mnemonic, strings.Join(operands, ", "))
}

// ops writes instructions given as one string each, "MNEMONIC a, b, c".
func (g *gen) ops(lines ...string) {
	for _, l := range lines {
		m, rest, _ := strings.Cut(l, " ")
		if rest == "" {
			g.op(m)
		} else {
			g.op(m, strings.Split(rest, ", ")...)
		}
	}
}

// comment writes an indented comment line.
func (g *gen) comment(format string, args ...any) {
	g.printf("\t// "+format+"\n", args...)
}

// label starts a block: a blank line, then the label.
func (g *gen) label(name string) {
	g.blank()
	g.printf("%s:\n", name)
}

// at is the operand off(p)(AX*4): element AX of the array at p, plus off bytes.
func at(off int, p string) string {
	if off == 0 {
		return "(" + p + ")(AX*4)"
	}
	return fmt.Sprintf("%d(%s)(AX*4)", off, p)
}

// imm is an immediate operand.
func imm(n int) string { return fmt.Sprintf("$%d", n) }

// tailMask sets the mask of the last CX (1..lanes−1) elements; clobbers BX
// (and CX on AVX2).
func (g *gen) tailMask() {
	if g.avx512 {
		g.ops("MOVL $1, BX", "SHLL CX, BX", "DECL BX", "KMOVW BX, K1")
		return
	}
	g.ops("LEAQ ·vecTailMask+32(SB), BX", "SHLQ $2, CX", "SUBQ CX, BX", "VMOVUPS (BX), "+g.mask)
}

// maskedLoad loads the masked last vector of the array at p into r;
// masked-off lanes read as 0 and never fault.
func (g *gen) maskedLoad(p, r string) {
	if g.avx512 {
		g.op("VMOVUPS.Z", at(0, p), "K1", r)
		return
	}
	g.op("VMASKMOVPS", at(0, p), g.mask, r)
}

// maskedStore stores the lanes of r under the mask to the array at p.
func (g *gen) maskedStore(r, p string) {
	if g.avx512 {
		g.op("VMOVUPS", r, "K1", at(0, p))
		return
	}
	g.op("VMASKMOVPS", r, g.mask, at(0, p))
}

// streamHead emits the stream_amd64.h macro that sets BX to the number of
// elements before p reaches a vector-aligned address and the mask to them.
func (g *gen) streamHead(p string) {
	if g.avx512 {
		g.printf("\tSTREAM_HEAD_K(%s)\n", p)
		return
	}
	g.printf("\tSTREAM_HEAD_Y(%s, %s)\n", p, g.mask)
}

// vzeroReturn ends a kernel.
func (g *gen) vzeroReturn() { g.ops("VZEROUPPER", "RET") }
