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

type counter struct{ nanos, marks atomic.Int64 }

var (
	totals      [Count]counter
	layerTotals [Count][Layers]counter
)

// Now is the mark a phase starts from.
func Now() int64 { return int64(time.Since(base)) }

// Since adds the time since mark t0 to phase id and returns the new mark.
func Since(id ID, t0 int64) int64 {
	t := Now()
	totals[id].nanos.Add(t - t0)
	totals[id].marks.Add(1)
	return t
}

// SinceLayer is Since for a phase run per layer: it also adds to the
// layer's row (layer counts from 0).
func SinceLayer(id ID, layer int, t0 int64) int64 {
	t := Now()
	totals[id].nanos.Add(t - t0)
	totals[id].marks.Add(1)
	c := &layerTotals[id][min(layer, Layers-1)]
	c.nanos.Add(t - t0)
	c.marks.Add(1)
	return t
}

// Read returns the totals since the last Reset.
func Read() (t Totals) {
	for i := range totals {
		t.Phase[i] = Total{totals[i].nanos.Load(), totals[i].marks.Load()}
		for l := range layerTotals[i] {
			c := &layerTotals[i][l]
			t.Layer[i][l] = Total{c.nanos.Load(), c.marks.Load()}
		}
	}
	return t
}

// Reset sets every total to zero.
func Reset() {
	for i := range totals {
		totals[i].nanos.Store(0)
		totals[i].marks.Store(0)
		for l := range layerTotals[i] {
			layerTotals[i][l].nanos.Store(0)
			layerTotals[i][l].marks.Store(0)
		}
	}
}

// MarkNanos is the measured cost of one Since, which its phase's total
// includes.
func MarkNanos() float64 {
	markOnce.Do(func() {
		var scratch [1]counter
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
