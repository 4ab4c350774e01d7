//go:build !noasm && !purego

package asm

import "math"

// tinySGDKernel is the fused tiny step of tiny_avx2_amd64.s (shapes checked
// by NewTinySGD, batch and slices by TinySGD.Step), called directly: a
// function value would add an ABI wrapper to every call.
//
//go:noescape
func tinySGDKernel(s *tinyState, x, y *float32, batch int, scale float32) (sqerr float64, cost, zchk, uchk float32, clean bool)

// setTinyAVX2 marks k as running the fused tiny step (the avx512 path
// keeps it: one row of a tiny layer fills a YMM, not a ZMM).
func setTinyAVX2(k *kernelSet) { k.tinySGD = true }

// tinyColumns[in][i] gathers column i of an Out×in W of at most 16 floats
// from its two 8-float blocks (tiny_avx2_amd64.s): lane o holds W[o][i]'s
// index in its block, with the sign bit set where the block is the second
// (VPERMPS reads the low three bits, VBLENDVPS the sign). Lanes past Out
// are cleared after it.
var tinyColumns = func() (t [TinyMaxUnits + 1][TinyMaxUnits][8]int32) {
	for in := 1; in <= TinyMaxUnits; in++ {
		for i := range in {
			for o := range 8 {
				k := o*in + i
				t[in][i][o] = int32(k % 8)
				if k >= 8 {
					t[in][i][o] |= math.MinInt32
				}
			}
		}
	}
	return t
}()

// tinyFlat[in] spreads a sample's δ and P over the two 8-float blocks of an
// Out×in W's gradient: per block the output o and the input i of each lane
// k = o·in + i (o at most 7: past Out where the lane is past W in a block
// W uses, so that δ is 0 there).
var tinyFlat = func() (t [TinyMaxUnits + 1][2][2][8]int32) {
	for in := 1; in <= TinyMaxUnits; in++ {
		for b := range 2 {
			for j := range 8 {
				k := 8*b + j
				t[in][b][0][j] = int32(min(k/in, 7))
				t[in][b][1][j] = int32(k % in)
			}
		}
	}
	return t
}()
