package data

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/v1tr0/entrena/internal/mem"
)

// DecodeCSV reads a CSV file from r, guessing its layout as pandas writes
// it unless opts says (every guess is in Set.CSV.Guesses). As in pandas, a
// leading UTF-8 byte order mark is dropped, blank lines are skipped and
// nothing is a comment. The guesses:
//   - the separator, sniffed from the first lines (comma, semicolon, tab or
//     bar);
//   - whether the first row is a header (see headerGuess: names, or the
//     column numbers pandas writes for a DataFrame without names);
//   - a leading index column (unnamed with whole numbers, or counting 0, 1,
//     2, … without a header), which is dropped (for opts.Model, see
//     modelIndex);
//   - the label column (the last unless opts names one) and the task: labels
//     that are not all numbers, or at most AutoClassLimit distinct whole
//     numbers, are classes, numbered in sorted order (labels 1, 2, 3 are
//     classes 0, 1, 2 of three; -1 and +1 two classes; strings and booleans
//     as well); labels with a fraction are a real-valued target; more
//     distinct whole numbers are an error asking for opts.Regression or
//     opts.Classification.
//
// Every feature must be a finite number, and every label read as a number
// (a target, or a class of numbers) a finite float32. Two classes give one
// 0/1 target column, more a one-hot row per sample. rowsHint, when
// positive, is the expected number of rows, to size the buffers up front.
// It is only a hint: the buffers allocated for it hold no more rows than r
// can (when r has a Len method, as a strings.Reader or bytes.Reader has),
// nor more than 64 MiB of features otherwise, and grow as rows come past
// it. Errors about a row are *LineError, with its line number.
func DecodeCSV(r io.Reader, rowsHint int, opts CSVOptions) (*Set, error) {
	size := int64(-1)
	if l, ok := r.(interface{ Len() int }); ok {
		size = int64(l.Len())
	}
	return decodeCSV(r, rowsHint, size, opts)
}

// maxHintFloats bounds what a rows hint alone allocates up front (64 MiB
// of float32) when the input's size is unknown: a wrong hint must not
// exhaust memory before a row is read.
const maxHintFloats = 1 << 24

// bufferRows is how many rows to allocate up front for nf features per
// row among cols columns: the hint (at least 16), but at most as many as
// size bytes can hold when the size is known (a row takes a byte per
// column at least: separators and the line end), else at most
// maxHintFloats values.
func bufferRows(hint, nf, cols int, size int64) int {
	rows := max(hint, 16)
	if size >= 0 {
		return int(min(int64(rows), size/int64(max(cols, 1))+1))
	}
	return min(rows, maxHintFloats/max(nf, 1))
}

// decodeCSV is DecodeCSV with the size of r in bytes (-1 when unknown),
// which bounds the rows hint.
func decodeCSV(r io.Reader, rowsHint int, size int64, opts CSVOptions) (*Set, error) {
	if opts.MaxClasses <= 0 {
		opts.MaxClasses = MaxCSVClasses
	}
	if opts.Regression && opts.Classification {
		return nil, fmt.Errorf("%w: regression and classification both asked for", ErrFormat)
	}
	if opts.Model != nil {
		if err := opts.Model.check(); err != nil {
			return nil, err
		}
	}
	br := bufio.NewReaderSize(r, 64<<10)
	skipBOM(br)
	info := &CSVInfo{LabelColumn: -1}
	sep := opts.Sep
	if sep == 0 {
		sep = sniffSep(br)
		info.guess("separator %s", sepName(sep))
	}
	info.Sep = sep
	cr := csv.NewReader(br)
	cr.Comma = sep
	cr.TrimLeadingSpace = sep != ' ' && sep != '\t'
	// No comment character: pandas has none by default, and writes cells
	// such as #ff0000 unquoted, at the start of a line too.

	first, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: empty CSV file (no rows)", ErrFormat)
	}
	if err != nil {
		return nil, csvErr(err, 0, 0)
	}
	firstLine, _ := cr.FieldPos(0)
	cols := len(first)
	var sample [][]string
	var sampleLines []int
	for len(sample) < sampleRows {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvErr(err, cols, len(rec))
		}
		line, _ := cr.FieldPos(0)
		sample, sampleLines = append(sample, rec), append(sampleLines, line)
	}

	var header []string
	switch opts.Header {
	case HeaderYes:
		header = first
		info.guess("header (as told)")
	case HeaderNo:
	case HeaderAuto:
		if ok, kind := headerGuess(first, sample); ok {
			header = first
			info.guess("header of %s", kind)
		} else {
			info.guess("no header")
		}
	default:
		return nil, fmt.Errorf("header %q: want %s, %s or auto", opts.Header, HeaderYes, HeaderNo)
	}
	info.Header = header != nil

	// off is 1 when column 1 is an index, dropped; counts when it must go
	// on counting 0, 1, 2, … in every row, as it does in the sampled rows.
	off, counts := 0, false
	switch {
	case opts.KeepIndex:
	case opts.Model != nil:
		off, counts = modelIndex(info, opts, header, first, sample)
	case indexGuess(header, sample, first):
		off, counts = 1, header == nil
		info.dropIndex(header == nil)
	}
	info.Columns = columnNames(header, cols, off)

	lay, err := layout(info, opts, header != nil)
	if err != nil {
		return nil, err
	}
	nf := len(info.Features)
	s := &Set{Inputs: nf, CSV: info}
	rows := bufferRows(rowsHint, nf, cols, size)
	s.X = mem.Floats(rows * nf)[:0]
	var lab *labels
	if lay.label >= 0 && !opts.NoLabels {
		lab = newLabels(rows, opts.MaxClasses)
	}
	row := func(rec []string, line int) error {
		if counts && strings.TrimSpace(rec[0]) != strconv.Itoa(s.Samples) {
			return lineErr(line, "column 1 counts 0, 1, 2, … in the first rows like an index, but here it is %q, not %d: give --keep-index to read it as a feature", rec[0], s.Samples)
		}
		base := len(s.X)
		s.X = slices.Grow(s.X, nf)[:base+nf]
		x := s.X[base:]
		for j := off; j < len(rec); j++ {
			d := j - off
			if d == lay.label {
				if lab != nil {
					if err := lab.add(rec[j], line); err != nil {
						return err
					}
				}
				continue
			}
			p := lay.feature[d]
			if p < 0 {
				continue
			}
			v, err := parseValue(rec[j])
			if err != nil {
				what := fmt.Sprintf("column %d", j+1)
				if header != nil {
					what += fmt.Sprintf(" (%s)", strings.TrimSpace(header[j]))
				}
				return lineErr(line, "%s: %v", what, err)
			}
			x[p] = v
		}
		s.Samples++
		return nil
	}
	if header == nil {
		if err := row(first, firstLine); err != nil {
			return nil, err
		}
	}
	for i, rec := range sample {
		if err := row(rec, sampleLines[i]); err != nil {
			return nil, err
		}
	}
	cr.ReuseRecord = true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvErr(err, cols, len(rec))
		}
		line, _ := cr.FieldPos(0)
		if err := row(rec, line); err != nil {
			return nil, err
		}
	}
	if s.Samples == 0 {
		return nil, fmt.Errorf("%w: a header but no data rows", ErrFormat)
	}
	if lab == nil {
		return s, nil
	}
	if opts.Model != nil {
		return s, targetsForModel(s, lab, opts.Model)
	}
	return s, targetsFromLabels(s, lab, opts)
}

// dropIndex says that column 1 is dropped as pandas' index: unnamed with
// whole numbers, or counting 0, 1, 2, … in a file without a header.
func (c *CSVInfo) dropIndex(counting bool) {
	c.IndexDropped = true
	what := "unnamed, whole numbers"
	if counting {
		what = "0, 1, 2, …"
	}
	c.guess("column 1 is an index (%s): dropped (--keep-index keeps it)", what)
}

// modelIndex decides whether column 1 of a file read by a model is an index
// to drop (off 1), and whether it must count 0, 1, 2, … in every row. A
// model trained with --keep-index (IndexFeature) reads it as a feature.
// With a header, the names decide: a column the model reads is kept.
// Without one, a model from before IndexFeature, or trained without
// --keep-index, does not say whether its training file had an index, so
// the column counts decide. Both readings fit a file of
// one column more than the features: the features and the label, or an
// index and the features. Then column 1 is dropped when it counts 0, 1,
// 2, … and no label is needed (as in training), else kept, and
// CSVInfo.Notes says how the columns were read and how to read them the
// other way.
func modelIndex(info *CSVInfo, opts CSVOptions, header, first []string, sample [][]string) (off int, counts bool) {
	m := opts.Model
	if m.IndexFeature {
		return 0, false // read as the training file was
	}
	counting := indexGuess(header, sample, first)
	if header != nil {
		if !counting {
			return 0, false
		}
		if name := columnNames(header, len(header), 0)[0]; slices.Contains(m.Features, name) || name == m.Label {
			info.guess("column 1, %q, is unnamed like an index but a column of the model: kept", name)
			return 0, false
		}
		info.dropIndex(false)
		return 1, false
	}
	cols := len(first)
	keep, keepLabel := m.fits(cols)
	drop, dropLabel := false, false
	if cols > 1 && (counting || wholeFirstColumn(first, sample)) {
		drop, dropLabel = m.fits(cols - 1)
	}
	switch {
	case !keep && counting:
		// When neither fits, the error counts the columns after the index.
		info.dropIndex(true)
		return 1, true
	case !keep || !drop:
		return 0, false
	case opts.NoLabels && m.LabelColumn == 0:
		return 0, false // column 1 is left out either way
	}
	index := "it holds whole numbers, not counting 0, 1, 2, …: rows shuffled or filtered?"
	if counting {
		index = "it counts 0, 1, 2, …"
	}
	if counting && opts.NoLabels {
		info.Notes = append(info.Notes, fmt.Sprintf("%d columns without a header: column 1 counts 0, 1, 2, … like pandas' index, so it was dropped and the other %d read as %s; if it is a feature (a model trained with --keep-index), give --keep-index to read the %d columns as %s",
			cols, cols-1, m.reading(dropLabel), cols, m.reading(keepLabel)))
		info.dropIndex(true)
		return 1, true
	}
	info.Notes = append(info.Notes, fmt.Sprintf("%d columns without a header: read as %s; if column 1 is an index (%s), the other %d are %s: write the file with its header (pandas' default) or with index=False",
		cols, m.reading(keepLabel), index, cols-1, m.reading(dropLabel)))
	return 0, false
}

// check refuses a layout that no training file has: reading by it would
// put values outside a row of X or a label among the features.
func (m *CSVModel) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: CSV model layout: %s", ErrFormat, fmt.Sprintf(format, args...))
	}
	nf := len(m.Features)
	if nf == 0 {
		return bad("no features")
	}
	seen := make(map[string]bool, nf)
	for _, f := range m.Features {
		if seen[f] {
			return bad("feature %q named twice", f)
		}
		seen[f] = true
	}
	// Columns 0: the training file is unknown, and LabelColumn unused.
	if m.Columns != 0 {
		if m.Columns < nf || m.Columns > nf+1 {
			return bad("%d columns for %d features (want %d, or %d with the label)", m.Columns, nf, nf, nf+1)
		}
		if m.LabelColumn < -1 || m.LabelColumn >= m.Columns || (m.LabelColumn >= 0) != (m.Columns == nf+1) {
			return bad("label column %d does not fit %d columns and %d features", m.LabelColumn, m.Columns, nf)
		}
	}
	if m.Task == TaskClassification {
		if len(m.Classes) < 2 {
			return bad("a classification model has %d classes, want at least 2", len(m.Classes))
		}
		keys := make(map[string]bool, len(m.Classes))
		for _, c := range m.Classes {
			k := labelKey(c)
			if keys[k] {
				return bad("class %q given twice", c)
			}
			keys[k] = true
		}
	}
	return nil
}

// fits reports whether n columns without a header are the model's
// features, or its features and its label (withLabel).
func (m *CSVModel) fits(n int) (ok, withLabel bool) {
	if m.LabelColumn >= 0 && n == m.Columns {
		return true, true
	}
	return n == len(m.Features), false
}

// reading is a way of reading a headerless file's columns, in words.
func (m *CSVModel) reading(withLabel bool) string {
	if withLabel {
		return fmt.Sprintf("the model's %d features and its label %q (column %d)", len(m.Features), m.Label, m.LabelColumn+1)
	}
	return fmt.Sprintf("the model's %d features", len(m.Features))
}

// wholeFirstColumn reports whether column 1 holds whole numbers in the
// first row and the sampled rows, as an index does.
func wholeFirstColumn(first []string, sample [][]string) bool {
	if !isWhole(first[0]) {
		return false
	}
	for _, r := range sample {
		if !isWhole(r[0]) {
			return false
		}
	}
	return true
}

// utf8BOM is the byte order mark pandas writes with encoding="utf-8-sig"
// (and Excel with "CSV UTF-8").
const utf8BOM = "\ufeff"

// skipBOM drops a leading UTF-8 byte order mark, as pandas' read_csv does:
// otherwise it would be part of the first column's name.
func skipBOM(br *bufio.Reader) {
	if b, _ := br.Peek(len(utf8BOM)); string(b) == utf8BOM {
		br.Discard(len(utf8BOM))
	}
}

// columnNames names the data columns (after off index columns): header
// names, or positions "0", "1", … without a header. As pandas' read_csv
// names them: "Unnamed: j" for an empty one, and a repeated name gets the
// first ".1", ".2", … that is no other column's name, the named columns
// first (x, x, x.1 are x, x.2, x.1).
func columnNames(header []string, cols, off int) []string {
	names := make([]string, cols-off)
	if header == nil {
		for d := range names {
			names[d] = strconv.Itoa(d)
		}
		return names
	}
	var unnamed []int
	for d := range names {
		names[d] = strings.TrimSpace(header[d+off])
		if names[d] == "" {
			names[d] = fmt.Sprintf("Unnamed: %d", d+off)
			unnamed = append(unnamed, d)
		}
	}
	order := make([]int, 0, len(names))
	for d := range names {
		if !slices.Contains(unnamed, d) {
			order = append(order, d)
		}
	}
	counts := map[string]int{}
	for _, d := range append(order, unnamed...) {
		n, base := names[d], names[d]
		k := counts[n]
		for k > 0 {
			counts[base] = k + 1
			n = fmt.Sprintf("%s.%d", base, k)
			if slices.Contains(names, n) {
				k++
			} else {
				k = counts[n]
			}
		}
		names[d] = n
		counts[n] = k + 1
	}
	return names
}

// colLayout maps the data columns: feature[d] is column d's place in a row
// of X (-1: not read), label the label column (-1: none).
type colLayout struct {
	feature []int
	label   int
}

// layout decides the label column and the features: from opts for
// training, from the model's schema for predicting and evaluating.
func layout(info *CSVInfo, opts CSVOptions, hasHeader bool) (colLayout, error) {
	n := len(info.Columns)
	lay := colLayout{feature: make([]int, n), label: -1}
	for d := range lay.feature {
		lay.feature[d] = -1
	}
	if m := opts.Model; m != nil {
		return modelLayout(info, m, hasHeader, lay)
	}
	if !opts.NoLabels {
		if n < 2 {
			return lay, lineErr(1, "a labelled CSV needs at least 2 columns, found %d", n)
		}
		var names []string
		if hasHeader {
			names = info.Columns
		}
		l, err := labelIndex(opts.LabelColumn, names, n)
		if err != nil {
			return lay, err
		}
		lay.label = l
		info.Label, info.LabelColumn = info.Columns[l], l
		if opts.LabelColumn == "" {
			info.guess("label: the last column, %q", info.Label)
		} else {
			info.guess("label: column %q", info.Label)
		}
	}
	for d := range n {
		if d != lay.label {
			lay.feature[d] = len(info.Features)
			info.Features = append(info.Features, info.Columns[d])
		}
	}
	return lay, nil
}

// modelLayout matches the file's columns to a model's features: by name
// when the file has a header, else by position (all features, or the
// features and the label where the training file had it).
func modelLayout(info *CSVInfo, m *CSVModel, hasHeader bool, lay colLayout) (colLayout, error) {
	n, nf := len(info.Columns), len(m.Features)
	info.Features = m.Features
	if hasHeader {
		at := make(map[string]int, n)
		for d, c := range info.Columns {
			at[c] = d
		}
		for k, f := range m.Features {
			d, ok := at[f]
			if !ok {
				return lay, fmt.Errorf("%w: column %q, a feature of the model, is missing (the file's columns: %s)", ErrFormat, f, listed(info.Columns))
			}
			lay.feature[d] = k
		}
		for d, c := range info.Columns {
			switch {
			case lay.feature[d] >= 0:
			case m.Label != "" && c == m.Label:
				lay.label = d
			default:
				return lay, fmt.Errorf("%w: column %q is not a feature of the model (its features: %s)%s", ErrFormat, c, listed(m.Features), labelHint(m))
			}
		}
		info.guess("columns matched to the model's features by name")
	} else {
		switch {
		case n == nf:
			for d := range n {
				lay.feature[d] = d
			}
		case m.LabelColumn >= 0 && n == m.Columns:
			lay.label = m.LabelColumn
			k := 0
			for d := range n {
				if d != lay.label {
					lay.feature[d] = k
					k++
				}
			}
		default:
			return lay, columnCountErr(n, m)
		}
		info.guess("no header: columns taken in the model's order")
	}
	if lay.label >= 0 {
		info.Label, info.LabelColumn = m.Label, lay.label
	}
	return lay, nil
}

func labelHint(m *CSVModel) string {
	if m.Label == "" {
		return ""
	}
	return fmt.Sprintf(" or its label %q", m.Label)
}

// columnCountErr says how a headerless file's column count differs from
// what the model takes.
func columnCountErr(n int, m *CSVModel) error {
	nf := len(m.Features)
	want := fmt.Sprintf("the model takes %d features", nf)
	if m.LabelColumn >= 0 {
		want += fmt.Sprintf(" (%d columns with its label %q, column %d of the training file)", m.Columns, m.Label, m.LabelColumn+1)
	}
	diff := n - nf
	if m.LabelColumn >= 0 && n > nf {
		diff = n - m.Columns
	}
	what := fmt.Sprintf("%d columns too many", diff)
	switch {
	case diff == 1:
		what = "one column too many (an index column? a column the model was not trained on?)"
	case diff == -1:
		what = "one column too few (a feature is missing)"
	case diff < 0:
		what = fmt.Sprintf("%d columns too few", -diff)
	}
	return fmt.Errorf("%w: %d columns, %s: %s", ErrFormat, n, want, what)
}

// targetsFromLabels decides the task of training data from its labels
// (see DecodeCSV) and sets the targets.
func targetsFromLabels(s *Set, lab *labels, opts CSVOptions) error {
	info := s.CSV
	name := info.Label
	regression := opts.Regression
	if !regression && !opts.Classification && lab.numeric && (!lab.whole) {
		regression = true
		info.guess("regression: the labels are real numbers (%s; --classification makes each value a class)", labelSpan(lab.vals))
	}
	if !lab.numeric && !opts.Classification && lab.decimalComma() {
		return lineErr(lab.textLine, "label %q has a decimal comma (pandas' to_csv(decimal=\",\")): write the file with decimal=\".\" (or give --classification to make each value a class)", lab.textVal)
	}
	if regression {
		if !lab.numeric {
			return lineErr(lab.textLine, "label %q is not a number: a real-valued target (regression) needs numbers", lab.textVal)
		}
		if err := lab.unfitNumberErr(); err != nil {
			return err
		}
		if opts.Regression {
			info.guess("regression (as told)")
		}
		info.Task = TaskRegression
		s.Y, s.Outputs = lab.vals, 1
		return nil
	}
	if lab.numeric && !opts.Classification {
		// Numbers as classes only because one is too large for a target.
		if err := lab.unfitNumberErr(); err != nil {
			return err
		}
	}
	if lab.overflow {
		if lab.numeric && !opts.Classification {
			return fmt.Errorf("%w: label column %q holds more than %d different whole numbers (%s): give --regression to predict the number", ErrFormat, name, opts.MaxClasses, labelSpan(lab.vals))
		}
		return fmt.Errorf("%w: label column %q holds more than %d different labels: too many classes", ErrFormat, name, opts.MaxClasses)
	}
	if lab.numeric && !opts.Classification && len(lab.names) > AutoClassLimit {
		return fmt.Errorf("%w: label column %q holds %d different whole numbers (%s): are they classes or a quantity? Give --classification to make each value a class, or --regression to predict the number", ErrFormat, name, len(lab.names), labelSpan(lab.vals))
	}
	if len(lab.names) < 2 {
		return fmt.Errorf("%w: every label in column %q is %q: a classifier needs at least two classes", ErrFormat, name, lab.names[0])
	}
	class, names, kind := lab.classOrder()
	info.Task, info.Classes, info.ClassType = TaskClassification, names, kind
	how := "as told"
	if !opts.Classification {
		how = kind + " labels"
	}
	info.guess("classification (%s): %d classes %s", how, len(names), listed(names))
	setClassTargets(s, lab.ids, class, len(names))
	return nil
}

// targetsForModel maps labels to the classes of a model, or reads them as
// real values for a regression model.
func targetsForModel(s *Set, lab *labels, m *CSVModel) error {
	info := s.CSV
	switch m.Task {
	case TaskRegression:
		if !lab.numeric {
			return lineErr(lab.textLine, "label %q is not a number; the model predicts a number (regression)", lab.textVal)
		}
		if err := lab.unfitNumberErr(); err != nil {
			return err
		}
		info.Task = TaskRegression
		s.Y, s.Outputs = lab.vals, 1
		return nil
	case TaskClassification:
	default:
		return fmt.Errorf("%w: the model's task (%q) takes no label column from a CSV file", ErrFormat, m.Task)
	}
	if lab.overflow {
		return fmt.Errorf("%w: more than %d different labels, the model has %d classes", ErrFormat, lab.max, len(m.Classes))
	}
	known := make(map[string]int32, len(m.Classes))
	for i, c := range m.Classes {
		known[labelKey(c)] = int32(i)
	}
	class := make([]int32, len(lab.names))
	for id, n := range lab.names {
		c, ok := known[labelKey(n)]
		if !ok {
			return lineErr(lab.lines[id], "label %q is not one of the model's classes (%s)", n, listed(m.Classes))
		}
		class[id] = c
	}
	info.Task, info.Classes = TaskClassification, m.Classes
	setClassTargets(s, lab.ids, class, len(m.Classes))
	return nil
}

// setClassTargets sets one 0/1 target per sample for two classes, else a
// one-hot row of k.
func setClassTargets(s *Set, ids, class []int32, k int) {
	s.Classes = k
	if k == 2 {
		s.Y, s.Outputs = make([]float32, s.Samples), 1
		for i, id := range ids {
			s.Y[i] = float32(class[id])
		}
		return
	}
	s.Y, s.Outputs = make([]float32, s.Samples*k), k
	for i, id := range ids {
		s.Y[i*k+int(class[id])] = 1
	}
}

// labelIndex resolves the label column option among n data columns
// (names nil when the file has no header).
func labelIndex(opt string, names []string, n int) (int, error) {
	if opt == "" {
		return n - 1, nil
	}
	for i, h := range names {
		if h == strings.TrimSpace(opt) {
			return i, nil
		}
	}
	i, err := strconv.Atoi(opt)
	if err != nil {
		if names == nil {
			return 0, fmt.Errorf("%w: label column %q: the file has no header, give a 0-based index", ErrFormat, opt)
		}
		return 0, fmt.Errorf("%w: label column %q is not in the header (%s)", ErrFormat, opt, listed(names))
	}
	if i < 0 {
		i += n
	}
	if i < 0 || i >= n {
		return 0, fmt.Errorf("%w: label column %s is out of range for %d columns", ErrFormat, opt, n)
	}
	return i, nil
}
