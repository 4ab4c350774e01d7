//go:build !noasm && !purego

#include "textflag.h"

// Packing routines of the AVX-512 SGEMM: they copy a block of op(A) or op(B)
// into the micro-panel layout the 12×32 kernel reads (step p of a panel of
// width w is w contiguous floats at dst + p·w).
//
// func sgemmPackTAVX512(dst, src *float32, ld, rows, k, dstride int)
//
//	dst[p·dstride + r] = src[r·ld + p]   for r < rows, p < k
//
// A transposing copy, for panels whose values of one step p lie in
// different rows of the source: rows of A (A not transposed, 12-row
// panels) or rows of B (B transposed, 32-column panels). rows is a
// multiple of 4. Four source rows × 16 steps are loaded as 4 ZMM and
// transposed inside each 128-bit lane by two rounds of unpacks, which
// leaves in lane L of vector j the four rows at step 4L+j; each lane is
// then stored (16 bytes) to its step's slot in dst.
//
// Register map (transposing copy):
//	Z0–Z3   four source rows (16 steps each), then the transposed steps
//	Z4–Z7   first unpack round

#define T_SRC SI   // source rows of the current group of four, at step p
#define T_DST DI   // dst slot of the current group at step p
#define LD R8      // source row stride in bytes
#define LD3 R9     // 3·LD
#define DS R10     // dst step stride in bytes
#define DS3 R11    // 3·DS
#define GROUPS CX  // groups of four rows left
#define SRC0 R12   // first source row of the current group, step 0
#define DST0 R13   // dst slot of the current group, step 0
#define STEPS DX   // steps left in the current group
#define TMP R14    // dst + 4·DS·q while storing lanes

// Transpose Z0–Z3 inside each 128-bit lane (Z4–Z7 scratch): lane L of Zj
// then holds element j of lane L of Z0, Z1, Z2, Z3, in that order.
#define TRANSPOSE_LANES \
	VUNPCKLPS Z1, Z0, Z4; \
	VUNPCKHPS Z1, Z0, Z5; \
	VUNPCKLPS Z3, Z2, Z6; \
	VUNPCKHPS Z3, Z2, Z7; \
	VUNPCKLPD Z6, Z4, Z0; \
	VUNPCKHPD Z6, Z4, Z1; \
	VUNPCKLPD Z7, Z5, Z2; \
	VUNPCKHPD Z7, Z5, Z3

// Store lane q of Z0–Z3 (steps 4q … 4q+3) at TMP, TMP+DS, TMP+2DS, TMP+3DS.
#define STORE_LANE(q) \
	VEXTRACTF32X4 $q, Z0, (TMP); \
	VEXTRACTF32X4 $q, Z1, (TMP)(DS*1); \
	VEXTRACTF32X4 $q, Z2, (TMP)(DS*2); \
	VEXTRACTF32X4 $q, Z3, (TMP)(DS3*1)

TEXT ·sgemmPackTAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DST0
	MOVQ src+8(FP), SRC0
	MOVQ ld+16(FP), LD
	SHLQ $2, LD
	LEAQ (LD)(LD*2), LD3
	MOVQ rows+24(FP), GROUPS
	SHRQ $2, GROUPS
	JZ   tdone
	MOVQ dstride+40(FP), DS
	SHLQ $2, DS
	LEAQ (DS)(DS*2), DS3

tgroup:
	MOVQ SRC0, T_SRC
	MOVQ DST0, T_DST
	MOVQ k+32(FP), STEPS
	CMPQ STEPS, $16
	JLT  ttail

tblock:
	// Four rows × 16 steps.
	VMOVUPS (T_SRC), Z0
	VMOVUPS (T_SRC)(LD*1), Z1
	VMOVUPS (T_SRC)(LD*2), Z2
	VMOVUPS (T_SRC)(LD3*1), Z3

	// Per 128-bit lane: Z4 = r0s0 r1s0 r0s1 r1s1, Z5 = r0s2 r1s2 r0s3 r1s3,
	// Z6/Z7 the same for rows 2–3; then Zj = r0 r1 r2 r3 at step 4L+j.
	TRANSPOSE_LANES

	VMOVUPS X0, (T_DST)
	VMOVUPS X1, (T_DST)(DS*1)
	VMOVUPS X2, (T_DST)(DS*2)
	VMOVUPS X3, (T_DST)(DS3*1)
	LEAQ    (T_DST)(DS*4), TMP
	STORE_LANE(1)
	LEAQ    (TMP)(DS*4), TMP
	STORE_LANE(2)
	LEAQ    (TMP)(DS*4), TMP
	STORE_LANE(3)
	LEAQ    (TMP)(DS*4), T_DST

	ADDQ $64, T_SRC
	SUBQ $16, STEPS
	CMPQ STEPS, $16
	JGE  tblock

ttail:
	// The last 0–15 steps, one float at a time.
	TESTQ STEPS, STEPS
	JZ    tnext

tstep:
	MOVL (T_SRC), AX
	MOVL AX, (T_DST)
	MOVL (T_SRC)(LD*1), AX
	MOVL AX, 4(T_DST)
	MOVL (T_SRC)(LD*2), AX
	MOVL AX, 8(T_DST)
	MOVL (T_SRC)(LD3*1), AX
	MOVL AX, 12(T_DST)
	ADDQ $4, T_SRC
	ADDQ DS, T_DST
	DECQ STEPS
	JNZ  tstep

tnext:
	LEAQ (SRC0)(LD*4), SRC0
	ADDQ $16, DST0
	DECQ GROUPS
	JNZ  tgroup

tdone:
	VZEROUPPER
	RET

// func sgemmPackT16AVX512(dst, src *float32, ld, rows, k, dstride int)
//
//	dst[p·dstride + r] = src[r·ld + p]   for r < rows, p < k
//
// sgemmPackTAVX512 for rows a multiple of 16 and k a multiple of 4, one
// ZMM store per step: each of four vectors gathers 4 steps of rows i,
// i+4, i+8, i+12 into its four 128-bit lanes (a 128-bit load and three
// VINSERTF32X4 from memory, whose shuffle uop may issue on port 0 or 5),
// and the same in-lane transpose as sgemmPackTAVX512 then leaves the 16
// rows of step j in vector j, in order. Per 64 floats that is 8 shuffles
// on port 5 and 12 on ports 0/5 with 4 full stores, where the 16-step
// blocks of sgemmPackTAVX512 need 24 on port 5 (8 unpacks and 16 lane
// extracts) and 16 partial stores.
//
// Register map:
//	Z0–Z3   steps p…p+3 of rows (i, i+4, i+8, i+12), i = 0…3; then steps p+j
//	Z4–Z7   first unpack round

#define Q_R0 SI    // rows 0–3 of the group, at step p
#define Q_R4 AX    // rows 4–7
#define Q_R8 BX    // rows 8–11
#define Q_R12 R14  // rows 12–15

TEXT ·sgemmPackT16AVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DST0
	MOVQ src+8(FP), SRC0
	MOVQ ld+16(FP), LD
	SHLQ $2, LD
	LEAQ (LD)(LD*2), LD3
	MOVQ rows+24(FP), GROUPS
	SHRQ $4, GROUPS
	JZ   qdone
	MOVQ dstride+40(FP), DS
	SHLQ $2, DS
	LEAQ (DS)(DS*2), DS3

qgroup:
	MOVQ SRC0, Q_R0
	LEAQ (Q_R0)(LD*4), Q_R4
	LEAQ (Q_R4)(LD*4), Q_R8
	LEAQ (Q_R8)(LD*4), Q_R12
	MOVQ DST0, T_DST
	MOVQ k+32(FP), STEPS
	SHRQ $2, STEPS
	JZ   qnext

qstep:
	VMOVUPS      (Q_R0), X0
	VINSERTF32X4 $1, (Q_R4), Z0, Z0
	VINSERTF32X4 $2, (Q_R8), Z0, Z0
	VINSERTF32X4 $3, (Q_R12), Z0, Z0
	VMOVUPS      (Q_R0)(LD*1), X1
	VINSERTF32X4 $1, (Q_R4)(LD*1), Z1, Z1
	VINSERTF32X4 $2, (Q_R8)(LD*1), Z1, Z1
	VINSERTF32X4 $3, (Q_R12)(LD*1), Z1, Z1
	VMOVUPS      (Q_R0)(LD*2), X2
	VINSERTF32X4 $1, (Q_R4)(LD*2), Z2, Z2
	VINSERTF32X4 $2, (Q_R8)(LD*2), Z2, Z2
	VINSERTF32X4 $3, (Q_R12)(LD*2), Z2, Z2
	VMOVUPS      (Q_R0)(LD3*1), X3
	VINSERTF32X4 $1, (Q_R4)(LD3*1), Z3, Z3
	VINSERTF32X4 $2, (Q_R8)(LD3*1), Z3, Z3
	VINSERTF32X4 $3, (Q_R12)(LD3*1), Z3, Z3

	TRANSPOSE_LANES

	VMOVUPS Z0, (T_DST)
	VMOVUPS Z1, (T_DST)(DS*1)
	VMOVUPS Z2, (T_DST)(DS*2)
	VMOVUPS Z3, (T_DST)(DS3*1)
	LEAQ    (T_DST)(DS*4), T_DST
	ADDQ    $16, Q_R0
	ADDQ    $16, Q_R4
	ADDQ    $16, Q_R8
	ADDQ    $16, Q_R12
	DECQ    STEPS
	JNZ     qstep

qnext:
	LEAQ (SRC0)(LD*8), SRC0
	LEAQ (SRC0)(LD*8), SRC0
	ADDQ $64, DST0
	DECQ GROUPS
	JNZ  qgroup

qdone:
	VZEROUPPER
	RET

// func sgemmPackT12AVX512(dst, src *float32, ld, k int)
//
//	dst[p·12 + r] = src[r·ld + p]   for r < 12, p < k (k a multiple of 4)
//
// sgemmPackT16AVX512 for one 12-row panel of A: each of four vectors
// gathers 4 steps of rows i, i+4, i+8 into its first three lanes, and after
// the in-lane transpose vector j holds the 12 rows of step j, stored
// through a 12-lane mask.
//
// Register map: Z0–Z7 as sgemmPackT16AVX512; K1 the 12-lane store mask.

TEXT ·sgemmPackT12AVX512(SB), NOSPLIT, $0-32
	MOVL  $0x0fff, CX
	KMOVW CX, K1
	MOVQ  dst+0(FP), T_DST
	MOVQ  src+8(FP), Q_R0
	MOVQ  ld+16(FP), LD
	SHLQ  $2, LD
	LEAQ  (LD)(LD*2), LD3
	LEAQ  (Q_R0)(LD*4), Q_R4
	LEAQ  (Q_R4)(LD*4), Q_R8
	MOVQ  k+24(FP), STEPS
	SHRQ  $2, STEPS
	JZ    rdone

rstep:
	VMOVUPS      (Q_R0), X0
	VINSERTF32X4 $1, (Q_R4), Z0, Z0
	VINSERTF32X4 $2, (Q_R8), Z0, Z0
	VMOVUPS      (Q_R0)(LD*1), X1
	VINSERTF32X4 $1, (Q_R4)(LD*1), Z1, Z1
	VINSERTF32X4 $2, (Q_R8)(LD*1), Z1, Z1
	VMOVUPS      (Q_R0)(LD*2), X2
	VINSERTF32X4 $1, (Q_R4)(LD*2), Z2, Z2
	VINSERTF32X4 $2, (Q_R8)(LD*2), Z2, Z2
	VMOVUPS      (Q_R0)(LD3*1), X3
	VINSERTF32X4 $1, (Q_R4)(LD3*1), Z3, Z3
	VINSERTF32X4 $2, (Q_R8)(LD3*1), Z3, Z3

	TRANSPOSE_LANES

	VMOVUPS Z0, K1, (T_DST)
	VMOVUPS Z1, K1, 48(T_DST)
	VMOVUPS Z2, K1, 96(T_DST)
	VMOVUPS Z3, K1, 144(T_DST)
	ADDQ    $192, T_DST
	ADDQ    $16, Q_R0
	ADDQ    $16, Q_R4
	ADDQ    $16, Q_R8
	DECQ    STEPS
	JNZ     rstep

rdone:
	VZEROUPPER
	RET

// func sgemmPackNAVX512(dst, src *float32, ld, k int, load, store uint32)
//
//	dst[p·w + j] = src[p·ld + j]   for p < k, lane j set in load
//	dst[p·w + j] = 0               for lane j set in store but not in load
//
// A straight copy, for panels whose values of one step are contiguous in
// the source: columns of A (A transposed) or rows of B (B not
// transposed). w is the panel width (12 or 32), the number of lanes set
// in store; load has the first cols ≤ w lanes set, so a partial panel is
// zero-padded and nothing past column cols of the source is read (masked
// lanes do not fault).
//
// Register map (straight copy):
//	Z0 Z1   one step: lanes 0–15 and 16–31
//	K1 K2   load masks of lanes 0–15 and 16–31
//	K3 K4   store masks of lanes 0–15 and 16–31

#define N_SRC SI   // source at step p
#define N_DST DI   // dst at step p
#define N_LD R8    // source step stride in bytes
#define N_W R9     // dst step stride (panel width) in bytes
#define N_CNT CX   // steps left

TEXT ·sgemmPackNAVX512(SB), NOSPLIT, $0-40
	MOVQ  dst+0(FP), N_DST
	MOVQ  src+8(FP), N_SRC
	MOVQ  ld+16(FP), N_LD
	SHLQ  $2, N_LD
	MOVQ  k+24(FP), N_CNT
	MOVL  load+32(FP), AX
	KMOVW AX, K1
	SHRL  $16, AX
	KMOVW AX, K2
	MOVL  store+36(FP), AX
	KMOVW AX, K3
	SHRL  $16, AX
	KMOVW AX, K4
	POPCNTL store+36(FP), N_W
	SHLQ  $2, N_W
	TESTQ N_CNT, N_CNT
	JZ    ndone

nstep:
	VMOVUPS.Z (N_SRC), K1, Z0
	VMOVUPS.Z 64(N_SRC), K2, Z1
	VMOVUPS   Z0, K3, (N_DST)
	VMOVUPS   Z1, K4, 64(N_DST)
	ADDQ      N_LD, N_SRC
	ADDQ      N_W, N_DST
	DECQ      N_CNT
	JNZ       nstep

ndone:
	VZEROUPPER
	RET

// func sgemmPackN12AVX512(dst, src *float32, ld, k int, load uint32)
//
//	dst[p·12 + j] = src[p·ld + j]   for p < k, j < 12 (lanes not in load: 0)
//
// sgemmPackNAVX512 for a 12-wide panel (columns of a transposed A): one
// masked load per step and a whole 64-byte store, whose last 4 lanes the
// next step's store overwrites; only the last step's store is masked to
// 12 lanes. Two masked stores per step (one of them empty) ran at about
// 6 cycles a step.
//
// Register map:
//	Z0–Z3   four steps
//	K1      load mask (the first cols ≤ 12 lanes)
//	K2      the 12 lanes of the last store

TEXT ·sgemmPackN12AVX512(SB), NOSPLIT, $0-36
	MOVQ  dst+0(FP), N_DST
	MOVQ  src+8(FP), N_SRC
	MOVQ  ld+16(FP), N_LD
	SHLQ  $2, N_LD
	MOVQ  k+24(FP), N_CNT
	MOVL  load+32(FP), AX
	KMOVW AX, K1
	MOVL  $0x0fff, AX
	KMOVW AX, K2
	TESTQ N_CNT, N_CNT
	JZ    n12done
	DECQ  N_CNT // the last step is stored masked
	CMPQ  N_CNT, $4
	JLT   n12one

n12four:
	VMOVUPS.Z (N_SRC), K1, Z0
	VMOVUPS.Z (N_SRC)(N_LD*1), K1, Z1
	LEAQ      (N_SRC)(N_LD*2), N_SRC
	VMOVUPS.Z (N_SRC), K1, Z2
	VMOVUPS.Z (N_SRC)(N_LD*1), K1, Z3
	LEAQ      (N_SRC)(N_LD*2), N_SRC
	VMOVUPS   Z0, (N_DST)
	VMOVUPS   Z1, 48(N_DST)
	VMOVUPS   Z2, 96(N_DST)
	VMOVUPS   Z3, 144(N_DST)
	ADDQ      $192, N_DST
	SUBQ      $4, N_CNT
	CMPQ      N_CNT, $4
	JGE       n12four

n12one:
	TESTQ N_CNT, N_CNT
	JZ    n12last

n12step:
	VMOVUPS.Z (N_SRC), K1, Z0
	VMOVUPS   Z0, (N_DST)
	ADDQ      N_LD, N_SRC
	ADDQ      $48, N_DST
	DECQ      N_CNT
	JNZ       n12step

n12last:
	VMOVUPS.Z (N_SRC), K1, Z0
	VMOVUPS   Z0, K2, (N_DST)

n12done:
	VZEROUPPER
	RET
