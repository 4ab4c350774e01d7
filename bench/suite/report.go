package suite

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
)

// The report a user reads: the machine and the health of the run, then one
// table per kind of work, ratio first, as text (stdout) or Markdown
// (COMPARISON.md, with the peers' versions and kernels and every row's note).

// sections are the report's tables, most telling first: group, title, intro.
var sections = [][3]string{
	{"epoch", "Training: one epoch of 784-128-64-10 on synthetic data (samples/s)",
		"Sigmoid layers, MSE, plain SGD (lr 0.1), batches in order; the same work in every implementation."},
	{"fashion", "Training on Fashion-MNIST: 784-128-10, batch 32, one epoch per round (samples/s, test accuracy)",
		"Sigmoid hidden and output, MSE, plain SGD (lr 1.0), shuffled every epoch, Glorot-uniform init on every side."},
	{"step", "One training step, TrainStep (samples/s)", ""},
	{"gemm", "Matrix multiply, SGEMM (GFLOPS)", "Squares and the layer products of 784-128-64-10 at batch 256."},
	{"eltwise", "Element-wise kernels (G elements/s)", ""},
	{"update", "Optimizer updates (G elements/s)", ""},
	{"memory", "Memory bandwidth (GB/s)", "Working sets of half L1, half L2 and beyond the last-level cache."},
	{"contention", "Threads on a busy machine", "Here the reference is the first configuration of each work (default threads, or together): the ratio is its speed over this row's."},
}

var header = []string{"entrena ÷ this", "over rounds", "work", "threads", "implementation", "figure", "% of peak", "allocs/op"}

const howToRead = "Each comparison ran in rounds; in a round every side's turn sits between two turns of the entrena side it " +
	"is compared with (E A E B E …, the order rotating from round to round), so that a fast or slow phase of the machine " +
	"lands on both. \"entrena ÷ this\" is the median over rounds of entrena's speed in the turns beside this row's divided " +
	"by this row's (above 1: entrena was faster): against entrena on as many threads, and for entrena's own other paths and " +
	"thread counts against its best path on one thread. \"over rounds\" gives the ~95 % interval of that median (another " +
	"run's may well lie within it; marked unsteady beyond ±7 %) and the range of the rounds. Figures are medians over the " +
	"turns; % of peak is against the measured FMA peak × threads."

// steadyWithin is the interval of a row's median ratio beyond which it is
// marked unsteady: two runs may then disagree by more.
const steadyWithin = 0.07

// implName reads entrena's Go rows as "entrena (Go, avx2)" beside "entrena (C)".
func implName(impl string) string {
	if p, ok := strings.CutPrefix(impl, "entrena/"); ok {
		return "entrena (Go, " + p + ")"
	}
	return impl
}

func isGo(impl string) bool { return strings.HasPrefix(impl, "entrena/") }

// spreadText is a ratio's ~95 % interval (ci, a share; 0: none recorded)
// and its range over the rounds.
func spreadText(ci, lo, hi float64) string {
	out := map[bool]string{true: fmt.Sprintf("%.2f–%.2f", lo, hi)}[lo > 0]
	if ci > 0 {
		out = fmt.Sprintf("±%.0f%%%s, %s", 100*ci, map[bool]string{true: " unsteady"}[ci > steadyWithin], out)
	}
	return out
}

// isSteady: the row's median ratio has an interval recorded, within steadyWithin.
func isSteady(r Row) bool { return r.RatioCI > 0 && r.RatioCI <= steadyWithin }

// steadyLine counts the comparisons whose median ratio is steady.
func steadyLine(rep *Report) string {
	n, steady := 0, 0
	for _, r := range rep.Rows {
		if r.RatioCI > 0 {
			n++
			steady += map[bool]int{true: 1}[isSteady(r)]
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d of %d comparisons steady: their median ratio's ~95 %% interval within ±%.0f %%.", steady, n, 100*steadyWithin)
}

// figure renders a metric with a readable precision.
func figure(v float64) string {
	switch {
	case v == 0:
		return ""
	case v >= 1e5:
		return fmt.Sprintf("%.0f", v)
	case v >= 100:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

// sectionRows are the table rows of one group: per work, entrena's
// reference row then the others fastest first.
func sectionRows(rep *Report, group string) (out [][]string) {
	var rows []Row
	var order []string // the works, as first measured
	for _, r := range rep.Rows {
		if r.Group == group {
			rows, order = append(rows, r), append(order, r.Name)
		}
	}
	slices.SortStableFunc(rows, func(a, b Row) int {
		return cmp.Or(slices.Index(order, a.Name)-slices.Index(order, b.Name), map[bool]int{true: 1}[a.Ratio > 0]-map[bool]int{true: 1}[b.Ratio > 0], cmp.Compare(b.Metric, a.Metric))
	})
	for i, r := range rows {
		c := make([]string, len(header))
		c[0] = "reference"
		if r.Ratio > 0 {
			c[0], c[1] = fmt.Sprintf("%.2f×", r.Ratio), spreadText(r.RatioCI, r.RatioLo, r.RatioHi)
		}
		if r.Flagged > 0 {
			c[1] = strings.TrimSpace(c[1] + fmt.Sprintf(" (%d of %d rounds flagged)", r.Flagged, r.Reps))
		}
		c[2], c[3], c[4], c[5] = map[bool]string{true: r.Name}[i == 0 || rows[i-1].Name != r.Name], itoa(r.Threads), implName(r.Impl), figure(r.Metric)
		if r.PctPeak > 0 {
			c[6] = fmt.Sprintf("%.0f%%", r.PctPeak)
		}
		if r.Accuracy > 0 {
			c[6] = fmt.Sprintf("%.2f%% acc.", 100*r.Accuracy)
		}
		if r.Allocs >= 0 {
			c[7] = fmt.Sprintf("%.3g", r.Allocs)
		}
		out = append(out, c)
	}
	return out
}

// healthLine says how many rounds the probes flagged. Rows without a health
// record are from the first runs, before rounds.
func healthLine(rep *Report) string {
	if h := rep.Health; h == nil && len(rep.Rows) == 0 {
		return "No rounds ran."
	} else if h == nil {
		return "Measured before rounds were used: one block of repetitions per row, entrena's rows minutes before the peers'; " +
			"\"entrena ÷ this\" is a ratio of medians from different moments, so a phase of the machine can move it."
	}
	h := rep.Health
	if h.KernelDip == 0 {
		return fmt.Sprintf("Health: %d of %d rounds flagged (before each round an FMA-peak and a memory-bandwidth probe; flagged: "+
			"below %.0f%% of the run's median peak, %.1f GFLOPS, or %.0f%% of its median bandwidth, %.1f GB/s: likely another "+
			"tenant on the machine).", h.Flagged, h.Rounds, 100*h.PeakDip, h.PeakGFLOPS, 100*h.BandwidthDip, h.BandwidthGBs)
	}
	return fmt.Sprintf("Health: %d of %d rounds flagged (before each round an FMA-peak, a memory-bandwidth and an SGEMM-in-L1 probe; "+
		"flagged: below %.0f%% of the run's median peak, %.1f GFLOPS, %.0f%% of its median bandwidth, %.1f GB/s, or %.0f%% of its "+
		"best SGEMM in L1, %.1f GFLOPS: likely another tenant on the machine or on the same cores).", h.Flagged, h.Rounds,
		100*h.PeakDip, h.PeakGFLOPS, 100*h.BandwidthDip, h.BandwidthGBs, 100*h.KernelDip, h.KernelGFLOPS)
}

func machineLine(rep *Report) string {
	m := rep.Machine
	return fmt.Sprintf("%s, %d logical CPUs, %s/%s, %s; kernel path %s (%s); measured FMA peak: %s",
		m.Model, m.LogicalCPU, m.GOOS, m.GOARCH, m.GoVersion, m.Default, m.Reason, peaksText(rep, " per core"))
}

func peaksText(rep *Report, suffix string) string {
	var pk []string
	for _, p := range rep.Peaks {
		pk = append(pk, fmt.Sprintf("%s %.1f GFLOPS%s", p.Path, p.GFLOPS, suffix))
	}
	return strings.Join(pk, ", ")
}

// mdEscape keeps a cell's text inside its Markdown table cell.
var mdEscape = strings.NewReplacer("|", `\|`, "\n", " ").Replace

// writeTable writes rows under hdr: aligned text, or with md a Markdown table.
func writeTable(w io.Writer, md bool, hdr []string, rows [][]string) {
	if md {
		fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(hdr, " | "), strings.Repeat("---|", len(hdr)))
		for _, r := range rows {
			for i := range r {
				r[i] = mdEscape(r[i])
			}
			fmt.Fprintf(w, "| %s |\n", strings.Join(r, " | "))
		}
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range append([][]string{hdr}, rows...) {
		fmt.Fprintln(tw, strings.Join(r, "\t")+"\t")
	}
	tw.Flush()
}

// WriteReport writes the report for a terminal or, with md, as
// COMPARISON.md, linking the chart file when not "".
func WriteReport(w io.Writer, rep *Report, md bool, chart string) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	if !md {
		p("entrena benchmark on %s\n%s\n", machineLine(rep), healthLine(rep))
	} else {
		p("# entrena benchmark: %s\n\n%s", rep.Machine.Model, map[bool]string{true: "**Quick run: a small sweep with few rounds; smoke figures only.**\n\n"}[rep.Quick])
		p("Measured %s with `%s`.\n\n%s\n\n%s\n", rep.Created.Format("2006-01-02 15:04 MST"), rep.Command, mdEscape(machineLine(rep)), mdEscape(healthLine(rep)))
	}
	if rep.Health != nil {
		p("\n%s %s\n", howToRead, steadyLine(rep))
	}
	if chart != "" {
		p("\n![SGEMM GFLOPS by size](%s)\n", chart)
	}
	for _, s := range sections {
		rows := sectionRows(rep, s[0])
		if len(rows) == 0 {
			continue
		}
		p("\n%s%s\n", map[bool]string{true: "## "}[md], s[1])
		if md {
			p("%s\n", map[bool]string{true: "\n" + s[2] + "\n"}[s[2] != ""])
		}
		writeTable(w, md, header, rows)
	}
	if !md {
		for _, pr := range rep.Peers {
			if pr.Skipped != "" {
				p("peer not run: %s: %s\n", pr.Peer, pr.Skipped)
			}
		}
		if len(rep.Skipped) > 0 {
			p("not measured (%d): %s\n", len(rep.Skipped), strings.Join(rep.Skipped, "; "))
		}
		return
	}
	if len(rep.Peers) > 0 {
		var rows [][]string
		for _, pr := range rep.Peers {
			var vs []string
			for _, k := range slices.Sorted(maps.Keys(pr.Versions)) {
				vs = append(vs, k+" "+pr.Versions[k])
			}
			rows = append(rows, []string{pr.Peer, strings.Join(vs, ", "), cmp.Or(map[bool]string{true: "not run: " + pr.Skipped}[pr.Skipped != ""], pr.Settings), "`" + pr.Command + "`"})
		}
		p("\n## Peers\n\n")
		writeTable(w, true, []string{"peer", "versions", "settings, BLAS and kernel", "command"}, rows)
	}
	p("\n## Notes per row\n\n")
	for _, r := range rep.Rows {
		if r.Note != "" {
			p("- %s, %s, %d thread(s): %s\n", mdEscape(r.Name), mdEscape(implName(r.Impl)), r.Threads, mdEscape(r.Note))
		}
	}
	if len(rep.Skipped) > 0 {
		p("\n## Not measured\n\n")
		for _, s := range rep.Skipped {
			p("- %s\n", mdEscape(s))
		}
	}
}
