//go:build !noasm && !purego

package peak

import (
	"slices"

	"github.com/v1tr0/entrena/asm"
)

// peakLoopNEON runs iters iterations of 24 independent 4-lane FMLA chains
// (peak_neon_arm64.s): 192 FLOP per iteration.
//
//go:noescape
func peakLoopNEON(iters int)

// peakLoop returns the FMA loop of path for Measure and the FLOP one
// iteration does: only "neon" has one on arm64 (peak_other.go serves the
// noasm/purego builds and other architectures).
func peakLoop(path string) (func(int), float64, error) {
	if path == "generic" {
		return nil, 0, errNoPeak
	}
	if path == "neon" && slices.Contains(asm.Available(), path) {
		return peakLoopNEON, 24 * 4 * 2, nil
	}
	return nil, 0, unknownPeakPath(path)
}
