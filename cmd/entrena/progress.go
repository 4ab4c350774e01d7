package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"github.com/v1tr0/entrena/core"
	"github.com/v1tr0/entrena/pool"
)

// reporter prints training progress: a progress bar with throughput and
// ETA, redrawn in place, when the output is a terminal; and the loss every
// N epochs, as the seed's training cycle does, always.
type reporter struct {
	w     io.Writer
	tty   bool // draw the bar
	width int  // terminal columns
	every int  // print the loss every N epochs (0: never)
	label string
	test  bool // validation figures are in the reports
	// regression: no accuracy; regress scores the test set every epoch.
	regression bool
	regress    *regressTrack
	lastScores scores
	samples    int       // per epoch
	start      time.Time // of the run
	drawn      time.Time // last bar redraw
	barLen     int       // characters of the bar on screen now
	stop       *atomic.Bool
	last       core.Progress // latest report, for the interrupt message

	// threads reads the network's thread stats at the end of every epoch
	// (nil: not reported): a busy machine may take threads away for a
	// while and give them back before training ends.
	threads     func() pool.Stats
	epochsDone  int
	fewerEpochs int        // epochs that ended with fewer threads than the ceiling
	fewer       pool.Stats // the last of those
}

func newReporter(w io.Writer, every, samples int, stop *atomic.Bool) *reporter {
	r := &reporter{w: w, every: every, samples: samples, stop: stop, start: time.Now()}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		r.tty = true
		r.width = 80
		if c, _, err := term.GetSize(int(f.Fd())); err == nil && c > 20 {
			r.width = c
		}
	}
	return r
}

// progress is the core.FitOptions.Progress callback.
func (r *reporter) progress(p core.Progress) bool {
	r.last = p
	if !p.EpochDone {
		if r.tty && time.Since(r.drawn) >= 100*time.Millisecond {
			r.drawBar(p)
		}
		return !r.stop.Load()
	}
	r.clearBar()
	if r.threads != nil {
		r.epochsDone++
		if st := r.threads(); st.InUse < st.Threads {
			r.fewerEpochs++
			r.fewer = st
		}
	}
	if r.regress != nil {
		r.lastScores = r.regress.epoch()
	}
	if r.every > 0 && (p.Epoch == 1 || p.Epoch%r.every == 0 || p.Epoch == p.Epochs) {
		r.epochLine(p)
	}
	return !r.stop.Load()
}

// threadsLine tells a user whose training ran on fewer threads than it
// may how many and why; "" when every epoch ended with all of them.
func (r *reporter) threadsLine() string {
	switch {
	case r.fewerEpochs == 0:
		return ""
	case r.fewerEpochs == r.epochsDone:
		return "threads: " + r.fewer.String()
	}
	return fmt.Sprintf("threads: at the end of %d of %d epoch%s, %s", r.fewerEpochs, r.epochsDone, plural(r.epochsDone), r.fewer)
}

func (r *reporter) epochLine(p core.Progress) {
	var b strings.Builder
	fmt.Fprintf(&b, "%sEpoch %*d/%d: loss = %.6f", r.label, len(fmt.Sprint(p.Epochs)), p.Epoch, p.Epochs, p.Cost)
	switch {
	case r.test && r.regress != nil:
		fmt.Fprintf(&b, "  test loss = %.4f  test %s", p.ValLoss, r.lastScores)
	case r.test && r.regression:
		fmt.Fprintf(&b, "  test loss = %.4f", p.ValLoss)
	case r.test:
		fmt.Fprintf(&b, "  test loss = %.4f  test acc = %.2f%%", p.ValLoss, 100*p.ValAcc)
	}
	if s := p.Elapsed.Seconds(); s > 0 && p.Samples > 100 {
		fmt.Fprintf(&b, "  [%s, %s samples/s]", round(p.Elapsed), si(float64(p.Samples)/s))
	}
	fmt.Fprintln(r.w, b.String())
}

// drawBar redraws the progress bar of the current epoch in place.
func (r *reporter) drawBar(p core.Progress) {
	r.drawn = time.Now()
	done := float64(p.Samples) / float64(r.samples)
	rate := 0.0
	if s := p.Elapsed.Seconds(); s > 0 {
		rate = float64(p.Samples) / s
	}
	eta := "?"
	if rate > 0 {
		left := float64(r.samples-p.Samples) + float64(p.Epochs-p.Epoch)*float64(r.samples)
		eta = round(time.Duration(left / rate * float64(time.Second))).String()
	}
	head := fmt.Sprintf("%sepoch %d/%d ", r.label, p.Epoch, p.Epochs)
	tail := fmt.Sprintf(" %3.0f%% %7s samples/s  ETA %-6s loss %.4f", 100*done, si(rate), eta, p.Cost)
	n := min(r.width-1-len(head)-len(tail)-2, 40)
	bar := ""
	if n >= 5 {
		k := int(done * float64(n))
		bar = "[" + strings.Repeat("=", k) + strings.Repeat(" ", n-k) + "]"
	}
	line := head + bar + tail
	if len(line) > r.width-1 {
		line = line[:r.width-1]
	}
	fmt.Fprintf(r.w, "\r%-*s", max(len(line), r.barLen), line)
	r.barLen = len(line)
}

func (r *reporter) clearBar() {
	if r.barLen > 0 {
		fmt.Fprintf(r.w, "\r%s\r", strings.Repeat(" ", r.barLen))
		r.barLen = 0
	}
}

// round keeps durations readable: 1.2s, 43s, 2m5s.
func round(d time.Duration) time.Duration {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond)
	case d < 10*time.Second:
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}

// si formats a rate with a k/M suffix.
func si(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

// catchInterrupt makes Ctrl-C set stop instead of killing the process, so
// that training ends after the current batch; a second Ctrl-C exits at
// once (nothing has been written yet while training runs). release
// restores the default behaviour.
func catchInterrupt(stderr io.Writer) (stop *atomic.Bool, release func()) {
	stop = new(atomic.Bool)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-ch:
				if stop.Swap(true) {
					fmt.Fprintln(stderr, "\nentrena: interrupted twice: exiting now; nothing saved")
					os.Exit(exitInterrupted)
				}
			case <-done:
				return
			}
		}
	}()
	return stop, func() {
		signal.Stop(ch)
		close(done)
	}
}

// sparkline draws values as a row of block characters, resampled to at
// most width columns (each column the mean of its values), scaled from its
// own lowest to its highest column.
func sparkline(values []float32, width int) string {
	means := resample(values, width)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, m := range means {
		lo, hi = math.Min(lo, m), math.Max(hi, m)
	}
	return sparkScaled(means, lo, hi)
}

// sharedSparklines draws each series on one scale, from the lowest to the
// highest finite column of the series not marked diverged, so that curves
// side by side compare: a run stuck on a plateau stays high while a
// converging one falls. A diverged run's columns beyond the scale are
// drawn at its edge.
func sharedSparklines(series [][]float32, diverged []bool, width int) []string {
	all := make([][]float64, len(series))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, v := range series {
		all[i] = resample(v, width)
		if diverged[i] {
			continue
		}
		for _, m := range all[i] {
			if !math.IsNaN(m) && !math.IsInf(m, 0) {
				lo, hi = math.Min(lo, m), math.Max(hi, m)
			}
		}
	}
	out := make([]string, len(series))
	for i, m := range all {
		out[i] = sparkScaled(m, lo, hi)
	}
	return out
}

// resample returns at most width column means of values.
func resample(values []float32, width int) []float64 {
	cols := min(width, len(values))
	means := make([]float64, cols)
	for c := range cols {
		a, b := c*len(values)/cols, (c+1)*len(values)/cols
		s := 0.0
		for _, v := range values[a:b] {
			s += float64(v)
		}
		means[c] = s / float64(b-a)
	}
	return means
}

// sparkScaled draws means as blocks, lo the lowest and hi the highest;
// NaN is drawn as a space.
func sparkScaled(means []float64, lo, hi float64) string {
	runes := []rune("▁▂▃▄▅▆▇█")
	top := len(runes) - 1
	var b strings.Builder
	for _, m := range means {
		if math.IsNaN(m) {
			b.WriteRune(' ')
			continue
		}
		i := 0
		if hi > lo {
			i = int(math.Max(0, math.Min(1, (m-lo)/(hi-lo))) * float64(top))
		}
		b.WriteRune(runes[i])
	}
	return b.String()
}
