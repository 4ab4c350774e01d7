package core

import (
	"fmt"
	"strings"
	"testing"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/internal/phase"
)

// BenchmarkTrainStepPhases is BenchmarkTrainStep and BenchmarkTrainStepXOR
// with the step's time split by phase: run it with -tags entrena_phases
// (and -v for the tables); without the tag it measures the plain step.
func BenchmarkTrainStepPhases(b *testing.B) {
	for _, batch := range []int{32, 256} {
		for _, threads := range benchThreads() {
			b.Run(fmt.Sprintf("784-128-64-10/batch=%d/threads=%d/%s", batch, threads, asm.Active()), func(b *testing.B) {
				n, err := New(mnistShape(batch, threads))
				if err != nil {
					b.Fatal(err)
				}
				defer n.Close()
				x, y := benchData(batch)
				phaseSteps(b, func() error { _, err := n.TrainStep(x, y, batch); return err })
			})
		}
	}
	b.Run("2-8-1/batch=4", func(b *testing.B) {
		n := xorNet(b, 1, 0.5)
		phaseSteps(b, func() error { _, err := n.TrainStep(xorX, xorY, 4); return err })
	})
}

// phaseSteps runs step b.N times and reports each phase's time per step.
func phaseSteps(b *testing.B, step func() error) {
	if err := step(); err != nil { // warm-up
		b.Fatal(err)
	}
	b.ReportAllocs()
	phase.Reset()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := step(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if !phase.Enabled {
		return
	}
	t := phase.Read()
	cost := phase.MarkNanos()
	perStep := func(p phase.Total) float64 { return (float64(p.Nanos) - cost*float64(p.Marks)) / float64(b.N) }
	for id, p := range t.Phase {
		if p.Marks > 0 {
			b.ReportMetric(perStep(p), phase.ID(id).Metric())
		}
		for l, q := range t.Layer[id] {
			if q.Marks > 0 {
				b.ReportMetric(perStep(q), strings.Replace(phase.ID(id).Metric(), "/op", fmt.Sprintf("%d/op", l+1), 1))
			}
		}
	}
	var s strings.Builder
	phase.Table(&s, t, b.N)
	b.Log("\n" + s.String())
}
