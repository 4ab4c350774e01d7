//go:build linux

package asm

import (
	"fmt"
	"math"
	"os"
	"syscall"
	"testing"
	"unsafe"
)

// The guard sentinels of guarded catch writes outside a slice, but not
// reads: a kernel that loads a vector past the end of a row, or the rows of
// a whole tile past the last row of a matrix, reads valid memory there and
// passes. These tests put each operand against an inaccessible page, either
// ending exactly at the page boundary or starting exactly at one, so any
// read or write outside the slice faults (and the test binary dies). Loads
// under a mask (VMASKMOVPS, AVX-512 masking) and prefetches do not fault on
// masked-off or out-of-range addresses, as the hardware promises; anything
// else does.

// fenced returns an n-float slice placed against an inaccessible page: its
// last float ends at the fence when atEnd, else its first float starts right
// after one. The values are copied from init (random if nil).
func fenced(t *testing.T, n int, atEnd bool, init []float32) []float32 {
	t.Helper()
	page := os.Getpagesize()
	bytes := 4 * n
	dataPages := (bytes + page - 1) / page
	if dataPages == 0 {
		dataPages = 1
	}
	mem, err := syscall.Mmap(-1, 0, (dataPages+2)*page, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Munmap(mem) })
	if err := syscall.Mprotect(mem[:page], syscall.PROT_NONE); err != nil {
		t.Skipf("mprotect: %v", err)
	}
	if err := syscall.Mprotect(mem[(dataPages+1)*page:], syscall.PROT_NONE); err != nil {
		t.Skipf("mprotect: %v", err)
	}
	off := page
	if atEnd {
		off = (dataPages+1)*page - bytes
	}
	if n == 0 {
		return unsafe.Slice((*float32)(unsafe.Pointer(&mem[off])), 0)
	}
	s := unsafe.Slice((*float32)(unsafe.Pointer(&mem[off])), n)
	copy(s, init)
	return s
}

// fenceGemmShapes are products around every path's register tiles and the
// shapes that pick a special route: the small-m kernels (m ≤ 8, A and B
// read in place, masked k tails and column edges), the AVX-512 skinny path
// (n ≤ 16), the swapped NT product (9–16 rows, k ≥ 256; 32 rows at
// k ≥ 512), whole panels of A and B read in place (n ≤ 64, m ≤ 128), and
// NEON's 8×12 tile.
var fenceGemmShapes = [][3]int{
	{1, 1, 1}, {1, 7, 3}, {2, 9, 5}, {3, 13, 1}, {4, 17, 6}, {5, 33, 7}, {7, 65, 9}, {8, 70, 37},
	{6, 16, 4}, {11, 15, 2}, {12, 32, 3}, {13, 31, 17}, {25, 33, 11}, {9, 12, 8}, {17, 25, 13},
	{33, 10, 19}, {16, 16, 16}, {47, 1, 5}, {20, 5, 300}, {12, 100, 257}, {32, 40, 513},
	{24, 64, 45}, {100, 60, 30}, {130, 36, 41}, {61, 129, 20}, {5, 3, 385},
}

// TestSgemmFenced runs Sgemm on every path with A, B and C each against an
// inaccessible page (all at the end, then all at the start), in the four
// transpose combinations with beta 0 and 0.5, and requires the bits of the
// same product on ordinary slices.
func TestSgemmFenced(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		r := newRand(31)
		ws := NewWorkspace()
		for _, sh := range fenceGemmShapes {
			m, n, k := sh[0], sh[1], sh[2]
			for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
				tA, tB := tr[0], tr[1]
				lda, ldb := k, n
				if tA {
					lda = m
				}
				if tB {
					ldb = k
				}
				a, _ := guarded(r, m*k, 0)
				b, _ := guarded(r, k*n, 0)
				c, _ := guarded(r, m*n, 0)
				for _, beta := range []float32{0, 0.5} {
					want := copyOf(c)
					if err := Sgemm(ws, tA, tB, m, n, k, 0.75, a, lda, b, ldb, beta, want, n); err != nil {
						t.Fatal(err)
					}
					for _, atEnd := range []bool{true, false} {
						fa := fenced(t, len(a), atEnd, a)
						fb := fenced(t, len(b), atEnd, b)
						fc := fenced(t, len(c), atEnd, c)
						if err := Sgemm(ws, tA, tB, m, n, k, 0.75, fa, lda, fb, ldb, beta, fc, n); err != nil {
							t.Fatal(err)
						}
						requireSameBits(t, fmt.Sprintf("%dx%dx%d tA=%v tB=%v beta=%v atEnd=%v", m, n, k, tA, tB, beta, atEnd), fc, want)
					}
				}
			}
		}
	})
}

// TestVecFenced runs the element-wise, row and update kernels on every path
// with every slice against an inaccessible page, for every length 0–70 (all
// vector tails) and a few longer ones, and requires the bits of the same
// call on ordinary slices.
func TestVecFenced(t *testing.T) {
	lengths := []int{}
	for n := 0; n <= 70; n++ {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 127, 128, 129, 1023)
	type call struct {
		name string
		ins  int // slices the kernel takes, outputs first
		run  func(s [][]float32) error
	}
	h := AdamParams{LR: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, Correction1: 0.19, Correction2: 0.002}
	calls := []call{
		{"Hadamard", 3, func(s [][]float32) error { return Hadamard(s[0], s[1], s[2]) }},
		{"Sigmoid", 2, func(s [][]float32) error { return Sigmoid(s[0], s[1]) }},
		{"SigmoidBackward", 3, func(s [][]float32) error { return SigmoidBackward(s[0], s[1], s[2]) }},
		{"Tanh", 2, func(s [][]float32) error { return Tanh(s[0], s[1]) }},
		{"TanhBackward", 3, func(s [][]float32) error { return TanhBackward(s[0], s[1], s[2]) }},
		{"ReLU", 2, func(s [][]float32) error { return ReLU(s[0], s[1]) }},
		{"ReLUBackward", 3, func(s [][]float32) error { return ReLUBackward(s[0], s[1], s[2]) }},
		{"Axpy", 2, func(s [][]float32) error { return Axpy(-0.3, s[1], s[0]) }},
		{"Scale", 1, func(s [][]float32) error { Scale(1.5, s[0]); return nil }},
		{"Momentum", 3, func(s [][]float32) error { return Momentum(s[0], s[1], s[2], 0.1, 0.9) }},
		{"Adam", 4, func(s [][]float32) error {
			for i := range s[3] {
				s[3][i] = float32(math.Abs(float64(s[3][i])))
			}
			return Adam(s[0], s[1], s[2], s[3], h)
		}},
		{"RMSprop", 3, func(s [][]float32) error { return RMSprop(s[0], s[1], s[2], 0.01, 0.9, 1e-7) }},
	}
	// Row kernels: n = rows·cols with the bias (and column sums) cols long.
	rowCalls := []struct {
		name string
		run  func(x []float32, rows, cols int, v []float32) error
	}{
		{"AddBias", func(x []float32, rows, cols int, v []float32) error { return AddBias(x, rows, cols, v) }},
		{"BiasSigmoid", func(x []float32, rows, cols int, v []float32) error { return BiasSigmoid(x, rows, cols, v) }},
		{"ColSums", func(x []float32, rows, cols int, v []float32) error { return ColSums(v, 0.5, x, rows, cols) }},
	}
	forEachPath(t, func(t *testing.T, path string) {
		r := newRand(32)
		for _, c := range calls {
			for _, n := range lengths {
				ref := make([][]float32, c.ins)
				for i := range ref {
					ref[i], _ = guarded(r, n, 0)
				}
				for _, atEnd := range []bool{true, false} {
					in := make([][]float32, c.ins)
					for i := range in {
						in[i] = fenced(t, n, atEnd, ref[i])
					}
					want := make([][]float32, c.ins)
					for i := range want {
						want[i] = copyOf(ref[i])
					}
					if err := c.run(want); err != nil {
						t.Fatal(err)
					}
					if err := c.run(in); err != nil {
						t.Fatal(err)
					}
					for i := range in {
						requireSameBits(t, fmt.Sprintf("%s n=%d slice %d atEnd=%v", c.name, n, i, atEnd), in[i], want[i])
					}
				}
			}
		}
		for _, c := range rowCalls {
			for _, rows := range []int{1, 2, 3} {
				for cols := 1; cols <= 40; cols++ {
					x0, _ := guarded(r, rows*cols, 0)
					v0, _ := guarded(r, cols, 0)
					for _, atEnd := range []bool{true, false} {
						x, v := fenced(t, rows*cols, atEnd, x0), fenced(t, cols, atEnd, v0)
						wx, wv := copyOf(x0), copyOf(v0)
						if err := c.run(wx, rows, cols, wv); err != nil {
							t.Fatal(err)
						}
						if err := c.run(x, rows, cols, v); err != nil {
							t.Fatal(err)
						}
						what := fmt.Sprintf("%s %d×%d atEnd=%v", c.name, rows, cols, atEnd)
						requireSameBits(t, what+" x", x, wx)
						requireSameBits(t, what+" bias/sums", v, wv)
					}
				}
			}
		}
	})
}
