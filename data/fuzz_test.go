package data

import (
	"bytes"
	"slices"
	"testing"
)

// The fuzz targets check that no input makes a reader panic, allocate
// beyond its limit, or return inconsistent shapes. Their seed corpora are
// in testdata/fuzz and run as plain tests with go test.

const fuzzMaxElements = 1 << 16

func FuzzIDXImages(f *testing.F) {
	f.Add(idxBytes([]int{2, 2, 2}, []byte{0, 1, 2, 3, 252, 253, 254, 255}))
	f.Add(gz(idxBytes([]int{1, 3}, []byte{9, 8, 7})))
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := maybeGzip(bytes.NewReader(in)) // as the file opener does
		if err != nil {
			return
		}
		x, n, feat, err := DecodeIDXImages(r, fuzzMaxElements)
		if err != nil {
			return
		}
		if n < 1 || feat < 1 || len(x) != n*feat || len(x) > fuzzMaxElements {
			t.Fatalf("shape %d×%d with %d values", n, feat, len(x))
		}
		for i, v := range x {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("x[%d] = %v outside [0, 1]", i, v)
			}
		}
	})
}

func FuzzIDXLabels(f *testing.F) {
	f.Add(idxBytes([]int{3}, []byte{0, 9, 5}))
	f.Add([]byte{0, 0, 8, 1, 0, 0, 0, 2, 1})
	f.Fuzz(func(t *testing.T, in []byte) {
		l, err := DecodeIDXLabels(bytes.NewReader(in), fuzzMaxElements)
		if err != nil {
			return
		}
		if len(l) < 1 || len(l) > fuzzMaxElements || len(in) != 8+len(l) {
			t.Fatalf("%d labels from %d bytes", len(l), len(in))
		}
	})
}

func FuzzCSV(f *testing.F) {
	f.Add("a,b,label\n0.5,1,2\n1.5,-2,0\n", "", false, uint8(0), false)
	f.Add("1,2,0\n3,4,1\n", "0", false, uint8(0), false)
	f.Add("x,y\n1,2.5\n", "y", true, uint8(0), false)
	f.Add(",0,1,2\n0,5.1,3.5,setosa\n1,4.9,3.0,virginica\n", "", false, uint8(0), false)
	f.Add("a;b;c\n1;2;yes\n3;4;no\n", "-1", false, uint8(1), true)
	f.Fuzz(func(t *testing.T, in, label string, regression bool, header uint8, keepIndex bool) {
		opts := CSVOptions{LabelColumn: label, Regression: regression, MaxClasses: 64,
			Header: []string{HeaderAuto, HeaderYes, HeaderNo}[header%3], KeepIndex: keepIndex}
		s, err := DecodeCSV(bytes.NewReader([]byte(in)), 0, opts)
		if err != nil {
			return
		}
		if s.Samples < 1 || s.Inputs < 1 || len(s.X) != s.Samples*s.Inputs || len(s.Y) != s.Samples*s.Outputs {
			t.Fatalf("inconsistent set: %d samples × %d inputs (%d), %d outputs (%d)", s.Samples, s.Inputs, len(s.X), s.Outputs, len(s.Y))
		}
		if len(s.CSV.Features) != s.Inputs {
			t.Fatalf("%d feature names for %d inputs", len(s.CSV.Features), s.Inputs)
		}
		for _, v := range append(append([]float32{}, s.X...), s.Y...) {
			if v-v != 0 {
				t.Fatalf("non-finite value %v accepted", v)
			}
		}
		if !regression && s.Outputs > 1 {
			for i := range s.Samples {
				sum := float32(0)
				for _, v := range s.Y[i*s.Outputs : (i+1)*s.Outputs] {
					sum += v
				}
				if sum != 1 {
					t.Fatalf("row %d is not one-hot: %v", i, s.Y[i*s.Outputs:(i+1)*s.Outputs])
				}
			}
		}
		// The file read again by the layout it was trained on gives the same data.
		c := s.CSV
		m := &CSVModel{Features: c.Features, Label: c.Label, LabelColumn: c.LabelColumn, Columns: len(c.Columns), Task: c.Task, Classes: c.Classes}
		again := opts
		again.Model, again.Sep, again.Header = m, c.Sep, HeaderNo
		if c.Header {
			again.Header = HeaderYes
		}
		r, err := DecodeCSV(bytes.NewReader([]byte(in)), 0, again)
		if err != nil {
			t.Fatalf("read by its own layout: %v (first read: %s)", err, c.Summary())
		}
		if !slices.Equal(r.X, s.X) || !slices.Equal(r.Y, s.Y) {
			t.Fatalf("read by its own layout: other data (%s)", c.Summary())
		}
	})
}
