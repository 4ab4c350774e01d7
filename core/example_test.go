package core_test

import (
	"errors"
	"fmt"

	"github.com/v1tr0/entrena/core"
)

// The training cycle: forward, cost, backward, update, printing the
// cost every 100 epochs, on XOR with a 2-4-1 sigmoid network and MSE.
func Example_trainingCycle() {
	x := []float32{0, 0, 0, 1, 1, 0, 1, 1} // 4 samples × 2 features
	y := []float32{0, 1, 1, 0}             // 4 samples × 1 target
	net, err := core.New(core.Spec{
		Inputs:    2,
		Layers:    []core.Layer{{Units: 4, Activation: core.Sigmoid}, {Units: 1, Activation: core.Sigmoid}},
		Loss:      core.MSE,
		Optimizer: core.Optimizer{Kind: core.SGD, LearningRate: 2},
		MaxBatch:  4,
		Seed:      1,
	})
	if err != nil {
		panic(err)
	}
	defer net.Close()
	for epoch := 0; epoch < 1000; epoch++ {
		cost, err := net.TrainStep(x, y, 4) // the whole set is one batch here
		if err != nil {
			panic(err)
		}
		if epoch%100 == 0 {
			fmt.Printf("Epoch %d: Cost = %.3f\n", epoch, cost)
		}
	}
	out := make([]float32, 4)
	_ = net.Predict(x, 4, out)
	fmt.Printf("XOR: %.1f %.1f %.1f %.1f\n", out[0], out[1], out[2], out[3])
	// Output:
	// Epoch 0: Cost = 0.284
	// Epoch 100: Cost = 0.249
	// Epoch 200: Cost = 0.241
	// Epoch 300: Cost = 0.142
	// Epoch 400: Cost = 0.034
	// Epoch 500: Cost = 0.014
	// Epoch 600: Cost = 0.009
	// Epoch 700: Cost = 0.006
	// Epoch 800: Cost = 0.005
	// Epoch 900: Cost = 0.004
	// XOR: 0.0 0.9 0.9 0.1
}

// A learning-rate sweep: one training per rate with the same seed,
// printing the final cost of each (a rate that diverges says so).
func Example_learningRateSweep() {
	x := []float32{0, 0, 0, 1, 1, 0, 1, 1}
	y := []float32{0, 1, 1, 0}
	for _, lr := range []float32{0.001, 0.01, 0.1, 1.0} {
		net, err := core.New(core.Spec{
			Inputs:    2,
			Layers:    []core.Layer{{Units: 4, Activation: core.Sigmoid}, {Units: 1, Activation: core.Sigmoid}},
			Loss:      core.MSE,
			Optimizer: core.Optimizer{Kind: core.SGD, LearningRate: lr},
			MaxBatch:  4,
			Seed:      1,
		})
		if err != nil {
			panic(err)
		}
		h, err := net.Fit(x, y, 4, core.FitOptions{Epochs: 2000, BatchSize: 2})
		net.Close()
		var diverged *core.DivergedError
		switch {
		case errors.As(err, &diverged):
			fmt.Printf("LR=%g: diverged at epoch %d\n", lr, diverged.Epoch)
		case err != nil:
			panic(err)
		default:
			fmt.Printf("LR=%g: Costo Final=%.3f\n", lr, h.Cost[len(h.Cost)-1])
		}
	}
	// Output:
	// LR=0.001: Costo Final=0.256
	// LR=0.01: Costo Final=0.251
	// LR=0.1: Costo Final=0.241
	// LR=1: Costo Final=0.001
}
