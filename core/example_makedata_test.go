package core_test

import (
	"fmt"

	"github.com/v1tr0/entrena/core"
)

// A data set built in Go for Fit: MakeData instead of make, so that a large
// one sits on huge pages (Linux) and its batches read faster.
func ExampleMakeData() {
	const samples, inputs = 8192, 64 // 2 MiB of inputs
	x := core.MakeData(samples * inputs)
	y := core.MakeData(samples) // one 0/1 target per sample
	for s := 0; s < samples; s++ {
		for i := 0; i < inputs; i++ {
			x[s*inputs+i] = float32((s*7+i*13)%101) / 100
		}
		if x[s*inputs] > 0.5 {
			y[s] = 1 // the target is whether the first feature is above 0.5
		}
	}
	net, err := core.New(core.Spec{
		Inputs:    inputs,
		Layers:    []core.Layer{{Units: 16, Activation: core.Sigmoid}, {Units: 1, Activation: core.Sigmoid}},
		Loss:      core.MSE,
		Optimizer: core.Optimizer{Kind: core.SGD, LearningRate: 1},
		MaxBatch:  64,
		Seed:      1,
	})
	if err != nil {
		panic(err)
	}
	defer net.Close()
	h, err := net.Fit(x, y, samples, core.FitOptions{Epochs: 20, Shuffle: true})
	if err != nil {
		panic(err)
	}
	fmt.Printf("cost after %d epochs below 0.05: %v\n", len(h.Cost), h.Cost[len(h.Cost)-1] < 0.05)
	// Output: cost after 20 epochs below 0.05: true
}
