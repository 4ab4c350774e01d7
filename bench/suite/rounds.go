package suite

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/bench/peak"
)

// side is one implementation of a piece of work.
type side struct {
	row      Row
	per      float64                                             // units of the metric per op: GFLOP, G elements, GB, samples
	flops    float64                                             // FLOP per op, for the share of the FMA peak (0: none)
	calls    int64                                               // ops per round, once calibrated (preset 1 for an epoch)
	external bool                                                // a peer: the comparison takes more and longer rounds
	lingers  bool                                                // a peer process that lives on: its BLAS threads spin a while after its round
	bench    func(b *testing.B)                                  // a Go side
	peer     func(budget time.Duration) (sec float64, err error) // otherwise: seconds per op
	finish   func(row *Row)                                      // what the rounds do not measure (accuracy)
	times    []float64                                           // seconds per op, one per recorded round
	allocs   float64
	err      error
}

var initTesting sync.Once

// goRound runs s.bench through testing.Benchmark: for about budget in the
// calibrating round, then for the calibrated number of calls.
func goRound(s *side, budget time.Duration) float64 {
	initTesting.Do(testing.Init)
	bt := budget.String()
	if s.calls > 0 {
		bt = strconv.FormatInt(s.calls, 10) + "x"
	}
	if err := flagSet("test.benchtime", bt); err != nil {
		panic(err)
	}
	benchErr = nil
	res := testing.Benchmark(func(b *testing.B) { b.ReportAllocs(); s.bench(b) })
	if res.N == 0 || benchErr != nil {
		s.err = cmp.Or(benchErr, errors.New("the benchmark failed"))
		return 0
	}
	s.calls, s.allocs = int64(res.N), float64(res.MemAllocs)/float64(res.N)
	return res.T.Seconds() / float64(res.N)
}

// measureWork runs the sides of one piece of work in rounds: each a health
// probe, then every side for about the budget in a rotated order (A B C,
// B C A, …) so a slow phase lands on all of them; and adds a row per side
// with the median of its per-round ratios to its reference (refOf). rounds
// 0: the run's rounds (a peer's if one takes part) after a calibrating
// warm-up round; otherwise that many rounds, each side calibrating itself.
// Short rounds keep the sides of a round close in time.
func (r *runner) measureWork(sides []*side, rounds int) {
	budget, first := r.budget, 0
	if rounds == 0 {
		rounds, first = r.rounds, -1
		for _, s := range sides {
			if s.external {
				rounds, budget = max(rounds, r.peerRounds), max(budget, r.peerBudget)
			}
		}
	}
	var probes []int
	for round := first; round < rounds; round++ {
		if round >= 0 {
			probes = append(probes, r.probe())
		}
		for i := range sides {
			s := sides[(i+max(round, 0))%len(sides)]
			if s.err != nil {
				continue
			}
			var sec float64
			if s.bench != nil {
				sec = goRound(s, budget)
			} else {
				sec, s.err = s.peer(budget)
			}
			if round >= 0 && s.err == nil {
				s.times = append(s.times, sec)
			}
			if s.lingers && s.row.Threads != 1 {
				time.Sleep(r.settle) // not into the next side's round
			}
		}
		r.progress()
	}
	for _, s := range sides {
		if s.err != nil || len(s.times) == 0 {
			r.skip("%s %s (%d threads): %v", s.row.Name, s.row.Impl, s.row.Threads, s.err)
			continue
		}
		row := s.row
		row.Reps, row.OpsRep, row.probes, row.Allocs = len(s.times), s.calls, probes, -1
		row.Median, row.Min, row.Max = stats(s.times)
		row.Metric = s.per / row.Median
		if s.bench != nil {
			row.Allocs = s.allocs
		}
		if pk := r.peak(row.Path); s.flops > 0 && pk > 0 && row.Path != "generic" {
			row.PctPeak = 100 * s.flops / row.Median / 1e9 / (pk * float64(row.Threads))
		}
		if ref := refOf(sides, s); ref != s && ref.err == nil && len(ref.times) == len(s.times) {
			var ratios []float64
			for k := range s.times {
				ratios = append(ratios, (ref.per/ref.times[k])/(s.per/s.times[k]))
			}
			row.Ratio, row.RatioLo, row.RatioHi = stats(ratios)
			row.Versus = fmt.Sprintf("%s, %d thread(s)", ref.row.Impl, ref.row.Threads)
		}
		if s.finish != nil {
			s.finish(&row)
		}
		r.add(row)
	}
}

// refOf is what a side's ratio is against: entrena's first side on the
// same threads, or (for entrena's other paths and thread counts) the first.
func refOf(sides []*side, s *side) *side {
	for _, o := range sides {
		if o == s {
			break
		} else if strings.HasPrefix(o.row.Impl, "entrena/") && o.row.Threads == s.row.Threads {
			return o
		}
	}
	return sides[0]
}

// probe measures the FMA peak of the best path and the copy bandwidth
// beyond the caches, and returns the probe's index.
func (r *runner) probe() int {
	g, _ := peak.Measure(r.best(), 3*time.Millisecond)
	if r.probeSrc == nil {
		n := min(max(2*r.rep.Machine.L3, 64<<20)/8, 64<<20)
		r.probeSrc, r.probeDst = asm.Aligned(n), asm.Aligned(n)
	}
	t := time.Now()
	copy(r.probeDst, r.probeSrc)
	r.probes = append(r.probes, [2]float64{g, float64(8*len(r.probeSrc)) / time.Since(t).Seconds() / 1e9})
	return len(r.probes) - 1
}

// A round is flagged when its probe falls below these shares of the run's
// median peak or bandwidth.
const peakDip, bandwidthDip = 0.9, 0.8

// finishHealth flags the dipped rounds of every row and fills rep.Health.
func (r *runner) finishHealth() {
	if len(r.probes) == 0 {
		return
	}
	var pk, bw []float64
	for _, p := range r.probes {
		pk, bw = append(pk, p[0]), append(bw, p[1])
	}
	h := &Health{Rounds: len(r.probes), PeakGFLOPS: median(pk), BandwidthGBs: median(bw), PeakDip: peakDip, BandwidthDip: bandwidthDip,
		BandwidthNote: fmt.Sprintf("Go copy of %d MiB (8 B per float moved)", len(r.probeSrc)*4>>20)}
	dipped := func(i int) bool { return pk[i] < peakDip*h.PeakGFLOPS || bw[i] < bandwidthDip*h.BandwidthGBs }
	for i := range r.probes {
		if dipped(i) {
			h.Flagged++
		}
	}
	for i := range r.rep.Rows {
		for _, p := range r.rep.Rows[i].probes {
			if dipped(p) {
				r.rep.Rows[i].Flagged++
			}
		}
	}
	r.rep.Health = h
}
