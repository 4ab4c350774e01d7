package suite

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"math"
	"slices"
	"strconv"
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
	calls    int64                                               // ops per turn, once calibrated (preset 1 for an epoch)
	once     bool                                                // a turn is one call by design (an epoch), timed as it comes
	external bool                                                // a peer: its comparison takes longer turns
	lingers  bool                                                // on more threads, its BLAS threads spin a while after its turn
	bench    func(b *testing.B)                                  // a Go side
	peer     func(budget time.Duration) (sec float64, err error) // otherwise: seconds per op
	finish   func(row *Row)                                      // what the rounds do not measure (accuracy)
	close    func()                                              // releases what the side holds, after its row
	times    []float64                                           // seconds per op, one per recorded turn
	allocs   float64
	err      error
}

// goTurn runs s.bench through testing.Benchmark: for about budget in the
// calibrating round, then for the calibrated number of calls.
func goTurn(s *side, budget time.Duration) float64 {
	testing.Init() // the test.* flags, once
	bt := budget.String()
	if s.calls > 0 {
		bt = strconv.FormatInt(s.calls, 10) + "x"
	}
	if err := flag.Set("test.benchtime", bt); err != nil {
		panic(err)
	}
	bench := func(b *testing.B) { b.ReportAllocs(); s.bench(b) }
	if s.calls == 1 && !s.once {
		// A turn of one call times its first call after the other sides'
		// turns (operands out of cache, threads parked); testing.Benchmark
		// discards that call only when it makes more. One untimed call
		// first, as the C peers and the Python workers make.
		benchErr = nil
		testing.Benchmark(bench)
	}
	benchErr = nil
	res := testing.Benchmark(bench)
	if res.N == 0 || benchErr != nil {
		s.err = cmp.Or(benchErr, errors.New("the benchmark failed"))
		return 0
	}
	s.calls, s.allocs = int64(res.N), float64(res.MemAllocs)/float64(res.N)
	return res.T.Seconds() / float64(res.N)
}

// measureWork runs the sides of one piece of work in rounds and adds a row
// per side. Every side is paired with its reference (refOf): after a health
// probe a round runs, per reference R, the turns R A R B R … (the others'
// order rotating from round to round), and a side's ratio in the round is
// R's speed in the two turns beside it (their geometric mean) over its own,
// so that a phase of the machine lands on both sides of a ratio. A row has
// the median of its per-round ratios with their range and the ~95 %
// interval of that median, and the medians of its own turns. rounds 0: the
// run's rounds after an unrecorded round that warms up and calibrates the
// calls per turn; otherwise that many rounds, each turn calibrating itself.
func (r *runner) measureWork(sides []*side, rounds int) {
	budget, first := r.budget, 0
	if rounds == 0 {
		rounds, first = r.rounds, -1
		if slices.ContainsFunc(sides, func(s *side) bool { return s.external }) {
			budget = r.peerBudget
		}
	}
	var refs []*side
	against := map[*side][]*side{} // a reference's sides, in their order
	for _, s := range sides {
		if ref := refOf(sides, s); ref != s {
			if against[ref] == nil {
				refs = append(refs, ref)
			}
			against[ref] = append(against[ref], s)
		}
	}
	if len(refs) == 0 {
		refs = sides[:1]
	}
	ratios := map[*side][]float64{} // a side's ratio in each recorded round (0: a turn failed)
	var probes []int
	for round := first; round < rounds; round++ {
		if round < 0 { // warm-up: every side once
			for _, s := range sides {
				r.turn(s, budget, false)
			}
			continue
		}
		probes = append(probes, r.probe())
		for g := range refs {
			ref := refs[(g+round)%len(refs)]
			prev, others := r.turn(ref, budget, true), against[ref]
			for i := range others {
				s := others[(i+round)%len(others)]
				sec := r.turn(s, budget, true)
				next := r.turn(ref, budget, true)
				if sec > 0 && prev > 0 && next > 0 {
					if ratios[s] == nil {
						ratios[s] = make([]float64, rounds)
					}
					ratios[s][round] = ref.per * sec / (s.per * math.Sqrt(prev*next))
				}
				prev = next
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
		row.Reps, row.OpsRep, row.probes, row.Allocs = rounds, s.calls, probes, map[bool]float64{true: s.allocs, false: -1}[s.bench != nil]
		row.Median, row.Min, row.Max = stats(s.times)
		row.Metric = s.per / row.Median
		if pk := r.peak(row.Path); s.flops > 0 && pk > 0 && row.Path != "generic" {
			row.PctPeak = 100 * s.flops / row.Median / 1e9 / (pk * float64(row.Threads))
		}
		if got := slices.DeleteFunc(slices.Clone(ratios[s]), func(q float64) bool { return q == 0 }); len(got) > 0 {
			ref := refOf(sides, s)
			row.Ratio, row.RatioLo, row.RatioHi = stats(got)
			row.RatioCI, row.RoundRatios = medianInterval(got, row.Ratio), ratios[s]
			row.Versus = fmt.Sprintf("%s, %d thread(s)", ref.row.Impl, ref.row.Threads)
		}
		if s.finish != nil {
			s.finish(&row)
		}
		r.rep.Rows = append(r.rep.Rows, row)
	}
	for _, s := range sides {
		if s.close != nil {
			s.close()
		}
	}
	r.use(r.best())
}

// turn runs side s once for about budget and returns its seconds per op
// (recorded with record), or 0 once it has failed.
func (r *runner) turn(s *side, budget time.Duration, record bool) (sec float64) {
	if s.err != nil {
		return 0
	}
	if s.bench != nil {
		sec = goTurn(s, budget)
	} else {
		sec, s.err = s.peer(budget)
	}
	if s.lingers && s.row.Threads != 1 {
		time.Sleep(r.settle) // not into the next turn
	}
	if s.err != nil {
		return 0
	}
	if record {
		s.times = append(s.times, sec)
	}
	return sec
}

// medianInterval is the relative half-width of a distribution-free ~95 %
// confidence interval of the median of xs (order statistics; with fewer
// than 6 values the whole range): how far another run's median may well lie.
func medianInterval(xs []float64, med float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	n, j := len(s), 0
	// The interval from the j-th lowest to the j-th highest misses the
	// median with probability 2·P(Binomial(n, ½) < j): the widest j with
	// at most 5 %.
	for c, tail := 1.0, 0.0; 2*(tail+c/math.Exp2(float64(n))) <= 0.05; j++ {
		tail += c / math.Exp2(float64(n)) // P(X ≤ j)
		c = c * float64(n-j) / float64(j+1)
	}
	if n == 0 || med <= 0 {
		return 0
	}
	j = max(j-1, 0)
	return max(med/s[j], s[n-1-j]/med) - 1
}

// refOf is what a side's ratio is against: entrena's first side on the
// same threads, or (for entrena's other paths and thread counts) the first.
func refOf(sides []*side, s *side) *side {
	for _, o := range sides {
		if o == s {
			break
		} else if isGo(o.row.Impl) && o.row.Threads == s.row.Threads {
			return o
		}
	}
	return sides[0]
}

// probe measures the FMA peak of the best path, the copy bandwidth beyond
// the caches and the best path's SGEMM on operands in L1 (kernelProbe), and
// returns the probe's index.
func (r *runner) probe() int {
	g, _ := peak.Measure(r.best(), 3*time.Millisecond)
	if r.probeSrc == nil {
		n := min(max(2*r.rep.Machine.L3, 64<<20)/8, 64<<20)
		r.probeSrc, r.probeDst = asm.Aligned(n), asm.Aligned(n)
		r.probeL1, r.probeWS = asm.Aligned(3*probeSide*probeSide), asm.NewWorkspace()
	}
	t := time.Now()
	copy(r.probeDst, r.probeSrc)
	bw := float64(8*len(r.probeSrc)) / time.Since(t).Seconds() / 1e9
	r.probes = append(r.probes, [3]float64{g, bw, r.kernelProbe()})
	return len(r.probes) - 1
}

// kernelProbe is the GFLOPS of the best path's SGEMM on probeSide² operands,
// all in L1, over 3 ms. It dips where the FMA probe (registers only) does
// not: on a VM whose vCPU shares a core with another tenant's thread, the
// loads are shared, and a training step slows with this probe (on a Zen 3
// VM its speed and one-thread Fit's correlated 0.80, the FMA probe's 0.56).
func (r *runner) kernelProbe() float64 {
	r.use(r.best())
	n := probeSide * probeSide
	a, b, c := r.probeL1[:n], r.probeL1[n:2*n], r.probeL1[2*n:]
	t, calls := time.Now(), 0
	for ; time.Since(t) < 3*time.Millisecond; calls++ {
		_ = asm.Sgemm(r.probeWS, false, false, probeSide, probeSide, probeSide, 1, a, probeSide, b, probeSide, 0, c, probeSide)
	}
	return float64(calls) * 2 * probeSide * probeSide * probeSide / time.Since(t).Seconds() / 1e9
}

// probeSide is the side of kernelProbe's matrices: three fit a 48 KiB L1.
const probeSide = 64

// A round is flagged when its probe falls below these shares of the run's
// median peak or bandwidth, or of its best kernel probe (a run may spend
// most of its time in such a phase, so not its median).
const peakDip, bandwidthDip, kernelDip = 0.9, 0.8, 0.85

// finishHealth flags the dipped rounds of every row and fills rep.Health.
func (r *runner) finishHealth() {
	if len(r.probes) == 0 {
		return
	}
	var pk, bw, kn []float64
	for _, p := range r.probes {
		pk, bw, kn = append(pk, p[0]), append(bw, p[1]), append(kn, p[2])
	}
	h := &Health{Rounds: len(r.probes), PeakGFLOPS: median(pk), BandwidthGBs: median(bw), PeakDip: peakDip, BandwidthDip: bandwidthDip,
		BandwidthNote: fmt.Sprintf("Go copy of %d MiB (8 B per float moved)", len(r.probeSrc)*4>>20),
		KernelGFLOPS:  slices.Max(kn), KernelDip: kernelDip}
	dipped := func(i int) int {
		return map[bool]int{true: 1}[pk[i] < peakDip*h.PeakGFLOPS || bw[i] < bandwidthDip*h.BandwidthGBs || kn[i] < kernelDip*h.KernelGFLOPS]
	}
	for i := range r.probes {
		h.Flagged += dipped(i)
	}
	for i := range r.rep.Rows {
		row := &r.rep.Rows[i]
		for _, p := range row.probes {
			row.Flagged += dipped(p)
			if row.RoundRatios != nil {
				row.RoundFlagged = append(row.RoundFlagged, dipped(p) == 1)
			}
		}
	}
	r.rep.Health = h
}
