//go:build !noasm && !purego

#include "textflag.h"

// SGEMM micro-kernel for NEON: one 8×12 tile of C.
//
// func sgemmKernelNEON(k int, a, b, c *float32, ldc int, alpha, beta float32)
//
// Algorithm: k ≥ 1 rank-1 updates of an 8×12 register tile from packed
// panels (gemm_arm64.go packs them, zero-padded at the edges), then
//
//	C[i, 0:12] = alpha·acc[i] + beta·C[i, 0:12]   (beta = 0: C is not read)
//
// The A panel holds 8 floats per step (column p of 8 rows of op(A)), the B
// panel 12 floats per step (row p of 12 columns of op(B)); both are read
// once, sequentially. Each step loads A into V0–V1 and B into V2–V4 and
// issues 24 FMLA by element: acc[i][j] += B[j] · A.s[i] (BLIS's armv8a
// sgemm kernel shape). 24 independent accumulators cover two FMA pipes with
// four-cycle latency three times over. The main loop does two steps per
// iteration; an odd k does one step first. ldc is in floats; the caller
// guarantees a whole 8×12 tile of C (edge tiles go to a scratch tile).
//
// Register map:
//	V0 V1      A(0:4, p), A(4:8, p)
//	V2 V3 V4   B(p, 0:4), B(p, 4:8), B(p, 8:12)
//	V5 V6      alpha, beta (lane 0) in the epilogue
//	V8–V31     accumulators: row i, columns 4j…4j+3 in V(8+3i+j)
//	V0–V2      a row of C in the beta ≠ 0 epilogue

#define K_CNT R0 // steps left (pairs in the main loop)
#define A_PTR R1 // packed A panel, +32 bytes per step
#define B_PTR R2 // packed B panel, +48 bytes per step
#define C_PTR R3 // C tile, +LDC per row in the epilogue
#define LDC R4 // row stride of C in bytes

// One rank-1 update: acc[i][j] += B(p, 4j:4j+4) · A(i, p).
#define KSTEP \
	VLD1.P 32(A_PTR), [V0.S4, V1.S4];                     \
	VLD1.P 48(B_PTR), [V2.S4, V3.S4, V4.S4];              \
	WORD   $0x4f801048; /* fmla v8.4s, v2.4s, v0.s[0] */  \
	WORD   $0x4f801069; /* fmla v9.4s, v3.4s, v0.s[0] */  \
	WORD   $0x4f80108a; /* fmla v10.4s, v4.4s, v0.s[0] */ \
	WORD   $0x4fa0104b; /* fmla v11.4s, v2.4s, v0.s[1] */ \
	WORD   $0x4fa0106c; /* fmla v12.4s, v3.4s, v0.s[1] */ \
	WORD   $0x4fa0108d; /* fmla v13.4s, v4.4s, v0.s[1] */ \
	WORD   $0x4f80184e; /* fmla v14.4s, v2.4s, v0.s[2] */ \
	WORD   $0x4f80186f; /* fmla v15.4s, v3.4s, v0.s[2] */ \
	WORD   $0x4f801890; /* fmla v16.4s, v4.4s, v0.s[2] */ \
	WORD   $0x4fa01851; /* fmla v17.4s, v2.4s, v0.s[3] */ \
	WORD   $0x4fa01872; /* fmla v18.4s, v3.4s, v0.s[3] */ \
	WORD   $0x4fa01893; /* fmla v19.4s, v4.4s, v0.s[3] */ \
	WORD   $0x4f811054; /* fmla v20.4s, v2.4s, v1.s[0] */ \
	WORD   $0x4f811075; /* fmla v21.4s, v3.4s, v1.s[0] */ \
	WORD   $0x4f811096; /* fmla v22.4s, v4.4s, v1.s[0] */ \
	WORD   $0x4fa11057; /* fmla v23.4s, v2.4s, v1.s[1] */ \
	WORD   $0x4fa11078; /* fmla v24.4s, v3.4s, v1.s[1] */ \
	WORD   $0x4fa11099; /* fmla v25.4s, v4.4s, v1.s[1] */ \
	WORD   $0x4f81185a; /* fmla v26.4s, v2.4s, v1.s[2] */ \
	WORD   $0x4f81187b; /* fmla v27.4s, v3.4s, v1.s[2] */ \
	WORD   $0x4f81189c; /* fmla v28.4s, v4.4s, v1.s[2] */ \
	WORD   $0x4fa1185d; /* fmla v29.4s, v2.4s, v1.s[3] */ \
	WORD   $0x4fa1187e; /* fmla v30.4s, v3.4s, v1.s[3] */ \
	WORD   $0x4fa1189f                                    // fmla v31.4s, v4.4s, v1.s[3]

TEXT ·sgemmKernelNEON(SB), NOSPLIT, $0-48
	MOVD  k+0(FP), K_CNT
	MOVD  a+8(FP), A_PTR
	MOVD  b+16(FP), B_PTR
	MOVD  c+24(FP), C_PTR
	MOVD  ldc+32(FP), LDC
	LSL   $2, LDC
	FMOVS alpha+40(FP), F5
	FMOVS beta+44(FP), F6

	// Clear the accumulators.
	VEOR V8.B16, V8.B16, V8.B16
	VEOR V9.B16, V9.B16, V9.B16
	VEOR V10.B16, V10.B16, V10.B16
	VEOR V11.B16, V11.B16, V11.B16
	VEOR V12.B16, V12.B16, V12.B16
	VEOR V13.B16, V13.B16, V13.B16
	VEOR V14.B16, V14.B16, V14.B16
	VEOR V15.B16, V15.B16, V15.B16
	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VEOR V18.B16, V18.B16, V18.B16
	VEOR V19.B16, V19.B16, V19.B16
	VEOR V20.B16, V20.B16, V20.B16
	VEOR V21.B16, V21.B16, V21.B16
	VEOR V22.B16, V22.B16, V22.B16
	VEOR V23.B16, V23.B16, V23.B16
	VEOR V24.B16, V24.B16, V24.B16
	VEOR V25.B16, V25.B16, V25.B16
	VEOR V26.B16, V26.B16, V26.B16
	VEOR V27.B16, V27.B16, V27.B16
	VEOR V28.B16, V28.B16, V28.B16
	VEOR V29.B16, V29.B16, V29.B16
	VEOR V30.B16, V30.B16, V30.B16
	VEOR V31.B16, V31.B16, V31.B16

	// An odd k does one step first; the loop then does pairs.
	TBZ $0, K_CNT, kernelPairs
	KSTEP

kernelPairs:
	LSR $1, K_CNT
	CBZ K_CNT, kernelEpilogue

kernelLoop:
	KSTEP
	KSTEP
	SUBS $1, K_CNT
	BNE  kernelLoop

kernelEpilogue:
	// acc *= alpha.
	WORD  $0x4f859108       // fmul v8.4s, v8.4s, v5.s[0]
	WORD  $0x4f859129       // fmul v9.4s, v9.4s, v5.s[0]
	WORD  $0x4f85914a       // fmul v10.4s, v10.4s, v5.s[0]
	WORD  $0x4f85916b       // fmul v11.4s, v11.4s, v5.s[0]
	WORD  $0x4f85918c       // fmul v12.4s, v12.4s, v5.s[0]
	WORD  $0x4f8591ad       // fmul v13.4s, v13.4s, v5.s[0]
	WORD  $0x4f8591ce       // fmul v14.4s, v14.4s, v5.s[0]
	WORD  $0x4f8591ef       // fmul v15.4s, v15.4s, v5.s[0]
	WORD  $0x4f859210       // fmul v16.4s, v16.4s, v5.s[0]
	WORD  $0x4f859231       // fmul v17.4s, v17.4s, v5.s[0]
	WORD  $0x4f859252       // fmul v18.4s, v18.4s, v5.s[0]
	WORD  $0x4f859273       // fmul v19.4s, v19.4s, v5.s[0]
	WORD  $0x4f859294       // fmul v20.4s, v20.4s, v5.s[0]
	WORD  $0x4f8592b5       // fmul v21.4s, v21.4s, v5.s[0]
	WORD  $0x4f8592d6       // fmul v22.4s, v22.4s, v5.s[0]
	WORD  $0x4f8592f7       // fmul v23.4s, v23.4s, v5.s[0]
	WORD  $0x4f859318       // fmul v24.4s, v24.4s, v5.s[0]
	WORD  $0x4f859339       // fmul v25.4s, v25.4s, v5.s[0]
	WORD  $0x4f85935a       // fmul v26.4s, v26.4s, v5.s[0]
	WORD  $0x4f85937b       // fmul v27.4s, v27.4s, v5.s[0]
	WORD  $0x4f85939c       // fmul v28.4s, v28.4s, v5.s[0]
	WORD  $0x4f8593bd       // fmul v29.4s, v29.4s, v5.s[0]
	WORD  $0x4f8593de       // fmul v30.4s, v30.4s, v5.s[0]
	WORD  $0x4f8593ff       // fmul v31.4s, v31.4s, v5.s[0]
	FCMPS $(0.0), F6
	BEQ   kernelStoreNoBeta

	// C = acc + beta·C, row by row.
	VLD1   (C_PTR), [V0.S4, V1.S4, V2.S4]
	WORD   $0x4f861008                            // fmla v8.4s, v0.4s, v6.s[0]
	WORD   $0x4f861029                            // fmla v9.4s, v1.4s, v6.s[0]
	WORD   $0x4f86104a                            // fmla v10.4s, v2.4s, v6.s[0]
	VST1.P [V8.S4, V9.S4, V10.S4], (C_PTR)(LDC)
	VLD1   (C_PTR), [V0.S4, V1.S4, V2.S4]
	WORD   $0x4f86100b                            // fmla v11.4s, v0.4s, v6.s[0]
	WORD   $0x4f86102c                            // fmla v12.4s, v1.4s, v6.s[0]
	WORD   $0x4f86104d                            // fmla v13.4s, v2.4s, v6.s[0]
	VST1.P [V11.S4, V12.S4, V13.S4], (C_PTR)(LDC)
	VLD1   (C_PTR), [V0.S4, V1.S4, V2.S4]
	WORD   $0x4f86100e                            // fmla v14.4s, v0.4s, v6.s[0]
	WORD   $0x4f86102f                            // fmla v15.4s, v1.4s, v6.s[0]
	WORD   $0x4f861050                            // fmla v16.4s, v2.4s, v6.s[0]
	VST1.P [V14.S4, V15.S4, V16.S4], (C_PTR)(LDC)
	VLD1   (C_PTR), [V0.S4, V1.S4, V2.S4]
	WORD   $0x4f861011                            // fmla v17.4s, v0.4s, v6.s[0]
	WORD   $0x4f861032                            // fmla v18.4s, v1.4s, v6.s[0]
	WORD   $0x4f861053                            // fmla v19.4s, v2.4s, v6.s[0]
	VST1.P [V17.S4, V18.S4, V19.S4], (C_PTR)(LDC)
	VLD1   (C_PTR), [V0.S4, V1.S4, V2.S4]
	WORD   $0x4f861014                            // fmla v20.4s, v0.4s, v6.s[0]
	WORD   $0x4f861035                            // fmla v21.4s, v1.4s, v6.s[0]
	WORD   $0x4f861056                            // fmla v22.4s, v2.4s, v6.s[0]
	VST1.P [V20.S4, V21.S4, V22.S4], (C_PTR)(LDC)
	VLD1   (C_PTR), [V0.S4, V1.S4, V2.S4]
	WORD   $0x4f861017                            // fmla v23.4s, v0.4s, v6.s[0]
	WORD   $0x4f861038                            // fmla v24.4s, v1.4s, v6.s[0]
	WORD   $0x4f861059                            // fmla v25.4s, v2.4s, v6.s[0]
	VST1.P [V23.S4, V24.S4, V25.S4], (C_PTR)(LDC)
	VLD1   (C_PTR), [V0.S4, V1.S4, V2.S4]
	WORD   $0x4f86101a                            // fmla v26.4s, v0.4s, v6.s[0]
	WORD   $0x4f86103b                            // fmla v27.4s, v1.4s, v6.s[0]
	WORD   $0x4f86105c                            // fmla v28.4s, v2.4s, v6.s[0]
	VST1.P [V26.S4, V27.S4, V28.S4], (C_PTR)(LDC)
	VLD1   (C_PTR), [V0.S4, V1.S4, V2.S4]
	WORD   $0x4f86101d                            // fmla v29.4s, v0.4s, v6.s[0]
	WORD   $0x4f86103e                            // fmla v30.4s, v1.4s, v6.s[0]
	WORD   $0x4f86105f                            // fmla v31.4s, v2.4s, v6.s[0]
	VST1.P [V29.S4, V30.S4, V31.S4], (C_PTR)(LDC)
	RET

kernelStoreNoBeta:
	// beta = 0: C = acc without reading C (NaN in C does not propagate).
	VST1.P [V8.S4, V9.S4, V10.S4], (C_PTR)(LDC)
	VST1.P [V11.S4, V12.S4, V13.S4], (C_PTR)(LDC)
	VST1.P [V14.S4, V15.S4, V16.S4], (C_PTR)(LDC)
	VST1.P [V17.S4, V18.S4, V19.S4], (C_PTR)(LDC)
	VST1.P [V20.S4, V21.S4, V22.S4], (C_PTR)(LDC)
	VST1.P [V23.S4, V24.S4, V25.S4], (C_PTR)(LDC)
	VST1.P [V26.S4, V27.S4, V28.S4], (C_PTR)(LDC)
	VST1.P [V29.S4, V30.S4, V31.S4], (C_PTR)(LDC)
	RET
