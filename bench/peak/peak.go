// Package peak measures a CPU core's fused multiply-add throughput on one
// of entrena's SIMD paths: the "100 %" every share of peak in the
// benchmark report is taken against, and a health probe between rounds.
package peak

import (
	"errors"
	"fmt"
	"time"

	"github.com/v1tr0/entrena/asm"
)

// errNoPeak is returned by Measure for a path without a SIMD peak loop.
var errNoPeak = errors.New("no SIMD peak for generic")

// Measure measures the single-core fused multiply-add throughput of a
// kernel path, in GFLOPS (one FMA = 2 FLOP), by running a loop of
// independent vector FMA chains on the calling goroutine for about d. It is
// the "100 %" a GEMM benchmark compares against. path is "avx2" (12 chains
// of YMM, 8 lanes), "avx512" (12 chains of ZMM, 16 lanes) or "neon" (24
// chains of FMLA on Q registers, 4 lanes); an unknown path, one this CPU or
// build cannot run, or "generic" (which has no SIMD loop) returns an error. The figure is
// the best of several rounds, so noise from other processes lowers it less.
func Measure(path string, d time.Duration) (gflops float64, err error) {
	loop, flopsPerIter, err := peakLoop(path)
	if err != nil {
		return 0, err
	}
	if d <= 0 {
		d = 100 * time.Millisecond
	}
	// Calibrate a round of about 1 ms, then keep the best of the rounds
	// that fit in d.
	iters := 1 << 10
	for {
		t := time.Now()
		loop(iters)
		if time.Since(t) > time.Millisecond || iters >= 1<<30 {
			break
		}
		iters *= 2
	}
	deadline := time.Now().Add(d)
	for rounds := 0; rounds < 3 || time.Now().Before(deadline); rounds++ {
		t := time.Now()
		loop(iters)
		el := time.Since(t).Seconds()
		if g := float64(iters) * flopsPerIter / el / 1e9; g > gflops {
			gflops = g
		}
	}
	return gflops, nil
}

// unknownPeakPath is the error for a path name with no peak loop here.
func unknownPeakPath(path string) error {
	for _, name := range asm.KnownPaths() {
		if name == path {
			return fmt.Errorf("Measure: path %q is not available on this CPU or build", path)
		}
	}
	return fmt.Errorf("Measure: unknown path %q (valid: %v)", path, asm.KnownPaths())
}
