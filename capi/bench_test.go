//go:build cgo

package main

import (
	"testing"
	"unsafe"

	"github.com/v1tr0/entrena/core"
)

// overheadNet is the network of capi/tests/bench_capi.c.
func overheadNet(tb testing.TB) (*core.Network, []float32, []float32) {
	net, err := core.New(core.Spec{
		Inputs: 784,
		Layers: []core.Layer{
			{Units: 128, Activation: core.Sigmoid},
			{Units: 64, Activation: core.Sigmoid},
			{Units: 10, Activation: core.Sigmoid},
		},
		Loss:      core.MSE,
		Optimizer: core.Optimizer{Kind: core.SGD, LearningRate: 0.1},
		MaxBatch:  32,
		Seed:      1,
		Threads:   1,
	})
	if err != nil {
		tb.Fatal(err)
	}
	x, y := make([]float32, 32*784), make([]float32, 32*10)
	for i := range x {
		x[i] = float32(i%255) / 255
	}
	for i := range 32 {
		y[i*10+i%10] = 1
	}
	return net, x, y
}

// BenchmarkOverhead measures from Go what bench_capi.c measures from C:
// "core" calls the Go API directly, "export" calls the exported functions
// as Go functions (the C layer's work without the cgo transition).
func BenchmarkOverhead(b *testing.B) {
	net, x, y := overheadNet(b)
	out := make([]float32, 10)
	id := register(net)
	defer destroy(id)
	var count int64
	var cost float32

	b.Run("core/trivial", func(b *testing.B) {
		for b.Loop() {
			count = int64(net.ParamCount())
		}
	})
	b.Run("export/trivial", func(b *testing.B) {
		for b.Loop() {
			if entrena_param_count(id, unsafe.Pointer(&count)) != statusOK {
				b.Fatal("param_count failed")
			}
		}
	})
	b.Run("core/predict1", func(b *testing.B) {
		for b.Loop() {
			if err := net.Predict(x[:784], 1, out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("export/predict1", func(b *testing.B) {
		for b.Loop() {
			if entrena_predict(id, unsafe.Pointer(&x[0]), 784, 1, unsafe.Pointer(&out[0]), 10) != statusOK {
				b.Fatal("predict failed")
			}
		}
	})
	b.Run("core/trainstep32", func(b *testing.B) {
		for b.Loop() {
			if _, err := net.TrainStep(x, y, 32); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("export/trainstep32", func(b *testing.B) {
		for b.Loop() {
			if entrena_train_step(id, unsafe.Pointer(&x[0]), int64(len(x)), unsafe.Pointer(&y[0]), int64(len(y)), 32, unsafe.Pointer(&cost)) != statusOK {
				b.Fatal("train step failed")
			}
		}
	})
}
