//go:build !noasm && !purego

#include "textflag.h"
#include "sigmoid_amd64.h"
#include "stream_amd64.h"

// AVX-512 sigmoid, fused bias+sigmoid and tanh, 16 lanes per ZMM.
//
// Sigmoid, per lane (constants in sigmoid_avx2_amd64.s, ·expConsts):
//
//	z = min(max(x, −104), 104)         VMAXPS/VMINPS with z as the second
//	                                   (Intel) source, which they return for
//	                                   a NaN: NaN stays NaN
//	n = round(−z·log2e)                FMA with the 1.5·2^23 magic number,
//	                                   then subtract it: n as a float
//	r' = z + n·ln2_hi + n·ln2_lo       Cody–Waite, two FMAs; r' = −r where
//	                                   −z = n·ln2 + r, |r| ≤ ln2/2
//	p = 2^−32·exp(r)                   degree-5 minimax polynomial in r'
//	                                   (odd coefficients negated, all scaled
//	                                   by 2^−32, exactly)
//	d = scalef(p, n) + 2^−32           = 2^−32·(1 + e^−z), normal for every
//	                                   z in the clamp range (VSCALEFPS)
//	σ = 2^−32 · (1/d)                  VRCP14PS (2^−14) + one Newton step,
//	                                   then one multiply that rounds the
//	                                   subnormal outputs (x < −87.3) once
//
// Saturation is exact: where σ rounds to 1, 1 + e^−z rounds to 1, d is a
// power of two and its reciprocal exact; where σ rounds to 0 (x ≤ −150·ln2)
// the last multiply rounds to 0. The first version selected t/(1+t) or
// 1/(1+t) on the sign of x (sigmoid_avx2_amd64.s still does); this form
// needs no select. Measured max error against float64: 2.4e-7 relative
// (vec_simd_test.go, TestSigmoidSweep -v).
//
// Register map (sigmoid, biasSigmoid, tanh):
#define LIMIT  Z31 // −10: tanh's clamp of −|x| (sigmoid clamps x with SLO, SHI below)
#define LOG2E  Z30
#define MAGIC  Z29
#define LN2HI  Z28
#define LN2LO  Z27
#define C0     Z26
#define C1     Z25
#define C2     Z24
#define C3     Z23
#define C4     Z22
#define ONE    Z21
#define SIGN   Z20 // sign bit
#define TWO    Z19 // 2.0 (tanh)
// Z0..Z5 and Z6..Z11: the two vectors of an unrolled step; K1 tail (or
// streaming head) mask, K2/K3 sign masks.
//
// sigmoid and tanh store a large separate output with VMOVNTPS, prefetching
// their input (stream_amd64.h); biasSigmoid works in place and always uses
// normal stores.

#define LOAD_EXP_CONSTS \
	VBROADCASTSS ·expConsts+EXP_LOG2E(SB), LOG2E \
	VBROADCASTSS ·expConsts+EXP_MAGIC(SB), MAGIC \
	VBROADCASTSS ·expConsts+EXP_LN2HI(SB), LN2HI \
	VBROADCASTSS ·expConsts+EXP_LN2LO(SB), LN2LO \
	VBROADCASTSS ·expConsts+EXP_C0(SB), C0       \
	VBROADCASTSS ·expConsts+EXP_C1(SB), C1       \
	VBROADCASTSS ·expConsts+EXP_C2(SB), C2       \
	VBROADCASTSS ·expConsts+EXP_C3(SB), C3       \
	VBROADCASTSS ·expConsts+EXP_C4(SB), C4       \
	VBROADCASTSS ·expConsts+EXP_ONE(SB), ONE

// EXP_R(Z, N): from z in Z, leaves n (float) in N and r in Z.
#define EXP_R(Z, N) \
	VMOVAPS      MAGIC, N   \
	VFMADD231PS  LOG2E, Z, N \
	VSUBPS       MAGIC, N, N \
	VFNMADD231PS LN2HI, N, Z \
	VFNMADD231PS LN2LO, N, Z

// EXP_POLY(Z, P): P = C4 + r·(C3 + r·(C2 + r·(C1 + r·C0))) for r in Z, so
// that exp(r) = 1 + r·P.
#define EXP_POLY(Z, P) \
	VMOVAPS     C0, P    \
	VFMADD213PS C1, Z, P \
	VFMADD213PS C2, Z, P \
	VFMADD213PS C3, Z, P \
	VFMADD213PS C4, Z, P

// Sigmoid constants (SIG_* rows): the exp polynomial with r' = −r, scaled
// by 2^−32, and the clamp.
#define SLO    Z31 // −104
#define SHI    Z20 // 104
#define NLOG2E Z30 // −log2(e)
#define S0     Z26
#define S1     Z25
#define S2     Z24
#define S3     Z23
#define S4     Z22
#define S5     Z19 // 2^−32

#define LOAD_SIG_CONSTS \
	VBROADCASTSS ·expConsts+SIG_NEGLIM(SB), SLO  \
	VBROADCASTSS ·expConsts+SIG_LIM(SB), SHI     \
	VBROADCASTSS ·expConsts+SIG_NLOG2E(SB), NLOG2E \
	VBROADCASTSS ·expConsts+EXP_MAGIC(SB), MAGIC \
	VBROADCASTSS ·expConsts+EXP_LN2HI(SB), LN2HI \
	VBROADCASTSS ·expConsts+EXP_LN2LO(SB), LN2LO \
	VBROADCASTSS ·expConsts+SIG_S0(SB), S0       \
	VBROADCASTSS ·expConsts+SIG_S1(SB), S1       \
	VBROADCASTSS ·expConsts+SIG_S2(SB), S2       \
	VBROADCASTSS ·expConsts+SIG_S3(SB), S3       \
	VBROADCASTSS ·expConsts+SIG_S4(SB), S4       \
	VBROADCASTSS ·expConsts+SIG_S5(SB), S5       \
	VBROADCASTSS ·expConsts+EXP_ONE(SB), ONE

// SIGMOID(X, Z, N, P, T): σ(X) into N; X kept, Z, P, T clobbered.
#define SIGMOID(X, Z, N, P, T) \
	VMAXPS       X, SLO, Z  /* z = max(x, −104), NaN kept */ \
	VMINPS       Z, SHI, Z  /* z = min(z, 104), NaN kept */ \
	VMOVAPS      MAGIC, N   \
	VFMADD231PS  NLOG2E, Z, N /* N = −z·log2e + 1.5·2^23 */ \
	VSUBPS       MAGIC, N, N  /* N = n = round(−z·log2e) */ \
	VFMADD231PS  LN2HI, N, Z  /* Z = z + n·ln2_hi */ \
	VFMADD231PS  LN2LO, N, Z  /* Z = r' = z + n·ln2 = −r */ \
	VMOVAPS      S0, P      \
	VFMADD213PS  S1, Z, P   \
	VFMADD213PS  S2, Z, P   \
	VFMADD213PS  S3, Z, P   \
	VFMADD213PS  S4, Z, P   \
	VFMADD213PS  S5, Z, P   /* P = 2^−32·exp(r) */ \
	VSCALEFPS    N, P, P    /* P = 2^−32·e^(−z) */ \
	VADDPS       S5, P, T   /* T = d = 2^−32·(1 + e^(−z)) */ \
	VRCP14PS     T, N       \
	VFNMADD213PS ONE, N, T  /* T = 1 − N·d */ \
	VFMADD132PS  T, N, N    /* N = 1/d */ \
	VMULPS       S5, N, N   /* N = 2^−32/d = σ(z) */

// SIGMOID4(Z0..Z3, N0..N3, P0..P3, T0..T3): the SIGMOID steps on four
// vectors, interleaved instruction by instruction. Each lane's chain is ~19
// dependent 4-cycle operations; written one vector after another, the
// scheduler fills with uops of one chain that are waiting on each other and
// the ports idle (measured: no faster than 2 vectors per step). Interleaving
// puts four independent operations side by side. Input in Zi (clobbered),
// σ in Ni.
#define SIGMOID4(Z0, Z1, Z2, Z3, N0, N1, N2, N3, P0, P1, P2, P3, T0, T1, T2, T3) \
	VMAXPS       Z0, SLO, Z0 \
	VMAXPS       Z1, SLO, Z1 \
	VMAXPS       Z2, SLO, Z2 \
	VMAXPS       Z3, SLO, Z3 \
	VMINPS       Z0, SHI, Z0 \
	VMINPS       Z1, SHI, Z1 \
	VMINPS       Z2, SHI, Z2 \
	VMINPS       Z3, SHI, Z3 \
	VMOVAPS      MAGIC, N0 \
	VMOVAPS      MAGIC, N1 \
	VMOVAPS      MAGIC, N2 \
	VMOVAPS      MAGIC, N3 \
	VFMADD231PS  NLOG2E, Z0, N0 \
	VFMADD231PS  NLOG2E, Z1, N1 \
	VFMADD231PS  NLOG2E, Z2, N2 \
	VFMADD231PS  NLOG2E, Z3, N3 \
	VSUBPS       MAGIC, N0, N0 \
	VSUBPS       MAGIC, N1, N1 \
	VSUBPS       MAGIC, N2, N2 \
	VSUBPS       MAGIC, N3, N3 \
	VFMADD231PS  LN2HI, N0, Z0 \
	VFMADD231PS  LN2HI, N1, Z1 \
	VFMADD231PS  LN2HI, N2, Z2 \
	VFMADD231PS  LN2HI, N3, Z3 \
	VFMADD231PS  LN2LO, N0, Z0 \
	VFMADD231PS  LN2LO, N1, Z1 \
	VFMADD231PS  LN2LO, N2, Z2 \
	VFMADD231PS  LN2LO, N3, Z3 \
	VMOVAPS      S0, P0 \
	VMOVAPS      S0, P1 \
	VMOVAPS      S0, P2 \
	VMOVAPS      S0, P3 \
	VFMADD213PS  S1, Z0, P0 \
	VFMADD213PS  S1, Z1, P1 \
	VFMADD213PS  S1, Z2, P2 \
	VFMADD213PS  S1, Z3, P3 \
	VFMADD213PS  S2, Z0, P0 \
	VFMADD213PS  S2, Z1, P1 \
	VFMADD213PS  S2, Z2, P2 \
	VFMADD213PS  S2, Z3, P3 \
	VFMADD213PS  S3, Z0, P0 \
	VFMADD213PS  S3, Z1, P1 \
	VFMADD213PS  S3, Z2, P2 \
	VFMADD213PS  S3, Z3, P3 \
	VFMADD213PS  S4, Z0, P0 \
	VFMADD213PS  S4, Z1, P1 \
	VFMADD213PS  S4, Z2, P2 \
	VFMADD213PS  S4, Z3, P3 \
	VFMADD213PS  S5, Z0, P0 \
	VFMADD213PS  S5, Z1, P1 \
	VFMADD213PS  S5, Z2, P2 \
	VFMADD213PS  S5, Z3, P3 \
	VSCALEFPS    N0, P0, P0 \
	VSCALEFPS    N1, P1, P1 \
	VSCALEFPS    N2, P2, P2 \
	VSCALEFPS    N3, P3, P3 \
	VADDPS       S5, P0, T0 \
	VADDPS       S5, P1, T1 \
	VADDPS       S5, P2, T2 \
	VADDPS       S5, P3, T3 \
	VRCP14PS     T0, N0 \
	VRCP14PS     T1, N1 \
	VRCP14PS     T2, N2 \
	VRCP14PS     T3, N3 \
	VFNMADD213PS ONE, N0, T0 \
	VFNMADD213PS ONE, N1, T1 \
	VFNMADD213PS ONE, N2, T2 \
	VFNMADD213PS ONE, N3, T3 \
	VFMADD132PS  T0, N0, N0 \
	VFMADD132PS  T1, N1, N1 \
	VFMADD132PS  T2, N2, N2 \
	VFMADD132PS  T3, N3, N3 \
	VMULPS       S5, N0, N0 \
	VMULPS       S5, N1, N1 \
	VMULPS       S5, N2, N2 \
	VMULPS       S5, N3, N3

// ----------------------------------------------------------------------------
// func sigmoidAVX512(dst, src []float32)
// Four interleaved vectors per step (64 lanes), then one, then a K1-masked
// last vector. A large separate output takes the streaming path
// (stream_amd64.h) at sig_nt: a K1-masked head vector up to the first
// 64-byte line, the 64-lane step with VMOVNTPS, SFENCE, then sig_loop16.
// Registers: DI dst, SI src, CX remaining, AX index, BX, R8, R9 scratch.
TEXT ·sigmoidAVX512(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	LOAD_SIG_CONSTS
	XORQ AX, AX
	STREAM_CHECK(CX, sig_nt)

sig_loop64:
	CMPQ    CX, $64
	JB      sig_loop16
	VMOVUPS (SI)(AX*4), Z0
	VMOVUPS 64(SI)(AX*4), Z1
	VMOVUPS 128(SI)(AX*4), Z2
	VMOVUPS 192(SI)(AX*4), Z3
	SIGMOID4(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	VMOVUPS Z4, (DI)(AX*4)
	VMOVUPS Z5, 64(DI)(AX*4)
	VMOVUPS Z6, 128(DI)(AX*4)
	VMOVUPS Z7, 192(DI)(AX*4)
	ADDQ    $64, AX
	SUBQ    $64, CX
	JMP     sig_loop64

sig_loop16:
	CMPQ    CX, $16
	JB      sig_tail
	VMOVUPS (SI)(AX*4), Z0
	SIGMOID(Z0, Z1, Z2, Z3, Z4)
	VMOVUPS Z2, (DI)(AX*4)
	ADDQ    $16, AX
	SUBQ    $16, CX
	JMP     sig_loop16

sig_tail:
	TESTQ     CX, CX
	JZ        sig_done
	MOVL      $1, BX
	SHLL      CX, BX
	DECL      BX
	KMOVW     BX, K1
	VMOVUPS.Z (SI)(AX*4), K1, Z0 // masked-off lanes are 0: σ = 0.5, not stored
	SIGMOID(Z0, Z1, Z2, Z3, Z4)
	VMOVUPS   Z2, K1, (DI)(AX*4)

sig_done:
	VZEROUPPER
	RET

sig_nt:
	CMPQ  CX, $64
	JB    sig_loop64
	CMPQ  DI, SI
	JEQ   sig_loop64
	TESTQ $3, DI
	JNZ   sig_loop64
	STREAM_HEAD_K(DI)
	TESTQ BX, BX
	JZ    sig_ntloop
	VMOVUPS.Z (SI)(AX*4), K1, Z0
	SIGMOID(Z0, Z1, Z2, Z3, Z4)
	VMOVUPS   Z2, K1, (DI)(AX*4)
	ADDQ      BX, AX
	SUBQ      BX, CX

sig_ntloop:
	CMPQ       CX, $64
	JB         sig_ntend
	PREFETCHT0 STREAM_PREFETCH(SI)(AX*4)
	PREFETCHT0 STREAM_PREFETCH+64(SI)(AX*4)
	PREFETCHT0 STREAM_PREFETCH+128(SI)(AX*4)
	PREFETCHT0 STREAM_PREFETCH+192(SI)(AX*4)
	VMOVUPS    (SI)(AX*4), Z0
	VMOVUPS    64(SI)(AX*4), Z1
	VMOVUPS    128(SI)(AX*4), Z2
	VMOVUPS    192(SI)(AX*4), Z3
	SIGMOID4(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	VMOVNTPS   Z4, (DI)(AX*4)
	VMOVNTPS   Z5, 64(DI)(AX*4)
	VMOVNTPS   Z6, 128(DI)(AX*4)
	VMOVNTPS   Z7, 192(DI)(AX*4)
	ADDQ       $64, AX
	SUBQ       $64, CX
	JMP        sig_ntloop

sig_ntend:
	SFENCE
	JMP sig_loop16

// ----------------------------------------------------------------------------
// func biasSigmoidAVX512(x []float32, cols int, bias []float32)
// x[r·cols+c] = σ(x[r·cols+c] + bias[c]) in place, row by row: 64-column
// steps, 16-column steps, a masked last block (K1 from cols mod 16, set
// once). The sum x+bias is rounded to float32 first, as in the generic
// kernel.
// Registers: DI row pointer, SI bias, R10 cols, R9 rows left, CX columns
// left in the row, AX column index.
TEXT ·biasSigmoidAVX512(SB), NOSPLIT, $0-56
	MOVQ x_base+0(FP), DI
	MOVQ x_len+8(FP), AX
	MOVQ cols+24(FP), R10
	MOVQ bias_base+32(FP), SI
	XORQ DX, DX
	DIVQ R10                // rows = len(x)/cols (cols > 0, checked by BiasSigmoid)
	MOVQ AX, R9
	MOVQ R10, CX
	ANDQ $15, CX
	MOVL $1, BX
	SHLL CX, BX
	DECL BX
	KMOVW BX, K1
	LOAD_SIG_CONSTS

bsg_row:
	TESTQ R9, R9
	JZ    bsg_done
	MOVQ  R10, CX
	XORQ  AX, AX

bsg_loop64:
	CMPQ    CX, $64
	JB      bsg_loop16
	VMOVUPS (DI)(AX*4), Z0
	VMOVUPS 64(DI)(AX*4), Z1
	VMOVUPS 128(DI)(AX*4), Z2
	VMOVUPS 192(DI)(AX*4), Z3
	VADDPS  (SI)(AX*4), Z0, Z0
	VADDPS  64(SI)(AX*4), Z1, Z1
	VADDPS  128(SI)(AX*4), Z2, Z2
	VADDPS  192(SI)(AX*4), Z3, Z3
	SIGMOID4(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	VMOVUPS Z4, (DI)(AX*4)
	VMOVUPS Z5, 64(DI)(AX*4)
	VMOVUPS Z6, 128(DI)(AX*4)
	VMOVUPS Z7, 192(DI)(AX*4)
	ADDQ    $64, AX
	SUBQ    $64, CX
	JMP     bsg_loop64

bsg_loop16:
	CMPQ    CX, $16
	JB      bsg_tail
	VMOVUPS (DI)(AX*4), Z0
	VADDPS  (SI)(AX*4), Z0, Z0
	SIGMOID(Z0, Z1, Z2, Z3, Z4)
	VMOVUPS Z2, (DI)(AX*4)
	ADDQ    $16, AX
	SUBQ    $16, CX
	JMP     bsg_loop16

bsg_tail:
	TESTQ     CX, CX
	JZ        bsg_next
	VMOVUPS.Z (DI)(AX*4), K1, Z0
	VADDPS.Z  (SI)(AX*4), Z0, K1, Z0
	SIGMOID(Z0, Z1, Z2, Z3, Z4)
	VMOVUPS   Z2, K1, (DI)(AX*4)

bsg_next:
	LEAQ (DI)(R10*4), DI
	DECQ R9
	JMP  bsg_row

bsg_done:
	VZEROUPPER
	RET

// ----------------------------------------------------------------------------
// Tanh, per lane, from expm1 on z = −2·min(|x|, 10) (no overflow, no
// subnormal: n ≥ −29):
//
//	z = max(−|x|, −10)·2 = −2·min(|x|, 10)
//	n, r as for sigmoid;  q = r·P(r) = expm1(r)   (no cancellation near 0)
//	s = 2^n;  m = s·q + (s − 1) = expm1(z) ∈ (−1, 0]   one FMA, s−1 exact
//	tanh(|x|) = −m/(2 + m)   VRCP14PS + one Newton step on the quotient
//	tanh(x) = that magnitude with the sign of x      VPTERNLOGD bit select
//
// Relative error stays a few ulp for every |x|, including subnormal x
// (tanh(x) = x there). NaN stays NaN; ±Inf give ±1.
//
// TANH(X, Z, N, P, T): tanh(X) into Z; X kept, N, P, T clobbered.
#define TANH(X, Z, N, P, T) \
	VORPS        SIGN, X, Z         /* z = −|x| */ \
	VMAXPS       Z, LIMIT, Z        /* z = max(z, −10), NaN kept */ \
	VADDPS       Z, Z, Z           /* z = −2·min(|x|, 10) */ \
	EXP_R(Z, N)                    \
	EXP_POLY(Z, P)                 \
	VMULPS       Z, P, P           /* P = expm1(r) */ \
	VSCALEFPS    N, ONE, T         /* T = 2^n */ \
	VSUBPS       ONE, T, N         /* N = 2^n − 1 (exact) */ \
	VFMADD231PS  P, T, N           /* N = m = expm1(z) */ \
	VADDPS       TWO, N, T         /* T = 2 + m */ \
	VRCP14PS     T, P              \
	VMULPS       P, N, Z           /* Z = m·(1/(2+m)) first guess */ \
	VFNMADD231PS Z, T, N           /* N = m − (2+m)·Z residual */ \
	VFMADD231PS  N, P, Z           /* Z = m/(2+m) ≤ 0 */ \
	VPTERNLOGD   $0xd8, SIGN, X, Z /* Z = SIGN ? X : Z, bitwise */

// func tanhAVX512(dst, src []float32)
// Two vectors per step, then one, then a K1-masked last vector; the
// streaming path (tanh_nt) as in sigmoidAVX512, with the two-vector step.
TEXT ·tanhAVX512(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	VBROADCASTSS ·expConsts+TANH_NEGLIM(SB), LIMIT
	VBROADCASTSS ·expConsts+EXP_SIGN(SB), SIGN
	VBROADCASTSS ·expConsts+EXP_TWO(SB), TWO
	LOAD_EXP_CONSTS
	XORQ AX, AX
	STREAM_CHECK(CX, tanh_nt)

tanh_loop32:
	CMPQ    CX, $32
	JB      tanh_loop16
	VMOVUPS (SI)(AX*4), Z0
	VMOVUPS 64(SI)(AX*4), Z6
	TANH(Z0, Z1, Z2, Z3, Z4)
	TANH(Z6, Z7, Z8, Z9, Z10)
	VMOVUPS Z1, (DI)(AX*4)
	VMOVUPS Z7, 64(DI)(AX*4)
	ADDQ    $32, AX
	SUBQ    $32, CX
	JMP     tanh_loop32

tanh_loop16:
	CMPQ    CX, $16
	JB      tanh_tail
	VMOVUPS (SI)(AX*4), Z0
	TANH(Z0, Z1, Z2, Z3, Z4)
	VMOVUPS Z1, (DI)(AX*4)
	ADDQ    $16, AX
	SUBQ    $16, CX

tanh_tail:
	TESTQ     CX, CX
	JZ        tanh_done
	MOVL      $1, BX
	SHLL      CX, BX
	DECL      BX
	KMOVW     BX, K1
	VMOVUPS.Z (SI)(AX*4), K1, Z0
	TANH(Z0, Z1, Z2, Z3, Z4)
	VMOVUPS   Z1, K1, (DI)(AX*4)

tanh_done:
	VZEROUPPER
	RET

tanh_nt:
	CMPQ  CX, $32
	JB    tanh_loop32
	CMPQ  DI, SI
	JEQ   tanh_loop32
	TESTQ $3, DI
	JNZ   tanh_loop32
	STREAM_HEAD_K(DI)
	TESTQ BX, BX
	JZ    tanh_ntloop
	VMOVUPS.Z (SI)(AX*4), K1, Z0
	TANH(Z0, Z1, Z2, Z3, Z4)
	VMOVUPS   Z1, K1, (DI)(AX*4)
	ADDQ      BX, AX
	SUBQ      BX, CX

tanh_ntloop:
	CMPQ       CX, $32
	JB         tanh_ntend
	PREFETCHT0 STREAM_PREFETCH(SI)(AX*4)
	PREFETCHT0 STREAM_PREFETCH+64(SI)(AX*4)
	VMOVUPS    (SI)(AX*4), Z0
	VMOVUPS    64(SI)(AX*4), Z6
	TANH(Z0, Z1, Z2, Z3, Z4)
	TANH(Z6, Z7, Z8, Z9, Z10)
	VMOVNTPS   Z1, (DI)(AX*4)
	VMOVNTPS   Z7, 64(DI)(AX*4)
	ADDQ       $32, AX
	SUBQ       $32, CX
	JMP        tanh_ntloop

tanh_ntend:
	SFENCE
	JMP tanh_loop16
