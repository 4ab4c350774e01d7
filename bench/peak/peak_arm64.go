//go:build !noasm && !purego

package peak

// peakLoopNEON runs iters iterations of 24 independent 4-lane FMLA chains
// (peak_neon_arm64.s): 192 FLOP per iteration.
//
//go:noescape
func peakLoopNEON(iters int)

func init() { loops["neon"] = fmaLoop{peakLoopNEON, 24 * 4 * 2} }
