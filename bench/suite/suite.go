// Package suite is entrena's benchmark program: every kernel on every path,
// training steps and epochs, optionally beside the peer libraries
// (bench/peers), in rounds of paired turns with health probes; it writes a
// report, JSON, a chart and COMPARISON.md. Main is the whole command line
// (`go run ./bench` and `entrena bench`).
package suite

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/bench/peak"
	"github.com/v1tr0/entrena/pool"
)

const usage = `usage:
  bench [flags]                       measure this machine (and the peers with -peers)
  bench compare [-ratio] [a.json ...]  result files side by side; without files, every CPU in bench/results
  bench slug [-best]                  this CPU's folder name under bench/results (-best: the best kernel path)
  bench goals results.json            check a result file against bench/GOALS.md (exit status 1 if one is not reached)

flags:
`

// runner carries one benchmark run.
type runner struct {
	rep      *Report
	quick    bool
	paths    []string  // kernel paths to measure, best last
	threads  []int     // thread counts of the multi-core rows
	status   io.Writer // the progress line
	peersDir string    // "" without -peers
	// Recorded rounds per comparison and the budget of a turn, a longer one
	// where a peer takes part, then a pause after a lingering peer's turn.
	rounds                                   int
	budget, peerBudget, settle               time.Duration
	epochSamples, epochRounds, fashionEpochs int // one epoch per side per round
	workers                                  map[string]*worker
	noted                                    map[string]bool // peers recorded in the report
	probes                                   [][3]float64    // FMA GFLOPS, GB/s and L1 SGEMM GFLOPS before each round
	probeSrc, probeDst, probeL1              []float32
	probeWS                                  *asm.Workspace
	gonumVersion, group                      string // the group being measured, for the progress line
	start, shown                             time.Time
	estimate                                 time.Duration
}

func (r *runner) skip(format string, args ...any) {
	r.rep.Skipped = append(r.rep.Skipped, fmt.Sprintf(format, args...))
}

func (r *runner) use(path string) { _ = asm.Use(path) } // paths come from asm.Available

// best is the fastest path being measured (the last one).
func (r *runner) best() string { return r.paths[len(r.paths)-1] }

// peak is the measured per-core peak of path, or the best path's for peers
// ("") and generic.
func (r *runner) peak(path string) (g float64) {
	for _, p := range r.rep.Peaks {
		if p.Path == path || p.Path == r.best() && g == 0 {
			g = p.GFLOPS
		}
	}
	return g
}

// progress redraws the progress line, at most once a second.
func (r *runner) progress() {
	if r.status == nil || time.Since(r.shown) < time.Second {
		return
	}
	r.shown = time.Now()
	el, left := time.Since(r.start), "finishing"
	if r.estimate > el {
		left = fmt.Sprintf("about %s left", (r.estimate - el).Round(time.Second))
	}
	fmt.Fprintf(r.status, "\rbench: %-10s %s elapsed, %s   ", r.group, el.Round(time.Second), left)
}

// estimateRun is roughly how long the run takes on a quiet two-core
// machine (a busier one takes longer): seconds of each group in a full run,
// without and with peers, scaled by the rounds, turns and epochs asked for.
func (r *runner) estimateRun(want func(string) bool) time.Duration {
	peers := map[bool]int{true: 1}[r.peersDir != ""]
	kernel := float64(r.rounds+1) * r.budget.Seconds() / 0.1
	peer := float64(r.rounds+1) * (r.peerBudget + r.settle).Seconds() / 1.3
	epochs := float64(r.epochRounds*r.epochSamples) / 300e3
	turns := float64(r.rounds+1) / 10 * float64(r.epochSamples) / 60e3 // contention's epochs
	sec := map[string][2]float64{"memory": {2, 10}, "gemm": {25 * kernel, 360 * peer}, "eltwise": {30 * kernel, 63 * peer}, "step": {4 * kernel, 80 * peer},
		"epoch": {8 * epochs, 170 * epochs}, "fashion": {2 * float64(r.fashionEpochs), 15 * float64(r.fashionEpochs)}, "contention": {20 + 88*turns, 20 + 88*turns}}
	total := 2.0
	for g, s := range sec {
		total += map[bool]float64{true: s[peers]}[want(g)]
	}
	return time.Duration(total * float64(time.Second))
}

// Main runs the benchmark command with args (without the program name) and
// returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "compare":
			return compareMain(args[1:], stdout, stderr)
		case "goals":
			return goalsMain(args[1:], stdout, stderr)
		case "slug": // for bench.mk
			if a := asm.Available(); len(args) > 1 && args[1] == "-best" {
				fmt.Fprintln(stdout, a[len(a)-1])
			} else {
				fmt.Fprintln(stdout, probeMachine().Slug)
			}
			return 0
		}
	}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	quick := fs.Bool("quick", false, "small sweep, few rounds (a smoke run, seconds)")
	jsonOut := fs.String("json", "", "write the results to this JSON `file`")
	pathsFlag := fs.String("paths", "", "comma-separated kernel `paths` to measure (default: all available)")
	threadsFlag := fs.String("threads", "", "comma-separated thread `counts` for the multi-core rows (default: 1 and all cores)")
	peers := fs.Bool("peers", false, "also run the peers of bench/peers (see bench/peers/setup.sh)")
	only := fs.String("only", "", "comma-separated `groups`: memory,gemm,eltwise,step,epoch,fashion,contention (default: all but contention, which starts a competing process)")
	samples := fs.Int("samples", 0, "`samples` of the synthetic training epoch, entrena and the peers (default 60000, 6000 with -quick)")
	outDir := fs.String("out", "", "write JSON, chart and COMPARISON.md into this `dir`ectory")
	reps := fs.Int("reps", 0, "recorded `rounds` per comparison (default 9, 7 of an epoch; 3 with -quick)")
	if err := fs.Parse(args); err != nil {
		return map[bool]int{true: 0, false: 2}[errors.Is(err, flag.ErrHelp)]
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "bench: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	r := &runner{quick: *quick, rep: &Report{Schema: SchemaVersion, Created: time.Now().UTC(), Quick: *quick, Machine: probeMachine(),
		Command: strings.TrimSpace("go run ./bench " + strings.Join(args, " "))}, workers: map[string]*worker{}, noted: map[string]bool{},
		status: stderr, epochSamples: cmp.Or(*samples, 60000), epochRounds: cmp.Or(*reps, 7), fashionEpochs: 5,
		rounds: 9, budget: 10 * time.Millisecond, peerBudget: 20 * time.Millisecond, settle: 110 * time.Millisecond}
	if *quick {
		r.rounds, r.budget, r.peerBudget, r.settle = 3, 3*time.Millisecond, 3*time.Millisecond, 5*time.Millisecond
		r.epochSamples, r.fashionEpochs = cmp.Or(*samples, 6000), 1
	}
	r.rounds = cmp.Or(*reps, r.rounds)
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			r.gonumVersion += map[bool]string{true: d.Version}[d.Path == "gonum.org/v1/gonum"]
		}
	}
	var err error
	if r.paths, err = parsePaths(*pathsFlag); err == nil {
		r.threads, err = parseThreads(*threadsFlag)
	}
	if err == nil && (*samples < 0 || *reps < 0) {
		err = errors.New("-samples and -reps must not be negative")
	}
	if err == nil && *peers {
		r.peersDir, err = findPeersDir()
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 2
	}
	want := func(g string) bool {
		return slices.Contains(strings.Split(*only, ","), g) || *only == "" && g != "contention"
	}

	prev := asm.Active()
	defer func() { _ = asm.Use(prev) }()
	defer r.closePeers()
	r.start, r.estimate = time.Now(), r.estimateRun(want)
	fmt.Fprintf(stderr, "bench: %s, paths %s, threads %v, %d rounds per comparison; this takes about %s\n",
		r.rep.Machine.Model, strings.Join(r.paths, ","), r.threads, r.rounds, r.estimate.Round(time.Second))
	for _, p := range r.paths {
		if g, err := peak.Measure(p, map[bool]time.Duration{false: 300, true: 30}[r.quick]*time.Millisecond); err == nil {
			r.rep.Peaks = append(r.rep.Peaks, Peak{Path: p, GFLOPS: g})
		}
	}
	groups := map[string]func(){"memory": r.runMemory, "gemm": r.runGemm, "eltwise": r.runEltwise, "step": r.runSteps,
		"epoch": r.runEpochs, "fashion": r.runFashion, "contention": r.runContention}
	for _, g := range []string{"memory", "gemm", "eltwise", "step", "epoch", "fashion", "contention"} {
		if want(g) {
			r.group = g
			groups[g]()
		}
	}
	r.finishHealth()
	fmt.Fprintf(stderr, "\rbench: done in %s%s\n", time.Since(r.start).Round(time.Second), strings.Repeat(" ", 40))
	WriteReport(stdout, r.rep, false, "")
	var errs []error
	if *outDir != "" {
		chart := map[bool]string{true: "gemm.png"}[want("gemm")]
		*jsonOut = cmp.Or(*jsonOut, filepath.Join(*outDir, "results.json"))
		errs = append(errs, os.MkdirAll(*outDir, 0o755), writeFile(filepath.Join(*outDir, "COMPARISON.md"), func(w io.Writer) error {
			WriteReport(w, r.rep, true, chart)
			return nil
		}))
		if chart != "" {
			errs = append(errs, writeFile(filepath.Join(*outDir, chart), func(w io.Writer) error { return WriteChart(w, r.rep) }))
		}
	}
	if *jsonOut != "" {
		errs = append(errs, writeFile(*jsonOut, r.rep.writeJSON))
	}
	if err := errors.Join(errs...); err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	return 0
}

func writeFile(path string, f func(io.Writer) error) error {
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	return errors.Join(f(fh), fh.Close())
}

// parsePaths validates a -paths list, keeping the order of asm.Available
// (best last); empty means all available paths.
func parsePaths(s string) ([]string, error) {
	avail := asm.Available()
	if strings.TrimSpace(s) == "" {
		return avail, nil
	}
	want := strings.Split(strings.ReplaceAll(s, " ", ""), ",")
	for _, p := range want {
		if !slices.Contains(avail, p) {
			return nil, fmt.Errorf("-paths: %q is not available here (available: %s)", p, strings.Join(avail, ", "))
		}
	}
	return slices.DeleteFunc(avail, func(p string) bool { return !slices.Contains(want, p) }), nil
}

// parseThreads validates a -threads list; empty means 1 and all cores.
func parseThreads(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return slices.Compact([]int{1, runtime.GOMAXPROCS(0)}), nil
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
