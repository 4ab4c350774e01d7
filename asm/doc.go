// Package asm holds entrena's numeric kernels: single-precision GEMM, the
// element-wise products and activations of a dense layer, and the optimizer
// updates; and, on the avx2 and avx512 paths, the whole plain-SGD training
// step of a tiny network (TinySGD). Every kernel but TinySGD has a pure-Go
// reference (the "generic" path, always compiled and the only path under
// the noasm or purego build tags); SIMD paths written in Go assembly plug
// into the same dispatch table. TinySGD's reference is package core's loop
// step for tiny networks, which runs wherever TinySGD.Step reports that
// the active path has no kernel.
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
//
// Large outputs: on amd64, Hadamard, Sigmoid, Tanh, SigmoidBackward,
// TanhBackward, ReLUBackward and ReLU write an output of at least 1/8 of
// the last-level cache (8 MiB at least; see streamStoreMin in vec_amd64.go)
// with non-temporal stores, when it is not one of the inputs: such an
// output would not be read back from the cache, and skipping the
// read-for-ownership of its lines makes these kernels 1.25–2.4× faster at
// 1e7 floats. The results are the same bits; no buffer of a training step
// is that large.
package asm
