package suite

import (
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"sort"
	"strings"
	"text/tabwriter"
)

// groupOrder is the order sections are printed in.
var groupOrder = []string{"memory", "gemm", "eltwise", "update", "step", "epoch", "fashion"}

func groupRank(g string) int {
	for i, o := range groupOrder {
		if o == g {
			return i
		}
	}
	return len(groupOrder)
}

// sortedRows returns rows grouped by section, keeping measurement order
// within a section.
func sortedRows(rows []Row) []Row {
	s := append([]Row(nil), rows...)
	sort.SliceStable(s, func(i, j int) bool { return groupRank(s[i].Group) < groupRank(s[j].Group) })
	return s
}

// spread renders min and max around the median as percentages.
func spread(r Row) string {
	if r.Median <= 0 || r.Reps <= 1 {
		return ""
	}
	return fmt.Sprintf("-%.0f/+%.0f%%", 100*(r.Median-r.Min)/r.Median, 100*(r.Max-r.Median)/r.Median)
}

// duration renders seconds with a readable unit.
func duration(s float64) string {
	switch {
	case s <= 0:
		return ""
	case s < 1e-6:
		return fmt.Sprintf("%.1f ns", s*1e9)
	case s < 1e-3:
		return fmt.Sprintf("%.2f µs", s*1e6)
	case s < 1:
		return fmt.Sprintf("%.2f ms", s*1e3)
	}
	return fmt.Sprintf("%.2f s", s)
}

func metric(v float64) string {
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

func allocs(a float64) string {
	if a < 0 {
		return "-"
	}
	if a == float64(int64(a)) {
		return fmt.Sprintf("%d", int64(a))
	}
	return fmt.Sprintf("%.2g", a)
}

// WriteHeader prints the machine and peak lines of a report.
func WriteHeader(w io.Writer, rep *Report) {
	m := rep.Machine
	fmt.Fprintf(w, "machine: %s", m.Model)
	if m.ProcModel != "" {
		fmt.Fprintf(w, " (/proc/cpuinfo: %s)", m.ProcModel)
	}
	fmt.Fprintf(w, "; %d cores (%d usable), %s/%s, %s\n", m.Cores, m.LogicalCPU, m.GOOS, m.GOARCH, m.GoVersion)
	fmt.Fprintf(w, "caches: L1d %s, L2 %s, L3 %s; features: %s\n", kib(m.L1D), kib(m.L2), kib(m.L3), strings.Join(m.Features, " "))
	fmt.Fprintf(w, "kernel paths: %s (default %s: %s)\n", strings.Join(m.Paths, ", "), m.Default, m.Reason)
	var pk []string
	for _, p := range rep.Peaks {
		if p.Error != "" {
			pk = append(pk, p.Path+" error: "+p.Error)
		} else {
			pk = append(pk, fmt.Sprintf("%s %.1f GFLOPS/core", p.Path, p.GFLOPS))
		}
	}
	fmt.Fprintf(w, "FMA peak (measured): %s\n", strings.Join(pk, ", "))
}

func kib(b int) string {
	switch {
	case b <= 0:
		return "?"
	case b >= 1<<20:
		return fmt.Sprintf("%d MiB", b>>20)
	}
	return fmt.Sprintf("%d KiB", b>>10)
}

// WriteTable prints every row of rep as an aligned table.
func WriteTable(w io.Writer, rep *Report) {
	WriteHeader(w, rep)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "group\twork\timpl\tthr\tmedian/op\tspread\tmetric\tunit\tpeak%\tallocs/op\t")
	last := ""
	for _, r := range sortedRows(rep.Rows) {
		if r.Group != last && last != "" {
			fmt.Fprintln(tw, "\t\t\t\t\t\t\t\t\t\t")
		}
		last = r.Group
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Group, r.Name, r.Impl, r.Threads,
			duration(r.Median), spread(r), metric(r.Metric), r.Unit, pct(r.PctPeak), allocs(r.Allocs))
	}
	tw.Flush()
	if len(rep.Skipped) > 0 {
		fmt.Fprintf(w, "not measured (%d): %s\n", len(rep.Skipped), strings.Join(rep.Skipped, "; "))
	}
}

// ratioLine is one entrena-versus-peer comparison.
type ratioLine struct {
	group, name string
	threads     int
	ours        Row
	peer        Row
}

// peerRatios pairs, for each piece of work, entrena's best row with every
// peer row doing the same work on the same thread count.
func peerRatios(rep *Report) []ratioLine {
	best := map[string]Row{}
	var order []string
	for _, r := range rep.Rows {
		if !isGo(r.Impl) {
			continue
		}
		k := r.WorkKey()
		if b, ok := best[k]; !ok || r.Metric > b.Metric {
			if !ok {
				order = append(order, k)
			}
			best[k] = r
		}
	}
	var out []ratioLine
	for _, k := range order {
		for _, p := range rep.Rows {
			if isGo(p.Impl) || p.WorkKey() != k {
				continue
			}
			o := best[k]
			out = append(out, ratioLine{o.Group, o.Name, o.Threads, o, p})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return groupRank(out[i].group) < groupRank(out[j].group) })
	return out
}

// WritePeerRatios prints entrena's best figure against every peer's, with
// the ratio entrena/peer (> 1: entrena is faster).
func WritePeerRatios(w io.Writer, rep *Report) {
	lines := peerRatios(rep)
	if len(lines) == 0 {
		fmt.Fprintln(w, "no peer rows to compare (see the skipped peers below)")
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "work\tthr\tentrena\tpeer\tpeer figure\tunit\tentrena/peer\t")
		for _, l := range lines {
			fmt.Fprintf(tw, "%s\t%d\t%s %s\t%s\t%s\t%s\t%.2f×\t\n", l.name, l.threads, metric(l.ours.Metric),
				strings.TrimPrefix(l.ours.Impl, "entrena/"), l.peer.Impl, metric(l.peer.Metric), l.ours.Unit,
				l.ours.Metric/l.peer.Metric)
		}
		tw.Flush()
	}
	for _, p := range rep.Peers {
		if p.Skipped != "" {
			fmt.Fprintf(w, "peer skipped: %s: %s\n", p.Peer, p.Skipped)
		}
	}
}

// compareMain implements `bench compare a.json b.json ...`: every row of
// every file side by side, with each file's figure divided by the first's.
func compareMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	group := fs.String("group", "", "only rows of this `group`")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() < 1 {
		fmt.Fprintln(stderr, "usage: bench compare [-group g] a.json [b.json ...]")
		return 2
	}
	var reps []*Report
	for _, path := range fs.Args() {
		r, err := ReadReport(path)
		if err != nil {
			fmt.Fprintln(stderr, "bench compare:", err)
			return 1
		}
		reps = append(reps, r)
	}
	Compare(stdout, fs.Args(), reps, *group)
	return 0
}

// Compare prints the rows of several reports side by side: one column of
// figures per report and, for each report after the first, its ratio to
// the first (higher is faster for every unit the suite uses).
func Compare(w io.Writer, names []string, reps []*Report, group string) {
	for i, r := range reps {
		fmt.Fprintf(w, "[%d] %s: %s, %d cpu, %s, %s\n", i+1, names[i], r.Machine.Model, r.Machine.LogicalCPU,
			r.Machine.GoVersion, r.Created.Format("2006-01-02 15:04"))
	}
	type cell struct {
		row Row
		ok  bool
	}
	var keys []string
	seen := map[string]bool{}
	rowOf := map[string]Row{}
	table := make([]map[string]cell, len(reps))
	for i, r := range reps {
		table[i] = map[string]cell{}
		for _, row := range sortedRows(r.Rows) {
			if group != "" && row.Group != group {
				continue
			}
			k := row.Key()
			table[i][k] = cell{row, true}
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
				rowOf[k] = row
			}
		}
	}
	sort.SliceStable(keys, func(i, j int) bool { return groupRank(rowOf[keys[i]].Group) < groupRank(rowOf[keys[j]].Group) })
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	hdr := "group\twork\timpl\tthr\tunit\t"
	for i := range reps {
		hdr += fmt.Sprintf("[%d]\t", i+1)
	}
	for i := 1; i < len(reps); i++ {
		hdr += fmt.Sprintf("[%d]/[1]\t", i+1)
	}
	fmt.Fprintln(tw, hdr)
	for _, k := range keys {
		r := rowOf[k]
		line := fmt.Sprintf("%s\t%s\t%s\t%d\t%s\t", r.Group, r.Name, r.Impl, r.Threads, r.Unit)
		for i := range reps {
			if c := table[i][k]; c.ok {
				line += metric(c.row.Metric) + "\t"
			} else {
				line += "-\t"
			}
		}
		base := table[0][k]
		for i := 1; i < len(reps); i++ {
			c := table[i][k]
			if c.ok && base.ok && base.row.Metric > 0 {
				line += fmt.Sprintf("%.2f×\t", c.row.Metric/base.row.Metric)
			} else {
				line += "-\t"
			}
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
}

// moduleVersion is the version of a dependency compiled into this binary.
func moduleVersion(path string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, d := range bi.Deps {
		if d.Path == path {
			return d.Version
		}
	}
	return ""
}
