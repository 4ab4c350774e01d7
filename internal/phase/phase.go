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
	Count
)

var names = [Count]string{
	"check+guard", "gather", "forward product", "bias+activation", "loss",
	"delta product", "activation derivative", "weight product", "bias gradient",
	"update", "snapshot", "pool wait (within)",
}

func (id ID) String() string { return names[id] }

// Total is a phase's time and number of marks.
type Total struct {
	Nanos, Marks int64
}

// Table writes the totals as per-step microseconds and shares of the sum
// of the step's phases (pool wait, inside the others, is not summed). The
// cost of the marks themselves (MarkNanos each) is taken off each phase.
func Table(w io.Writer, t [Count]Total, steps int) { table(w, t, steps, MarkNanos()) }

func table(w io.Writer, t [Count]Total, steps int, cost float64) {
	for id := range t {
		t[id].Nanos = max(0, t[id].Nanos-int64(cost*float64(t[id].Marks)))
	}
	var sum int64
	for id, p := range t {
		if ID(id) != PoolWait {
			sum += p.Nanos
		}
	}
	if steps < 1 || sum == 0 {
		fmt.Fprintln(w, "phase: no marks (build with -tags entrena_phases)")
		return
	}
	fmt.Fprintf(w, "%-22s %10s %7s %8s\n", "phase", "µs/step", "share", "marks")
	for id, p := range t {
		if p.Marks == 0 {
			continue
		}
		fmt.Fprintf(w, "%-22s %10.2f %6.1f%% %8.1f\n", ID(id), float64(p.Nanos)/1e3/float64(steps),
			100*float64(p.Nanos)/float64(sum), float64(p.Marks)/float64(steps))
	}
	fmt.Fprintf(w, "%-22s %10.2f   (marks cost %.0f ns each, taken off)\n", "sum", float64(sum)/1e3/float64(steps), cost)
}

// Metric is a phase's short name as a testing.B metric unit.
func (id ID) Metric() string { return "ns-" + short[id] + "/op" }

var short = [Count]string{
	"check", "gather", "fwd", "biasact", "loss", "dprod", "deriv", "wprod", "bgrad", "update", "snapshot", "poolwait",
}
