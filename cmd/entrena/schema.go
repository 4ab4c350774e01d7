package main

import (
	"fmt"

	"github.com/v1tr0/entrena/core"
	"github.com/v1tr0/entrena/data"
)

// The schema a model trained on CSV data is saved with (core.Schema): the
// training file's columns, label and classes, and the feature and target
// scaling, so that predict and eval read new files the same way and answer
// in the file's own labels and units.

// csvModel is the layout of a training file, to read a --test file by.
func csvModel(c *data.CSVInfo) *data.CSVModel {
	return &data.CSVModel{Features: c.Features, Label: c.Label, LabelColumn: c.LabelColumn,
		Columns: len(c.Columns), Task: c.Task, Classes: c.Classes}
}

// schemaModel is the layout a model's schema describes.
func schemaModel(s *core.Schema) *data.CSVModel {
	return &data.CSVModel{Features: s.Features, Label: s.Label, LabelColumn: s.LabelColumn,
		Columns: s.Columns, Task: s.Task, Classes: s.Classes, IndexFeature: s.IndexFeature}
}

// buildSchema describes CSV training data for the model file; nil for other
// data (its models keep format version 1).
func buildSchema(info *data.CSVInfo, keepIndex bool, norm *data.Norm, target *targetScale) *core.Schema {
	if info == nil {
		return nil
	}
	s := &core.Schema{
		Task: info.Task, Features: info.Features, Header: info.Header, IndexFeature: keepIndex,
		Label: info.Label, LabelColumn: info.LabelColumn, Columns: len(info.Columns),
		Classes: info.Classes, ClassType: info.ClassType,
	}
	if norm != nil {
		s.FeatureScaling = &core.Scaling{Method: norm.Method, Offset: norm.Offset, Scale: norm.Scale}
	}
	if target != nil {
		s.TargetScaling = &core.Scaling{Method: data.NormZScore, Offset: []float64{target.offset}, Scale: []float64{target.scale}}
	}
	return s
}

// checkClasses refuses an output layer that does not fit the classes of
// CSV data: its outputs would carry no label.
func checkClasses(info *data.CSVInfo, outputs int) error {
	if info == nil || info.Task != data.TaskClassification {
		return nil
	}
	k := len(info.Classes)
	if outputs == k || (k == 2 && outputs == 1) {
		return nil
	}
	return usagef("--layers ends with %d outputs, the data has %d classes (%s): use %d outputs%s", outputs, k, joinClasses(info.Classes), k, map[bool]string{true: " (or 1 sigmoid output)", false: ""}[k == 2])
}

func joinClasses(c []string) string {
	if len(c) > 10 {
		return fmt.Sprintf("%s, … %d in all", joinComma(c[:10]), len(c))
	}
	return joinComma(c)
}

func joinComma(c []string) string {
	s := ""
	for i, v := range c {
		if i > 0 {
			s += ", "
		}
		s += v
	}
	return s
}

// scaleFeatures applies a schema's feature scaling to a set in place.
func scaleFeatures(s *core.Schema, set *data.Set) error {
	if s.FeatureScaling == nil {
		return nil
	}
	n := &data.Norm{Method: s.FeatureScaling.Method, Offset: s.FeatureScaling.Offset, Scale: s.FeatureScaling.Scale}
	if err := n.Apply(set.X[:set.Samples*set.Inputs]); err != nil {
		return fmt.Errorf("%s: %v (the model's feature scaling)", set.Name, err)
	}
	return nil
}

// schemaTarget is the target scaling of a regression schema (identity when none).
func schemaTarget(s *core.Schema) targetScale {
	if s == nil || s.TargetScaling == nil {
		return targetScale{0, 1}
	}
	return targetScale{s.TargetScaling.Offset[0], s.TargetScaling.Scale[0]}
}
