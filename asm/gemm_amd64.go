//go:build !noasm && !purego

package asm

// setGemmAVX2 installs the AVX2+FMA SGEMM into k.
func setGemmAVX2(k *kernelSet) {}

// setGemmAVX512 installs the AVX-512 SGEMM into k.
func setGemmAVX512(k *kernelSet) {}
