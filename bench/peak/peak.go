// Package peak measures a CPU core's fused multiply-add throughput on one
// of entrena's SIMD paths: the "100 %" every share of peak in the
// benchmark report is taken against, and a health probe between rounds.
package peak

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/v1tr0/entrena/asm"
)

// errNoPeak is returned by Measure for a path without a SIMD peak loop.
var errNoPeak = errors.New("no SIMD peak for generic")

// fmaLoop runs iters iterations of independent FMA chains, flops FLOP each.
type fmaLoop struct {
	run   func(iters int)
	flops float64
}

// loops are this build's FMA loops by path (peak_amd64.go, peak_arm64.go).
var loops = map[string]fmaLoop{}

// peakLoop returns the FMA loop of path and the FLOP one iteration does.
func peakLoop(path string) (func(int), float64, error) {
	if l, ok := loops[path]; ok && slices.Contains(asm.Available(), path) {
		return l.run, l.flops, nil
	} else if path == "generic" {
		return nil, 0, errNoPeak
	} else if slices.Contains(asm.KnownPaths(), path) {
		return nil, 0, fmt.Errorf("Measure: path %q is not available on this CPU or build", path)
	}
	return nil, 0, fmt.Errorf("Measure: unknown path %q (valid: %v)", path, asm.KnownPaths())
}

// Measure is the single-core FMA throughput of path ("avx2", "avx512",
// "neon") in GFLOPS, the best of 1 ms rounds of independent FMA chains on
// this goroutine for about d; "generic" or a path not runnable is an error.
func Measure(path string, d time.Duration) (gflops float64, err error) {
	loop, flopsPerIter, err := peakLoop(path)
	if err != nil {
		return 0, err
	}
	iters := 1 << 10 // a round of about 1 ms, then the best of the rounds that fit in d
	for t := time.Now(); iters < 1<<30; t = time.Now() {
		if loop(iters); time.Since(t) > time.Millisecond {
			break
		}
		iters *= 2
	}
	deadline := time.Now().Add(cmp.Or(d, 100*time.Millisecond))
	for rounds := 0; rounds < 3 || time.Now().Before(deadline); rounds++ {
		t := time.Now()
		loop(iters)
		gflops = max(gflops, float64(iters)*flopsPerIter/time.Since(t).Seconds()/1e9)
	}
	return gflops, nil
}
