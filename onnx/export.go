package onnx

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"

	"github.com/v1tr0/entrena/core"
)

// IRVersion and OpsetVersion are the ONNX versions of the files written.
const (
	IRVersion    = 7
	OpsetVersion = 13
)

// ErrExport is wrapped by every error for a network or option that cannot
// be written.
var ErrExport = errors.New("onnx export")

// Options are the optional parts of an exported graph.
type Options struct {
	// InputName and OutputName name the graph's input and output tensors
	// ("input" and "output" when empty).
	InputName, OutputName string

	// FeatureMean and FeatureStd, when set (Inputs floats each), make the
	// graph standardize its input first, (x − mean)/std, as the network
	// was trained on standardized features.
	FeatureMean, FeatureStd []float32

	// TargetMean and TargetStd, when set (Outputs floats each), make the
	// graph undo a target standardization on its output: y·std + mean.
	TargetMean, TargetStd []float32

	// Producer is stored as the model's producer_version ("entrena" is the
	// producer_name); DocString as its documentation.
	Producer, DocString string

	// Metadata is stored as the model's metadata_props (key → value), which
	// runtimes expose (onnxruntime: session.get_modelmeta().custom_metadata_map).
	Metadata map[string]string
}

// SchemaKey is the metadata key under which Write stores the network's data
// schema (core.MarshalSchema's JSON: feature names, class labels, scalings).
const SchemaKey = "entrena.schema"

// Write writes n as an ONNX model to w (see Encode). When n has a data
// schema (core.Schema), the graph applies its feature scaling to the input
// and undoes its target scaling on the output, unless o sets them, and the
// schema's JSON is stored as the metadata entry SchemaKey, so the class
// labels and feature names travel with the file.
func Write(w io.Writer, n *core.Network, o Options) error {
	if n == nil {
		return fmt.Errorf("%w: nil network", ErrExport)
	}
	params := make([]float32, n.ParamCount())
	if _, err := n.CopyParams(params); err != nil {
		return fmt.Errorf("%w: %w", ErrExport, err)
	}
	if s := n.Schema(); s != nil {
		if o.FeatureMean == nil && o.FeatureStd == nil && s.FeatureScaling != nil {
			o.FeatureMean, o.FeatureStd = float32s(s.FeatureScaling.Offset), float32s(s.FeatureScaling.Scale)
		}
		if o.TargetMean == nil && o.TargetStd == nil && s.TargetScaling != nil {
			o.TargetMean, o.TargetStd = float32s(s.TargetScaling.Offset), float32s(s.TargetScaling.Scale)
		}
		if _, ok := o.Metadata[SchemaKey]; !ok {
			md := map[string]string{SchemaKey: string(n.SchemaJSON())}
			for k, v := range o.Metadata {
				md[k] = v
			}
			o.Metadata = md
		}
	}
	b, err := Encode(n.Spec(), params, o)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Encode returns the ONNX model of the network spec with parameters params
// (core's order: for each layer its out×in weights row-major, then its
// biases). A parameter or scaling constant that is NaN or ±Inf, or a
// standard deviation of 0, is an error: the runtime would produce NaN.
func Encode(spec core.Spec, params []float32, o Options) ([]byte, error) {
	// Only the layers matter here: a spec's training settings are checked
	// with neutral ones.
	layers := core.Spec{Inputs: spec.Inputs, Layers: spec.Layers, Loss: spec.Loss, MaxBatch: 1,
		Optimizer: core.Optimizer{Kind: core.SGD, LearningRate: 1}}
	if err := layers.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrExport, err)
	}
	if len(params) != spec.ParamCount() {
		return nil, fmt.Errorf("%w: %d parameters for a network of %d", ErrExport, len(params), spec.ParamCount())
	}
	if i := firstNonFinite(params); i >= 0 {
		return nil, fmt.Errorf("%w: parameter %d is %v", ErrExport, i, params[i])
	}
	if err := checkAffine("feature", o.FeatureMean, o.FeatureStd, spec.Inputs); err != nil {
		return nil, err
	}
	if err := checkAffine("target", o.TargetMean, o.TargetStd, spec.Outputs()); err != nil {
		return nil, err
	}
	in, out := o.InputName, o.OutputName
	if in == "" {
		in = "input"
	}
	if out == "" {
		out = "output"
	}
	if in == out {
		return nil, fmt.Errorf("%w: input and output are both named %q", ErrExport, in)
	}

	g := &graph{}
	cur := in
	if o.FeatureMean != nil {
		g.initializer("feature_mean", o.FeatureMean, len(o.FeatureMean))
		g.initializer("feature_std", o.FeatureStd, len(o.FeatureStd))
		cur = g.node("Sub", "feature_centered", nil, cur, "feature_mean")
		cur = g.node("Div", "features_standardized", nil, cur, "feature_std")
	}
	fanIn := spec.Inputs
	for i, l := range spec.Layers {
		w := params[:l.Units*fanIn]
		b := params[len(w) : len(w)+l.Units]
		params = params[len(w)+len(b):]
		prefix := "layer" + strconv.Itoa(i)
		g.initializer(prefix+".weight", w, l.Units, fanIn)
		g.initializer(prefix+".bias", b, l.Units)
		cur = g.node("Gemm", prefix+".linear", []attribute{{name: "transB", i: 1}}, cur, prefix+".weight", prefix+".bias")
		switch l.Activation {
		case core.Sigmoid:
			cur = g.node("Sigmoid", prefix+".sigmoid", nil, cur)
		case core.Tanh:
			cur = g.node("Tanh", prefix+".tanh", nil, cur)
		case core.ReLU:
			cur = g.node("Relu", prefix+".relu", nil, cur)
		case core.Softmax:
			cur = g.node("Softmax", prefix+".softmax", []attribute{{name: "axis", i: 1}}, cur)
		case core.Linear:
		default:
			return nil, fmt.Errorf("%w: layer %d: activation %v has no ONNX operator here", ErrExport, i, l.Activation)
		}
		fanIn = l.Units
	}
	if o.TargetMean != nil {
		g.initializer("target_std", o.TargetStd, len(o.TargetStd))
		g.initializer("target_mean", o.TargetMean, len(o.TargetMean))
		cur = g.node("Mul", "target_scaled", nil, cur, "target_std")
		cur = g.node("Add", "target", nil, cur, "target_mean")
	}
	g.rename(cur, out)

	var graphMsg message
	for i := range g.nodes {
		graphMsg.sub(graphNode, g.nodes[i].encode())
	}
	graphMsg.string(graphName, "entrena")
	for _, t := range g.initializers {
		graphMsg.sub(graphInitializer, &t)
	}
	graphMsg.sub(graphInput, valueInfo(in, spec.Inputs))
	graphMsg.sub(graphOutput, valueInfo(out, spec.Outputs()))

	var opset message
	opset.string(opsetDomain, "")
	opset.varint(opsetVersion, OpsetVersion)

	var model message
	model.varint(modelIRVersion, IRVersion)
	model.string(modelProducerName, "entrena")
	if o.Producer != "" {
		model.string(modelProducerVer, o.Producer)
	}
	if o.DocString != "" {
		model.string(modelDocString, o.DocString)
	}
	model.sub(modelGraph, &graphMsg)
	model.sub(modelOpsetImport, &opset)
	keys := make([]string, 0, len(o.Metadata))
	for k := range o.Metadata {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the same file for the same model
	for _, k := range keys {
		var e message
		e.string(entryKey, k)
		e.string(entryValue, o.Metadata[k])
		model.sub(modelMetadataProps, &e)
	}
	return model.b, nil
}

func float32s(v []float64) []float32 {
	f := make([]float32, len(v))
	for i, x := range v {
		f[i] = float32(x)
	}
	return f
}

// checkAffine checks an optional mean/std pair of n floats each.
func checkAffine(what string, mean, std []float32, n int) error {
	if mean == nil && std == nil {
		return nil
	}
	if len(mean) != n || len(std) != n {
		return fmt.Errorf("%w: %s mean and std need %d values each, got %d and %d", ErrExport, what, n, len(mean), len(std))
	}
	if i := firstNonFinite(mean); i >= 0 {
		return fmt.Errorf("%w: %s mean %d is %v", ErrExport, what, i, mean[i])
	}
	for i, s := range std {
		if s == 0 || math.IsNaN(float64(s)) || math.IsInf(float64(s), 0) {
			return fmt.Errorf("%w: %s std %d is %v", ErrExport, what, i, s)
		}
	}
	return nil
}

func firstNonFinite(s []float32) int {
	for i, v := range s {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return i
		}
	}
	return -1
}

// graph collects nodes and initializers in the order they are written.
type graph struct {
	nodes        []node
	initializers []message
}

type node struct {
	op, out string
	attrs   []attribute
	inputs  []string
}

type attribute struct {
	name string
	i    int64
}

// node appends an operator whose one output is named out and returns out.
func (g *graph) node(op, out string, attrs []attribute, inputs ...string) string {
	g.nodes = append(g.nodes, node{op: op, out: out, attrs: attrs, inputs: inputs})
	return out
}

// rename gives the last node's output, which no node reads, the name out.
func (g *graph) rename(last, out string) {
	n := &g.nodes[len(g.nodes)-1]
	if n.out != last {
		panic("onnx: renaming a tensor that is not the last node's output")
	}
	n.out = out
}

func (n *node) encode() *message {
	var m message
	for _, in := range n.inputs {
		m.string(nodeInput, in)
	}
	m.string(nodeOutput, n.out)
	m.string(nodeName, n.out)
	m.string(nodeOpType, n.op)
	for _, a := range n.attrs {
		var am message
		am.string(attrName, a.name)
		am.varint(attrI, a.i)
		am.varint(attrType, attrTypeInt)
		m.sub(nodeAttribute, &am)
	}
	return &m
}

// initializer appends a float tensor of the given dims.
func (g *graph) initializer(name string, v []float32, dims ...int) {
	var t message
	for _, d := range dims {
		t.varint(tensorDims, int64(d))
	}
	t.varint(tensorDataType, dataFloat)
	t.string(tensorName, name)
	raw := make([]byte, 0, 4*len(v))
	for _, x := range v {
		raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(x))
	}
	t.bytes(tensorRawData, raw)
	g.initializers = append(g.initializers, t)
}

// valueInfo describes a float tensor of shape [batch, features] with a
// symbolic batch dimension.
func valueInfo(name string, features int) *message {
	var batch, feat, shape, tensor, typ, v message
	batch.string(dimParam, "batch")
	feat.varint(dimValue, int64(features))
	shape.sub(shapeDim, &batch)
	shape.sub(shapeDim, &feat)
	tensor.varint(tensorElemType, dataFloat)
	tensor.sub(tensorShape, &shape)
	typ.sub(typeTensor, &tensor)
	v.string(valueName, name)
	v.sub(valueType, &typ)
	return &v
}
