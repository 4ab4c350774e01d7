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

// TestEdgePairsAVX2MatchesEdge: sgemmEdgePairsAVX2 gives, bit for bit, what
// sgemmEdgeAVX2 gives tile by tile, for 1 and 2 rows, B packed (panels kc
// apart) and in place (16 columns apart), beta 0 (NaN in C) and 1, and
// writes nothing outside its rows.
func TestEdgePairsAVX2MatchesEdge(t *testing.T) {
	if !slices.Contains(Available(), "avx2") {
		t.Skip("no avx2 on this CPU")
	}
	r := newRand(13)
	const nr = 16
	for rows := 1; rows <= 2; rows++ {
		for _, k := range []int{1, 2, 5, 32, 196} {
			for _, pairs := range []int{1, 3} {
				for _, inPlace := range []bool{false, true} {
					for _, beta := range []float32{0, 1} {
						name := fmt.Sprintf("rows=%d/k=%d/pairs=%d/inPlace=%v/beta=%v", rows, k, pairs, inPlace, beta)
						lda := k + 3
						a, _ := guarded(r, rows*lda, 1)
						// B: 2·pairs micro-panels of k×16 one after another, or
						// in place with a row stride past its 32·pairs columns.
						csb, bnext, blen := nr, nr*k, 2*pairs*nr*k
						if inPlace {
							csb, bnext = 2*pairs*nr+5, nr
							blen = k * csb
						}
						b, _ := guarded(r, blen, 2)
						ldc := 2*pairs*nr + 7
						got, check := guarded(r, rows*ldc, 3)
						if beta == 0 {
							for i := range got {
								got[i] = float32(math.NaN())
							}
						}
						want := slices.Clone(got)
						sgemmEdgePairsAVX2(k, &a[0], lda, 1, &b[0], csb, bnext, &got[0], ldc, -0.75, beta, pairs, rows)
						check(t)
						sgemmEdgeAVX2(k, &a[0], lda, 1, 0, &b[0], csb, bnext, &want[0], ldc, nr, -0.75, beta, 2*pairs, rows)
						requireSameBits(t, name, got, want)
					}
				}
			}
		}
	}
}
