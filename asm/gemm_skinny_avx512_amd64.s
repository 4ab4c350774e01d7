//go:build !noasm && !purego

#include "textflag.h"

// Skinny SGEMM kernel for AVX-512: up to 16 rows × up to 16 columns of C,
// for products with n ≤ 16 (a network's output layer: 256×128·128×10).
//
// func sgemmSkinnyAVX512(k int, a *float32, rsa, csa int, b *float32, csb int,
//	c *float32, ldc int, alpha, beta float32, rows, cols int)
//
// Algorithm: k rank-1 updates of a 16×16 register tile (one ZMM per row),
// then for the first rows rows and cols columns
//
//	C[i, 0:cols] = alpha·acc[i] + beta·C[i, 0:cols]   (beta = 0: C is not read)
//
// A(i, p) is at a + i·rsa + p·csa, as in the 12×32 kernel, and all 16 rows
// must exist (the caller pads a partial last panel). B(p, 0:cols) is read at
// b + p·csb with a lane mask, so B is used in place (csb = ldb) and nothing
// past column cols is touched; C too is loaded and stored under the mask.
// Each step is 1 masked B load and 16 FMAs with an embedded broadcast of
// A(i, p): 16 independent accumulators cover 2 ports × 4 cycles of latency.
//
// Register map:
//	Z0–Z15  accumulators, row i in Zi
//	Z16     the B row of this step; alpha in the epilogue
//	Z17     beta in the epilogue
//	K1      lane mask of the cols valid columns

#define K_CNT CX  // remaining steps
#define A0 SI     // A panel, rows 0–3, advances by CSA per step
#define A4 DI     // rows 4–7
#define A8 R13    // rows 8–11
#define A12 R14   // rows 12–15
#define RSA R8    // row stride of A in bytes
#define RSA3 R9   // 3·RSA
#define CSA R10   // column (step) stride of A in bytes
#define B_PTR BX  // B row, advances by CSB per step
#define CSB R11   // step stride of B in bytes
#define C_PTR DX  // C row in the epilogue
#define LDC R12   // row stride of C in bytes
#define ROWS AX   // rows left to store in the epilogue

// One rank-1 update: acc[i] += A(i, p) · B(p, 0:16).
#define KSTEP \
	VMOVUPS.Z        (B_PTR), K1, Z16; \
	ADDQ             CSB, B_PTR; \
	VFMADD231PS.BCST (A0), Z16, Z0; \
	VFMADD231PS.BCST (A0)(RSA*1), Z16, Z1; \
	VFMADD231PS.BCST (A0)(RSA*2), Z16, Z2; \
	VFMADD231PS.BCST (A0)(RSA3*1), Z16, Z3; \
	VFMADD231PS.BCST (A4), Z16, Z4; \
	VFMADD231PS.BCST (A4)(RSA*1), Z16, Z5; \
	VFMADD231PS.BCST (A4)(RSA*2), Z16, Z6; \
	VFMADD231PS.BCST (A4)(RSA3*1), Z16, Z7; \
	VFMADD231PS.BCST (A8), Z16, Z8; \
	VFMADD231PS.BCST (A8)(RSA*1), Z16, Z9; \
	VFMADD231PS.BCST (A8)(RSA*2), Z16, Z10; \
	VFMADD231PS.BCST (A8)(RSA3*1), Z16, Z11; \
	VFMADD231PS.BCST (A12), Z16, Z12; \
	VFMADD231PS.BCST (A12)(RSA*1), Z16, Z13; \
	VFMADD231PS.BCST (A12)(RSA*2), Z16, Z14; \
	VFMADD231PS.BCST (A12)(RSA3*1), Z16, Z15; \
	ADDQ             CSA, A0; \
	ADDQ             CSA, A4; \
	ADDQ             CSA, A8; \
	ADDQ             CSA, A12

// KSTEP with A's rows adjacent (rsa = 1: a transposed A in place, or a
// packed panel): the 16 broadcasts are at fixed offsets from A0, with no
// index register, so each FMA stays one fused uop.
#define KSTEP_ADJACENT \
	VMOVUPS.Z        (B_PTR), K1, Z16; \
	ADDQ             CSB, B_PTR; \
	VFMADD231PS.BCST (A0), Z16, Z0; \
	VFMADD231PS.BCST 4(A0), Z16, Z1; \
	VFMADD231PS.BCST 8(A0), Z16, Z2; \
	VFMADD231PS.BCST 12(A0), Z16, Z3; \
	VFMADD231PS.BCST 16(A0), Z16, Z4; \
	VFMADD231PS.BCST 20(A0), Z16, Z5; \
	VFMADD231PS.BCST 24(A0), Z16, Z6; \
	VFMADD231PS.BCST 28(A0), Z16, Z7; \
	VFMADD231PS.BCST 32(A0), Z16, Z8; \
	VFMADD231PS.BCST 36(A0), Z16, Z9; \
	VFMADD231PS.BCST 40(A0), Z16, Z10; \
	VFMADD231PS.BCST 44(A0), Z16, Z11; \
	VFMADD231PS.BCST 48(A0), Z16, Z12; \
	VFMADD231PS.BCST 52(A0), Z16, Z13; \
	VFMADD231PS.BCST 56(A0), Z16, Z14; \
	VFMADD231PS.BCST 60(A0), Z16, Z15; \
	ADDQ             CSA, A0

// Store one row (beta ≠ 0), then stop after the last valid row.
#define STORE_ROW_BETA(acc) \
	VMOVUPS.Z   (C_PTR), K1, Z18; \
	VFMADD231PS Z18, Z17, acc; \
	VMOVUPS     acc, K1, (C_PTR); \
	ADDQ        LDC, C_PTR; \
	DECQ        ROWS; \
	JZ          done

// Store one row (beta = 0, C not read), then stop after the last valid row.
#define STORE_ROW(acc) \
	VMOVUPS acc, K1, (C_PTR); \
	ADDQ    LDC, C_PTR; \
	DECQ    ROWS; \
	JZ      done

TEXT ·sgemmSkinnyAVX512(SB), NOSPLIT, $0-88
	// K1 = (1 << cols) - 1.
	MOVQ  cols+80(FP), CX
	MOVL  $1, R9
	SHLQ  CX, R9
	DECQ  R9
	KMOVW R9, K1

	MOVQ k+0(FP), K_CNT
	MOVQ a+8(FP), A0
	MOVQ rsa+16(FP), RSA
	SHLQ $2, RSA
	LEAQ (RSA)(RSA*2), RSA3
	LEAQ (A0)(RSA*4), A4
	LEAQ (A4)(RSA*4), A8
	LEAQ (A8)(RSA*4), A12
	MOVQ csa+24(FP), CSA
	SHLQ $2, CSA
	MOVQ b+32(FP), B_PTR
	MOVQ csb+40(FP), CSB
	SHLQ $2, CSB

	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15

	// Main loop, unrolled by 4, then the remaining 0–3 steps.
	MOVQ K_CNT, AX
	SHRQ $2, AX
	CMPQ RSA, $4
	JEQ  adjacent
	TESTQ AX, AX
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
	JMP  epilogue

adjacent:
	TESTQ AX, AX
	JZ    adjacent_tail

adjacent4:
	KSTEP_ADJACENT
	KSTEP_ADJACENT
	KSTEP_ADJACENT
	KSTEP_ADJACENT
	DECQ AX
	JNZ  adjacent4

adjacent_tail:
	ANDQ $3, K_CNT
	JZ   epilogue

adjacent1:
	KSTEP_ADJACENT
	DECQ K_CNT
	JNZ  adjacent1

epilogue:
	MOVQ         c+48(FP), C_PTR
	MOVQ         ldc+56(FP), LDC
	SHLQ         $2, LDC
	MOVQ         rows+72(FP), ROWS
	VBROADCASTSS alpha+64(FP), Z16
	VMULPS       Z16, Z0, Z0
	VMULPS       Z16, Z1, Z1
	VMULPS       Z16, Z2, Z2
	VMULPS       Z16, Z3, Z3
	VMULPS       Z16, Z4, Z4
	VMULPS       Z16, Z5, Z5
	VMULPS       Z16, Z6, Z6
	VMULPS       Z16, Z7, Z7
	VMULPS       Z16, Z8, Z8
	VMULPS       Z16, Z9, Z9
	VMULPS       Z16, Z10, Z10
	VMULPS       Z16, Z11, Z11
	VMULPS       Z16, Z12, Z12
	VMULPS       Z16, Z13, Z13
	VMULPS       Z16, Z14, Z14
	VMULPS       Z16, Z15, Z15

	// beta = ±0 overwrites C without reading it (NaN in C must not leak).
	MOVL  beta+68(FP), CX
	TESTL $0x7fffffff, CX
	JZ    store_only

	VBROADCASTSS beta+68(FP), Z17
	STORE_ROW_BETA(Z0)
	STORE_ROW_BETA(Z1)
	STORE_ROW_BETA(Z2)
	STORE_ROW_BETA(Z3)
	STORE_ROW_BETA(Z4)
	STORE_ROW_BETA(Z5)
	STORE_ROW_BETA(Z6)
	STORE_ROW_BETA(Z7)
	STORE_ROW_BETA(Z8)
	STORE_ROW_BETA(Z9)
	STORE_ROW_BETA(Z10)
	STORE_ROW_BETA(Z11)
	STORE_ROW_BETA(Z12)
	STORE_ROW_BETA(Z13)
	STORE_ROW_BETA(Z14)
	STORE_ROW_BETA(Z15)
	JMP done

store_only:
	STORE_ROW(Z0)
	STORE_ROW(Z1)
	STORE_ROW(Z2)
	STORE_ROW(Z3)
	STORE_ROW(Z4)
	STORE_ROW(Z5)
	STORE_ROW(Z6)
	STORE_ROW(Z7)
	STORE_ROW(Z8)
	STORE_ROW(Z9)
	STORE_ROW(Z10)
	STORE_ROW(Z11)
	STORE_ROW(Z12)
	STORE_ROW(Z13)
	STORE_ROW(Z14)
	STORE_ROW(Z15)

done:
	VZEROUPPER
	RET
