package suite

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// WriteMarkdown writes the comparison report: machine, reproduction
// command, peers with versions and settings, entrena-versus-peer ratios,
// then every row.
func WriteMarkdown(w io.Writer, rep *Report, chart string) error {
	m := rep.Machine
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("# entrena benchmark: %s\n\n", m.Model)
	if rep.Quick {
		p("**Quick run (-quick): small sweep, few repetitions; smoke figures only.**\n\n")
	}
	p("Measured %s with `%s` (the `make compare` target runs `bench/peers/setup.sh` first, then this).\n",
		rep.Created.Format("2006-01-02 15:04 MST"), rep.Command)
	p("Figures are medians over the repetitions; \"spread\" is min/max around the median. The machine is a\n")
	p("shared virtual machine: treat differences under about 10%% as noise.\n\n")

	p("## Machine\n\n")
	p("| | |\n|---|---|\n")
	p("| CPU (cpuid) | %s |\n", m.Model)
	if m.ProcModel != "" {
		p("| CPU (/proc/cpuinfo) | %s |\n", m.ProcModel)
	}
	p("| vendor | %s |\n| cores | %d physical (cpuid), %d usable by this process, GOMAXPROCS %d |\n", m.Vendor, m.Cores, m.LogicalCPU, m.GOMAXPROCS)
	p("| caches | L1d %s, L2 %s per core, L3 %s |\n", kib(m.L1D), kib(m.L2), kib(m.L3))
	p("| features | %s |\n| virtualised | %v |\n", strings.Join(m.Features, " "), m.Hypervisor)
	p("| Go | %s %s/%s |\n| kernel paths | %s (default %s) |\n", m.GoVersion, m.GOOS, m.GOARCH, strings.Join(m.Paths, ", "), m.Default)
	for _, pk := range rep.Peaks {
		p("| FMA peak %s | %.1f GFLOPS per core (%s, peak.Measure) |\n", pk.Path, pk.GFLOPS, peakLoopDesc(pk.Path))
	}
	p("\n")

	p("## Peers\n\n")
	if len(rep.Peers) == 0 {
		p("No peers in this run (run with `-peers`).\n\n")
	} else {
		p("| peer | versions | settings | command |\n|---|---|---|---|\n")
		for _, pr := range rep.Peers {
			if pr.Skipped != "" {
				p("| %s | **skipped** | %s | `%s` |\n", pr.Peer, mdEscape(pr.Skipped), mdEscape(pr.Command))
				continue
			}
			p("| %s | %s | %s | `%s` |\n", pr.Peer, mdEscape(versions(pr.Versions)), mdEscape(pr.Settings), mdEscape(pr.Command))
		}
		p("\nEvery peer runs with `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE` removed from its environment and\n")
		p("`OMP_NUM_THREADS`, `OPENBLAS_NUM_THREADS`, `MKL_NUM_THREADS`, `BLIS_NUM_THREADS` set to the thread count;\n")
		p("the OpenBLAS kernel each one picked is in its settings. gonum's pure-Go Sgemm runs inside the suite.\n\n")
	}

	writeSummariesMarkdown(w, rep)

	if lines := peerRatios(rep); len(lines) > 0 {
		p("## entrena against the peers\n\n")
		p("entrena's best path for each piece of work against each peer on the same thread count;\n")
		p("ratio > 1 means entrena is faster.\n\n")
		p("| work | threads | entrena | peer | peer figure | unit | entrena/peer |\n|---|--:|--:|---|--:|---|--:|\n")
		for _, l := range lines {
			p("| %s | %d | %s (%s) | %s | %s | %s | **%.2f×** |\n", l.name, l.threads, metric(l.ours.Metric),
				strings.TrimPrefix(l.ours.Impl, "entrena/"), l.peer.Impl, metric(l.peer.Metric), l.ours.Unit, l.ours.Metric/l.peer.Metric)
		}
		p("\n")
	}
	if chart != "" {
		p("## GEMM throughput versus size\n\n![GFLOPS versus square size per path](%s)\n\n", chart)
	}

	p("## All measurements\n\n")
	p("GEMM GFLOPS count 2·m·n·k per call; element-wise rows count elements (the note gives the implied\n")
	p("GB/s); training rows count samples, with 6·W − 2·W₁ FLOP per sample (W weights; the first layer\n")
	p("needs no input gradient) for %%peak. %%peak is against the measured FMA peak of the row's path times\n")
	p("its threads (the best path's for peers). Memory rows: Go `copy` (8 B/float: read + write) and\n")
	p("`asm.Axpy` (12 B/float) over working sets sized for L1, L2 and beyond the last-level cache.\n\n")
	p("| group | work | impl | threads | median/op | spread | figure | unit | %%peak | allocs/op | note |\n")
	p("|---|---|---|--:|--:|--:|--:|---|--:|--:|---|\n")
	for _, r := range sortedRows(rep.Rows) {
		p("| %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s |\n", r.Group, r.Name, r.Impl, r.Threads,
			duration(r.Median), spread(r), metric(r.Metric), r.Unit, pct(r.PctPeak), allocs(r.Allocs), mdEscape(r.Note))
	}
	if len(rep.Skipped) > 0 {
		p("\nNot measured:\n\n")
		for _, s := range rep.Skipped {
			p("- %s\n", s)
		}
	}
	return nil
}

// renderMain implements `bench render [-o FILE] [-chart] results.json`: the
// Markdown report (and the chart) written again from a result file, with
// this program's report layout, e.g. after the layout changed. No
// measurement runs.
func renderMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write the Markdown report to this `file` (default: COMPARISON.md beside the result file; - for stdout)")
	chart := fs.Bool("chart", false, "also draw gemm.png again beside the report")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: bench render [-o FILE] [-chart] results.json")
		return 2
	}
	rep, err := ReadReport(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "bench render:", err)
		return 1
	}
	dir := filepath.Dir(fs.Arg(0))
	if *out == "" {
		*out = filepath.Join(dir, "COMPARISON.md")
	} else if *out != "-" {
		dir = filepath.Dir(*out)
	}
	png := filepath.Join(dir, "gemm.png")
	if *chart {
		if err := WriteChart(png, rep); err != nil {
			fmt.Fprintln(stderr, "bench render: chart:", err)
			return 1
		}
	}
	link := ""
	if _, err := os.Stat(png); err == nil && *out != "-" {
		link = "gemm.png"
	}
	if *out == "-" {
		err = WriteMarkdown(stdout, rep, link)
	} else {
		err = writeFile(*out, func(w io.Writer) error { return WriteMarkdown(w, rep, link) })
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench render:", err)
		return 1
	}
	return 0
}

// peakLoopDesc says what the peak loop of path runs (bench/peak/peak_amd64.s,
// bench/peak/peak_neon_arm64.s): independent FMA chains, enough of them to cover
// every FMA pipe's latency on the path's CPUs.
func peakLoopDesc(path string) string {
	switch path {
	case "avx2":
		return "12 independent VFMADD231PS chains on 8-lane YMM registers"
	case "avx512":
		return "12 independent VFMADD231PS chains on 16-lane ZMM registers"
	case "neon":
		return "24 independent FMLA chains on 4-lane Q registers"
	}
	return "independent FMA chains"
}

func versions(v map[string]string) string {
	var keys []string
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+" "+v[k])
	}
	return strings.Join(parts, ", ")
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
