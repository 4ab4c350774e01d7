package suite

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/v1tr0/entrena/asm"
)

func testRunner() *runner {
	return &runner{rep: &Report{Schema: SchemaVersion, Machine: Machine{L3: 1 << 20}}, paths: asm.Available(), threads: []int{1},
		rounds: 2, budget: time.Millisecond, workers: map[string]*worker{}, noted: map[string]bool{}}
}

// fixed is a side whose rounds take the given seconds per op, in turn.
func fixed(impl string, per float64, secs ...float64) *side {
	i := 0
	return &side{row: Row{Group: "gemm", Name: "w", Impl: impl, Threads: 1, Unit: "GFLOPS"}, per: per,
		peer: func(time.Duration) (float64, error) { s := secs[i%len(secs)]; i++; return s, nil }}
}

func TestMeasureWorkRatiosPerRound(t *testing.T) {
	r := testRunner()
	// A slow phase in the second recorded round hits the peer's turn and
	// the reference's turns beside it: the per-round ratio stays 2, the
	// medians of the figures move.
	ref := fixed("entrena/x", 1, 1, 1, 1, 2, 2, 1, 1) // the first call is the warm-up round
	peer := fixed("peer", 1, 2, 2, 4, 2)
	r.rounds = 3
	r.measureWork([]*side{ref, peer}, 0)
	if len(r.rep.Rows) != 2 {
		t.Fatalf("rows: %+v", r.rep.Rows)
	}
	p := r.rep.Rows[1]
	if p.Ratio != 2 || p.RatioLo != 2 || p.RatioHi != 2 || p.RatioCI != 0 || p.Reps != 3 || p.Versus != "entrena/x, 1 thread(s)" {
		t.Errorf("peer row %+v: want ratio 2 (2–2) over 3 rounds against entrena/x", p)
	}
	if p.Median != 2 || p.Metric != 0.5 || r.rep.Rows[0].Ratio != 0 || r.rep.Rows[0].Median != 1 {
		t.Errorf("medians: peer %v s, %v; reference ratio %v", p.Median, p.Metric, r.rep.Rows[0].Ratio)
	}
	if len(r.probes) != 3 || len(p.probes) != 3 {
		t.Errorf("one probe per recorded round: %d, row %v", len(r.probes), p.probes)
	}
	if !slices.Equal(p.RoundRatios, []float64{2, 2, 2}) || r.rep.Rows[0].RoundRatios != nil {
		t.Errorf("round ratios: peer %v, reference %v", p.RoundRatios, r.rep.Rows[0].RoundRatios)
	}
	// A side that fails is left out with the reason; the others keep their rows.
	r = testRunner()
	bad := fixed("broken", 1, 1)
	bad.peer = func(time.Duration) (float64, error) { return 0, os.ErrNotExist }
	r.measureWork([]*side{fixed("entrena/x", 1, 1), bad}, 0)
	if len(r.rep.Rows) != 1 || len(r.rep.Skipped) != 1 || !strings.Contains(r.rep.Skipped[0], "broken") {
		t.Errorf("failed side: rows %+v skipped %q", r.rep.Rows, r.rep.Skipped)
	}
}

func TestStats(t *testing.T) {
	for _, c := range []struct{ in, want []float64 }{
		{[]float64{3, 1, 2}, []float64{2, 1, 3}}, {[]float64{4, 1, 3, 2}, []float64{2.5, 1, 4}}, {[]float64{7}, []float64{7, 7, 7}}, {nil, []float64{0, 0, 0}},
	} {
		if m, lo, hi := stats(c.in); m != c.want[0] || lo != c.want[1] || hi != c.want[2] {
			t.Errorf("stats(%v) = %v %v %v, want %v", c.in, m, lo, hi, c.want)
		}
	}
}

func TestMeasureWorkRotatesOrder(t *testing.T) {
	r := testRunner()
	var order []string
	mk := func(name string) *side {
		s := fixed(name, 1, 1)
		s.peer = func(time.Duration) (float64, error) { order = append(order, name); return 1, nil }
		return s
	}
	r.measureWork([]*side{mk("A"), mk("B"), mk("C")}, 3)
	if got := strings.Join(order, ""); got != "ABACAACABAABACA" {
		t.Errorf("order %s, want ABACA ACABA ABACA", got)
	}
	// Sides on two threads pair with entrena's side on two threads.
	order = nil
	a1, a2, p2 := mk("A"), mk("a"), mk("p")
	a1.row.Impl, a2.row.Impl, a2.row.Threads, p2.row.Threads = "entrena/A", "entrena/a", 2, 2
	r.measureWork([]*side{a1, a2, mk("P"), p2}, 2)
	if got := strings.Join(order, ""); got != "AaAPAapa"+"apaAPAaA" {
		t.Errorf("order %s, want AaAPA apa, then apa APAaA", got)
	}
	if v := r.rep.Rows[len(r.rep.Rows)-1].Versus; v != "entrena/a, 2 thread(s)" {
		t.Errorf("two-thread peer against %q", v)
	}
}

func TestMedianInterval(t *testing.T) {
	nine := []float64{0.5, 0.95, 0.95, 0.98, 1, 1.02, 1.05, 1.1, 3}
	if got := medianInterval(nine, 1); math.Abs(got-0.1) > 1e-9 { // the 2nd and 8th of 9
		t.Errorf("interval of nine: ±%v, want ±0.1", got)
	}
	if got := medianInterval([]float64{0.8, 1, 1.25}, 1); math.Abs(got-0.25) > 1e-9 { // few: the whole range
		t.Errorf("interval of three: ±%v, want ±0.25", got)
	}
}

func TestGoSideUsesTestingBenchmark(t *testing.T) {
	r := testRunner()
	calls := 0
	s := &side{row: Row{Group: "eltwise", Name: "w", Impl: "entrena/" + r.best(), Path: r.best(), Threads: 1}, per: 1,
		bench: onPath(r.best(), func() error { calls++; return nil })}
	// The probes' buffers first, then a collection with time for the
	// cleanups it queues (earlier tests' networks close their pools), so
	// that nothing but the side allocates during its turns.
	r.probe()
	runtime.GC()
	runtime.GC()
	time.Sleep(20 * time.Millisecond)
	r.measureWork([]*side{s}, 0)
	row := r.rep.Rows[0]
	if row.OpsRep < 1 || row.Allocs != 0 || row.Median <= 0 || calls < 3 {
		t.Errorf("row %+v after %d calls", row, calls)
	}
	// A turn of one call makes one untimed call first, but for a side whose
	// turn is one call by design (an epoch, timed as a user's Fit runs).
	for _, once := range []bool{false, true} {
		calls = 0
		one := &side{row: s.row, per: 1, calls: 1, once: once, bench: onPath(r.best(), func() error { calls++; return nil })}
		if goTurn(one, time.Millisecond); calls != map[bool]int{false: 2, true: 1}[once] || one.calls != 1 {
			t.Errorf("a turn of one call (once %v) made %d calls, calls per turn now %d", once, calls, one.calls)
		}
	}
	// A Go side whose call fails is left out with the call's error.
	s = &side{row: Row{Name: "failing", Impl: "entrena/" + r.best(), Threads: 1}, per: 1,
		bench: onPath(r.best(), func() error { return os.ErrInvalid })}
	r.measureWork([]*side{s}, 0)
	if len(r.rep.Rows) != 1 || len(r.rep.Skipped) != 1 || !strings.Contains(r.rep.Skipped[0], os.ErrInvalid.Error()) {
		t.Errorf("failing side: rows %d, skipped %q", len(r.rep.Rows), r.rep.Skipped)
	}
}

func TestHealthFlagsDippedRounds(t *testing.T) {
	r := testRunner()
	// Round 2's FMA peak dips, round 3's bandwidth, round 5's kernel probe
	// (below 85% of the best, round 1's 90, though most rounds are slower).
	r.probes = [][3]float64{{100, 10, 80}, {100, 10, 90}, {80, 10, 80}, {100, 5, 80}, {100, 10, 80}, {100, 10, 70}}
	r.rep.Rows = []Row{{Name: "a", probes: []int{0, 1, 2}, RoundRatios: []float64{1, 1, 1}}, {Name: "b", probes: []int{3, 4, 5}}}
	r.probeSrc = make([]float32, 1<<20)
	r.finishHealth()
	h := r.rep.Health
	if h.Rounds != 6 || h.Flagged != 3 || h.PeakGFLOPS != 100 || h.BandwidthGBs != 10 || h.KernelGFLOPS != 90 {
		t.Errorf("health %+v", h)
	}
	if r.rep.Rows[0].Flagged != 1 || r.rep.Rows[1].Flagged != 2 {
		t.Errorf("flagged per row: %d %d", r.rep.Rows[0].Flagged, r.rep.Rows[1].Flagged)
	}
	// Which rounds dipped, beside a row's per-round ratios (a row without them, a reference, gets none).
	if !slices.Equal(r.rep.Rows[0].RoundFlagged, []bool{false, false, true}) || r.rep.Rows[1].RoundFlagged != nil {
		t.Errorf("flagged rounds: %v, %v", r.rep.Rows[0].RoundFlagged, r.rep.Rows[1].RoundFlagged)
	}
	if l := healthLine(r.rep); !strings.Contains(l, "3 of 6 rounds flagged") || !strings.Contains(l, "85% of its best SGEMM in L1, 90.0 GFLOPS") {
		t.Errorf("health line %q", l)
	}
	r.rep.Health.KernelDip = 0 // a result file from before the kernel probe
	if l := healthLine(r.rep); strings.Contains(l, "SGEMM") {
		t.Errorf("health line of an older file %q", l)
	}
}

func sampleReport(model string, scale float64) *Report {
	return &Report{Schema: SchemaVersion, Created: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC), Command: "go run ./bench",
		Machine: Machine{Model: model, LogicalCPU: 2, GoVersion: "go1.26", Paths: []string{"generic", "avx2"}, Default: "avx2", Slug: model},
		Peaks:   []Peak{{Path: "avx2", GFLOPS: 100}},
		Health:  &Health{Rounds: 10, Flagged: 1, PeakGFLOPS: 100, BandwidthGBs: 10, PeakDip: 0.9, BandwidthDip: 0.8},
		Rows: []Row{
			{Group: "gemm", Name: "sgemm NN 1024x1024x1024", Impl: "entrena/avx2", Path: "avx2", Threads: 1, Reps: 5, Median: 1e-5,
				Metric: 80 * scale, Unit: "GFLOPS", PctPeak: 80},
			{Group: "gemm", Name: "sgemm NN 1024x1024x1024", Impl: "openblas-c", Threads: 1, Reps: 5, Metric: 40, Unit: "GFLOPS",
				Allocs: -1, Versus: "entrena/avx2, 1 thread(s)", Ratio: 2 * scale, RatioLo: 1.9, RatioHi: 2.1},
			{Group: "epoch", Name: "784-128-64-10 b=32", Impl: "entrena/avx2", Path: "avx2", Threads: 1, Reps: 5, Median: 0.2,
				Metric: 300000 * scale, Unit: "samples/s", PctPeak: 60},
		},
		Peers: []PeerRun{{Peer: "numpy, 1 thread(s)", Command: "python worker.py", Versions: map[string]string{"numpy": "2.4"},
			Settings: "openblas 0.3.31 kernel=Haswell"}, {Peer: "fann-c, 1 thread(s)", Skipped: "not built"}},
	}
}

func TestJSONRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	rep := sampleReport("CPU A", 1)
	if err := writeFile(path, rep.writeJSON); err != nil {
		t.Fatal(err)
	}
	got, err := ReadReport(path)
	if err != nil || !reflect.DeepEqual(got, rep) {
		t.Fatalf("round trip: %v\n got %+v\nwant %+v", err, got, rep)
	}
	rep.Schema = SchemaVersion + 1
	if err := writeFile(path, rep.writeJSON); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadReport(path); err == nil || !strings.Contains(err.Error(), "schema") {
		t.Fatalf("newer schema: err = %v", err)
	}
}

// TestReportReadsAsAUser: ratio first, machine and health named, no
// internal vocabulary.
func TestReportReadsAsAUser(t *testing.T) {
	var text, md bytes.Buffer
	WriteReport(&text, sampleReport("CPU A", 1), false, "")
	WriteReport(&md, sampleReport("CPU A", 1), true, "gemm.png")
	for _, out := range []string{text.String(), md.String()} {
		for _, want := range []string{"CPU A", "1 of 10 rounds flagged", "2.00×", "1.90–2.10", "openblas-c", "entrena (Go, avx2)"} {
			if !strings.Contains(out, want) {
				t.Errorf("report lacks %q:\n%s", want, out)
			}
		}
		for _, bad := range []string{"issue", "missed", " met", "target"} {
			if strings.Contains(strings.ToLower(out), bad) {
				t.Errorf("report says %q:\n%s", bad, out)
			}
		}
	}
	if !strings.Contains(md.String(), "kernel=Haswell") || !strings.Contains(md.String(), "not run: not built") {
		t.Errorf("Markdown lacks the peers' BLAS or skip reason:\n%s", md.String())
	}
	// The ratio column comes first in every table.
	if !strings.Contains(text.String(), "\nentrena ÷ this") {
		t.Errorf("tables do not start with the ratio:\n%s", text.String())
	}
}

// TestCommittedResultsRender renders and compares every committed result
// file, the ones from before rounds included.
func TestCommittedResultsRender(t *testing.T) {
	files, _ := filepath.Glob("../results/*/*.json")
	if len(files) == 0 {
		t.Skip("no committed results")
	}
	var reps []*Report
	for _, f := range files {
		rep, err := ReadReport(f)
		if err != nil {
			t.Fatal(err)
		}
		var md bytes.Buffer
		if WriteReport(&md, rep, true, ""); !strings.Contains(md.String(), rep.Machine.Model) {
			t.Errorf("%s: no machine in\n%s", f, md.String())
		}
		if strings.Contains(md.String(), "issue") {
			t.Errorf("%s renders an issue number", f)
		}
		reps = append(reps, rep)
	}
	var cmp bytes.Buffer
	Compare(&cmp, files, reps, false)
	if !strings.Contains(cmp.String(), "[2]/[1]") {
		t.Errorf("compare:\n%s", cmp.String())
	}
	// Two runs' ratios side by side: the peer row of the sample report.
	cmp.Reset()
	Compare(&cmp, []string{"a", "b"}, []*Report{sampleReport("A", 1), sampleReport("B", 1.1)}, true)
	if !strings.Contains(cmp.String(), "openblas-c") || !strings.Contains(cmp.String(), "1.10×") || strings.Contains(cmp.String(), "epoch") ||
		!strings.Contains(cmp.String(), "mark steady 0 of 0") {
		t.Errorf("compare -ratio:\n%s", cmp.String())
	}
	// Rows both runs mark steady are counted apart: one that agrees, then one that does not.
	for _, c := range []struct {
		scale float64
		want  string
	}{{1.03, "mark steady 1 of 1"}, {1.1, "mark steady 0 of 1"}} {
		a, b := sampleReport("A", 1), sampleReport("B", c.scale)
		a.Rows[1].RatioCI, b.Rows[1].RatioCI = 0.05, 0.05
		cmp.Reset()
		if Compare(&cmp, []string{"a", "b"}, []*Report{a, b}, true); !strings.Contains(cmp.String(), c.want) {
			t.Errorf("compare -ratio, second run %.2f× the first: want %q in\n%s", c.scale, c.want, cmp.String())
		}
	}
}

func TestCompareCPUsSideBySide(t *testing.T) {
	var buf bytes.Buffer
	CompareCPUs(&buf, []*Report{sampleReport("CPU B", 2), sampleReport("CPU A", 1)})
	out := buf.String()
	for _, want := range []string{"CPU A (2 CPUs)", "CPU B (2 CPUs)", "avx2 100.0 GFLOPS", "80 GFLOPS, 80% of peak", "160.0 GFLOPS",
		"2.00× (openblas-c)", "4.00× (openblas-c)", "300000 samples/s", "no peer measured"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "CPU A") > strings.Index(out, "CPU B") {
		t.Errorf("CPUs not in slug order:\n%s", out)
	}
}

func TestGoals(t *testing.T) {
	goals, err := readGoals("../GOALS.md")
	if err != nil || len(goals) < 10 {
		t.Fatalf("GOALS.md: %d goals, %v", len(goals), err)
	}
	for _, g := range goals {
		if fig, _ := g.check(&Report{}); fig != "" && fig != "at most 0 over 0 rows" {
			t.Errorf("goal %q on an empty run: %q, want not measured", g.title, fig)
		}
	}
	rep := sampleReport("CPU A", 1)
	for _, c := range []struct {
		g       goal
		fig     string
		reached bool
	}{
		{goal{group: "gemm", work: "sgemm NN 1024x1024x1024", threads: "1", impl: "entrena/avx2", measure: "%peak", target: 90}, "80%", false},
		{goal{group: "gemm", work: "sgemm NN 1024x1024x1024", threads: "1", impl: "entrena", measure: "÷peer", peers: []string{"openblas"}, target: 1}, "2.00× openblas-c", true},
		{goal{group: "epoch", work: "784-128-64-10 b=32", threads: "all", impl: "entrena", measure: "figure", target: 300000}, "300000 samples/s", true},
		{goal{group: "epoch", work: "784-128-64-10 b=32", threads: "1", impl: "entrena", measure: "÷peer", peers: []string{"*"}, target: 1}, "", false},
	} {
		if fig, ok := c.g.check(rep); fig != c.fig || ok != c.reached {
			t.Errorf("%+v: %q %v, want %q %v", c.g, fig, ok, c.fig, c.reached)
		}
	}
	// Scaling: the median over rounds where two threads ran in the rounds of one, else the figures' quotient.
	scaling := goal{group: "step", work: "w", threads: "all", impl: "entrena", measure: "scaling", target: 1.8}
	one, two := Row{Group: "step", Name: "w", Impl: "entrena/avx2", Threads: 1, Metric: 100}, Row{Group: "step", Name: "w", Impl: "entrena/avx2", Threads: 2, Metric: 150}
	if fig, ok := scaling.check(&Report{Rows: []Row{one, two}}); fig != "1.50× on 2 threads" || ok {
		t.Errorf("scaling from figures: %q %v", fig, ok)
	}
	two.Ratio, two.Versus = 0.55, "entrena/avx2, 1 thread(s)"
	if fig, ok := scaling.check(&Report{Rows: []Row{one, two}}); fig != "1.82× on 2 threads" || !ok {
		t.Errorf("scaling over rounds: %q %v", fig, ok)
	}
	path := filepath.Join(t.TempDir(), "r.json")
	if err := writeFile(path, rep.writeJSON); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code := Main([]string{"goals", path}, &out, &out); code != 1 || !strings.Contains(out.String(), "NOT REACHED") {
		t.Errorf("goals: exit %d\n%s", code, out.String())
	}
}

// TestWorkerProtocol runs the numpy worker when this machine has numpy.
func TestWorkerProtocol(t *testing.T) {
	if exec.Command("python3", "-c", "import numpy").Run() != nil {
		t.Skip("python3 with numpy not installed")
	}
	cmd := exec.Command("python3", "../peers/worker.py", "--lib", "numpy")
	cmd.Stdin = strings.NewReader(`{"op": "hello"}
{"op": "gemm", "ta": false, "tb": true, "m": 8, "n": 8, "k": 8, "budget": 0.001}
{"op": "eltwise", "kernel": "sigmoid", "n": 100, "budget": 0.001}
{"op": "nosuchop"}
{"op": "epoch", "batch": 32, "samples": 64}
`)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var as []answer
	for _, l := range lines {
		var a answer
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatal(err, l)
		}
		as = append(as, a)
	}
	if len(as) != 5 || as[0].Versions["numpy"] == "" || !strings.Contains(as[0].Settings, "OPENBLAS_CORETYPE") ||
		as[1].S <= 0 || as[2].S <= 0 || !strings.Contains(lines[3], "unsupported") || as[4].S <= 0 {
		t.Errorf("answers:\n%s", out)
	}
}

func TestQuickRunSaysHowLong(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Main([]string{"-quick", "-only", "memory", "-reps", "1"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "this takes about") || !strings.Contains(errb.String(), "done in") ||
		!strings.Contains(out.String(), "Memory bandwidth") || !strings.Contains(out.String(), "rounds flagged") {
		t.Errorf("stderr %q\nstdout %s", errb.String(), out.String())
	}
	if code := Main([]string{"-paths", "sse9"}, &out, &errb); code != 2 {
		t.Errorf("bad -paths: exit %d", code)
	}
}

// TestDeadWorkerIsReported: a peer whose process ends is skipped with how
// it ended, and its sides are left out.
func TestDeadWorkerIsReported(t *testing.T) {
	r := testRunner()
	r.peersDir = t.TempDir()
	w := r.startWorker(peerDef{impl: "dead", python: "/bin/false", lib: "numpy"}, 1)
	if w.err == nil || !strings.Contains(w.err.Error(), "exit status 1") || len(r.rep.Peers) != 1 || r.rep.Peers[0].Skipped == "" {
		t.Fatalf("err %v, peers %+v", w.err, r.rep.Peers)
	}
	if _, err := w.call(map[string]any{"op": "hello"}); err == nil {
		t.Error("a dead worker answered")
	}
	r.closePeers()
}

// TestPeerComparisonsTakeLongerTurnsAndSettle: a work with a peer runs its
// turns at the peer budget, and a multi-threaded peer process that
// lives on is followed by the settling pause.
func TestPeerComparisonsTakeLongerTurnsAndSettle(t *testing.T) {
	r := testRunner()
	r.rounds, r.peerBudget, r.settle = 4, 7*time.Millisecond, 20*time.Millisecond
	var budgets []time.Duration
	peer := fixed("peer", 1, 1)
	peer.external, peer.lingers, peer.row.Threads = true, true, 2
	peer.peer = func(b time.Duration) (float64, error) { budgets = append(budgets, b); return 1, nil }
	start := time.Now()
	r.measureWork([]*side{fixed("entrena/x", 1, 1), peer}, 0)
	if len(r.rep.Rows) != 2 || r.rep.Rows[1].Reps != 4 || len(budgets) != 5 || budgets[0] != 7*time.Millisecond {
		t.Errorf("rows %+v, budgets %v: want 4 recorded rounds after a warm-up, at 7ms", r.rep.Rows, budgets)
	}
	if el := time.Since(start); el < 5*r.settle {
		t.Errorf("took %v: want a %v pause after each of the peer's 5 rounds", el, r.settle)
	}
}
