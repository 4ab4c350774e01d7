package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestUsage(t *testing.T) {
	dir := t.TempDir()
	r := entrena(t, dir)
	if r.code != exitUsage || !strings.Contains(r.stderr, "usage: entrena COMMAND") {
		t.Errorf("no arguments: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := must(t, dir, "-h"); !strings.Contains(r.stdout, "sweep") {
		t.Errorf("-h: %q", r.stdout)
	}
	for _, c := range []string{"train", "sweep", "predict", "eval", "info"} {
		if r := must(t, dir, c, "-h"); !strings.Contains(r.stdout, "usage: entrena "+c) || r.stderr != "" {
			t.Errorf("%s -h: %q %q", c, r.stdout, r.stderr)
		}
	}
	oneLineError(t, entrena(t, dir, "frobnicate"), exitUsage, `unknown command "frobnicate"`)
	if r := entrena(t, dir, "bench", "-nosuchflag"); r.code != exitUsage || !strings.Contains(r.stderr, "-quick") {
		t.Errorf("bench with a bad flag: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestInfo(t *testing.T) {
	r := must(t, t.TempDir(), "info")
	for _, want := range []string{"cpu:", "features:", "kernels:", "available:", "generic"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("info output lacks %q:\n%s", want, r.stdout)
		}
	}
	threads := regexp.MustCompile(`(?m)^threads: +(\d+) by default \(--threads changes it\) — the cores this process can use, set by (.+)$`)
	if m := threads.FindStringSubmatch(r.stdout); m == nil || m[1] == "0" {
		t.Errorf("info output lacks the default threads and what sets them:\n%s", r.stdout)
	}
	r = entrenaEnv(t, t.TempDir(), []string{"GOMAXPROCS=1"}, "info")
	if m := threads.FindStringSubmatch(r.stdout); m == nil || m[1] != "1" {
		t.Errorf("GOMAXPROCS=1: info output lacks one default thread:\n%s", r.stdout)
	}
}

// The summary names the threads a step may use and the cores; a run that
// had fewer threads than it may says how many and why after training.
func TestTrainThreads(t *testing.T) {
	summary := regexp.MustCompile(`(?m)^network: .*; kernels: \w+; threads (\d+) \(of (\d+) cores?\)$`)
	r := must(t, t.TempDir(), "train", "--data", "xor", "--epochs", "10")
	if m := summary.FindStringSubmatch(r.stdout); m == nil || m[1] != m[2] {
		t.Errorf("default threads: want as many threads as cores in the summary:\n%s", r.stdout)
	}
	r = must(t, t.TempDir(), "train", "--data", "xor", "--epochs", "10", "--threads", "1")
	if m := summary.FindStringSubmatch(r.stdout); m == nil || m[1] != "1" || strings.Contains(r.stdout, "threads:") {
		t.Errorf("--threads 1: want threads 1 in the summary and no threads line:\n%s", r.stdout)
	}
	// Two threads in a process given one core: they run on one, and the
	// line after training says so.
	r = entrenaEnv(t, t.TempDir(), []string{"GOMAXPROCS=1"}, "train", "--data", "xor", "--epochs", "10", "--threads", "2")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "; threads 2 (of 1 core)\n") ||
		!regexp.MustCompile(`(?m)^trained in .*\nthreads: 1 of 2 threads \(this process can use 1 core: .+\)$`).MatchString(r.stdout) {
		t.Errorf("GOMAXPROCS=1 --threads 2: want the summary's threads and the line after training:\n%s", r.stdout)
	}
}

// The seed's cycle on XOR: the loss printed every 100 epochs, falling.
func TestTrainXOR(t *testing.T) {
	r := must(t, t.TempDir(), "train", "--data", "xor")
	lines := regexp.MustCompile(`Epoch +(\d+)/1000: loss = ([0-9.]+)`).FindAllStringSubmatch(r.stdout, -1)
	if len(lines) != 11 || lines[1][1] != "100" || lines[10][1] != "1000" {
		t.Fatalf("want epochs 1, 100, …, 1000:\n%s", r.stdout)
	}
	first, _ := strconv.ParseFloat(lines[0][2], 64)
	last, _ := strconv.ParseFloat(lines[10][2], 64)
	if !(last < first/10) {
		t.Errorf("loss %v → %v did not fall", first, last)
	}
	if !strings.Contains(r.stdout, "final train loss") || !strings.Contains(r.stdout, "accuracy 100.00%") {
		t.Errorf("no final figures:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "\r") {
		t.Error("progress bar drawn although stdout is not a terminal")
	}
}

// train → model file → predict → eval on a CSV file, with history and plots.
func TestTrainPredictEvalCSV(t *testing.T) {
	dir := t.TempDir()
	blobsCSV(t, filepath.Join(dir, "blobs.csv"), 300)
	r := must(t, dir, "train", "--data", "blobs.csv", "--label-column", "class", "--split", "0.2",
		"--layers", "2,16,3", "--epochs", "30", "--every", "10", "--lr", "0.5",
		"--out", "m.entrena", "--history", "h.csv", "--plot", "cost")
	for _, want := range []string{"Epoch  1/30", "Epoch 10/30", "Epoch 30/30", "test acc", "final test", "model saved to m.entrena",
		"loss history saved to h.csv", "plot saved to cost.png and cost.svg"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("train output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "Epoch  2/30") {
		t.Error("--every 10 printed epoch 2")
	}
	m := regexp.MustCompile(`final test  loss [0-9.]+  accuracy ([0-9.]+)%`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("no final test accuracy:\n%s", r.stdout)
	}
	if acc, _ := strconv.ParseFloat(m[1], 64); acc < 90 {
		t.Errorf("test accuracy %v%% on separable blobs", acc)
	}
	hist, err := os.ReadFile(filepath.Join(dir, "h.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(string(hist)), "\n")
	if len(rows) != 31 || rows[0] != "epoch,loss,test_loss,test_accuracy" || !strings.HasPrefix(rows[30], "30,") {
		t.Errorf("history CSV: %d rows, header %q, last %q", len(rows), rows[0], rows[len(rows)-1])
	}
	checkPNG(t, filepath.Join(dir, "cost.png"))
	if n := checkSVG(t, filepath.Join(dir, "cost.svg")); n < 3 {
		t.Errorf("cost.svg has %d paths", n)
	}
	noTempFiles(t, dir)

	// predict: to stdout, on the labelled file (label ignored) and on features only.
	p := must(t, dir, "predict", "--model", "m.entrena", "--data", "blobs.csv", "--label-column", "class")
	lines := strings.Split(strings.TrimSpace(p.stdout), "\n")
	if len(lines) != 301 || lines[0] != "class,p_0,p_1,p_2" {
		t.Fatalf("predict: %d lines, header %q", len(lines), lines[0])
	}
	if !strings.HasPrefix(lines[1], "0,") || !strings.HasPrefix(lines[2], "1,") || !strings.HasPrefix(lines[3], "2,") {
		t.Errorf("predictions for the first rows: %q", lines[1:4])
	}
	must(t, dir, "predict", "--model", "m.entrena", "--data", "blobs.csv", "--label-column", "class", "--out", "pred.csv")
	if b, err := os.ReadFile(filepath.Join(dir, "pred.csv")); err != nil || string(b) != p.stdout {
		t.Errorf("pred.csv differs from stdout predictions (%v)", err)
	}
	writeText(t, filepath.Join(dir, "features.csv"), "x,y\n0,0\n3,0\n0,3\n")
	f := must(t, dir, "predict", "--model", "m.entrena", "--data", "features.csv")
	if got := firstColumn(f.stdout); got != "0 1 2" {
		t.Errorf("predicted classes %q, want 0 1 2", got)
	}

	e := must(t, dir, "eval", "--model", "m.entrena", "--data", "blobs.csv", "--label-column", "class")
	m = regexp.MustCompile(`300 samples, loss [0-9.]+ \(categorical-crossentropy\), accuracy ([0-9.]+)%`).FindStringSubmatch(e.stdout)
	if m == nil {
		t.Fatalf("eval output: %q", e.stdout)
	}
	if acc, _ := strconv.ParseFloat(m[1], 64); acc < 90 {
		t.Errorf("eval accuracy %v%%", acc)
	}
}

func firstColumn(csv string) string {
	var c []string
	for _, l := range strings.Split(strings.TrimSpace(csv), "\n")[1:] {
		c = append(c, strings.SplitN(l, ",", 2)[0])
	}
	return strings.Join(c, " ")
}

func writeText(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// IDX files (gzip and plain), given by prefix, by file and by folder.
func TestTrainIDX(t *testing.T) {
	dir := t.TempDir()
	tinyIDX(t, filepath.Join(dir, "train"), 200, true)
	tinyIDX(t, filepath.Join(dir, "t10k"), 40, false)
	r := must(t, dir, "train", "--data", "train", "--test", "t10k", "--epochs", "20", "--lr", "1", "--out", "m.entrena")
	if !strings.Contains(r.stdout, "16-128(sigmoid)-4(softmax)") {
		t.Errorf("default layers from the data not used:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "final test  loss") || !strings.Contains(r.stdout, "accuracy 100.00%  (40 samples)") {
		t.Errorf("tiny IDX not learnt:\n%s", r.stdout)
	}
	// A folder with train-* and t10k-*: both sets at once.
	r = must(t, dir, "train", "--data", ".", "--epochs", "2", "--layers", "16,8,4")
	if !strings.Contains(r.stdout, "test: . test, 40 samples") {
		t.Errorf("folder: %s", r.stdout)
	}
	// The images file itself; its label file is found next to it.
	must(t, dir, "eval", "--model", "m.entrena", "--data", "t10k-images-idx3-ubyte")
	p := must(t, dir, "predict", "--model", "m.entrena", "--data", "train-images-idx3-ubyte.gz")
	if n := strings.Count(p.stdout, "\n"); n != 201 {
		t.Errorf("predict on IDX: %d lines", n)
	}
}

// The learning-rate sweep: a table with every rate, a diverging rate
// reported as such, one curve per rate in the plot.
func TestSweep(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("x,y\n")
	for i := range 50 {
		x := float64(i) / 10
		b.WriteString(strconv.FormatFloat(x, 'f', 2, 64) + "," + strconv.FormatFloat(3*x+1, 'f', 2, 64) + "\n")
	}
	writeText(t, filepath.Join(dir, "line.csv"), b.String())
	r := must(t, dir, "sweep", "--data", "line.csv", "--regression", "--layers", "1,1", "--output-activation", "linear",
		"--optimizer", "sgd", "--lr", "0.001,0.01,10", "--epochs", "20", "--batch", "10", "--plot", "sweep", "--history", "sweep.csv")
	for _, want := range []string{"learning rate", "0.001", "0.01", "diverged at epoch ", "plot saved to sweep.png and sweep.svg"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("sweep output lacks %q:\n%s", want, r.stdout)
		}
	}
	checkPNG(t, filepath.Join(dir, "sweep.png"))
	checkSVG(t, filepath.Join(dir, "sweep.svg"))
	h, _ := os.ReadFile(filepath.Join(dir, "sweep.csv"))
	if !strings.HasPrefix(string(h), "epoch,loss_lr_0.001,loss_lr_0.01,loss_lr_10\n1,") {
		t.Errorf("sweep.csv: %q", h)
	}
	if r := must(t, dir, "sweep", "-h"); !strings.Contains(r.stdout, "epoch, then one loss_lr_RATE column per rate") {
		t.Errorf("sweep -h does not describe its --history columns:\n%s", r.stdout)
	}
	// The seed's sweep on XOR: four rates, the largest learns.
	r = must(t, dir, "sweep", "--data", "xor")
	if !regexp.MustCompile(`(?m)^\s+1\s+0\.0[0-9]+`).MatchString(r.stdout) {
		t.Errorf("xor sweep: lr 1 did not learn:\n%s", r.stdout)
	}
}

// A spec file sets the network; the command line wins over it.
func TestSpecFile(t *testing.T) {
	dir := t.TempDir()
	writeText(t, filepath.Join(dir, "net.spec"), "# XOR, the seed's network\nlayers = 2,3,1\nlr: 5\nepochs = 300\nbatch = 4\n")
	r := must(t, dir, "train", "--data", "xor", "--spec", "net.spec", "--epochs", "200")
	if !strings.Contains(r.stdout, "2-3(sigmoid)-1(sigmoid), mse, sgd α=5, batch 4, 200 epochs") {
		t.Errorf("spec file not applied:\n%s", r.stdout)
	}
	// sweep takes its list of rates and its report interval from the spec
	// file too, and the command line wins there as well.
	writeText(t, filepath.Join(dir, "sweep.spec"), "lr = 0.5, 3\nevery = 50\nepochs = 100\n")
	r = must(t, dir, "sweep", "--data", "xor", "--spec", "sweep.spec")
	for _, want := range []string{"lr 0.5: Epoch  50/100", "lr 3: Epoch  50/100", "\n            0.5    0.", "\n              3    0."} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("sweep: spec file not applied, output lacks %q:\n%s", want, r.stdout)
		}
	}
	r = must(t, dir, "sweep", "--data", "xor", "--spec", "sweep.spec", "--lr", "1", "--every", "100")
	if strings.Contains(r.stdout, "lr 0.5") || strings.Contains(r.stdout, "Epoch  50/100") || !strings.Contains(r.stdout, "lr 1: Epoch 100/100") {
		t.Errorf("sweep: the command line does not win over the spec file:\n%s", r.stdout)
	}
	writeText(t, filepath.Join(dir, "bad.spec"), "layers = 2,3,1\nwings = 2\n")
	oneLineError(t, entrena(t, dir, "train", "--data", "xor", "--spec", "bad.spec"), exitFailure, `bad.spec:2: unknown key "wings"`)
}

// Bad input of every kind: one line on stderr, a non-zero status.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	blobsCSV(t, filepath.Join(dir, "blobs.csv"), 30)
	writeText(t, filepath.Join(dir, "bad.csv"), "a,b,y\n1,2,0\n3,4,1\n5,x,1\n")
	writeText(t, filepath.Join(dir, "nan.csv"), "1,2,0\n3,NaN,1\n")
	writeText(t, filepath.Join(dir, "short.csv"), "1,2,0\n3,4,1\n5,6\n")
	idxFile(t, filepath.Join(dir, "magic-images-idx3-ubyte"), []int{2, 2, 2}, make([]byte, 8), false)
	raw, _ := os.ReadFile(filepath.Join(dir, "magic-images-idx3-ubyte"))
	raw[2] = 9
	writeText(t, filepath.Join(dir, "magic-images-idx3-ubyte"), string(raw))
	idxFile(t, filepath.Join(dir, "magic-labels-idx1-ubyte"), []int{2}, []byte{0, 1}, false)
	idxFile(t, filepath.Join(dir, "cut-images-idx3-ubyte"), []int{5, 2, 2}, make([]byte, 12), false)
	idxFile(t, filepath.Join(dir, "cut-labels-idx1-ubyte"), []int{5}, []byte{0, 1, 0, 1, 0}, false)
	tinyIDX(t, filepath.Join(dir, "ok"), 10, true)
	writeText(t, filepath.Join(dir, "junk-images-idx3-ubyte"), "ABCDEFGH")
	must(t, dir, "train", "--data", "xor", "--epochs", "5", "--out", "xor.entrena")

	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown flag", []string{"train", "--bogus"}, exitUsage, "flag provided but not defined: -bogus"},
		{"bad flag value", []string{"train", "--epochs", "many"}, exitUsage, `invalid value "many" for flag -epochs`},
		{"stray argument", []string{"train", "blobs.csv"}, exitUsage, `unexpected argument "blobs.csv"`},
		{"unknown loss", []string{"train", "--data", "xor", "--loss", "hinge"}, exitUsage, `unknown loss "hinge"`},
		{"unknown activation", []string{"train", "--data", "xor", "--activation", "swish"}, exitUsage, `unknown activation "swish"`},
		{"unknown optimizer", []string{"train", "--data", "xor", "--optimizer", "lbfgs"}, exitUsage, `unknown optimizer "lbfgs"`},
		{"unknown kernels", []string{"train", "--data", "xor", "--kernels", "mmx"}, exitUsage, `unknown kernel path "mmx"`},
		{"bad layers", []string{"train", "--data", "xor", "--layers", "2,x,1"}, exitUsage, `"x" is not a positive unit count`},
		{"zero epochs", []string{"train", "--data", "xor", "--epochs", "0"}, exitUsage, "--epochs must be at least 1"},
		{"bad lr", []string{"train", "--data", "xor", "--lr", "-1"}, exitUsage, "not a positive learning rate"},
		{"bad sweep lr", []string{"sweep", "--data", "xor", "--lr", "0.1,abc"}, exitUsage, `"abc" is not a positive learning rate`},
		{"split and test", []string{"train", "--data", "xor", "--split", "0.1", "--test", "blobs.csv"}, exitUsage, "use one"},
		{"split NaN", []string{"train", "--data", "blobs.csv", "--split", "nan"}, exitUsage, "--split must be in (0, 1), got NaN"},
		{"sweep split NaN", []string{"sweep", "--data", "blobs.csv", "--split", "NaN"}, exitUsage, "--split must be in (0, 1), got NaN"},
		{"softmax with mse", []string{"train", "--data", "blobs.csv", "--label-column", "class", "--loss", "mse", "--output-activation", "softmax"}, exitUsage, "softmax output needs the categorical-crossentropy loss"},
		{"input mismatch", []string{"train", "--data", "blobs.csv", "--label-column", "class", "--layers", "784,10,3"}, exitUsage, "--layers starts with 784 inputs, the data has 2 features"},
		{"output mismatch", []string{"train", "--data", "blobs.csv", "--label-column", "class", "--layers", "2,10,2"}, exitUsage, "--layers ends with 2 outputs, the data has 3 classes (0, 1, 2): use 3 outputs"},
		{"missing data", []string{"train", "--data", "nothing.csv"}, exitFailure, "nothing.csv: no such file, IDX prefix"},
		{"missing test", []string{"train", "--data", "xor", "--test", "gone.csv"}, exitFailure, "gone.csv: no such file"},
		{"malformed row", []string{"train", "--data", "bad.csv"}, exitFailure, `bad.csv:4: column 2 (b): "x" is not a number`},
		{"NaN", []string{"train", "--data", "nan.csv"}, exitFailure, `nan.csv:2: column 2: "NaN" is not a finite number`},
		{"short row", []string{"train", "--data", "short.csv"}, exitFailure, "short.csv:3: 2 fields, the first row has 3"},
		{"wrong IDX magic", []string{"train", "--data", "magic"}, exitFailure, "IDX data type 0x09 is not supported"},
		{"wrong IDX magic, file named", []string{"train", "--data", "magic-images-idx3-ubyte"}, exitFailure, "IDX data type 0x09 is not supported"},
		{"not IDX, no labels", []string{"train", "--data", "junk-images-idx3-ubyte"}, exitFailure, "not an IDX file (magic 41424344"},
		{"truncated IDX", []string{"train", "--data", "cut"}, exitFailure, "truncated: the header declares [5 2 2] = 20 bytes of data, the file holds 12"},
		{"test features differ", []string{"train", "--data", "blobs.csv", "--label-column", "class", "--test", "ok"}, exitFailure, "the test data has 16 features per sample, the training data 2"},
		{"unlabelled label column", []string{"train", "--data", "blobs.csv", "--label-column", "nope"}, exitFailure, `label column "nope" is not in the header`},
		{"missing model", []string{"eval", "--model", "none.entrena", "--data", "xor"}, exitFailure, "none.entrena"},
		{"no model flag", []string{"predict", "--data", "xor"}, exitUsage, "--model is required"},
		{"not a model", []string{"eval", "--model", "blobs.csv", "--data", "xor"}, exitFailure, "bad model file"},
		{"model input mismatch", []string{"predict", "--model", "xor.entrena", "--data", "ok"}, exitFailure, "16 features per sample, the model xor.entrena takes 2 inputs"},
		{"unwritable output", []string{"train", "--data", "xor", "--epochs", "2", "--out", "no/such/dir/m.entrena"}, exitFailure, "no/such/dir"},
		{"unwritable predictions", []string{"predict", "--model", "xor.entrena", "--data", "xor", "--out", "no/such/dir/p.csv"}, exitFailure, "cannot write no/such/dir/p.csv: stat no/such/dir"},
		{"unwritable ONNX model", []string{"export", "--model", "xor.entrena", "--onnx", "no/such/dir/m.onnx"}, exitFailure, "cannot write no/such/dir/m.onnx: stat no/such/dir"},
		{"diverged", []string{"train", "--data", "blobs.csv", "--regression", "--label-column", "x", "--layers", "2,1", "--output-activation", "linear", "--optimizer", "sgd", "--lr", "1e6", "--out", "d.entrena"}, exitFailure, "training diverged at epoch"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			oneLineError(t, entrena(t, dir, c.args...), c.code, c.want)
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "d.entrena")); err == nil {
		t.Error("a diverged run saved its model")
	}
}

// Ctrl-C stops after the current batch and exits 130, keeping what whole
// epochs finished: their history and plot, and the model after the last of
// them under a name that says so (never the --out name itself).
func TestInterrupt(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(bin, "train", "--data", "spirals", "--epochs", "100000000", "--every", "1",
		"--out", "m.entrena", "--history", "h.csv", "--plot", "p")
	cmd.Dir = dir
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	epochs := 0
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "Epoch") {
			if epochs++; epochs == 3 {
				break
			}
		}
	}
	if epochs < 3 {
		t.Fatalf("training never printed an epoch; stderr: %s", stderr.String())
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	go func() { // keep the pipe drained
		for sc.Scan() {
		}
	}()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Signal(syscall.SIGKILL)
		t.Fatal("entrena did not stop within 30 s of SIGINT")
	}
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Errorf("exit %d, want %d", code, exitInterrupted)
	}
	msg := stderr.String()
	m := regexp.MustCompile(`saved the model after epoch (\d+) \((m\.epoch\d+-interrupted\.entrena)\) and the history of the (\d+) finished epochs`).FindStringSubmatch(msg)
	if !strings.Contains(msg, "interrupted at epoch") || m == nil || m[1] != m[3] || strings.Count(msg, "\n") != 1 {
		t.Fatalf("stderr %q", msg)
	}
	finished, _ := strconv.Atoi(m[1])
	if finished < 3 || m[2] != fmt.Sprintf("m.epoch%d-interrupted.entrena", finished) {
		t.Errorf("%d epochs saved as %s, after 3 were printed", finished, m[2])
	}
	if _, err := os.Stat(filepath.Join(dir, "m.entrena")); err == nil {
		t.Error("an interrupted run wrote the --out model")
	}
	must(t, dir, "eval", "--model", m[2], "--data", "spirals")
	h, err := os.ReadFile(filepath.Join(dir, "h.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if rows := strings.Count(strings.TrimSpace(string(h)), "\n"); rows != finished {
		t.Errorf("history has %d epoch rows, want %d:\n%s", rows, finished, h)
	}
	checkPNG(t, filepath.Join(dir, "p.png"))
	noTempFiles(t, dir)
}
