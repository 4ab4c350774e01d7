package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
)

// A Schema says what a network's inputs and outputs mean, so that a saved
// model is applied to new data the way it was trained: which columns are
// the features and in which order, how they were scaled, which column was
// the label, and what each output stands for. It is saved in the model file
// (format version 2, docs/MODEL_FORMAT.md) as a JSON document.
type Schema struct {
	// Task is TaskClassification, TaskRegression or TaskMultiLabel.
	Task string `json:"task"`
	// Features names the inputs in the network's order: CSV header names,
	// or the 0-based column positions ("0", "1", …) of a file without a
	// header, as pandas names the columns of such a file.
	Features []string `json:"features"`
	// Header reports whether the training file had a header row.
	Header bool `json:"header"`
	// IndexFeature reports that the training file's first data column was
	// read as a feature even where it was pandas' index (entrena train
	// --keep-index), so a file without a header is read the same way
	// rather than by guessing. Schema version 2.
	IndexFeature bool `json:"index_feature,omitempty"`
	// Label names the label column ("" when unknown); LabelColumn is its
	// 0-based position among the training file's Columns columns (after a
	// dropped index column), -1 when the file had none. Columns is 0 when
	// no training file is known (a schema built in code).
	Label       string `json:"label,omitempty"`
	LabelColumn int    `json:"label_column"`
	Columns     int    `json:"columns"`
	// Classes are the class labels in output order, as written in the
	// training file ("setosa", "3", "true"), for classification; for
	// multi-label, the name of each output. ClassType is how to read them:
	// ClassNumber, ClassString or ClassBool. A classifier with one sigmoid
	// output has two classes: Classes[1] is predicted at an output ≥ 0.5.
	Classes   []string `json:"classes,omitempty"`
	ClassType string   `json:"class_type,omitempty"`
	// FeatureScaling, when set, maps a feature x to (x − Offset) / Scale
	// before the network sees it.
	FeatureScaling *Scaling `json:"feature_scaling,omitempty"`
	// TargetScaling, for regression, is how the targets were standardised
	// for training: an output y stands for y·Scale + Offset.
	TargetScaling *Scaling `json:"target_scaling,omitempty"`
}

// The tasks a Schema names.
const (
	TaskClassification = "classification"
	TaskRegression     = "regression"
	TaskMultiLabel     = "multi-label"
)

// The kinds of class label.
const (
	ClassNumber = "number"
	ClassString = "string"
	ClassBool   = "boolean"
)

// Scaling is a per-column affine map: x becomes (x − Offset[j]) / Scale[j].
// Every offset and scale must be finite as a float32 and every scale > 0
// as a float32 (the ONNX export's constants), or the schema is refused.
type Scaling struct {
	Method string    `json:"method"` // how the statistics were chosen: minmax, zscore or none
	Offset []float64 `json:"offset"`
	Scale  []float64 `json:"scale"`
}

// SchemaVersion is the newest version of the schema document this package
// reads (it reads every older one too). It writes the oldest version that
// holds the schema: 2 only for IndexFeature, so that other schemas stay
// readable by an entrena from before it.
const SchemaVersion = 2

// maxSchemaBytes bounds the schema section of a model file.
const maxSchemaBytes = 64 << 20

// schemaDoc is the schema section's JSON: the version, then the schema.
type schemaDoc struct {
	Version int `json:"version"`
	Schema
}

// MarshalSchema returns the schema as the JSON document a model file holds.
func MarshalSchema(s *Schema) (b []byte, err error) {
	defer exported(&err)
	if s == nil {
		return nil, specErr("nil schema")
	}
	return marshalSchema(s)
}

func marshalSchema(s *Schema) ([]byte, error) {
	version := 1
	if s.IndexFeature {
		version = 2
	}
	return json.Marshal(schemaDoc{Version: version, Schema: *s})
}

// UnmarshalSchema parses a schema document written by MarshalSchema. An
// unknown field or a newer version is an error (ErrVersion for the latter).
func UnmarshalSchema(b []byte) (s *Schema, err error) {
	defer exported(&err)
	return unmarshalSchema(b)
}

func unmarshalSchema(b []byte) (*Schema, error) {
	var probe struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, fmt.Errorf("%w: schema: %v", ErrModel, err)
	}
	if probe.Version < 1 || probe.Version > SchemaVersion {
		if probe.Version > SchemaVersion {
			return nil, fmt.Errorf("%w: schema version %d, this entrena reads version %d; upgrade entrena", ErrVersion, probe.Version, SchemaVersion)
		}
		return nil, fmt.Errorf("%w: schema version %d is not supported", ErrVersion, probe.Version)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var d schemaDoc
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("%w: schema: %v", ErrModel, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: schema: data after the JSON document", ErrModel)
	}
	return &d.Schema, nil
}

// Check reports whether the schema fits a network of spec: one feature
// name per input, scalings as long as the columns they scale, and outputs
// that match the task.
func (s *Schema) Check(spec Spec) (err error) {
	defer exported(&err)
	if s == nil {
		return specErr("nil schema")
	}
	return s.check(spec)
}

func (s *Schema) check(spec Spec) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: schema: %s", ErrSpec, fmt.Sprintf(format, args...))
	}
	in, out := spec.Inputs, spec.Outputs()
	if len(s.Features) != in {
		return bad("%d feature names for a network of %d inputs", len(s.Features), in)
	}
	seen := make(map[string]bool, in)
	for _, f := range s.Features {
		if seen[f] {
			return bad("feature %q named twice", f)
		}
		seen[f] = true
	}
	// Columns 0: the training file is unknown (a model built in code).
	if s.Columns != 0 {
		if s.Columns < in || s.Columns > in+1 {
			return bad("%d columns for %d features", s.Columns, in)
		}
		if s.LabelColumn < -1 || s.LabelColumn >= s.Columns || (s.LabelColumn >= 0) != (s.Columns == in+1) {
			return bad("label column %d does not fit %d columns and %d features", s.LabelColumn, s.Columns, in)
		}
	}
	if err := s.FeatureScaling.check(in); err != nil {
		return bad("feature scaling: %v", err)
	}
	switch s.Task {
	case TaskClassification:
		n := len(s.Classes)
		if !(n == out && n >= 2) && !(out == 1 && n == 2) {
			return bad("%d classes for %d outputs", n, out)
		}
	case TaskMultiLabel:
		if len(s.Classes) != out {
			return bad("%d output names for %d outputs", len(s.Classes), out)
		}
	case TaskRegression:
		if len(s.Classes) != 0 {
			return bad("a regression schema has no classes")
		}
		if err := s.TargetScaling.check(out); err != nil {
			return bad("target scaling: %v", err)
		}
		return nil
	default:
		return bad("unknown task %q (valid: %s, %s, %s)", s.Task, TaskClassification, TaskRegression, TaskMultiLabel)
	}
	if s.TargetScaling != nil {
		return bad("target scaling is for regression only")
	}
	switch s.ClassType {
	case ClassNumber, ClassString, ClassBool:
	default:
		return bad("unknown class type %q (valid: %s, %s, %s)", s.ClassType, ClassNumber, ClassString, ClassBool)
	}
	return nil
}

func (c *Scaling) check(n int) error {
	if c == nil {
		return nil
	}
	if len(c.Offset) != n || len(c.Scale) != n {
		return fmt.Errorf("%d offsets and %d scales for %d columns", len(c.Offset), len(c.Scale), n)
	}
	for j := range n {
		// Within float32's range, the scale not 0 as a float32: the ONNX
		// export stores them as float32, and must not fail on a schema set.
		o, s := c.Offset[j], c.Scale[j]
		if !(math.Abs(o) <= math.MaxFloat32) || !(s > 0 && s <= math.MaxFloat32) || float32(s) == 0 {
			return fmt.Errorf("column %d: offset %v, scale %v (need both finite as float32, the scale > 0 as float32)", j, o, s)
		}
	}
	return nil
}

// Class returns the label of output class i (its index as text when the
// schema names no classes).
func (s *Schema) Class(i int) string {
	if s != nil && i >= 0 && i < len(s.Classes) {
		return s.Classes[i]
	}
	return fmt.Sprint(i)
}

// Describe is a one-line summary, for messages.
func (s *Schema) Describe() string {
	if s == nil {
		return "no schema"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %d features", s.Task, len(s.Features))
	if s.Label != "" {
		fmt.Fprintf(&b, ", label %q", s.Label)
	}
	if len(s.Classes) > 0 {
		fmt.Fprintf(&b, ", classes %s", strings.Join(s.Classes, " "))
	}
	return b.String()
}

// SetSchema attaches s to the network (nil removes it): it is saved with
// the model (Encode then writes format version 2) and returned by Schema.
// s must fit the network (Schema.Check). The network keeps its own copy.
func (n *Network) SetSchema(s *Schema) (err error) {
	defer exported(&err)
	prev, err := n.acquire(betweenBatches)
	if err != nil {
		return err
	}
	defer n.release(prev)
	return n.setSchema(s)
}

func (n *Network) setSchema(s *Schema) error {
	if s == nil {
		n.schema = nil
		return nil
	}
	if err := s.check(n.spec); err != nil {
		return err
	}
	b, err := marshalSchema(s)
	if err != nil {
		return specErr("schema: %v", err)
	}
	if len(b) > maxSchemaBytes {
		return specErr("schema: %d bytes, at most %d", len(b), maxSchemaBytes)
	}
	n.schema = b
	return nil
}

// Schema returns a copy of the network's schema, or nil when it has none
// (a network built by New, or loaded from a format version 1 file) or is
// nil, zero or closed. Like the spec's accessors it takes no claim: it may
// be called while another call runs, but not together with SetSchema.
func (n *Network) Schema() *Schema {
	if !n.live() || n.schema == nil {
		return nil
	}
	s, err := unmarshalSchema(n.schema)
	if err != nil {
		panic(fmt.Sprintf("entrena: stored schema does not parse: %v", err)) // checked when set or read
	}
	return s
}

// SchemaJSON returns the network's schema document as saved in the model
// file (nil when it has none; see Schema). The slice is the network's: do
// not modify it.
func (n *Network) SchemaJSON() []byte {
	if !n.live() {
		return nil
	}
	return n.schema
}

// SetSchemaJSON attaches a schema given as its JSON document (see
// MarshalSchema); an empty document removes it. A document that does not
// parse or fit is an ErrSpec, a newer schema version an ErrVersion.
func (n *Network) SetSchemaJSON(b []byte) (err error) {
	defer exported(&err)
	prev, err := n.acquire(betweenBatches)
	if err != nil {
		return err
	}
	defer n.release(prev)
	if len(b) == 0 {
		return n.setSchema(nil)
	}
	s, err := unmarshalSchema(b)
	if errors.Is(err, ErrVersion) {
		return err
	}
	if err != nil {
		return specErr("%v", err)
	}
	return n.setSchema(s)
}

// decodeSchema parses and checks a model file's schema section, which must
// be in the form MarshalSchema writes (so that the file encodes back to the
// same bytes).
func decodeSchema(b []byte, spec Spec) ([]byte, error) {
	s, err := unmarshalSchema(b)
	if err != nil {
		return nil, err
	}
	if err := s.check(spec); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrModel, err)
	}
	canon, err := marshalSchema(s)
	if err != nil || !bytes.Equal(canon, b) {
		return nil, fmt.Errorf("%w: schema is not in the form entrena writes", ErrModel)
	}
	return canon, nil
}
