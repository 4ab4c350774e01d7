//go:build !noasm && !purego && (amd64 || arm64)

package asm

import (
	"runtime"
	"slices"
	"testing"

	"github.com/klauspost/cpuid/v2"
	"github.com/stretchr/testify/require"
)

// TestFallbackChain: with a feature a path needs switched off in cpuid's
// report (as on a CPU or OS without it), platformPaths leaves that path out
// and keeps the ones below it: avx512 → avx2 → generic, neon → generic.
func TestFallbackChain(t *testing.T) {
	saved := cpuid.CPU
	defer func() { cpuid.CPU = saved }()
	names := func() []string {
		var n []string
		for _, k := range platformPaths() {
			n = append(n, k.name)
		}
		return n
	}
	require.Equal(t, Available()[1:], names(), "platformPaths with the real features")

	type off struct {
		need    []cpuid.FeatureID // skip unless the CPU has these
		disable cpuid.FeatureID
		want    []string
	}
	var cases []off
	switch runtime.GOARCH {
	case "amd64":
		avx512 := []cpuid.FeatureID{cpuid.AVX2, cpuid.FMA3, cpuid.AVX512F, cpuid.AVX512DQ, cpuid.AVX512BW, cpuid.AVX512VL}
		for _, f := range []cpuid.FeatureID{cpuid.AVX512F, cpuid.AVX512DQ, cpuid.AVX512BW, cpuid.AVX512VL} {
			cases = append(cases, off{avx512, f, []string{"avx2"}})
		}
		avx2 := []cpuid.FeatureID{cpuid.AVX2, cpuid.FMA3}
		cases = append(cases, off{avx2, cpuid.FMA3, nil}, off{avx2, cpuid.AVX2, nil})
	case "arm64":
		cases = append(cases, off{[]cpuid.FeatureID{cpuid.ASIMD}, cpuid.ASIMD, nil})
	}
	ran := 0
	for _, c := range cases {
		cpuid.CPU = saved
		if !cpuid.CPU.Supports(c.need...) {
			continue
		}
		cpuid.CPU.Disable(c.disable)
		require.Equal(t, c.want, names(), "without %v", c.disable)
		ran++
	}
	if ran == 0 {
		t.Skip("this CPU has none of the features the fallback cases switch off")
	}
	cpuid.CPU = saved
	require.True(t, slices.Equal(Available()[1:], names()))
}
