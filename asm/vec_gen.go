package asm

// The amd64 element-wise kernels are generated: vec_avx2_amd64.s and
// vec_avx512_amd64.s run the same loops over the same kernels with YMM or
// ZMM registers and a VMASKMOVPS or opmask tail, so both are written by
// asm/internal/genvec from one description of each kernel rather than kept
// in step by hand. Edit the generator and rerun go generate; a test in
// asm/internal/genvec fails while a committed file is stale.
//go:generate go run ./internal/genvec -dir .
