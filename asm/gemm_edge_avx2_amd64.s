//go:build !noasm && !purego

#include "textflag.h"
#include "gemm_avx2_amd64.h"

// func sgemmEdgeAVX2(k int, a *float32, rsa, csa, astep int, b *float32, csb, bstep int,
//	c *float32, ldc, cstep int, alpha, beta float32, tiles, rows int)
//
// sgemmTilesAVX2 for an edge panel of 1 ≤ rows ≤ 5 rows of A: whole
// rows×16 tiles, each row's FMA chain and epilogue exactly the 6×16
// kernel's (same bits), on rows rows only. Where the 6×16 kernel runs on a
// zero-padded panel into a scratch tile that Go then copies, this reads no
// row of A past rows (A may be read in place) and writes C directly. The
// driver calls it with beta ∈ {0, 1} only, where the fused beta·C has the
// scratch tile's bits. r rows are 2r independent FMA chains: from 4 rows on
// the FMA ports stay busy; 1–3 rows run at r/4 of the rate, still less time
// than the 6 rows the padded tile computes.
//
// One block per row count (edge1 … edge5), each sgemmTilesAVX2's loops with
// the macros below for its rows; EDGE_*r is EDGE_*(r−1) plus row r−1.
// Register map: row i accumulates in Y(2i) (columns 0–7) and Y(2i+1)
// (8–15); the B row in Y12 Y13 (alpha, beta in the epilogue); A
// broadcasts in Y14 Y15.

#define EDGE_HEAD \
	PREFETCHT0 (B_PTR)(CSB*4); \
	VMOVUPS    (B_PTR), Y12; \
	VMOVUPS    32(B_PTR), Y13; \
	ADDQ       CSB, B_PTR

// Rank-1 updates of rows 0 … r−1 (EDGE_HEAD loads the B row first).
#define EDGE_ROWS1 VBROADCASTSS (A0), Y14; VFMADD231PS Y12, Y14, Y0; VFMADD231PS Y13, Y14, Y1
#define EDGE_ROWS2 EDGE_ROWS1; VBROADCASTSS (A0)(RSA*1), Y15; VFMADD231PS Y12, Y15, Y2; VFMADD231PS Y13, Y15, Y3
#define EDGE_ROWS3 EDGE_ROWS2; VBROADCASTSS (A0)(RSA*2), Y14; VFMADD231PS Y12, Y14, Y4; VFMADD231PS Y13, Y14, Y5
#define EDGE_ROWS4 EDGE_ROWS3; VBROADCASTSS (A0)(RSA3*1), Y15; VFMADD231PS Y12, Y15, Y6; VFMADD231PS Y13, Y15, Y7
#define EDGE_ROWS5 EDGE_ROWS4; VBROADCASTSS (A4), Y14; VFMADD231PS Y12, Y14, Y8; VFMADD231PS Y13, Y14, Y9

// Clear the accumulators; prefetch the C rows (AX walks them).
#define EDGE_ZERO1 VXORPS Y0, Y0, Y0; VXORPS Y1, Y1, Y1; PREFETCHT0 (AX); PREFETCHT0 60(AX); ADDQ LDC, AX
#define EDGE_ZERO2 EDGE_ZERO1; VXORPS Y2, Y2, Y2; VXORPS Y3, Y3, Y3; PREFETCHT0 (AX); PREFETCHT0 60(AX); ADDQ LDC, AX
#define EDGE_ZERO3 EDGE_ZERO2; VXORPS Y4, Y4, Y4; VXORPS Y5, Y5, Y5; PREFETCHT0 (AX); PREFETCHT0 60(AX); ADDQ LDC, AX
#define EDGE_ZERO4 EDGE_ZERO3; VXORPS Y6, Y6, Y6; VXORPS Y7, Y7, Y7; PREFETCHT0 (AX); PREFETCHT0 60(AX); ADDQ LDC, AX
#define EDGE_ZERO5 EDGE_ZERO4; VXORPS Y8, Y8, Y8; VXORPS Y9, Y9, Y9; PREFETCHT0 (AX); PREFETCHT0 60(AX); ADDQ LDC, AX

// acc ·= alpha (Y12).
#define EDGE_ALPHA1 VMULPS Y12, Y0, Y0; VMULPS Y12, Y1, Y1
#define EDGE_ALPHA2 EDGE_ALPHA1; VMULPS Y12, Y2, Y2; VMULPS Y12, Y3, Y3
#define EDGE_ALPHA3 EDGE_ALPHA2; VMULPS Y12, Y4, Y4; VMULPS Y12, Y5, Y5
#define EDGE_ALPHA4 EDGE_ALPHA3; VMULPS Y12, Y6, Y6; VMULPS Y12, Y7, Y7
#define EDGE_ALPHA5 EDGE_ALPHA4; VMULPS Y12, Y8, Y8; VMULPS Y12, Y9, Y9

// Store the rows: with beta (Y13) or without reading C.
#define EDGE_STORE_BETA1 STORE_ROW_BETA(Y0, Y1)
#define EDGE_STORE_BETA2 EDGE_STORE_BETA1; STORE_ROW_BETA(Y2, Y3)
#define EDGE_STORE_BETA3 EDGE_STORE_BETA2; STORE_ROW_BETA(Y4, Y5)
#define EDGE_STORE_BETA4 EDGE_STORE_BETA3; STORE_ROW_BETA(Y6, Y7)
#define EDGE_STORE_BETA5 EDGE_STORE_BETA4; STORE_ROW_BETA(Y8, Y9)
#define EDGE_STORE1 STORE_ROW(Y0, Y1)
#define EDGE_STORE2 EDGE_STORE1; STORE_ROW(Y2, Y3)
#define EDGE_STORE3 EDGE_STORE2; STORE_ROW(Y4, Y5)
#define EDGE_STORE4 EDGE_STORE3; STORE_ROW(Y6, Y7)
#define EDGE_STORE5 EDGE_STORE4; STORE_ROW(Y8, Y9)

TEXT ·sgemmEdgeAVX2(SB), NOSPLIT, $0-112
	MOVQ rsa+16(FP), RSA
	SHLQ $2, RSA
	LEAQ (RSA)(RSA*2), RSA3
	MOVQ csa+24(FP), CSA
	SHLQ $2, CSA
	MOVQ csb+48(FP), CSB
	SHLQ $2, CSB
	MOVQ ldc+72(FP), LDC
	SHLQ $2, LDC
	SHLQ $2, astep+32(FP)
	SHLQ $2, bstep+56(FP)
	SHLQ $2, cstep+80(FP)
	MOVQ rows+104(FP), AX
	CMPQ AX, $2
	JLT  edge1
	JEQ  edge2
	CMPQ AX, $4
	JLT  edge3
	JEQ  edge4
	JMP  edge5

edge1:
	MOVQ k+0(FP), K_CNT
	MOVQ a+8(FP), A0
	LEAQ (A0)(RSA*4), A4
	MOVQ b+40(FP), B_PTR
	MOVQ c+64(FP), C_PTR
	MOVQ C_PTR, AX
	EDGE_ZERO1
	MOVQ K_CNT, AX
	SHRQ $2, AX
	JZ   edge1_tail

edge1_loop4:
	EDGE_HEAD; EDGE_ROWS1; ADDQ CSA, A0; ADDQ CSA, A4
	EDGE_HEAD; EDGE_ROWS1; ADDQ CSA, A0; ADDQ CSA, A4
	EDGE_HEAD; EDGE_ROWS1; ADDQ CSA, A0; ADDQ CSA, A4
	EDGE_HEAD; EDGE_ROWS1; ADDQ CSA, A0; ADDQ CSA, A4
	DECQ AX
	JNZ  edge1_loop4

edge1_tail:
	ANDQ $3, K_CNT
	JZ   edge1_epilogue

edge1_loop1:
	EDGE_HEAD; EDGE_ROWS1; ADDQ CSA, A0; ADDQ CSA, A4
	DECQ K_CNT
	JNZ  edge1_loop1

edge1_epilogue:
	VBROADCASTSS alpha+88(FP), Y12
	EDGE_ALPHA1
	MOVL         beta+92(FP), AX
	TESTL        $0x7fffffff, AX
	JZ           edge1_store_only
	VBROADCASTSS beta+92(FP), Y13
	EDGE_STORE_BETA1
	JMP          edge1_next

edge1_store_only:
	EDGE_STORE1

edge1_next:
	MOVQ astep+32(FP), AX
	ADDQ AX, a+8(FP)
	MOVQ bstep+56(FP), AX
	ADDQ AX, b+40(FP)
	MOVQ cstep+80(FP), AX
	ADDQ AX, c+64(FP)
	DECQ tiles+96(FP)
	JNZ  edge1
	VZEROUPPER
	RET

edge2:
	MOVQ k+0(FP), K_CNT
	MOVQ a+8(FP), A0
	LEAQ (A0)(RSA*4), A4
	MOVQ b+40(FP), B_PTR
	MOVQ c+64(FP), C_PTR
	MOVQ C_PTR, AX
	EDGE_ZERO2
	MOVQ K_CNT, AX
	SHRQ $2, AX
	JZ   edge2_tail

edge2_loop4:
	EDGE_HEAD; EDGE_ROWS2; ADDQ CSA, A0; ADDQ CSA, A4
	EDGE_HEAD; EDGE_ROWS2; ADDQ CSA, A0; ADDQ CSA, A4
	EDGE_HEAD; EDGE_ROWS2; ADDQ CSA, A0; ADDQ CSA, A4
	EDGE_HEAD; EDGE_ROWS2; ADDQ CSA, A0; ADDQ CSA, A4
	DECQ AX
	JNZ  edge2_loop4

edge2_tail:
	ANDQ $3, K_CNT
	JZ   edge2_epilogue

edge2_loop1:
	EDGE_HEAD; EDGE_ROWS2; ADDQ CSA, A0; ADDQ CSA, A4
	DECQ K_CNT
	JNZ  edge2_loop1

edge2_epilogue:
	VBROADCASTSS alpha+88(FP), Y12
	EDGE_ALPHA2
	MOVL         beta+92(FP), AX
	TESTL        $0x7fffffff, AX
	JZ           edge2_store_only
	VBROADCASTSS beta+92(FP), Y13
	EDGE_STORE_BETA2
	JMP          edge2_next

edge2_store_only:
	EDGE_STORE2

edge2_next:
	MOVQ astep+32(FP), AX
	ADDQ AX, a+8(FP)
	MOVQ bstep+56(FP), AX
	ADDQ AX, b+40(FP)
	MOVQ cstep+80(FP), AX
	ADDQ AX, c+64(FP)
	DECQ tiles+96(FP)
	JNZ  edge2
	VZEROUPPER
	RET

edge3:
	MOVQ k+0(FP), K_CNT
	MOVQ a+8(FP), A0
	LEAQ (A0)(RSA*4), A4
	MOVQ b+40(FP), B_PTR
	MOVQ c+64(FP), C_PTR
	MOVQ C_PTR, AX
	EDGE_ZERO3
	MOVQ K_CNT, AX
	SHRQ $2, AX
	JZ   edge3_tail

edge3_loop4:
	EDGE_HEAD; EDGE_ROWS3; ADDQ CSA, A0; ADDQ CSA, A4
	EDGE_HEAD; EDGE_ROWS3; ADDQ CSA, A0; ADDQ CSA, A4
	EDGE_HEAD; EDGE_ROWS3; ADDQ CSA, A0; ADDQ CSA, A4
	EDGE_HEAD; EDGE_ROWS3; ADDQ CSA, A0; ADDQ CSA, A4
	DECQ AX
	JNZ  edge3_loop4

edge3_tail:
	ANDQ $3, K_CNT
	JZ   edge3_epilogue

edge3_loop1:
	EDGE_HEAD; EDGE_ROWS3; ADDQ CSA, A0; ADDQ CSA, A4
	DECQ K_CNT
	JNZ  edge3_loop1

edge3_epilogue:
	VBROADCASTSS alpha+88(FP), Y12
	EDGE_ALPHA3
	MOVL         beta+92(FP), AX
	TESTL        $0x7fffffff, AX
	JZ           edge3_store_only
	VBROADCASTSS beta+92(FP), Y13
	EDGE_STORE_BETA3
	JMP          edge3_next

edge3_store_only:
	EDGE_STORE3

edge3_next:
	MOVQ astep+32(FP), AX
	ADDQ AX, a+8(FP)
	MOVQ bstep+56(FP), AX
	ADDQ AX, b+40(FP)
	MOVQ cstep+80(FP), AX
	ADDQ AX, c+64(FP)
	DECQ tiles+96(FP)
	JNZ  edge3
	VZEROUPPER
	RET

edge4:
	MOVQ k+0(FP), K_CNT
	MOVQ a+8(FP), A0
	LEAQ (A0)(RSA*4), A4
	MOVQ b+40(FP), B_PTR
	MOVQ c+64(FP), C_PTR
	MOVQ C_PTR, AX
	EDGE_ZERO4
	MOVQ K_CNT, AX
	SHRQ $2, AX
	JZ   edge4_tail

edge4_loop4:
	EDGE_HEAD; EDGE_ROWS4; ADDQ CSA, A0; ADDQ CSA, A4
	EDGE_HEAD; EDGE_ROWS4; ADDQ CSA, A0; ADDQ CSA, A4
	EDGE_HEAD; EDGE_ROWS4; ADDQ CSA, A0; ADDQ CSA, A4
	EDGE_HEAD; EDGE_ROWS4; ADDQ CSA, A0; ADDQ CSA, A4
	DECQ AX
	JNZ  edge4_loop4

edge4_tail:
	ANDQ $3, K_CNT
	JZ   edge4_epilogue

edge4_loop1:
	EDGE_HEAD; EDGE_ROWS4; ADDQ CSA, A0; ADDQ CSA, A4
	DECQ K_CNT
	JNZ  edge4_loop1

edge4_epilogue:
	VBROADCASTSS alpha+88(FP), Y12
	EDGE_ALPHA4
	MOVL         beta+92(FP), AX
	TESTL        $0x7fffffff, AX
	JZ           edge4_store_only
	VBROADCASTSS beta+92(FP), Y13
	EDGE_STORE_BETA4
	JMP          edge4_next

edge4_store_only:
	EDGE_STORE4

edge4_next:
	MOVQ astep+32(FP), AX
	ADDQ AX, a+8(FP)
	MOVQ bstep+56(FP), AX
	ADDQ AX, b+40(FP)
	MOVQ cstep+80(FP), AX
	ADDQ AX, c+64(FP)
	DECQ tiles+96(FP)
	JNZ  edge4
	VZEROUPPER
	RET

edge5:
	MOVQ k+0(FP), K_CNT
	MOVQ a+8(FP), A0
	LEAQ (A0)(RSA*4), A4
	MOVQ b+40(FP), B_PTR
	MOVQ c+64(FP), C_PTR
	MOVQ C_PTR, AX
	EDGE_ZERO5
	MOVQ K_CNT, AX
	SHRQ $2, AX
	JZ   edge5_tail

edge5_loop4:
	EDGE_HEAD; EDGE_ROWS5; ADDQ CSA, A0; ADDQ CSA, A4
	EDGE_HEAD; EDGE_ROWS5; ADDQ CSA, A0; ADDQ CSA, A4
	EDGE_HEAD; EDGE_ROWS5; ADDQ CSA, A0; ADDQ CSA, A4
	EDGE_HEAD; EDGE_ROWS5; ADDQ CSA, A0; ADDQ CSA, A4
	DECQ AX
	JNZ  edge5_loop4

edge5_tail:
	ANDQ $3, K_CNT
	JZ   edge5_epilogue

edge5_loop1:
	EDGE_HEAD; EDGE_ROWS5; ADDQ CSA, A0; ADDQ CSA, A4
	DECQ K_CNT
	JNZ  edge5_loop1

edge5_epilogue:
	VBROADCASTSS alpha+88(FP), Y12
	EDGE_ALPHA5
	MOVL         beta+92(FP), AX
	TESTL        $0x7fffffff, AX
	JZ           edge5_store_only
	VBROADCASTSS beta+92(FP), Y13
	EDGE_STORE_BETA5
	JMP          edge5_next

edge5_store_only:
	EDGE_STORE5

edge5_next:
	MOVQ astep+32(FP), AX
	ADDQ AX, a+8(FP)
	MOVQ bstep+56(FP), AX
	ADDQ AX, b+40(FP)
	MOVQ cstep+80(FP), AX
	ADDQ AX, c+64(FP)
	DECQ tiles+96(FP)
	JNZ  edge5
	VZEROUPPER
	RET

// func sgemmEdgePairsAVX2(k int, a *float32, rsa, csa int, b *float32, csb, bnext int,
//	c *float32, ldc int, alpha, beta float32, pairs, rows int)
//
// sgemmEdgeAVX2 for 1 or 2 rows along a row of tiles, two tiles at a time:
// pairs times a rows×32 block, its B columns 0–15 at b and 16–31 at
// b + bnext (the next micro-panel), C at c; then b advances 2·bnext and c
// 32 columns (k ≥ 1 and pairs ≥ 1: the loops count down to zero). Two
// rows are 8 independent FMA chains where one tile has 4,
// so the FMA ports stay busy. Each element's chain and epilogue are the
// 6×16 kernel's, so the bits are too.
//
// Register map: row i accumulates in Y(4i) … Y(4i+3) (columns 0–7, 8–15,
// 16–23, 24–31); the B rows in Y8 Y9 (first panel) and Y10 Y11 (second);
// A broadcasts in Y14 Y15; alpha, beta in Y12 Y13 in the epilogue.

#define BNEXT R13 // bnext in bytes

#define PAIR_HEAD \
	PREFETCHT0 (B_PTR)(CSB*4); \
	MOVQ       B_PTR, AX; \
	ADDQ       BNEXT, AX; \
	PREFETCHT0 (AX)(CSB*4); \
	VMOVUPS    (B_PTR), Y8; \
	VMOVUPS    32(B_PTR), Y9; \
	VMOVUPS    (AX), Y10; \
	VMOVUPS    32(AX), Y11; \
	ADDQ       CSB, B_PTR

#define PAIR_ROW(addr, bc, y0, y1, y2, y3) \
	VBROADCASTSS addr, bc; \
	VFMADD231PS  Y8, bc, y0; \
	VFMADD231PS  Y9, bc, y1; \
	VFMADD231PS  Y10, bc, y2; \
	VFMADD231PS  Y11, bc, y3

#define PAIR_STEP1 PAIR_HEAD; PAIR_ROW((A0), Y14, Y0, Y1, Y2, Y3); ADDQ CSA, A0
#define PAIR_STEP2 PAIR_HEAD; PAIR_ROW((A0), Y14, Y0, Y1, Y2, Y3); PAIR_ROW((A0)(RSA*1), Y15, Y4, Y5, Y6, Y7); ADDQ CSA, A0

#define PAIR_ALPHA(y0, y1, y2, y3) \
	VMULPS Y12, y0, y0; \
	VMULPS Y12, y1, y1; \
	VMULPS Y12, y2, y2; \
	VMULPS Y12, y3, y3

#define PAIR_STORE_BETA(y0, y1, y2, y3) \
	VFMADD231PS (C_PTR), Y13, y0; \
	VFMADD231PS 32(C_PTR), Y13, y1; \
	VFMADD231PS 64(C_PTR), Y13, y2; \
	VFMADD231PS 96(C_PTR), Y13, y3; \
	VMOVUPS     y0, (C_PTR); \
	VMOVUPS     y1, 32(C_PTR); \
	VMOVUPS     y2, 64(C_PTR); \
	VMOVUPS     y3, 96(C_PTR); \
	ADDQ        LDC, C_PTR

#define PAIR_STORE(y0, y1, y2, y3) \
	VMOVUPS y0, (C_PTR); \
	VMOVUPS y1, 32(C_PTR); \
	VMOVUPS y2, 64(C_PTR); \
	VMOVUPS y3, 96(C_PTR); \
	ADDQ    LDC, C_PTR

#define PAIR_ZERO(y0, y1, y2, y3) \
	VXORPS y0, y0, y0; \
	VXORPS y1, y1, y1; \
	VXORPS y2, y2, y2; \
	VXORPS y3, y3, y3

TEXT ·sgemmEdgePairsAVX2(SB), NOSPLIT, $0-96
	MOVQ rsa+16(FP), RSA
	SHLQ $2, RSA
	MOVQ csa+24(FP), CSA
	SHLQ $2, CSA
	MOVQ csb+40(FP), CSB
	SHLQ $2, CSB
	MOVQ bnext+48(FP), BNEXT
	SHLQ $2, BNEXT
	MOVQ ldc+64(FP), LDC
	SHLQ $2, LDC
	CMPQ rows+88(FP), $2
	JEQ  pair2

pair1:
	MOVQ k+0(FP), K_CNT
	MOVQ a+8(FP), A0
	MOVQ b+32(FP), B_PTR
	MOVQ c+56(FP), C_PTR
	PAIR_ZERO(Y0, Y1, Y2, Y3)
	PREFETCHT0 (C_PTR)
	PREFETCHT0 64(C_PTR)
	PREFETCHT0 124(C_PTR)

pair1_loop:
	PAIR_STEP1
	DECQ K_CNT
	JNZ  pair1_loop

	VBROADCASTSS alpha+72(FP), Y12
	PAIR_ALPHA(Y0, Y1, Y2, Y3)
	MOVL         beta+76(FP), AX
	TESTL        $0x7fffffff, AX
	JZ           pair1_store_only
	VBROADCASTSS beta+76(FP), Y13
	PAIR_STORE_BETA(Y0, Y1, Y2, Y3)
	JMP          pair1_next

pair1_store_only:
	PAIR_STORE(Y0, Y1, Y2, Y3)

pair1_next:
	MOVQ BNEXT, AX
	SHLQ $1, AX
	ADDQ AX, b+32(FP)
	ADDQ $128, c+56(FP)
	DECQ pairs+80(FP)
	JNZ  pair1
	VZEROUPPER
	RET

pair2:
	MOVQ k+0(FP), K_CNT
	MOVQ a+8(FP), A0
	MOVQ b+32(FP), B_PTR
	MOVQ c+56(FP), C_PTR
	PAIR_ZERO(Y0, Y1, Y2, Y3)
	PAIR_ZERO(Y4, Y5, Y6, Y7)
	MOVQ       C_PTR, AX
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	PREFETCHT0 124(AX)
	ADDQ       LDC, AX
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	PREFETCHT0 124(AX)

pair2_loop:
	PAIR_STEP2
	DECQ K_CNT
	JNZ  pair2_loop

	VBROADCASTSS alpha+72(FP), Y12
	PAIR_ALPHA(Y0, Y1, Y2, Y3)
	PAIR_ALPHA(Y4, Y5, Y6, Y7)
	MOVL         beta+76(FP), AX
	TESTL        $0x7fffffff, AX
	JZ           pair2_store_only
	VBROADCASTSS beta+76(FP), Y13
	PAIR_STORE_BETA(Y0, Y1, Y2, Y3)
	PAIR_STORE_BETA(Y4, Y5, Y6, Y7)
	JMP          pair2_next

pair2_store_only:
	PAIR_STORE(Y0, Y1, Y2, Y3)
	PAIR_STORE(Y4, Y5, Y6, Y7)

pair2_next:
	MOVQ BNEXT, AX
	SHLQ $1, AX
	ADDQ AX, b+32(FP)
	ADDQ $128, c+56(FP)
	DECQ pairs+80(FP)
	JNZ  pair2
	VZEROUPPER
	RET
