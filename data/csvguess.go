package data

import (
	"bufio"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Guessing a CSV file's layout as pandas would write it: the separator,
// whether the first row is a header, and whether the first column is an
// index. Each guess is made from the first row and up to sampleRows rows
// after it, and said in CSVInfo.Guesses.

// sepCandidates are the separators sniffed, most common first.
var sepCandidates = []rune{',', ';', '\t', '|'}

// sniffSep picks the separator of the first two lines of br (read with
// Peek, so nothing is consumed): the candidate found most often outside
// quotes in the first line and as often in the second. ',' when none is.
// A semicolon found as often as a comma wins: it is the separator of files
// with decimal commas (to_csv(sep=";", decimal=",")).
func sniffSep(br *bufio.Reader) rune {
	head, _ := br.Peek(64 << 10)
	var lines []string
	for _, l := range strings.SplitN(string(head), "\n", 64) {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
			if len(lines) == 2 {
				break
			}
		}
	}
	if len(lines) == 0 {
		return ','
	}
	best, bestN := ',', 0
	for _, c := range sepCandidates {
		n := countOutsideQuotes(lines[0], c)
		if n == 0 || (len(lines) == 2 && countOutsideQuotes(lines[1], c) != n) {
			continue
		}
		if n > bestN || (n == bestN && c == ';' && best == ',') {
			best, bestN = c, n
		}
	}
	return best
}

func countOutsideQuotes(line string, c rune) int {
	n, quoted := 0, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case r == c && !quoted:
			n++
		}
	}
	return n
}

func isNumber(f string) bool {
	_, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
	if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
		return true // a number, just too large: reported when read
	}
	return err == nil
}

// missingValues are the cells pandas' read_csv reads as a missing value
// (NaN) by default; "nan", "NaN" and the empty cell among them.
var missingValues = map[string]bool{
	"": true, "#N/A": true, "#N/A N/A": true, "#NA": true, "-1.#IND": true, "-1.#QNAN": true,
	"-NaN": true, "-nan": true, "1.#IND": true, "1.#QNAN": true, "<NA>": true, "N/A": true,
	"NA": true, "NULL": true, "NaN": true, "None": true, "n/a": true, "nan": true, "null": true,
}

func isMissing(f string) bool { return missingValues[strings.TrimSpace(f)] }

// decimalComma is a number written with a decimal comma, as pandas'
// to_csv(decimal=",") writes it: 5,1 or -0,25 or 1,5e-07.
var decimalComma = regexp.MustCompile(`^[+-]?[0-9]+,[0-9]+([eE][+-]?[0-9]+)?$`)

func isDecimalComma(f string) bool { return decimalComma.MatchString(strings.TrimSpace(f)) }

// cellNumber reads a sampled cell for guessing: its value, and whether it
// is a number (a decimal comma included: an error when read, but not text
// that would make its column's name look like data) or a missing value.
func cellNumber(f string) (v float64, number, missing bool) {
	t := strings.TrimSpace(f)
	if isMissing(t) {
		return 0, false, true
	}
	if isDecimalComma(t) {
		t = strings.Replace(t, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(t, 64)
	return v, err == nil && !math.IsNaN(v), false
}

// isName reports whether a first-row cell can only be a name: neither a
// number nor a missing value.
func isName(f string) bool {
	_, number, missing := cellNumber(f)
	return !number && !missing
}

// columnStats are the kinds and ranges of the sampled values of a column.
// Missing values count as neither numbers nor text.
type columnStats struct {
	text     bool // some value is not a number
	min, max float64
	seen     bool
}

func sampleStats(rows [][]string, cols int) []columnStats {
	st := make([]columnStats, cols)
	for _, r := range rows {
		for j, f := range r {
			if j >= cols {
				break
			}
			v, number, missing := cellNumber(f)
			switch {
			case missing:
				continue
			case !number:
				st[j].text = true
				continue
			}
			if !st[j].seen || v < st[j].min {
				st[j].min = v
			}
			if !st[j].seen || v > st[j].max {
				st[j].max = v
			}
			st[j].seen = true
		}
	}
	return st
}

// headerGuess decides whether first is a header, from the sampled rows
// after it (missing values in them count as neither numbers nor text):
//   - a header of names: some cell is a name (neither a number nor a
//     missing value) where its column holds numbers;
//   - a header of column numbers, as pandas writes for a DataFrame without
//     column names (`0,1,…,n−1`, after an empty cell when it wrote the
//     index), or with names for the columns added to it later
//     (`0,1,2,3,species`): the cells that are numbers count 0, 1, 2, … in
//     order, the others are names (in columns of text, or the rule above
//     would have found them), and at least one number lies outside the range
//     of its column's values, or sits in a column of text: a data row that
//     counts 0, 1, 2, … and fits every column is read as data.
//
// With no rows to compare, a first row with any name is a header.
// kind describes the header found ("" for none).
func headerGuess(first []string, sample [][]string) (header bool, kind string) {
	if len(sample) == 0 {
		for _, f := range first {
			if isName(f) {
				return true, "names"
			}
		}
		return false, ""
	}
	st := sampleStats(sample, len(first))
	for j, f := range first {
		if isName(f) && !st[j].text {
			return true, "names"
		}
	}
	cells := first
	if len(cells) > 1 && strings.TrimSpace(cells[0]) == "" {
		cells = cells[1:]
	}
	off := len(first) - len(cells)
	numbers, names, outside := 0, 0, false
	for i, f := range cells {
		if isName(f) {
			names++
			continue
		}
		if strings.TrimSpace(f) != strconv.Itoa(numbers) {
			return false, ""
		}
		c, v := st[i+off], float64(numbers)
		if c.text || !c.seen || v < c.min || v > c.max {
			outside = true
		}
		numbers++
	}
	switch {
	case numbers == 0 || !outside:
		return false, ""
	case names > 0:
		return true, "column numbers and names"
	}
	return true, "column numbers"
}

// indexGuess reports whether the first column looks like the index pandas
// writes by default: with a header, its name is empty (or "Unnamed: 0", as
// pandas reads it back) and every sampled value a whole number; without
// one, the sampled values count 0, 1, 2, … (checked for every row later).
func indexGuess(header []string, sample [][]string, firstIsData []string) bool {
	if header != nil {
		if n := strings.TrimSpace(header[0]); n != "" && n != "Unnamed: 0" {
			return false
		}
		for _, r := range sample {
			if !isWhole(r[0]) {
				return false
			}
		}
		return len(header) > 1
	}
	rows := append([][]string{firstIsData}, sample...)
	if len(rows) < 2 || len(firstIsData) < 2 {
		return false
	}
	for i, r := range rows {
		if strings.TrimSpace(r[0]) != strconv.Itoa(i) {
			return false
		}
	}
	return true
}

func isWhole(f string) bool {
	v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
	return err == nil && v == math.Trunc(v) && !math.IsInf(v, 0)
}

// sepName is a separator in words, for the guesses line.
func sepName(r rune) string {
	switch r {
	case ',':
		return "comma"
	case ';':
		return "semicolon"
	case '\t':
		return "tab"
	case '|':
		return "bar"
	}
	return strconv.QuoteRune(r)
}
