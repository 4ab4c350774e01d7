package data

import (
	"bufio"
	"math"
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
func sniffSep(br *bufio.Reader) rune {
	head, _ := br.Peek(64 << 10)
	var lines []string
	for _, l := range strings.SplitN(string(head), "\n", 64) {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
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
		if n > bestN {
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

// columnStats are the kinds and ranges of the sampled values of a column.
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
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil || math.IsNaN(v) {
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
// after it:
//   - a header of names: some cell is not a number (or empty) where its
//     column holds numbers;
//   - a header of column numbers, as pandas writes for a DataFrame without
//     column names (`0,1,…,n−1`, after an empty cell when it wrote the
//     index): the cells are exactly the column positions, and at least one
//     lies outside the range of its column's values, or sits in a column of
//     text: a data row that counts 0, 1, 2, … and fits every column is
//     read as data.
//
// With no rows to compare, a first row with any non-number is a header.
// kind describes the header found ("" for none).
func headerGuess(first []string, sample [][]string) (header bool, kind string) {
	if len(sample) == 0 {
		for _, f := range first {
			if !isNumber(f) {
				return true, "names"
			}
		}
		return false, ""
	}
	st := sampleStats(sample, len(first))
	for j, f := range first {
		if !isNumber(f) && !st[j].text {
			return true, "names"
		}
	}
	cells := first
	if len(cells) > 1 && strings.TrimSpace(cells[0]) == "" {
		cells = cells[1:]
	}
	for i, f := range cells {
		if strings.TrimSpace(f) != strconv.Itoa(i) {
			return false, ""
		}
	}
	off := len(first) - len(cells)
	for i := range cells {
		c := st[i+off]
		v := float64(i)
		if c.text || !c.seen || v < c.min || v > c.max {
			return true, "column numbers"
		}
	}
	return false, ""
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
