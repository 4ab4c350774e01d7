// Command entrena trains and runs entrena networks.
//
// This first version only runs the built-in demo: the seed's training cycle
// on XOR, printing the cost every 100 epochs.
package main

import (
	"fmt"
	"os"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/core"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "entrena:", err)
		os.Exit(1)
	}
}

func run() error {
	x := []float32{0, 0, 0, 1, 1, 0, 1, 1}
	y := []float32{0, 1, 1, 0}
	net, err := core.New(core.Spec{Inputs: 2,
		Layers: []core.Layer{{Units: 8, Activation: core.Sigmoid}, {Units: 1, Activation: core.Sigmoid}},
		Loss:   core.MSE, Optimizer: core.Optimizer{Kind: core.SGD, LearningRate: 2}, MaxBatch: 4, Seed: 1})
	if err != nil {
		return err
	}
	fmt.Printf("kernels: %s\n", asm.Active())
	_, err = net.Fit(x, y, 4, core.FitOptions{Epochs: 2000, BatchSize: 4, Progress: func(p core.Progress) bool {
		if p.EpochDone && (p.Epoch-1)%100 == 0 {
			fmt.Printf("Epoch %d: Cost = %.4f\n", p.Epoch-1, p.Cost)
		}
		return true
	}})
	return err
}
