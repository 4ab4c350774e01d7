package data

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCSVHeaderGuess(t *testing.T) {
	cases := []struct {
		name, in string
		header   bool
		features []string
		samples  int
	}{
		{"names", "a,b,y\n1,2,0\n3,4,1\n", true, []string{"a", "b"}, 2},
		// pandas: pd.DataFrame(np.c_[X, y]).to_csv(index=False)
		{"column numbers", "0,1,2\n5.1,3.5,0\n4.9,3.0,1\n6.2,2.9,1\n", true, []string{"0", "1"}, 3},
		// … and with the index: an empty cell first.
		{"column numbers after an index", ",0,1,2\n0,5.1,3.5,0\n1,4.9,3.0,1\n", true, []string{"0", "1"}, 2},
		// A first row that counts 0, 1, 2 but fits every column is data.
		{"counting data row", "0,1,2\n1,2,0\n0,3,1\n2,1,2\n", false, []string{"0", "1"}, 4},
		{"no header", "1,2,0\n3,4,1\n", false, []string{"0", "1"}, 2},
		// String labels: a text cell where the column holds text is data.
		{"string labels", "5.1,3.5,setosa\n4.9,3.0,virginica\n", false, []string{"0", "1"}, 2},
		{"string labels with header", "sl,sw,species\n5.1,3.5,setosa\n4.9,3.0,virginica\n", true, []string{"sl", "sw"}, 2},
		// pandas: df = pd.DataFrame(X); df["species"] = names; df.to_csv(index=False)
		{"column numbers and a name", "0,1,species\n5.1,3.5,setosa\n4.9,3.0,virginica\n", true, []string{"0", "1"}, 2},
		{"column numbers and a name after an index", ",0,1,species\n0,5.1,3.5,setosa\n1,4.9,3.0,virginica\n", true, []string{"0", "1"}, 2},
		{"counting data row with a label", "0,1,setosa\n1,2,virginica\n0,0,setosa\n", false, []string{"0", "1"}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := decode(t, c.in, CSVOptions{})
			require.NoError(t, err)
			require.Equal(t, c.header, s.CSV.Header, s.CSV.Summary())
			require.Equal(t, c.features, s.CSV.Features)
			require.Equal(t, c.samples, s.Samples)
		})
	}
	s, err := decode(t, "0,1,2\n1,2,0\n0,3,1\n", CSVOptions{Header: HeaderYes})
	require.NoError(t, err)
	require.True(t, s.CSV.Header)
	require.Equal(t, 2, s.Samples)
	_, err = decode(t, "a,b,c\n1,2,0\n", CSVOptions{Header: HeaderNo, Regression: true})
	require.Error(t, err, "a header read as data is not a number")
	require.ErrorContains(t, err, `line 1: column 1: "a" is not a number`)
}

// Missing values in the rows after a header (empty cells, NaN) make a
// column neither numbers nor text: the header is still found, and the
// error names the row with the missing value, not the header.
func TestCSVMissingValuesAndDecimalCommas(t *testing.T) {
	var b strings.Builder
	b.WriteString("sepal length (cm),sepal width (cm),species\n")
	for i := range 6 {
		l, w := "5.1", "3.5"
		if i == 2 {
			l = ""
		}
		if i == 4 {
			w = "NaN"
		}
		fmt.Fprintf(&b, "%s,%s,setosa\n", l, w)
	}
	_, err := decode(t, b.String(), CSVOptions{})
	require.ErrorContains(t, err, "line 4: column 1 (sepal length (cm)): empty (a missing value)")
	_, err = decode(t, strings.Replace(b.String(), "\n,", "\nNA,", 1), CSVOptions{})
	require.ErrorContains(t, err, `line 4: column 1 (sepal length (cm)): "NA" is a missing value`)

	// pandas: df.to_csv(sep=";", decimal=","): the header is found, and the
	// error says the numbers have a decimal comma.
	_, err = decode(t, "sl;sw;species\n5,1;3,5;setosa\n4,9;3;virginica\n", CSVOptions{})
	require.ErrorContains(t, err, `line 2: column 1 (sl): "5,1" has a decimal comma`)
	// … a decimal-comma target too, rather than a class per value.
	_, err = decode(t, "a;y\n1;0,5\n2;1,25\n3;0,5\n", CSVOptions{})
	require.ErrorContains(t, err, `line 2: label "0,5" has a decimal comma`)
	var many strings.Builder
	many.WriteString("a;y\n")
	for i := range 1100 {
		fmt.Fprintf(&many, "%d;%d,5\n", i, i)
	}
	_, err = decode(t, many.String(), CSVOptions{})
	require.ErrorContains(t, err, `line 2: label "0,5" has a decimal comma`)
	// … and a headerless file stays headerless.
	_, err = decode(t, "5,1;3,5;setosa\n4,9;3,0;virginica\n", CSVOptions{})
	require.ErrorContains(t, err, `line 1: column 1: "5,1" has a decimal comma`)
}

func TestCSVIndexColumn(t *testing.T) {
	// to_csv() with the index: an unnamed first column.
	in := ",a,b,y\n0,1.5,2,0\n1,3.5,4,1\n2,0.5,1,1\n"
	s, err := decode(t, in, CSVOptions{})
	require.NoError(t, err)
	require.True(t, s.CSV.IndexDropped)
	require.Equal(t, []string{"a", "b"}, s.CSV.Features)
	require.Equal(t, []float32{1.5, 2, 3.5, 4, 0.5, 1}, s.X)
	require.Contains(t, s.CSV.Summary(), "column 1 is an index (unnamed, whole numbers): dropped (--keep-index keeps it)")

	s, err = decode(t, in, CSVOptions{KeepIndex: true})
	require.NoError(t, err)
	require.False(t, s.CSV.IndexDropped)
	require.Equal(t, []string{"Unnamed: 0", "a", "b"}, s.CSV.Features)

	// Without a header: a first column counting 0, 1, 2, ….
	s, err = decode(t, counting(5), CSVOptions{})
	require.NoError(t, err)
	require.True(t, s.CSV.IndexDropped)
	require.Equal(t, 1, s.Inputs)
	// A named first column is a feature, whatever its values.
	s, err = decode(t, "id,a,y\n0,1,0\n1,2,1\n", CSVOptions{})
	require.NoError(t, err)
	require.False(t, s.CSV.IndexDropped)
	require.Equal(t, 2, s.Inputs)
}

// Repeated header names are made unique as pandas' read_csv makes them.
func TestCSVRepeatedNames(t *testing.T) {
	cases := []struct{ header, want string }{
		{"x,x,x.1,label", "[x x.2 x.1 label]"},
		{"a,a,a,label", "[a a.1 a.2 label]"},
		{"a,,a,,label", "[a Unnamed: 1 a.1 Unnamed: 3 label]"},
		{"a,a.1,a,a.1,label", "[a a.1 a.2 a.1.1 label]"},
	}
	for _, c := range cases {
		n := strings.Count(c.header, ",")
		row := strings.Repeat("1,", n) + "yes\n" + strings.Repeat("2,", n) + "no\n"
		s, err := decode(t, c.header+"\n"+row, CSVOptions{})
		require.NoError(t, err, c.header)
		require.Equal(t, c.want, fmt.Sprint(s.CSV.Columns), c.header)
	}
}

func TestCSVSeparator(t *testing.T) {
	for sep, in := range map[rune]string{
		';':  "a;b;y\n1,5;2;0\n3;4;1\n",
		'\t': "a\tb\ty\n1.5\t2\t0\n3\t4\t1\n",
		'|':  "1|2|0\n3|4|1\n",
		',':  "a,b,y\n1,2,0\n3,4,1\n",
	} {
		s, err := decode(t, in, CSVOptions{})
		if sep == ';' {
			// "1,5" is not read as 1.5, but the error says why.
			require.ErrorContains(t, err, `line 2: column 1 (a): "1,5" has a decimal comma`)
			continue
		}
		require.NoError(t, err, string(sep))
		require.Equal(t, sep, s.CSV.Sep)
		require.Equal(t, 2, s.Inputs)
	}
	s, err := decode(t, "a;b\n1;0\n2;1\n", CSVOptions{Sep: ','})
	require.Error(t, err, "a given separator is not second-guessed: one column")
	require.Nil(t, s)
}

func TestCSVLabelsBecomeClasses(t *testing.T) {
	cases := []struct {
		name, in string
		classes  []string
		kind     string
		y        []float32
	}{
		{"1..3: no class 0", "f,y\n1,3\n2,1\n3,2\n", []string{"1", "2", "3"}, ClassNumber, []float32{0, 0, 1, 1, 0, 0, 0, 1, 0}},
		{"-1/+1", "f,y\n1,-1\n2,1\n3,+1\n", []string{"-1", "1"}, ClassNumber, []float32{0, 1, 1}},
		{"floats written whole", "f,y\n1,1.0\n2,0.0\n", []string{"0.0", "1.0"}, ClassNumber, []float32{1, 0}},
		{"strings", "f,y\n1,yes\n2,no\n3,yes\n", []string{"no", "yes"}, ClassString, []float32{1, 0, 1}},
		{"booleans", "f,y\n1,True\n2,False\n", []string{"False", "True"}, ClassBool, []float32{1, 0}},
		{"iris", "f,y\n1,virginica\n2,setosa\n3,versicolor\n", []string{"setosa", "versicolor", "virginica"}, ClassString, []float32{0, 0, 1, 1, 0, 0, 0, 1, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := decode(t, c.in, CSVOptions{})
			require.NoError(t, err)
			require.Equal(t, TaskClassification, s.CSV.Task)
			require.Equal(t, c.classes, s.CSV.Classes)
			require.Equal(t, c.kind, s.CSV.ClassType)
			require.Equal(t, len(c.classes), s.Classes)
			require.Equal(t, c.y, s.Y)
		})
	}
}

func TestCSVTaskInference(t *testing.T) {
	s, err := decode(t, "f,y\n1,2.5\n2,7.25\n", CSVOptions{})
	require.NoError(t, err)
	require.Equal(t, TaskRegression, s.CSV.Task)
	require.Equal(t, []float32{2.5, 7.25}, s.Y)
	require.Contains(t, s.CSV.Summary(), "regression: the labels are real numbers (2.5 … 7.25")

	// Many whole numbers: a question, answered by either flag.
	in := manyWhole(40)
	_, err = decode(t, in, CSVOptions{})
	require.ErrorContains(t, err, "--regression")
	s, err = decode(t, in, CSVOptions{Regression: true})
	require.NoError(t, err)
	require.Equal(t, 1, s.Outputs)
	require.Equal(t, float32(39), s.Y[39])
	s, err = decode(t, in, CSVOptions{Classification: true})
	require.NoError(t, err)
	require.Equal(t, 40, s.Classes)
}

func TestCSVModelLayout(t *testing.T) {
	m := &CSVModel{Features: []string{"a", "b", "c"}, Label: "y", LabelColumn: 0, Columns: 4,
		Task: TaskClassification, Classes: []string{"no", "yes"}}
	// By name, in any order, the label ignored when predicting.
	s, err := decode(t, "c,y,b,a\n3,yes,2,1\n6,no,5,4\n", CSVOptions{Model: m, NoLabels: true})
	require.NoError(t, err)
	require.Equal(t, []float32{1, 2, 3, 4, 5, 6}, s.X)
	require.Nil(t, s.Y)
	// … and read against the model's classes when evaluating.
	s, err = decode(t, "c,y,b,a\n3,yes,2,1\n6,no,5,4\n", CSVOptions{Model: m})
	require.NoError(t, err)
	require.Equal(t, []float32{1, 0}, s.Y)
	_, err = decode(t, "c,y,b,a\n3,maybe,2,1\n", CSVOptions{Model: m})
	require.ErrorContains(t, err, `line 2: label "maybe" is not one of the model's classes (no, yes)`)

	_, err = decode(t, "a,c\n1,2\n", CSVOptions{Model: m, NoLabels: true})
	require.ErrorContains(t, err, `column "b", a feature of the model, is missing`)
	_, err = decode(t, "a,b,c,d\n1,2,3,4\n", CSVOptions{Model: m, NoLabels: true})
	require.ErrorContains(t, err, `column "d" is not a feature of the model (its features: a, b, c) or its label "y"`)

	// Without a header: the label where the training file had it (first).
	s, err = decode(t, "yes,1,2,3\nno,4,5,6\n", CSVOptions{Model: m})
	require.NoError(t, err)
	require.Equal(t, []float32{1, 2, 3, 4, 5, 6}, s.X)
	require.Equal(t, []float32{1, 0}, s.Y)
	s, err = decode(t, "1,2,3\n4,5,6\n", CSVOptions{Model: m, NoLabels: true})
	require.NoError(t, err)
	require.Equal(t, 3, s.Inputs)
	_, err = decode(t, "1,2,3,4,5\n", CSVOptions{Model: m, NoLabels: true})
	require.ErrorContains(t, err, `5 columns, the model takes 3 features (4 columns with its label "y", column 1 of the training file): one column too many`)
	_, err = decode(t, "1,2\n", CSVOptions{Model: m, NoLabels: true})
	require.ErrorContains(t, err, "one column too few")
	require.True(t, errors.Is(err, ErrFormat))

	// A regression model reads its label as a number.
	r := &CSVModel{Features: []string{"0", "1"}, LabelColumn: -1, Task: TaskRegression}
	s, err = decode(t, "1,2\n3,4\n", CSVOptions{Model: r, NoLabels: true})
	require.NoError(t, err)
	require.Equal(t, 2, s.Samples)
}

// A file read by a model keeps the columns the model reads: an unnamed
// first column it was trained on (--keep-index) is not dropped; without a
// header, where the column count fits both an index and a label, the
// reading is said in a note with how to read it the other way.
func TestCSVModelIndexColumn(t *testing.T) {
	kept := &CSVModel{Features: []string{"Unnamed: 0", "a"}, Label: "y", LabelColumn: 2, Columns: 3,
		Task: TaskClassification, Classes: []string{"x", "z"}}
	s, err := decode(t, ",a,y\n0,5,x\n1,7,z\n", CSVOptions{Model: kept})
	require.NoError(t, err)
	require.Equal(t, []float32{0, 5, 1, 7}, s.X)
	require.Equal(t, []float32{0, 1}, s.Y)
	require.Empty(t, s.CSV.Notes)

	// Without a header, a model trained with --keep-index: "0" is the index.
	positions := &CSVModel{Features: []string{"0", "1"}, Label: "2", LabelColumn: 2, Columns: 3,
		Task: TaskClassification, Classes: []string{"x", "z"}}
	counting := "0,5,x\n1,7,z\n2,9,x\n"
	// Counting 0, 1, 2: dropped as in training, the label then read as a
	// feature (an error for text labels), and a note says so.
	_, err = decode(t, counting, CSVOptions{Model: positions, NoLabels: true})
	require.ErrorContains(t, err, `"x" is not a number`)
	s, err = decode(t, "0,5,6\n1,7,8\n2,9,1\n", CSVOptions{Model: positions, NoLabels: true})
	require.NoError(t, err)
	require.Equal(t, []float32{5, 6, 7, 8, 9, 1}, s.X)
	require.Len(t, s.CSV.Notes, 1)
	require.Contains(t, s.CSV.Notes[0], "3 columns without a header: column 1 counts 0, 1, 2, … like pandas' index, so it was dropped and the other 2 read as the model's 2 features; if it is a feature (a model trained with --keep-index), give --keep-index")
	s, err = decode(t, "0,5,6\n1,7,8\n2,9,1\n", CSVOptions{Model: positions, NoLabels: true, KeepIndex: true})
	require.NoError(t, err)
	require.Equal(t, []float32{0, 5, 1, 7, 2, 9}, s.X)
	require.Empty(t, s.CSV.Notes)
	// Labels needed: the reading with the label, and a note.
	s, err = decode(t, counting, CSVOptions{Model: positions})
	require.NoError(t, err)
	require.Equal(t, []float32{0, 5, 1, 7, 2, 9}, s.X)
	require.Equal(t, []float32{0, 1, 0}, s.Y)
	require.Len(t, s.CSV.Notes, 1)
	require.Contains(t, s.CSV.Notes[0], "read as the model's 2 features and its label \"2\" (column 3); if column 1 is an index (it counts 0, 1, 2, …)")

	// An index that does not count (shuffled rows, one row): read as a
	// feature, as before, but said.
	for _, in := range []string{"7,5,6\n2,7,8\n4,9,1\n", "0,5,6\n"} {
		s, err = decode(t, in, CSVOptions{Model: positions, NoLabels: true})
		require.NoError(t, err)
		require.Equal(t, 2, s.Inputs)
		require.Len(t, s.CSV.Notes, 1, in)
		require.Contains(t, s.CSV.Notes[0], "if column 1 is an index (it holds whole numbers, not counting 0, 1, 2, …: rows shuffled or filtered?), the other 2 are the model's 2 features: write the file with its header (pandas' default) or with index=False")
	}
	// Nothing to note when the count fits one reading, or column 1 holds
	// no whole numbers, or the label is column 1 anyway.
	for _, c := range []struct {
		in string
		m  *CSVModel
	}{
		{"0,5,6,x\n1,7,8,z\n", positions},
		{"0.5,5,6\n1.5,7,8\n", positions},
		{"7,5,6\n2,7,8\n", &CSVModel{Features: []string{"1", "2"}, Label: "0", LabelColumn: 0, Columns: 3, Task: TaskClassification, Classes: []string{"2", "7"}}},
	} {
		s, err = decode(t, c.in, CSVOptions{Model: c.m, NoLabels: true})
		require.NoError(t, err, c.in)
		require.Empty(t, s.CSV.Notes, c.in)
	}
}

func TestCSVGuessesOnOneLine(t *testing.T) {
	s, err := decode(t, ",sl,sw,species\n0,5.1,3.5,setosa\n1,4.9,3.0,virginica\n", CSVOptions{})
	require.NoError(t, err)
	require.NotContains(t, s.CSV.Summary(), "\n")
	for _, want := range []string{"separator comma", "header of names", "column 1 is an index", `label: the last column, "species"`, "classification (string labels): 2 classes setosa, virginica"} {
		require.True(t, strings.Contains(s.CSV.Summary(), want), "%q lacks %q", s.CSV.Summary(), want)
	}
}

// TestCSVModelRefused: a model layout no training file has is an error
// before anything is read, not an index out of range while reading.
func TestCSVModelRefused(t *testing.T) {
	good := func() *CSVModel {
		return &CSVModel{Features: []string{"0", "1"}, Label: "2", LabelColumn: 2, Columns: 3,
			Task: TaskClassification, Classes: []string{"0", "1"}}
	}
	s, err := decode(t, "1,2,0\n3,4,1\n", CSVOptions{Model: good()})
	require.NoError(t, err)
	require.Equal(t, []float32{0, 1}, s.Y)
	for name, c := range map[string]struct {
		change func(*CSVModel)
		want   string
	}{
		"label column past the columns": {func(m *CSVModel) { m.LabelColumn = 3 }, "label column 3 does not fit 3 columns and 2 features"},
		"label column below -1":         {func(m *CSVModel) { m.LabelColumn = -2 }, "label column -2"},
		"label but no column for it":    {func(m *CSVModel) { m.Columns = 2 }, "label column 2 does not fit 2 columns"},
		"no label, a column too many":   {func(m *CSVModel) { m.LabelColumn = -1 }, "label column -1 does not fit 3 columns"},
		"columns too many":              {func(m *CSVModel) { m.Columns = 4 }, "4 columns for 2 features"},
		"columns too few":               {func(m *CSVModel) { m.Columns, m.LabelColumn = 1, -1 }, "1 columns for 2 features"},
		"negative columns":              {func(m *CSVModel) { m.Columns = -3 }, "-3 columns for 2 features"},
		"no features":                   {func(m *CSVModel) { m.Features, m.Columns, m.LabelColumn = nil, 0, -1 }, "no features"},
		"feature twice":                 {func(m *CSVModel) { m.Features[1] = "0" }, `feature "0" named twice`},
		"no classes":                    {func(m *CSVModel) { m.Classes = nil }, "0 classes"},
		"one class":                     {func(m *CSVModel) { m.Classes = []string{"0"} }, "1 classes"},
		"class twice":                   {func(m *CSVModel) { m.Classes = []string{"1", "1.0"} }, `class "1.0" given twice`},
	} {
		m := good()
		c.change(m)
		for _, in := range []string{"1,2,0\n3,4,1\n", "0,1,2\n1,2,0\n3,4,1\n"} {
			for _, noLabels := range []bool{false, true} {
				_, err := decode(t, in, CSVOptions{Model: m, NoLabels: noLabels})
				require.ErrorIs(t, err, ErrFormat, name)
				require.ErrorContains(t, err, c.want, name)
			}
		}
	}
	// Columns 0 (no training file known) leaves LabelColumn unused, as a
	// layout built in code has it.
	m := &CSVModel{Features: []string{"0", "1"}, Task: TaskRegression}
	s, err = decode(t, "1,2\n3,4\n", CSVOptions{Model: m, NoLabels: true})
	require.NoError(t, err)
	require.Equal(t, 2, s.Samples)
}
