package main

import (
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/v1tr0/entrena/data"
)

// The data contract on scikit-learn's data sets as pandas writes them
// (testdata/sklearn, made by generate.py there): each file goes
// CSV → train → predict with its own labels, and every way a model used
// to read its data wrong is now right or an error that says why.

// sklearnFile is the absolute path of a committed data set.
func sklearnFile(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", "sklearn", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// readColumn returns a column of a CSV file with a header, by name.
func readColumn(t *testing.T, path, name string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	j := slices.Index(head, name)
	if j < 0 {
		t.Fatalf("%s has no column %q (%v)", path, name, head)
	}
	var col []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return col
		}
		if err != nil {
			t.Fatal(err)
		}
		col = append(col, rec[j])
	}
}

// agreement is the share of predicted labels (predict's first column) equal
// to want.
func agreement(t *testing.T, predictions string, want []string) float64 {
	t.Helper()
	got := strings.Fields(firstColumn(predictions))
	if len(got) != len(want) {
		t.Fatalf("%d predictions for %d rows", len(got), len(want))
	}
	right := 0
	for i := range got {
		if got[i] == want[i] {
			right++
		}
	}
	return float64(right) / float64(len(want))
}

// Round trips: CSV → train → predict with the original labels, at an
// accuracy (R² for diabetes) in line with scikit-learn's.
func TestSklearnRoundTrips(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		file, label string
		args        []string
		guesses     []string // on the csv line
		layers      string
		min         float64 // share of predicted labels equal to the file's
	}{
		{"digits_target_first.csv", "target", []string{"--label-column", "target"},
			[]string{"header of names", `label: column "target"`, "10 classes 0, 1, 2"}, "64-64(sigmoid)-10(softmax)", 0.95},
		{"wine_numbers.csv", "13", nil,
			[]string{"header of column numbers", `label: the last column, "13"`, "3 classes 0.0, 1.0, 2.0"}, "13-64(sigmoid)-3(softmax)", 0.95},
		{"wine_index_1to3.csv", "target", nil,
			[]string{"column 1 is an index (unnamed, whole numbers): dropped", "3 classes 1, 2, 3"}, "13-64(sigmoid)-3(softmax)", 0.95},
		{"breast_cancer_index.csv", "target", nil,
			[]string{"column 1 is an index", "classification (string labels): 2 classes benign, malignant"}, "30-64(sigmoid)-1(sigmoid)", 0.93},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			path := sklearnFile(t, c.file)
			model := filepath.Join(dir, c.file+".entrena")
			r := must(t, dir, append([]string{"train", "--data", path, "--split", "0.2", "--every", "1000", "--out", model}, c.args...)...)
			first := strings.SplitN(r.stdout, "\n", 2)[0]
			if !strings.HasPrefix(first, "csv: separator comma; ") {
				t.Errorf("train does not start with its guesses: %q", first)
			}
			for _, g := range c.guesses {
				if !strings.Contains(first, g) {
					t.Errorf("guesses %q lack %q", first, g)
				}
			}
			if !strings.Contains(r.stdout, "network: "+c.layers+",") {
				t.Errorf("network is not %s:\n%s", c.layers, r.stdout)
			}
			if acc := finalAccuracy(t, r.stdout, "test"); acc < 100*c.min-5 {
				t.Errorf("test accuracy %v%%", acc)
			}
			// predict without --label-column: the model knows its label column.
			p := must(t, dir, "predict", "--model", model, "--data", path)
			if head := strings.SplitN(p.stdout, "\n", 2)[0]; !strings.HasPrefix(head, c.label+",p_") {
				t.Errorf("predictions header %q", head)
			}
			if a := agreement(t, p.stdout, readColumn(t, path, c.label)); a < c.min {
				t.Errorf("predicted labels agree with the file's on %.1f%% of rows", 100*a)
			}
			e := must(t, dir, "eval", "--model", model, "--data", path)
			if !strings.Contains(e.stdout, "accuracy") || p.stderr != "" || e.stderr != "" {
				t.Errorf("eval %q, stderr %q %q", e.stdout, p.stderr, e.stderr)
			}
		})
	}
}

// The label first, predicted without --label-column: before, the label was
// read as a feature and the last pixel dropped (35.6% right); the same file
// without its header is read by position, the label where training had it.
func TestPredictRemembersTheLabelColumn(t *testing.T) {
	dir := t.TempDir()
	path := sklearnFile(t, "digits_target_first.csv")
	must(t, dir, "train", "--data", path, "--label-column", "target", "--out", "d.entrena", "--every", "1000")
	labels := readColumn(t, path, "target")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	body := strings.SplitN(string(b), "\n", 2)[1]
	writeText(t, filepath.Join(dir, "noheader.csv"), body)
	p := must(t, dir, "predict", "--model", "d.entrena", "--data", "noheader.csv")
	if a := agreement(t, p.stdout, labels); a < 0.95 {
		t.Errorf("headerless file: %.1f%% right", 100*a)
	}
	// Features only, in another order, by name.
	rows := strings.Split(strings.TrimSpace(string(b)), "\n")
	var feat strings.Builder
	for _, row := range rows {
		cells := strings.Split(row, ",")[1:] // drop the label
		slices.Reverse(cells)
		feat.WriteString(strings.Join(cells, ",") + "\n")
	}
	writeText(t, filepath.Join(dir, "reversed.csv"), feat.String())
	p = must(t, dir, "predict", "--model", "d.entrena", "--data", "reversed.csv")
	if a := agreement(t, p.stdout, labels); a < 0.95 {
		t.Errorf("features by name in reverse order: %.1f%% right", 100*a)
	}

	// A missing or extra column is named; a headerless file off by one says so.
	head := strings.Split(rows[0], ",")
	writeText(t, filepath.Join(dir, "missing.csv"), strings.Join(head[:64], ",")+"\n"+strings.Join(strings.Split(rows[1], ",")[:64], ",")+"\n")
	oneLineError(t, entrena(t, dir, "predict", "--model", "d.entrena", "--data", "missing.csv"), exitFailure,
		`column "pixel_7_7", a feature of the model, is missing`)
	writeText(t, filepath.Join(dir, "extra.csv"), rows[0]+",colour\n"+rows[1]+",3\n")
	oneLineError(t, entrena(t, dir, "predict", "--model", "d.entrena", "--data", "extra.csv"), exitFailure,
		`column "colour" is not a feature of the model`)
	writeText(t, filepath.Join(dir, "offbyone.csv"), strings.SplitN(body, "\n", 2)[0]+",7\n")
	oneLineError(t, entrena(t, dir, "predict", "--model", "d.entrena", "--data", "offbyone.csv"), exitFailure,
		`66 columns, the model takes 64 features (65 columns with its label "target", column 1 of the training file): one column too many`)
	oneLineError(t, entrena(t, dir, "eval", "--model", "d.entrena", "--data", "reversed.csv"), exitFailure,
		`has no label column "target" to evaluate against`)
	oneLineError(t, entrena(t, dir, "predict", "--model", "d.entrena", "--data", path, "--label-column", "pixel_0_0"), exitUsage,
		`the model was trained with the label column "target"`)
}

// A model trained with --keep-index reads the index column in predict and
// eval as in training: by name with a header; without one, where the
// column count fits both readings, a note says how the columns were read
// and how to read them the other way.
func TestPredictKeepsTheIndexColumn(t *testing.T) {
	dir := t.TempDir()
	path := sklearnFile(t, "wine_index_1to3.csv")
	must(t, dir, "train", "--data", path, "--keep-index", "--epochs", "20", "--out", "k.entrena")
	p := must(t, dir, "predict", "--model", "k.entrena", "--data", path)
	if p.stderr != "" || strings.Count(p.stdout, "\n") != 179 {
		t.Errorf("predict with the index column as a feature: %d lines, stderr %q", strings.Count(p.stdout, "\n"), p.stderr)
	}
	if r := must(t, dir, "eval", "--model", "k.entrena", "--data", path); !strings.Contains(r.stdout, "178 samples") {
		t.Errorf("eval: %s", r.stdout)
	}

	// Without a header: the index counts 0, 1, 2, … as in training.
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	body := strings.SplitN(string(b), "\n", 2)[1]
	writeText(t, filepath.Join(dir, "noheader.csv"), body)
	must(t, dir, "train", "--data", "noheader.csv", "--keep-index", "--epochs", "20", "--out", "kn.entrena")
	e := must(t, dir, "eval", "--model", "kn.entrena", "--data", "noheader.csv")
	if !strings.Contains(e.stdout, "178 samples") || e.stderr != "" {
		t.Errorf("eval without a header: %s%s", e.stdout, e.stderr)
	}
	// The model remembers --keep-index: the first column is a feature, as
	// in training, with the flag or without it.
	p = must(t, dir, "predict", "--model", "kn.entrena", "--data", "noheader.csv", "--keep-index")
	if p.stderr != "" || strings.Count(p.stdout, "\n") != 179 {
		t.Errorf("predict --keep-index: stderr %q", p.stderr)
	}
	if q := must(t, dir, "predict", "--model", "kn.entrena", "--data", "noheader.csv"); q.stdout != p.stdout || q.stderr != "" {
		t.Errorf("predict without --keep-index reads other columns (stderr %q)", q.stderr)
	}
	var noLabel strings.Builder // the same rows without the label column
	for _, r := range strings.Split(strings.TrimSpace(body), "\n") {
		cells := strings.Split(r, ",")
		noLabel.WriteString(strings.Join(cells[:len(cells)-1], ",") + "\n")
	}
	writeText(t, filepath.Join(dir, "nolabel.csv"), noLabel.String())
	if q := must(t, dir, "predict", "--model", "kn.entrena", "--data", "nolabel.csv"); q.stdout != p.stdout || q.stderr != "" {
		t.Errorf("predict on the features alone reads other columns (stderr %q)", q.stderr)
	}

	// A model trained without it, and a shuffled index with no label: read
	// as the features and the label, as before, but said.
	must(t, dir, "train", "--data", "noheader.csv", "--epochs", "20", "--out", "n.entrena")
	lines := strings.Split(strings.TrimSpace(body), "\n")
	var shuffled strings.Builder
	for i := len(lines) - 1; i >= 0; i-- {
		cells := strings.Split(lines[i], ",")
		shuffled.WriteString(strings.Join(cells[:len(cells)-1], ",") + "\n")
	}
	writeText(t, filepath.Join(dir, "shuffled.csv"), shuffled.String())
	p = must(t, dir, "predict", "--model", "n.entrena", "--data", "shuffled.csv")
	if !strings.Contains(p.stderr, "if column 1 is an index (it holds whole numbers, not counting 0, 1, 2, …: rows shuffled or filtered?)") {
		t.Errorf("predict on a shuffled index says nothing: %q", p.stderr)
	}
}

// Whole-number targets with many values are a question, not 214 classes;
// --regression trains a linear output on standardised targets and reports
// RMSE, MAE and R² in the target's units, never an accuracy.
func TestRegressionDiabetes(t *testing.T) {
	dir := t.TempDir()
	path := sklearnFile(t, "diabetes.csv")
	oneLineError(t, entrena(t, dir, "train", "--data", path), exitFailure,
		`label column "target" holds 214 different whole numbers (25 … 346): are they classes or a quantity? Give --classification to make each value a class, or --regression to predict the number`)
	r := must(t, dir, "train", "--data", path, "--regression", "--split", "0.2", "--every", "100", "--out", "g.entrena", "--history", "h.csv")
	if strings.Contains(r.stdout, "accuracy") || strings.Contains(r.stdout, "acc =") {
		t.Errorf("regression reports an accuracy:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "network: 10-64(tanh)-1(linear), mse, adam") {
		t.Errorf("regression preset:\n%s", r.stdout)
	}
	m := regexp.MustCompile(`final test  RMSE ([0-9.]+)  MAE ([0-9.]+)  R² (-?[0-9.]+)`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("no final test RMSE, MAE, R²:\n%s", r.stdout)
	}
	rmse, _ := strconv.ParseFloat(m[1], 64)
	r2, _ := strconv.ParseFloat(m[3], 64)
	if r2 < 0.35 || rmse > 65 || rmse < 30 {
		t.Errorf("diabetes: test RMSE %v, R² %v (scikit-learn's linear model: about 54 and 0.45)", rmse, r2)
	}
	h, _ := os.ReadFile(filepath.Join(dir, "h.csv"))
	if !strings.HasPrefix(string(h), "epoch,loss,test_loss,test_rmse,test_mae,test_r2\n1,") {
		t.Errorf("history: %.80q", h)
	}
	// predict answers in the target's units; eval scores them.
	p := must(t, dir, "predict", "--model", "g.entrena", "--data", path)
	preds := strings.Fields(firstColumn(p.stdout))
	if len(preds) != 442 || !strings.HasPrefix(p.stdout, "target\n") {
		t.Fatalf("%d predictions, header %.20q", len(preds), p.stdout)
	}
	var lo, hi float64 = 1e9, -1e9
	for _, s := range preds {
		v, _ := strconv.ParseFloat(s, 64)
		lo, hi = min(lo, v), max(hi, v)
	}
	if lo < 0 || hi > 400 || hi-lo < 100 {
		t.Errorf("predictions span %v … %v: not in the target's units, or constant", lo, hi)
	}
	e := must(t, dir, "eval", "--model", "g.entrena", "--data", path)
	if !regexp.MustCompile(`diabetes.csv: 442 samples, RMSE [0-9.]+  MAE [0-9.]+  R² 0\.[0-9]+`).MatchString(e.stdout) {
		t.Errorf("eval: %q", e.stdout)
	}
	// --classification makes each value a class, as asked.
	c := must(t, dir, "train", "--data", path, "--classification", "--epochs", "1")
	if !strings.Contains(c.stdout, "214 classes") || !strings.Contains(c.stdout, ", 1 epoch, ") {
		t.Errorf("--classification:\n%s", c.stdout)
	}
	// Real-valued labels need no flag.
	writeText(t, filepath.Join(dir, "line.csv"), "x,y\n0,0.5\n1,2.5\n2,4.5\n3,6.5\n4,8.5\n")
	l := must(t, dir, "train", "--data", "line.csv", "--epochs", "5")
	if !strings.Contains(l.stdout, "regression: the labels are real numbers (0.5 … 8.5") || !strings.Contains(l.stdout, "final train RMSE") {
		t.Errorf("float labels:\n%s", l.stdout)
	}
}

// String, boolean and ±1 labels are classes; predictions carry them back.
func TestLabelKinds(t *testing.T) {
	dir := t.TempDir()
	for name, labels := range map[string][2]string{
		"yesno": {"no", "yes"}, "bool": {"False", "True"}, "pm": {"-1", "+1"},
	} {
		var b strings.Builder
		b.WriteString("a,b,y\n")
		for i := range 200 {
			x := float64(i%20) / 20
			l := labels[0]
			if x > 0.5 {
				l = labels[1]
			}
			b.WriteString(strconv.FormatFloat(x, 'f', 2, 64) + "," + strconv.Itoa(i%3) + "," + l + "\n")
		}
		writeText(t, filepath.Join(dir, name+".csv"), b.String())
		r := must(t, dir, "train", "--data", name+".csv", "--epochs", "200", "--lr", "1", "--every", "1000", "--out", name+".entrena")
		if !strings.Contains(r.stdout, "2 classes") {
			t.Errorf("%s:\n%s", name, r.stdout)
		}
		p := must(t, dir, "predict", "--model", name+".entrena", "--data", name+".csv")
		want := readColumn(t, filepath.Join(dir, name+".csv"), "y")
		if name == "pm" { // labels are shown as first written in the training file
			for i, w := range want {
				want[i] = strings.TrimPrefix(w, "+")
			}
			if !strings.HasPrefix(p.stdout, "y,p_+1\n") {
				t.Errorf("pm header: %.20q", p.stdout)
			}
			p.stdout = strings.ReplaceAll(p.stdout, "+1,", "1,")
		}
		if a := agreement(t, p.stdout, want); a < 0.9 {
			t.Errorf("%s: %.1f%% right", name, 100*a)
		}
	}
}

// Bad targets and networks for them are errors with the reason.
func TestBadTargets(t *testing.T) {
	dir := t.TempDir()
	path := sklearnFile(t, "diabetes.csv")
	oneLineError(t, entrena(t, dir, "train", "--data", path, "--regression", "--loss", "bce", "--epochs", "1"), exitFailure,
		"is outside [0, 1]: binary cross-entropy reads targets as probabilities")
	wine := sklearnFile(t, "wine_numbers.csv")
	oneLineError(t, entrena(t, dir, "train", "--data", wine, "--layers", "13,8,1:softmax", "--epochs", "1"), exitUsage,
		"a softmax over 1 unit always outputs 1")
	oneLineError(t, entrena(t, dir, "train", "--data", wine, "--layers", "13,8,4", "--epochs", "1"), exitUsage,
		"--layers ends with 4 outputs, the data has 3 classes (0.0, 1.0, 2.0): use 3 outputs")
}

// --split is stratified and has its own seed: --seed changes the
// initialisation, not the test set.
func TestSplitSeed(t *testing.T) {
	path := sklearnFile(t, "wine_index_1to3.csv")
	split := func(seed, splitSeed uint64) *data.Set {
		d := dataFlags{data: path, split: 0.2, splitSeed: splitSeed, header: data.HeaderAuto}
		_, _, test, err := trainData(d, seed, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		return test
	}
	a, b, c := split(1, 1), split(2, 1), split(1, 2)
	if !slices.Equal(a.X, b.X) {
		t.Error("--seed moved the test set")
	}
	if slices.Equal(a.X, c.X) {
		t.Error("--split-seed did not move the test set")
	}
	// wine has 59, 71 and 48 rows of its classes: 12, 14 and 10 held out.
	count := make([]int, 3)
	for i := range a.Samples {
		row := a.Y[i*3 : i*3+3]
		count[slices.Index(row, 1)]++
	}
	if !slices.Equal(count, []int{12, 14, 10}) {
		t.Errorf("held-out classes %v, want [12 14 10]", count)
	}
}

// --keep-index, --header and --sep change the guesses.
func TestCSVLayoutFlags(t *testing.T) {
	dir := t.TempDir()
	path := sklearnFile(t, "wine_index_1to3.csv")
	r := must(t, dir, "train", "--data", path, "--keep-index", "--epochs", "1")
	if !strings.Contains(r.stdout, "178 samples × 14 features") || strings.Contains(r.stdout, "is an index") {
		t.Errorf("--keep-index:\n%s", r.stdout)
	}
	writeText(t, filepath.Join(dir, "semi.csv"), "5;1;0\n1;2;1\n0;3;1\n2;1;0\n")
	r = must(t, dir, "train", "--data", "semi.csv", "--epochs", "1")
	if !strings.Contains(r.stdout, "separator semicolon; no header") || !strings.Contains(r.stdout, "4 samples × 2 features") {
		t.Errorf("sniffed ';':\n%s", r.stdout)
	}
	r = must(t, dir, "train", "--data", "semi.csv", "--sep", ";", "--header", "yes", "--epochs", "1")
	if !strings.Contains(r.stdout, "header (as told)") || !strings.Contains(r.stdout, "3 samples × 2 features") {
		t.Errorf("--header yes:\n%s", r.stdout)
	}
	oneLineError(t, entrena(t, dir, "train", "--data", "semi.csv", "--header", "maybe"), exitUsage, `--header "maybe": want auto, yes or no`)
	oneLineError(t, entrena(t, dir, "train", "--data", "semi.csv", "--sep", "::"), exitUsage, `--sep "::": want one character`)
}
