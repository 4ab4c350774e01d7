package suite

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// kernelReport is a run with the figures the kernel targets read: peaks,
// entrena's GEMM and element-wise rows, OpenBLAS peers (one with the kernel
// in its row note, one only in its peer run's settings, as older result
// files have it), numpy, the DRAM copy row.
func kernelReport() *Report {
	rep := sampleReport("CPU A", 1)
	rep.Peaks = []Peak{{Path: "avx2", GFLOPS: 100}, {Path: "avx512", GFLOPS: 200}}
	g := func(name, impl string, th int, gflops float64, note string) {
		rep.Rows = append(rep.Rows, Row{Group: "gemm", Name: name, Impl: impl, Threads: th, Reps: 1, Median: 1, Min: 1, Max: 1,
			Metric: gflops, Unit: "GFLOPS", Note: note})
	}
	e := func(group, name, impl string, gelem float64) {
		rep.Rows = append(rep.Rows, Row{Group: group, Name: name, Impl: impl, Path: strings.TrimPrefix(impl, "entrena/"), Threads: 1,
			Reps: 1, Median: 1, Min: 1, Max: 1, Metric: gelem, Unit: "Gelem/s"})
	}
	g("sgemm NN 512x512x512", "entrena/avx512", 1, 190, "") // 95 % of peak: met
	g("sgemm NN 512x512x512", "openblas-c-skylakex", 1, 150, "openblas kernel=SkylakeX")
	g("sgemm NN 512x512x512", "numpy", 1, 170, "")                // kernel only in the peer run's settings
	g("sgemm NN 512x512x512", "numpy-debian", 1, 400, "mkl 2024") // not OpenBLAS: left out
	g("sgemm NN 512x512x512", "torch", 1, 500, "")                // not OpenBLAS-backed
	g("sgemm NN 1024x1024x1024", "entrena/avx512", 1, 150, "")    // 75 %: missed
	g("sgemm NT 784x128x256", "entrena/avx512", 1, 100, "")
	g("sgemm NT 784x128x256", "openblas-c", 1, 125, "openblas kernel=Prescott")
	g("sgemm TN 256x10x128", "entrena/avx512", 1, 130, "")
	g("sgemm TN 256x10x128", "openblas-c", 1, 100, "openblas kernel=Prescott") // 1.30×: met
	g("sgemm NN 512x512x512", "entrena/avx2", 1, 95, "")
	g("sgemm NN 512x512x512", "openblas-c-haswell", 1, 90, "openblas kernel=Haswell")
	g("sgemm NN 256x128x784", "entrena/avx512", 2, 300, "")
	rep.Rows[len(rep.Rows)-1].Allocs = 0.01 // a Pool row: named, not counted against the 1-thread target
	e("eltwise", "sigmoid n=100000", "entrena/avx512", 9)
	e("eltwise", "sigmoid n=100000", "torch", 2)
	e("eltwise", "sigmoid n=10000000", "entrena/avx512", 1.5) // 12 GB/s against 13: within 10 %
	e("eltwise", "hadamard n=1000", "entrena/avx512", 3)
	e("eltwise", "hadamard n=1000", "numpy", 2)
	e("eltwise", "hadamard n=1000", "numpy-debian", 4)
	rep.Rows = append(rep.Rows, Row{Group: "memory", Name: "copy DRAM 65536 KiB", Impl: "go-copy", Threads: 1, Metric: 13, Unit: "GB/s"})
	rep.Peers = append(rep.Peers, PeerRun{Peer: "numpy (PyPI) gemm, 1 thread(s)",
		Command:  "bench/.venv/bin/python bench/peers/gemm.py --lib numpy --shapes NN:512:512:512 --reps 3 --threads 1",
		Settings: "float32; np.matmul(out=); openblas 0.3.31 kernel=SkylakeX threads=1"})
	return rep
}

// TestKernelTargets: every issue-3 target is a row with entrena's figure,
// the yardstick of the same run and met or missed; best OpenBLAS is the
// fastest OpenBLAS-backed peer, named with its kernel.
func TestKernelTargets(t *testing.T) {
	rep := kernelReport()
	kt := kernelTargetsTable(rep)
	byTarget := map[string][]string{}
	for _, r := range kt.rows {
		byTarget[r[0]] = r
	}
	want := []struct{ target, cell, result string }{
		{"avx512 SGEMM 512³ NN: ≥ 90% of the avx512 peak", "95% of peak", "met"},
		{"avx512 SGEMM 1024³ NN: ≥ 90% of the avx512 peak", "75% of peak", "missed"},
		{"avx512 SGEMM 2048³ NN: ≥ 90% of the avx512 peak", "not measured in this run", ""},
		{"avx512 SGEMM 512³ NN: ≥ 1.0× best OpenBLAS", "170.0 GFLOPS (numpy, kernel SkylakeX)", "met"},
		{"avx512 SGEMM 784×256·256×128 NT: ≥ 1.0× best OpenBLAS", "125.0 GFLOPS (openblas-c, kernel Prescott)", "missed"},
		{"avx512 SGEMM 784×256·256×128 TN: ≥ 1.0× best OpenBLAS", "not measured in this run", ""},
		{"avx512 SGEMM 256×128·128×10 TN: ≥ 1.3× best OpenBLAS", "1.30×", "met"},
		{"avx2 SGEMM 512³ NN: ≥ 90% of the avx2 peak", "95% of peak", "met"},
		{"avx2 SGEMM 512³ NN: ≥ 1.0× OpenBLAS Haswell", "90.0 GFLOPS (openblas-c-haswell, kernel Haswell)", "met"},
		{"avx2 SGEMM 1024³ NN: ≥ 1.0× OpenBLAS Haswell", "not measured in this run", ""},
		{"sigmoid n=1e5: ≥ 8 Gelem/s", "torch 2.00 Gelem/s", "met"},
		{"sigmoid n=1e7: at the streaming bandwidth", "13.0 GB/s", "met"},
		{"Hadamard n=1e3: ≥ 1.0× numpy np.multiply(out=)", "4.00 Gelem/s (numpy-debian)", "missed"},
		{"Hadamard n=1e5: ≥ 1.0× numpy np.multiply(out=)", "not measured in this run", ""},
		{"every kernel, 1 thread: 0 allocs/op", "2 threads", "met"},
	}
	for _, w := range want {
		r, ok := byTarget[w.target]
		if !ok {
			t.Errorf("no row %q", w.target)
			continue
		}
		if !strings.Contains(strings.Join(r, " | "), w.cell) || r[4] != w.result {
			t.Errorf("row %q = %q, want %q and result %q", w.target, r, w.cell, w.result)
		}
	}
	if !strings.Contains(kt.intro, "best OpenBLAS") || !strings.Contains(kt.intro, "fastest single-thread row") {
		t.Errorf("intro does not define best OpenBLAS:\n%s", kt.intro)
	}

	var b bytes.Buffer
	if err := WriteMarkdown(&b, rep, ""); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	k, e := strings.Index(md, "## Targets of the kernel issue"), strings.Index(md, "## Targets (issue 8)")
	if k < 0 || e < 0 {
		t.Fatalf("markdown lacks a targets section (kernel at %d, training at %d)", k, e)
	}
	for _, w := range []string{"12 independent VFMADD231PS chains on 16-lane ZMM", "12 independent VFMADD231PS chains on 8-lane YMM"} {
		if !strings.Contains(md, w) {
			t.Errorf("markdown lacks %q", w)
		}
	}
	b.Reset()
	WriteSummaries(&b, rep)
	if !strings.Contains(b.String(), "Targets of the kernel issue") {
		t.Error("terminal summary lacks the kernel targets")
	}
	// A run without kernel rows (-only epoch) has no kernel-target section.
	rep.Rows = rep.Rows[len(rep.Rows)-1:]
	b.Reset()
	if err := WriteMarkdown(&b, rep, ""); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "Targets of the kernel issue") {
		t.Error("kernel targets without kernel rows")
	}
}

func TestPeerImplOf(t *testing.T) {
	for cmd, want := range map[string]string{
		"bench/peers/bin/gemm_openblas --shapes NN:64:64:64 --reps 3 --threads 1":                                    "openblas-c",
		"OPENBLAS_CORETYPE=SkylakeX bench/peers/bin/gemm_openblas --shapes NN:64:64:64 --threads 2":                  "openblas-c-skylakex",
		"OPENBLAS_CORETYPE=Haswell bench/peers/bin/gemm_openblas --shapes NN:64:64:64 --threads 1":                   "openblas-c-haswell",
		"/usr/bin/python3 bench/peers/gemm.py --lib numpy --shapes NN:64:64:64 --tag debian --reps 3 --threads 1":    "numpy-debian",
		"bench/.venv/bin/python bench/peers/gemm.py --lib numpy --shapes NN:64:64:64 --reps 3 --threads 1":           "numpy",
		"bench/.venv/bin/python bench/peers/eltwise.py --lib numpy --sizes 1000 --threads 1":                         "",
		"OPENBLAS_CORETYPE=Haswell bench/.venv/bin/python bench/peers/gemm.py --lib numpy --tag haswell --threads 1": "numpy-haswell",
	} {
		if got := peerImplOf(cmd); got != want {
			t.Errorf("peerImplOf(%q) = %q, want %q", cmd, got, want)
		}
	}
}

// TestGemmShapesTransposes: both layer shapes of issue 3 in NN, NT and TN.
func TestGemmShapesTransposes(t *testing.T) {
	names := map[string]bool{}
	for _, s := range gemmShapes(false) {
		names[s.name()] = true
	}
	for _, l := range []string{"256x128x784", "784x128x256", "256x10x128"} {
		for _, tr := range []string{"NN", "NT", "TN"} {
			if !names["sgemm "+tr+" "+l] {
				t.Errorf("no sgemm %s %s", tr, l)
			}
		}
	}
}

// TestHaswellPeers: OpenBLAS's Haswell kernel is forced in its own peer
// commands only, on one thread.
func TestHaswellPeers(t *testing.T) {
	r := &runner{rep: &Report{}, threads: []int{1, 2}}
	found := 0
	for _, p := range r.peerPrograms(t.TempDir()) {
		forced := strings.Join(p.env, " ")
		if !strings.Contains(p.label, "Haswell") {
			if strings.Contains(forced, "Haswell") {
				t.Errorf("%s runs with %s", p.label, forced)
			}
			continue
		}
		found++
		if forced != "OPENBLAS_CORETYPE=Haswell" || p.threads || p.group != "gemm" {
			t.Errorf("%s: env %q, per-thread %v, group %q", p.label, forced, p.threads, p.group)
		}
	}
	if found != 2 {
		t.Errorf("%d Haswell peers, want 2 (C and PyPI numpy)", found)
	}
}

// TestRender writes COMPARISON.md again from a result file, linking the
// chart beside it.
func TestRender(t *testing.T) {
	dir := t.TempDir()
	js := filepath.Join(dir, "results.json")
	if err := kernelReport().WriteJSON(js); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := Main([]string{"render", "-chart", js}, &out, &errb); code != 0 {
		t.Fatalf("render exit %d: %s", code, errb.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "COMPARISON.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"## Targets of the kernel issue", "![GFLOPS versus square size per path](gemm.png)"} {
		if !strings.Contains(string(b), w) {
			t.Errorf("rendered report lacks %q", w)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "gemm.png")); err != nil {
		t.Errorf("-chart: %v", err)
	}
	out.Reset()
	if code := Main([]string{"render", "-o", "-", js}, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "# entrena benchmark") {
		t.Errorf("render -o -: exit %d, output %.40q", code, out.String())
	}
	if code := Main([]string{"render"}, &out, &errb); code != 2 {
		t.Errorf("render without a file: exit %d", code)
	}
}
