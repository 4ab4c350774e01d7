//go:build !noasm && !purego

package asm

// setVecAVX2 installs the AVX2+FMA element-wise kernels into k.
func setVecAVX2(k *kernelSet) {}

// setVecAVX512 installs the AVX-512 element-wise kernels into k.
func setVecAVX512(k *kernelSet) {}
