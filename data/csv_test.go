package data

import (
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

func decode(t *testing.T, in string, o CSVOptions) (*Set, error) {
	t.Helper()
	return DecodeCSV(strings.NewReader(in), 0, o)
}

func TestCSVHeaderAndOneHot(t *testing.T) {
	s, err := decode(t, "a,b,label\n0.5,1,2\n1.5,-2,0\n\n3,4e1,1\n", CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Samples != 3 || s.Inputs != 2 || s.Outputs != 3 || s.Classes != 3 {
		t.Fatalf("set %+v", s)
	}
	wantX := []float32{0.5, 1, 1.5, -2, 3, 40}
	for i, v := range wantX {
		if s.X[i] != v {
			t.Errorf("X[%d] = %v, want %v", i, s.X[i], v)
		}
	}
	wantY := []float32{0, 0, 1, 1, 0, 0, 0, 1, 0}
	for i, v := range wantY {
		if s.Y[i] != v {
			t.Errorf("Y[%d] = %v, want %v", i, s.Y[i], v)
		}
	}
}

func TestCSVLabelColumn(t *testing.T) {
	in := "y,f1,f2\n1,10,20\n0,30,40\n"
	for _, col := range []string{"y", "0", "-3"} {
		s, err := decode(t, in, CSVOptions{LabelColumn: col})
		if err != nil {
			t.Fatalf("%s: %v", col, err)
		}
		// Two classes: a single 0/1 target.
		if s.Inputs != 2 || s.Outputs != 1 || s.Classes != 2 || s.Y[0] != 1 || s.Y[1] != 0 || s.X[0] != 10 || s.X[3] != 40 {
			t.Errorf("%s: %+v", col, s)
		}
	}
	// No header: the first row is data.
	s, err := decode(t, "1,2,0\n3,4,1\n", CSVOptions{})
	if err != nil || s.Samples != 2 {
		t.Fatalf("headerless: %+v %v", s, err)
	}
	s, err = decode(t, "1,2,0.25\n3,4,7.5\n", CSVOptions{Regression: true})
	if err != nil || s.Outputs != 1 || s.Classes != 0 || s.Y[1] != 7.5 {
		t.Fatalf("regression: %+v %v", s, err)
	}
	s, err = decode(t, "1,2,3\n4,5,6\n", CSVOptions{NoLabels: true})
	if err != nil || s.Inputs != 3 || s.Y != nil || s.Labelled() {
		t.Fatalf("no labels: %+v %v", s, err)
	}
}

func TestCSVErrors(t *testing.T) {
	cases := []struct {
		name, in string
		opts     CSVOptions
		want     string
	}{
		{"empty", "", CSVOptions{}, "empty CSV file"},
		{"header only", "a,b\n", CSVOptions{}, "no data rows"},
		{"not a number", "a,b,c\n1,2,0\n1,x,0\n", CSVOptions{}, `line 3: column 2 (b): "x" is not a number`},
		{"NaN", "1,2,0\n3,NaN,1\n", CSVOptions{}, `line 2: column 2: "NaN" is not a finite number`},
		{"Inf", "1,2,0\n-Inf,2,1\n", CSVOptions{}, `line 2: column 1: "-Inf" is not a finite number`},
		{"too large", "1,2,0\n1e39,2,1\n", CSVOptions{}, "out of float32 range"},
		{"short row", "1,2,0\n1,2,0\n1,2\n", CSVOptions{}, "line 3: 2 fields, the first row has 3"},
		{"long row", "a,b,c\n1,2,0\n\n1,2,0,4\n", CSVOptions{}, "line 4: 4 fields, the first row has 3"},
		{"bad quote", "1,2,0\n1,\"2,0\n", CSVOptions{}, "line 2"},
		{"text label for regression", "1,2,0\n1,2,yes\n", CSVOptions{Regression: true}, `line 2: label "yes" is not a number`},
		{"one class", "1,2,7\n3,4,7\n", CSVOptions{}, `is "7": a classifier needs at least two classes`},
		{"many whole numbers", manyWhole(40), CSVOptions{}, "holds 40 different whole numbers (0 … 39): are they classes or a quantity? Give --classification"},
		{"more than MaxClasses", manyWhole(70), CSVOptions{Classification: true, MaxClasses: 64}, "more than 64 different labels"},
		{"empty label", "1,2,0\n1,2,\n", CSVOptions{}, "line 2: the label is empty"},
		{"index breaks", counting(300) + "7,1,1\n", CSVOptions{}, `line 301: column 1 counts 0, 1, 2, … in the first rows like an index, but here it is "7", not 300`},
		{"one column", "1\n2\n", CSVOptions{}, "at least 2 columns"},
		{"unknown label name", "a,b\n1,2\n", CSVOptions{LabelColumn: "zz"}, `label column "zz" is not in the header`},
		{"label name without header", "1,2\n", CSVOptions{LabelColumn: "zz"}, "no header"},
		{"label index out of range", "1,2\n", CSVOptions{LabelColumn: "5"}, "out of range"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := decode(t, c.in, c.opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if !errors.Is(err, ErrFormat) {
				t.Errorf("%v does not wrap ErrFormat", err)
			}
		})
	}
}

// pandas has no comment character: a cell starting with # is data, at the
// start of a line or in the header.
func TestCSVHashIsNotAComment(t *testing.T) {
	in := "color,a,b\n#ff0000,1,2\n#00ff00,3,4\nred,5,6\nblue,7,8\n#ff0000,1,3\nred,5,7\n"
	s, err := decode(t, in, CSVOptions{LabelColumn: "color"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Samples != 6 || fmt.Sprint(s.CSV.Classes) != "[#00ff00 #ff0000 blue red]" {
		t.Errorf("%d samples, classes %v, want 6 samples, 4 classes", s.Samples, s.CSV.Classes)
	}
	s, err = decode(t, "#id;a;y\n#1;2;0\n#2;3;1\n", CSVOptions{LabelColumn: "#id"})
	if err != nil {
		t.Fatal(err)
	}
	if s.CSV.Sep != ';' || !s.CSV.Header || s.CSV.Label != "#id" || s.Samples != 2 {
		t.Errorf("header starting with #: %+v", s.CSV)
	}
}

// A UTF-8 byte order mark (pandas' encoding="utf-8-sig") is not part of the
// first column's name.
func TestCSVByteOrderMark(t *testing.T) {
	for _, in := range []string{"name,a,y\n1,2,x\n2,3,z\n", ",a,y\n0,2,x\n1,3,z\n"} {
		plain, err := decode(t, in, CSVOptions{})
		if err != nil {
			t.Fatal(err)
		}
		bom, err := decode(t, "\ufeff"+in, CSVOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(bom.CSV.Columns) != fmt.Sprint(plain.CSV.Columns) || bom.CSV.IndexDropped != plain.CSV.IndexDropped || bom.Inputs != plain.Inputs {
			t.Errorf("%q with a BOM: columns %q (index dropped %v), without: %q (%v)", in, bom.CSV.Columns, bom.CSV.IndexDropped, plain.CSV.Columns, plain.CSV.IndexDropped)
		}
	}
	dir := t.TempDir()
	p := writeFile(t, dir, "bom.csv.gz", gz([]byte("\ufeffname,y\n1,0.5\n2,1.5\n")))
	s, err := ReadCSV(p, CSVOptions{})
	if err != nil || s.CSV.Features[0] != "name" {
		t.Errorf("gzip with a BOM: %v, %v", s, err)
	}
}

// A number beyond float32 or infinite among the labels keeps them numbers:
// an error naming it, not a classification of every value.
func TestCSVUnfitNumberLabels(t *testing.T) {
	cases := []struct {
		name, in string
		opts     CSVOptions
		want     string
	}{
		{"beyond float32", "a,y\n1,0.5\n2,1.5\n3,2.25\n4,1e39\n", CSVOptions{}, `line 5: label "1e39" is out of float32 range`},
		{"beyond float32, regression", "a,y\n1,0.5\n2,1.5\n4,-1e39\n", CSVOptions{Regression: true}, `line 4: label "-1e39" is out of float32 range`},
		{"infinite", "a,y\n1,0.5\n2,inf\n3,2.25\n", CSVOptions{}, `line 3: label "inf" is not a finite number`},
		{"whole numbers", "a,y\n1,1\n2,2\n3,1e39\n", CSVOptions{}, `line 4: label "1e39" is out of float32 range`},
		{"NaN", "a,y\n1,a\n2,NaN\n", CSVOptions{}, `line 3: the label is "NaN" (a missing value)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := decode(t, c.in, c.opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v (set %+v), want one containing %q", err, s, c.want)
			}
		})
	}
	m := &CSVModel{Features: []string{"a"}, Label: "y", LabelColumn: 1, Columns: 2, Task: TaskRegression}
	if _, err := decode(t, "a,y\n1,0.5\n2,-Inf\n", CSVOptions{Model: m}); err == nil || !strings.Contains(err.Error(), `line 3: label "-Inf" is not a finite number`) {
		t.Errorf("regression model: %v", err)
	}
	// Told they are classes, such labels are names like any other.
	s, err := decode(t, "a,y\n1,0.5\n2,1e39\n", CSVOptions{Classification: true})
	if err != nil || s.Classes != 2 {
		t.Errorf("classification: %+v, %v", s, err)
	}
}

func TestReadCSVFile(t *testing.T) {
	dir := t.TempDir()
	text := "x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n"
	for _, p := range []string{
		writeFile(t, dir, "xor.csv", []byte(text)),
		writeFile(t, dir, "xor.csv.gz", gz([]byte(text))),
		writeFile(t, dir, "noeol.csv", []byte(strings.TrimSuffix(text, "\n"))),
	} {
		s, err := ReadCSV(p, CSVOptions{})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if s.Samples != 4 || s.Inputs != 2 || s.Name != p {
			t.Errorf("%s: %+v", p, s)
		}
		if !s.CSV.Header || s.CSV.Label != "y" || len(s.CSV.Features) != 2 {
			t.Errorf("%s: %+v", p, s.CSV)
		}
	}
	bad := writeFile(t, dir, "bad.csv", []byte("1,2,0\n1,2,0\n1,oops,1\n"))
	_, err := ReadCSV(bad, CSVOptions{})
	var le *LineError
	if !errors.As(err, &le) || le.Line != 3 || !strings.HasPrefix(err.Error(), bad+":3: ") {
		t.Errorf("bad row: %v", err)
	}
	if _, err := ReadCSV(filepath.Join(dir, "missing.csv"), CSVOptions{}); err == nil {
		t.Error("missing file: no error")
	}
}

func manyWhole(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%d,%d,%d\n", i%3, i%5, i)
	}
	return b.String()
}

// counting is n headerless rows whose first column counts 0, 1, 2, ….
func counting(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%d,%d,%d\n", i, i%7, i%2)
	}
	return b.String()
}

func TestCountLines(t *testing.T) {
	for in, want := range map[string]int{"": 0, "a": 1, "a\n": 1, "a\nb": 2, "a\nb\n\n": 3} {
		if n, _ := countLines(strings.NewReader(in)); n != want {
			t.Errorf("countLines(%q) = %d, want %d", in, n, want)
		}
	}
}

// onlyReader hides the Len method of the reader inside: a stream of
// unknown size.
type onlyReader struct{ io.Reader }

// TestCSVRowsHintIsOnlyAHint: a hint far beyond the data (or one whose
// buffer size overflows int) must neither exhaust memory nor panic; the
// buffers stay bounded by the input's size, or by maxHintFloats for a
// stream of unknown size.
func TestCSVRowsHintIsOnlyAHint(t *testing.T) {
	const in = "a,b,y\n1,2,0\n3,4,1\n"
	for _, hint := range []int{1 << 40, math.MaxInt, math.MaxInt / 2, -1} {
		for _, r := range []io.Reader{strings.NewReader(in), onlyReader{strings.NewReader(in)}} {
			s, err := DecodeCSV(r, hint, CSVOptions{})
			if err != nil {
				t.Fatalf("hint %d, %T: %v", hint, r, err)
			}
			if s.Samples != 2 || s.X[2] != 3 || s.Y[1] != 1 {
				t.Errorf("hint %d, %T: set %+v", hint, r, s)
			}
			limit := maxHintFloats
			if _, sized := r.(*strings.Reader); sized {
				limit = 16 * s.Inputs
			}
			if cap(s.X) > limit {
				t.Errorf("hint %d, %T: X holds %d floats up front, want at most %d", hint, r, cap(s.X), limit)
			}
		}
	}
}

func TestBufferRows(t *testing.T) {
	for _, c := range []struct {
		hint, nf, cols int
		size           int64
		want           int
	}{
		{0, 2, 3, -1, 16},
		{1000, 2, 3, -1, 1000},
		{math.MaxInt, 2, 3, -1, maxHintFloats / 2},
		{math.MaxInt, 0, 1, -1, maxHintFloats},
		{math.MaxInt, 2, 3, 300, 101}, // a row of 3 columns takes 3 bytes at least
		{50, 2, 3, 300, 50},
		{math.MaxInt, 2, 0, 0, 1},
	} {
		if got := bufferRows(c.hint, c.nf, c.cols, c.size); got != c.want {
			t.Errorf("bufferRows(%d, %d, %d, %d) = %d, want %d", c.hint, c.nf, c.cols, c.size, got, c.want)
		}
	}
}

// TestReadCSVBlankLinesHint: a file of mostly blank lines counts many
// lines but holds few rows; its size bounds the buffers.
func TestReadCSVBlankLinesHint(t *testing.T) {
	text := "a,b,y\n1,2,0\n" + strings.Repeat("\n", 30000) + "3,4,1\n"
	p := writeFile(t, t.TempDir(), "blank.csv", []byte(text))
	s, err := ReadCSV(p, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Samples != 2 {
		t.Fatalf("%d samples, want 2", s.Samples)
	}
	if want := (len(text)/3 + 1) * 2; cap(s.X) > want {
		t.Errorf("X holds %d floats up front, want at most %d", cap(s.X), want)
	}
}
