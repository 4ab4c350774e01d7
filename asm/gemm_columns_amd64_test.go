//go:build !noasm && !purego

package asm

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSgemmColumnsInPlaceB: products whose B the AVX2 path reads in place
// with a B block past columnsInPlaceB (blockColumns: B's micro-panels
// outside A's) match the float64 reference on row counts around the 6-row
// tile up to inPlaceBMaxRows, widths off the 16-wide panel, k of one and
// several blocks, both A layouts, beta 0, 1 and 0.5, padded and misaligned
// operands — and give the bits of the same product with the loops the other
// way round (blockTiles), on every tile, so row bands stay bit-identical.
func TestSgemmColumnsInPlaceB(t *testing.T) {
	if !slices.Contains(Available(), "avx2") {
		t.Skip("no avx2 on this CPU")
	}
	prev := Active()
	defer func() { _ = Use(prev) }()
	require.NoError(t, Use("avx2"))
	seed := uint64(40)
	for _, m := range []int{1, 7, 13, 128} {
		for _, nk := range [][2]int{{784, 256}, {263, 251}, {601, 300}, {300, 700}} {
			n, k := nk[0], nk[1]
			for _, tA := range []bool{false, true} {
				if kc := evenBlock(k, gemmAVX2.kcFor(tA, false)); kc*min(n, gemmAVX2.nc) < gemmAVX2.columnsInPlaceB {
					t.Fatalf("%d×%d×%d: B block below columnsInPlaceB, the test would not reach blockColumns", m, n, k)
				}
				for _, beta := range []float32{0, 1, 0.5} {
					seed++
					g := gemmCase{transA: tA, m: m, n: n, k: k, alpha: -0.25, beta: beta, pad: int(seed % 3), off: int(seed % 5)}
					t.Run(g.String(), func(t *testing.T) {
						runGemmCase(t, NewWorkspace(), g, seed)
						columns, rows := columnsAndRows(t, g, seed)
						requireSameBits(t, fmt.Sprintf("%v: blockColumns vs blockTiles", g), columns, rows)
					})
				}
			}
		}
	}
}

// columnsAndRows returns C of product g computed with the active
// configuration and with columnsInPlaceB off.
func columnsAndRows(t *testing.T, g gemmCase, seed uint64) (columns, rows []float32) {
	r := newRand(seed)
	ar, ac := g.m, g.k
	if g.transA {
		ar, ac = g.k, g.m
	}
	lda, ldb, ldc := ac+g.pad, g.n+g.pad, g.n+g.pad
	a, _ := guarded(r, ar*lda, g.off)
	b, _ := guarded(r, g.k*ldb, g.off)
	columns, _ = guarded(r, g.m*ldc, g.off)
	rows = slices.Clone(columns)
	require.NoError(t, Sgemm(NewWorkspace(), g.transA, false, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, g.beta, columns, ldc))
	saved := gemmAVX2.columnsInPlaceB
	gemmAVX2.columnsInPlaceB = 0
	defer func() { gemmAVX2.columnsInPlaceB = saved }()
	require.NoError(t, Sgemm(NewWorkspace(), g.transA, false, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, g.beta, rows, ldc))
	return columns, rows
}

// FuzzSgemmColumns is FuzzSgemm for the shapes that reach blockColumns on
// the AVX2 path (a B block of at least columnsInPlaceB floats, read in
// place, at most inPlaceBMaxRows rows): against the float64 definition and
// bit for bit against blockTiles.
func FuzzSgemmColumns(f *testing.F) {
	f.Add(uint8(128), uint16(784), uint16(256), true, float32(-0.5), float32(1), uint8(0), uint8(1), uint64(1))
	f.Add(uint8(7), uint16(300), uint16(500), false, float32(2), float32(0.5), uint8(2), uint8(3), uint64(2))
	f.Fuzz(func(t *testing.T, m uint8, n, k uint16, tA bool, alpha, beta float32, pad, off uint8, seed uint64) {
		if !slices.Contains(Available(), "avx2") {
			t.Skip("no avx2 on this CPU")
		}
		if math.IsNaN(float64(alpha)) || math.IsInf(float64(alpha), 0) || math.Abs(float64(alpha)) > 1e3 ||
			math.IsNaN(float64(beta)) || math.IsInf(float64(beta), 0) || math.Abs(float64(beta)) > 1e3 {
			t.Skip("scalars outside the tested range")
		}
		g := gemmCase{transA: tA, m: 1 + int(m)%inPlaceBMaxRows, n: 512 + int(n)%600, k: 256 + int(k)%400,
			alpha: alpha, beta: beta, pad: int(pad % 5), off: int(off % 16)}
		prev := Active()
		defer func() { _ = Use(prev) }()
		require.NoError(t, Use("avx2"))
		runGemmCase(t, NewWorkspace(), g, seed)
		columns, rows := columnsAndRows(t, g, seed)
		requireSameBits(t, fmt.Sprintf("%v: blockColumns vs blockTiles", g), columns, rows)
	})
}

// TestSgemmColumnsLineAligned: where B is read in place by columns with
// rows a multiple of 64 bytes apart but B itself off a line boundary (as
// numpy and malloc place large arrays, 16 bytes past one), the AVX2 path
// packs the columns before the first line boundary (leadColumns) and reads
// the rest in place from there — with the bits of the unshifted panels,
// for every offset, both A layouts, beta 0 and 1 (and beta 0.5, which
// keeps the unshifted panels), on one and two k blocks, and C's guards
// untouched.
func TestSgemmColumnsLineAligned(t *testing.T) {
	if !slices.Contains(Available(), "avx2") {
		t.Skip("no avx2 on this CPU")
	}
	prev := Active()
	defer func() { _ = Use(prev) }()
	require.NoError(t, Use("avx2"))
	r := newRand(77)
	for _, sh := range [][4]int{{128, 784, 256, 784}, {13, 300, 256, 304}, {40, 290, 700, 320}} {
		m, n, k, ldb := sh[0], sh[1], sh[2], sh[3]
		for _, tA := range []bool{false, true} {
			for _, beta := range []float32{0, 1, 0.5} {
				for off := 0; off < 16; off++ {
					ar, lda := m, k
					if tA {
						ar, lda = k, m
					}
					a, _ := guarded(r, ar*lda, 3)
					bbuf := Aligned(k*ldb + 16)
					for i := range bbuf {
						bbuf[i] = r.Float32()*4 - 2
					}
					b := bbuf[off : off+k*ldb]
					lead := gemmAVX2.leadColumns(b, ldb, n, beta)
					if want := (16 - off) % 16; beta == 0.5 {
						require.Zero(t, lead, "beta 0.5 keeps the unshifted panels")
					} else {
						require.Equal(t, want, lead, "offset %d", off)
					}
					shifted, check := guarded(r, m*n, 1)
					plain := slices.Clone(shifted)
					require.NoError(t, Sgemm(NewWorkspace(), tA, false, m, n, k, -0.75, a, lda, b, ldb, beta, shifted, n))
					check(t)
					gemmAVX2.alignB = false
					err := Sgemm(NewWorkspace(), tA, false, m, n, k, -0.75, a, lda, b, ldb, beta, plain, n)
					gemmAVX2.alignB = true
					require.NoError(t, err)
					requireSameBits(t, fmt.Sprintf("%v tA=%v beta=%v off=%d: lead columns vs none", sh, tA, beta, off), shifted, plain)
				}
			}
		}
	}
	require.Zero(t, gemmAVX2.leadColumns(Aligned(400)[1:], 20, 20, 1), "rows not equally aligned")
	require.Zero(t, gemmAVX2.leadColumns(Aligned(400)[1:], 32, 20, 1), "no whole panel after the lead")
}
