//go:build !noasm && !purego

package peak

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/v1tr0/entrena/asm"
)

// TestNEONPeakLoop runs the NEON FMA loop directly and through Measure
// (the figure under qemu means nothing; it must only be positive).
func TestNEONPeakLoop(t *testing.T) {
	_, err := Measure("generic", time.Millisecond)
	require.ErrorContains(t, err, "no FMA loop")
	_, err = Measure("avx2", time.Millisecond)
	require.Error(t, err)
	l, ok := loops["neon"]
	if !ok || !slices.Contains(asm.Available(), "neon") {
		t.Skip("neon not available")
	}
	l.run(0)
	l.run(1000)
	require.Equal(t, 192.0, l.flops)
	g, err := Measure("neon", time.Millisecond)
	require.NoError(t, err)
	require.Greater(t, g, 0.0)
	_, err = Measure("avx512", time.Millisecond)
	require.ErrorContains(t, err, "no FMA loop")
}
