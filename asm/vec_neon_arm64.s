//go:build !noasm && !purego

#include "textflag.h"

// NEON element-wise kernels: products, the backward steps, ReLU, the row
// add behind AddBias and ColSums, and the optimizer updates. Prototypes and
// contracts are in vec_arm64.go.
//
// Every routine streams its slices with post-incremented VLD1/VST1: 16
// floats (four Q registers per operand) per iteration, then 4, then one at a
// time, so any length works and nothing outside the slices is read or
// written. The one-at-a-time tail uses scalar S-register instructions
// (hadamard through adam) or the vector instructions on lane 0 (relu
// onwards). An output that is also an input (y of axpy, p/v/m of the
// optimizers) is loaded through its pointer without increment and stored
// through the same pointer with increment; loads come before stores in each
// iteration, so exact aliasing (dst == a) is safe. Where Go fuses the
// generic loop on arm64 (axpy, momentum, tanhBackward: FMADDS/FMSUBS), the
// NEON code fuses the same operations, so every kernel here except adam
// gives the generic kernel's bits (rmsprop's generic loop forbids fusion
// with conversions, and rmspropNEON does not fuse either).
//
// Go's arm64 assembler has no vector FMUL/FSUB/FADD/FDIV/FSQRT/FCMxx or
// by-element forms: those are WORDs with the GNU instruction in the comment,
// checked by TestNEONWords (neon_words_test.go). VFMLA Vm, Vn, Vd is
// fmla vd, vn, vm (vd += vn·vm) and VFMLS likewise (vd −= vn·vm); VBIT Vm,
// Vn, Vd is bit vd, vn, vm (vd = vm ? vn : vd, bitwise). Scalar FMADDS Fm,
// Fa, Fn, Fd is Fd = Fa + Fn·Fm, FMSUBS is Fd = Fa − Fn·Fm, FDIVS Fm, Fn, Fd
// is Fn/Fm.

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
	WORD   $0x6e24dc00                            // fmul v0.4s, v0.4s, v4.4s
	WORD   $0x6e25dc21                            // fmul v1.4s, v1.4s, v5.4s
	WORD   $0x6e26dc42                            // fmul v2.4s, v2.4s, v6.4s
	WORD   $0x6e27dc63                            // fmul v3.4s, v3.4s, v7.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(DST)
	SUB    $16, N
	B      hadamard16

hadamard4:
	CMP    $4, N
	BLT    hadamard1
	VLD1.P 16(SRCA), [V0.S4]
	VLD1.P 16(SRCB), [V4.S4]
	WORD   $0x6e24dc00       // fmul v0.4s, v0.4s, v4.4s
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
	WORD   $0x4ea4d7e8                             // fsub v8.4s, v31.4s, v4.4s
	WORD   $0x4ea5d7e9                             // fsub v9.4s, v31.4s, v5.4s
	WORD   $0x4ea6d7ea                             // fsub v10.4s, v31.4s, v6.4s
	WORD   $0x4ea7d7eb                             // fsub v11.4s, v31.4s, v7.4s
	WORD   $0x6e28dc88                             // fmul v8.4s, v4.4s, v8.4s
	WORD   $0x6e29dca9                             // fmul v9.4s, v5.4s, v9.4s
	WORD   $0x6e2adcca                             // fmul v10.4s, v6.4s, v10.4s
	WORD   $0x6e2bdceb                             // fmul v11.4s, v7.4s, v11.4s
	WORD   $0x6e28dc00                             // fmul v0.4s, v0.4s, v8.4s
	WORD   $0x6e29dc21                             // fmul v1.4s, v1.4s, v9.4s
	WORD   $0x6e2adc42                             // fmul v2.4s, v2.4s, v10.4s
	WORD   $0x6e2bdc63                             // fmul v3.4s, v3.4s, v11.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(DST)
	SUB    $16, N
	B      sigmoidBackward16

sigmoidBackward4:
	CMP    $4, N
	BLT    sigmoidBackward1
	VLD1.P 16(DELTA), [V0.S4]
	VLD1.P 16(ACT), [V4.S4]
	WORD   $0x4ea4d7e8        // fsub v8.4s, v31.4s, v4.4s
	WORD   $0x6e28dc88        // fmul v8.4s, v4.4s, v8.4s
	WORD   $0x6e28dc00        // fmul v0.4s, v0.4s, v8.4s
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

// func axpyNEON(alpha float32, x, y []float32)
//
// y[i] += alpha·x[i], fused (one rounding).
//
// Register map: V0–V3 x; V4–V7 y; V31 (F31) alpha in every lane.
#define X R1
#define Y R2 // y, loads (no increment)
#define YST R3 // y, stores
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
	WORD   $0x4f9f9004                           // fmul v4.4s, v0.4s, v31.s[0]
	WORD   $0x4f9f9025                           // fmul v5.4s, v1.4s, v31.s[0]
	WORD   $0x4f9f9046                           // fmul v6.4s, v2.4s, v31.s[0]
	WORD   $0x4f9f9067                           // fmul v7.4s, v3.4s, v31.s[0]
	VST1.P [V4.S4, V5.S4, V6.S4, V7.S4], 64(XST)
	SUB    $16, N
	B      scale16

scale4:
	CMP    $4, N
	BLT    scale1
	VLD1.P 16(X), [V0.S4]
	WORD   $0x4f9f9004      // fmul v4.4s, v0.4s, v31.s[0]
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
	WORD   $0x6e32dc04          // fmul v4.4s, v0.4s, v18.4s
	VFMLA  V16.S4, V1.S4, V4.S4
	WORD   $0x6e33dc05          // fmul v5.4s, v0.4s, v19.4s
	WORD   $0x6e20dca5          // fmul v5.4s, v5.4s, v0.4s
	VFMLA  V17.S4, V2.S4, V5.S4
	VST1.P [V4.S4], 16(M)
	VST1.P [V5.S4], 16(VEL)
	WORD   $0x6e34dc86          // fmul v6.4s, v4.4s, v20.4s
	WORD   $0x6e35dca7          // fmul v7.4s, v5.4s, v21.4s
	WORD   $0x6ea1f8e7          // fsqrt v7.4s, v7.4s
	WORD   $0x4e37d4e7          // fadd v7.4s, v7.4s, v23.4s
	WORD   $0x6e27fcc6          // fdiv v6.4s, v6.4s, v7.4s
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

// func rmspropNEON(p, g, v []float32, lr, rho, omr, eps float32)
//
// One RMSprop step (omr = 1−ρ) with rmspropGeneric's operations in its
// order, each rounded on its own (no FMLA), so it gives the generic bits:
//
//	t = (g·g)·(1−ρ);  v' = v·ρ + t
//	t = sqrt(v' + eps);  p −= (g·lr) / t
//
// Vector FSQRT and FDIV are correctly rounded. 16 floats per iteration,
// the nine operations interleaved across the four vectors, then 4, then
// one at a time with the scalar instructions.
//
// Register map: V0–V3 g, then lr·g and the step; V4–V7 v, then v'; V8–V11
// p; V12–V15 the scratch t; V28 lr, V29 ρ, V30 1−ρ, V31 eps in every lane
// (F28–F31 in the scalar tail).
TEXT ·rmspropNEON(SB), NOSPLIT, $0-88
	MOVD  p_base+0(FP), PRM
	MOVD  p_len+8(FP), N
	MOVD  g_base+24(FP), G
	MOVD  v_base+48(FP), VEL
	FMOVS lr+72(FP), F28
	FMOVS rho+76(FP), F29
	FMOVS omr+80(FP), F30
	FMOVS eps+84(FP), F31
	VDUP  V28.S[0], V28.S4
	VDUP  V29.S[0], V29.S4
	VDUP  V30.S[0], V30.S4
	VDUP  V31.S[0], V31.S4

rmsprop16:
	CMP    $16, N
	BLT    rmsprop4
	VLD1.P 64(G), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1   (VEL), [V4.S4, V5.S4, V6.S4, V7.S4]
	VLD1   (PRM), [V8.S4, V9.S4, V10.S4, V11.S4]
	WORD   $0x6e20dc0c             // fmul v12.4s, v0.4s, v0.4s
	WORD   $0x6e21dc2d             // fmul v13.4s, v1.4s, v1.4s
	WORD   $0x6e22dc4e             // fmul v14.4s, v2.4s, v2.4s
	WORD   $0x6e23dc6f             // fmul v15.4s, v3.4s, v3.4s
	WORD   $0x6e3edd8c             // fmul v12.4s, v12.4s, v30.4s
	WORD   $0x6e3eddad             // fmul v13.4s, v13.4s, v30.4s
	WORD   $0x6e3eddce             // fmul v14.4s, v14.4s, v30.4s
	WORD   $0x6e3eddef             // fmul v15.4s, v15.4s, v30.4s
	WORD   $0x6e3ddc84             // fmul v4.4s, v4.4s, v29.4s
	WORD   $0x6e3ddca5             // fmul v5.4s, v5.4s, v29.4s
	WORD   $0x6e3ddcc6             // fmul v6.4s, v6.4s, v29.4s
	WORD   $0x6e3ddce7             // fmul v7.4s, v7.4s, v29.4s
	WORD   $0x4e2cd484             // fadd v4.4s, v4.4s, v12.4s
	WORD   $0x4e2dd4a5             // fadd v5.4s, v5.4s, v13.4s
	WORD   $0x4e2ed4c6             // fadd v6.4s, v6.4s, v14.4s
	WORD   $0x4e2fd4e7             // fadd v7.4s, v7.4s, v15.4s
	WORD   $0x4e3fd48c             // fadd v12.4s, v4.4s, v31.4s
	WORD   $0x4e3fd4ad             // fadd v13.4s, v5.4s, v31.4s
	WORD   $0x4e3fd4ce             // fadd v14.4s, v6.4s, v31.4s
	WORD   $0x4e3fd4ef             // fadd v15.4s, v7.4s, v31.4s
	WORD   $0x6ea1f98c             // fsqrt v12.4s, v12.4s
	WORD   $0x6ea1f9ad             // fsqrt v13.4s, v13.4s
	WORD   $0x6ea1f9ce             // fsqrt v14.4s, v14.4s
	WORD   $0x6ea1f9ef             // fsqrt v15.4s, v15.4s
	WORD   $0x6e3cdc00             // fmul v0.4s, v0.4s, v28.4s
	WORD   $0x6e3cdc21             // fmul v1.4s, v1.4s, v28.4s
	WORD   $0x6e3cdc42             // fmul v2.4s, v2.4s, v28.4s
	WORD   $0x6e3cdc63             // fmul v3.4s, v3.4s, v28.4s
	WORD   $0x6e2cfc00             // fdiv v0.4s, v0.4s, v12.4s
	WORD   $0x6e2dfc21             // fdiv v1.4s, v1.4s, v13.4s
	WORD   $0x6e2efc42             // fdiv v2.4s, v2.4s, v14.4s
	WORD   $0x6e2ffc63             // fdiv v3.4s, v3.4s, v15.4s
	WORD   $0x4ea0d508             // fsub v8.4s, v8.4s, v0.4s
	WORD   $0x4ea1d529             // fsub v9.4s, v9.4s, v1.4s
	WORD   $0x4ea2d54a             // fsub v10.4s, v10.4s, v2.4s
	WORD   $0x4ea3d56b             // fsub v11.4s, v11.4s, v3.4s
	VST1.P [V4.S4, V5.S4, V6.S4, V7.S4], 64(VEL)
	VST1.P [V8.S4, V9.S4, V10.S4, V11.S4], 64(PRM)
	SUB    $16, N
	B      rmsprop16

rmsprop4:
	CMP    $4, N
	BLT    rmsprop1
	VLD1.P 16(G), [V0.S4]
	VLD1   (VEL), [V4.S4]
	VLD1   (PRM), [V8.S4]
	WORD   $0x6e20dc0c             // fmul v12.4s, v0.4s, v0.4s
	WORD   $0x6e3edd8c             // fmul v12.4s, v12.4s, v30.4s
	WORD   $0x6e3ddc84             // fmul v4.4s, v4.4s, v29.4s
	WORD   $0x4e2cd484             // fadd v4.4s, v4.4s, v12.4s
	WORD   $0x4e3fd48c             // fadd v12.4s, v4.4s, v31.4s
	WORD   $0x6ea1f98c             // fsqrt v12.4s, v12.4s
	WORD   $0x6e3cdc00             // fmul v0.4s, v0.4s, v28.4s
	WORD   $0x6e2cfc00             // fdiv v0.4s, v0.4s, v12.4s
	WORD   $0x4ea0d508             // fsub v8.4s, v8.4s, v0.4s
	VST1.P [V4.S4], 16(VEL)
	VST1.P [V8.S4], 16(PRM)
	SUB    $4, N
	B      rmsprop4

rmsprop1:
	CBZ     N, rmspropDone
	FMOVS.P 4(G), F0
	FMOVS   (VEL), F4
	FMOVS   (PRM), F8
	FMULS   F0, F0, F12
	FMULS   F30, F12, F12
	FMULS   F29, F4, F4
	FADDS   F12, F4, F4
	FADDS   F31, F4, F12
	FSQRTS  F12, F12
	FMULS   F28, F0, F0
	FDIVS   F12, F0, F0
	FSUBS   F0, F8, F8
	FMOVS.P F4, 4(VEL)
	FMOVS.P F8, 4(PRM)
	SUB     $1, N
	B       rmsprop1

rmspropDone:
	RET

// The one-lane tails below reuse the vector instructions on lane 0
// (VLD1.P 4(R), V0.S[0] / VST1.P V0.S[0], 4(R)), so the tail computes
// exactly what the vector body does.

// func reluNEON(dst, src []float32)
//
// dst[i] = 0 where src[i] < 0, else src[i] (NaN and −0 pass unchanged, as
// in the generic kernel; FMAX would turn −0 into +0).
//
// Register map: V0–V3 x, then the result; V4–V7 the masks x < 0; V31 zero.
#define SRC R1
TEXT ·reluNEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), DST
	MOVD dst_len+8(FP), N
	MOVD src_base+24(FP), SRC
	VEOR V31.B16, V31.B16, V31.B16

relu16:
	CMP    $16, N
	BLT    relu4
	VLD1.P 64(SRC), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD   $0x4ea0e804                           // fcmlt v4.4s, v0.4s, #0.0
	WORD   $0x4ea0e825                           // fcmlt v5.4s, v1.4s, #0.0
	WORD   $0x4ea0e846                           // fcmlt v6.4s, v2.4s, #0.0
	WORD   $0x4ea0e867                           // fcmlt v7.4s, v3.4s, #0.0
	VBIT   V4.B16, V31.B16, V0.B16
	VBIT   V5.B16, V31.B16, V1.B16
	VBIT   V6.B16, V31.B16, V2.B16
	VBIT   V7.B16, V31.B16, V3.B16
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(DST)
	SUB    $16, N
	B      relu16

relu4:
	CMP    $4, N
	BLT    relu1
	VLD1.P 16(SRC), [V0.S4]
	WORD   $0x4ea0e804             // fcmlt v4.4s, v0.4s, #0.0
	VBIT   V4.B16, V31.B16, V0.B16
	VST1.P [V0.S4], 16(DST)
	SUB    $4, N
	B      relu4

relu1:
	CBZ    N, reluDone
	VLD1.P 4(SRC), V0.S[0]
	WORD   $0x4ea0e804             // fcmlt v4.4s, v0.4s, #0.0
	VBIT   V4.B16, V31.B16, V0.B16
	VST1.P V0.S[0], 4(DST)
	SUB    $1, N
	B      relu1

reluDone:
	RET

#undef SRC

// func reluBackwardNEON(dst, delta, act []float32)
//
// dst[i] = delta[i] where act[i] > 0, else +0 (NaN act gives 0).
//
// Register map: V0–V3 delta, then the result; V4–V7 act, then the masks
// act > 0.
TEXT ·reluBackwardNEON(SB), NOSPLIT, $0-72
	MOVD dst_base+0(FP), DST
	MOVD dst_len+8(FP), N
	MOVD delta_base+24(FP), DELTA
	MOVD act_base+48(FP), ACT

reluBackward16:
	CMP    $16, N
	BLT    reluBackward4
	VLD1.P 64(DELTA), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(ACT), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD   $0x4ea0c884                             // fcmgt v4.4s, v4.4s, #0.0
	WORD   $0x4ea0c8a5                             // fcmgt v5.4s, v5.4s, #0.0
	WORD   $0x4ea0c8c6                             // fcmgt v6.4s, v6.4s, #0.0
	WORD   $0x4ea0c8e7                             // fcmgt v7.4s, v7.4s, #0.0
	VAND   V4.B16, V0.B16, V0.B16
	VAND   V5.B16, V1.B16, V1.B16
	VAND   V6.B16, V2.B16, V2.B16
	VAND   V7.B16, V3.B16, V3.B16
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(DST)
	SUB    $16, N
	B      reluBackward16

reluBackward4:
	CMP    $4, N
	BLT    reluBackward1
	VLD1.P 16(DELTA), [V0.S4]
	VLD1.P 16(ACT), [V4.S4]
	WORD   $0x4ea0c884            // fcmgt v4.4s, v4.4s, #0.0
	VAND   V4.B16, V0.B16, V0.B16
	VST1.P [V0.S4], 16(DST)
	SUB    $4, N
	B      reluBackward4

reluBackward1:
	CBZ    N, reluBackwardDone
	VLD1.P 4(DELTA), V0.S[0]
	VLD1.P 4(ACT), V4.S[0]
	WORD   $0x4ea0c884            // fcmgt v4.4s, v4.4s, #0.0
	VAND   V4.B16, V0.B16, V0.B16
	VST1.P V0.S[0], 4(DST)
	SUB    $1, N
	B      reluBackward1

reluBackwardDone:
	RET

// func tanhBackwardNEON(dst, delta, act []float32)
//
// dst[i] = delta[i]·(1 − act[i]²) with 1 − act² fused (VFMLS), as Go fuses
// the generic loop on arm64 (FMSUBS), so the results are bit-identical.
//
// Register map: V0–V3 delta, then the result; V4–V7 act; V8–V11 1 − act²;
// V31 the constant 1.
TEXT ·tanhBackwardNEON(SB), NOSPLIT, $0-72
	MOVD  dst_base+0(FP), DST
	MOVD  dst_len+8(FP), N
	MOVD  delta_base+24(FP), DELTA
	MOVD  act_base+48(FP), ACT
	FMOVS $(1.0), F31
	VDUP  V31.S[0], V31.S4

tanhBackward16:
	CMP    $16, N
	BLT    tanhBackward4
	VLD1.P 64(DELTA), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(ACT), [V4.S4, V5.S4, V6.S4, V7.S4]
	VMOV   V31.B16, V8.B16
	VMOV   V31.B16, V9.B16
	VMOV   V31.B16, V10.B16
	VMOV   V31.B16, V11.B16
	VFMLS  V4.S4, V4.S4, V8.S4
	VFMLS  V5.S4, V5.S4, V9.S4
	VFMLS  V6.S4, V6.S4, V10.S4
	VFMLS  V7.S4, V7.S4, V11.S4
	WORD   $0x6e28dc00                             // fmul v0.4s, v0.4s, v8.4s
	WORD   $0x6e29dc21                             // fmul v1.4s, v1.4s, v9.4s
	WORD   $0x6e2adc42                             // fmul v2.4s, v2.4s, v10.4s
	WORD   $0x6e2bdc63                             // fmul v3.4s, v3.4s, v11.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(DST)
	SUB    $16, N
	B      tanhBackward16

tanhBackward4:
	CMP    $4, N
	BLT    tanhBackward1
	VLD1.P 16(DELTA), [V0.S4]
	VLD1.P 16(ACT), [V4.S4]
	VMOV   V31.B16, V8.B16
	VFMLS  V4.S4, V4.S4, V8.S4
	WORD   $0x6e28dc00         // fmul v0.4s, v0.4s, v8.4s
	VST1.P [V0.S4], 16(DST)
	SUB    $4, N
	B      tanhBackward4

tanhBackward1:
	CBZ    N, tanhBackwardDone
	VLD1.P 4(DELTA), V0.S[0]
	VLD1.P 4(ACT), V4.S[0]
	VMOV   V31.B16, V8.B16
	VFMLS  V4.S4, V4.S4, V8.S4
	WORD   $0x6e28dc00         // fmul v0.4s, v0.4s, v8.4s
	VST1.P V0.S[0], 4(DST)
	SUB    $1, N
	B      tanhBackward1

tanhBackwardDone:
	RET

#undef DST
#undef DELTA
#undef ACT

// func addNEON(x, y []float32)
//
// x[i] += y[i]; len(y) = len(x). AddBias runs it per row (y = bias) and
// ColSums accumulates rows into dst with it (x = dst, y = a row), in the
// generic kernels' order, so both are bit-identical to generic.
//
// Register map: V0–V3 x, then the sums; V4–V7 y.
#define XLD R0 // x, loads
#define XST R1 // x, stores
#define YLD R2
TEXT ·addNEON(SB), NOSPLIT, $0-48
	MOVD x_base+0(FP), XLD
	MOVD x_len+8(FP), N
	MOVD y_base+24(FP), YLD
	MOVD XLD, XST

add16:
	CMP    $16, N
	BLT    add4
	VLD1.P 64(XLD), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(YLD), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD   $0x4e24d400                           // fadd v0.4s, v0.4s, v4.4s
	WORD   $0x4e25d421                           // fadd v1.4s, v1.4s, v5.4s
	WORD   $0x4e26d442                           // fadd v2.4s, v2.4s, v6.4s
	WORD   $0x4e27d463                           // fadd v3.4s, v3.4s, v7.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(XST)
	SUB    $16, N
	B      add16

add4:
	CMP    $4, N
	BLT    add1
	VLD1.P 16(XLD), [V0.S4]
	VLD1.P 16(YLD), [V4.S4]
	WORD   $0x4e24d400      // fadd v0.4s, v0.4s, v4.4s
	VST1.P [V0.S4], 16(XST)
	SUB    $4, N
	B      add4

add1:
	CBZ    N, addDone
	VLD1.P 4(XLD), V0.S[0]
	VLD1.P 4(YLD), V4.S[0]
	WORD   $0x4e24d400     // fadd v0.4s, v0.4s, v4.4s
	VST1.P V0.S[0], 4(XST)
	SUB    $1, N
	B      add1

addDone:
	RET
