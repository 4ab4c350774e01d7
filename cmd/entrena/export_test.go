package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportONNX: a trained model becomes an ONNX file (its first field is
// ir_version 7); the schema of a CSV model travels as metadata; bad
// invocations are one-line errors. (The runtime round trip is in the
// Python suite, which has onnxruntime.)
func TestExportONNX(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join("testdata", "sklearn", "wine_index_1to3.csv")
	abs, err := filepath.Abs(csv)
	if err != nil {
		t.Fatal(err)
	}
	must(t, dir, "train", "--data", abs, "--epochs", "3", "--out", "wine.entrena")
	r := must(t, dir, "export", "--model", "wine.entrena", "--onnx", "wine.onnx")
	if !strings.Contains(r.stdout, "13-64:sigmoid-3:softmax saved to wine.onnx") {
		t.Errorf("export said %q", r.stdout)
	}
	b, err := os.ReadFile(filepath.Join(dir, "wine.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 13*64*4 || b[0] != 0x08 || b[1] != 7 {
		t.Fatalf("not an ONNX IR 7 model: % x", b[:min(len(b), 8)])
	}
	for _, want := range []string{"entrena.schema", `"classes":["1","2","3"]`, "alcohol", "Gemm", "Softmax", "feature_std"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the ONNX file lacks %q", want)
		}
	}

	oneLineError(t, entrena(t, dir, "export", "--model", "wine.entrena"), 2, "--model and --onnx are required")
	oneLineError(t, entrena(t, dir, "export", "--model", "missing.entrena", "--onnx", "x.onnx"), 1, "missing.entrena")
	if err := os.Mkdir(filepath.Join(dir, "folder.onnx"), 0o755); err != nil {
		t.Fatal(err)
	}
	oneLineError(t, entrena(t, dir, "export", "--model", "wine.entrena", "--onnx", "folder.onnx"), 1, "not a regular file")
}
