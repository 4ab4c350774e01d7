package suite

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"
)

// compareMain implements `bench compare`: result files side by side, or
// with no files every CPU recorded in bench/results.
func compareMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ratio := fs.Bool("ratio", false, "compare each row's entrena ÷ this (over rounds) instead of its figure (with files)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	files := fs.Args()
	if len(files) == 0 {
		dir, err := findPeersDir()
		if err == nil {
			files, err = filepath.Glob(filepath.Join(dir, "..", "results", "*", "results.json"))
		}
		if err != nil || len(files) == 0 {
			fmt.Fprintln(stderr, "bench compare: no result files given and none in bench/results:", err)
			return 2
		}
	}
	var reps []*Report
	for _, path := range files {
		r, err := ReadReport(path)
		if err != nil {
			fmt.Fprintln(stderr, "bench compare:", err)
			return 1
		}
		reps = append(reps, r)
	}
	if fs.NArg() == 0 {
		CompareCPUs(stdout, reps)
	} else {
		Compare(stdout, files, reps, *ratio)
	}
	return 0
}

// Compare prints several reports' rows side by side: a column of figures
// (with ratio, of entrena ÷ this) per report, then each one's over the first's.
func Compare(w io.Writer, names []string, reps []*Report, ratio bool) {
	value := func(r Row) float64 { return map[bool]float64{false: r.Metric, true: r.Ratio}[ratio] }
	hdr := []string{"group", "work", "impl", "thr", "unit"}
	var keys []string
	table := make([]map[string]Row, len(reps))
	for i, r := range reps {
		fmt.Fprintf(w, "[%d] %s: %s, %d cpu, %s, %s\n", i+1, names[i], r.Machine.Model, r.Machine.LogicalCPU, r.Machine.GoVersion, r.Created.Format("2006-01-02 15:04"))
		hdr, table[i] = append(hdr, fmt.Sprintf("[%d]", i+1)), map[string]Row{}
		for _, row := range r.Rows {
			if k := row.Key(); !ratio || value(row) != 0 {
				if table[i][k] = row; !slices.Contains(keys, k) {
					keys = append(keys, k)
				}
			}
		}
	}
	for i := 2; i <= len(reps); i++ {
		hdr = append(hdr, fmt.Sprintf("[%d]/[1]", i))
	}
	var rows [][]string
	// [all rows, rows against another implementation, rows whose ratio both runs mark steady]
	agree, both := make([][3]int, len(reps)), make([][3]int, len(reps))
	for _, k := range keys {
		f := strings.Split(k, "|")
		line, unit := f, ""
		var quot []string
		for i := range reps {
			c, ok := table[i][k]
			if !ok {
				line, quot = append(line, "-"), append(quot, "-")
				continue
			}
			unit, line = c.Unit, append(line, figure(value(c)))
			if base, ok := table[0][k]; ok && value(base) > 0 {
				q, other := value(c)/value(base), map[bool]int{true: 1}[!isGo(c.Impl)]
				in := map[bool]int{true: 1}[math.Abs(q-1) <= steadyWithin]
				steady := map[bool]int{true: 1}[ratio && isSteady(c) && isSteady(base)]
				for j, n := range [3]int{1, other, steady} {
					both[i][j], agree[i][j] = both[i][j]+n, agree[i][j]+in*n
				}
				quot = append(quot, fmt.Sprintf("%.2f×", q))
			} else {
				quot = append(quot, "-")
			}
		}
		rows = append(rows, append(append(append(line[:4:4], unit), line[4:]...), quot[1:]...))
	}
	writeTable(w, false, hdr, rows)
	for i := 1; ratio && i < len(reps); i++ {
		fmt.Fprintf(w, "[%d] against [1]: %d of %d ratios within ±%.0f%%; of entrena against another implementation %d of %d; "+
			"of the ratios both runs mark steady %d of %d\n", i+1, agree[i][0], both[i][0], 100*steadyWithin, agree[i][1], both[i][1], agree[i][2], both[i][2])
	}
}

// cpuFigures are the rows of the across-CPU table: entrena's best row of a
// work at one thread or at the most threads the run measured.
var cpuFigures = []struct {
	label, group, name string
	allThreads         bool
}{
	{"SGEMM 1024³, 1 thread", "gemm", "sgemm NN 1024x1024x1024", false},
	{"SGEMM 1024³, all threads", "gemm", "sgemm NN 1024x1024x1024", true},
	{"SGEMM 256×784·784×128, 1 thread", "gemm", "sgemm NN 256x128x784", false},
	{"epoch 784-128-64-10 b=32, 1 thread", "epoch", "784-128-64-10 b=32", false},
	{"epoch 784-128-64-10 b=256, 1 thread", "epoch", "784-128-64-10 b=256", false},
	{"epoch 784-128-64-10 b=256, all threads", "epoch", "784-128-64-10 b=256", true},
	{"Fashion-MNIST 784-128-10 b=32, 1 thread", "fashion", "784-128-10 b=32 5 epochs", false},
}

// CompareCPUs prints every recorded CPU side by side: entrena's figure, its
// share of that CPU's measured peak, and its ratio to that CPU's fastest peer.
func CompareCPUs(w io.Writer, reps []*Report) {
	slices.SortStableFunc(reps, func(a, b *Report) int { return cmp.Compare(a.Machine.Slug, b.Machine.Slug) })
	hdr, peaks := []string{"figure"}, []string{"FMA peak per core, measured"}
	for _, r := range reps {
		hdr, peaks = append(hdr, fmt.Sprintf("%s (%d CPUs)", r.Machine.Model, r.Machine.LogicalCPU)), append(peaks, peaksText(r, ""))
	}
	rows := [][]string{peaks}
	for _, f := range cpuFigures {
		fig, vs := []string{f.label}, []string{"  ÷ fastest peer"}
		for _, rep := range reps {
			threads := map[bool]int{false: 1, true: rep.Machine.LogicalCPU}[f.allThreads]
			ours, peer := bestRow(rep, f.group, f.name, threads, func(r Row) bool { return isGo(r.Impl) }), bestRow(rep, f.group, f.name, threads, isPeer)
			switch {
			case ours.Metric == 0:
				fig, vs = append(fig, "-"), append(vs, "")
				continue
			case peer.Metric == 0:
				vs = append(vs, "no peer measured")
			case peer.Ratio > 0 && strings.HasPrefix(peer.Versus, ours.Impl+","): // the median over rounds
				vs = append(vs, fmt.Sprintf("%.2f× (%s)", peer.Ratio, peer.Impl))
			default:
				vs = append(vs, fmt.Sprintf("%.2f× (%s)", ours.Metric/peer.Metric, peer.Impl))
			}
			fig = append(fig, fmt.Sprintf("%s %s, %.0f%% of peak (%s)", figure(ours.Metric), ours.Unit, ours.PctPeak, ours.Path))
		}
		rows = append(rows, fig, vs)
	}
	writeTable(w, false, hdr, rows)
}
