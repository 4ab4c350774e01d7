package core

import (
	"testing"

	"github.com/v1tr0/entrena/internal/phase"
)

// TestStepPhases: built with -tags entrena_phases, one step of a
// three-layer network marks each phase once per layer it runs in, and
// costs no allocation; without the tag nothing is counted.
func TestStepPhases(t *testing.T) {
	for _, batch := range []int{4, 64} { // tiny path and GEMM path
		n, err := New(Spec{Inputs: 12, Layers: []Layer{{Units: 40, Activation: Sigmoid}, {Units: 16, Activation: Sigmoid}, {Units: 3, Activation: Sigmoid}}, Loss: MSE,
			Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: 64, Seed: 1, Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		x, y := blobs(1, batch, 12, 3)
		phase.Reset()
		if _, err := n.TrainStep(x, y, batch); err != nil {
			t.Fatal(err)
		}
		got := phase.Read()
		want := map[phase.ID]int64{phase.Check: 2, phase.ForwardProduct: 3, phase.BiasActivation: 3, phase.Loss: 1,
			phase.DeltaProduct: 2, phase.Derivative: 2, phase.WeightProduct: 3, phase.BiasGradient: 3}
		if n.useTiny(batch) {
			want[phase.BiasGradient] = 0 // in the weight product
		}
		if !n.boundsPay(batch) {
			want[phase.Check], want[phase.Snapshot] = 1, 2
		}
		for id := range phase.Count {
			w := want[id]
			if !phase.Enabled {
				w = 0
			}
			if got.Phase[id].Marks != w {
				t.Errorf("batch %d: %v marked %d times, want %d", batch, id, got.Phase[id].Marks, w)
			}
		}
		for l := range 3 {
			w := map[bool]int64{true: 1}[phase.Enabled]
			if got.Layer[phase.ForwardProduct][l].Marks != w || got.Layer[phase.WeightProduct][l].Marks != w {
				t.Errorf("batch %d, layer %d: products marked %+v and %+v, want %d each", batch, l+1,
					got.Layer[phase.ForwardProduct][l], got.Layer[phase.WeightProduct][l], w)
			}
		}
		allocs := testing.AllocsPerRun(10, func() { _, _ = n.TrainStep(x, y, batch) })
		if allocs != 0 {
			t.Errorf("batch %d: %v allocations per step", batch, allocs)
		}
		n.Close()
	}
}
