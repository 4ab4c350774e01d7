package peak

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/v1tr0/entrena/asm"
)

func TestMeasure(t *testing.T) {
	for _, path := range []string{"generic", "sse9"} {
		_, err := Measure(path, 0)
		require.ErrorContains(t, err, "no FMA loop", path)
	}
	for _, path := range asm.Available() {
		if path == "generic" {
			continue
		}
		g, err := Measure(path, 0)
		require.NoError(t, err, path)
		require.Greater(t, g, 0.0, path)
	}
}

// BenchmarkPeak reports Measure per SIMD path, for the "% of peak" of
// the Sgemm figures from the same run.
func BenchmarkPeak(b *testing.B) {
	for _, path := range asm.Available() {
		if path == "generic" {
			continue
		}
		b.Run(path, func(b *testing.B) {
			var g float64
			for b.Loop() {
				var err error
				if g, err = Measure(path, 20*time.Millisecond); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(g, "GFLOPS")
		})
	}
}
