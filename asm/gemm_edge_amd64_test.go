//go:build !noasm && !purego

package asm

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// TestEdgeAVX2MatchesPaddedTile: sgemmEdgeAVX2 on rows < 6 rows gives, bit
// for bit, what the driver got for them before: the 6×16 kernel on a
// zero-padded panel into a scratch tile, copied (beta 0) or added (beta 1)
// by storeTile — along a row of tiles and a column, A packed and in place
// (exactly rows rows, so nothing past them exists), k around the 4-step
// unroll — and writes nothing outside its rows.
func TestEdgeAVX2MatchesPaddedTile(t *testing.T) {
	if !slices.Contains(Available(), "avx2") {
		t.Skip("no avx2 on this CPU")
	}
	r := newRand(12)
	const mr, nr = 6, 16
	for rows := 1; rows < mr; rows++ {
		for _, k := range []int{1, 3, 4, 5, 32, 33, 196} {
			for _, tiles := range []int{1, 2, 3} {
				for _, inPlace := range []bool{false, true} {
					for _, column := range []bool{false, true} {
						for _, beta := range []float32{0, 1} {
							name := fmt.Sprintf("rows=%d/k=%d/tiles=%d/inPlace=%v/column=%v/beta=%v", rows, k, tiles, inPlace, column, beta)
							testEdgeAVX2(t, name, r.Uint64(), rows, k, tiles, inPlace, column, beta)
						}
					}
				}
			}
		}
	}
}

func testEdgeAVX2(t *testing.T, name string, seed uint64, rows, k, tiles int, inPlace, column bool, beta float32) {
	const mr, nr = 6, 16
	r := newRand(seed)
	// Row: one A panel, B in place (stride ldb), C a row of tiles. Column:
	// one B panel, A panels one after another (each rows×k in place, or a
	// packed 6-row panel), C a column of edge tiles (ldc apart, as
	// blockColumns steps between B panels for one edge panel it never
	// does: the kernel's stepping is what is tested).
	ldb, ldc := tiles*nr+3, tiles*nr+5
	csb, bstep, cstep := ldb, nr, nr
	crows := rows
	if column {
		ldb, csb, bstep, cstep = nr, nr, 0, rows*ldc
		crows = tiles * rows
	}
	// A: packed panels (rsa 1, csa 6, zero rows past rows) or in place
	// (rsa lda = k+1, csa 1, exactly rows rows).
	rsa, csa, panel := 1, mr, mr*k
	if inPlace {
		rsa, csa, panel = k+1, 1, rows*(k+1)
	}
	astep := 0
	if column {
		astep = panel
	}
	a, _ := guarded(r, panel+astep*(tiles-1), 1)
	if !inPlace {
		for tl := 0; tl < tiles; tl++ {
			for p := 0; p < k; p++ {
				for i := rows; i < mr; i++ {
					a[tl*astep+p*mr+i] = 0
				}
			}
		}
	}
	b, _ := guarded(r, k*ldb, 2)
	got, check := guarded(r, crows*ldc, 3)
	if beta == 0 {
		for i := range got {
			got[i] = float32(math.NaN())
		}
	}
	want := slices.Clone(got)
	sgemmEdgeAVX2(k, &a[0], rsa, csa, astep, &b[0], csb, bstep, &got[0], ldc, cstep, -0.75, beta, tiles, rows)
	check(t)
	padded := make([]float32, mr*k)
	tile := make([]float32, mr*nr)
	for tl := 0; tl < tiles; tl++ {
		for p := 0; p < k; p++ {
			for i := 0; i < rows; i++ {
				padded[p*mr+i] = a[tl*astep+i*rsa+p*csa]
			}
		}
		sgemmKernelAVX2(k, &padded[0], 1, mr, &b[tl*bstep], csb, &tile[0], nr, -0.75, 0)
		storeTile(want[tl*cstep:], ldc, tile, nr, rows, nr, beta)
	}
	requireSameBits(t, name, got, want)
}
