package data

import (
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

// CSVOptions says how to read a CSV file. The zero value guesses
// everything as pandas would, and says what it guessed (CSVInfo.Guesses).
type CSVOptions struct {
	// LabelColumn names the target column: a header name, or a 0-based
	// position among the data columns (an index column is not counted;
	// negative counts from the end: -1 is the last column). Empty means the
	// last column.
	LabelColumn string
	// NoLabels reads every column as a feature (data to predict on).
	NoLabels bool
	// Regression keeps the target as a real value (one output);
	// Classification makes each distinct label a class. Neither: the labels
	// decide (see DecodeCSV).
	Regression, Classification bool
	// MaxClasses bounds the number of classes (default 1024).
	MaxClasses int
	// Header is HeaderAuto (""), HeaderYes or HeaderNo.
	Header string
	// Sep is the field separator; 0 sniffs it from the first line.
	Sep rune
	// KeepIndex reads a column that looks like a pandas index as a feature.
	KeepIndex bool
	// Model, when set, is the layout a trained model expects: the file's
	// columns are matched to it by name (or by position without a header).
	Model *CSVModel
}

// The values of CSVOptions.Header.
const (
	HeaderAuto = ""
	HeaderYes  = "yes"
	HeaderNo   = "no"
)

// The tasks CSVInfo.Task names (the same words as core's).
const (
	TaskClassification = "classification"
	TaskRegression     = "regression"
)

// The kinds of class label (the same words as core's).
const (
	ClassNumber = "number"
	ClassString = "string"
	ClassBool   = "boolean"
)

// CSVModel is the layout of the data a model was trained on. DecodeCSV
// refuses (ErrFormat) one that no training file has: no features, or one
// named twice; Columns neither 0 (unknown: LabelColumn is then unused),
// nor len(Features) with LabelColumn -1, nor len(Features)+1 with
// LabelColumn in [0, Columns); a classification without two distinct
// classes.
type CSVModel struct {
	Features    []string // the model's inputs, by column name, in order
	Label       string   // the label column's name ("" when unknown)
	LabelColumn int      // its position among Columns data columns; -1 when none
	Columns     int      // data columns of the training file (0 when unknown)
	Task        string   // TaskClassification, TaskRegression, or "" (other: labels not read)
	Classes     []string // the class labels, in output order
	// IndexFeature: the first data column is a feature even where it
	// counts like pandas' index (the model was trained with --keep-index).
	IndexFeature bool
}

// CSVInfo is what DecodeCSV found in a file and guessed about it.
type CSVInfo struct {
	Sep          rune
	Header       bool
	IndexDropped bool     // a leading pandas index column was dropped
	Columns      []string // the data columns: header names, or positions "0", "1", … without a header
	Features     []string // the columns of X, in order
	Label        string   // the label column's name ("" when none)
	LabelColumn  int      // its position in Columns; -1 when none
	Task         string   // TaskClassification or TaskRegression; "" without labels
	Classes      []string // class labels in class-index order, as first written in the file
	ClassType    string   // ClassNumber, ClassString or ClassBool
	Guesses      []string // each guess, in words
	// Notes are guesses about a file read by a model that could have gone
	// either way, each with how to decide it: for predict and eval to show.
	Notes []string
}

// Summary is the guesses on one line.
func (c *CSVInfo) Summary() string { return strings.Join(c.Guesses, "; ") }

func (c *CSVInfo) guess(format string, args ...any) {
	c.Guesses = append(c.Guesses, fmt.Sprintf(format, args...))
}

// MaxCSVClasses is the default bound on the number of classes.
const MaxCSVClasses = 1024

// AutoClassLimit is the most distinct whole-number labels read as classes
// without CSVOptions.Classification: more is as likely a quantity.
const AutoClassLimit = 20

// sampleRows is how many rows after the first are looked at to guess the
// header, the index column and the column kinds.
const sampleRows = 256

// ReadCSV reads the CSV file at path (plain or gzip); see DecodeCSV. For a
// plain file, the rows are counted first so the buffers are allocated once.
func ReadCSV(path string, opts CSVOptions) (*Set, error) {
	rows, size, err := rowsHint(path)
	if err != nil {
		return nil, err
	}
	r, c, err := openData(path)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	s, err := decodeCSV(r, rows, size, opts)
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

// rowsHint counts the lines of a plain file: an upper bound on its
// records, to size the buffers once; and returns its size in bytes, which
// bounds them too. A gzip file gives no hint and an unknown size (-1).
func rowsHint(path string) (rows int, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	var m [2]byte
	if n, _ := io.ReadFull(f, m[:]); n == 2 && m[0] == 0x1f && m[1] == 0x8b {
		return 0, -1, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, 0, err
	}
	n, err := countLines(f)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	return n, st.Size(), nil
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

// parseValue parses a finite float32. Its errors say when the cell is a
// missing value or has a decimal comma, which pandas may write.
func parseValue(f string) (float32, error) {
	t := strings.TrimSpace(f)
	v, err := strconv.ParseFloat(t, 32)
	if err != nil {
		var ne *strconv.NumError
		switch {
		case errors.As(err, &ne) && ne.Err == strconv.ErrRange:
			return 0, fmt.Errorf("%q is out of float32 range", f)
		case t == "":
			return 0, errors.New("empty (a missing value)")
		case isMissing(t):
			return 0, fmt.Errorf("%q is a missing value", f)
		case isDecimalComma(t):
			return 0, fmt.Errorf("%q has a decimal comma (pandas' to_csv(decimal=\",\")): write the file with decimal=\".\"", f)
		}
		return 0, fmt.Errorf("%q is not a number", f)
	}
	if math.IsNaN(v) {
		return 0, fmt.Errorf("%q is not a finite number (a missing value)", f)
	}
	if math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a finite number", f)
	}
	return float32(v), nil
}
