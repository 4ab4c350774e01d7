// Package peak measures a CPU core's fused multiply-add throughput on one
// of entrena's SIMD paths: the "100 %" every share of peak in the
// benchmark report is taken against, and a health probe between rounds.
package peak

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/v1tr0/entrena/asm"
)

// fmaLoop runs iters iterations of independent FMA chains, flops FLOP each.
type fmaLoop struct {
	run   func(iters int)
	flops float64
}

// loops are this build's FMA loops by path (peak_amd64.go, peak_arm64.go).
var loops = map[string]fmaLoop{}

// Measure is the single-core FMA throughput of path ("avx2", "avx512",
// "neon") in GFLOPS, the best of 1 ms rounds of independent FMA chains on
// this goroutine for about d; "generic" (no FMA loop) or a path not
// runnable here is an error.
func Measure(path string, d time.Duration) (gflops float64, err error) {
	l, ok := loops[path]
	if !ok || !slices.Contains(asm.Available(), path) {
		return 0, fmt.Errorf("peak: no FMA loop for path %q on this CPU and build (available: %v)", path, asm.Available())
	}
	iters := 1 << 10 // a round of about 1 ms, then the best of the rounds that fit in d
	for t := time.Now(); iters < 1<<30; t = time.Now() {
		if l.run(iters); time.Since(t) > time.Millisecond {
			break
		}
		iters *= 2
	}
	deadline := time.Now().Add(cmp.Or(d, 100*time.Millisecond))
	for rounds := 0; rounds < 3 || time.Now().Before(deadline); rounds++ {
		t := time.Now()
		l.run(iters)
		gflops = max(gflops, float64(iters)*l.flops/time.Since(t).Seconds()/1e9)
	}
	return gflops, nil
}
