// Package phase times the parts of a training step. Built with
// -tags entrena_phases, each Since adds the time since the previous mark to
// its phase; built without it, Now and Since are empty functions the
// compiler removes, so the marks stay in the step at no cost.
//
// Totals are process-wide: read them around one network's steps.
package phase

import (
	"fmt"
	"io"
)

// ID names a phase of a step.
type ID uint8

const (
	Check          ID = iota // claim, shape checks, NaN/Inf scans, the guard's norms and bound
	Gather                   // Fit's copy of shuffled rows into the batch buffers
	ForwardProduct           // z = a·Wᵀ
	BiasActivation           // a = f(z + b)
	Loss                     // cost and δ of the output layer
	DeltaProduct             // δ·W for the layer below
	Derivative               // δ ⊙ f′(a)
	WeightProduct            // δᵀ·a: the weight gradient, or the fused SGD update of W
	BiasGradient             // column sums of δ (and the fused SGD update of b)
	Update                   // the optimizer pass over the parameters
	Snapshot                 // the exact guard's copy, scan and restore of the state
	PoolWait                 // the caller waiting for workers (inside the phases above)
	Rows                     // forward, loss and δs by blocks of rows over the pool (core/rows.go)
	Count
)

var names = [Count]string{
	"check+guard", "gather", "forward product", "bias+activation", "loss",
	"delta product", "activation derivative", "weight product", "bias gradient",
	"update", "snapshot", "pool wait (within)", "forward+δ by rows",
}

func (id ID) String() string { return names[id] }

// Total is a phase's time and number of marks.
type Total struct {
	Nanos, Marks int64
}

// Layers is how many layers the per-layer rows tell apart; the last row
// holds that layer and every deeper one.
const Layers = 4

// Totals are every phase's totals and, for the phases marked per layer
// (SinceLayer), their split by layer.
type Totals struct {
	Phase [Count]Total
	Layer [Count][Layers]Total
}

// Sub returns t − u: the totals of the marks made between two Reads.
func (t Totals) Sub(u Totals) Totals {
	for id := range t.Phase {
		t.Phase[id].Nanos -= u.Phase[id].Nanos
		t.Phase[id].Marks -= u.Phase[id].Marks
		for l := range t.Layer[id] {
			t.Layer[id][l].Nanos -= u.Layer[id][l].Nanos
			t.Layer[id][l].Marks -= u.Layer[id][l].Marks
		}
	}
	return t
}

// Add returns t + u.
func (t Totals) Add(u Totals) Totals {
	for id := range t.Phase {
		t.Phase[id].Nanos += u.Phase[id].Nanos
		t.Phase[id].Marks += u.Phase[id].Marks
		for l := range t.Layer[id] {
			t.Layer[id][l].Nanos += u.Layer[id][l].Nanos
			t.Layer[id][l].Marks += u.Layer[id][l].Marks
		}
	}
	return t
}

// Table writes the totals as per-step microseconds and shares of the sum
// of the step's phases (pool wait, inside the others, is not summed), with
// the per-layer phases split by layer. The cost of the marks themselves
// (MarkNanos each) is taken off each phase.
func Table(w io.Writer, t Totals, steps int) { table(w, t, steps, MarkNanos()) }

func table(w io.Writer, t Totals, steps int, cost float64) {
	net := func(p Total) int64 { return max(0, p.Nanos-int64(cost*float64(p.Marks))) }
	var sum int64
	for id, p := range t.Phase {
		if ID(id) != PoolWait {
			sum += net(p)
		}
	}
	if steps < 1 || sum == 0 {
		fmt.Fprintln(w, "phase: no marks (build with -tags entrena_phases)")
		return
	}
	row := func(name string, p Total) {
		fmt.Fprintf(w, "%-22s %10.2f %6.1f%% %8.1f\n", name, float64(net(p))/1e3/float64(steps),
			100*float64(net(p))/float64(sum), float64(p.Marks)/float64(steps))
	}
	fmt.Fprintf(w, "%-22s %10s %7s %8s\n", "phase", "µs/step", "share", "marks")
	for id, p := range t.Phase {
		if p.Marks == 0 {
			continue
		}
		row(ID(id).String(), p)
		for l, q := range t.Layer[id] {
			if q.Marks > 0 {
				row(fmt.Sprintf("  layer %d", l+1), q)
			}
		}
	}
	fmt.Fprintf(w, "%-22s %10.2f   (marks cost %.0f ns each, taken off)\n", "sum", float64(sum)/1e3/float64(steps), cost)
}

// Metric is a phase's short name as a testing.B metric unit.
func (id ID) Metric() string { return "ns-" + short[id] + "/op" }

var short = [Count]string{
	"check", "gather", "fwd", "biasact", "loss", "dprod", "deriv", "wprod", "bgrad", "update", "snapshot", "poolwait", "rows",
}
