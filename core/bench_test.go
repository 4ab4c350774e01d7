package core

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/v1tr0/entrena/asm"
)

// mnistShape is the reference network: 784-128-64-10, sigmoid, MSE, SGD.
func mnistShape(maxBatch, threads int) Spec {
	return Spec{Inputs: 784, Layers: []Layer{{Units: 128, Activation: Sigmoid}, {Units: 64, Activation: Sigmoid}, {Units: 10, Activation: Sigmoid}}, Loss: MSE,
		Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: maxBatch, Seed: 1, Threads: threads}
}

// benchThreads are the thread counts the benchmarks run: one core, and all.
func benchThreads() []int {
	if runtime.GOMAXPROCS(0) == 1 {
		return []int{1}
	}
	return []int{1, runtime.GOMAXPROCS(0)}
}

func benchData(batch int) (x, y []float32) {
	return blobs(1, batch, 784, 10)
}

// BenchmarkTrainStep measures one forward+backward+update step per op on
// the active kernel path (set ENTRENA_KERNELS to pick one).
func BenchmarkTrainStep(b *testing.B) {
	for _, batch := range []int{1, 32, 256} {
		for _, threads := range benchThreads() {
			b.Run(fmt.Sprintf("784-128-64-10/batch=%d/threads=%d/%s", batch, threads, asm.Active()), func(b *testing.B) {
				n, err := New(mnistShape(batch, threads))
				if err != nil {
					b.Fatal(err)
				}
				defer n.Close()
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
}

// BenchmarkTrainStepGuard is TrainStep against the same step without its
// divergence guard (the input checks and the unguarded step Fit runs), on
// one thread: the guard's cost. Compare the two with benchstat, -count 10.
func BenchmarkTrainStepGuard(b *testing.B) {
	for _, batch := range []int{32, 256} {
		for _, guarded := range []bool{true, false} {
			name := map[bool]string{true: "guarded", false: "unguarded"}[guarded]
			b.Run(fmt.Sprintf("784-128-64-10/batch=%d/%s/%s", batch, name, asm.Active()), func(b *testing.B) {
				n, err := New(mnistShape(batch, 1))
				if err != nil {
					b.Fatal(err)
				}
				defer n.Close()
				x, y := benchData(batch)
				for b.Loop() {
					if guarded {
						_, err = n.TrainStep(x, y, batch)
					} else {
						_ = n.firstNonFiniteN(x)
						_ = firstNonFinite(y)
						_, err = n.step1(x, y, batch)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkPredict(b *testing.B) {
	for _, batch := range []int{1, 32, 256} {
		b.Run(fmt.Sprintf("784-128-64-10/batch=%d/%s", batch, asm.Active()), func(b *testing.B) {
			n, err := New(mnistShape(batch, 1))
			if err != nil {
				b.Fatal(err)
			}
			defer n.Close()
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

// BenchmarkTrainStepWide is the 1024-1024-1024-10 network at batch 256, on
// one core and on all: the 1→N scaling figure.
func BenchmarkTrainStepWide(b *testing.B) {
	for _, threads := range benchThreads() {
		b.Run(fmt.Sprintf("1024-1024-1024-10/batch=256/threads=%d/%s", threads, asm.Active()), func(b *testing.B) {
			n, err := New(Spec{Inputs: 1024, Layers: []Layer{{Units: 1024, Activation: Sigmoid}, {Units: 1024, Activation: Sigmoid}, {Units: 10, Activation: Sigmoid}}, Loss: MSE,
				Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: 256, Seed: 1, Threads: threads})
			if err != nil {
				b.Fatal(err)
			}
			defer n.Close()
			x, y := blobs(1, 256, 1024, 10)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := n.TrainStep(x, y, 256); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(256*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}

// BenchmarkFitEpoch is one shuffled epoch of 60,000 synthetic 784-input
// samples through Fit (the issue-8 reference figure): the training steps
// plus the gather of each shuffled batch from a data set far larger than
// the caches.
func BenchmarkFitEpoch(b *testing.B) {
	const samples = 60000
	x, y := blobs(1, samples, 784, 10)
	for _, batch := range []int{32, 256} {
		for _, threads := range benchThreads() {
			b.Run(fmt.Sprintf("784-128-64-10/batch=%d/threads=%d/%s", batch, threads, asm.Active()), func(b *testing.B) {
				n, err := New(mnistShape(batch, threads))
				if err != nil {
					b.Fatal(err)
				}
				defer n.Close()
				opts := FitOptions{Epochs: 1, BatchSize: batch, Shuffle: true}
				if _, err := n.Fit(x, y, samples, opts); err != nil { // warm-up: Fit's buffers
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, err := n.Fit(x, y, samples, opts); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(samples*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
			})
		}
	}
}

// BenchmarkFitXOR is Fit on the tiny 2-8-1 network: 250 epochs of one
// batch of 4 per op (Fit's per-epoch work included), per step reported.
func BenchmarkFitXOR(b *testing.B) {
	n := xorNet(b, 1, 0.5)
	opts := FitOptions{Epochs: 250, BatchSize: 4}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := n.Fit(xorX, xorY, 4, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*opts.Epochs), "ns/step")
}
