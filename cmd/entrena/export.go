package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/v1tr0/entrena/core"
	"github.com/v1tr0/entrena/internal/regularfile"
	"github.com/v1tr0/entrena/onnx"
)

const exportSynopsis = `Writes a model trained by entrena as an ONNX file, for any ONNX runtime
(onnxruntime, OpenVINO, TensorRT, onnxruntime-web): per layer a Gemm and its
activation, input "input" [batch, features], output "output" [batch, outputs].

The model's data schema goes into the graph: its feature scaling is applied
to the input (so the ONNX model takes the raw columns, in the schema's
order), a regression's target scaling is undone on the output, and the
schema itself (feature names, class labels) is stored as the metadata entry
"entrena.schema". A model without a schema uses its FILE.norm, if any, for
the feature scaling.`

func cmdExport(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", exportSynopsis)
	model := fs.String("model", "", "model `FILE` written by entrena train --out (required)")
	out := fs.String("onnx", "", "write the ONNX model to `FILE` (atomically; required)")
	if _, err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *model == "" || *out == "" {
		return usagef("--model and --onnx are required")
	}
	if err := checkOutputs([]string{*out}); err != nil {
		return err
	}
	if err := checkDistinctFiles([]namedFile{{"--onnx", *out}}, []namedFile{{"--model", *model}}); err != nil {
		return err
	}
	net, err := core.Load(*model)
	if err != nil {
		return err
	}
	defer net.Close()
	o := onnx.Options{Producer: core.Version, DocString: "exported by entrena " + core.Version + " from " + *model}
	if net.Schema() == nil {
		norm, err := loadNorm(*model)
		if err != nil {
			return err
		}
		if norm != nil {
			if norm.Features() != net.Inputs() {
				return fmt.Errorf("%s scales %d features, the model takes %d", normPath(*model), norm.Features(), net.Inputs())
			}
			o.FeatureMean, o.FeatureStd = float32s(norm.Offset), float32s(norm.Scale)
		}
	}
	var buf bytes.Buffer
	if err := onnx.Write(&buf, net, o); err != nil {
		return err
	}
	if err := regularfile.WriteAtomic(*out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ONNX model (IR %d, opset %d) of %s saved to %s\n", onnx.IRVersion, onnx.OpsetVersion, describeNet(net), *out)
	return nil
}

func float32s(v []float64) []float32 {
	f := make([]float32, len(v))
	for i, x := range v {
		f[i] = float32(x)
	}
	return f
}

// describeNet is a network's layer sizes and activations: 784-128:sigmoid-10:softmax.
func describeNet(n *core.Network) string {
	s := n.Spec()
	d := fmt.Sprint(s.Inputs)
	for _, l := range s.Layers {
		d += fmt.Sprintf("-%d:%s", l.Units, l.Activation)
	}
	return d
}
