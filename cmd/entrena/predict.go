package main

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/v1tr0/entrena/core"
	"github.com/v1tr0/entrena/data"
	"github.com/v1tr0/entrena/internal/regularfile"
)

// modelFlags are the flags of predict and eval.
type modelFlags struct {
	name  string
	fs    *flag.FlagSet
	model string
	out   string
	seed  uint64
	dataFlags
}

func newModelFlags(name, synopsis string, withOut bool) *modelFlags {
	m := &modelFlags{name: name, fs: newFlagSet(name, synopsis)}
	m.fs.StringVar(&m.model, "model", "", "model `FILE` written by entrena train --out (required); a model trained on CSV data holds its data schema, which says how to read and scale the file")
	if withOut {
		m.fs.StringVar(&m.out, "out", "", "write the predictions to this CSV file (atomically) instead of stdout")
	}
	m.fs.Uint64Var(&m.seed, "seed", 1, "seed for generated data (spirals)")
	m.dataFlags.register(m.fs, false)
	return m
}

// open parses the flags, loads the model and the data for it. A CSV file
// is read by the model's schema: columns matched to the features by name
// (by position without a header), the label column the model was trained
// with, its classes, its feature scaling. For a model without a schema
// (saved before schemas existed, or by the Go, C or Python API) the data
// is read as before: all columns as features when they are as many as the
// inputs, else without the label column (--label-column, default the
// last), scaled by a MODEL.norm file when there is one.
func (m *modelFlags) open(args []string, stdout, stderr io.Writer, needLabels bool) (*core.Network, *data.Set, error) {
	if _, err := parseFlags(m.fs, args, stdout); err != nil {
		return nil, nil, err
	}
	if m.model == "" {
		return nil, nil, usagef("--model is required")
	}
	if err := m.dataFlags.check(); err != nil {
		return nil, nil, err
	}
	if err := checkOutputs([]string{m.out}); err != nil {
		return nil, nil, err
	}
	inputs := append(dataFiles("--data", m.data), namedFile{"--model", m.model})
	if err := checkDistinctFiles([]namedFile{{"--out", m.out}}, inputs); err != nil {
		return nil, nil, err
	}
	net, err := core.Load(m.model)
	if err != nil {
		return nil, nil, err
	}
	src, err := resolve(m.data)
	if err != nil {
		return nil, nil, fmt.Errorf("--data %w", err)
	}
	var set *data.Set
	if schema := net.Schema(); schema != nil && src.kind == kindCSV {
		set, err = m.openBySchema(src, net, schema, needLabels)
	} else {
		set, err = m.openPlain(src, net, needLabels, stderr)
	}
	if err != nil {
		return nil, nil, err
	}
	if set.CSV != nil {
		for _, n := range set.CSV.Notes {
			fmt.Fprintf(stderr, "entrena %s: note: %s\n", m.name, n)
		}
	}
	if needLabels {
		if !set.Labelled() {
			return nil, nil, fmt.Errorf("%s has no labels to evaluate against", set.Name)
		}
		if set.Classes > 0 {
			if err := set.WithOutputs(net.Outputs()); err != nil {
				return nil, nil, fmt.Errorf("%v (model %s)", err, m.model)
			}
		}
	}
	return net, set, nil
}

// openBySchema reads a CSV file the way the model's training file was read.
func (m *modelFlags) openBySchema(src source, net *core.Network, schema *core.Schema, needLabels bool) (*data.Set, error) {
	if m.labelColumn != "" && m.labelColumn != schema.Label && m.labelColumn != fmt.Sprint(schema.LabelColumn) {
		return nil, usagef("--label-column %q: the model was trained with the label column %q; leave the flag out", m.labelColumn, schema.Label)
	}
	co := m.csvOptions()
	co.Model = schemaModel(schema)
	co.NoLabels = !needLabels
	set, _, err := load(src, co, m.seed, true, needLabels)
	if err != nil {
		return nil, err
	}
	if needLabels && !set.Labelled() {
		return nil, fmt.Errorf("%s has no label column %q to evaluate against", set.Name, schema.Label)
	}
	return set, scaleFeatures(schema, set)
}

// openPlain reads data for a model without a schema.
func (m *modelFlags) openPlain(src source, net *core.Network, needLabels bool, stderr io.Writer) (*data.Set, error) {
	norm, err := loadNorm(m.model)
	if err != nil {
		return nil, err
	}
	spec := net.Spec()
	outAct := spec.Layers[len(spec.Layers)-1].Activation
	co := m.csvOptions()
	co.Regression = co.Regression || (outAct == core.Linear && !co.Classification)
	co.NoLabels = !needLabels
	set, _, err := load(src, co, m.seed, true, needLabels)
	if err != nil {
		return nil, err
	}
	if src.kind == kindCSV && !needLabels && set.Inputs == net.Inputs()+1 {
		if err := dropLabelColumn(set, m.labelColumn); err != nil {
			return nil, err
		}
	}
	if set.Inputs != net.Inputs() {
		return nil, fmt.Errorf("%s has %d features per sample, the model %s takes %d inputs", set.Name, set.Inputs, m.model, net.Inputs())
	}
	if src.kind == kindCSV && needLabels && set.Classes > 0 {
		if err := classIndexTargets(set, net.Outputs()); err != nil {
			return nil, err
		}
	}
	switch {
	case norm != nil:
		if err := applyNorm(norm, m.model, net, set); err != nil {
			return nil, err
		}
	case src.kind == kindCSV:
		fmt.Fprintf(stderr, "entrena %s: warning: %s has no data schema and no %s next to it; the features of %s are used as given (a model trained on normalised features then sees the wrong scale)\n",
			m.name, m.model, normPath(m.model), set.Name)
	}
	return set, nil
}

// dropLabelColumn removes the label column (--label-column, default the
// last) from a set read without labels.
func dropLabelColumn(set *data.Set, label string) error {
	n := set.Inputs
	j := n - 1
	if label != "" {
		j = slices.Index(set.CSV.Features, label)
		if j < 0 {
			k, err := strconv.Atoi(label)
			if err != nil || k < -n || k >= n {
				return fmt.Errorf("%s: label column %q is not one of its %d columns", set.Name, label, n)
			}
			j = (k + n) % n
		}
	}
	w := 0
	for r := range set.Samples {
		for c := range n {
			if c != j {
				set.X[w] = set.X[r*n+c]
				w++
			}
		}
	}
	set.X, set.Inputs = set.X[:w], n-1
	set.CSV.Features = slices.Delete(slices.Clone(set.CSV.Features), j, j+1)
	return nil
}

// classIndexTargets reads numeric labels as the class indices of a model
// without a schema (labels were class indices then): label v is output v.
func classIndexTargets(set *data.Set, outputs int) error {
	k := max(outputs, 2)
	index := make([]int, len(set.CSV.Classes))
	for c, name := range set.CSV.Classes {
		v, err := strconv.ParseFloat(name, 64)
		if err != nil || v < 0 || v != float64(int(v)) || int(v) >= k {
			return fmt.Errorf("%s: label %q is not a class index of the model (0 … %d; it has no data schema to map labels)", set.Name, name, k-1)
		}
		index[c] = int(v)
	}
	old := set.Y
	cls := func(i int) int {
		if set.Outputs == 1 {
			return int(old[i])
		}
		row := old[i*set.Outputs : (i+1)*set.Outputs]
		return slices.Index(row, 1)
	}
	y := make([]float32, set.Samples*k)
	for i := range set.Samples {
		y[i*k+index[cls(i)]] = 1
	}
	set.Y, set.Outputs, set.Classes = y, k, k
	if outputs == 1 {
		return set.WithOutputs(1)
	}
	return nil
}

const predictSynopsis = `Runs a saved model on data and writes one CSV row per sample. A model
trained on CSV data holds its data schema: the file's columns are matched to
its features by name (by position when the file has no header), a missing or
extra column is an error naming it, the label column it was trained with is
left out, and the features are scaled as in training. A file without a
header does not show whether its first column is pandas' index: where the
columns fit the model either way, a note on stderr says how they were read
and how to read them the other way (--keep-index, or a header). A
classifier's row is its predicted label, as written in the training file,
then the probability of each class (columns p_LABEL); a regression model's
row is the predicted number, in the target's own units. MNIST and
Fashion-MNIST mean their test sets. Models without a schema get the class
index and the network's outputs (output_0, …), with a MODEL.norm file next
to them applied when present.`

func cmdPredict(args []string, stdout, stderr io.Writer) error {
	m := newModelFlags("predict", predictSynopsis, true)
	net, set, err := m.open(args, stdout, stderr, false)
	if err != nil {
		return err
	}
	o := net.Outputs()
	out := make([]float32, set.Samples*o)
	if err := net.Predict(set.X, set.Samples, out); err != nil {
		return err
	}
	spec := net.Spec()
	var csv []byte
	if schema := net.Schema(); schema != nil {
		csv = schemaPredictionsCSV(out, o, schema)
	} else {
		csv = predictionsCSV(out, o, spec.Layers[len(spec.Layers)-1].Activation)
	}
	if m.out == "" {
		_, err := stdout.Write(csv)
		return err
	}
	if err := regularfile.WriteAtomic(m.out, csv); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%d predictions written to %s\n", set.Samples, m.out)
	return nil
}

// schemaPredictionsCSV formats the outputs of a model with a schema: the
// predicted label and the class probabilities, or the number in the
// target's units, or for multi-label one probability per output.
func schemaPredictionsCSV(out []float32, o int, s *core.Schema) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	label := s.Label
	switch s.Task {
	case core.TaskClassification:
		if label == "" {
			label = "class"
		}
		head := []string{label}
		if o == 1 {
			head = append(head, "p_"+s.Classes[1])
		} else {
			for _, c := range s.Classes {
				head = append(head, "p_"+c)
			}
		}
		_ = w.Write(head)
		for r := 0; r < len(out); r += o {
			row := out[r : r+o]
			rec := []string{s.Classes[predictedClass(row)]}
			for _, v := range row {
				rec = append(rec, num(v))
			}
			_ = w.Write(rec)
		}
	case core.TaskRegression:
		if label == "" {
			label = "prediction"
		}
		_ = w.Write([]string{label})
		ts := schemaTarget(s)
		ts.undo(out)
		for _, v := range out {
			_ = w.Write([]string{num(v)})
		}
	default:
		head := make([]string, o)
		for j := range o {
			head[j] = "p_" + s.Class(j)
		}
		_ = w.Write(head)
		for r := 0; r < len(out); r += o {
			rec := make([]string, o)
			for j, v := range out[r : r+o] {
				rec[j] = num(v)
			}
			_ = w.Write(rec)
		}
	}
	w.Flush()
	return b.Bytes()
}

// predictionsCSV formats the outputs, with the class first for a softmax
// or sigmoid output layer.
func predictionsCSV(out []float32, o int, act core.Activation) []byte {
	var b bytes.Buffer
	class := act == core.Softmax || act == core.Sigmoid
	if class {
		b.WriteString("class")
	}
	for j := range o {
		if class || j > 0 {
			b.WriteByte(',')
		}
		b.WriteString("output_" + strconv.Itoa(j))
	}
	b.WriteByte('\n')
	for r := 0; r < len(out); r += o {
		row := out[r : r+o]
		if class {
			b.WriteString(strconv.Itoa(predictedClass(row)))
		}
		for j, v := range row {
			if class || j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(num(v))
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// predictedClass is the index of the largest output, or for one output
// 1 when it is at least 0.5.
func predictedClass(row []float32) int {
	if len(row) == 1 {
		if row[0] >= 0.5 {
			return 1
		}
		return 0
	}
	best := 0
	for i, v := range row {
		if v > row[best] {
			best = i
		}
	}
	return best
}

const evalSynopsis = `Loads a saved model and prints how well it does on labelled data
(MNIST and Fashion-MNIST mean their test sets): a classifier's loss and
accuracy, a regression model's RMSE, MAE and R² in the target's own units.
A CSV file is read by the model's schema (see entrena predict -h): its label
column is the one the model was trained with, its labels those classes.`

func cmdEval(args []string, stdout, stderr io.Writer) error {
	m := newModelFlags("eval", evalSynopsis, false)
	net, set, err := m.open(args, stdout, stderr, true)
	if err != nil {
		return err
	}
	if set.Classes == 0 {
		sc, err := scoreSet(net, set, schemaTarget(net.Schema()), targetScale{0, 1})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %d samples, %s\n", set.Name, set.Samples, sc)
		return nil
	}
	loss, acc, err := net.Evaluate(set.X, set.Y, set.Samples)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d samples, loss %.4f (%s), accuracy %.2f%%\n", set.Name, set.Samples, loss, net.Spec().Loss, 100*acc)
	return nil
}
