// Command gensmall writes asm/gemm_small_amd64.s, the small-m SGEMM kernels
// (AVX2 + FMA3) that read A, B and C in place.
//
// The file holds twelve kernels that differ only in their number of rows,
// strips of columns and whether the last strip is masked; each is fully
// unrolled over rows, strips and the four k steps of a group, so writing
// them by hand would mean keeping thousands of near-identical lines in
// step. The generator is the source of record: change it, then run
//
//	go generate ./asm
//
// (or, from the repository root, go run ./asm/internal/gensmall -o
// asm/gemm_small_amd64.s). A test fails while the committed file differs
// from what the generator writes.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	out := flag.String("o", "", "output file (standard output if empty)")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gensmall:", err)
		os.Exit(1)
	}
}

// run generates the whole file in memory first, so a failure never leaves a
// truncated .s behind.
func run(path string) error {
	var buf bytes.Buffer
	if err := generate(&buf); err != nil {
		return err
	}
	if path == "" {
		_, err := os.Stdout.Write(buf.Bytes())
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// generate writes the complete assembly file to w.
func generate(w io.Writer) error {
	g := &gen{w: w}
	g.text(fileHeader)
	g.blank()
	g.text(registerNames)
	g.blank() // and each kernel starts with a blank line of its own
	for _, k := range kernels {
		k.emit(g)
	}
	g.blank()
	g.text(maskTable)
	return g.err
}

// gen writes the assembly line by line and keeps the first write error, so
// the emitting code need not check after every line.
type gen struct {
	w   io.Writer
	err error
}

// line writes one formatted line and its newline.
func (g *gen) line(format string, args ...any) {
	if g.err != nil {
		return
	}
	_, g.err = fmt.Fprintf(g.w, format+"\n", args...)
}

// text writes a verbatim block (which may span lines) and a newline.
func (g *gen) text(s string) {
	if g.err != nil {
		return
	}
	_, g.err = io.WriteString(g.w, s+"\n")
}

// blank writes an empty line.
func (g *gen) blank() { g.text("") }

// kernel describes one generated function. The accumulators are the YMM
// registers Y0…Y(rows·width−1): row i, YMM v in Y(i·width + v).
type kernel struct {
	nn    bool // C = A·B (B k×n); otherwise NT: C = A·Wᵀ (W n×k)
	rows  int  // rows of A and C: 1, 2 or 4
	width int  // YMM accumulators per row: NT strips of 8 columns, NN YMMs of B's row
	edge  bool // one YMM per row, only the first cols columns stored (under a mask)
}

// kernels lists the generated functions in file order. The full kernels
// keep all 8 accumulators busy (2 FMA ports × 4 cycles of latency); the
// edge kernels cover the last ≤ 8 columns.
var kernels = []kernel{
	{rows: 1, width: 8}, {rows: 2, width: 4}, {rows: 4, width: 2},
	{rows: 1, width: 1, edge: true}, {rows: 2, width: 1, edge: true}, {rows: 4, width: 1, edge: true},
	{nn: true, rows: 1, width: 8}, {nn: true, rows: 2, width: 4}, {nn: true, rows: 4, width: 2},
	{nn: true, rows: 1, width: 1, edge: true}, {nn: true, rows: 2, width: 1, edge: true}, {nn: true, rows: 4, width: 1, edge: true},
}

// name is the Go name of the kernel, as declared in gemm_amd64.go.
func (k kernel) name() string {
	shape := "NT"
	if k.nn {
		shape = "NN"
	}
	if k.edge {
		return fmt.Sprintf("sgemm%sEdge%dAVX2", shape, k.rows)
	}
	return fmt.Sprintf("sgemm%s%dx%dAVX2", shape, k.rows, 8*k.width)
}

// acc is the accumulator of row i, YMM (or strip) v.
func (k kernel) acc(i, v int) string { return fmt.Sprintf("Y%d", i*k.width+v) }

func (k kernel) emit(g *gen) {
	if k.nn {
		k.emitNN(g)
	} else {
		k.emitNT(g)
	}
}

// aRows and cRows address row i (0…3) of A and C. C's row 3 is 3·LDC
// from C_PTR, which the epilogue computes into AX (free by then).
var (
	aRows = [4]string{"(A_PTR)", "(A_PTR)(LDA*1)", "(A_PTR)(LDA*2)", "(A_PTR)(LDA3*1)"}
	cRows = [4]string{"(C_PTR)", "(C_PTR)(LDC*1)", "(C_PTR)(LDC*2)", "(C_PTR)(AX*1)"}
)

// withOffset prefixes a byte offset to a memory operand, leaving it bare
// when the offset is 0.
func withOffset(off int, operand string) string {
	if off == 0 {
		return operand
	}
	return fmt.Sprintf("%d%s", off, operand)
}

// prologue loads the arguments into the registers named by registerNames,
// with the strides converted from floats to bytes.
func prologue(g *gen) {
	g.line("\tMOVQ k+0(FP), K_CNT")
	g.line("\tMOVQ a+8(FP), A_PTR")
	g.line("\tMOVQ lda+16(FP), LDA")
	g.line("\tSHLQ $2, LDA")
	g.line("\tLEAQ (LDA)(LDA*2), LDA3")
	g.line("\tMOVQ b+24(FP), B_PTR")
	g.line("\tMOVQ ldb+32(FP), LDB")
	g.line("\tSHLQ $2, LDB")
	g.line("\tLEAQ (LDB)(LDB*2), LDB3")
	g.line("\tMOVQ c+40(FP), C_PTR")
	g.line("\tMOVQ ldc+48(FP), LDC")
	g.line("\tSHLQ $2, LDC")
	g.line("\tLEAQ smallMaskAVX2<>(SB), TBL")
}

// loadColumnMask sets Y15 to the mask of the first cols lanes (an edge
// kernel's columns). It clobbers AX.
func loadColumnMask(g *gen) {
	g.line("\tMOVQ    cols+72(FP), AX")
	g.line("\tNEGQ    AX")
	g.line("\tVMOVUPS 32(TBL)(AX*4), Y15")
}

// zeroAccumulators starts every FMA chain from zero, as the packed
// micro-kernels do, so both paths give the same bits.
func (k kernel) zeroAccumulators(g *gen) {
	for r := 0; r < k.rows*k.width; r++ {
		g.line("\tVXORPS Y%d, Y%d, Y%d", r, r, r)
	}
}

// epilogue scales the accumulators by alpha and stores them: C = alpha·acc,
// or alpha·acc + C when add ≠ 0. Edge kernels read and write C under the
// column mask in Y15, so nothing past the last column is touched.
func (k kernel) epilogue(g *gen) {
	g.line("\t// C = alpha·acc, or alpha·acc + C when add ≠ 0.")
	g.line("\tVBROADCASTSS alpha+56(FP), Y13")
	g.line("\tLEAQ         (LDC)(LDC*2), AX")
	k.eachAcc(func(i, v int, acc string) {
		g.line("\tVMULPS       Y13, %s, %s", acc, acc)
	})
	g.line("\tMOVQ         add+64(FP), BX")
	g.line("\tTESTQ        BX, BX")
	g.line("\tJZ           store")
	k.eachAcc(func(i, v int, acc string) {
		c := withOffset(32*v, cRows[i])
		if k.edge {
			g.line("\tVMASKMOVPS   %s, Y15, Y14", c)
			g.line("\tVADDPS       Y14, %s, %s", acc, acc)
		} else {
			g.line("\tVADDPS       %s, %s, %s", c, acc, acc)
		}
	})
	g.line("store:")
	k.eachAcc(func(i, v int, acc string) {
		c := withOffset(32*v, cRows[i])
		if k.edge {
			g.line("\tVMASKMOVPS   %s, Y15, %s", acc, c)
		} else {
			g.line("\tVMOVUPS      %s, %s", acc, c)
		}
	})
	g.line("\tVZEROUPPER")
	g.line("\tRET")
}

// eachAcc calls f for every accumulator, row by row.
func (k kernel) eachAcc(f func(i, v int, acc string)) {
	for i := 0; i < k.rows; i++ {
		for v := 0; v < k.width; v++ {
			f(i, v, k.acc(i, v))
		}
	}
}

// NT kernels.

// The 8 W rows of a strip: rows 0–3 from STRIP, rows 4–7 from STRIP4, each
// row r at 0, 1, 2 or 3 strides.
var (
	stripRows  = [4]string{"(STRIP)", "(STRIP)(LDB*1)", "(STRIP)(LDB*2)", "(STRIP)(LDB3*1)"}
	stripRows4 = [4]string{"(STRIP4)", "(STRIP4)(LDB*1)", "(STRIP4)(LDB*2)", "(STRIP4)(LDB3*1)"}
)

// stepRegs holds, after transposeBlock, W[j0:j0+8, p+q] for step q.
var stepRegs = [4]string{"Y10", "Y12", "Y8", "Y11"}

func (k kernel) emitNT(g *gen) {
	g.blank()
	if k.edge {
		g.line("// %s: %d row(s) × one strip of 8 columns, the first cols stored.", k.name(), k.rows)
	} else {
		g.line("// %s: %d row(s) × %d columns (%d strip(s) of 8).", k.name(), k.rows, 8*k.width, k.width)
	}
	g.line("TEXT ·%s(SB), NOSPLIT, $0-80", k.name())
	prologue(g)
	if k.edge {
		loadColumnMask(g)
	}
	k.zeroAccumulators(g)
	// AX keeps k for the tail; K_CNT counts whole groups of 4 steps.
	g.line("\tMOVQ K_CNT, AX")
	g.line("\tSHRQ $2, K_CNT")
	g.line("\tJZ   tail")
	k.ntGroupLoop(g)
	k.ntTail(g)
	if k.edge {
		// The tail's step mask overwrote Y15 (the VEX load into X15 zeroes
		// its upper half); the path that skips the tail still has it.
		loadColumnMask(g)
	}
	g.line("epilogue:")
	k.epilogue(g)
}

// ntGroupLoop runs the whole groups of 4 k steps: per strip, load an 8×4
// block of W, transpose it and issue 4 steps × rows FMAs.
func (k kernel) ntGroupLoop(g *gen) {
	g.line("loop4:")
	g.line("\tMOVQ B_PTR, STRIP")
	for s := 0; s < k.width; s++ {
		g.line("\t// Strip %d: W rows 8s..8s+7, steps p..p+3.", s)
		g.line("\tLEAQ (STRIP)(LDB*4), STRIP4")
		loadBlock(g)
		transposeBlock(g)
		for q := 0; q < 4; q++ {
			k.ntStepFMAs(g, s, q)
		}
		k.nextStrip(g, s)
	}
	g.line("\tADDQ $16, A_PTR")
	g.line("\tADDQ $16, B_PTR")
	g.line("\tDECQ K_CNT")
	g.line("\tJNZ  loop4")
}

// ntTail runs the last k mod 4 (1–3) steps. The loads of W are masked to
// those steps, so nothing past the end of a row is read, and each strip
// jumps to tdone_s after its last real step, so every chain has exactly k
// terms, as in the packed kernels.
func (k kernel) ntTail(g *gen) {
	g.line("tail:")
	g.line("\t// The last k mod 4 steps: masked loads, only their own FMAs.")
	g.line("\tANDQ $3, AX")
	g.line("\tJZ   epilogue")
	g.line("\tMOVQ AX, BX")
	g.line("\tNEGQ BX")
	g.line("\tVMOVUPS 32(TBL)(BX*4), X15")
	g.line("\tMOVQ B_PTR, STRIP")
	for s := 0; s < k.width; s++ {
		g.line("\tLEAQ (STRIP)(LDB*4), STRIP4")
		loadBlockMasked(g)
		transposeBlock(g)
		for q := 0; q < 3; q++ {
			k.ntStepFMAs(g, s, q)
			if q < 2 { // after step q, stop if the tail has only q+1 steps
				g.line("\tCMPQ AX, $%d", q+1)
				g.line("\tJEQ  tdone_%d", s)
			}
		}
		g.line("tdone_%d:", s)
		k.nextStrip(g, s)
	}
}

// ntStepFMAs issues step q of strip s for every row: broadcast A(i, p+q)
// and multiply-add it with W[j0:j0+8, p+q].
func (k kernel) ntStepFMAs(g *gen, s, q int) {
	for i := 0; i < k.rows; i++ {
		g.line("\tVBROADCASTSS %s, Y13", withOffset(4*q, aRows[i]))
		g.line("\tVFMADD231PS  %s, Y13, %s", stepRegs[q], k.acc(i, s))
	}
}

// nextStrip moves STRIP on by 8 rows of W, unless s is the last strip.
func (k kernel) nextStrip(g *gen, s int) {
	if s < k.width-1 {
		g.line("\tLEAQ (STRIP)(LDB*8), STRIP")
	}
}

// loadBlock loads W rows 0–7 of the strip × steps p…p+3 into Y8–Y11:
// rows 0–3 in the low 128-bit lanes, rows 4–7 in the high ones.
func loadBlock(g *gen) {
	for r := 0; r < 4; r++ {
		g.line("\tVMOVUPS     %s, X%d", stripRows[r], 8+r)
		g.line("\tVINSERTF128 $1, %s, Y%d, Y%d", stripRows4[r], 8+r, 8+r)
	}
}

// loadBlockMasked is loadBlock for the tail: only the steps in the mask in
// X15 are read. VINSERTF128 cannot take a mask, so the high half goes
// through X14.
func loadBlockMasked(g *gen) {
	for r := 0; r < 4; r++ {
		g.line("\tVMASKMOVPS  %s, X15, X%d", stripRows[r], 8+r)
		g.line("\tVMASKMOVPS  %s, X15, X14", stripRows4[r])
		g.line("\tVINSERTF128 $1, X14, Y%d, Y%d", 8+r, 8+r)
	}
}

// transposeBlock transposes the two 4×4 blocks in Y8–Y11 (rows × steps)
// in place, lane half by lane half, leaving step q in stepRegs[q].
func transposeBlock(g *gen) {
	g.line("\tVUNPCKLPS Y9, Y8, Y12")
	g.line("\tVUNPCKHPS Y9, Y8, Y9")
	g.line("\tVUNPCKLPS Y11, Y10, Y8")
	g.line("\tVUNPCKHPS Y11, Y10, Y11")
	g.line("\tVUNPCKLPD Y8, Y12, Y10")
	g.line("\tVUNPCKHPD Y8, Y12, Y12")
	g.line("\tVUNPCKLPD Y11, Y9, Y8")
	g.line("\tVUNPCKHPD Y11, Y9, Y11")
}

// NN kernels.

func (k kernel) emitNN(g *gen) {
	g.blank()
	if k.edge {
		g.line("// %s: %d row(s) × the first cols ≤ 8 columns, B and C under a mask.", k.name(), k.rows)
	} else {
		g.line("// %s: %d row(s) × %d columns.", k.name(), k.rows, 8*k.width)
	}
	g.line("TEXT ·%s(SB), NOSPLIT, $0-80", k.name())
	prologue(g)
	if k.edge {
		loadColumnMask(g)
	}
	k.zeroAccumulators(g)
	g.line("\tTESTQ K_CNT, K_CNT")
	g.line("\tJZ    epilogue")
	g.line("loop:")
	if k.rows == 1 && !k.edge {
		k.nnStepOneRow(g)
	} else {
		k.nnStep(g)
	}
	g.line("\tADDQ $4, A_PTR")
	g.line("\tADDQ LDB, B_PTR")
	g.line("\tDECQ K_CNT")
	g.line("\tJNZ  loop")
	g.line("epilogue:")
	k.epilogue(g)
}

// nnStepOneRow is one k step of a single full row: each YMM of B's row is
// used once, so the FMAs take it straight from memory.
func (k kernel) nnStepOneRow(g *gen) {
	g.line("\tVBROADCASTSS (A_PTR), Y13")
	for v := 0; v < k.width; v++ {
		g.line("\tVFMADD231PS  %d(B_PTR), Y13, %s", 32*v, k.acc(0, v))
	}
}

// nnStep is one k step for several rows, or under the column mask: load
// B's row into Y8… once, then for each row broadcast A(i, p) (into Y12 and
// Y13 in turn) and multiply-add.
func (k kernel) nnStep(g *gen) {
	for v := 0; v < k.width; v++ {
		if k.edge {
			g.line("\tVMASKMOVPS   %d(B_PTR), Y15, Y%d", 32*v, 8+v)
		} else {
			g.line("\tVMOVUPS      %d(B_PTR), Y%d", 32*v, 8+v)
		}
	}
	for i := 0; i < k.rows; i++ {
		bcast := fmt.Sprintf("Y%d", 12+i%2)
		g.line("\tVBROADCASTSS %s, %s", aRows[i], bcast)
		for v := 0; v < k.width; v++ {
			g.line("\tVFMADD231PS  Y%d, %s, %s", 8+v, bcast, k.acc(i, v))
		}
	}
}
