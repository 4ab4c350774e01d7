//go:build !noasm && !purego

package asm

import "slices"

// peakLoopNEON runs iters iterations of 24 independent 4-lane FMLA chains
// (peak_neon_arm64.s): 192 FLOP per iteration.
//
//go:noescape
func peakLoopNEON(iters int)

// peakLoop is the arm64 peakLoop for MeasurePeak: the FMA loop of path
// and the FLOP one iteration does. It is not wired in yet: peak_other.go
// still provides peakLoop on arm64 (see NEON.md).
func peakLoop(path string) (func(int), float64, error) {
	if path == "generic" {
		return nil, 0, errNoPeak
	}
	if path == "neon" && slices.Contains(Available(), path) {
		return peakLoopNEON, 24 * 4 * 2, nil
	}
	return nil, 0, unknownPeakPath(path)
}
