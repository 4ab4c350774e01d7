package core

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// irisSchema is a schema for smallNet (3 inputs, 2 softmax outputs).
func irisSchema() *Schema {
	return &Schema{
		Task: TaskClassification, Features: []string{"sepal length", "sepal width", "petal"},
		Header: true, Label: "species", LabelColumn: 0, Columns: 4,
		Classes: []string{"setosa", "versicolor"}, ClassType: ClassString,
		FeatureScaling: &Scaling{Method: "zscore", Offset: []float64{5.8, 3, 1.2}, Scale: []float64{0.8, 0.4, 0.7}},
	}
}

func TestSchemaRoundTrip(t *testing.T) {
	n := smallNet(t)
	plain, err := n.MarshalBinary()
	require.NoError(t, err)
	require.NoError(t, n.SetSchema(irisSchema()))
	data, err := n.MarshalBinary()
	require.NoError(t, err)
	require.Len(t, data, n.EncodedSize())
	require.Equal(t, uint32(2), binary.LittleEndian.Uint32(data[8:]), "a model with a schema is format version 2")
	require.Equal(t, uint32(1), binary.LittleEndian.Uint32(plain[8:]), "a model without one stays version 1")

	m, err := Decode(data)
	require.NoError(t, err)
	require.Equal(t, irisSchema(), m.Schema())
	again, err := m.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, data, again, "a file that loads encodes back to the same bytes")

	path := filepath.Join(t.TempDir(), "m.entrena")
	require.NoError(t, n.Save(path))
	l, err := Load(path)
	require.NoError(t, err)
	require.Equal(t, irisSchema(), l.Schema())
	r, err := ReadModel(bytes.NewReader(data))
	require.NoError(t, err)
	require.Equal(t, irisSchema(), r.Schema())

	// The parameters are where version 1 has them, shifted by the length field.
	p1, p2 := make([]float32, n.ParamCount()), make([]float32, m.ParamCount())
	_, _ = n.CopyParams(p1)
	_, _ = m.CopyParams(p2)
	require.Equal(t, p1, p2)

	require.NoError(t, m.SetSchema(nil))
	require.Nil(t, m.Schema())
	again, err = m.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, plain, again)
}

// TestSchemaVersions: a schema is written as version 1 unless it holds
// IndexFeature (version 2), so older readers keep reading the rest; both
// read back, and a version past this package's is ErrVersion.
func TestSchemaVersions(t *testing.T) {
	s := irisSchema()
	doc, err := MarshalSchema(s)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(doc, []byte(`{"version":1,`)), "%s", doc)
	require.NotContains(t, string(doc), "index_feature")

	s.IndexFeature = true
	doc, err = MarshalSchema(s)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(doc, []byte(`{"version":2,`)), "%s", doc)
	back, err := UnmarshalSchema(doc)
	require.NoError(t, err)
	require.Equal(t, s, back)

	_, err = UnmarshalSchema(bytes.Replace(doc, []byte(`"version":2`), []byte(`"version":3`), 1))
	require.ErrorIs(t, err, ErrVersion)
	_, err = UnmarshalSchema(bytes.Replace(doc, []byte(`"version":2`), []byte(`"version":0`), 1))
	require.ErrorIs(t, err, ErrVersion)
}

// TestVersion1FileLoads reads a file written before the schema section
// existed (core/testdata/v1.entrena, committed): it loads, has no schema and
// encodes back to the same bytes.
func TestVersion1FileLoads(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "v1.entrena"))
	require.NoError(t, err)
	require.Equal(t, uint32(1), binary.LittleEndian.Uint32(data[8:]))
	n, err := Decode(data)
	require.NoError(t, err)
	require.Nil(t, n.Schema())
	require.Equal(t, 3, n.Inputs())
	again, err := n.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, data, again)
	l, err := Load(filepath.Join("testdata", "v1.entrena"))
	require.NoError(t, err)
	require.Nil(t, l.Schema())
}

func TestSchemaCheck(t *testing.T) {
	spec := smallNet(t).Spec()
	for name, mutate := range map[string]func(*Schema){
		"too few features":       func(s *Schema) { s.Features = s.Features[:2] },
		"feature twice":          func(s *Schema) { s.Features[1] = s.Features[0] },
		"three classes":          func(s *Schema) { s.Classes = append(s.Classes, "virginica") },
		"unknown task":           func(s *Schema) { s.Task = "ranking" },
		"unknown class type":     func(s *Schema) { s.ClassType = "colour" },
		"scaling length":         func(s *Schema) { s.FeatureScaling.Scale = s.FeatureScaling.Scale[:2] },
		"zero scale":             func(s *Schema) { s.FeatureScaling.Scale[0] = 0 },
		"scale 0 as float32":     func(s *Schema) { s.FeatureScaling.Scale[1] = 1e-50 },
		"scale beyond float32":   func(s *Schema) { s.FeatureScaling.Scale[1] = 1e39 },
		"offset beyond float32":  func(s *Schema) { s.FeatureScaling.Offset[2] = -1e39 },
		"infinite offset":        func(s *Schema) { s.FeatureScaling.Offset[2] = math.Inf(1) },
		"label outside columns":  func(s *Schema) { s.LabelColumn = 4 },
		"columns without label":  func(s *Schema) { s.LabelColumn = -1 },
		"target scaling classes": func(s *Schema) { s.TargetScaling = &Scaling{Offset: []float64{0, 0}, Scale: []float64{1, 1}} },
		"regression with classes": func(s *Schema) {
			s.Task = TaskRegression
		},
	} {
		s := irisSchema()
		mutate(s)
		require.ErrorIs(t, s.Check(spec), ErrSpec, name)
	}
	require.NoError(t, irisSchema().Check(spec))
	one := spec
	one.Layers = []Layer{{Units: 1, Activation: Sigmoid}}
	one.Loss = MSE
	require.NoError(t, irisSchema().Check(one), "two classes fit one sigmoid output")
}

// TestSchemaSectionRefused: a damaged or foreign schema section is an
// ErrModel (or ErrVersion), even with a matching checksum.
func TestSchemaSectionRefused(t *testing.T) {
	n := smallNet(t)
	require.NoError(t, n.SetSchema(irisSchema()))
	data, err := n.MarshalBinary()
	require.NoError(t, err)
	doc := n.SchemaJSON()
	start := len(data) - 4 - len(doc)
	reseal := func(b []byte) []byte {
		binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.ChecksumIEEE(b[:len(b)-4]))
		return b
	}
	replace := func(old, new string) []byte {
		d := bytes.Replace(doc, []byte(old), []byte(new), 1)
		require.Len(t, d, len(doc), "same length keeps the header valid")
		return reseal(append(bytes.Clone(data[:start]), append(d, 0, 0, 0, 0)...))
	}
	for name, tc := range map[string]struct {
		file []byte
		want error
	}{
		"newer schema":     {replace(`"version":1`, `"version":9`), ErrVersion},
		"not JSON":         {replace(`{"version"`, `["version"`), ErrModel},
		"unknown field":    {replace(`"header"`, `"hexder"`), ErrModel},
		"wrong class type": {replace(`"string"`, `"strong"`), ErrModel},
		"not canonical":    {replace(`"label_column":0,"columns":4`, `"columns":4,"label_column":0`), ErrModel},
	} {
		_, err := Decode(tc.file)
		require.ErrorIs(t, err, tc.want, name)
		_, err = ReadModel(bytes.NewReader(tc.file))
		require.ErrorIs(t, err, tc.want, name)
	}
	// A zero-length section is not what a writer produces.
	zero := bytes.Clone(data[:start])
	hdr := len(zero) - 4*n.ParamCount() - 4
	binary.LittleEndian.PutUint32(zero[hdr:], 0)
	_, err = Decode(reseal(append(zero, 0, 0, 0, 0)))
	require.ErrorIs(t, err, ErrModel)
}

func TestSchemaEncodeAllocatesNothing(t *testing.T) {
	n := smallNet(t)
	require.NoError(t, n.SetSchema(irisSchema()))
	buf := make([]byte, n.EncodedSize())
	allocs := testing.AllocsPerRun(10, func() {
		if _, err := n.Encode(buf); err != nil {
			t.Fatal(err)
		}
	})
	require.Zero(t, allocs)
}

func TestBadTargetsAreErrors(t *testing.T) {
	bce, err := New(Spec{Inputs: 2, Layers: []Layer{{Units: 1, Activation: Sigmoid}}, Loss: BinaryCrossEntropy,
		Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: 2, Seed: 1})
	require.NoError(t, err)
	x := []float32{0, 1, 1, 0}
	_, err = bce.Fit(x, []float32{1, 2}, 2, FitOptions{Epochs: 1})
	require.ErrorIs(t, err, ErrData)
	require.ErrorContains(t, err, "outside [0, 1]")
	_, _, err = bce.Evaluate(x, []float32{-1, 0}, 2)
	require.ErrorContains(t, err, "outside [0, 1]")
	_, err = bce.Fit(x, []float32{1, 0}, 2, FitOptions{Epochs: 1})
	require.NoError(t, err)

	cce, err := New(Spec{Inputs: 2, Layers: []Layer{{Units: 3, Activation: Softmax}}, Loss: CategoricalCrossEntropy,
		Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: 2, Seed: 1})
	require.NoError(t, err)
	_, err = cce.TrainStep(x, []float32{1, 0, 0, 0.5, 0.2, 0}, 2)
	require.ErrorContains(t, err, "sample 1 sums to 0.7")
	_, err = cce.TrainStep(x, []float32{2, 0, 0, 0, 1, 0}, 2)
	require.ErrorContains(t, err, "looks like a class index")
	_, _, err = cce.Evaluate(x, []float32{0, 1, 0, -0.5, 1, 0.5}, 2)
	require.ErrorContains(t, err, "negative")
	_, err = cce.TrainStep(x, []float32{0, 1, 0, 0.25, 0.25, 0.5}, 2)
	require.NoError(t, err, "soft labels are distributions")

	_, err = New(Spec{Inputs: 2, Layers: []Layer{{Units: 1, Activation: Softmax}}, Loss: CategoricalCrossEntropy,
		Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: 2, Seed: 1})
	require.ErrorIs(t, err, ErrSpec)
	require.ErrorContains(t, err, "softmax over 1 unit")
}

func TestSetSchemaJSON(t *testing.T) {
	n := smallNet(t)
	require.NoError(t, n.SetSchema(irisSchema()))
	doc := bytes.Clone(n.SchemaJSON())
	m := smallNet(t)
	require.NoError(t, m.SetSchemaJSON(doc))
	require.Equal(t, irisSchema(), m.Schema())
	require.ErrorIs(t, m.SetSchemaJSON([]byte(`{"version":1,"task":"classification"}`)), ErrSpec)
	require.ErrorIs(t, m.SetSchemaJSON([]byte(`{"version":3}`)), ErrVersion)
	require.ErrorIs(t, m.SetSchemaJSON([]byte(`{"version":1,"colour":"red"}`)), ErrSpec)
	require.Equal(t, irisSchema(), m.Schema(), "a refused document leaves the schema as it was")
	require.NoError(t, m.SetSchemaJSON(nil))
	require.Nil(t, m.Schema())
}
