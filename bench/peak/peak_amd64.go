//go:build !noasm && !purego

package peak

import (
	"slices"

	"github.com/v1tr0/entrena/asm"
)

//go:noescape
func peakLoopAVX2(iters int)

//go:noescape
func peakLoopAVX512(iters int)

// peakLoop returns the FMA loop of path and the FLOP one iteration does.
func peakLoop(path string) (func(int), float64, error) {
	if path == "generic" {
		return nil, 0, errNoPeak
	}
	if !slices.Contains(asm.Available(), path) {
		return nil, 0, unknownPeakPath(path)
	}
	switch path {
	case "avx2":
		return peakLoopAVX2, 12 * 8 * 2, nil
	case "avx512":
		return peakLoopAVX512, 12 * 16 * 2, nil
	}
	return nil, 0, unknownPeakPath(path)
}
