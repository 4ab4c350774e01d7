// Command goref is the Go side of the Python bindings' tests and benchmark.
//
//	goref ref   [flags]  trains a network with the Go API (core) and prints
//	                     its parameters, cost history and predictions as JSON
//	                     (float32 bit patterns, so Python can compare exactly)
//	goref bench [flags]  times core.Network.Fit per epoch and a single-sample
//	                     Predict, printing JSON
//
// The data set is synthetic and defined by a formula that
// bindings/python/tests/test_goref.py reproduces bit for bit:
// x[i][j] = ((7i+13j) mod 17)/16, y[i] one-hot at i mod outputs (or i mod 2
// for a single output).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/v1tr0/entrena/core"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: goref ref|bench [flags]")
		os.Exit(2)
	}
	mode := os.Args[1]
	fs := flag.NewFlagSet(mode, flag.ExitOnError)
	inputs := fs.Int("inputs", 5, "features per sample")
	layers := fs.String("layers", "8:tanh,3:softmax", "units:activation,...")
	loss := fs.String("loss", "cce", "mse, bce or cce")
	opt := fs.String("opt", "adam", "sgd, momentum or adam")
	lr := fs.Float64("lr", 0.01, "learning rate")
	maxBatch := fs.Int("maxbatch", 16, "max batch")
	samples := fs.Int("samples", 50, "samples")
	epochs := fs.Int("epochs", 5, "epochs")
	batch := fs.Int("batch", 8, "batch size")
	shuffle := fs.Bool("shuffle", true, "shuffle every epoch")
	seed := fs.Uint64("seed", 7, "seed")
	threads := fs.Int("threads", 1, "threads")
	predicts := fs.Int("predicts", 20000, "bench: single-sample predict calls")
	_ = fs.Parse(os.Args[2:])

	spec := core.Spec{Inputs: *inputs, MaxBatch: *maxBatch, Seed: *seed, Threads: *threads}
	var err error
	if spec.Loss, err = core.ParseLoss(*loss); err != nil {
		fail(err)
	}
	if spec.Optimizer.Kind, err = core.ParseOptimizer(*opt); err != nil {
		fail(err)
	}
	spec.Optimizer.LearningRate = float32(*lr)
	for _, l := range strings.Split(*layers, ",") {
		u, a, _ := strings.Cut(l, ":")
		n, err := strconv.Atoi(u)
		if err != nil {
			fail(err)
		}
		act, err := core.ParseActivation(a)
		if err != nil {
			fail(err)
		}
		spec.Layers = append(spec.Layers, core.Layer{Units: n, Activation: act})
	}
	net, err := core.New(spec)
	if err != nil {
		fail(err)
	}
	defer net.Close()
	outs := net.Outputs()
	var x, y []float32
	if mode == "bench" {
		x, y = randomData(*samples, *inputs, outs)
	} else {
		x, y = formulaData(*samples, *inputs, outs)
	}
	opts := core.FitOptions{Epochs: *epochs, BatchSize: *batch, Shuffle: *shuffle}

	switch mode {
	case "ref":
		hist, err := net.Fit(x, y, *samples, opts)
		if err != nil {
			fail(err)
		}
		params := make([]float32, net.ParamCount())
		if _, err := net.CopyParams(params); err != nil {
			fail(err)
		}
		pred := make([]float32, *samples*outs)
		if err := net.Predict(x, *samples, pred); err != nil {
			fail(err)
		}
		emit(map[string]any{"params": bits(params), "history": bits(hist.Cost), "predict": bits(pred)})
	case "bench":
		// Warm-up epoch (first-use buffer growth), then timed epochs one by one.
		opts.Epochs = 1
		if _, err := net.Fit(x, y, *samples, opts); err != nil {
			fail(err)
		}
		var per []float64
		for e := 0; e < *epochs; e++ {
			t := time.Now()
			if _, err := net.Fit(x, y, *samples, opts); err != nil {
				fail(err)
			}
			per = append(per, time.Since(t).Seconds())
		}
		one := make([]float32, outs)
		for i := 0; i < 1000; i++ {
			_ = net.Predict(x[:*inputs], 1, one)
		}
		// The fastest chunk of 500 calls, like bench_fit.py does in Python.
		ns := math.Inf(1)
		for c := 0; c < max(*predicts/500, 1); c++ {
			t := time.Now()
			for i := 0; i < 500; i++ {
				if err := net.Predict(x[:*inputs], 1, one); err != nil {
					fail(err)
				}
			}
			ns = min(ns, float64(time.Since(t).Nanoseconds())/500)
		}
		emit(map[string]any{"epoch_seconds": per, "predict_ns": ns})
	default:
		fail(fmt.Errorf("unknown mode %q", mode))
	}
}

func formulaData(samples, inputs, outputs int) (x, y []float32) {
	x = make([]float32, samples*inputs)
	y = make([]float32, samples*outputs)
	for i := 0; i < samples; i++ {
		for j := 0; j < inputs; j++ {
			x[i*inputs+j] = float32((7*i+13*j)%17) / 16
		}
		if outputs == 1 {
			y[i] = float32(i % 2)
		} else {
			y[i*outputs+i%outputs] = 1
		}
	}
	return x, y
}

func randomData(samples, inputs, outputs int) (x, y []float32) {
	r := rand.New(rand.NewSource(1))
	x = make([]float32, samples*inputs)
	y = make([]float32, samples*outputs)
	for i := range x {
		x[i] = r.Float32()
	}
	for i := 0; i < samples; i++ {
		y[i*outputs+r.Intn(outputs)] = 1
	}
	return x, y
}

func bits(s []float32) []uint32 {
	b := make([]uint32, len(s))
	for i, v := range s {
		b[i] = math.Float32bits(v)
	}
	return b
}

func emit(v any) {
	if err := json.NewEncoder(os.Stdout).Encode(v); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "goref:", err)
	os.Exit(1)
}
