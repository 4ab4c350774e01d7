package suite

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// The report a user reads: the machine and the health of the run, then one
// table per kind of work, every row with its ratio first. The same tables
// render as text (stdout) and Markdown (COMPARISON.md).

// sections are the report's tables, most telling first.
var sections = []struct{ group, title, intro string }{
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

// implName is how a user reads an implementation: entrena's Go rows as
// "entrena (Go, avx2)" beside "entrena (C)" and "entrena (Python)".
func implName(impl string) string {
	if p, ok := strings.CutPrefix(impl, "entrena/"); ok {
		return "entrena (Go, " + p + ")"
	}
	return impl
}

func isGo(impl string) bool { return strings.HasPrefix(impl, "entrena/") }

// ratioOf is a row's ratio against its work's entrena row: the median over
// rounds, or for a version 1 file (no rounds) the ratio of the medians.
func ratioOf(rep *Report, r Row) (ratio, lo, hi float64, versus string) {
	if r.Ratio > 0 {
		return r.Ratio, r.RatioLo, r.RatioHi, r.Versus
	}
	if isGo(r.Impl) && r.Threads == 1 || r.Group == "contention" || rep.Schema >= 2 {
		return 0, 0, 0, ""
	}
	var ref Row
	for _, o := range rep.Rows {
		if o.Group == r.Group && o.Name == r.Name && isGo(o.Impl) && o.Threads == 1 && o.Metric > ref.Metric {
			ref = o
		}
	}
	if ref.Metric == 0 || r.Metric == 0 {
		return 0, 0, 0, ""
	}
	return ref.Metric / r.Metric, 0, 0, ref.Impl + ", 1 thread(s)"
}

func ratioText(r Row) string {
	if r.Ratio <= 0 {
		return ""
	}
	return fmt.Sprintf("%.2f× (%.2f–%.2f)", r.Ratio, r.RatioLo, r.RatioHi)
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
func sectionRows(rep *Report, group string) [][]string {
	var order []string
	byWork := map[string][]Row{}
	for _, r := range rep.Rows {
		if r.Group != group {
			continue
		}
		if _, ok := byWork[r.Name]; !ok {
			order = append(order, r.Name)
		}
		byWork[r.Name] = append(byWork[r.Name], r)
	}
	var out [][]string
	for _, name := range order {
		rows := byWork[name]
		sort.SliceStable(rows, func(i, j int) bool {
			ri, _, _, _ := ratioOf(rep, rows[i])
			rj, _, _, _ := ratioOf(rep, rows[j])
			return ri == 0 && rj != 0 || (ri != 0) == (rj != 0) && rows[i].Metric > rows[j].Metric
		})
		for i, r := range rows {
			ratio, spread := "reference", ""
			if x, lo, hi, _ := ratioOf(rep, r); x > 0 {
				ratio = fmt.Sprintf("%.2f×", x)
				if lo > 0 {
					spread = fmt.Sprintf("%.2f–%.2f", lo, hi)
				}
			} else if r.Unit == "×" { // a contention row of a version 1 file: the ratio is its figure
				ratio = fmt.Sprintf("%.2f×", r.Metric)
			}
			if r.Flagged > 0 {
				spread += fmt.Sprintf(" (%d of %d rounds flagged)", r.Flagged, r.Reps)
			}
			work := name
			if i > 0 {
				work = ""
			}
			extra, allocs, fig := "", "", figure(r.Metric)
			if r.PctPeak > 0 {
				extra = fmt.Sprintf("%.0f%%", r.PctPeak)
			}
			if r.Accuracy > 0 {
				extra = fmt.Sprintf("%.2f%% acc.", 100*r.Accuracy)
			}
			if r.Allocs >= 0 {
				allocs = fmt.Sprintf("%.3g", r.Allocs)
			}
			if r.Unit == "×" {
				fig = ""
			}
			out = append(out, []string{ratio, strings.TrimSpace(spread), work, itoa(r.Threads), implName(r.Impl), fig, extra, allocs})
		}
	}
	return out
}

var header = []string{"entrena ÷ this", "over rounds", "work", "threads", "implementation", "figure", "% of peak", "allocs/op"}

// healthLine says how many rounds the probes flagged.
func healthLine(rep *Report) string {
	h := rep.Health
	if h == nil && rep.Schema >= 2 {
		return "No rounds ran."
	} else if h == nil {
		return "Measured before rounds were used: one block of repetitions per row, entrena's rows minutes before the peers'; " +
			"\"entrena ÷ this\" is a ratio of medians from different moments, so a phase of the machine can move it."
	}
	return fmt.Sprintf("Health: %d of %d rounds flagged (before each round an FMA-peak and a memory-bandwidth probe; flagged: "+
		"below %.0f%% of the run's median peak, %.1f GFLOPS, or %.0f%% of its median bandwidth, %.1f GB/s: likely another "+
		"tenant on the machine).", h.Flagged, h.Rounds, 100*h.PeakDip, h.PeakGFLOPS, 100*h.BandwidthDip, h.BandwidthGBs)
}

func machineLine(rep *Report) string {
	m := rep.Machine
	var pk []string
	for _, p := range rep.Peaks {
		pk = append(pk, fmt.Sprintf("%s %.1f GFLOPS per core", p.Path, p.GFLOPS))
	}
	return fmt.Sprintf("%s, %d logical CPUs, %s/%s, %s; kernel path %s (%s); measured FMA peak: %s",
		m.Model, m.LogicalCPU, m.GOOS, m.GOARCH, m.GoVersion, m.Default, m.Reason, strings.Join(pk, ", "))
}

const howToRead = "Each comparison ran in alternating rounds (A B C, B C A, …) so that a fast or slow phase of the machine " +
	"covers every side. \"entrena ÷ this\" is the median over rounds of entrena's speed divided by this row's " +
	"(above 1: entrena was faster), with its range over the rounds: against entrena on as many threads, and for " +
	"entrena's own other paths and thread counts against its best path on one thread. Figures are medians over the rounds; " +
	"% of peak is against the measured FMA peak × threads."

// WriteText prints the report for a terminal.
func WriteText(w io.Writer, rep *Report) {
	fmt.Fprintf(w, "entrena benchmark on %s\n%s\n", machineLine(rep), healthLine(rep))
	if rep.Health != nil {
		fmt.Fprintf(w, "\n%s\n", howToRead)
	}
	for _, s := range sections {
		rows := sectionRows(rep, s.group)
		if len(rows) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s\n", s.title)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(header, "\t")+"\t")
		for _, r := range rows {
			fmt.Fprintln(tw, strings.Join(r, "\t")+"\t")
		}
		tw.Flush()
	}
	for _, p := range rep.Peers {
		if p.Skipped != "" {
			fmt.Fprintf(w, "peer not run: %s: %s\n", p.Peer, p.Skipped)
		}
	}
	if len(rep.Skipped) > 0 {
		fmt.Fprintf(w, "not measured (%d): %s\n", len(rep.Skipped), strings.Join(rep.Skipped, "; "))
	}
}

func mdEscape(s string) string { return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s) }

// WriteMarkdown writes COMPARISON.md: the same tables, the peers with their
// versions, settings and BLAS kernels, and every row's note.
func WriteMarkdown(w io.Writer, rep *Report, chart string) error {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("# entrena benchmark: %s\n\n", rep.Machine.Model)
	if rep.Quick {
		p("**Quick run: a small sweep with few rounds; smoke figures only.**\n\n")
	}
	p("Measured %s with `%s`.\n\n%s\n\n%s\n\n", rep.Created.Format("2006-01-02 15:04 MST"), rep.Command,
		mdEscape(machineLine(rep)), mdEscape(healthLine(rep)))
	if rep.Health != nil {
		p("%s\n\n", howToRead)
	}
	if chart != "" {
		p("![SGEMM GFLOPS by size](%s)\n\n", chart)
	}
	for _, s := range sections {
		rows := sectionRows(rep, s.group)
		if len(rows) == 0 {
			continue
		}
		p("## %s\n\n", s.title)
		if s.intro != "" {
			p("%s\n\n", s.intro)
		}
		p("| %s |\n|%s\n", strings.Join(header, " | "), strings.Repeat("---|", len(header)))
		for _, r := range rows {
			for i := range r {
				r[i] = mdEscape(r[i])
			}
			p("| %s |\n", strings.Join(r, " | "))
		}
		p("\n")
		if s.group == "fashion" && rep.FashionSkipped != "" {
			p("Not run: %s\n\n", mdEscape(rep.FashionSkipped))
		}
	}
	if len(rep.Peers) > 0 {
		p("## Peers\n\n| peer | versions | settings, BLAS and kernel | command |\n|---|---|---|---|\n")
		for _, pr := range rep.Peers {
			settings := pr.Settings
			if pr.Skipped != "" {
				settings = "not run: " + pr.Skipped
			}
			var vs []string
			for k, v := range pr.Versions {
				vs = append(vs, k+" "+v)
			}
			sort.Strings(vs)
			p("| %s | %s | %s | `%s` |\n", mdEscape(pr.Peer), mdEscape(strings.Join(vs, ", ")), mdEscape(settings), mdEscape(pr.Command))
		}
		p("\n")
	}
	p("## Notes per row\n\n")
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
	return nil
}
