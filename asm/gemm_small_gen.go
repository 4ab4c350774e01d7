package asm

// gemm_small_amd64.s is generated: its 12 small-m SGEMM kernels (NT and
// NN, 1, 2 or 4 rows, full or edge) are the same few loops fully unrolled
// for each shape, near-identical over thousands of lines, so they are
// written by asm/internal/gensmall rather than by hand. Edit the generator
// and rerun go generate; a test in asm/internal/gensmall fails while the
// committed file is stale.
//go:generate go run ./internal/gensmall -o gemm_small_amd64.s
