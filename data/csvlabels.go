package data

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// labels collects a CSV file's label column as it streams by: a numeric
// value per row while every label is a number, and a label id per row
// (distinct labels numbered as first seen) while there are at most
// MaxClasses of them. At the end, the task and the classes are decided
// from what was seen (finish).
type labels struct {
	max      int
	vals     []float32 // one per row while numeric
	ids      []int32   // one per row while distinct labels ≤ max
	keys     map[string]int32
	names    []string // first spelling of each distinct label
	lines    []int    // the line each was first seen on
	numeric  bool     // every label so far is a number
	whole    bool     // … and a whole number
	overflow bool     // more than max distinct labels
	textLine int      // first line with a label that is not a number
	textVal  string
	// The first number that is no float32 target (infinite, or beyond
	// float32's range): still a number, so the task is decided as for the
	// others, but an error wherever the labels are read as numbers.
	unfitLine int
	unfitErr  error
}

func newLabels(rows, max int) *labels {
	return &labels{max: max, vals: make([]float32, 0, rows), ids: make([]int32, 0, rows),
		keys: map[string]int32{}, numeric: true, whole: true}
}

// labelKey is the label's identity: numbers by value ("1.0" is "1"),
// booleans regardless of case, anything else as written (trimmed).
func labelKey(f string) string {
	t := strings.TrimSpace(f)
	if v, err := strconv.ParseFloat(t, 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	if b, ok := parseBool(t); ok {
		return strconv.FormatBool(b)
	}
	return t
}

func parseBool(t string) (bool, bool) {
	switch strings.ToLower(t) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

func (l *labels) add(f string, line int) error {
	t := strings.TrimSpace(f)
	if t == "" {
		return lineErr(line, "the label is empty (a missing value)")
	}
	v64, err := strconv.ParseFloat(t, 64)
	if math.IsNaN(v64) {
		return lineErr(line, "the label is %q (a missing value)", t)
	}
	isNum := err == nil || errors.Is(err, strconv.ErrRange)
	if l.numeric && !isNum {
		l.numeric, l.vals = false, nil
		l.textLine, l.textVal = line, t
	}
	if l.numeric {
		v, err := parseValue(t)
		if err != nil && l.unfitLine == 0 {
			l.unfitLine, l.unfitErr = line, err
		}
		l.vals = append(l.vals, v)
		if math.IsInf(v64, 0) || v64 != math.Trunc(v64) {
			l.whole = false
		}
	}
	if l.overflow {
		if !l.numeric && l.decimalComma() {
			return lineErr(l.textLine, "label %q has a decimal comma (pandas' to_csv(decimal=\",\")): write the file with decimal=\".\"", l.textVal)
		}
		if !l.numeric {
			return lineErr(line, "more than %d different labels: too many classes (a real-valued target needs every label to be a number)", l.max)
		}
		return nil
	}
	k := labelKey(t)
	id, ok := l.keys[k]
	if !ok {
		if len(l.names) == l.max {
			l.overflow, l.ids, l.keys = true, nil, nil
			return l.add(f, line) // re-checked as an overflowing label
		}
		id = int32(len(l.names))
		l.keys[k] = id
		l.names = append(l.names, t)
		l.lines = append(l.lines, line)
	}
	l.ids = append(l.ids, id)
	return nil
}

// unfitNumberErr is the error for a label that is a number but not a
// finite float32, when the labels are read as numbers (nil when none is).
func (l *labels) unfitNumberErr() error {
	if l.unfitLine == 0 {
		return nil
	}
	return lineErr(l.unfitLine, "label %v: a target must be a finite float32 (at most about ±3.4e38)", l.unfitErr)
}

// decimalComma reports whether the labels are numbers, some of them
// written with a decimal comma: a target written by to_csv(decimal=",").
func (l *labels) decimalComma() bool {
	if len(l.names) == 0 {
		return false
	}
	for _, n := range l.names {
		if !isNumber(n) && !isDecimalComma(n) {
			return false
		}
	}
	return isDecimalComma(l.textVal)
}

// classOrder sorts the distinct labels: numbers by value, false before
// true, text in byte order (numbers first when mixed). It returns the
// class of each label id and the labels in class order.
func (l *labels) classOrder() (class []int32, names []string, kind string) {
	order := make([]int, len(l.names))
	for i := range order {
		order[i] = i
	}
	kind = ClassNumber
	allBool := true
	for _, n := range l.names {
		if !isNumber(n) {
			kind = ClassString
		}
		if _, ok := parseBool(n); !ok {
			allBool = false
		}
	}
	if allBool {
		kind = ClassBool
	}
	num := func(s string) (float64, bool) {
		v, err := strconv.ParseFloat(s, 64)
		return v, err == nil
	}
	slices.SortStableFunc(order, func(a, b int) int {
		x, y := l.names[a], l.names[b]
		if kind == ClassBool {
			bx, _ := parseBool(x)
			by, _ := parseBool(y)
			return cmpBool(bx, by)
		}
		vx, nx := num(x)
		vy, ny := num(y)
		switch {
		case nx && ny:
			return cmpFloat(vx, vy)
		case nx:
			return -1
		case ny:
			return 1
		}
		return strings.Compare(x, y)
	})
	class = make([]int32, len(l.names))
	names = make([]string, len(l.names))
	for c, id := range order {
		class[id] = int32(c)
		names[c] = l.names[id]
	}
	return class, names, kind
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// labelSpan is "min … max" of numeric labels, for messages.
func labelSpan(v []float32) string {
	lo, hi := v[0], v[0]
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	return fmt.Sprintf("%v … %v", lo, hi)
}

// listed joins up to 10 names for a message.
func listed(names []string) string {
	if len(names) > 10 {
		return strings.Join(names[:10], ", ") + fmt.Sprintf(", … (%d in all)", len(names))
	}
	return strings.Join(names, ", ")
}
