package data

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestFitNormMinMax(t *testing.T) {
	// Three columns: [0, 1], [1000, 5000], constant 7.
	x := []float32{
		0, 1000, 7,
		0.5, 5000, 7,
		1, 3000, 7,
		0.25, 2000, 7,
	}
	n, err := FitNorm(NormMinMax, x, 4, 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{0, 1000, 7}; !reflect.DeepEqual(n.Offset, want) {
		t.Errorf("offsets %v, want %v", n.Offset, want)
	}
	if want := []float64{1, 4000, 1}; !reflect.DeepEqual(n.Scale, want) {
		t.Errorf("scales %v, want %v (constant column: 1)", n.Scale, want)
	}
	p := &x[0]
	if err := n.Apply(x); err != nil {
		t.Fatal(err)
	}
	if &x[0] != p {
		t.Error("Apply did not work in place")
	}
	want := []float32{0, 0, 0, 0.5, 1, 0, 1, 0.5, 0, 0.25, 0.25, 0}
	if !reflect.DeepEqual(x, want) {
		t.Errorf("minmax-scaled %v, want %v", x, want)
	}
	// Data outside the training range (a test set) scales beyond [0, 1].
	y := []float32{2, 9000, 8}
	if err := n.Apply(y); err != nil || !reflect.DeepEqual(y, []float32{2, 2, 1}) {
		t.Errorf("test row scaled to %v (%v)", y, err)
	}
}

func TestFitNormZScore(t *testing.T) {
	x := []float32{1, 5, 2, 5, 3, 5, 4, 5} // column 0: 1..4, column 1: constant
	n, err := FitNorm(NormZScore, x, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	sd := math.Sqrt(1.25) // population standard deviation of 1, 2, 3, 4
	if n.Offset[0] != 2.5 || math.Abs(n.Scale[0]-sd) > 1e-12 || n.Offset[1] != 5 || n.Scale[1] != 1 {
		t.Fatalf("zscore statistics %v %v", n.Offset, n.Scale)
	}
	if err := n.Apply(x); err != nil {
		t.Fatal(err)
	}
	var sum, sq float64
	for i := 0; i < 8; i += 2 {
		sum += float64(x[i])
		sq += float64(x[i]) * float64(x[i])
		if x[i+1] != 0 {
			t.Errorf("constant column became %v, want 0", x[i+1])
		}
	}
	if math.Abs(sum/4) > 1e-6 || math.Abs(sq/4-1) > 1e-6 {
		t.Errorf("zscored column: mean %v, variance %v", sum/4, sq/4)
	}
}

// Welford's one pass stays accurate where the naive Σx² − (Σx)²/n cancels.
func TestFitNormZScoreLargeOffset(t *testing.T) {
	n := 10000
	x := make([]float32, n)
	for i := range x {
		x[i] = 1e6 + float32(i%2) // mean 1e6+0.5, sd 0.5
	}
	nm, err := FitNorm(NormZScore, x, n, 1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(nm.Offset[0]-(1e6+0.5)) > 1e-6 || math.Abs(nm.Scale[0]-0.5) > 1e-9 {
		t.Errorf("mean %v, sd %v", nm.Offset[0], nm.Scale[0])
	}
}

func TestFitNormNoneAndErrors(t *testing.T) {
	x := []float32{3, -4}
	n, err := FitNorm(NormNone, x, 1, 2)
	if err != nil || !reflect.DeepEqual(n.Scale, []float64{1, 1}) || !reflect.DeepEqual(n.Offset, []float64{0, 0}) {
		t.Fatalf("none: %+v %v", n, err)
	}
	if err := n.Apply(x); err != nil || x[0] != 3 || x[1] != -4 {
		t.Errorf("none changed the data: %v %v", x, err)
	}
	for _, m := range []string{NormMinMax, NormZScore} {
		nan := []float32{1, 2, float32(math.NaN()), 4}
		if _, err := FitNorm(m, nan, 2, 2); err == nil || !strings.Contains(err.Error(), "sample 2, feature 1 is NaN") {
			t.Errorf("%s with NaN: %v", m, err)
		}
		inf := []float32{1, float32(math.Inf(1))}
		if _, err := FitNorm(m, inf, 1, 2); err == nil || !strings.Contains(err.Error(), "not a finite number") {
			t.Errorf("%s with Inf: %v", m, err)
		}
	}
	if _, err := FitNorm("l2", x, 1, 2); err == nil || !strings.Contains(err.Error(), `unknown normalisation "l2"`) {
		t.Errorf("unknown method: %v", err)
	}
	if _, err := FitNorm(NormMinMax, x, 2, 2); err == nil {
		t.Error("FitNorm accepted a buffer too short for its shape")
	}
	mm, _ := FitNorm(NormMinMax, []float32{0, 1, 1, 2}, 2, 2)
	if err := mm.Apply([]float32{1, 2, 3}); err == nil {
		t.Error("Apply accepted a length that is not a multiple of the features")
	}
	if err := mm.Apply([]float32{1, float32(math.NaN())}); err == nil || !strings.Contains(err.Error(), "sample 1, feature 2") {
		t.Errorf("Apply on NaN: %v", err)
	}
	if err := n.Apply([]float32{float32(math.Inf(-1)), 0}); err == nil {
		t.Error("none: Apply accepted -Inf")
	}
	// A tiny scale turns a huge test value into +Inf: an error, not an Inf feature.
	tiny := &Norm{Method: NormMinMax, Offset: []float64{0}, Scale: []float64{1e-30}}
	if err := tiny.Apply([]float32{1e30}); err == nil || !strings.Contains(err.Error(), "does not scale to a finite number") {
		t.Errorf("overflow: %v", err)
	}
}

// The CSV reader still rejects NaN before any statistics are computed.
func TestCSVNaNRejectedBeforeNormalisation(t *testing.T) {
	_, err := DecodeCSV(strings.NewReader("1,2,0\n3,NaN,1\n"), 0, CSVOptions{})
	if err == nil || !strings.Contains(err.Error(), `line 2: column 2: "NaN" is not a finite number`) {
		t.Errorf("NaN in CSV: %v", err)
	}
}

func TestNormFileRoundTrip(t *testing.T) {
	x := []float32{0.1, 1234.5, -3, 0.9, 4999.75, -3, 0.3, 1000.125, -3}
	for _, m := range []string{NormMinMax, NormZScore, NormNone} {
		n, err := FitNorm(m, x, 3, 3)
		if err != nil {
			t.Fatal(err)
		}
		n.Model = "crc32:0badf00d"
		b, err := n.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseNorm(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v\n%s", m, err, b)
		}
		if !reflect.DeepEqual(back, n) {
			t.Errorf("%s: round trip %+v, want %+v", m, back, n)
		}
	}
	// The documented example reads, with comments, spaces and no model line.
	doc := "# comment\nentrena-norm,1\nfeatures, 2\nmethod,zscore\nfeature,offset,scale\n0,0.5,2\n# another\n1, -1e3, 4e3\n"
	n, err := ParseNorm(strings.NewReader(doc))
	if err != nil || n.Method != NormZScore || !reflect.DeepEqual(n.Offset, []float64{0.5, -1000}) || !reflect.DeepEqual(n.Scale, []float64{2, 4000}) || n.Model != "" {
		t.Errorf("hand-written file: %+v %v", n, err)
	}
}

func TestParseNormErrors(t *testing.T) {
	head := "entrena-norm,1\nmethod,minmax\nfeatures,2\nfeature,offset,scale\n"
	for _, c := range []struct{ in, want string }{
		{"", "empty normalisation file"},
		{"a,b,c\n", "line 1: not an entrena normalisation file"},
		{"entrena-norm,2\n", `line 1: normalisation file version "2" is not supported`},
		{"entrena-norm,1\nmethod,minmax\n", "line 2: no feature,offset,scale rows"},
		{"entrena-norm,1\nmethod,l1\n", `line 2: unknown method "l1"`},
		{"entrena-norm,1\nmethod,minmax\nmethod,zscore\n", "line 3: method given twice"},
		{"entrena-norm,1\nfeatures,0\n", `line 2: features "0" is not a positive count`},
		{"entrena-norm,1\ncolour,red\n", `line 2: unknown key "colour"`},
		{"entrena-norm,1\nmethod,minmax\nfeature,offset,scale\n", "line 3: the method and features lines must come before"},
		{head + "0,0,1\n", "line 5: features,2 but 1 feature rows"},
		{head + "0,0,1\n1,0,1\n2,0,1\n", "line 7: more feature rows than features,2"},
		{head + "1,0,1\n", `line 5: feature "1" out of order (want 0)`},
		{head + "0,0,0\n", "line 5: feature 0: scale 0 is not a positive finite number"},
		{head + "0,0,-2\n", "scale -2 is not a positive finite number"},
		{head + "0,NaN,1\n", "offset NaN is not a finite number"},
		{head + "0,0,Inf\n", "scale +Inf is not a positive finite number"},
		{head + "0,x,1\n", `offset "x" or scale "1" is not a number`},
		{head + "0,0\n", "line 5: expected feature,offset,scale, got 2 fields"},
		{"entrena-norm,1\nmethod,\"minmax\n", "extraneous or missing"},
	} {
		_, err := ParseNorm(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.in, err, c.want)
			continue
		}
		if !errors.Is(err, ErrFormat) {
			t.Errorf("%q: %v does not wrap ErrFormat", c.in, err)
		}
	}
	bad := &Norm{Method: NormMinMax, Offset: []float64{0}, Scale: []float64{0}}
	if _, err := bad.MarshalText(); err == nil {
		t.Error("MarshalText wrote a zero scale")
	}
	if _, err := (&Norm{Method: "MinMax", Offset: []float64{0}, Scale: []float64{1}}).MarshalText(); err == nil {
		t.Error("MarshalText wrote a method ParseNorm rejects")
	}
}

// Whatever ParseNorm accepts writes back to a file it reads the same.
func FuzzNorm(f *testing.F) {
	f.Add([]byte("entrena-norm,1\nmethod,minmax\nfeatures,2\nmodel,crc32:00000001\nfeature,offset,scale\n0,0,1\n1,1000,4000\n"))
	f.Add([]byte("entrena-norm,1\nfeatures,1\nmethod,none\nfeature,offset,scale\n0,-0,1e-300\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		n, err := ParseNorm(bytes.NewReader(in))
		if err != nil {
			return
		}
		b, err := n.MarshalText()
		if err != nil {
			t.Fatalf("ParseNorm accepted what MarshalText rejects: %v", err)
		}
		back, err := ParseNorm(bytes.NewReader(b))
		if err != nil || !reflect.DeepEqual(back, n) {
			t.Fatalf("round trip: %+v → %q → %+v, %v", n, b, back, err)
		}
	})
}

// TestNormMisuse: a nil Norm, one whose offsets and scales differ in
// length, or a nil reader is an error, not a panic or a silent no-op.
func TestNormMisuse(t *testing.T) {
	var none *Norm
	if err := none.Apply([]float32{1}); err == nil || !strings.Contains(err.Error(), "nil *Norm") {
		t.Errorf("nil Norm: Apply = %v", err)
	}
	if none.Features() != 0 {
		t.Errorf("nil Norm: Features = %d", none.Features())
	}
	if _, err := none.MarshalText(); err == nil {
		t.Error("nil Norm: MarshalText accepted it")
	}
	for _, m := range []string{NormMinMax, NormZScore, NormNone} {
		for _, n := range []*Norm{
			{Method: m, Offset: []float64{0, 0}, Scale: []float64{1}},
			{Method: m, Offset: []float64{0}, Scale: []float64{1, 2}},
		} {
			x := []float32{3, 4}
			if err := n.Apply(x); err == nil || !strings.Contains(err.Error(), "offsets and") {
				t.Errorf("%s, %d offsets, %d scales: Apply = %v", m, len(n.Offset), len(n.Scale), err)
			}
			if x[0] != 3 || x[1] != 4 {
				t.Errorf("%s: x changed to %v", m, x)
			}
		}
	}
	if _, err := ParseNorm(nil); err == nil || !strings.Contains(err.Error(), "nil io.Reader") {
		t.Errorf("ParseNorm(nil) = %v", err)
	}
}
