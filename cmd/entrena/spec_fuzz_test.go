package main

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/v1tr0/entrena/core"
)

// FuzzSpec feeds random text to the --layers parser and to the spec-file
// parser. Neither may panic; every spec-file error names the file and line;
// what parses writes back to text that parses to the same thing; and a
// spec that buildSpec accepts is one core.New builds (for networks small
// enough to build in a fuzz loop; larger ones are checked by Validate).
// The seed corpus is in testdata/fuzz/FuzzSpec and runs with go test.
func FuzzSpec(f *testing.F) {
	f.Add("784,128:relu,10", "layers = 2,3,1\nlr: 5\nepochs = 300\nbatch = 4\n")
	f.Add("2, 4 :tanh , 1: sigmoid", "# XOR\nactivation = relu\noptimizer = adam\nloss = bce\n")
	f.Add("3,5:softmax,2", "layers = 3,8,4:softmax\nloss = cce\nmomentum = 0.5\noptimizer: momentum\nthreads = 2\nseed = 7\nshuffle = false\nevery = 3\n")
	f.Fuzz(func(t *testing.T, layers, text string) {
		fuzzLayers(t, layers)
		fuzzSpecText(t, layers, text)
	})
}

func fuzzLayers(t *testing.T, s string) {
	inputs, descs, err := parseLayers(s)
	if err != nil {
		var ue usageError
		if !errors.As(err, &ue) {
			t.Fatalf("parseLayers(%q): %T %v, want a usage error", s, err, err)
		}
		return
	}
	if inputs < 1 || len(descs) < 1 {
		t.Fatalf("parseLayers(%q) = %d inputs, %d layers", s, inputs, len(descs))
	}
	text := formatLayers(inputs, descs)
	in2, d2, err := parseLayers(text)
	if err != nil || in2 != inputs || !reflect.DeepEqual(d2, descs) {
		t.Fatalf("round trip %q → %q → %d %v, %v (want %d %v)", s, text, in2, d2, err, inputs, descs)
	}
}

func formatLayers(inputs int, descs []layerDesc) string {
	s := strconv.Itoa(inputs)
	for _, d := range descs {
		s += "," + strconv.Itoa(d.units)
		if d.act != "" {
			s += ":" + d.act
		}
	}
	return s
}

// specText writes the keys set in o as a spec file.
func specText(o *opts) string {
	var b strings.Builder
	for k := range specKeys {
		if o.set[k] {
			fmt.Fprintf(&b, "%s = %s\n", k, o.fs.Lookup(k).Value.String())
		}
	}
	return b.String()
}

func newFuzzOpts() *opts {
	o := newTrainFlags("train", "", false)
	o.set = map[string]bool{}
	return o
}

// newFuzzOptsWith is newFuzzOpts with flag k given on the command line.
func newFuzzOptsWith(k, v string) *opts {
	o := newFuzzOpts()
	if err := o.fs.Set(k, v); err != nil {
		panic(err)
	}
	o.set[k] = true
	return o
}

func fuzzSpecText(t *testing.T, layers, text string) {
	o := newFuzzOpts()
	if err := o.applySpec("f.spec", strings.NewReader(text)); err != nil {
		if !strings.HasPrefix(err.Error(), "f.spec:") {
			t.Fatalf("spec-file error without the file name: %v", err)
		}
		return
	}
	again := specText(o)
	o2 := newFuzzOpts()
	if err := o2.applySpec("again.spec", strings.NewReader(again)); err != nil {
		t.Fatalf("spec file %q written back as %q: %v", text, again, err)
	}
	for k := range specKeys {
		if a, b := o.fs.Lookup(k).Value.String(), o2.fs.Lookup(k).Value.String(); a != b || o.set[k] != o2.set[k] {
			t.Fatalf("round trip of %s: %q (set %v) → %q (set %v)", k, a, o.set[k], b, o2.set[k])
		}
	}

	// Build the network as train does, with the fuzzed --layers when the
	// file names none.
	if !o.set["layers"] {
		o.layers = layers
	}
	o.preset(map[string]string{"loss": "mse", "lr": "0.5", "epochs": "1", "batch": "4"})
	if o.checkCommonEarly() != nil || o.checkCommon() != nil {
		return
	}
	parseRates(o.lr) // sweep's reading of the same value
	lr, err := strconv.ParseFloat(o.lr, 32)
	if err != nil || !(lr > 0) {
		return
	}
	spec, err := o.buildSpec(float32(lr))
	if err != nil {
		var ue usageError
		if !errors.As(err, &ue) {
			t.Fatalf("buildSpec: %T %v, want a usage error", err, err)
		}
		return
	}
	if err := spec.Validate(); err != nil {
		t.Fatalf("buildSpec returned a spec core rejects: %v", err)
	}

	// The spec, written as a spec file with every layer's activation named,
	// builds the same spec.
	o3 := newFuzzOpts()
	if err := o3.applySpec("spec.spec", strings.NewReader(specFile(spec))); err != nil {
		t.Fatalf("spec %+v written as %q: %v", spec, specFile(spec), err)
	}
	o3.preset(map[string]string{"epochs": "1"})
	spec3, err := o3.buildSpec(spec.Optimizer.LearningRate)
	if err != nil || !reflect.DeepEqual(spec3, spec) {
		t.Fatalf("spec round trip: %+v → %q → %+v, %v", spec, specFile(spec), spec3, err)
	}

	acts := 0
	for _, l := range spec.Layers {
		acts += l.Units
	}
	if spec.ParamCount() > 1<<16 || acts*spec.MaxBatch > 1<<18 {
		return
	}
	small := spec
	small.Threads = 1 // the same network; no worker goroutines per iteration
	net, err := core.New(small)
	if err != nil {
		t.Fatalf("core.New rejects a spec buildSpec accepted: %v (%+v)", err, small)
	}
	net.Close()
}

// specFile writes a core.Spec as a spec file.
func specFile(s core.Spec) string {
	var b strings.Builder
	b.WriteString("layers = " + strconv.Itoa(s.Inputs))
	for _, l := range s.Layers {
		fmt.Fprintf(&b, ",%d:%s", l.Units, l.Activation)
	}
	o := s.Optimizer
	fmt.Fprintf(&b, "\nloss = %s\noptimizer = %s\nlr = %s\nmomentum = %s\nbatch = %d\nseed = %d\nthreads = %d\n",
		s.Loss, o.Kind, strconv.FormatFloat(float64(o.LearningRate), 'g', -1, 64),
		strconv.FormatFloat(float64(o.Momentum), 'g', -1, 64), s.MaxBatch, s.Seed, s.Threads)
	return b.String()
}

func TestApplySpecErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"layers = 2,3,1\nlr = 1\nlayers = 2,4,1\n", "f.spec:3: layers is already set on line 1"},
		{"lr: 5=3\n", `f.spec:1: lr: `}, // the first of = and : separates
		{"= 3\n", "f.spec:1: expected `key = value`"},
		{"\n\nwings = 2\n", `f.spec:3: unknown key "wings"`},
		{"epochs = many\n", `f.spec:1: epochs: parse error`},
		{"# " + strings.Repeat("x", maxSpecLine) + "\n", "f.spec:1: line longer than"},
	} {
		o := newFuzzOpts()
		err := o.applySpec("f.spec", strings.NewReader(c.text))
		if c.want == `f.spec:1: lr: ` {
			if err != nil || o.lr != "5=3" {
				t.Errorf("%q: lr %q, %v", c.text, o.lr, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.text, err, c.want)
		}
	}
	// The command line wins, and a key the command line set is still
	// checked for duplicates.
	o := newFuzzOptsWith("epochs", "7")
	if err := o.applySpec("f.spec", strings.NewReader("epochs = 3\nbatch: 2\n")); err != nil || o.epochs != 7 || o.batch != 2 {
		t.Errorf("command line vs file: epochs %d batch %d, %v", o.epochs, o.batch, err)
	}
	if err := newFuzzOptsWith("epochs", "7").applySpec("f.spec", strings.NewReader("epochs = 3\nepochs = 4\n")); err == nil || !strings.Contains(err.Error(), "f.spec:2: epochs is already set on line 1") {
		t.Errorf("duplicate of a command-line key: %v", err)
	}
	for _, s := range []string{"2, 3 :relu ,1", "2,3:relu,1"} {
		if in, d, err := parseLayers(s); err != nil || in != 2 || d[0] != (layerDesc{units: 3, act: "relu"}) || d[1] != (layerDesc{units: 1}) {
			t.Errorf("parseLayers(%q) = %d %v %v", s, in, d, err)
		}
	}
	if _, _, err := parseLayers("2,3:,1"); err == nil || !strings.Contains(err.Error(), `"3:" names no activation`) {
		t.Errorf("empty activation: %v", err)
	}
}
