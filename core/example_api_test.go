package core_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/v1tr0/entrena/core"
)

func ExampleNew() {
	net, err := core.New(core.Spec{
		Inputs: 784,
		Layers: []core.Layer{
			{Units: 128, Activation: core.ReLU},
			{Units: 10, Activation: core.Softmax},
		},
		Loss:      core.CategoricalCrossEntropy,
		Optimizer: core.Optimizer{Kind: core.Adam, LearningRate: 0.001},
		MaxBatch:  64,
		Seed:      1,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer net.Close()
	fmt.Println(net)
	fmt.Println(net.ParamCount(), "parameters; Adam's beta2 defaults to", net.Spec().Optimizer.Beta2)
	// Output:
	// entrena.Network 784-128-10 softmax/categorical-crossentropy adam
	// 101770 parameters; Adam's beta2 defaults to 0.999
}

func ExampleNetwork_Predict() {
	net, err := core.New(core.Spec{
		Inputs:    3,
		Layers:    []core.Layer{{Units: 2, Activation: core.Linear}},
		Optimizer: core.Optimizer{LearningRate: 0.1},
		MaxBatch:  4,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer net.Close()
	// y0 = x0 + x1 + x2, y1 = x0 − x2.
	if err := net.SetParams([]float32{1, 1, 1, 1, 0, -1, 0, 0}); err != nil {
		fmt.Println(err)
		return
	}
	x := []float32{1, 2, 3, 4, 5, 6} // 2 samples × 3 inputs
	out := make([]float32, 2*net.Outputs())
	if err := net.Predict(x, 2, out); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out)
	fmt.Println(net.Predict(x, 0, out))
	// Output:
	// [6 -2 15 -2]
	// entrena: bad shape: need at least one sample, got 0
}

// Online learning: one TrainStep per batch as the data arrives, here
// samples of y = 2x − 1 one at a time, until the cost is small.
func ExampleNetwork_TrainStep() {
	net, err := core.New(core.Spec{
		Inputs:    1,
		Layers:    []core.Layer{{Units: 1, Activation: core.Linear}},
		Optimizer: core.Optimizer{Kind: core.Momentum, LearningRate: 0.05},
		MaxBatch:  1,
		Seed:      1,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer net.Close()
	for i := 0; i < 400; i++ {
		x := []float32{float32(i%10)/5 - 1} // the next sample to arrive
		y := []float32{2*x[0] - 1}
		if _, err := net.TrainStep(x, y, 1); err != nil {
			fmt.Println(err)
			return
		}
	}
	w, b, _ := net.Weights(0)
	fmt.Printf("y ≈ %.2fx %+.2f after %d steps\n", w[0], b[0], net.Steps())
	// Output:
	// y ≈ 2.00x -1.00 after 400 steps
}

// Two models written one after the other to one stream come back one at a
// time; what follows them stays in the stream.
func ExampleReadModel() {
	var stream bytes.Buffer
	for _, units := range []int{3, 5} {
		net, err := core.New(core.Spec{Inputs: 2, Layers: []core.Layer{{Units: units, Activation: core.Tanh}, {Units: 1, Activation: core.Sigmoid}},
			Optimizer: core.Optimizer{LearningRate: 0.1}, MaxBatch: 8, Seed: 1})
		if err != nil {
			fmt.Println(err)
			return
		}
		if _, err := net.WriteTo(&stream); err != nil {
			fmt.Println(err)
		}
		net.Close()
	}
	stream.WriteString("end")
	for i := 0; i < 2; i++ {
		net, err := core.ReadModel(&stream)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(net)
		net.Close()
	}
	fmt.Printf("left in the stream: %q\n", stream.String())
	// Output:
	// entrena.Network 2-3-1 sigmoid/mse sgd
	// entrena.Network 2-5-1 sigmoid/mse sgd
	// left in the stream: "end"
}

// Serving one model from many goroutines: one Predictor, a Clone per
// goroutine. The Predictors keep the weights they were made with while
// the network trains on.
func ExamplePredictor() {
	net, err := core.New(core.Spec{
		Inputs:    2,
		Layers:    []core.Layer{{Units: 1, Activation: core.Linear}},
		Optimizer: core.Optimizer{LearningRate: 0.1},
		MaxBatch:  16,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer net.Close()
	_ = net.SetParams([]float32{1, 10, 0}) // y = x0 + 10·x1
	serving, err := net.NewPredictor(0)
	if err != nil {
		fmt.Println(err)
		return
	}
	results := make([]float32, 4)
	var wg sync.WaitGroup
	for g := range results {
		wg.Add(1)
		go func(p *core.Predictor) { // one Predictor per goroutine
			defer wg.Done()
			out := make([]float32, 1)
			if err := p.Predict([]float32{float32(g), 1}, 1, out); err != nil {
				panic(err)
			}
			results[g] = out[0]
		}(serving.Clone())
	}
	wg.Wait()
	fmt.Println(results)

	_ = net.SetParams([]float32{0, 0, 0}) // the network changes; the Predictor does not
	out := make([]float32, 1)
	_ = serving.Predict([]float32{1, 1}, 1, out)
	fmt.Println(out)
	// Output:
	// [10 11 12 13]
	// [11]
}

// Training stops when its context is done: here a deadline, after the
// batch that was running.
func ExampleNetwork_FitContext() {
	x := []float32{0, 0, 0, 1, 1, 0, 1, 1}
	y := []float32{0, 1, 1, 0}
	net, err := core.New(core.Spec{
		Inputs:    2,
		Layers:    []core.Layer{{Units: 4, Activation: core.Sigmoid}, {Units: 1, Activation: core.Sigmoid}},
		Optimizer: core.Optimizer{LearningRate: 1},
		MaxBatch:  4,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer net.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = net.FitContext(ctx, x, y, 4, core.FitOptions{Epochs: 1 << 30, BatchSize: 2})
	fmt.Println(errors.Is(err, context.DeadlineExceeded), net.Steps() > 0)
	// Output:
	// true true
}
