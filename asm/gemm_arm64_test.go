//go:build !noasm && !purego

package asm

import (
	"math"
	"testing"
)

// TestSgemmNEONTileEdges runs every path on sizes just below, at and above
// the NEON register tile (MR 8, NR 12) and cache blocks (MC 120, KC 640,
// NC 3072), with k = 0, k = 1, odd and even k (the kernel's single step and
// pairs), and k past KC with beta, in all four transpose combinations.
func TestSgemmNEONTileEdges(t *testing.T) {
	var cases []gemmCase
	add := func(m, n, k int, alpha, beta float32) {
		for i, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
			cases = append(cases, gemmCase{transA: tr[0], transB: tr[1], m: m, n: n, k: k,
				alpha: alpha, beta: beta, pad: (m + i) % 3, off: (n + i) % 7})
		}
	}
	for _, m := range []int{1, 7, 8, 9, 15, 16, 17, 24} {
		for _, n := range []int{1, 11, 12, 13, 23, 24, 25, 36} {
			add(m, n, (m*n)%37+1, 1, 0)
			add(m, n, (m+n)%5+1, 0.5, 1.5)
		}
	}
	for _, k := range []int{0, 1, 2, 3, 639, 640, 641, 1281} {
		add(17, 25, k, -0.75, 0.5)
	}
	for _, m := range []int{119, 120, 121, 241} {
		add(m, 26, 20, 1, 1)
	}
	add(9, 3073, 3, 2, 0)
	add(3, 6145, 2, 1, -1)
	add(30, 70, 1300, 0.5, 0) // k past two KC blocks, beta = 0 on the first only
	forEachPath(t, func(t *testing.T, path string) {
		ws := NewWorkspace()
		for i, g := range cases {
			runGemmCase(t, ws, g, uint64(9000+i))
		}
	})
}

// TestSgemmNEONWorkspaceReuse: one Workspace serving large, small, then
// large shapes keeps giving correct results (stale packed data and the
// scratch tile position must not leak between calls).
func TestSgemmNEONWorkspaceReuse(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		ws := NewWorkspace()
		for i, g := range []gemmCase{
			{m: 130, n: 200, k: 700, alpha: 1, beta: 0},
			{m: 7, n: 9, k: 5, alpha: 1, beta: 1},
			{transA: true, m: 50, n: 70, k: 30, alpha: -1, beta: 0},
			{transB: true, m: 121, n: 37, k: 641, alpha: 1, beta: 0.5},
		} {
			runGemmCase(t, ws, g, uint64(9500+i))
		}
	})
}

// TestSgemmNEONBetaZeroFullTiles: with beta = 0 the micro-kernel itself
// (whole 8×12 tiles, not the Go edge store) must overwrite C without reading
// it, and later KC blocks must add to the first block's result.
func TestSgemmNEONBetaZeroFullTiles(t *testing.T) {
	const m, n = 16, 24
	nan := float32(math.NaN())
	forEachPath(t, func(t *testing.T, path string) {
		for _, k := range []int{1, 8, 641} {
			a := make([]float32, m*k)
			b := make([]float32, k*n)
			for i := range a {
				a[i] = float32(i%7) - 3
			}
			for i := range b {
				b[i] = float32(i%5) - 2
			}
			c := make([]float32, m*n)
			for i := range c {
				c[i] = nan
			}
			want, _ := naiveGemm(false, false, m, n, k, 0.5, a, k, b, n, 0, c, n)
			if err := Sgemm(nil, false, false, m, n, k, 0.5, a, k, b, n, 0, c, n); err != nil {
				t.Fatal(err)
			}
			for i := range c {
				if float64(c[i]) != want[i] { // small integers: exact in float32
					t.Fatalf("k=%d C[%d] = %v, want %v", k, i, c[i], want[i])
				}
			}
		}
	})
}
