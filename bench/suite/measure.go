package suite

import (
	"runtime"
	"time"
)

// timing controls how long each measurement runs.
type timing struct {
	reps   int           // timed repetitions
	minRep time.Duration // each repetition runs at least this long
}

// measured is the outcome of measure.
type measured struct {
	reps       int
	opsRep     int64
	median     float64 // seconds per operation
	lo, hi     float64
	allocsOp   float64
	firstError error
}

// measure runs op repeatedly: first calibrating how many calls make one
// repetition of at least t.minRep, then t.reps timed repetitions. It
// reports seconds per call (median, min, max over the repetitions) and heap
// allocations per call over the timed part (runtime.MemStats.Mallocs, which
// counts every goroutine: the suite runs nothing else meanwhile). op
// returning an error stops the measurement.
func measure(t timing, op func() error) measured {
	var m measured
	// Warm up once (first-use allocations, page faults, packing buffers).
	if err := op(); err != nil {
		m.firstError = err
		return m
	}
	n := int64(1)
	for {
		start := time.Now()
		for i := int64(0); i < n; i++ {
			if err := op(); err != nil {
				m.firstError = err
				return m
			}
		}
		el := time.Since(start)
		if el >= t.minRep || n >= 1<<30 {
			break
		}
		// Aim a little past minRep from what this round took.
		if el <= 0 {
			n *= 100
			continue
		}
		next := int64(float64(n) * 1.2 * float64(t.minRep) / float64(el))
		if next <= n {
			next = n + 1
		}
		if next > 100*n {
			next = 100 * n
		}
		n = next
	}
	reps := t.reps
	if reps < 1 {
		reps = 1
	}
	per := make([]float64, reps)
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	for r := 0; r < reps; r++ {
		start := time.Now()
		for i := int64(0); i < n; i++ {
			if err := op(); err != nil {
				m.firstError = err
				return m
			}
		}
		per[r] = time.Since(start).Seconds() / float64(n)
	}
	runtime.ReadMemStats(&ms1)
	m.reps, m.opsRep = reps, n
	m.median, m.lo, m.hi = stats(per)
	m.allocsOp = float64(ms1.Mallocs-ms0.Mallocs) / float64(int64(reps)*n)
	return m
}

// row fills the timing fields of r from m.
func (m measured) row(r Row) Row {
	r.Reps, r.OpsRep = m.reps, m.opsRep
	r.Median, r.Min, r.Max = m.median, m.lo, m.hi
	r.Allocs = m.allocsOp
	return r
}
