//go:build !noasm && !purego

#include "textflag.h"

// SGEMM micro-kernel for AVX-512 (F): one 12×32 tile of C.
//
// func sgemmKernelAVX512(k int, a *float32, rsa, csa int, b *float32, csb int,
//	c *float32, ldc int, alpha, beta float32)
//
// Algorithm: k rank-1 updates of a 12×32 register tile, then
//
//	C[i, 0:32] = alpha·acc[i] + beta·C[i, 0:32]   (beta = 0: C is not read)
//
// Element (i, p) of the A panel is at a + i·rsa + p·csa and row p of the B
// panel (32 contiguous floats) at b + p·csb; strides are in floats (packed
// A: rsa = 1, csa = 12; A read in place: rsa = lda, csa = 1, or transposed
// rsa = 1, csa = lda). Each step loads the B row once (2 ZMM), broadcasts
// each of the 12 A values into a register (VBROADCASTSS) and issues 24
// independent register FMAs: 24 accumulators cover the 2 ports × 4 cycles of
// FMA latency three times over. An FMA with an embedded broadcast from an
// indexed address (A's rows are RSA apart) is split into two uops at rename,
// and the 24 of them per step kept the kernel from issuing one FMA per port
// and cycle. Each step also prefetches the B row 4 steps ahead (its two
// cache lines at 4·csb on, 512 bytes in a packed panel, 4 rows down when B
// is read in place): B streams from L2, and the hardware prefetcher alone
// left the 784-deep products of a 784-128 layer 2–16% slower (interleaved
// A/B in one process). A prefetch past the panel's end is harmless:
// prefetches do not fault. The caller guarantees all 12 rows and 32 columns
// exist (zero-padded edge panels); a tile that sticks out of C goes to
// sgemmKernelPartialAVX512 below (or, for a beta other than 0 and 1,
// through a scratch tile).
//
// Register map:
//	Z0–Z23   accumulators: row i in Z(2i) (columns 0–15) and Z(2i+1) (16–31)
//	Z24 Z25  the B row of this step; alpha, beta in the epilogue
//	Z26–Z29  A broadcasts (rotating, so consecutive rows overlap)

#define K_CNT CX  // remaining steps
#define A0 SI     // A panel, rows 0–3, advances by CSA per step
#define A4 DI     // A0 + 4·RSA: rows 4–7
#define A8 R13    // A0 + 8·RSA: rows 8–11
#define RSA R8    // row stride of A in bytes
#define RSA3 R9   // 3·RSA
#define CSA R10   // column (step) stride of A in bytes
#define B_PTR BX  // B panel, advances by CSB per step
#define CSB R11   // step stride of B in bytes
#define C_PTR DX  // C tile, advances by LDC per row in the epilogue
#define LDC R12   // row stride of C in bytes

// One k step's B row: prefetched 4 steps ahead, loaded into Z24 (Z25),
// B advanced. B_ROW16 is the first 16 columns alone.
#define B_ROW32 \
	PREFETCHT0   (B_PTR)(CSB*4); \
	PREFETCHT0   64(B_PTR)(CSB*4); \
	VMOVUPS      (B_PTR), Z24; \
	VMOVUPS      64(B_PTR), Z25; \
	ADDQ         CSB, B_PTR

#define B_ROW16 \
	PREFETCHT0   (B_PTR)(CSB*4); \
	VMOVUPS      (B_PTR), Z24; \
	ADDQ         CSB, B_PTR

// One row of A in a k step: its value broadcast into bc, then
// acc[lo] += bc·B[0:16] (and acc[hi] += bc·B[16:32]).
#define A_ROW32(addr, bc, lo, hi) \
	VBROADCASTSS addr, bc; \
	VFMADD231PS  Z24, bc, lo; \
	VFMADD231PS  Z25, bc, hi

#define A_ROW16(addr, bc, lo) \
	VBROADCASTSS addr, bc; \
	VFMADD231PS  Z24, bc, lo

// One rank-1 update: acc[i] += A(i, p) · B(p, 0:32).
#define KSTEP \
	B_ROW32; \
	A_ROW32((A0), Z26, Z0, Z1); \
	A_ROW32((A0)(RSA*1), Z27, Z2, Z3); \
	A_ROW32((A0)(RSA*2), Z28, Z4, Z5); \
	A_ROW32((A0)(RSA3*1), Z29, Z6, Z7); \
	A_ROW32((A4), Z26, Z8, Z9); \
	A_ROW32((A4)(RSA*1), Z27, Z10, Z11); \
	A_ROW32((A4)(RSA*2), Z28, Z12, Z13); \
	A_ROW32((A4)(RSA3*1), Z29, Z14, Z15); \
	A_ROW32((A8), Z26, Z16, Z17); \
	A_ROW32((A8)(RSA*1), Z27, Z18, Z19); \
	A_ROW32((A8)(RSA*2), Z28, Z20, Z21); \
	A_ROW32((A8)(RSA3*1), Z29, Z22, Z23); \
	ADDQ         CSA, A0; \
	ADDQ         CSA, A4; \
	ADDQ         CSA, A8

// The arguments shared by the kernels (frame offsets 0–63), strides in bytes.
#define LOAD_ARGS \
	MOVQ k+0(FP), K_CNT; \
	MOVQ a+8(FP), A0; \
	MOVQ rsa+16(FP), RSA; \
	SHLQ $2, RSA; \
	LEAQ (RSA)(RSA*2), RSA3; \
	LEAQ (A0)(RSA*4), A4; \
	LEAQ (A4)(RSA*4), A8; \
	MOVQ csa+24(FP), CSA; \
	SHLQ $2, CSA; \
	MOVQ b+32(FP), B_PTR; \
	MOVQ csb+40(FP), CSB; \
	SHLQ $2, CSB; \
	MOVQ c+48(FP), C_PTR; \
	MOVQ ldc+56(FP), LDC; \
	SHLQ $2, LDC

// Clear the 24 accumulators.
#define ZERO_ACC \
	VPXORD Z0, Z0, Z0; \
	VPXORD Z1, Z1, Z1; \
	VPXORD Z2, Z2, Z2; \
	VPXORD Z3, Z3, Z3; \
	VPXORD Z4, Z4, Z4; \
	VPXORD Z5, Z5, Z5; \
	VPXORD Z6, Z6, Z6; \
	VPXORD Z7, Z7, Z7; \
	VPXORD Z8, Z8, Z8; \
	VPXORD Z9, Z9, Z9; \
	VPXORD Z10, Z10, Z10; \
	VPXORD Z11, Z11, Z11; \
	VPXORD Z12, Z12, Z12; \
	VPXORD Z13, Z13, Z13; \
	VPXORD Z14, Z14, Z14; \
	VPXORD Z15, Z15, Z15; \
	VPXORD Z16, Z16, Z16; \
	VPXORD Z17, Z17, Z17; \
	VPXORD Z18, Z18, Z18; \
	VPXORD Z19, Z19, Z19; \
	VPXORD Z20, Z20, Z20; \
	VPXORD Z21, Z21, Z21; \
	VPXORD Z22, Z22, Z22; \
	VPXORD Z23, Z23, Z23

// acc *= alpha (Z24 is free after the k loop).
#define SCALE_ACC \
	VBROADCASTSS alpha+64(FP), Z24; \
	VMULPS       Z24, Z0, Z0; \
	VMULPS       Z24, Z1, Z1; \
	VMULPS       Z24, Z2, Z2; \
	VMULPS       Z24, Z3, Z3; \
	VMULPS       Z24, Z4, Z4; \
	VMULPS       Z24, Z5, Z5; \
	VMULPS       Z24, Z6, Z6; \
	VMULPS       Z24, Z7, Z7; \
	VMULPS       Z24, Z8, Z8; \
	VMULPS       Z24, Z9, Z9; \
	VMULPS       Z24, Z10, Z10; \
	VMULPS       Z24, Z11, Z11; \
	VMULPS       Z24, Z12, Z12; \
	VMULPS       Z24, Z13, Z13; \
	VMULPS       Z24, Z14, Z14; \
	VMULPS       Z24, Z15, Z15; \
	VMULPS       Z24, Z16, Z16; \
	VMULPS       Z24, Z17, Z17; \
	VMULPS       Z24, Z18, Z18; \
	VMULPS       Z24, Z19, Z19; \
	VMULPS       Z24, Z20, Z20; \
	VMULPS       Z24, Z21, Z21; \
	VMULPS       Z24, Z22, Z22; \
	VMULPS       Z24, Z23, Z23

// Epilogue for one row with beta ≠ 0: acc = beta·C + acc, store.
#define STORE_ROW_BETA(lo, hi) \
	VFMADD231PS (C_PTR), Z25, lo; \
	VFMADD231PS 64(C_PTR), Z25, hi; \
	VMOVUPS     lo, (C_PTR); \
	VMOVUPS     hi, 64(C_PTR); \
	ADDQ        LDC, C_PTR

// Epilogue for one row with beta = 0: store without reading C.
#define STORE_ROW(lo, hi) \
	VMOVUPS lo, (C_PTR); \
	VMOVUPS hi, 64(C_PTR); \
	ADDQ    LDC, C_PTR

TEXT ·sgemmKernelAVX512(SB), NOSPLIT, $0-72
	LOAD_ARGS

	ZERO_ACC

	// Pull the C tile towards L1 while the k loop runs.
	MOVQ       C_PTR, AX
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	ADDQ       LDC, AX
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	ADDQ       LDC, AX
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	ADDQ       LDC, AX
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	ADDQ       LDC, AX
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	ADDQ       LDC, AX
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	ADDQ       LDC, AX
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	ADDQ       LDC, AX
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	ADDQ       LDC, AX
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	ADDQ       LDC, AX
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	ADDQ       LDC, AX
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	ADDQ       LDC, AX
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)

	// Main loop, unrolled by 4, then the remaining 0–3 steps.
	MOVQ K_CNT, AX
	SHRQ $2, AX
	JZ   tail

loop4:
	KSTEP
	KSTEP
	KSTEP
	KSTEP
	DECQ AX
	JNZ  loop4

tail:
	ANDQ $3, K_CNT
	JZ   epilogue

loop1:
	KSTEP
	DECQ K_CNT
	JNZ  loop1

epilogue:
	SCALE_ACC

	// beta = ±0 overwrites C without reading it (NaN in C must not leak).
	MOVL  beta+68(FP), AX
	TESTL $0x7fffffff, AX
	JZ    store_only

	VBROADCASTSS beta+68(FP), Z25
	STORE_ROW_BETA(Z0, Z1)
	STORE_ROW_BETA(Z2, Z3)
	STORE_ROW_BETA(Z4, Z5)
	STORE_ROW_BETA(Z6, Z7)
	STORE_ROW_BETA(Z8, Z9)
	STORE_ROW_BETA(Z10, Z11)
	STORE_ROW_BETA(Z12, Z13)
	STORE_ROW_BETA(Z14, Z15)
	STORE_ROW_BETA(Z16, Z17)
	STORE_ROW_BETA(Z18, Z19)
	STORE_ROW_BETA(Z20, Z21)
	STORE_ROW_BETA(Z22, Z23)
	VZEROUPPER
	RET

store_only:
	STORE_ROW(Z0, Z1)
	STORE_ROW(Z2, Z3)
	STORE_ROW(Z4, Z5)
	STORE_ROW(Z6, Z7)
	STORE_ROW(Z8, Z9)
	STORE_ROW(Z10, Z11)
	STORE_ROW(Z12, Z13)
	STORE_ROW(Z14, Z15)
	STORE_ROW(Z16, Z17)
	STORE_ROW(Z18, Z19)
	STORE_ROW(Z20, Z21)
	STORE_ROW(Z22, Z23)
	VZEROUPPER
	RET

// func sgemmKernelPartialAVX512(k int, a *float32, rsa, csa int, b *float32, csb int,
//	c *float32, ldc int, alpha, beta float32, rows int, cols uint32)
//
// sgemmKernelAVX512 for a tile that sticks out of C: the same k loop over
// whole (zero-padded) panels, then only the first rows rows (1–12) are
// stored, each through the column mask cols (bit j: column j), straight
// into C. beta must be 0 or 1: then beta·C + acc rounds as the scratch
// tile's copy (storeTile) does, so an element gets the same bits in a
// partial tile as in a whole one. Masked lanes of C are neither read nor
// written (masked loads do not fault).
//
// The k loop runs on the smallest register tile that holds the rows and
// columns (4, 8 or 12 rows; 16 or 32 columns): an edge panel of 4 rows
// costs a third of a whole tile's steps, not all of them.
//
// Register map: as sgemmKernelAVX512; K1 K2 the column masks of lanes
// 0–15 and 16–31, Z26 Z27 the loaded C row, R14 the rows left to store.


// The k steps of a partial tile whose rows and columns fit a smaller
// register tile: 4 or 8 rows, and 16 columns (one B vector) — the
// accumulators outside it stay zero and are not stored. Each element gets
// the same FMAs in the same order as in KSTEP.
#define KSTEP_4x32 \
	B_ROW32; \
	A_ROW32((A0), Z26, Z0, Z1); \
	A_ROW32((A0)(RSA*1), Z27, Z2, Z3); \
	A_ROW32((A0)(RSA*2), Z28, Z4, Z5); \
	A_ROW32((A0)(RSA3*1), Z29, Z6, Z7); \
	ADDQ         CSA, A0

#define KSTEP_8x32 \
	B_ROW32; \
	A_ROW32((A0), Z26, Z0, Z1); \
	A_ROW32((A0)(RSA*1), Z27, Z2, Z3); \
	A_ROW32((A0)(RSA*2), Z28, Z4, Z5); \
	A_ROW32((A0)(RSA3*1), Z29, Z6, Z7); \
	A_ROW32((A4), Z26, Z8, Z9); \
	A_ROW32((A4)(RSA*1), Z27, Z10, Z11); \
	A_ROW32((A4)(RSA*2), Z28, Z12, Z13); \
	A_ROW32((A4)(RSA3*1), Z29, Z14, Z15); \
	ADDQ         CSA, A0; \
	ADDQ         CSA, A4

#define KSTEP_12x16 \
	B_ROW16; \
	A_ROW16((A0), Z26, Z0); \
	A_ROW16((A0)(RSA*1), Z27, Z2); \
	A_ROW16((A0)(RSA*2), Z28, Z4); \
	A_ROW16((A0)(RSA3*1), Z29, Z6); \
	A_ROW16((A4), Z26, Z8); \
	A_ROW16((A4)(RSA*1), Z27, Z10); \
	A_ROW16((A4)(RSA*2), Z28, Z12); \
	A_ROW16((A4)(RSA3*1), Z29, Z14); \
	A_ROW16((A8), Z26, Z16); \
	A_ROW16((A8)(RSA*1), Z27, Z18); \
	A_ROW16((A8)(RSA*2), Z28, Z20); \
	A_ROW16((A8)(RSA3*1), Z29, Z22); \
	ADDQ         CSA, A0; \
	ADDQ         CSA, A4; \
	ADDQ         CSA, A8

#define KSTEP_4x16 \
	B_ROW16; \
	A_ROW16((A0), Z26, Z0); \
	A_ROW16((A0)(RSA*1), Z27, Z2); \
	A_ROW16((A0)(RSA*2), Z28, Z4); \
	A_ROW16((A0)(RSA3*1), Z29, Z6); \
	ADDQ         CSA, A0

#define KSTEP_8x16 \
	B_ROW16; \
	A_ROW16((A0), Z26, Z0); \
	A_ROW16((A0)(RSA*1), Z27, Z2); \
	A_ROW16((A0)(RSA*2), Z28, Z4); \
	A_ROW16((A0)(RSA3*1), Z29, Z6); \
	A_ROW16((A4), Z26, Z8); \
	A_ROW16((A4)(RSA*1), Z27, Z10); \
	A_ROW16((A4)(RSA*2), Z28, Z12); \
	A_ROW16((A4)(RSA3*1), Z29, Z14); \
	ADDQ         CSA, A0; \
	ADDQ         CSA, A4

// Epilogue rows of the partial tile.
#define PART_ROW_BETA(lo, hi) \
	VMOVUPS.Z   (C_PTR), K1, Z26; \
	VMOVUPS.Z   64(C_PTR), K2, Z27; \
	VFMADD231PS Z25, Z26, lo; \
	VFMADD231PS Z25, Z27, hi; \
	VMOVUPS     lo, K1, (C_PTR); \
	VMOVUPS     hi, K2, 64(C_PTR); \
	ADDQ        LDC, C_PTR

#define PART_ROW(lo, hi) \
	VMOVUPS lo, K1, (C_PTR); \
	VMOVUPS hi, K2, 64(C_PTR); \
	ADDQ    LDC, C_PTR

TEXT ·sgemmKernelPartialAVX512(SB), NOSPLIT, $0-84
	LOAD_ARGS

	ZERO_ACC

	// The smallest register tile that holds the rows and columns.
	MOVQ rows+72(FP), R14
	MOVL cols+80(FP), AX
	CMPL AX, $0xffff
	JA   pcols32
	CMPQ R14, $4
	JLE  p4x16
	CMPQ R14, $8
	JLE  p8x16
	JMP  p12x16

pcols32:
	CMPQ R14, $4
	JLE  p4x32
	CMPQ R14, $8
	JLE  p8x32

p12x32:
	MOVQ K_CNT, AX
	SHRQ $2, AX
	JZ   p12x32tail

p12x32loop4:
	KSTEP
	KSTEP
	KSTEP
	KSTEP
	DECQ AX
	JNZ  p12x32loop4

p12x32tail:
	ANDQ $3, K_CNT
	JZ   pepilogue

p12x32loop1:
	KSTEP
	DECQ K_CNT
	JNZ  p12x32loop1
	JMP  pepilogue

p8x32:
	MOVQ K_CNT, AX
	SHRQ $2, AX
	JZ   p8x32tail

p8x32loop4:
	KSTEP_8x32
	KSTEP_8x32
	KSTEP_8x32
	KSTEP_8x32
	DECQ AX
	JNZ  p8x32loop4

p8x32tail:
	ANDQ $3, K_CNT
	JZ   pepilogue

p8x32loop1:
	KSTEP_8x32
	DECQ K_CNT
	JNZ  p8x32loop1
	JMP  pepilogue

p4x32:
	MOVQ K_CNT, AX
	SHRQ $2, AX
	JZ   p4x32tail

p4x32loop4:
	KSTEP_4x32
	KSTEP_4x32
	KSTEP_4x32
	KSTEP_4x32
	DECQ AX
	JNZ  p4x32loop4

p4x32tail:
	ANDQ $3, K_CNT
	JZ   pepilogue

p4x32loop1:
	KSTEP_4x32
	DECQ K_CNT
	JNZ  p4x32loop1
	JMP  pepilogue

p12x16:
	MOVQ K_CNT, AX
	SHRQ $2, AX
	JZ   p12x16tail

p12x16loop4:
	KSTEP_12x16
	KSTEP_12x16
	KSTEP_12x16
	KSTEP_12x16
	DECQ AX
	JNZ  p12x16loop4

p12x16tail:
	ANDQ $3, K_CNT
	JZ   pepilogue

p12x16loop1:
	KSTEP_12x16
	DECQ K_CNT
	JNZ  p12x16loop1
	JMP  pepilogue

p8x16:
	MOVQ K_CNT, AX
	SHRQ $2, AX
	JZ   p8x16tail

p8x16loop4:
	KSTEP_8x16
	KSTEP_8x16
	KSTEP_8x16
	KSTEP_8x16
	DECQ AX
	JNZ  p8x16loop4

p8x16tail:
	ANDQ $3, K_CNT
	JZ   pepilogue

p8x16loop1:
	KSTEP_8x16
	DECQ K_CNT
	JNZ  p8x16loop1
	JMP  pepilogue

p4x16:
	MOVQ K_CNT, AX
	SHRQ $2, AX
	JZ   p4x16tail

p4x16loop4:
	KSTEP_4x16
	KSTEP_4x16
	KSTEP_4x16
	KSTEP_4x16
	DECQ AX
	JNZ  p4x16loop4

p4x16tail:
	ANDQ $3, K_CNT
	JZ   pepilogue

p4x16loop1:
	KSTEP_4x16
	DECQ K_CNT
	JNZ  p4x16loop1
	JMP  pepilogue

pepilogue:
	SCALE_ACC

	MOVQ  rows+72(FP), R14
	MOVL  cols+80(FP), AX
	KMOVW AX, K1
	SHRL  $16, AX
	KMOVW AX, K2
	MOVL  beta+68(FP), AX
	TESTL $0x7fffffff, AX
	JZ    pstore_only

	VBROADCASTSS beta+68(FP), Z25
	PART_ROW_BETA(Z0, Z1)
	DECQ R14
	JZ   pdone
	PART_ROW_BETA(Z2, Z3)
	DECQ R14
	JZ   pdone
	PART_ROW_BETA(Z4, Z5)
	DECQ R14
	JZ   pdone
	PART_ROW_BETA(Z6, Z7)
	DECQ R14
	JZ   pdone
	PART_ROW_BETA(Z8, Z9)
	DECQ R14
	JZ   pdone
	PART_ROW_BETA(Z10, Z11)
	DECQ R14
	JZ   pdone
	PART_ROW_BETA(Z12, Z13)
	DECQ R14
	JZ   pdone
	PART_ROW_BETA(Z14, Z15)
	DECQ R14
	JZ   pdone
	PART_ROW_BETA(Z16, Z17)
	DECQ R14
	JZ   pdone
	PART_ROW_BETA(Z18, Z19)
	DECQ R14
	JZ   pdone
	PART_ROW_BETA(Z20, Z21)
	DECQ R14
	JZ   pdone
	PART_ROW_BETA(Z22, Z23)
	JMP  pdone

pstore_only:
	PART_ROW(Z0, Z1)
	DECQ R14
	JZ   pdone
	PART_ROW(Z2, Z3)
	DECQ R14
	JZ   pdone
	PART_ROW(Z4, Z5)
	DECQ R14
	JZ   pdone
	PART_ROW(Z6, Z7)
	DECQ R14
	JZ   pdone
	PART_ROW(Z8, Z9)
	DECQ R14
	JZ   pdone
	PART_ROW(Z10, Z11)
	DECQ R14
	JZ   pdone
	PART_ROW(Z12, Z13)
	DECQ R14
	JZ   pdone
	PART_ROW(Z14, Z15)
	DECQ R14
	JZ   pdone
	PART_ROW(Z16, Z17)
	DECQ R14
	JZ   pdone
	PART_ROW(Z18, Z19)
	DECQ R14
	JZ   pdone
	PART_ROW(Z20, Z21)
	DECQ R14
	JZ   pdone
	PART_ROW(Z22, Z23)

pdone:
	VZEROUPPER
	RET
