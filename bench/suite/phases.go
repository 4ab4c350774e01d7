package suite

import (
	"fmt"
	"io"

	"github.com/v1tr0/entrena/internal/phase"
)

// phaseTotals adds up where one side's training steps spend their time,
// in a bench built with -tags entrena_phases (see internal/phase), read
// around each of the side's own calls so that interleaved sides stay apart.
type phaseTotals struct {
	t     phase.Totals
	steps int
}

func (p *phaseTotals) wrap(step func() error) func() error {
	if !phase.Enabled {
		return step
	}
	return func() error {
		before := phase.Read()
		defer func() { p.t, p.steps = p.t.Add(phase.Read().Sub(before)), p.steps+1 }()
		return step()
	}
}

// print writes the side's per-step table, if any.
func (p *phaseTotals) print(w io.Writer, row Row) {
	if p.steps > 0 {
		fmt.Fprintf(w, "\nphases of %s, %s, %d thread(s), %d calls (µs/step below: per call):\n", row.Name, row.Impl, row.Threads, p.steps)
		phase.Table(w, p.t, p.steps)
	}
}
