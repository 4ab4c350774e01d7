// Package asm holds entrena's numeric kernels: single-precision GEMM, the
// element-wise products and activations of a dense layer, and the optimizer
// updates. Every kernel has a pure-Go reference (the "generic" path, always
// compiled and the only path under the noasm or purego build tags); SIMD
// paths written in Go assembly plug into the same dispatch table.
//
// The path is chosen once at start-up from the CPU's features (through
// github.com/klauspost/cpuid/v2) and can be forced with the environment
// variable ENTRENA_KERNELS=generic|avx2|avx512|neon or with Use. An unknown
// or unavailable value in ENTRENA_KERNELS leaves the generic path active and
// is reported by InitError, which every constructor in package core returns.
//
// Conventions: float32, row-major, samples as rows. Kernels check their
// arguments once per call and return an error wrapping ErrArgument when a
// size is negative or a slice is too short; assembly never sees a bad shape.
// No kernel allocates, except Sgemm growing its Workspace on first use.
package asm
