package core

import (
	"fmt"
	"testing"

	"github.com/v1tr0/entrena/asm"
)

// BenchmarkTrainStepShapes is the step of the two thread-scaling targets,
// the MNIST demo (784-128-10, batch 32) and 784-128-64-10 at batches 32 and
// 256, on one thread and all, split by phase under -tags entrena_phases.
func BenchmarkTrainStepShapes(b *testing.B) {
	demo := func(batch, threads int) Spec {
		s := mnistShape(batch, threads)
		s.Layers = []Layer{{Units: 128, Activation: Sigmoid}, {Units: 10, Activation: Sigmoid}}
		return s
	}
	cases := []struct {
		name  string
		spec  func(batch, threads int) Spec
		batch int
	}{
		{"784-128-10", demo, 32},
		{"784-128-64-10", mnistShape, 32},
		{"784-128-64-10", mnistShape, 256},
	}
	for _, c := range cases {
		for _, threads := range benchThreads() {
			b.Run(fmt.Sprintf("%s/batch=%d/threads=%d/%s", c.name, c.batch, threads, asm.Active()), func(b *testing.B) {
				n, err := New(c.spec(c.batch, threads))
				if err != nil {
					b.Fatal(err)
				}
				defer n.Close()
				x, y := benchData(c.batch)
				phaseSteps(b, func() error { _, err := n.TrainStep(x, y, c.batch); return err })
				b.ReportMetric(float64(c.batch)*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
			})
		}
	}
}
