package asm

// The amd64 element-wise kernels are generated: vec_avx2_amd64.s,
// vec_avx512_amd64.s, sigmoid_avx2_amd64.s and sigmoid_avx512_amd64.s run
// the same loops with YMM or ZMM registers and a VMASKMOVPS or opmask
// tail, so asm/internal/genvec writes both paths from one description of
// each kernel, and their Go declarations (vec_decl_amd64.go), rather than
// keeping them in step by hand. Edit the generator and rerun go generate;
// a test in asm/internal/genvec fails while a committed file is stale.
//go:generate go run ./internal/genvec -dir .
