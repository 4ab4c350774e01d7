//go:build noasm || purego || !(amd64 || arm64)

package asm

// platformPaths returns no SIMD path: this build has only the generic one.
func platformPaths() []*kernelSet { return nil }
