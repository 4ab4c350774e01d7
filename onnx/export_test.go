package onnx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/v1tr0/entrena/core"
)

// field is one decoded protobuf field: a varint or a length-delimited
// payload (the only wire types the exporter writes).
type field struct {
	num    int
	varint uint64
	bytes  []byte
}

// decode splits a protobuf message into its fields, failing on any wire
// type or length the exporter never writes.
func decode(t *testing.T, b []byte) []field {
	t.Helper()
	var fs []field
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		require.Positive(t, n, "bad key")
		b = b[n:]
		f := field{num: int(key >> 3)}
		switch key & 7 {
		case wireVarint:
			v, n := binary.Uvarint(b)
			require.Positive(t, n, "bad varint")
			f.varint, b = v, b[n:]
		case wireBytes:
			l, n := binary.Uvarint(b)
			require.Positive(t, n, "bad length")
			require.LessOrEqual(t, l, uint64(len(b)-n), "length past the end")
			f.bytes, b = b[n:n+int(l)], b[n+int(l):]
		default:
			t.Fatalf("wire type %d", key&7)
		}
		fs = append(fs, f)
	}
	return fs
}

func strings(fs []field, num int) []string {
	var s []string
	for _, f := range fs {
		if f.num == num {
			s = append(s, string(f.bytes))
		}
	}
	return s
}

func one(t *testing.T, fs []field, num int) field {
	t.Helper()
	var got []field
	for _, f := range fs {
		if f.num == num {
			got = append(got, f)
		}
	}
	require.Len(t, got, 1, "field %d", num)
	return got[0]
}

// tensor is a decoded initializer.
type tensor struct {
	dims []int
	data []float32
}

// model is the decoded graph: what the interpreter below runs.
type model struct {
	nodes        [][]field
	initializers map[string]tensor
	input        string
	inputDims    []string
	output       string
	metadata     map[string]string
}

func decodeModel(t *testing.T, b []byte) model {
	t.Helper()
	top := decode(t, b)
	require.EqualValues(t, IRVersion, one(t, top, modelIRVersion).varint)
	require.Equal(t, []string{"entrena"}, strings(top, modelProducerName))
	opset := decode(t, one(t, top, modelOpsetImport).bytes)
	require.Equal(t, []string{""}, strings(opset, opsetDomain))
	require.EqualValues(t, OpsetVersion, one(t, opset, opsetVersion).varint)

	g := decode(t, one(t, top, modelGraph).bytes)
	m := model{initializers: map[string]tensor{}, metadata: map[string]string{}}
	for _, f := range top {
		if f.num == modelMetadataProps {
			e := decode(t, f.bytes)
			m.metadata[string(one(t, e, entryKey).bytes)] = string(one(t, e, entryValue).bytes)
		}
	}
	for _, f := range g {
		switch f.num {
		case graphNode:
			m.nodes = append(m.nodes, decode(t, f.bytes))
		case graphInitializer:
			tf := decode(t, f.bytes)
			var tn tensor
			for _, d := range tf {
				if d.num == tensorDims {
					tn.dims = append(tn.dims, int(d.varint))
				}
			}
			require.EqualValues(t, dataFloat, one(t, tf, tensorDataType).varint)
			raw := one(t, tf, tensorRawData).bytes
			require.Len(t, raw, 4*product(tn.dims))
			for i := 0; i < len(raw); i += 4 {
				tn.data = append(tn.data, math.Float32frombits(binary.LittleEndian.Uint32(raw[i:])))
			}
			m.initializers[string(one(t, tf, tensorName).bytes)] = tn
		case graphInput:
			m.input, m.inputDims = valueInfoOf(t, f.bytes)
		case graphOutput:
			m.output, _ = valueInfoOf(t, f.bytes)
		}
	}
	return m
}

// valueInfoOf returns a float tensor's name and its dims (a symbolic one
// as its name, a fixed one as its decimal value).
func valueInfoOf(t *testing.T, b []byte) (string, []string) {
	v := decode(t, b)
	typ := decode(t, one(t, v, valueType).bytes)
	tt := decode(t, one(t, typ, typeTensor).bytes)
	require.EqualValues(t, dataFloat, one(t, tt, tensorElemType).varint)
	var dims []string
	for _, d := range decode(t, one(t, tt, tensorShape).bytes) {
		dd := decode(t, d.bytes)
		if p := strings(dd, dimParam); len(p) == 1 {
			dims = append(dims, p[0])
		} else {
			dims = append(dims, fmt.Sprint(one(t, dd, dimValue).varint))
		}
	}
	return string(one(t, v, valueName).bytes), dims
}

func product(d []int) int {
	p := 1
	for _, x := range d {
		p *= x
	}
	return p
}

// run interprets the graph on x (rows × cols) with float64 arithmetic,
// following ONNX's definition of each operator the exporter emits.
func (m model) run(t *testing.T, x []float32, rows, cols int) []float64 {
	t.Helper()
	type value struct {
		v          []float64
		rows, cols int
	}
	vals := map[string]value{}
	in := make([]float64, len(x))
	for i, v := range x {
		in[i] = float64(v)
	}
	vals[m.input] = value{in, rows, cols}
	get := func(name string) value {
		if v, ok := vals[name]; ok {
			return v
		}
		tn, ok := m.initializers[name]
		require.True(t, ok, "tensor %q is neither computed nor an initializer", name)
		f := make([]float64, len(tn.data))
		for i, v := range tn.data {
			f[i] = float64(v)
		}
		if len(tn.dims) == 1 {
			return value{f, 1, tn.dims[0]}
		}
		return value{f, tn.dims[0], tn.dims[1]}
	}
	for _, n := range m.nodes {
		ins, outs := strings(n, nodeInput), strings(n, nodeOutput)
		require.Len(t, outs, 1)
		attrs := map[string]int64{}
		for _, f := range n {
			if f.num == nodeAttribute {
				a := decode(t, f.bytes)
				require.EqualValues(t, attrTypeInt, one(t, a, attrType).varint)
				attrs[string(one(t, a, attrName).bytes)] = int64(one(t, a, attrI).varint)
			}
		}
		a := get(ins[0])
		r := value{make([]float64, a.rows*a.cols), a.rows, a.cols}
		op := string(one(t, n, nodeOpType).bytes)
		switch op {
		case "Gemm":
			require.Equal(t, map[string]int64{"transB": 1}, attrs)
			w, b := get(ins[1]), get(ins[2])
			require.Equal(t, a.cols, w.cols)
			r = value{make([]float64, a.rows*w.rows), a.rows, w.rows}
			for i := range a.rows {
				for j := range w.rows {
					s := b.v[j]
					for k := range a.cols {
						s += a.v[i*a.cols+k] * w.v[j*w.cols+k]
					}
					r.v[i*w.rows+j] = s
				}
			}
		case "Sigmoid", "Tanh", "Relu":
			for i, v := range a.v {
				r.v[i] = map[string]func(float64) float64{
					"Sigmoid": func(v float64) float64 { return 1 / (1 + math.Exp(-v)) },
					"Tanh":    math.Tanh,
					"Relu":    func(v float64) float64 { return math.Max(v, 0) },
				}[op](v)
			}
		case "Softmax":
			require.Equal(t, map[string]int64{"axis": 1}, attrs)
			for i := range a.rows {
				row, mx, sum := a.v[i*a.cols:(i+1)*a.cols], math.Inf(-1), 0.0
				for _, v := range row {
					mx = math.Max(mx, v)
				}
				for j, v := range row {
					r.v[i*a.cols+j] = math.Exp(v - mx)
					sum += r.v[i*a.cols+j]
				}
				for j := range row {
					r.v[i*a.cols+j] /= sum
				}
			}
		case "Sub", "Div", "Mul", "Add":
			b := get(ins[1])
			require.Equal(t, 1, b.rows)
			require.Equal(t, a.cols, b.cols)
			for i, v := range a.v {
				c := b.v[i%a.cols]
				r.v[i] = map[string]float64{"Sub": v - c, "Div": v / c, "Mul": v * c, "Add": v + c}[op]
			}
		default:
			t.Fatalf("operator %q", op)
		}
		vals[outs[0]] = r
	}
	out, ok := vals[m.output]
	require.True(t, ok, "graph output %q is no node's output", m.output)
	return out.v
}

func network(t *testing.T, spec core.Spec) *core.Network {
	t.Helper()
	n, err := core.New(spec)
	require.NoError(t, err)
	t.Cleanup(func() { n.Close() })
	return n
}

func sample(rows, cols int) []float32 {
	x := make([]float32, rows*cols)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)*0.37)) * 2
	}
	return x
}

// TestGraphComputesPredict: for every activation, the written graph run by
// an independent interpreter gives the network's own predictions.
func TestGraphComputesPredict(t *testing.T) {
	specs := map[string]core.Spec{
		"sigmoid-mse": {Inputs: 7, Layers: []core.Layer{{Units: 5, Activation: core.Sigmoid}, {Units: 3, Activation: core.Sigmoid}}, Loss: core.MSE},
		"tanh-relu-softmax": {Inputs: 13, Layers: []core.Layer{{Units: 11, Activation: core.Tanh}, {Units: 6, Activation: core.ReLU}, {Units: 4, Activation: core.Softmax}},
			Loss: core.CategoricalCrossEntropy},
		"linear": {Inputs: 3, Layers: []core.Layer{{Units: 1, Activation: core.Linear}}, Loss: core.MSE},
	}
	for name, spec := range specs {
		t.Run(name, func(t *testing.T) {
			spec.MaxBatch, spec.Seed, spec.Optimizer = 9, 3, core.Optimizer{Kind: core.SGD, LearningRate: 0.1}
			n := network(t, spec)
			var buf bytes.Buffer
			require.NoError(t, Write(&buf, n, Options{}))
			m := decodeModel(t, buf.Bytes())
			require.Equal(t, "input", m.input)
			require.Equal(t, "output", m.output)
			require.Equal(t, []string{"batch", fmt.Sprint(spec.Inputs)}, m.inputDims)

			x := sample(9, spec.Inputs)
			want := make([]float32, 9*spec.Outputs())
			require.NoError(t, n.Predict(x, 9, want))
			got := m.run(t, x, 9, spec.Inputs)
			require.Len(t, got, len(want))
			for i := range want {
				require.InDelta(t, want[i], got[i], 1e-5, "output %d", i)
			}
		})
	}
}

// TestGraphScaling: the optional standardization of inputs and the undoing
// of a target standardization are applied around the network.
func TestGraphScaling(t *testing.T) {
	spec := core.Spec{Inputs: 4, Layers: []core.Layer{{Units: 6, Activation: core.Tanh}, {Units: 2, Activation: core.Linear}}, Loss: core.MSE, MaxBatch: 5, Seed: 1,
		Optimizer: core.Optimizer{Kind: core.Adam, LearningRate: 0.01}}
	n := network(t, spec)
	o := Options{InputName: "x", OutputName: "y",
		FeatureMean: []float32{1, -2, 0.5, 3}, FeatureStd: []float32{2, 0.5, 1, 4},
		TargetMean: []float32{100, -7}, TargetStd: []float32{15, 0.25}}
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, n, o))
	m := decodeModel(t, buf.Bytes())
	require.Equal(t, "x", m.input)
	require.Equal(t, "y", m.output)

	x := sample(5, 4)
	scaled := make([]float32, len(x))
	for i, v := range x {
		scaled[i] = (v - o.FeatureMean[i%4]) / o.FeatureStd[i%4]
	}
	want := make([]float32, 5*2)
	require.NoError(t, n.Predict(scaled, 5, want))
	got := m.run(t, x, 5, 4)
	for i := range want {
		require.InDelta(t, float64(want[i])*float64(o.TargetStd[i%2])+float64(o.TargetMean[i%2]), got[i], 1e-4, "output %d", i)
	}
}

func TestEncodeRefuses(t *testing.T) {
	spec := core.Spec{Inputs: 2, Layers: []core.Layer{{Units: 2, Activation: core.Sigmoid}, {Units: 1, Activation: core.Sigmoid}}, Loss: core.MSE}
	good := make([]float32, spec.ParamCount())
	cases := map[string]struct {
		spec   core.Spec
		params []float32
		o      Options
	}{
		"bad spec":         {core.Spec{Inputs: 0}, nil, Options{}},
		"short params":     {spec, good[1:], Options{}},
		"NaN param":        {spec, append([]float32{float32(math.NaN())}, good[1:]...), Options{}},
		"feature mean len": {spec, good, Options{FeatureMean: []float32{0}, FeatureStd: []float32{1, 1}}},
		"std only":         {spec, good, Options{FeatureStd: []float32{1, 1}}},
		"zero std":         {spec, good, Options{FeatureMean: []float32{0, 0}, FeatureStd: []float32{1, 0}}},
		"Inf target mean":  {spec, good, Options{TargetMean: []float32{float32(math.Inf(1))}, TargetStd: []float32{1}}},
		"same names":       {spec, good, Options{InputName: "t", OutputName: "t"}},
	}
	for name, c := range cases {
		_, err := Encode(c.spec, c.params, c.o)
		require.True(t, errors.Is(err, ErrExport), "%s: %v", name, err)
	}
	_, err := Encode(spec, good, Options{})
	require.NoError(t, err)
	require.ErrorIs(t, Write(&bytes.Buffer{}, nil, Options{}), ErrExport)
}

// TestWriteUsesSchema: a network's data schema supplies the scalings and
// travels as metadata; options given explicitly win.
func TestWriteUsesSchema(t *testing.T) {
	spec := core.Spec{Inputs: 3, Layers: []core.Layer{{Units: 5, Activation: core.Tanh}, {Units: 1, Activation: core.Linear}},
		Loss: core.MSE, MaxBatch: 4, Seed: 2, Optimizer: core.Optimizer{Kind: core.Adam, LearningRate: 0.01}}
	n := network(t, spec)
	schema := &core.Schema{Task: core.TaskRegression, Features: []string{"age", "bmi", "bp"}, LabelColumn: -1,
		FeatureScaling: &core.Scaling{Method: "zscore", Offset: []float64{50, 26, 94}, Scale: []float64{13, 4.4, 13.8}},
		TargetScaling:  &core.Scaling{Method: "zscore", Offset: []float64{152}, Scale: []float64{77}}}
	require.NoError(t, n.SetSchema(schema))

	var buf bytes.Buffer
	require.NoError(t, Write(&buf, n, Options{Metadata: map[string]string{"note": "x"}}))
	m := decodeModel(t, buf.Bytes())
	require.JSONEq(t, string(n.SchemaJSON()), m.metadata[SchemaKey])
	require.Equal(t, "x", m.metadata["note"])

	x := []float32{40, 30, 100, 60, 22, 80, 55, 26, 94, 33, 35, 120}
	scaled := make([]float32, len(x))
	for i, v := range x {
		sc := schema.FeatureScaling
		scaled[i] = float32((float64(v) - sc.Offset[i%3]) / sc.Scale[i%3])
	}
	want := make([]float32, 4)
	require.NoError(t, n.Predict(scaled, 4, want))
	got := m.run(t, x, 4, 3)
	for i := range want {
		require.InDelta(t, float64(want[i])*77+152, got[i], 1e-3, "output %d", i)
	}

	// Explicit scalings replace the schema's.
	buf.Reset()
	one := []float32{1}
	require.NoError(t, Write(&buf, n, Options{TargetMean: []float32{0}, TargetStd: one}))
	got = decodeModel(t, buf.Bytes()).run(t, x, 4, 3)
	for i := range want {
		require.InDelta(t, want[i], got[i], 1e-4, "output %d", i)
	}
}
