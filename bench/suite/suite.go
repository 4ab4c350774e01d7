// Package suite is entrena's benchmark program: it records the machine,
// measures the FMA peak and memory bandwidth, times every kernel on every
// available path and a training step for several network shapes, optionally
// runs the peer libraries (bench/peers) on the same work, and writes an
// aligned table, a JSON file, a chart and a Markdown comparison.
//
// Main is the whole command line, so that `go run ./bench` and
// `entrena bench` share it.
package suite

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/pool"
)

const usage = `usage:
  bench [flags]                     measure this machine (and the peers with -peers)
  bench compare [-group g] a.json b.json ...  print result files side by side with ratios to the first
  bench render [-o FILE] [-chart] results.json  write COMPARISON.md (and with -chart gemm.png) again from a result file

flags:
`

// runner carries one benchmark run.
type runner struct {
	rep     *Report
	quick   bool
	paths   []string // kernel paths to measure, best last
	threads []int    // thread counts for multi-core measurements
	t       timing
	log     io.Writer
	want    func(group string) bool // -only

	epochSamples  int // -samples: samples of the synthetic epoch (Go and training peers); 0: default
	fashionEpochs int // -fashionepochs; 0: default

	gonumVersion string
}

func (r *runner) logf(format string, args ...any) {
	if r.log != nil {
		fmt.Fprintf(r.log, format+"\n", args...)
	}
}

func (r *runner) skip(format string, args ...any) {
	r.rep.Skipped = append(r.rep.Skipped, fmt.Sprintf(format, args...))
}

func (r *runner) add(row Row) {
	r.rep.Rows = append(r.rep.Rows, row)
	r.logf("%-8s %-36s %-22s t=%d %10.4g %-9s %s", row.Group, row.Name, row.Impl, row.Threads, row.Metric, row.Unit, pct(row.PctPeak))
}

func (r *runner) use(path string) {
	if err := asm.Use(path); err != nil {
		panic(err) // paths come from asm.Available
	}
}

// best is the fastest path being measured (the last one).
func (r *runner) best() string { return r.paths[len(r.paths)-1] }

// Main runs the benchmark command with args (without the program name) and
// returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "compare" {
		return compareMain(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "render" {
		return renderMain(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	quick := fs.Bool("quick", false, "small sweep (CI smoke run, seconds)")
	jsonOut := fs.String("json", "", "write the results to this JSON `file`")
	pathsFlag := fs.String("paths", "", "comma-separated kernel `paths` to measure (default: all available)")
	threadsFlag := fs.String("threads", "", "comma-separated thread `counts` for the multi-core rows (default: 1 and all cores)")
	peers := fs.Bool("peers", false, "also run the peer programs of bench/peers (see bench/peers/setup.sh)")
	peersDir := fs.String("peersdir", "", "`dir`ectory of the peer programs (default: bench/peers of this repository)")
	only := fs.String("only", "", "comma-separated `groups` to run: memory,gemm,eltwise,step,epoch,fashion,contention (default: all but contention, which starts a competing process; with -peers, only the peers of those groups)")
	samples := fs.Int("samples", 0, "`samples` of the synthetic training epoch, Go side and training peers (default 60000, 6000 with -quick)")
	fashionEp := fs.Int("fashionepochs", 0, "`epochs` of the Fashion-MNIST comparison (default 5, 1 with -quick)")
	outDir := fs.String("out", "", "write JSON, chart and COMPARISON.md into this `dir`ectory")
	chart := fs.String("chart", "", "write the GFLOPS-vs-size chart to this PNG `file`")
	reps := fs.Int("reps", 0, "timed repetitions per measurement (default 7, or 3 with -quick)")
	verbose := fs.Bool("v", false, "print each row as it is measured")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "bench: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}

	r := &runner{quick: *quick, rep: &Report{Schema: SchemaVersion, Created: time.Now().UTC(), Quick: *quick,
		Command: "go run ./bench " + strings.Join(args, " ")}}
	r.rep.Machine = probeMachine()
	r.gonumVersion = moduleVersion("gonum.org/v1/gonum")
	if *verbose {
		r.log = stderr
	}
	var err error
	if r.paths, err = parsePaths(*pathsFlag); err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 2
	}
	if r.threads, err = parseThreads(*threadsFlag); err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 2
	}
	r.t = timing{reps: 7, minRep: 20 * time.Millisecond}
	if *quick {
		r.t = timing{reps: 3, minRep: 2 * time.Millisecond}
	}
	if *reps > 0 {
		r.t.reps = *reps
	}
	if *samples < 0 || *fashionEp < 0 {
		fmt.Fprintln(stderr, "bench: -samples and -fashionepochs must not be negative")
		return 2
	}
	r.epochSamples, r.fashionEpochs = *samples, *fashionEp
	groups := map[string]bool{}
	for _, g := range strings.Split(*only, ",") {
		if g = strings.TrimSpace(g); g != "" {
			groups[g] = true
		}
	}
	// contention starts a competing process and runs only when named.
	want := func(g string) bool { return groups[g] || len(groups) == 0 && g != "contention" }
	r.want = want
	var pdir string
	if *peers {
		if pdir, err = findPeersDir(*peersDir); err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 2
		}
	}

	prev := asm.Active()
	defer func() { _ = asm.Use(prev) }()
	fmt.Fprintf(stderr, "bench: %s, paths %s, threads %v%s\n", r.rep.Machine.Model,
		strings.Join(r.paths, ","), r.threads, map[bool]string{true: " (quick)"}[*quick])
	r.runPeaks() // always: the percentages need it
	steps := []struct {
		group string
		run   func()
	}{
		{"memory", r.runMemory}, {"gemm", r.runGemm}, {"eltwise", r.runEltwise},
		{"step", r.runSteps}, {"epoch", r.runEpochs}, {"fashion", r.runFashion},
		{"contention", r.runContention},
	}
	for _, s := range steps {
		if want(s.group) {
			t := time.Now()
			s.run()
			fmt.Fprintf(stderr, "bench: %s done in %.1f s\n", s.group, time.Since(t).Seconds())
		}
	}
	if *peers {
		t := time.Now()
		r.runPeers(pdir)
		fmt.Fprintf(stderr, "bench: peers done in %.1f s\n", time.Since(t).Seconds())
	}

	WriteTable(stdout, r.rep)
	if *peers {
		fmt.Fprintln(stdout)
		WritePeerRatios(stdout, r.rep)
	}
	WriteSummaries(stdout, r.rep)
	status := 0
	write := func(what string, f func() error) {
		if err := f(); err != nil {
			fmt.Fprintf(stderr, "bench: %s: %v\n", what, err)
			status = 1
		}
	}
	if *outDir != "" {
		dir := *outDir
		if err := os.MkdirAll(dir, 0o755); err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 1
		}
		if *jsonOut == "" {
			*jsonOut = filepath.Join(dir, "results.json")
		}
		if *chart == "" && want("gemm") {
			*chart = filepath.Join(dir, "gemm.png") // no chart when -only leaves GEMM out
		}
		write("COMPARISON.md", func() error {
			return writeFile(filepath.Join(dir, "COMPARISON.md"), func(w io.Writer) error {
				return WriteMarkdown(w, r.rep, filepath.Base(*chart))
			})
		})
	}
	if *jsonOut != "" {
		write("json", func() error { return r.rep.WriteJSON(*jsonOut) })
	}
	if *chart != "" {
		write("chart", func() error { return WriteChart(*chart, r.rep) })
	}
	return status
}

func writeFile(path string, f func(io.Writer) error) error {
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := f(fh); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}

// parsePaths validates a -paths list, keeping the order of asm.Available
// (best last); empty means all available paths.
func parsePaths(s string) ([]string, error) {
	avail := asm.Available()
	if strings.TrimSpace(s) == "" {
		return avail, nil
	}
	want := map[string]bool{}
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		found := false
		for _, a := range avail {
			found = found || a == p
		}
		if !found {
			return nil, fmt.Errorf("-paths: %q is not available here (available: %s)", p, strings.Join(avail, ", "))
		}
		want[p] = true
	}
	var out []string
	for _, a := range avail {
		if want[a] {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("-paths: empty list")
	}
	return out, nil
}

// parseThreads validates a -threads list; empty means 1 and all cores.
func parseThreads(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		if n := runtime.GOMAXPROCS(0); n > 1 {
			return []int{1, n}, nil
		}
		return []int{1}, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > pool.MaxThreads {
			return nil, fmt.Errorf("-threads: %q is not a thread count between 1 and %d", f, pool.MaxThreads)
		}
		out = append(out, n)
	}
	return out, nil
}

func itoa(n int) string { return strconv.Itoa(n) }

func pct(p float64) string {
	if p <= 0 {
		return ""
	}
	return fmt.Sprintf("%.0f%%", p)
}
