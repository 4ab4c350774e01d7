//go:build !noasm && !purego

#include "textflag.h"

// NEON element-wise kernels: products, the sigmoid backward step and the
// optimizer updates. Prototypes and contracts are in vec_arm64.go.
//
// Every routine streams its slices with post-incremented VLD1/VST1: 16
// floats (four Q registers per operand) per iteration, then 4, then one at a
// time with scalar S-register instructions, so any length works and nothing
// outside the slices is read or written. An output that is also an input
// (y of axpy, p/v/m of the optimizers) is loaded through its pointer without
// increment and stored through the same pointer with increment; loads come
// before stores in each iteration, so exact aliasing (dst == a) is safe.
//
// Go's arm64 assembler has no vector FMUL/FSUB/FADD/FDIV/FSQRT or by-element
// forms: those are WORDs with the GNU instruction in the comment, checked by
// TestNEONWords (neon_words_test.go). VFMLA Vm, Vn, Vd is fmla vd, vn, vm
// (vd += vn·vm) and VFMLS likewise (vd −= vn·vm). Scalar FMADDS Fm, Fa, Fn, Fd
// is Fd = Fa + Fn·Fm, FMSUBS is Fd = Fa − Fn·Fm, FDIVS Fm, Fn, Fd is Fn/Fm.

#define N R4 // elements left

// func hadamardNEON(dst, a, b []float32)
//
// dst[i] = a[i]·b[i].
//
// Register map: V0–V3 a, then the product; V4–V7 b.
#define DST R0
#define SRCA R1
#define SRCB R2
TEXT ·hadamardNEON(SB), NOSPLIT, $0-72
	MOVD dst_base+0(FP), DST
	MOVD dst_len+8(FP), N
	MOVD a_base+24(FP), SRCA
	MOVD b_base+48(FP), SRCB

hadamard16:
	CMP    $16, N
	BLT    hadamard4
	VLD1.P 64(SRCA), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(SRCB), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD   $0x6e24dc00 // fmul v0.4s, v0.4s, v4.4s
	WORD   $0x6e25dc21 // fmul v1.4s, v1.4s, v5.4s
	WORD   $0x6e26dc42 // fmul v2.4s, v2.4s, v6.4s
	WORD   $0x6e27dc63 // fmul v3.4s, v3.4s, v7.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(DST)
	SUB    $16, N
	B      hadamard16

hadamard4:
	CMP    $4, N
	BLT    hadamard1
	VLD1.P 16(SRCA), [V0.S4]
	VLD1.P 16(SRCB), [V4.S4]
	WORD   $0x6e24dc00 // fmul v0.4s, v0.4s, v4.4s
	VST1.P [V0.S4], 16(DST)
	SUB    $4, N
	B      hadamard4

hadamard1:
	CBZ     N, hadamardDone
	FMOVS.P 4(SRCA), F0
	FMOVS.P 4(SRCB), F4
	FMULS   F4, F0, F0
	FMOVS.P F0, 4(DST)
	SUB     $1, N
	B       hadamard1

hadamardDone:
	RET

#undef SRCA
#undef SRCB

// func sigmoidBackwardNEON(dst, delta, act []float32)
//
// dst[i] = delta[i]·(act[i]·(1 − act[i])), in the order of the generic kernel.
//
// Register map: V0–V3 delta, then the result; V4–V7 act; V8–V11 1 − act,
// then act·(1 − act); V31 (F31) the constant 1.
#define DELTA R1
#define ACT R2
TEXT ·sigmoidBackwardNEON(SB), NOSPLIT, $0-72
	MOVD  dst_base+0(FP), DST
	MOVD  dst_len+8(FP), N
	MOVD  delta_base+24(FP), DELTA
	MOVD  act_base+48(FP), ACT
	FMOVS $(1.0), F31
	VDUP  V31.S[0], V31.S4

sigmoidBackward16:
	CMP    $16, N
	BLT    sigmoidBackward4
	VLD1.P 64(DELTA), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(ACT), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD   $0x4ea4d7e8 // fsub v8.4s, v31.4s, v4.4s
	WORD   $0x4ea5d7e9 // fsub v9.4s, v31.4s, v5.4s
	WORD   $0x4ea6d7ea // fsub v10.4s, v31.4s, v6.4s
	WORD   $0x4ea7d7eb // fsub v11.4s, v31.4s, v7.4s
	WORD   $0x6e28dc88 // fmul v8.4s, v4.4s, v8.4s
	WORD   $0x6e29dca9 // fmul v9.4s, v5.4s, v9.4s
	WORD   $0x6e2adcca // fmul v10.4s, v6.4s, v10.4s
	WORD   $0x6e2bdceb // fmul v11.4s, v7.4s, v11.4s
	WORD   $0x6e28dc00 // fmul v0.4s, v0.4s, v8.4s
	WORD   $0x6e29dc21 // fmul v1.4s, v1.4s, v9.4s
	WORD   $0x6e2adc42 // fmul v2.4s, v2.4s, v10.4s
	WORD   $0x6e2bdc63 // fmul v3.4s, v3.4s, v11.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(DST)
	SUB    $16, N
	B      sigmoidBackward16

sigmoidBackward4:
	CMP    $4, N
	BLT    sigmoidBackward1
	VLD1.P 16(DELTA), [V0.S4]
	VLD1.P 16(ACT), [V4.S4]
	WORD   $0x4ea4d7e8 // fsub v8.4s, v31.4s, v4.4s
	WORD   $0x6e28dc88 // fmul v8.4s, v4.4s, v8.4s
	WORD   $0x6e28dc00 // fmul v0.4s, v0.4s, v8.4s
	VST1.P [V0.S4], 16(DST)
	SUB    $4, N
	B      sigmoidBackward4

sigmoidBackward1:
	CBZ     N, sigmoidBackwardDone
	FMOVS.P 4(DELTA), F0
	FMOVS.P 4(ACT), F4
	FSUBS   F4, F31, F8
	FMULS   F8, F4, F8
	FMULS   F8, F0, F0
	FMOVS.P F0, 4(DST)
	SUB     $1, N
	B       sigmoidBackward1

sigmoidBackwardDone:
	RET

#undef DST
#undef DELTA
#undef ACT

// func axpyNEON(alpha float32, x, y []float32)
//
// y[i] += alpha·x[i], fused (one rounding).
//
// Register map: V0–V3 x; V4–V7 y; V31 (F31) alpha in every lane.
#define X R1
#define Y R2    // y, loads (no increment)
#define YST R3  // y, stores
TEXT ·axpyNEON(SB), NOSPLIT, $0-56
	FMOVS alpha+0(FP), F31
	VDUP  V31.S[0], V31.S4
	MOVD  x_base+8(FP), X
	MOVD  y_base+32(FP), Y
	MOVD  y_len+40(FP), N
	MOVD  Y, YST

axpy16:
	CMP    $16, N
	BLT    axpy4
	VLD1.P 64(X), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(Y), [V4.S4, V5.S4, V6.S4, V7.S4]
	VFMLA  V31.S4, V0.S4, V4.S4
	VFMLA  V31.S4, V1.S4, V5.S4
	VFMLA  V31.S4, V2.S4, V6.S4
	VFMLA  V31.S4, V3.S4, V7.S4
	VST1.P [V4.S4, V5.S4, V6.S4, V7.S4], 64(YST)
	SUB    $16, N
	B      axpy16

axpy4:
	CMP    $4, N
	BLT    axpy1
	VLD1.P 16(X), [V0.S4]
	VLD1.P 16(Y), [V4.S4]
	VFMLA  V31.S4, V0.S4, V4.S4
	VST1.P [V4.S4], 16(YST)
	SUB    $4, N
	B      axpy4

axpy1:
	CBZ     N, axpyDone
	FMOVS.P 4(X), F0
	FMOVS.P 4(Y), F4
	FMADDS  F31, F4, F0, F4
	FMOVS.P F4, 4(YST)
	SUB     $1, N
	B       axpy1

axpyDone:
	RET

#undef Y
#undef YST

// func scaleNEON(alpha float32, x []float32)
//
// x[i] *= alpha (exact, like the generic kernel).
//
// Register map: V0–V3 x; V4–V7 products; V31 (F31) alpha in lane 0.
#define XST R2 // x, stores
TEXT ·scaleNEON(SB), NOSPLIT, $0-32
	FMOVS alpha+0(FP), F31
	MOVD  x_base+8(FP), X
	MOVD  x_len+16(FP), N
	MOVD  X, XST

scale16:
	CMP    $16, N
	BLT    scale4
	VLD1.P 64(X), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD   $0x4f9f9004 // fmul v4.4s, v0.4s, v31.s[0]
	WORD   $0x4f9f9025 // fmul v5.4s, v1.4s, v31.s[0]
	WORD   $0x4f9f9046 // fmul v6.4s, v2.4s, v31.s[0]
	WORD   $0x4f9f9067 // fmul v7.4s, v3.4s, v31.s[0]
	VST1.P [V4.S4, V5.S4, V6.S4, V7.S4], 64(XST)
	SUB    $16, N
	B      scale16

scale4:
	CMP    $4, N
	BLT    scale1
	VLD1.P 16(X), [V0.S4]
	WORD   $0x4f9f9004 // fmul v4.4s, v0.4s, v31.s[0]
	VST1.P [V4.S4], 16(XST)
	SUB    $4, N
	B      scale4

scale1:
	CBZ     N, scaleDone
	FMOVS.P 4(X), F0
	FMULS   F31, F0, F0
	FMOVS.P F0, 4(XST)
	SUB     $1, N
	B       scale1

scaleDone:
	RET

#undef X
#undef XST

// func momentumNEON(p, g, v []float32, lr, mu float32)
//
// v[i] = mu·v[i] + g[i]; p[i] −= lr·v[i] (both fused, as Go fuses the
// generic loop on arm64).
//
// Register map: V0–V3 g, then the new v; V4–V7 v; V8–V11 p; V30 lr and V31
// mu in every lane (F30, F31 in the scalar tail).
#define PRM R0
#define G R1
#define VEL R2
TEXT ·momentumNEON(SB), NOSPLIT, $0-80
	MOVD  p_base+0(FP), PRM
	MOVD  p_len+8(FP), N
	MOVD  g_base+24(FP), G
	MOVD  v_base+48(FP), VEL
	FMOVS lr+72(FP), F30
	FMOVS mu+76(FP), F31
	VDUP  V30.S[0], V30.S4
	VDUP  V31.S[0], V31.S4

momentum16:
	CMP    $16, N
	BLT    momentum4
	VLD1.P 64(G), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1   (VEL), [V4.S4, V5.S4, V6.S4, V7.S4]
	VLD1   (PRM), [V8.S4, V9.S4, V10.S4, V11.S4]
	VFMLA  V31.S4, V4.S4, V0.S4
	VFMLA  V31.S4, V5.S4, V1.S4
	VFMLA  V31.S4, V6.S4, V2.S4
	VFMLA  V31.S4, V7.S4, V3.S4
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(VEL)
	VFMLS  V30.S4, V0.S4, V8.S4
	VFMLS  V30.S4, V1.S4, V9.S4
	VFMLS  V30.S4, V2.S4, V10.S4
	VFMLS  V30.S4, V3.S4, V11.S4
	VST1.P [V8.S4, V9.S4, V10.S4, V11.S4], 64(PRM)
	SUB    $16, N
	B      momentum16

momentum4:
	CMP    $4, N
	BLT    momentum1
	VLD1.P 16(G), [V0.S4]
	VLD1   (VEL), [V4.S4]
	VLD1   (PRM), [V8.S4]
	VFMLA  V31.S4, V4.S4, V0.S4
	VST1.P [V0.S4], 16(VEL)
	VFMLS  V30.S4, V0.S4, V8.S4
	VST1.P [V8.S4], 16(PRM)
	SUB    $4, N
	B      momentum4

momentum1:
	CBZ     N, momentumDone
	FMOVS.P 4(G), F0
	FMOVS   (VEL), F4
	FMOVS   (PRM), F8
	FMADDS  F31, F0, F4, F0
	FMOVS.P F0, 4(VEL)
	FMSUBS  F30, F8, F0, F8
	FMOVS.P F8, 4(PRM)
	SUB     $1, N
	B       momentum1

momentumDone:
	RET

// func adamNEON(p, g, m, v []float32, c *[8]float32)
//
// One Adam step in the order of adamGeneric, with true division and square
// root (vector FDIV and FSQRT):
//
//	m' = β1·m + (1−β1)·g;  v' = β2·v + ((1−β2)·g)·g
//	p −= lr · (m'·(1/c1)) / (sqrt(v'·(1/c2)) + eps)
//
// c holds β1, β2, 1−β1, 1−β2, 1/c1, 1/c2, lr, eps (neonAdamConsts).
//
// Register map: V0 g; V1 m; V2 v; V3 p; V4 m'; V5 v'; V6 m'/c1, then the
// step; V7 the denominator; V16–V23 the eight constants in every lane (F16–F23
// in the scalar tail); V24, V25 the constants as loaded.
#define M R3
#define CONSTS R5
TEXT ·adamNEON(SB), NOSPLIT, $0-104
	MOVD p_base+0(FP), PRM
	MOVD p_len+8(FP), N
	MOVD g_base+24(FP), G
	MOVD m_base+48(FP), M
	MOVD v_base+72(FP), VEL
	MOVD c+96(FP), CONSTS
	VLD1 (CONSTS), [V24.S4, V25.S4]
	VDUP V24.S[0], V16.S4           // β1
	VDUP V24.S[1], V17.S4           // β2
	VDUP V24.S[2], V18.S4           // 1−β1
	VDUP V24.S[3], V19.S4           // 1−β2
	VDUP V25.S[0], V20.S4           // 1/c1
	VDUP V25.S[1], V21.S4           // 1/c2
	VDUP V25.S[2], V22.S4           // lr
	VDUP V25.S[3], V23.S4           // eps

adam4:
	CMP    $4, N
	BLT    adam1
	VLD1.P 16(G), [V0.S4]
	VLD1   (M), [V1.S4]
	VLD1   (VEL), [V2.S4]
	VLD1   (PRM), [V3.S4]
	WORD   $0x6e32dc04 // fmul v4.4s, v0.4s, v18.4s
	VFMLA  V16.S4, V1.S4, V4.S4
	WORD   $0x6e33dc05 // fmul v5.4s, v0.4s, v19.4s
	WORD   $0x6e20dca5 // fmul v5.4s, v5.4s, v0.4s
	VFMLA  V17.S4, V2.S4, V5.S4
	VST1.P [V4.S4], 16(M)
	VST1.P [V5.S4], 16(VEL)
	WORD   $0x6e34dc86 // fmul v6.4s, v4.4s, v20.4s
	WORD   $0x6e35dca7 // fmul v7.4s, v5.4s, v21.4s
	WORD   $0x6ea1f8e7 // fsqrt v7.4s, v7.4s
	WORD   $0x4e37d4e7 // fadd v7.4s, v7.4s, v23.4s
	WORD   $0x6e27fcc6 // fdiv v6.4s, v6.4s, v7.4s
	VFMLS  V22.S4, V6.S4, V3.S4
	VST1.P [V3.S4], 16(PRM)
	SUB    $4, N
	B      adam4

adam1:
	CBZ     N, adamDone
	FMOVS.P 4(G), F0
	FMOVS   (M), F1
	FMOVS   (VEL), F2
	FMOVS   (PRM), F3
	FMULS   F18, F0, F4
	FMADDS  F16, F4, F1, F4
	FMULS   F19, F0, F5
	FMULS   F0, F5, F5
	FMADDS  F17, F5, F2, F5
	FMOVS.P F4, 4(M)
	FMOVS.P F5, 4(VEL)
	FMULS   F20, F4, F6
	FMULS   F21, F5, F7
	FSQRTS  F7, F7
	FADDS   F23, F7, F7
	FDIVS   F7, F6, F6
	FMSUBS  F22, F3, F6, F3
	FMOVS.P F3, 4(PRM)
	SUB     $1, N
	B       adam1

adamDone:
	RET
