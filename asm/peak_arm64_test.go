//go:build !noasm && !purego

package asm

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNEONPeakLoop runs the NEON FMA loop and MeasurePeak's arithmetic on
// it (the figure under qemu means nothing; it must only be positive).
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
}
