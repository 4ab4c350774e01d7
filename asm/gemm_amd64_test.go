package asm

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSgemmTileEdges runs every path on sizes just below, at and above the
// amd64 register tiles (MR 6 and 12, NR 16 and 32) and cache blocks (MC 240,
// KC 256 and 384, NC 3072), with k = 0, k = 1, and k past KC with beta, in
// all four transpose combinations. Sizes are fixed here rather than read
// from the configs so the test also runs (on generic) under noasm.
func TestSgemmTileEdges(t *testing.T) {
	var cases []gemmCase
	add := func(m, n, k int, alpha, beta float32) {
		for i, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
			cases = append(cases, gemmCase{transA: tr[0], transB: tr[1], m: m, n: n, k: k,
				alpha: alpha, beta: beta, pad: (m + i) % 3, off: (n + i) % 7})
		}
	}
	for _, m := range []int{5, 6, 7, 11, 12, 13, 24, 25} {
		for _, n := range []int{15, 16, 17, 31, 32, 33, 48, 65} {
			add(m, n, (m*n)%37+1, 1, 0)
		}
	}
	for _, k := range []int{0, 1, 2, 255, 256, 257, 383, 384, 385, 769} {
		add(13, 33, k, -0.75, 0.5)
	}
	for _, m := range []int{239, 240, 241, 481} {
		add(m, 40, 20, 1, 1)
	}
	add(7, 3073, 3, 2, 0)
	add(3, 6145, 2, 1, -1)
	add(30, 70, 900, 0.5, 0) // k past two KC blocks, beta = 0 on the first only
	add(12, 10, 128, 1, 0)   // skinny: A read in place
	add(14, 20, 500, 1, 2)
	// AVX-512 skinny path (n ≤ 16: 16-row tile, k blocks of 512).
	add(33, 10, 1100, 0.5, 0.5)
	add(16, 16, 513, 1, 0)
	add(17, 1, 3, -1, 1)
	add(47, 16, 512, 1, 0)
	add(5, 5, 0, 1, 0) // k = 0: C = beta·C = 0
	forEachPath(t, func(t *testing.T, path string) {
		ws := NewWorkspace()
		for i, g := range cases {
			runGemmCase(t, ws, g, uint64(5000+i))
		}
	})
}

// TestSgemmWorkspaceReuse: one Workspace serving large then small then
// large shapes must keep giving correct results (stale packed data and the
// scratch tile position must not leak between calls).
func TestSgemmWorkspaceReuse(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		ws := NewWorkspace()
		for i, g := range []gemmCase{
			{m: 300, n: 200, k: 400, alpha: 1, beta: 0},
			{m: 7, n: 9, k: 5, alpha: 1, beta: 1},
			{transA: true, m: 50, n: 70, k: 30, alpha: -1, beta: 0},
			{transB: true, m: 301, n: 33, k: 401, alpha: 1, beta: 0.5},
		} {
			runGemmCase(t, ws, g, uint64(7000+i))
		}
	})
}

func TestMeasurePeak(t *testing.T) {
	_, err := MeasurePeak("generic", 0)
	require.ErrorIs(t, err, errNoPeak)
	_, err = MeasurePeak("sse9", 0)
	require.ErrorContains(t, err, "unknown path")
	for _, path := range Available() {
		if path == "generic" {
			continue
		}
		g, err := MeasurePeak(path, 0)
		require.NoError(t, err, path)
		require.Greater(t, g, 0.0, path)
	}
}
