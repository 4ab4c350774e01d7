package data

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// CSVOptions says how to read a CSV file.
type CSVOptions struct {
	// LabelColumn names the target column: a header name, or a 0-based
	// index (negative counts from the end: -1 is the last column). Empty
	// means the last column.
	LabelColumn string
	// NoLabels reads every column as a feature (data to predict on).
	NoLabels bool
	// Regression keeps the target as a real value (one output) instead of a
	// class index encoded one-hot.
	Regression bool
	// MaxClasses bounds class indices (default 1024).
	MaxClasses int
}

// MaxCSVClasses is the default bound on class indices.
const MaxCSVClasses = 1024

// ReadCSV reads the CSV file at path (plain or gzip); see DecodeCSV. For a
// plain file, the rows are counted first so the buffers are allocated once.
func ReadCSV(path string, opts CSVOptions) (*Set, error) {
	rows, err := rowsHint(path)
	if err != nil {
		return nil, err
	}
	r, c, err := openData(path)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	s, err := DecodeCSV(r, rows, opts)
	if err != nil {
		var le *LineError
		if errors.As(err, &le) {
			le.File = path
			return nil, le
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s.Name = path
	return s, nil
}

// rowsHint counts the lines of a plain file (0 for gzip): an upper bound
// on its records, to size the buffers once.
func rowsHint(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var m [2]byte
	if n, _ := io.ReadFull(f, m[:]); n == 2 && m[0] == 0x1f && m[1] == 0x8b {
		return 0, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	n, err := countLines(f)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return n, nil
}

// LineError is a malformed row of a CSV file. It wraps ErrFormat.
type LineError struct {
	File string // set by ReadCSV
	Line int    // 1-based
	Msg  string
}

func (e *LineError) Error() string {
	if e.File != "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

func (e *LineError) Unwrap() error { return ErrFormat }

func lineErr(line int, format string, args ...any) error {
	return &LineError{Line: line, Msg: fmt.Sprintf(format, args...)}
}

// countLines counts newline-terminated lines (plus a last unterminated one):
// an upper bound on the records of an uncompressed file.
func countLines(r io.Reader) (int, error) {
	buf := make([]byte, 64<<10)
	n, last := 0, byte('\n')
	for {
		k, err := r.Read(buf)
		if k > 0 {
			n += bytes.Count(buf[:k], []byte{'\n'})
			last = buf[k-1]
		}
		if err == io.EOF {
			if last != '\n' {
				n++
			}
			return n, nil
		}
		if err != nil {
			return 0, err
		}
	}
}

// DecodeCSV reads a numeric CSV from r. A first row with any field that is
// not a number is a header. Every other row must have the same number of
// fields, all finite numbers. The label column (see CSVOptions) becomes a
// one-hot target over classes 0..max (or a real-valued target with
// Regression); the other columns are the features, as given (no scaling; see FitNorm).
// rowsHint, when positive, sizes the buffers up front. Errors about a row
// are *LineError, with its line number.
func DecodeCSV(r io.Reader, rowsHint int, opts CSVOptions) (*Set, error) {
	if opts.MaxClasses <= 0 {
		opts.MaxClasses = MaxCSVClasses
	}
	cr := csv.NewReader(bufio.NewReader(r))
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	rec, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: empty CSV file (no rows)", ErrFormat)
	}
	if err != nil {
		return nil, csvErr(err, 0, 0)
	}
	cols := len(rec)
	var header []string
	if !allNumbers(rec) {
		header = append([]string(nil), rec...)
	}
	label := -1
	if !opts.NoLabels {
		if cols < 2 {
			return nil, lineErr(1, "a labelled CSV needs at least 2 columns, found %d", cols)
		}
		if label, err = labelIndex(opts.LabelColumn, header, cols); err != nil {
			return nil, err
		}
	}
	s := &Set{Inputs: cols}
	if label >= 0 {
		s.Inputs = cols - 1
	}
	cap0 := max(rowsHint, 16)
	s.X = make([]float32, 0, cap0*s.Inputs)
	var targets []float32
	if label >= 0 {
		targets = make([]float32, 0, cap0)
	}
	first := header == nil
	for {
		if !first {
			rec, err = cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, csvErr(err, cols, len(rec))
			}
		}
		first = false
		for i, f := range rec {
			v, err := parseValue(f)
			if err != nil {
				line, _ := cr.FieldPos(i)
				what := fmt.Sprintf("column %d", i+1)
				if header != nil {
					what += fmt.Sprintf(" (%s)", header[i])
				}
				return nil, lineErr(line, "%s: %v", what, err)
			}
			if i == label {
				if !opts.Regression && (v < 0 || v != float32(math.Trunc(float64(v))) || int(v) >= opts.MaxClasses) {
					line, _ := cr.FieldPos(i)
					return nil, lineErr(line, "label %q is not a class index 0..%d (for real-valued targets use regression)", f, opts.MaxClasses-1)
				}
				targets = append(targets, v)
				continue
			}
			s.X = append(s.X, v)
		}
		s.Samples++
	}
	if s.Samples == 0 {
		return nil, fmt.Errorf("%w: a header but no data rows", ErrFormat)
	}
	switch {
	case label < 0:
	case opts.Regression:
		s.Y, s.Outputs = targets, 1
	default:
		classes := 0
		for _, t := range targets {
			classes = max(classes, int(t)+1)
		}
		s.Classes = max(classes, 2)
		if s.Classes == 2 {
			s.Y, s.Outputs = targets, 1 // 0/1 target: fits one sigmoid output; WithOutputs widens it
		} else {
			s.Y, s.Outputs = make([]float32, s.Samples*s.Classes), s.Classes
			for i, t := range targets {
				s.Y[i*s.Classes+int(t)] = 1
			}
		}
	}
	return s, nil
}

func csvErr(err error, want, got int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return lineErr(pe.StartLine, "%d fields, the first row has %d", got, want)
		}
		return lineErr(pe.Line, "column %d: %v", pe.Column, pe.Err)
	}
	return gzipErr(err)
}

func allNumbers(rec []string) bool {
	for _, f := range rec {
		if _, err := strconv.ParseFloat(strings.TrimSpace(f), 32); err != nil {
			var ne *strconv.NumError
			if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
				continue // a number, just too large: reported by parseValue
			}
			return false
		}
	}
	return true
}

// parseValue parses a finite float32.
func parseValue(f string) (float32, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(f), 32)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return 0, fmt.Errorf("%q is out of float32 range", f)
		}
		return 0, fmt.Errorf("%q is not a number", f)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a finite number", f)
	}
	return float32(v), nil
}

// labelIndex resolves the label column option.
func labelIndex(opt string, header []string, cols int) (int, error) {
	if opt == "" {
		return cols - 1, nil
	}
	for i, h := range header {
		if strings.TrimSpace(h) == opt {
			return i, nil
		}
	}
	i, err := strconv.Atoi(opt)
	if err != nil {
		if header == nil {
			return 0, fmt.Errorf("%w: label column %q: the file has no header, give a 0-based index", ErrFormat, opt)
		}
		return 0, fmt.Errorf("%w: label column %q is not in the header (%s)", ErrFormat, opt, strings.Join(header, ","))
	}
	if i < 0 {
		i += cols
	}
	if i < 0 || i >= cols {
		return 0, fmt.Errorf("%w: label column %s is out of range for %d columns", ErrFormat, opt, cols)
	}
	return i, nil
}

// CSVColumns returns the number of fields of the first row of a CSV file
// and whether that row is a header.
func CSVColumns(path string) (cols int, header bool, err error) {
	r, c, err := openData(path)
	if err != nil {
		return 0, false, err
	}
	defer c.Close()
	cr := csv.NewReader(bufio.NewReader(r))
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	rec, err := cr.Read()
	if err == io.EOF {
		return 0, false, fmt.Errorf("%s: %w: empty CSV file (no rows)", path, ErrFormat)
	}
	if err != nil {
		err = csvErr(err, 0, 0)
		var le *LineError
		if errors.As(err, &le) {
			le.File = path
			return 0, false, le
		}
		return 0, false, fmt.Errorf("%s: %w", path, err)
	}
	return len(rec), !allNumbers(rec), nil
}
