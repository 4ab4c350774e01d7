package data

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// The feature normalisation methods.
const (
	NormNone   = "none"   // features as given: offset 0, scale 1
	NormMinMax = "minmax" // offset min, scale max−min: training features in [0, 1]
	NormZScore = "zscore" // offset mean, scale standard deviation: mean 0, variance 1
)

// NormMethods lists the methods, for messages.
const NormMethods = NormMinMax + ", " + NormZScore + ", " + NormNone

// ParseNormMethod checks a method name (case-insensitive).
func ParseNormMethod(s string) (string, error) {
	switch m := strings.ToLower(strings.TrimSpace(s)); m {
	case NormNone, NormMinMax, NormZScore:
		return m, nil
	}
	return "", fmt.Errorf("unknown normalisation %q (valid: %s)", s, NormMethods)
}

// Norm is a per-feature affine transform: feature j of every sample becomes
// (x − Offset[j]) / Scale[j]. Scale is always positive and finite; a
// column that is constant in the data the statistics came from gets scale 1
// (so it becomes 0 for minmax and zscore), never a division by zero.
type Norm struct {
	Method string
	Offset []float64
	Scale  []float64
	// Model identifies the model file the transform belongs to ("" when
	// unknown). entrena writes "crc32:" and the model file's CRC-32 in hex.
	Model string
}

// Features is the number of columns the transform applies to (0 for a
// nil Norm).
func (n *Norm) Features() int {
	if n == nil {
		return 0
	}
	return len(n.Offset)
}

// FitNorm computes the statistics of method from the samples×inputs
// row-major features x in one pass over the buffer, with O(inputs) extra
// memory: per-column minimum and maximum, or mean and variance (Welford).
// Every value must be finite.
func FitNorm(method string, x []float32, samples, inputs int) (*Norm, error) {
	m, err := ParseNormMethod(method)
	if err != nil {
		return nil, err
	}
	if samples < 1 || inputs < 1 || len(x) < samples*inputs {
		return nil, fmt.Errorf("normalisation: %d values cannot hold %d samples × %d features", len(x), samples, inputs)
	}
	n := &Norm{Method: m, Offset: make([]float64, inputs), Scale: make([]float64, inputs)}
	for j := range n.Scale {
		n.Scale[j] = 1
	}
	if m == NormNone {
		return n, nil
	}
	// minmax: Offset holds the minimum, Scale the maximum until the end.
	// zscore: Offset holds the running mean, Scale the sum of squared
	// deviations (Welford's M2).
	for i := range samples {
		row := x[i*inputs : (i+1)*inputs]
		for j, v32 := range row {
			v := float64(v32)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("normalisation: sample %d, feature %d is %v, not a finite number", i+1, j+1, v32)
			}
			if m == NormMinMax {
				if i == 0 || v < n.Offset[j] {
					n.Offset[j] = v
				}
				if i == 0 || v > n.Scale[j] {
					n.Scale[j] = v
				}
				continue
			}
			if i == 0 {
				n.Offset[j], n.Scale[j] = v, 0
				continue
			}
			d := v - n.Offset[j]
			n.Offset[j] += d / float64(i+1)
			n.Scale[j] += d * (v - n.Offset[j])
		}
	}
	for j := range n.Scale {
		var s float64
		if m == NormMinMax {
			s = n.Scale[j] - n.Offset[j]
		} else {
			s = math.Sqrt(n.Scale[j] / float64(samples)) // population standard deviation
		}
		if !(s > 0) || math.IsInf(s, 0) {
			s = 1 // a constant column: shift only
		}
		n.Scale[j] = s
	}
	return n, nil
}

// Apply transforms the row-major features x in place. len(x) must be a
// multiple of Features. A value that is not finite, before or after the
// transform, is an error (x is then partly transformed); so is a nil Norm,
// or one whose Offset and Scale differ in length (x is then unchanged).
func (n *Norm) Apply(x []float32) error {
	if n == nil {
		return errors.New("normalisation: nil *Norm")
	}
	if len(n.Offset) != len(n.Scale) {
		return fmt.Errorf("normalisation: %d offsets and %d scales", len(n.Offset), len(n.Scale))
	}
	f := n.Features()
	if f == 0 || len(x)%f != 0 {
		return fmt.Errorf("normalisation for %d features cannot apply to %d values", f, len(x))
	}
	if n.Method == NormNone {
		for i, v := range x {
			if !finite32(v) {
				return fmt.Errorf("sample %d, feature %d is %v, not a finite number", i/f+1, i%f+1, v)
			}
		}
		return nil
	}
	for i, v := range x {
		j := i % f
		y := float32((float64(v) - n.Offset[j]) / n.Scale[j])
		if !finite32(y) {
			return fmt.Errorf("sample %d, feature %d: %v does not scale to a finite number (offset %v, scale %v)", i/f+1, j+1, v, n.Offset[j], n.Scale[j])
		}
		x[i] = y
	}
	return nil
}

func finite32(v float32) bool {
	return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0)
}

// The normalisation file ("sidecar") is a small CSV text file that entrena
// train writes next to the model (MODEL.norm):
//
//	# entrena feature normalisation: feature j becomes (x - offset) / scale
//	entrena-norm,1
//	method,minmax
//	features,2
//	model,crc32:1f2e3d4c
//	feature,offset,scale
//	0,0.0031,0.9954
//	1,1000.5,3998.25
//
// Lines starting with # are comments. After the version line come the
// key,value lines method (minmax, zscore or none), features (the number of
// columns) and the optional model (which model file it belongs to), in any
// order, then the header feature,offset,scale and one row per feature in
// order 0, 1, …: offset a finite number, scale a positive finite number.
// Numbers are written so that they read back exactly.
const normVersion = "1"

// MarshalText writes the normalisation file.
func (n *Norm) MarshalText() ([]byte, error) {
	if err := n.check(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("# entrena feature normalisation: feature j becomes (x - offset) / scale\n")
	b.WriteString("entrena-norm," + normVersion + "\n")
	b.WriteString("method," + n.Method + "\n")
	b.WriteString("features," + strconv.Itoa(n.Features()) + "\n")
	if n.Model != "" {
		b.WriteString("model," + n.Model + "\n")
	}
	b.WriteString("feature,offset,scale\n")
	for j := range n.Offset {
		b.WriteString(strconv.Itoa(j) + "," + fmtFloat(n.Offset[j]) + "," + fmtFloat(n.Scale[j]) + "\n")
	}
	return b.Bytes(), nil
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// check validates a Norm built in code.
func (n *Norm) check() error {
	if n == nil {
		return errors.New("normalisation: nil *Norm")
	}
	if _, err := ParseNormMethod(n.Method); err != nil || n.Method != strings.ToLower(n.Method) {
		return fmt.Errorf("normalisation: unknown method %q", n.Method)
	}
	if n.Features() == 0 || len(n.Scale) != len(n.Offset) {
		return fmt.Errorf("normalisation: %d offsets and %d scales", len(n.Offset), len(n.Scale))
	}
	if strings.ContainsAny(n.Model, ",\"\r\n#") {
		return fmt.Errorf("normalisation: model identifier %q has a character a CSV field cannot hold bare", n.Model)
	}
	for j := range n.Offset {
		if err := checkColumn(n.Offset[j], n.Scale[j]); err != nil {
			return fmt.Errorf("normalisation: feature %d: %v", j, err)
		}
	}
	return nil
}

func checkColumn(offset, scale float64) error {
	if math.IsNaN(offset) || math.IsInf(offset, 0) {
		return fmt.Errorf("offset %v is not a finite number", offset)
	}
	if !(scale > 0) || math.IsInf(scale, 0) {
		return fmt.Errorf("scale %v is not a positive finite number", scale)
	}
	return nil
}

// ParseNorm reads a normalisation file (see MarshalText). Errors about its
// content are *LineError (file name left empty) wrapping ErrFormat; a nil r
// is an error too.
func ParseNorm(r io.Reader) (*Norm, error) {
	if r == nil {
		return nil, errors.New("normalisation: nil io.Reader")
	}
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	n := &Norm{}
	features := -1
	state := 0 // 0: version line, 1: key lines, 2: feature rows
	line := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, lineErr(pe.Line, "%v", pe.Err)
			}
			return nil, err
		}
		line, _ = cr.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		switch state {
		case 0:
			if len(rec) != 2 || rec[0] != "entrena-norm" {
				return nil, lineErr(line, "not an entrena normalisation file (want the line entrena-norm,%s)", normVersion)
			}
			if rec[1] != normVersion {
				return nil, lineErr(line, "normalisation file version %q is not supported (want %s)", rec[1], normVersion)
			}
			state = 1
		case 1:
			if len(rec) == 3 && rec[0] == "feature" && rec[1] == "offset" && rec[2] == "scale" {
				if n.Method == "" || features < 0 {
					return nil, lineErr(line, "the method and features lines must come before the feature rows")
				}
				state = 2
				continue
			}
			if len(rec) != 2 {
				return nil, lineErr(line, "expected key,value (method, features, model) or the header feature,offset,scale, got %d fields", len(rec))
			}
			k, v := rec[0], rec[1]
			switch k {
			case "method":
				if n.Method != "" {
					return nil, lineErr(line, "method given twice")
				}
				m, err := ParseNormMethod(v)
				if err != nil || m != v {
					return nil, lineErr(line, "unknown method %q (valid: %s)", v, NormMethods)
				}
				n.Method = m
			case "features":
				if features >= 0 {
					return nil, lineErr(line, "features given twice")
				}
				f, err := strconv.Atoi(v)
				if err != nil || f < 1 {
					return nil, lineErr(line, "features %q is not a positive count", v)
				}
				features = f
			case "model":
				if n.Model != "" {
					return nil, lineErr(line, "model given twice")
				}
				if v == "" || strings.ContainsAny(v, "\"\r\n#") {
					return nil, lineErr(line, "model %q is not an identifier", v)
				}
				n.Model = v
			default:
				return nil, lineErr(line, "unknown key %q (valid: method, features, model)", k)
			}
		case 2:
			if len(rec) != 3 {
				return nil, lineErr(line, "expected feature,offset,scale, got %d fields", len(rec))
			}
			j := n.Features()
			if j >= features {
				return nil, lineErr(line, "more feature rows than features,%d", features)
			}
			if idx, err := strconv.Atoi(rec[0]); err != nil || idx != j {
				return nil, lineErr(line, "feature %q out of order (want %d)", rec[0], j)
			}
			off, err1 := strconv.ParseFloat(rec[1], 64)
			sc, err2 := strconv.ParseFloat(rec[2], 64)
			if err1 != nil || err2 != nil {
				return nil, lineErr(line, "offset %q or scale %q is not a number", rec[1], rec[2])
			}
			if err := checkColumn(off, sc); err != nil {
				return nil, lineErr(line, "feature %d: %v", j, err)
			}
			n.Offset = append(n.Offset, off)
			n.Scale = append(n.Scale, sc)
		}
	}
	switch {
	case state == 0:
		return nil, fmt.Errorf("%w: empty normalisation file", ErrFormat)
	case state == 1:
		return nil, lineErr(line, "no feature,offset,scale rows")
	case n.Features() != features:
		return nil, lineErr(line, "features,%d but %d feature rows", features, n.Features())
	}
	return n, nil
}
