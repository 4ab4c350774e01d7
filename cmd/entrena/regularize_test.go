package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/v1tr0/entrena/core"
)

// TestTrainWithRegularization: --optimizer rmsprop, --l2, --dropout and the
// per-layer settings of --layers reach the saved model, and the model
// predicts; out-of-range values are one-line usage errors.
func TestTrainWithRegularization(t *testing.T) {
	dir := t.TempDir()
	r := must(t, dir, "train", "--data", "spirals", "--epochs", "3", "--optimizer", "rmsprop", "--l2", "1e-4",
		"--dropout", "0.1", "--layers", "2,16:relu:dropout=0.3,8:tanh:l2=0,1", "--out", "m.entrena")
	if !strings.Contains(r.stdout, "Epoch 3/3: loss = ") {
		t.Errorf("no loss line:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "network: 2-16(relu, dropout 0.3, l2 0.0001)-8(tanh, dropout 0.1)-1(sigmoid, l2 0.0001), binary-crossentropy, rmsprop α=0.001") {
		t.Errorf("the network line does not show the settings:\n%s", r.stdout)
	}
	n, err := core.Load(filepath.Join(dir, "m.entrena"))
	if err != nil {
		t.Fatal(err)
	}
	s := n.Spec()
	want := []core.Layer{
		{Units: 16, Activation: core.ReLU, L2: 1e-4, Dropout: 0.3},
		{Units: 8, Activation: core.Tanh, L2: 0, Dropout: 0.1},
		{Units: 1, Activation: core.Sigmoid, L2: 1e-4},
	}
	for i, l := range want {
		if s.Layers[i] != l {
			t.Errorf("layer %d: %+v, want %+v", i+1, s.Layers[i], l)
		}
	}
	// The data set's rate is for Adam: rmsprop given alone starts from 0.001.
	if s.Optimizer.Kind != core.RMSprop || s.Optimizer.Rho != 0.9 || s.Optimizer.LearningRate != 0.001 {
		t.Errorf("optimizer %+v", s.Optimizer)
	}
	must(t, dir, "eval", "--model", "m.entrena", "--data", "spirals")

	for args, want := range map[string]string{
		"--l2 -1":                        "--l2 must be non-negative",
		"--dropout 1":                    "--dropout must be in [0, 1)",
		"--layers 2,8,1:dropout=0.5":     "dropout is only allowed after a hidden layer",
		"--layers 2,8:dropout=x,1":       "not a number",
		"--optimizer adam --rho 0.5":     "rho 0.5 is only used by the rmsprop optimizer",
		"--layers 2,8:relu:l2=-0.5,1":    "l2 must be non-negative",
		"--optimizer rmsprop --rho 1.5":  "rho must be in [0, 1)",
		"--layers 2,8:dropout=0.1:foo=1": `unknown setting "foo"`,
	} {
		r := entrena(t, dir, append([]string{"train", "--data", "spirals", "--epochs", "1"}, strings.Fields(args)...)...)
		oneLineError(t, r, exitUsage, want)
	}
}
