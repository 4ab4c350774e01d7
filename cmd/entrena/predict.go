package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
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
	m.fs.StringVar(&m.model, "model", "", "model `FILE` written by entrena train --out (required); FILE.norm, when present, scales the features as in training")
	if withOut {
		m.fs.StringVar(&m.out, "out", "", "write the predictions to this CSV file (atomically) instead of stdout")
	}
	m.fs.Uint64Var(&m.seed, "seed", 1, "seed for generated data (spirals)")
	m.dataFlags.register(m.fs, false)
	return m
}

// open parses the flags, loads the model and the data for it, and applies
// the model's normalisation file (MODEL.norm) to the data. CSV data with no
// normalisation file is used as given, with a warning on stderr.
func (m *modelFlags) open(args []string, stdout, stderr io.Writer, needLabels bool) (*core.Network, *data.Set, error) {
	if _, err := parseFlags(m.fs, args, stdout); err != nil {
		return nil, nil, err
	}
	if m.model == "" {
		return nil, nil, usagef("--model is required")
	}
	net, err := core.Load(m.model)
	if err != nil {
		return nil, nil, err
	}
	norm, err := loadNorm(m.model)
	if err != nil {
		return nil, nil, err
	}
	src, err := resolve(m.data)
	if err != nil {
		return nil, nil, fmt.Errorf("--data %w", err)
	}
	set, _, err := load(src, m.dataFlags, m.seed, true, needLabels, net.Inputs())
	if err != nil {
		return nil, nil, err
	}
	if set.Inputs != net.Inputs() {
		return nil, nil, fmt.Errorf("%s has %d features per sample, the model %s takes %d inputs", set.Name, set.Inputs, m.model, net.Inputs())
	}
	switch {
	case norm != nil:
		if err := applyNorm(norm, m.model, net, set); err != nil {
			return nil, nil, err
		}
	case src.kind == kindCSV:
		fmt.Fprintf(stderr, "entrena %s: warning: no %s next to the model; the features of %s are used as given (entrena train --out writes it for CSV data; without it a model trained on normalised features sees the wrong scale)\n",
			m.name, normPath(m.model), set.Name)
	}
	if needLabels {
		if !set.Labelled() {
			return nil, nil, fmt.Errorf("%s has no labels to evaluate against", set.Name)
		}
		if err := set.WithOutputs(net.Outputs()); err != nil {
			return nil, nil, fmt.Errorf("%v (model %s)", err, m.model)
		}
	}
	return net, set, nil
}

const predictSynopsis = `Runs a saved model on data and writes one CSV row per sample: for a
classifier the predicted class then the network's outputs, otherwise the
outputs. A CSV file may have just the feature columns, or the features and
a label column (ignored). MNIST and Fashion-MNIST mean their test sets.
The features are scaled as in training by MODEL.norm, the normalisation
file entrena train --out writes next to a model trained on CSV data.`

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
	csv := predictionsCSV(out, o, spec.Layers[len(spec.Layers)-1].Activation)
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

const evalSynopsis = `Loads a saved model and prints its loss and accuracy on labelled data
(MNIST and Fashion-MNIST mean their test sets). The features are scaled as
in training by MODEL.norm when the model has one (see entrena predict -h).`

func cmdEval(args []string, stdout, stderr io.Writer) error {
	m := newModelFlags("eval", evalSynopsis, false)
	net, set, err := m.open(args, stdout, stderr, true)
	if err != nil {
		return err
	}
	loss, acc, err := net.Evaluate(set.X, set.Y, set.Samples)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d samples, loss %.4f (%s)", set.Name, set.Samples, loss, net.Spec().Loss)
	if set.Classes > 0 {
		fmt.Fprintf(stdout, ", accuracy %.2f%%", 100*acc)
	}
	fmt.Fprintln(stdout)
	return nil
}
