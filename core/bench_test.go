package core

import (
	"fmt"
	"testing"

	"github.com/v1tr0/entrena/asm"
)

// mnistShape is the reference network: 784-128-64-10, sigmoid, MSE, SGD.
func mnistShape(maxBatch int) Spec {
	return Spec{Inputs: 784, Layers: []Layer{{128, Sigmoid}, {64, Sigmoid}, {10, Sigmoid}}, Loss: MSE,
		Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: maxBatch, Seed: 1}
}

func benchData(batch int) (x, y []float32) {
	return blobs(1, batch, 784, 10)
}

// BenchmarkTrainStep measures one forward+backward+update step per op on
// the active kernel path (set ENTRENA_KERNELS to pick one).
func BenchmarkTrainStep(b *testing.B) {
	for _, batch := range []int{1, 32, 256} {
		b.Run(fmt.Sprintf("784-128-64-10/batch=%d/%s", batch, asm.Active()), func(b *testing.B) {
			n, err := New(mnistShape(batch))
			if err != nil {
				b.Fatal(err)
			}
			x, y := benchData(batch)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := n.TrainStep(x, y, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(batch)*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}

func BenchmarkPredict(b *testing.B) {
	for _, batch := range []int{1, 32, 256} {
		b.Run(fmt.Sprintf("784-128-64-10/batch=%d/%s", batch, asm.Active()), func(b *testing.B) {
			n, err := New(mnistShape(batch))
			if err != nil {
				b.Fatal(err)
			}
			x, _ := benchData(batch)
			out := make([]float32, batch*10)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := n.Predict(x, batch, out); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(batch)*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}

// BenchmarkTrainStepXOR is the tiny 2-8-1 network at batch 4, where
// per-call overhead dominates.
func BenchmarkTrainStepXOR(b *testing.B) {
	n := xorNet(b, 1, 0.5)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := n.TrainStep(xorX, xorY, 4); err != nil {
			b.Fatal(err)
		}
	}
}
