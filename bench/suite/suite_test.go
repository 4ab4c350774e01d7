package suite

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/data"
)

func sampleReport(model string, scale float64) *Report {
	return &Report{Schema: SchemaVersion, Created: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC), Command: "go run ./bench",
		Machine: Machine{Model: model, LogicalCPU: 2, GoVersion: "go1.26", Paths: []string{"generic", "avx2"}, Default: "avx2", Slug: "x-2cpu"},
		Peaks:   []Peak{{Path: "avx2", GFLOPS: 100}},
		Rows: []Row{
			{Group: "gemm", Name: "sgemm NN 64x64x64", Impl: "entrena/avx2", Path: "avx2", Threads: 1, Reps: 3, OpsRep: 10,
				Median: 1e-5, Min: 0.9e-5, Max: 1.2e-5, Metric: 52.4 * scale, Unit: "GFLOPS", PctPeak: 52.4, Allocs: 0},
			{Group: "gemm", Name: "sgemm NN 128x128x128", Impl: "entrena/avx2", Path: "avx2", Threads: 1, Reps: 3, OpsRep: 10,
				Median: 5e-5, Min: 5e-5, Max: 6e-5, Metric: 80 * scale, Unit: "GFLOPS", Allocs: 0},
			{Group: "gemm", Name: "sgemm NN 64x64x64", Impl: "numpy", Threads: 1, Reps: 3, Median: 2e-5, Min: 2e-5, Max: 2e-5,
				Metric: 26.2, Unit: "GFLOPS", Allocs: -1},
			{Group: "epoch", Name: "784-128-64-10 b=32", Impl: "entrena/avx2", Path: "avx2", Threads: 1, Reps: 1, Median: 0.2,
				Min: 0.2, Max: 0.2, Metric: 300000 * scale, Unit: "samples/s"},
		},
		Peers: []PeerRun{{Peer: "numpy (PyPI) gemm, 1 thread(s)", Command: "python gemm.py", Versions: map[string]string{"numpy": "2.4"}},
			{Peer: "FANN from C train", Skipped: "not built"}},
	}
}

func TestJSONRoundTrip(t *testing.T) {
	dir := t.TempDir()
	rep := sampleReport("CPU A", 1)
	path := filepath.Join(dir, "r.json")
	if err := rep.WriteJSON(path); err != nil {
		t.Fatal(err)
	}
	got, err := ReadReport(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, rep) {
		t.Fatalf("round trip changed the report:\n got %+v\nwant %+v", got, rep)
	}
	// A newer schema is refused with a clear message.
	rep.Schema = SchemaVersion + 1
	if err := rep.WriteJSON(path); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadReport(path); err == nil || !strings.Contains(err.Error(), "schema") {
		t.Fatalf("newer schema: err = %v", err)
	}
}

func TestStats(t *testing.T) {
	for _, c := range []struct {
		in          []float64
		med, lo, hi float64
	}{
		{[]float64{3, 1, 2}, 2, 1, 3},
		{[]float64{4, 1, 3, 2}, 2.5, 1, 4},
		{[]float64{7}, 7, 7, 7},
		{nil, 0, 0, 0},
	} {
		m, lo, hi := stats(c.in)
		if m != c.med || lo != c.lo || hi != c.hi {
			t.Errorf("stats(%v) = %v %v %v, want %v %v %v", c.in, m, lo, hi, c.med, c.lo, c.hi)
		}
	}
}

func TestCompareSideBySide(t *testing.T) {
	var buf bytes.Buffer
	Compare(&buf, []string{"a.json", "b.json"}, []*Report{sampleReport("CPU A", 1), sampleReport("CPU B", 2)}, "")
	out := buf.String()
	for _, want := range []string{"[1] a.json: CPU A", "[2] b.json: CPU B", "[2]/[1]", "2.00×", "sgemm NN 128x128x128"} {
		if !strings.Contains(out, want) {
			t.Errorf("compare output lacks %q:\n%s", want, out)
		}
	}
	// A row present only in the first file shows "-" for the second.
	b := sampleReport("CPU B", 1)
	b.Rows = b.Rows[:1]
	buf.Reset()
	Compare(&buf, []string{"a", "b"}, []*Report{sampleReport("CPU A", 1), b}, "gemm")
	if !strings.Contains(buf.String(), "-") || strings.Contains(buf.String(), "epoch") {
		t.Errorf("missing rows / group filter:\n%s", buf.String())
	}
}

func TestCompareMainFiles(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	if err := sampleReport("CPU A", 1).WriteJSON(a); err != nil {
		t.Fatal(err)
	}
	if err := sampleReport("CPU B", 0.5).WriteJSON(b); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := Main([]string{"compare", a, b}, &out, &errb); code != 0 {
		t.Fatalf("compare exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "0.50×") {
		t.Errorf("want ratio 0.50×:\n%s", out.String())
	}
	if code := Main([]string{"compare", filepath.Join(dir, "missing.json")}, &out, &errb); code == 0 {
		t.Error("compare of a missing file succeeded")
	}
}

func TestTableAligned(t *testing.T) {
	var buf bytes.Buffer
	WriteTable(&buf, sampleReport("CPU A", 1))
	lines := strings.Split(buf.String(), "\n")
	var hdr, row string
	for _, l := range lines {
		if strings.HasPrefix(l, "group") {
			hdr = l
		}
		if strings.Contains(l, "sgemm NN 64x64x64") && strings.Contains(l, "entrena/avx2") {
			row = l
		}
	}
	if hdr == "" || row == "" {
		t.Fatalf("table lacks header or row:\n%s", buf.String())
	}
	// Columns line up: "impl" in the header starts where the impl does in the row.
	if strings.Index(hdr, "impl") != strings.Index(row, "entrena/avx2") {
		t.Errorf("columns not aligned:\n%s\n%s", hdr, row)
	}
	for _, want := range []string{"52.4", "GFLOPS", "52%", "10.00 µs", "-10/+20%", "machine: CPU A"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestPeerRatiosAndMarkdown(t *testing.T) {
	rep := sampleReport("CPU A", 1)
	lines := peerRatios(rep)
	if len(lines) != 1 || lines[0].peer.Impl != "numpy" || lines[0].ours.Metric/lines[0].peer.Metric != 2 {
		t.Fatalf("peerRatios = %+v", lines)
	}
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, rep, "gemm.png"); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{"# entrena benchmark: CPU A", "**2.00×**", "numpy 2.4", "**skipped** | not built", "![", "`go run ./bench`"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}

func TestChart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.png")
	if err := WriteChart(path, sampleReport("CPU A", 1)); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Fatalf("chart is not a PNG (err %v)", err)
	}
}

func TestFlags(t *testing.T) {
	if _, err := parsePaths("nosuch"); err == nil {
		t.Error("unknown path accepted")
	}
	p, err := parsePaths(strings.Join(asm.Available(), ","))
	if err != nil || !reflect.DeepEqual(p, asm.Available()) {
		t.Errorf("parsePaths(all) = %v, %v", p, err)
	}
	if _, err := parseThreads("0"); err == nil {
		t.Error("0 threads accepted")
	}
	if th, err := parseThreads("1,2"); err != nil || !reflect.DeepEqual(th, []int{1, 2}) {
		t.Errorf("parseThreads = %v, %v", th, err)
	}
	var out, errb bytes.Buffer
	if code := Main([]string{"-nosuchflag"}, &out, &errb); code != 2 {
		t.Errorf("bad flag: exit %d", code)
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Intel(R) Xeon(R) Processor":                     "intel-xeon-processor-2cpu",
		"AMD EPYC 9B45 128-Core Processor":               "amd-epyc-9b45-128-core-processor-2cpu",
		"11th Gen Intel(R) Core(TM) i7-1185G7 @ 3.00GHz": "11th-gen-intel-core-i7-1185g7-3-00ghz-2cpu",
		"": "unknown-cpu-2cpu",
	} {
		if got := slug(in, 2); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFlopsPerSample(t *testing.T) {
	if got := mnistNet.flopsPerSample(); got != 454400 {
		t.Errorf("784-128-64-10 flop per sample = %v, want 454400", got)
	}
}

// TestRunPeerProtocol drives runPeer with a stand-in peer (a shell script)
// printing progress, then the JSON result line; and one that fails.
func TestRunPeerProtocol(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.sh")
	os.WriteFile(ok, []byte("#!/bin/sh\necho progress\necho '{\"versions\":{\"x\":\"1\"},\"rows\":[{\"group\":\"gemm\",\"name\":\"n\",\"impl\":\"x\",\"metric\":2,\"unit\":\"GFLOPS\"}]}'\n"), 0o755)
	out, err := runPeer([]string{ok}, peerEnv(1), 10*time.Second)
	if err != nil || len(out.Rows) != 1 || out.Versions["x"] != "1" {
		t.Fatalf("runPeer = %+v, %v", out, err)
	}
	bad := filepath.Join(dir, "bad.sh")
	os.WriteFile(bad, []byte("#!/bin/sh\necho boom >&2\nexit 3\n"), 0o755)
	if _, err := runPeer([]string{bad}, peerEnv(1), 10*time.Second); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("failing peer: err = %v", err)
	}
	for _, kv := range peerEnv(2) {
		if strings.HasPrefix(kv, "OPENBLAS_CORETYPE=") || strings.HasPrefix(kv, "OPENBLAS_L2_SIZE=") {
			t.Errorf("peer environment keeps %s", kv)
		}
	}
}

// TestQuickSmoke runs the program itself on a small part of the sweep.
func TestQuickSmoke(t *testing.T) {
	dir := t.TempDir()
	jsonPath := filepath.Join(dir, "q.json")
	var out, errb bytes.Buffer
	args := []string{"-quick", "-reps", "1", "-only", "gemm,eltwise,step", "-threads", "1", "-json", jsonPath}
	if code := Main(args, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	rep, err := ReadReport(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	groups := map[string]int{}
	for _, r := range rep.Rows {
		groups[r.Group]++
		if r.Metric <= 0 || r.Median <= 0 {
			t.Errorf("row without a figure: %+v", r)
		}
		// Allocation counts are recorded (zero allocations is the kernels'
		// own tested property; here only the measurement is checked).
		if r.Allocs < 0 {
			t.Errorf("%s %s: no allocation count", r.Name, r.Impl)
		}
	}
	for _, g := range []string{"gemm", "eltwise", "update", "step"} {
		if groups[g] == 0 {
			t.Errorf("no %s rows", g)
		}
	}
	if !strings.Contains(out.String(), "sgemm NN 64x64x64") {
		t.Errorf("table lacks the first GEMM:\n%s", out.String())
	}
}

// TestTrainingTablesAndTargets checks the training tables (entrena from C
// and Python beside Go, ratios to the fastest peer), the Fashion-MNIST table
// and the issue-8 targets: share of the FMA ceiling, wide-network scaling.
func TestTrainingTablesAndTargets(t *testing.T) {
	rep := sampleReport("CPU A", 1)
	rep.Peaks = []Peak{{Path: "avx2", GFLOPS: 100}, {Path: "avx512", GFLOPS: 227.2}} // ceiling 500,000 samples/s
	add := func(group, name, impl string, th int, metric, acc float64) {
		rep.Rows = append(rep.Rows, Row{Group: group, Name: name, Impl: impl, Threads: th, Reps: 1, OpsRep: 1,
			Median: 60000 / metric, Min: 60000 / metric, Max: 60000 / metric, Metric: metric, Unit: "samples/s", Accuracy: acc})
	}
	add("epoch", "784-128-64-10 b=256", "entrena/avx512", 1, 250000, 0)
	add("epoch", "784-128-64-10 b=256", "numpy", 1, 125000, 0)
	add("epoch", "784-128-64-10 b=256", "entrena (C)", 1, 240000, 0)
	add("epoch", "784-128-64-10 b=256", "entrena (Python)", 1, 230000, 0)
	add("step", "1024-1024-1024-10 b=256", "entrena/avx512", 1, 1000, 0)
	add("step", "1024-1024-1024-10 b=256", "entrena/avx512", 2, 1900, 0)
	add("fashion", fashionName(5), "entrena/avx512", 1, 400000, 0.861)
	add("fashion", fashionName(5), "torch", 1, 150000, 0.864)
	add("fashion", fashionName(5), "numpy", 1, 200000, 0.862)

	tt, ok := trainingTable(rep, "epoch")
	if !ok {
		t.Fatal("no epoch table")
	}
	var b bytes.Buffer
	tt.text(&b)
	for _, want := range []string{"entrena (C)", "entrena (Python)", "entrena (Go, avx512)", "2.00×", "1.92×"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("epoch table lacks %q:\n%s", want, b.String())
		}
	}
	ft, _ := trainingTable(rep, "fashion")
	b.Reset()
	ft.text(&b)
	for _, want := range []string{"86.10%", "86.40%", "2.00×", "0.150"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("fashion table lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	WriteSummaries(&b, rep)
	for _, want := range []string{"500000 samples/s per core", "50% of the avx512 ceiling", "1.90× (1000.0 → 1900.0", "met", "2.00× numpy"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("targets lack %q:\n%s", want, b.String())
		}
	}
	// entrena from C or Python is a peer of entrena from Go in the ratios.
	found := false
	for _, l := range peerRatios(rep) {
		found = found || (l.peer.Impl == "entrena (C)" && isGo(l.ours.Impl))
	}
	if !found {
		t.Error("peerRatios leaves out entrena (C)")
	}
	b.Reset()
	if err := WriteMarkdown(&b, rep, ""); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Targets (issue 8)", "## Fashion-MNIST", "| entrena (Python) |"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}

// TestPeerGroups: -only selects the peer programs of its groups, and the
// binding peers are in the list under their row names.
func TestPeerGroups(t *testing.T) {
	r := &runner{rep: &Report{}, threads: []int{1}, want: func(g string) bool { return g == "fashion" }}
	progs := r.peerPrograms(t.TempDir())
	labels := map[string]bool{}
	n := 0
	for _, p := range progs {
		labels[p.label] = true
		if p.group == "" {
			t.Errorf("peer %q has no group", p.label)
		}
		if r.peerWanted(p) {
			n++
			if p.group != "fashion" {
				t.Errorf("-only fashion runs %q", p.label)
			}
		}
	}
	if n == 0 || !labels["entrena (C) train"] || !labels["entrena (Python) train"] {
		t.Errorf("peer list: %d fashion peers, labels %v", n, labels)
	}
}

// TestFashionRun: one Fit call times every epoch through the progress
// callback, and a separable stand-in for Fashion-MNIST is learnt; the seed
// spread note covers five seeds.
func TestFashionRun(t *testing.T) {
	set := func(samples int) *data.Set {
		s := &data.Set{Samples: samples, Inputs: 784, Outputs: 10, Classes: 10,
			X: make([]float32, samples*784), Y: make([]float32, samples*10)}
		for i := 0; i < samples; i++ {
			c := i % 10
			for f := c * 78; f < c*78+78; f++ { // class c lights its own band of pixels
				s.X[i*784+f] = 1
			}
			s.Y[i*10+c] = 1
		}
		return s
	}
	fs := fashionSet{train: set(3200), test: set(100)}
	per, acc, err := fashionRun(fs, 1, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(per) != 3 {
		t.Fatalf("%d epoch times for 3 epochs", len(per))
	}
	for _, s := range per {
		if s <= 0 {
			t.Fatalf("epoch times %v", per)
		}
	}
	if acc < 0.9 {
		t.Errorf("test accuracy %.3f on separable bands", acc)
	}
	note := fashionSeedSpread(fs, acc, 1)
	if !strings.Contains(note, "seeds 1–5: median") {
		t.Errorf("spread note %q", note)
	}
}
