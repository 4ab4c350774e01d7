package suite

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
)

// compareMain implements `bench compare`: result files side by side, or
// with no files every CPU recorded in bench/results.
func compareMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	group := fs.String("group", "", "only rows of this `group` (with files)")
	ratio := fs.Bool("ratio", false, "compare each row's entrena ÷ this (over rounds) instead of its figure (with files)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	files := fs.Args()
	if len(files) == 0 {
		dir, err := findPeersDir("")
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
	if len(fs.Args()) == 0 {
		CompareCPUs(stdout, reps)
	} else {
		Compare(stdout, files, reps, *group, *ratio)
	}
	return 0
}

// Compare prints the rows of several reports side by side: one column of
// figures (or with ratio, of entrena ÷ this) per report and, for each
// report after the first, its quotient by the first's (for figures, higher
// is faster for every unit the suite uses).
func Compare(w io.Writer, names []string, reps []*Report, group string, ratio bool) {
	value := func(rep *Report, r Row) float64 {
		if ratio {
			x, _, _, _ := ratioOf(rep, r)
			return x
		}
		return r.Metric
	}
	for i, r := range reps {
		fmt.Fprintf(w, "[%d] %s: %s, %d cpu, %s, %s\n", i+1, names[i], r.Machine.Model, r.Machine.LogicalCPU,
			r.Machine.GoVersion, r.Created.Format("2006-01-02 15:04"))
	}
	var keys []string
	rowOf := map[string]Row{}
	table := make([]map[string]Row, len(reps))
	for i, r := range reps {
		table[i] = map[string]Row{}
		for _, row := range r.Rows {
			if group != "" && row.Group != group || ratio && value(r, row) == 0 {
				continue
			}
			k := row.Key()
			table[i][k] = row
			if _, ok := rowOf[k]; !ok {
				keys = append(keys, k)
				rowOf[k] = row
			}
		}
	}
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
			if c, ok := table[i][k]; ok {
				line += figure(value(reps[i], c)) + "\t"
			} else {
				line += "-\t"
			}
		}
		base, okBase := table[0][k]
		for i := 1; i < len(reps); i++ {
			if c, ok := table[i][k]; ok && okBase && value(reps[0], base) > 0 {
				line += fmt.Sprintf("%.2f×\t", value(reps[i], c)/value(reps[0], base))
			} else {
				line += "-\t"
			}
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
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

// CompareCPUs prints every recorded CPU side by side: per figure, entrena's
// figure, its share of that CPU's own measured peak, and its ratio to the
// fastest peer on that CPU.
func CompareCPUs(w io.Writer, reps []*Report) {
	sort.SliceStable(reps, func(i, j int) bool { return reps[i].Machine.Slug < reps[j].Machine.Slug })
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	line := []string{"figure"}
	for _, r := range reps {
		line = append(line, fmt.Sprintf("%s (%d CPUs)", r.Machine.Model, r.Machine.LogicalCPU))
	}
	fmt.Fprintln(tw, strings.Join(line, "\t")+"\t")
	line = []string{"FMA peak per core, measured"}
	for _, r := range reps {
		var pk []string
		for _, p := range r.Peaks {
			pk = append(pk, fmt.Sprintf("%s %.1f GFLOPS", p.Path, p.GFLOPS))
		}
		line = append(line, strings.Join(pk, ", "))
	}
	fmt.Fprintln(tw, strings.Join(line, "\t")+"\t")
	for _, f := range cpuFigures {
		fig, vs := []string{f.label}, []string{"  ÷ fastest peer"}
		for _, rep := range reps {
			threads := 1
			if f.allThreads {
				threads = rep.Machine.LogicalCPU
			}
			var ours, peer Row
			for _, r := range rep.Rows {
				if r.Group != f.group || r.Name != f.name || r.Threads != threads {
					continue
				}
				if isGo(r.Impl) && r.Metric > ours.Metric {
					ours = r
				} else if !strings.HasPrefix(r.Impl, "entrena") && !strings.HasPrefix(r.Impl, "gonum") && r.Metric > peer.Metric {
					peer = r
				}
			}
			if ours.Metric == 0 {
				fig, vs = append(fig, "-"), append(vs, "")
				continue
			}
			fig = append(fig, fmt.Sprintf("%s %s, %.0f%% of peak (%s)", figure(ours.Metric), ours.Unit, ours.PctPeak, ours.Path))
			if peer.Metric == 0 {
				vs = append(vs, "no peer measured")
			} else if peer.Ratio > 0 { // the median over rounds
				vs = append(vs, fmt.Sprintf("%.2f× (%s)", peer.Ratio, peer.Impl))
			} else {
				vs = append(vs, fmt.Sprintf("%.2f× (%s)", ours.Metric/peer.Metric, peer.Impl))
			}
		}
		fmt.Fprintln(tw, strings.Join(fig, "\t")+"\t")
		fmt.Fprintln(tw, strings.Join(vs, "\t")+"\t")
	}
	tw.Flush()
}

// renderMain implements `bench render`: COMPARISON.md (and with -chart
// gemm.png) again from a result file, in this program's layout.
func renderMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "output `file` (default COMPARISON.md beside the result file; - for stdout)")
	chart := fs.Bool("chart", false, "also draw gemm.png beside it")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: bench render [-o FILE] [-chart] results.json")
		return 2
	}
	rep, err := ReadReport(fs.Arg(0))
	png := filepath.Join(filepath.Dir(fs.Arg(0)), "gemm.png")
	if *out == "" {
		*out = filepath.Join(filepath.Dir(fs.Arg(0)), "COMPARISON.md")
	}
	if err == nil && *chart {
		err = writeFile(png, func(w io.Writer) error { return WriteChart(w, rep) })
	}
	link := ""
	if _, err := os.Stat(png); err == nil && *out != "-" {
		link = "gemm.png"
	}
	if err == nil && *out == "-" {
		err = WriteMarkdown(stdout, rep, link)
	} else if err == nil {
		err = writeFile(*out, func(w io.Writer) error { return WriteMarkdown(w, rep, link) })
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench render:", err)
		return 1
	}
	return 0
}
