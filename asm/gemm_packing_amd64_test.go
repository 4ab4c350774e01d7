//go:build !noasm && !purego

package asm

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSgemmPackingKernel: products with A transposed, where the AVX2 path's
// first tile of each row packs A's micro-panel as it reads it
// (packingKernel), match the float64 reference and give the bits of the
// same product with a pack pass before each row (packingKernel off): rows
// around the 6-row tile (edge panels keep the pack pass), one tile or
// many, a partial last column tile, B in place and packed (B transposed,
// or more rows than inPlaceBMaxRows), k of one and two blocks, beta 0, 1
// and 0.5, padded and misaligned operands; and the products whose B is
// read in place by columns (blockColumns: the first column of tiles packs
// A's panels), with and without lead columns before a line boundary.
func TestSgemmPackingKernel(t *testing.T) {
	if !slices.Contains(Available(), "avx2") {
		t.Skip("no avx2 on this CPU")
	}
	prev := Active()
	defer func() { _ = Use(prev) }()
	require.NoError(t, Use("avx2"))
	seed := uint64(70)
	for _, m := range []int{6, 7, 13, 60, 131} {
		for _, n := range []int{16, 31, 48, 200} {
			for _, k := range []int{1, 5, 197, 300} {
				for _, tB := range []bool{false, true} {
					for _, beta := range []float32{0, 1, 0.5} {
						seed++
						g := gemmCase{transA: true, transB: tB, m: m, n: n, k: k, alpha: -0.75, beta: beta, pad: int(seed % 3), off: int(seed % 5)}
						t.Run(g.String(), func(t *testing.T) {
							runGemmCase(t, NewWorkspace(), g, seed)
							fused, passes := packingAndPasses(t, g, seed)
							requireSameBits(t, fmt.Sprintf("%v: packing kernel vs pack pass", g), fused, passes)
						})
					}
				}
			}
		}
	}
	for _, m := range []int{7, 13, 128} {
		for _, nk := range [][2]int{{784, 256}, {263, 251}, {300, 700}} {
			n, k := nk[0], nk[1]
			if kc := evenBlock(k, gemmAVX2.kcFor(true, false)); kc*min(n, gemmAVX2.nc) < gemmAVX2.columnsInPlaceB {
				t.Fatalf("%d×%d×%d: B block below columnsInPlaceB, the test would not reach blockColumns", m, n, k)
			}
			for _, beta := range []float32{0, 1, 0.5} {
				for _, off := range []int{0, 3} {
					seed++
					g := gemmCase{transA: true, m: m, n: n, k: k, alpha: 0.5, beta: beta, pad: int(seed % 2), off: off}
					t.Run(g.String(), func(t *testing.T) {
						runGemmCase(t, NewWorkspace(), g, seed)
						fused, passes := packingAndPasses(t, g, seed)
						requireSameBits(t, fmt.Sprintf("%v: packing kernel vs pack pass", g), fused, passes)
					})
				}
			}
		}
	}
}

// packingAndPasses returns C of product g computed with the active
// configuration and with packingKernel off.
func packingAndPasses(t *testing.T, g gemmCase, seed uint64) (fused, passes []float32) {
	r := newRand(seed)
	br, bc := g.k, g.n
	if g.transB {
		br, bc = g.n, g.k
	}
	lda, ldb, ldc := g.m+g.pad, bc+g.pad, g.n+g.pad
	a, _ := guarded(r, g.k*lda, g.off)
	b, _ := guarded(r, br*ldb, g.off)
	fused, _ = guarded(r, g.m*ldc, g.off)
	passes = slices.Clone(fused)
	require.NoError(t, Sgemm(NewWorkspace(), true, g.transB, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, g.beta, fused, ldc))
	saved := gemmAVX2.packingKernel
	gemmAVX2.packingKernel = nil
	defer func() { gemmAVX2.packingKernel = saved }()
	require.NoError(t, Sgemm(NewWorkspace(), true, g.transB, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, g.beta, passes, ldc))
	return fused, passes
}
