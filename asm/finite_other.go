//go:build noasm || purego || !amd64

package asm

func firstNonFiniteFast(s []float32) (int, bool) { return 0, false }
