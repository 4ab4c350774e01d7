//go:build !noasm && !purego

package peak

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestNEONPeakLoop runs the NEON FMA loop directly and through Measure
// (the figure under qemu means nothing; it must only be positive).
func TestNEONPeakLoop(t *testing.T) {
	_, _, err := peakLoop("generic")
	require.ErrorIs(t, err, errNoPeak)
	_, _, err = peakLoop("avx2")
	require.Error(t, err)
	loop, flops, err := peakLoop("neon")
	if err != nil {
		t.Skip("neon not available:", err)
	}
	loop(0)
	loop(1000)
	require.Equal(t, 192.0, flops)
	g, err := Measure("neon", time.Millisecond)
	require.NoError(t, err)
	require.Greater(t, g, 0.0)
	_, err = Measure("avx512", time.Millisecond)
	require.ErrorContains(t, err, "not available")
}
