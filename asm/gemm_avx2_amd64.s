//go:build !noasm && !purego

#include "textflag.h"

// SGEMM micro-kernel for AVX2 + FMA3: one 6×16 tile of C.
//
// func sgemmKernelAVX2(k int, a *float32, rsa, csa int, b *float32, csb int,
//	c *float32, ldc int, alpha, beta float32)
//
// Algorithm: k rank-1 updates of a 6×16 register tile, then
//
//	C[i, 0:16] = alpha·acc[i] + beta·C[i, 0:16]   (beta = 0: C is not read)
//
// Element (i, p) of the A panel is at a + i·rsa + p·csa and row p of the B
// panel (16 contiguous floats) at b + p·csb; strides are in floats. A packed
// A panel has rsa = 1, csa = 6; an unpacked row-major A has rsa = lda,
// csa = 1 and a transposed one rsa = 1, csa = lda, so the same kernel runs
// on packed panels and, for small shapes, straight on the caller's A. Each
// step loads the B row once (2 YMM), broadcasts the 6 A values and issues
// 12 independent FMAs (2 FMA ports × 4-cycle latency needs ≥ 8 in flight),
// and prefetches the B row 4 steps ahead (at 4·csb on: 256 bytes in a
// packed panel, 4 rows down when B is read in place; +2–10% on 784-deep
// layer products, interleaved A/B; harmless past the panel's end:
// prefetches do not fault).
// The caller guarantees all 6 rows and 16 columns exist (zero-padded edge
// panels); partial tiles are written to a scratch tile and copied by Go.
//
// Register map:
//	Y0–Y11   accumulators: row i in Y(2i) (columns 0–7) and Y(2i+1) (8–15)
//	Y12 Y13  the B row of this step; alpha, beta in the epilogue
//	Y14 Y15  A broadcasts (alternating, so consecutive rows overlap)

#include "gemm_avx2_amd64.h"

TEXT ·sgemmKernelAVX2(SB), NOSPLIT, $0-72
	MOVQ k+0(FP), K_CNT
	MOVQ a+8(FP), A0
	MOVQ rsa+16(FP), RSA
	SHLQ $2, RSA
	LEAQ (RSA)(RSA*2), RSA3
	LEAQ (A0)(RSA*4), A4
	MOVQ csa+24(FP), CSA
	SHLQ $2, CSA
	MOVQ b+32(FP), B_PTR
	MOVQ csb+40(FP), CSB
	SHLQ $2, CSB
	MOVQ c+48(FP), C_PTR
	MOVQ ldc+56(FP), LDC
	SHLQ $2, LDC

	ZERO_TILE

	// Pull the C tile towards L1 while the k loop runs.
	PREFETCH_C_TILE

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
	SCALE_TILE(alpha+64(FP))

	// beta = ±0 overwrites C without reading it (NaN in C must not leak).
	MOVL  beta+68(FP), AX
	TESTL $0x7fffffff, AX
	JZ    store_only

	STORE_TILE_BETA(beta+68(FP))
	VZEROUPPER
	RET

store_only:
	STORE_TILE
	VZEROUPPER
	RET

// func sgemmTilesAVX2(k int, a *float32, rsa, csa, astep int, b *float32, csb, bstep int,
//	c *float32, ldc, cstep int, alpha, beta float32, tiles int)
//
// tiles ≥ 1 whole 6×16 tiles, each exactly as sgemmKernelAVX2 computes
// it (same operations, same bits), tile t on A at a + t·astep, B at
// b + t·bstep and C at c + t·cstep (floats): a row of tiles (astep 0,
// cstep 16) or a column (bstep 0, cstep 6·ldc) in one call, without a Go
// call, its argument copies and the k-loop set-up per tile (at k = 32, a
// weight gradient at batch 32, those were about a tenth of the tile's
// time). The next tile's a, b and c are kept in the argument slots.
TEXT ·sgemmTilesAVX2(SB), NOSPLIT, $0-104
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

tile:
	MOVQ k+0(FP), K_CNT
	MOVQ a+8(FP), A0
	LEAQ (A0)(RSA*4), A4
	MOVQ b+40(FP), B_PTR
	MOVQ c+64(FP), C_PTR

	ZERO_TILE

	PREFETCH_C_TILE

	MOVQ K_CNT, AX
	SHRQ $2, AX
	JZ   ttail

tloop4:
	KSTEP
	KSTEP
	KSTEP
	KSTEP
	DECQ AX
	JNZ  tloop4

ttail:
	ANDQ $3, K_CNT
	JZ   tepilogue

tloop1:
	KSTEP
	DECQ K_CNT
	JNZ  tloop1

tepilogue:
	SCALE_TILE(alpha+88(FP))

	MOVL  beta+92(FP), AX
	TESTL $0x7fffffff, AX
	JZ    tstore_only

	STORE_TILE_BETA(beta+92(FP))
	JMP          tnext

tstore_only:
	STORE_TILE

tnext:
	MOVQ astep+32(FP), AX
	ADDQ AX, a+8(FP)
	MOVQ bstep+56(FP), AX
	ADDQ AX, b+40(FP)
	MOVQ cstep+80(FP), AX
	ADDQ AX, c+64(FP)
	DECQ tiles+96(FP)
	JNZ  tile
	VZEROUPPER
	RET

// func sgemmKernelPackAAVX2(k int, a *float32, lda int, b *float32, csb int,
//	c *float32, ldc int, alpha, beta float32, dst *float32)
//
// sgemmKernelAVX2 on a transposed A read in place (rsa = 1, csa = lda),
// which also copies the A micro-panel it reads into dst in the packed
// layout (6 floats per step, rsa = 1, csa = 6), for the rest of the row of
// tiles: the first tile of a row packs its panel while its FMAs run,
// rather than a pack pass that does nothing but load 24 bytes from each
// of k rows lda apart. Same operations and bits as sgemmKernelAVX2.
//
// Register map: sgemmKernelAVX2's (RSA = 4 bytes: A's rows are its
// columns in memory), plus R13 the packed panel's next step and R14 the 8
// bytes being copied.

TEXT ·sgemmKernelPackAAVX2(SB), NOSPLIT, $0-72
	MOVQ k+0(FP), K_CNT
	MOVQ a+8(FP), A0
	MOVQ $4, RSA
	MOVQ $12, RSA3
	LEAQ 16(A0), A4
	MOVQ lda+16(FP), CSA
	SHLQ $2, CSA
	MOVQ b+24(FP), B_PTR
	MOVQ csb+32(FP), CSB
	SHLQ $2, CSB
	MOVQ c+40(FP), C_PTR
	MOVQ ldc+48(FP), LDC
	SHLQ $2, LDC
	MOVQ dst+64(FP), R13

	ZERO_TILE

	PREFETCH_C_TILE

	MOVQ K_CNT, AX
	SHRQ $2, AX
	JZ   ptail

ploop4:
	PACKA_COPY
	KSTEP
	PACKA_COPY
	KSTEP
	PACKA_COPY
	KSTEP
	PACKA_COPY
	KSTEP
	DECQ AX
	JNZ  ploop4

ptail:
	ANDQ $3, K_CNT
	JZ   pepilogue

ploop1:
	PACKA_COPY
	KSTEP
	DECQ K_CNT
	JNZ  ploop1

pepilogue:
	SCALE_TILE(alpha+56(FP))

	MOVL  beta+60(FP), AX
	TESTL $0x7fffffff, AX
	JZ    pstore_only

	STORE_TILE_BETA(beta+60(FP))
	VZEROUPPER
	RET

pstore_only:
	STORE_TILE
	VZEROUPPER
	RET
