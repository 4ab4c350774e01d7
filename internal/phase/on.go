//go:build entrena_phases

package phase

import (
	"sync"
	"sync/atomic"
	"time"
)

// Enabled reports whether the marks are counted (-tags entrena_phases).
const Enabled = true

var base = time.Now()

var totals [Count]struct{ nanos, marks atomic.Int64 }

// Now is the mark a phase starts from.
func Now() int64 { return int64(time.Since(base)) }

// Since adds the time since mark t0 to phase id and returns the new mark.
func Since(id ID, t0 int64) int64 {
	t := Now()
	totals[id].nanos.Add(t - t0)
	totals[id].marks.Add(1)
	return t
}

// Read returns the totals since the last Reset.
func Read() (t [Count]Total) {
	for i := range totals {
		t[i] = Total{totals[i].nanos.Load(), totals[i].marks.Load()}
	}
	return t
}

// Reset sets every total to zero.
func Reset() {
	for i := range totals {
		totals[i].nanos.Store(0)
		totals[i].marks.Store(0)
	}
}

// MarkNanos is the measured cost of one Since, which its phase's total
// includes.
func MarkNanos() float64 {
	markOnce.Do(func() {
		var scratch [1]struct{ nanos, marks atomic.Int64 }
		const n = 1 << 14
		t0 := Now()
		t := t0
		for range n {
			u := Now()
			scratch[0].nanos.Add(u - t)
			scratch[0].marks.Add(1)
			t = u
		}
		markCost = float64(Now()-t0) / n
	})
	return markCost
}

var (
	markOnce sync.Once
	markCost float64
)
