//go:build !noasm && !purego

package asm

// platformPaths returns the arm64 SIMD paths this CPU supports. The neon
// kernels arrive with the arm64 kernel work; until then arm64 runs the
// generic path only.
func platformPaths() []*kernelSet { return nil }
