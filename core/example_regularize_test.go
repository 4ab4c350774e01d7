package core_test

import (
	"fmt"

	"github.com/v1tr0/entrena/core"
)

// A Keras model of Dense(128, relu, kernel_regularizer=l2(1e-4)),
// Dropout(0.2), Dense(10, softmax), compiled with "rmsprop": weight decay
// and dropout are settings of the dense layers, and the model file keeps
// them.
func ExampleLayer_regularization() {
	net, err := core.New(core.Spec{
		Inputs: 784,
		Layers: []core.Layer{
			{Units: 128, Activation: core.ReLU, L2: 1e-4, Dropout: 0.2},
			{Units: 10, Activation: core.Softmax},
		},
		Loss:      core.CategoricalCrossEntropy,
		Optimizer: core.Optimizer{Kind: core.RMSprop, LearningRate: 0.001},
		MaxBatch:  128,
		Seed:      1,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer net.Close()
	data, err := net.MarshalBinary()
	if err != nil {
		fmt.Println(err)
		return
	}
	loaded, err := core.Decode(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer loaded.Close()
	s := loaded.Spec()
	fmt.Printf("layer 1: l2 %g, dropout %g\n", s.Layers[0].L2, s.Layers[0].Dropout)
	fmt.Printf("%s: rho %g, epsilon %g (Keras's defaults)\n", s.Optimizer.Kind, s.Optimizer.Rho, s.Optimizer.Epsilon)
	// Output:
	// layer 1: l2 0.0001, dropout 0.2
	// rmsprop: rho 0.9, epsilon 1e-07 (Keras's defaults)
}
