//go:build !noasm && !purego

package asm

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// TestPackStepsAVX2 checks the AVX2 straight copy into a micro-panel
// against its definition, for the panel widths the 6×16 path packs (6: a
// transposed A; 16: rows of B; and the widths in between), every count of
// valid lanes, step counts around the whole-YMM stores' end, and misaligned
// source and destination: every valid lane copied, the rest zero, and
// nothing written past the panel (whose end is the end of dst here).
func TestPackStepsAVX2(t *testing.T) {
	if !slices.Contains(Available(), "avx2") {
		t.Skip("no avx2 on this CPU")
	}
	r := newRand(7)
	for _, w := range []int{1, 3, 4, 6, 7, 8, 9, 12, 16} {
		for n := 0; n <= w; n++ {
			for _, k := range []int{1, 2, 3, 5, 17, 256} {
				for _, off := range []int{0, 1, 3} {
					t.Run(fmt.Sprintf("w=%d/n=%d/k=%d/off=%d", w, n, k, off), func(t *testing.T) {
						ld := n + 5 + off
						src, _ := guarded(r, (k-1)*ld+max(n, 1), off)
						dst, check := guarded(r, k*w, 3-off)
						packStepsAVX2(dst, src, ld, k, w, n)
						check(t)
						for p := 0; p < k; p++ {
							for j := 0; j < w; j++ {
								want := float32(0)
								if j < n {
									want = src[p*ld+j]
								}
								if got := dst[p*w+j]; got != want {
									t.Fatalf("dst[%d·%d+%d] = %v, want %v", p, w, j, got, want)
								}
							}
						}
					})
				}
			}
		}
	}
}

// TestPackRows6AVX2 checks the transposing copy of six rows of A into a
// 6-row micro-panel against its definition: step counts around the 8-step
// blocks, strides short and at 4 KiB, misaligned source and destination,
// and nothing written past the panel (whose end is the end of dst here).
func TestPackRows6AVX2(t *testing.T) {
	if !slices.Contains(Available(), "avx2") {
		t.Skip("no avx2 on this CPU")
	}
	r := newRand(13)
	for _, kc := range []int{1, 7, 8, 9, 15, 16, 17, 63, 256} {
		for _, ld := range []int{kc, kc + 3, 1024} {
			for _, off := range []int{0, 1, 3} {
				t.Run(fmt.Sprintf("kc=%d/ld=%d/off=%d", kc, ld, off), func(t *testing.T) {
					src, _ := guarded(r, 5*ld+kc, off)
					dst, check := guarded(r, 6*kc, 3-off)
					packRows6AVX2(dst, src, ld, kc)
					check(t)
					for p := 0; p < kc; p++ {
						for row := 0; row < 6; row++ {
							if got, want := dst[p*6+row], src[row*ld+p]; got != want {
								t.Fatalf("dst[%d·6+%d] = %v, want %v", p, row, got, want)
							}
						}
					}
				})
			}
		}
	}
}

// TestTilesAVX2MatchesKernel: sgemmTilesAVX2 gives, bit for bit, what
// sgemmKernelAVX2 gives tile by tile — along a row (B and C stepping) and a
// column (A and C stepping), packed and in-place strides, k around the
// 4-step unroll, beta 0 (C not read: NaN there must not leak), 1 and 0.5 —
// and writes nothing outside its tiles.
func TestTilesAVX2MatchesKernel(t *testing.T) {
	if !slices.Contains(Available(), "avx2") {
		t.Skip("no avx2 on this CPU")
	}
	r := newRand(11)
	const mr, nr = 6, 16
	for _, k := range []int{1, 2, 3, 4, 5, 31, 32, 33, 256} {
		for _, tiles := range []int{1, 2, 7} {
			for _, column := range []bool{false, true} {
				for _, beta := range []float32{0, 1, 0.5} {
					name := fmt.Sprintf("k=%d/tiles=%d/column=%v/beta=%v", k, tiles, column, beta)
					// Row: A one packed panel, B in place (stride ldb), C a row of
					// tiles. Column: A packed panels one after another, B one
					// packed panel, C a column of tiles.
					lda, ldb, ldc := mr, tiles*nr+3, tiles*nr+5
					astep, bstep, cstep, csb := 0, nr, nr, ldb
					crows := mr
					if column {
						astep, bstep, cstep, csb = mr*k, 0, mr*ldc, nr
						crows = tiles * mr
						ldb = nr
					}
					a, _ := guarded(r, mr*k+astep*(tiles-1), 1)
					b, _ := guarded(r, k*ldb, 2)
					got, check := guarded(r, crows*ldc, 3)
					if beta == 0 {
						for i := range got {
							got[i] = float32(math.NaN())
						}
					}
					want := slices.Clone(got)
					sgemmTilesAVX2(k, &a[0], 1, lda, astep, &b[0], csb, bstep, &got[0], ldc, cstep, -0.75, beta, tiles)
					for tl := 0; tl < tiles; tl++ {
						sgemmKernelAVX2(k, &a[tl*astep], 1, lda, &b[tl*bstep], csb, &want[tl*cstep], ldc, -0.75, beta)
					}
					check(t)
					requireSameBits(t, name, got, want)
				}
			}
		}
	}
}
