package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/v1tr0/entrena/core"
	"github.com/v1tr0/entrena/data"
)

// rangesCSV writes n rows of two features in very different ranges, a in
// [0, 1] and b in [1000, 5000], labelled 1 when a + (b−1000)/4000 > 1: a
// linear boundary that a sigmoid network only finds on scaled features.
func rangesCSV(t *testing.T, path string, n int, seed uint64) (labels []int) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 0))
	var b strings.Builder
	b.WriteString("a,b,label\n")
	for range n {
		a, v := r.Float64(), 1000+4000*r.Float64()
		l := 0
		if a+(v-1000)/4000 > 1 {
			l = 1
		}
		labels = append(labels, l)
		fmt.Fprintf(&b, "%.4f,%.1f,%d\n", a, v, l)
	}
	writeText(t, path, b.String())
	return labels
}

func finalAccuracy(t *testing.T, out, which string) float64 {
	t.Helper()
	m := regexp.MustCompile(`final ` + which + ` +loss [0-9.]+  accuracy ([0-9.]+)%`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no final %s accuracy:\n%s", which, out)
	}
	acc, _ := strconv.ParseFloat(m[1], 64)
	return acc
}

// train → model (its schema holding the scaling) → predict → eval on features of very different
// ranges: minmax (the default for CSV) learns, the raw features do not, and
// predict's classes give exactly eval's accuracy.
func TestNormalizeTrainPredictEval(t *testing.T) {
	dir := t.TempDir()
	labels := rangesCSV(t, filepath.Join(dir, "ranges.csv"), 400, 3)
	args := []string{"train", "--data", "ranges.csv", "--split", "0.25", "--layers", "2,16,1", "--epochs", "60", "--lr", "1", "--every", "60"}
	r := must(t, dir, append(args, "--out", "m.entrena")...)
	if !strings.Contains(r.stdout, "2 features (minmax-normalised from the training rows)") ||
		!strings.Contains(r.stdout, "model saved to m.entrena (with its data schema: classification, 2 features, label \"label\", classes 0 1)") {
		t.Errorf("minmax not the default for CSV, or not saved:\n%s", r.stdout)
	}
	minmax := finalAccuracy(t, r.stdout, "test")
	if minmax < 90 {
		t.Errorf("minmax: test accuracy %v%%", minmax)
	}
	raw := must(t, dir, append(args, "--normalize", "none")...)
	if none := finalAccuracy(t, raw.stdout, "test"); none >= minmax || strings.Contains(raw.stdout, "normalised") {
		t.Errorf("unscaled features: test accuracy %v%% (minmax %v%%)\n%s", none, minmax, raw.stdout)
	}

	// The scaling is in the model's schema; no sidecar is written.
	if _, err := os.Stat(filepath.Join(dir, "m.entrena.norm")); err == nil {
		t.Error("m.entrena.norm written")
	}
	net, err := core.Load(filepath.Join(dir, "m.entrena"))
	if err != nil {
		t.Fatal(err)
	}
	n := net.Schema().FeatureScaling
	if n == nil || n.Method != data.NormMinMax || len(n.Offset) != 2 {
		t.Fatalf("m.entrena's feature scaling: %+v", n)
	}
	// Statistics from the 300 training rows only: inside the full ranges.
	if !(n.Offset[0] >= 0 && n.Offset[0] < 0.05 && n.Scale[0] > 0.9 && n.Scale[0] <= 1 &&
		n.Offset[1] >= 1000 && n.Offset[1] < 1100 && n.Scale[1] > 3800 && n.Scale[1] <= 4000) {
		t.Errorf("minmax statistics %v %v", n.Offset, n.Scale)
	}
	noTempFiles(t, dir)

	p := must(t, dir, "predict", "--model", "m.entrena", "--data", "ranges.csv")
	if p.stderr != "" {
		t.Errorf("predict stderr: %q", p.stderr)
	}
	classes := strings.Fields(firstColumn(p.stdout))
	if len(classes) != len(labels) {
		t.Fatalf("%d predictions for %d rows", len(classes), len(labels))
	}
	right := 0
	for i, c := range classes {
		if c == strconv.Itoa(labels[i]) {
			right++
		}
	}
	e := must(t, dir, "eval", "--model", "m.entrena", "--data", "ranges.csv")
	m := regexp.MustCompile(`400 samples, loss [0-9.]+ \(mse\), accuracy ([0-9.]+)%`).FindStringSubmatch(e.stdout)
	if want := fmt.Sprintf("%.2f", 100*float64(right)/400); m == nil || m[1] != want {
		t.Errorf("eval %q disagrees with predict's %d/400 right (%s%%)", e.stdout, right, want)
	}
	if right < 360 {
		t.Errorf("predict with the saved scaling: %d/400 right", right)
	}
	// Features only, at the training scale: the schema scales them.
	writeText(t, filepath.Join(dir, "points.csv"), "a,b\n0.05,1100\n0.95,4900\n0.1,4990\n0.99,1050\n")
	if got := firstColumn(must(t, dir, "predict", "--model", "m.entrena", "--data", "points.csv").stdout); got != "0 1 1 0" {
		t.Errorf("predicted classes %q, want 0 1 1 0", got)
	}
}

// --test data is scaled with the training statistics; zscore works too.
func TestNormalizeTestFileZScore(t *testing.T) {
	dir := t.TempDir()
	rangesCSV(t, filepath.Join(dir, "train.csv"), 300, 5)
	rangesCSV(t, filepath.Join(dir, "test.csv"), 100, 6)
	r := must(t, dir, "train", "--data", "train.csv", "--test", "test.csv", "--normalize", "zscore",
		"--layers", "2,16,1", "--epochs", "40", "--lr", "1", "--every", "40", "--out", "z.entrena")
	if acc := finalAccuracy(t, r.stdout, "test"); acc < 90 || !strings.Contains(r.stdout, "(zscore-normalised") {
		t.Errorf("zscore with --test: accuracy %v%%\n%s", acc, r.stdout)
	}
	if net, err := core.Load(filepath.Join(dir, "z.entrena")); err != nil || net.Schema().FeatureScaling.Method != data.NormZScore {
		t.Errorf("z.entrena: %v", err)
	}
	e := must(t, dir, "eval", "--model", "z.entrena", "--data", "test.csv")
	if !strings.Contains(e.stdout, "accuracy "+strconv.FormatFloat(finalAccuracy(t, r.stdout, "test"), 'f', 2, 64)+"%") {
		t.Errorf("eval on test.csv %q differs from train's final test accuracy", e.stdout)
	}
	// sweep scales the same way (no model, no .norm file).
	s := must(t, dir, "sweep", "--data", "train.csv", "--lr", "0.5,1", "--layers", "2,8,1", "--epochs", "3")
	if !strings.Contains(s.stdout, "300 samples (minmax-normalised from the training rows)") {
		t.Errorf("sweep:\n%s", s.stdout)
	}
}

// legacyModel turns the model at path into one saved before schemas
// existed: no schema in the file, its feature scaling in a PATH.norm file
// as entrena wrote it then.
func legacyModel(t *testing.T, path string) {
	t.Helper()
	net, err := core.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	fs := net.Schema().FeatureScaling
	if err := net.SetSchema(nil); err != nil {
		t.Fatal(err)
	}
	buf, err := net.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	writeText(t, path, string(buf))
	n := &data.Norm{Method: fs.Method, Offset: fs.Offset, Scale: fs.Scale, Model: modelID(buf)}
	text, err := n.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	writeText(t, normPath(path), string(text))
}

// A model without a schema: a missing, mismatched, stale or malformed .norm
// file.
func TestNormalizeSidecarErrors(t *testing.T) {
	dir := t.TempDir()
	rangesCSV(t, filepath.Join(dir, "ranges.csv"), 60, 7)
	train := []string{"train", "--data", "ranges.csv", "--layers", "2,4,1", "--epochs", "2"}
	must(t, dir, append(train, "--out", "a.entrena")...)
	must(t, dir, append(train, "--out", "b.entrena", "--seed", "2")...)
	legacyModel(t, filepath.Join(dir, "a.entrena"))
	legacyModel(t, filepath.Join(dir, "b.entrena"))
	norm := filepath.Join(dir, "a.entrena.norm")
	good, _ := os.ReadFile(norm)
	must(t, dir, "eval", "--model", "a.entrena", "--data", "ranges.csv")

	// Missing: a warning, the features used as given.
	os.Remove(norm)
	r := must(t, dir, "predict", "--model", "a.entrena", "--data", "ranges.csv")
	if !strings.Contains(r.stderr, "warning: a.entrena has no data schema and no a.entrena.norm next to it; the features of ranges.csv are used as given") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("missing sidecar: stderr %q", r.stderr)
	}
	// IDX data never warns: it needs no .norm file.
	tinyIDX(t, filepath.Join(dir, "t"), 10, false)
	must(t, dir, "train", "--data", "t", "--epochs", "1", "--out", "i.entrena")
	if r := must(t, dir, "eval", "--model", "i.entrena", "--data", "t"); r.stderr != "" {
		t.Errorf("IDX eval stderr %q", r.stderr)
	}

	writeText(t, norm, "entrena-norm,1\nmethod,minmax\nfeatures,3\nfeature,offset,scale\n0,0,1\n1,0,1\n2,0,1\n")
	oneLineError(t, entrena(t, dir, "eval", "--model", "a.entrena", "--data", "ranges.csv"), exitFailure,
		"a.entrena.norm scales 3 features, ranges.csv has 2 per sample")
	b, _ := os.ReadFile(filepath.Join(dir, "b.entrena.norm"))
	writeText(t, norm, string(b))
	oneLineError(t, entrena(t, dir, "predict", "--model", "a.entrena", "--data", "ranges.csv"), exitFailure,
		"a.entrena.norm belongs to another model")
	writeText(t, norm, "entrena-norm,1\nmethod,minmax\nfeatures,2\nfeature,offset,scale\n0,0,1\n1,0,0\n")
	oneLineError(t, entrena(t, dir, "eval", "--model", "a.entrena", "--data", "ranges.csv"), exitFailure,
		"a.entrena.norm:6: feature 1: scale 0 is not a positive finite number")
	writeText(t, norm, string(good))
	must(t, dir, "eval", "--model", "a.entrena", "--data", "ranges.csv")

	// Retraining on data that is not CSV removes the stale .norm file.
	r = must(t, dir, "train", "--data", "xor", "--epochs", "1", "--out", "a.entrena")
	if _, err := os.Stat(norm); err == nil || !strings.Contains(r.stdout, "removed a.entrena.norm") {
		t.Errorf("stale a.entrena.norm kept (%v):\n%s", err, r.stdout)
	}

	oneLineError(t, entrena(t, dir, "train", "--data", "xor", "--normalize", "minmax"), exitUsage,
		"--normalize minmax: xor data is already scaled")
	oneLineError(t, entrena(t, dir, "train", "--data", "ranges.csv", "--normalize", "l2"), exitUsage,
		`--normalize: unknown normalisation "l2" (valid: minmax, zscore, none)`)
	must(t, dir, "train", "--data", "xor", "--normalize", "none", "--epochs", "1")
}
