package suite

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// isGo reports whether impl is entrena measured inside the suite (from Go,
// "entrena/<path>"); entrena driven through its C ABI or Python binding
// ("entrena (C)", "entrena (Python)") runs as a peer program.
func isGo(impl string) bool { return strings.HasPrefix(impl, "entrena/") }

// isEntrena reports whether impl is entrena from any language.
func isEntrena(impl string) bool { return strings.HasPrefix(impl, "entrena") }

// displayImpl names an implementation in the training tables: entrena's Go
// rows as "entrena (Go)" beside "entrena (C)" and "entrena (Python)".
func displayImpl(impl string) string {
	if isGo(impl) {
		return "entrena (Go, " + strings.TrimPrefix(impl, "entrena/") + ")"
	}
	return impl
}

// table is a small report section rendered as text or Markdown.
type table struct {
	title  string
	intro  string
	header []string
	rows   [][]string
	notes  []string
}

func (t table) text(w io.Writer) {
	fmt.Fprintf(w, "\n%s\n", t.title)
	if len(t.rows) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(t.header, "\t")+"\t")
		for _, r := range t.rows {
			fmt.Fprintln(tw, strings.Join(r, "\t")+"\t")
		}
		tw.Flush()
	}
	for _, n := range t.notes {
		fmt.Fprintln(w, n)
	}
}

func (t table) markdown(w io.Writer) {
	fmt.Fprintf(w, "## %s\n\n", t.title)
	if t.intro != "" {
		fmt.Fprintf(w, "%s\n\n", t.intro)
	}
	if len(t.rows) > 0 {
		fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(t.header, " | "), strings.Repeat("---|", len(t.header)))
		for _, r := range t.rows {
			for i := range r {
				r[i] = mdEscape(r[i])
			}
			fmt.Fprintf(w, "| %s |\n", strings.Join(r, " | "))
		}
		fmt.Fprintln(w)
	}
	for _, n := range t.notes {
		fmt.Fprintf(w, "%s\n\n", mdEscape(n))
	}
}

// trainingTable lists every implementation of each piece of work of group
// ("epoch": synthetic 784-128-64-10; "fashion": Fashion-MNIST), fastest
// first, with its ratio to the fastest peer (not entrena) on the same thread
// count.
func trainingTable(rep *Report, group string) (table, bool) {
	type work struct {
		name    string
		threads int
	}
	var order []work
	rows := map[work][]Row{}
	for _, r := range rep.Rows {
		if r.Group != group {
			continue
		}
		k := work{r.Name, r.Threads}
		if _, ok := rows[k]; !ok {
			order = append(order, k)
		}
		rows[k] = append(rows[k], r)
	}
	first := map[string]int{} // works in the order measured (Go rows come first), then by threads
	for i, k := range order {
		if _, ok := first[k.name]; !ok {
			first[k.name] = i
		}
	}
	sort.SliceStable(order, func(i, j int) bool {
		if a, b := first[order[i].name], first[order[j].name]; a != b {
			return a < b
		}
		return order[i].threads < order[j].threads
	})
	t := table{header: []string{"work", "thr", "impl", "samples/s", "s/epoch", "×fastest peer"}}
	fashion := group == "fashion"
	if fashion {
		t.title = "Fashion-MNIST: 784-128-10 sigmoid/MSE, plain SGD, batch 32 (issue 8)"
		t.intro = fmt.Sprintf("Real Fashion-MNIST (Debian `dataset-fashion-mnist`, 60,000 train / 10,000 test images), the same\n"+
			"network, learning rate (%g), batch size, epochs and initialisation family (Glorot uniform, zero biases) on\n"+
			"every side, shuffled every epoch (inside the timed epoch). s/epoch is the median over the epochs (the first\n"+
			"one, with any compilation or warm-up, is in the spread); test accuracy after the last epoch. ×fastest peer:\n"+
			"samples/s over the fastest implementation that is not entrena on the same thread count.", fashionLR)
		t.header = []string{"work", "thr", "impl", "test acc", "s/epoch", "spread", "samples/s", "×fastest peer"}
	} else {
		t.title = "End-to-end training: 784-128-64-10 sigmoid/MSE, plain SGD, one epoch of synthetic samples"
		t.intro = "Every implementation on the same thread count, fastest first. peak%: share of the FMA ceiling\n" +
			"(measured peak GFLOPS × threads ÷ 454,400 flop per sample). ×fastest peer: samples/s over the fastest\n" +
			"implementation that is not entrena."
		t.header = []string{"work", "thr", "impl", "samples/s", "s/epoch", "spread", "peak%", "×fastest peer"}
	}
	for _, k := range order {
		rs := rows[k]
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].Metric > rs[j].Metric })
		fastest := 0.0
		for _, r := range rs {
			if !isEntrena(r.Impl) && r.Metric > fastest {
				fastest = r.Metric
			}
		}
		for _, r := range rs {
			ratio := "-"
			if fastest > 0 {
				ratio = fmt.Sprintf("%.2f×", r.Metric/fastest)
			}
			if fashion {
				acc := "-"
				if r.Accuracy > 0 {
					acc = fmt.Sprintf("%.2f%%", 100*r.Accuracy)
				}
				t.rows = append(t.rows, []string{k.name, itoa(k.threads), displayImpl(r.Impl), acc, fmt.Sprintf("%.3f", r.Median),
					spread(r), metric(r.Metric), ratio})
			} else {
				t.rows = append(t.rows, []string{k.name, itoa(k.threads), displayImpl(r.Impl), metric(r.Metric), fmt.Sprintf("%.3f", r.Median),
					spread(r), pct(r.PctPeak), ratio})
			}
		}
	}
	if fashion && rep.FashionSkipped != "" {
		t.notes = append(t.notes, "Fashion-MNIST skipped: "+rep.FashionSkipped)
	}
	if fashion {
		for _, p := range rep.Peers {
			if p.Skipped != "" && strings.Contains(p.Peer, "fashion") {
				t.notes = append(t.notes, fmt.Sprintf("peer skipped: %s: %s", p.Peer, p.Skipped))
			}
		}
	}
	return t, len(t.rows) > 0 || len(t.notes) > 0
}

// ceiling is the single-core FMA peak the training targets are measured
// against: the avx512 path's when measured, else the best path's.
func ceiling(rep *Report) (path string, gflops float64) {
	for _, p := range rep.Peaks {
		if p.Error == "" && p.Path == "avx512" {
			return p.Path, p.GFLOPS
		}
	}
	for _, p := range rep.Peaks {
		if p.Error == "" && p.GFLOPS > gflops {
			path, gflops = p.Path, p.GFLOPS
		}
	}
	return path, gflops
}

// bestGo is entrena's fastest Go row for a piece of work on a thread count.
func bestGo(rep *Report, group, name string, threads int) (Row, bool) {
	var best Row
	ok := false
	for _, r := range rep.Rows {
		if isGo(r.Impl) && r.Group == group && r.Name == name && r.Threads == threads && (!ok || r.Metric > best.Metric) {
			best, ok = r, true
		}
	}
	return best, ok
}

// maxThreads is the largest thread count of group's Go rows named name.
func maxThreads(rep *Report, group, name string) int {
	m := 0
	for _, r := range rep.Rows {
		if isGo(r.Impl) && r.Group == group && r.Name == name && r.Threads > m {
			m = r.Threads
		}
	}
	return m
}

// targetsTable states the figures issue 8 asks for, each with its target:
// the share of the FMA ceiling at batch 256 on one core, the 1→N-core
// scaling of the wide network, and the rest.
func targetsTable(rep *Report) table {
	t := table{title: "Targets (issue 8)", header: []string{"figure", "measured", "target", ""}}
	path, pk := ceiling(rep)
	flop := mnistNet.flopsPerSample()
	ceil := 0.0
	if pk > 0 {
		ceil = pk * 1e9 / flop
		t.intro = fmt.Sprintf("Ceiling: the measured %s FMA peak, %.1f GFLOPS per core, over %.0f flop per 784-128-64-10 sample = %s samples/s per core.",
			path, pk, flop, metric(ceil))
	}
	status := func(ok bool) string {
		if ok {
			return "met"
		}
		return "missed"
	}
	add := func(fig, measured, target, st string) { t.rows = append(t.rows, []string{fig, measured, target, st}) }
	samplesRow := func(fig, group, name string, threads int, target float64) {
		r, ok := bestGo(rep, group, name, threads)
		if !ok {
			add(fig, "not measured", fmt.Sprintf("≥ %s samples/s", metric(target)), "")
			return
		}
		m := fmt.Sprintf("%s samples/s", metric(r.Metric))
		if ceil > 0 {
			m += fmt.Sprintf(" = %.0f%% of the %s ceiling (%s × %d)", 100*r.Metric/(ceil*float64(threads)), path, metric(ceil), threads)
		}
		add(fig+" ("+displayImpl(r.Impl)+")", m, fmt.Sprintf("≥ %s samples/s", metric(target)), status(r.Metric >= target))
	}
	samplesRow("784-128-64-10 b=256, 1 thread, epoch", "epoch", "784-128-64-10 b=256", 1, 450000)
	samplesRow("784-128-64-10 b=256, 1 thread, TrainStep", "step", "784-128-64-10 b=256", 1, 450000)
	samplesRow("784-128-64-10 b=32, 1 thread, epoch", "epoch", "784-128-64-10 b=32", 1, 300000)
	if n := maxThreads(rep, "epoch", "784-128-64-10 b=256"); n > 1 {
		samplesRow(fmt.Sprintf("784-128-64-10 b=256, %d threads, epoch", n), "epoch", "784-128-64-10 b=256", n, 800000)
	} else if n == 0 {
		add("784-128-64-10 b=256, all cores, epoch", "not measured", "≥ 800000 samples/s", "")
	} else {
		add("784-128-64-10 b=256, all cores, epoch", "not measured (one thread only)", "≥ 800000 samples/s", "")
	}

	wide := wideNet.name + " b=256"
	one, ok1 := bestGo(rep, "step", wide, 1)
	n := maxThreads(rep, "step", wide)
	many, okN := bestGo(rep, "step", wide, n)
	switch {
	case !ok1:
		add("wide "+wide+" scaling", "not measured (-quick leaves the wide network out; run -only step)", "≥ 1.8× on 2 cores", "")
	case n <= 1 || !okN:
		add("wide "+wide+" scaling", "not measured (one thread only)", "≥ 1.8× on 2 cores", "")
	default:
		s := many.Metric / one.Metric
		target := 0.9 * float64(n) // 1.8× on 2 cores
		add(fmt.Sprintf("wide %s scaling 1→%d cores (TrainStep)", wide, n),
			fmt.Sprintf("%.2f× (%s → %s samples/s, %.0f%% parallel efficiency)", s, metric(one.Metric), metric(many.Metric), 100*s/float64(n)),
			fmt.Sprintf("≥ %.1f×", target), status(s >= target))
	}

	if r, ok := bestGo(rep, "step", xorNet.name+" b=4", 1); ok {
		add("2-8-1 b=4 TrainStep, 1 thread ("+displayImpl(r.Impl)+")", duration(r.Median)+" per step", "≤ 150 ns", status(r.Median <= 150e-9))
	}

	// Fashion-MNIST: entrena at ≥ 2× the fastest peer, same accuracy.
	for _, th := range threadsOf(rep, "fashion") {
		var ours Row
		var peer Row
		for _, r := range rep.Rows {
			if r.Group != "fashion" || r.Threads != th {
				continue
			}
			if isGo(r.Impl) && r.Metric > ours.Metric {
				ours = r
			}
			if !isEntrena(r.Impl) && r.Metric > peer.Metric {
				peer = r
			}
		}
		if ours.Metric == 0 {
			continue
		}
		fig := fmt.Sprintf("Fashion-MNIST b=32, %d thread(s)", th)
		if peer.Metric == 0 {
			add(fig, fmt.Sprintf("%.3f s/epoch, %.2f%% test accuracy; no peer measured", ours.Median, 100*ours.Accuracy), "≥ 2× the fastest peer", "")
			continue
		}
		ratio := ours.Metric / peer.Metric
		add(fig, fmt.Sprintf("%.2f× %s (%.3f vs %.3f s/epoch); accuracy %.2f%% vs %.2f%%", ratio, peer.Impl, ours.Median, peer.Median,
			100*ours.Accuracy, 100*peer.Accuracy), "≥ 2× the fastest peer, same accuracy", status(ratio >= 2))
	}
	return t
}

// threadsOf lists the thread counts of group's rows, ascending.
func threadsOf(rep *Report, group string) []int {
	seen := map[int]bool{}
	var out []int
	for _, r := range rep.Rows {
		if r.Group == group && !seen[r.Threads] {
			seen[r.Threads] = true
			out = append(out, r.Threads)
		}
	}
	sort.Ints(out)
	return out
}

// WriteSummaries prints the training tables (synthetic epoch and
// Fashion-MNIST) when the report has their rows, the kernel targets of
// issue 3 and the training targets of issue 8.
func WriteSummaries(w io.Writer, rep *Report) {
	for _, g := range []string{"epoch", "fashion"} {
		if t, ok := trainingTable(rep, g); ok {
			t.text(w)
		}
	}
	if hasKernelRows(rep) {
		kt := kernelTargetsTable(rep)
		kt.notes = append(kt.notes, strings.ReplaceAll(strings.ReplaceAll(kt.intro, "**", ""), "`", ""))
		kt.text(w)
	}
	t := targetsTable(rep)
	if t.intro != "" {
		t.title += " — " + t.intro
	}
	t.text(w)
}

// writeSummariesMarkdown is WriteSummaries for COMPARISON.md.
func writeSummariesMarkdown(w io.Writer, rep *Report) {
	if hasKernelRows(rep) {
		kernelTargetsTable(rep).markdown(w)
	}
	targetsTable(rep).markdown(w)
	for _, g := range []string{"epoch", "fashion"} {
		if t, ok := trainingTable(rep, g); ok {
			t.markdown(w)
		}
	}
}
