package main

import (
	"strings"
	"testing"

	"github.com/v1tr0/entrena/core"
	"github.com/v1tr0/entrena/data"
)

// A schema the model could not be saved with is an error before training,
// not after it, when the trained model would be lost.
func TestSchemaCheckedBeforeTraining(t *testing.T) {
	info := &data.CSVInfo{Features: []string{"x", "x"}, Columns: []string{"x", "x", "y"}, Label: "y", LabelColumn: 2,
		Task: data.TaskClassification, Classes: []string{"a", "b"}, ClassType: data.ClassString}
	s := &session{o: &opts{out: "m.entrena"}, train: &data.Set{CSV: info}}
	spec := core.Spec{Inputs: 2, Layers: []core.Layer{{Units: 1, Activation: core.Sigmoid}}, Loss: core.MSE,
		Optimizer: core.Optimizer{Kind: core.SGD, LearningRate: 0.1}, MaxBatch: 1}
	err := s.checkSchema(spec)
	if err == nil || !strings.Contains(err.Error(), `--out m.entrena: the model could not be saved with its data schema: schema: feature "x" named twice`) {
		t.Fatalf("duplicate feature names: %v", err)
	}
	s.o.out = ""
	if err := s.checkSchema(spec); err != nil {
		t.Errorf("nothing to save: %v", err)
	}
}
