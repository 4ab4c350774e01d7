//go:build !noasm && !purego

package asm

import "testing"

// TestTinyTables: tinyColumns gathers column i of every Out×in W of at
// most 16 floats from its two 8-float blocks (the permute and blend the
// kernel runs, in Go), and tinyFlat names the o and i of every lane of
// W's flat blocks, with o past Out where the lane is past W in a block W
// uses (δ is 0 there).
func TestTinyTables(t *testing.T) {
	for in := 1; in <= TinyMaxUnits; in++ {
		for out := 1; out*in <= 16 && out <= TinyMaxUnits; out++ {
			var w [16]float32
			for k := range in * out {
				w[k] = float32(k + 1)
			}
			for i := range in {
				for o := range out {
					idx := tinyColumns[in][i][o]
					block := w[:8]
					if idx < 0 {
						block = w[8:]
					}
					if got, want := block[idx&7], w[o*in+i]; got != want {
						t.Fatalf("%d×%d: column %d, lane %d: %v, want W[%d][%d] = %v", out, in, i, o, got, o, i, want)
					}
				}
			}
			for k := range 16 {
				o, i := int(tinyFlat[in][k/8][0][k%8]), int(tinyFlat[in][k/8][1][k%8])
				if k < in*out && o*in+i != k {
					t.Fatalf("%d×%d: flat lane %d is o %d, i %d", out, in, k, o, i)
				}
				if k >= in*out && k < (in*out+7)/8*8 && o < out {
					t.Fatalf("%d×%d: lane %d past W names output %d", out, in, k, o)
				}
				if i >= in || o > 7 {
					t.Fatalf("%d×%d: lane %d names o %d, i %d", out, in, k, o, i)
				}
			}
		}
	}
}
