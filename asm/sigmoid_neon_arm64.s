//go:build !noasm && !purego

#include "textflag.h"

// NEON sigmoid: σ(x) = 1/(1 + e^−x), four lanes at a time. Prototypes and
// the tail handling (lengths are multiples of 4 here) are in vec_arm64.go.
//
// Algorithm (per lane; the contract is in vec.go and TestSigmoidAccuracy):
//
//	z = −|x|, clamped to ≥ −104       (VORR of the sign bit; FMAX keeps NaN)
//	n = round(z·log2 e)               (FCVTNS, so n ∈ [−150, 0])
//	r = z − n·C1 − n·C2               (C1 + C2 = ln 2, C1 exact in 9 bits)
//	e^r ≈ 1 + r + r²·P(r)             (Cephes expf, degree 5 P, |r| ≤ ln2/2)
//	s = e^r · 2^(n+64)                (exponent bits: (n + 127 + 64) << 23,
//	                                   always a normal number)
//	t = s · 2^−64 = e^z               (the one rounding into subnormals)
//	σ(x) = 1/(1 + t)   for x ≥ 0      (true FDIV)
//	σ(x) = t/(1 + t)   for x < 0      (sign of x, SSHR #31, picks the numerator)
//
// Working with e^−|x| ≤ 1 means nothing overflows and small outputs keep
// their relative accuracy down to the subnormals: for x < −87.3, σ(x) = t is
// one correctly placed rounding of s·2^−64. The polynomial's relative error
// is about 1e-7 and each of the four roundings after it adds at most half
// an ulp, well inside the 1e-6 contract. Saturation is exact: for x > 17.3,
// 1 + t rounds to 1 and σ = 1; for x < −103.97, t rounds to 0 and σ = 0.
// NaN flows through every step (FMAX, not FMAXNM) and comes out NaN;
// +Inf gives t = e^−104 → σ = 1, −Inf gives σ = 0.
//
// Register map (SIGMOID4 works on V0 in place):
//	V0        x in, σ(x) out
//	V1        z, then r
//	V2        n·log2 e, then n (integer), then 2^(n+64)
//	V3        n (float), then the sign mask, then the numerator
//	V4 V5     Horner temporaries, V5 = r² at the end
//	V6        e^r, then s, then t
//	V7        1 + t
//	V16–V29   constants in every lane, loaded from sigmoidConsts<> (below)

// Constants, one float32 (or int32) each, in the order LOAD_SIGMOID_CONSTS
// replicates them into V16–V29.
DATA sigmoidConsts<>+0(SB)/4, $0x80000000 // V16 sign bit
DATA sigmoidConsts<>+4(SB)/4, $0xc2d00000 // V17 −104, lower clamp of z
DATA sigmoidConsts<>+8(SB)/4, $0x3fb8aa3b // V18 log2 e
DATA sigmoidConsts<>+12(SB)/4, $0x3f318000 // V19 C1 = 0.693359375
DATA sigmoidConsts<>+16(SB)/4, $0xb95e8083 // V20 C2 = −2.12194440e-4
DATA sigmoidConsts<>+20(SB)/4, $0x39506967 // V21 P: 1.9875691500e-4
DATA sigmoidConsts<>+24(SB)/4, $0x3ab743ce // V22    1.3981999507e-3
DATA sigmoidConsts<>+28(SB)/4, $0x3c088908 // V23    8.3334519073e-3
DATA sigmoidConsts<>+32(SB)/4, $0x3d2aa9c1 // V24    4.1665795894e-2
DATA sigmoidConsts<>+36(SB)/4, $0x3e2aaaaa // V25    1.6666665459e-1
DATA sigmoidConsts<>+40(SB)/4, $0x3f000000 // V26    5.0000001201e-1
DATA sigmoidConsts<>+44(SB)/4, $0x3f800000 // V27 1.0
DATA sigmoidConsts<>+48(SB)/4, $0x000000bf // V28 int 191 = 127 + 64
DATA sigmoidConsts<>+52(SB)/4, $0x1f800000 // V29 2^−64
GLOBL sigmoidConsts<>(SB), RODATA|NOPTR, $56

#define LOAD_SIGMOID_CONSTS \
	MOVD    $sigmoidConsts<>(SB), R5; \
	VLD1R.P 4(R5), [V16.S4];          \
	VLD1R.P 4(R5), [V17.S4];          \
	VLD1R.P 4(R5), [V18.S4];          \
	VLD1R.P 4(R5), [V19.S4];          \
	VLD1R.P 4(R5), [V20.S4];          \
	VLD1R.P 4(R5), [V21.S4];          \
	VLD1R.P 4(R5), [V22.S4];          \
	VLD1R.P 4(R5), [V23.S4];          \
	VLD1R.P 4(R5), [V24.S4];          \
	VLD1R.P 4(R5), [V25.S4];          \
	VLD1R.P 4(R5), [V26.S4];          \
	VLD1R.P 4(R5), [V27.S4];          \
	VLD1R.P 4(R5), [V28.S4];          \
	VLD1R.P 4(R5), [V29.S4]

// SIGMOID4 replaces the four lanes of V0 by their sigmoid (see above).
#define SIGMOID4 \
	VORR  V16.B16, V0.B16, V1.B16;                     \
	WORD  $0x4e31f421; /* fmax v1.4s, v1.4s, v17.4s */ \
	WORD  $0x6e32dc22; /* fmul v2.4s, v1.4s, v18.4s */ \
	WORD  $0x4e21a842; /* fcvtns v2.4s, v2.4s */       \
	WORD  $0x4e21d843; /* scvtf v3.4s, v2.4s */        \
	VFMLS V19.S4, V3.S4, V1.S4;                        \
	VFMLS V20.S4, V3.S4, V1.S4;                        \
	VMOV  V22.B16, V4.B16;                             \
	VFMLA V21.S4, V1.S4, V4.S4;                        \
	VMOV  V23.B16, V5.B16;                             \
	VFMLA V4.S4, V1.S4, V5.S4;                         \
	VMOV  V24.B16, V4.B16;                             \
	VFMLA V5.S4, V1.S4, V4.S4;                         \
	VMOV  V25.B16, V5.B16;                             \
	VFMLA V4.S4, V1.S4, V5.S4;                         \
	VMOV  V26.B16, V4.B16;                             \
	VFMLA V5.S4, V1.S4, V4.S4;                         \
	WORD  $0x6e21dc25; /* fmul v5.4s, v1.4s, v1.4s */  \
	WORD  $0x4e3bd426; /* fadd v6.4s, v1.4s, v27.4s */ \
	VFMLA V4.S4, V5.S4, V6.S4;                         \
	VADD  V28.S4, V2.S4, V2.S4;                        \
	VSHL  $23, V2.S4, V2.S4;                           \
	WORD  $0x6e22dcc6; /* fmul v6.4s, v6.4s, v2.4s */  \
	WORD  $0x6e3ddcc6; /* fmul v6.4s, v6.4s, v29.4s */ \
	WORD  $0x4e3bd4c7; /* fadd v7.4s, v6.4s, v27.4s */ \
	WORD  $0x4f210403; /* sshr v3.4s, v0.4s, #31 */    \
	VBSL  V27.B16, V6.B16, V3.B16;                     \
	WORD  $0x6e27fc60                                  // fdiv v0.4s, v3.4s, v7.4s

// func sigmoidNEON(dst, src []float32)
//
// dst[i] = σ(src[i]); len(dst) is a multiple of 4. R0 dst, R1 src, R2 count.
TEXT ·sigmoidNEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R2
	MOVD src_base+24(FP), R1
	CBZ  R2, sigmoidDone
	LOAD_SIGMOID_CONSTS

sigmoidLoop:
	VLD1.P 16(R1), [V0.S4]
	SIGMOID4
	VST1.P [V0.S4], 16(R0)
	SUBS   $4, R2
	BNE    sigmoidLoop

sigmoidDone:
	RET

// func biasSigmoidNEON(x, bias []float32)
//
// x[i] = σ(x[i] + bias[i]); len(x) = len(bias), a multiple of 4 (one row
// or part of a row: biasSigmoidNEONAny walks the rows). R0 x, R1 bias,
// R2 count; V8 the bias vector.
TEXT ·biasSigmoidNEON(SB), NOSPLIT, $0-48
	MOVD x_base+0(FP), R0
	MOVD x_len+8(FP), R2
	MOVD bias_base+24(FP), R1
	CBZ  R2, biasSigmoidDone
	LOAD_SIGMOID_CONSTS

biasSigmoidLoop:
	VLD1   (R0), [V0.S4]
	VLD1.P 16(R1), [V8.S4]
	WORD   $0x4e28d400     // fadd v0.4s, v0.4s, v8.4s
	SIGMOID4
	VST1.P [V0.S4], 16(R0)
	SUBS   $4, R2
	BNE    biasSigmoidLoop

biasSigmoidDone:
	RET

// NEON tanh, four lanes at a time, on the sigmoid's exp (same constants
// V16–V29, same range reduction and 2^(n+64) scaling) plus:
//
//	|x| < 0.625:  tanh x = x + x·z·Q(z), z = x²   (Cephes tanhf, degree 4 Q)
//	otherwise:    t = e^(−2|x|) (z clamped to ≥ −104 as in SIGMOID4),
//	              tanh |x| = (1 − t)/(1 + t), sign of x copied back (VBIT)
//
// The polynomial keeps the relative error small near 0, where 1 − t would
// cancel; from 0.625 up, t ≤ 0.29 and (1 − t)/(1 + t) loses nothing. For
// |x| > 9.01, t < 2^−25, so the result is exactly ±1; NaN stays NaN (it
// fails the |x| < 0.625 test and flows through the exp branch).
//
// Register map (TANH4 works on V0 in place):
//	V0        x in, tanh x out
//	V1        |x|
//	V2        z = −2|x|, then r
//	V3        n (integer), then 2^(n+64)
//	V4        n (float), then 1 − t, then tanh |x| with the sign of x,
//	          then the result
//	V5 V6     Horner temporaries; V6 = r², then x², then the mask |x| < 0.625
//	V7        e^r, then s, then t; then the small-|x| result
//	V8–V14    tanhConsts<> in every lane (below)

DATA tanhConsts<>+0(SB)/4, $0xc0000000 // V8  −2
DATA tanhConsts<>+4(SB)/4, $0x3f200000 // V9  0.625, the polynomial's range
DATA tanhConsts<>+8(SB)/4, $0xbbbaf0ea // V10 Q: −5.70498872745e-3
DATA tanhConsts<>+12(SB)/4, $0x3ca9134e // V11     2.06390887954e-2
DATA tanhConsts<>+16(SB)/4, $0xbd5c1e2d // V12    −5.37397155531e-2
DATA tanhConsts<>+20(SB)/4, $0x3e088393 // V13     1.33314422036e-1
DATA tanhConsts<>+24(SB)/4, $0xbeaaaa99 // V14    −3.33332819422e-1
GLOBL tanhConsts<>(SB), RODATA|NOPTR, $28

#define LOAD_TANH_CONSTS \
	MOVD    $tanhConsts<>(SB), R5; \
	VLD1R.P 4(R5), [V8.S4];        \
	VLD1R.P 4(R5), [V9.S4];        \
	VLD1R.P 4(R5), [V10.S4];       \
	VLD1R.P 4(R5), [V11.S4];       \
	VLD1R.P 4(R5), [V12.S4];       \
	VLD1R.P 4(R5), [V13.S4];       \
	VLD1R.P 4(R5), [V14.S4]

// TANH4 replaces the four lanes of V0 by their tanh (see above).
#define TANH4 \
	WORD  $0x4ea0f801; /* fabs v1.4s, v0.4s */         \
	WORD  $0x6e28dc22; /* fmul v2.4s, v1.4s, v8.4s */  \
	WORD  $0x4e31f442; /* fmax v2.4s, v2.4s, v17.4s */ \
	WORD  $0x6e32dc43; /* fmul v3.4s, v2.4s, v18.4s */ \
	WORD  $0x4e21a863; /* fcvtns v3.4s, v3.4s */       \
	WORD  $0x4e21d864; /* scvtf v4.4s, v3.4s */        \
	VFMLS V19.S4, V4.S4, V2.S4;                        \
	VFMLS V20.S4, V4.S4, V2.S4;                        \
	VMOV  V22.B16, V5.B16;                             \
	VFMLA V21.S4, V2.S4, V5.S4;                        \
	VMOV  V23.B16, V6.B16;                             \
	VFMLA V5.S4, V2.S4, V6.S4;                         \
	VMOV  V24.B16, V5.B16;                             \
	VFMLA V6.S4, V2.S4, V5.S4;                         \
	VMOV  V25.B16, V6.B16;                             \
	VFMLA V5.S4, V2.S4, V6.S4;                         \
	VMOV  V26.B16, V5.B16;                             \
	VFMLA V6.S4, V2.S4, V5.S4;                         \
	WORD  $0x6e22dc46; /* fmul v6.4s, v2.4s, v2.4s */  \
	WORD  $0x4e3bd447; /* fadd v7.4s, v2.4s, v27.4s */ \
	VFMLA V5.S4, V6.S4, V7.S4;                         \
	VADD  V28.S4, V3.S4, V3.S4;                        \
	VSHL  $23, V3.S4, V3.S4;                           \
	WORD  $0x6e23dce7; /* fmul v7.4s, v7.4s, v3.4s */  \
	WORD  $0x6e3ddce7; /* fmul v7.4s, v7.4s, v29.4s */ \
	WORD  $0x4ea7d764; /* fsub v4.4s, v27.4s, v7.4s */ \
	WORD  $0x4e27d765; /* fadd v5.4s, v27.4s, v7.4s */ \
	WORD  $0x6e25fc84; /* fdiv v4.4s, v4.4s, v5.4s */  \
	VBIT  V16.B16, V0.B16, V4.B16;                     \
	WORD  $0x6e20dc06; /* fmul v6.4s, v0.4s, v0.4s */  \
	VMOV  V11.B16, V7.B16;                             \
	VFMLA V10.S4, V6.S4, V7.S4;                        \
	VMOV  V12.B16, V5.B16;                             \
	VFMLA V7.S4, V6.S4, V5.S4;                         \
	VMOV  V13.B16, V7.B16;                             \
	VFMLA V5.S4, V6.S4, V7.S4;                         \
	VMOV  V14.B16, V5.B16;                             \
	VFMLA V7.S4, V6.S4, V5.S4;                         \
	WORD  $0x6e26dca5; /* fmul v5.4s, v5.4s, v6.4s */  \
	VMOV  V0.B16, V7.B16;                              \
	VFMLA V5.S4, V0.S4, V7.S4;                         \
	WORD  $0x6ea1e526; /* fcmgt v6.4s, v9.4s, v1.4s */ \
	VBIT  V6.B16, V7.B16, V4.B16;                      \
	VMOV  V4.B16, V0.B16

// func tanhNEON(dst, src []float32)
//
// dst[i] = tanh(src[i]); len(dst) is a multiple of 4. R0 dst, R1 src,
// R2 count.
TEXT ·tanhNEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R2
	MOVD src_base+24(FP), R1
	CBZ  R2, tanhDone
	LOAD_SIGMOID_CONSTS
	LOAD_TANH_CONSTS

tanhLoop:
	VLD1.P 16(R1), [V0.S4]
	TANH4
	VST1.P [V0.S4], 16(R0)
	SUBS   $4, R2
	BNE    tanhLoop

tanhDone:
	RET
