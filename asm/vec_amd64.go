//go:build !noasm && !purego

package asm

import "github.com/klauspost/cpuid/v2"

// The amd64 element-wise kernels: the assembly in vec_avx2_amd64.s,
// vec_avx512_amd64.s (products, backward steps, bias and optimizer updates)
// and sigmoid_avx2_amd64.s, sigmoid_avx512_amd64.s (sigmoid, fused
// bias+sigmoid, tanh), declared in vec_decl_amd64.go, all written by
// asm/internal/genvec (vec_gen.go). Each routine takes its slices already
// validated by the exported wrappers in vec.go: every slice has exactly the
// length the loop needs (len(dst) or len(x) elements), dst may alias an
// input exactly. Every routine handles any length: AVX-512 with a K-masked
// last vector, AVX2 with a VMASKMOVPS last vector; neither reads or writes
// outside the slices.
//
// softmaxRows stays generic on both paths; the avx512 path runs the AVX2
// rmsprop kernel (see setVecAVX512).

// streamStoreMin is the output size in bytes from which the streaming
// kernels (hadamard, sigmoid, tanh, sigmoidBackward, tanhBackward,
// reluBackward, relu; both paths) write a separate output with
// non-temporal stores (VMOVNTPS, then SFENCE) instead of normal ones; the
// assembly reads it as ·streamStoreMin(SB) (stream_amd64.h) and compares
// it unsigned with 4·len(dst). In-place calls never stream. Tests set it to
// 0 to run that path on small slices (every call of one unrolled block or
// more).
var streamStoreMin = streamThreshold(cpuid.CPU.Cache.L3)

// streamThreshold is streamStoreMin for a last-level cache of l3 bytes (as
// cpuid reports it; 0 or less when unknown, taken as 256 MiB): l3/8, and
// never below 8 MiB.
//
// A non-temporal store skips the read-for-ownership of the dst line but
// sends the line to memory: it wins when the output is not read back from
// the cache anyway and loses when it is. Measured on a 2-vCPU KVM guest of
// a 260 MiB-L3 Xeon (interleaved medians, hadamard then an axpy reading
// its output, AVX-512): streaming loses 9–19% at outputs of 1–4 MB and
// wins 20–27% from 8 MB up; with normal stores the kernels drop to DRAM
// speed once their working set passes ~40 MB, far below the 260 MiB cpuid
// reports (the cache is shared with the host's other cores). That
// crossover is this guest's share of the cache, and it moves up to the
// whole L3 on an idle host, so the threshold stays well above it: l3/8
// (32.5 MiB here) keeps the loss region, and every buffer training uses
// (≤ ~1 MiB), on normal stores with a margin, and streams the 1e7-float
// (40 MB) outputs of the benchmarks; the 8 MiB floor keeps a small-L3
// machine from streaming outputs it could still read back from L3.
func streamThreshold(l3 int) int {
	if l3 <= 0 {
		l3 = 256 << 20
	}
	return max(l3/8, 8<<20)
}

// setVecAVX2 installs the AVX2+FMA element-wise kernels into k.
func setVecAVX2(k *kernelSet) {
	k.hadamard = hadamardAVX2
	k.sigmoid = sigmoidAVX2
	k.sigmoidBackward = sigmoidBackwardAVX2
	k.biasSigmoid = biasSigmoidRowsAVX2
	k.addBias = addBiasRowsAVX2
	k.colSums = func(dst []float32, alpha float32, x []float32, cols int) {
		colSumsAVX2(dst, alpha, x, len(x)/cols, cols)
	}
	k.tanh = tanhAVX2
	k.tanhBackward = tanhBackwardAVX2
	k.relu = reluAVX2
	k.reluBackward = reluBackwardAVX2
	k.axpy = axpyAVX2
	k.scale = scaleAVX2
	k.momentum = momentumAVX2
	k.adam = func(p, g, m, v []float32, h AdamParams) {
		adamAVX2(p, g, m, v, newAdamConsts(h))
	}
	k.rmsprop = func(p, g, v []float32, lr, rho, eps float32) {
		rmspropAVX2(p, g, v, lr, rho, 1-rho, eps)
	}
}

// setVecAVX512 installs the AVX-512 element-wise kernels into k.
func setVecAVX512(k *kernelSet) {
	k.hadamard = hadamardAVX512
	k.sigmoid = sigmoidAVX512
	k.sigmoidBackward = sigmoidBackwardAVX512
	k.biasSigmoid = biasSigmoidRowsAVX512
	k.addBias = addBiasRowsAVX512
	k.colSums = func(dst []float32, alpha float32, x []float32, cols int) {
		colSumsAVX512(dst, alpha, x, len(x)/cols, cols)
	}
	k.tanh = tanhAVX512
	k.tanhBackward = tanhBackwardAVX512
	k.relu = reluAVX512
	k.reluBackward = reluBackwardAVX512
	k.axpy = axpyAVX512
	k.scale = scaleAVX512
	k.momentum = momentumAVX512
	k.adam = func(p, g, m, v []float32, h AdamParams) {
		adamAVX512(p, g, m, v, newAdamConsts(h))
	}
	// rmsprop stays the AVX2 kernel (cloned from the avx2 path): it is
	// bound by the divider and square root, whose ZMM forms do no more
	// lanes per cycle than the YMM ones (Intel splits or halves them,
	// Zen 4 double-pumps them), and by memory once it outgrows L2.
}

// adamConsts are the per-step scalars of adamGeneric, computed once per call
// in Go with the same float32 roundings and passed by value (the assembly
// reads them as c_beta1+96(FP) … c_eps+124(FP)).
type adamConsts struct {
	beta1, beta2 float32 // β1, β2
	omb1, omb2   float32 // 1−β1, 1−β2
	inv1, inv2   float32 // 1/c1, 1/c2 (bias corrections)
	lr, eps      float32
}

func newAdamConsts(h AdamParams) adamConsts {
	return adamConsts{
		beta1: h.Beta1, beta2: h.Beta2,
		omb1: 1 - h.Beta1, omb2: 1 - h.Beta2,
		inv1: 1 / h.Correction1, inv2: 1 / h.Correction2,
		lr: h.LR, eps: h.Eps,
	}
}
