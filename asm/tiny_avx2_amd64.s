//go:build !noasm && !purego

#include "textflag.h"
#include "sigmoid_amd64.h"

// func tinySGDKernel(s *tinyState, x, y *float32, batch int, scale float32) (sqerr float64, cost, zchk, uchk float32, clean bool)
//
// The whole plain-SGD step of a tiny network (tiny.go): every layer and
// the input at most 8 wide, at most 8 samples, MSE cost. One row of a
// layer — a sample's 8 outputs, or one output's 8 weights — is one YMM;
// lanes past a layer's width are kept at zero, so the loops run whole
// vectors with no tails.
//
// Algorithm (rows r < batch, layers l = 0..L−1, P_l the rows layer l
// reads: x's rows in place for layer 0, by masked loads with x's stride):
//
//	forward   per layer: Wᵀ's columns in registers, gathered by VPERMPS
//	          from W's two 8-float blocks when W has at most 16 floats
//	          (tinyColumns), by an 8×8 register transpose of W's rows
//	          otherwise; z_r = b + Σ_i P_r[i]·Wᵀ_i (broadcast × column, FMA,
//	          i from In−1 down), zchk += z·0; then a = f(z) over the rows,
//	          lanes past Out cleared, and f′'s factor (σ′ = (1−a)·a,
//	          tanh′ = 1−a², 1 for linear and ReLU) into the layer's δ rows
//	          (a sigmoid layer of at most 4 inputs: z, a and σ′ row by row,
//	          no z rows stored and read back)
//	last      a one-unit output layer at a batch of 2 or more goes by
//	layer     columns instead (col_layer): one z vector of all samples,
//	          one activation and one loss vector instead of a row each. At
//	          2 to 4 samples Pᵀ stays in registers, two columns to a vector,
//	          and z sums by halves (b and inputs 0–3 in the low half, 4–7 in
//	          the high, each from its highest input down, then added), and
//	          the layer below's δ rows are made here from δ's column and W's
//	          row; at 5 to 8 Pᵀ goes through the scratch by the 8×8
//	          transpose and z is one chain from input In−1 down. δ's column
//	          stays a column: the one-unit loops read it with a stride of 4
//	loss      e = a − y, Σ e² in float64 (exact squares of the float32 e),
//	          δ = 2e ⊙ f′(a)
//	backward  per layer from the last: with W's rows in Y0..Y7,
//	          δ_{l−1,r} = (Σ_o δ_r[o]·W_o) ⊙ f′'s factor (the forward pass's,
//	          in those rows; ReLU's mask [a > 0] after) (not for layer 0);
//	          then db = Σ_r δ_r and dW: for W of at most 16 floats and Out
//	          > 1 in W's flat layout, dW[o·In+i] = Σ_r δ_r[o]·P_r[i] with δ_r
//	          and P_r spread by VPERMPS (tinyFlat) over two vectors; for one
//	          unit, its one row; otherwise dW_o = Σ_r δ_r[o]·P_r in Y0..Y7,
//	          laid out as W's in the scratch. NB = b + scale·db, NW = β·W +
//	          scale·dW eight floats at a time (from registers but for the
//	          rows through the scratch); uchk += value·0. Each old value is
//	          stored into OW and OB first (NW and NB, but for a guarded
//	          step). Layer l's old W is read (the δ product) before its
//	          update is written, so NW may be W.
//	end       cost = float32(sqerr/batch); clean when zchk, uchk and cost·0
//	          are 0. A guarded step (NW = W, OW the buffers aside) that is
//	          not clean swaps every layer's W and b with OW and OB back.
//
// The loops over rows whose inner count is a layer's width (In forward,
// Out backward) are unrolled once per width and chosen once per layer.
// Not used: VGATHERDPS for Wᵀ or y's columns (fewer instructions, but the
// step measured slower with them on AMD Zen 3 under KVM), and a masked
// store per W row (AMD runs VMASKMOVPS to memory as many µops; only the
// last vector of W and of b takes one, and only when it is partial). A
// vector read back right after stores that only partly cover it (dW's
// overlapping rows, an update's copy) stalls store forwarding: the small
// layers keep dW in registers.
//
// f′ from the output a as the element-wise kernels have it: σ′ = a(1−a),
// tanh′ = 1−a², ReLU′ = [a > 0], linear 1. The activations are the
// SIGMOID and TANH of sigmoid_avx2_amd64.s, copied below (same
// instructions, same constants): a z gives the bits Sigmoid and Tanh give
// it (TestTinySGDActivationBits). z·0 is 0 for a finite z and NaN for NaN
// or ±Inf, so the two checks are exact (no sum to overflow).
//
// Scratch (bytes from the scratch pointer; 512 per block, 8 rows of 32):
// at 0 dW's rows in W's layout (before them, for a network of one layer,
// x's rows zero-padded: the column path reads 8 whole rows), at 256 Pᵀ of
// the column path at 5 to 8 samples (in the backward pass: at 256 the
// one-unit δ stride, at 264 whether the column path made the δ rows
// below), then per layer l its activations at 512·(l+1) and its δ 256
// after them, so P_l (l > 0) is the block 512 before A_l.
//
// tinyLayer (tiny.go): w 0, b 8, nw 16, nb 24, ow 32, ob 40, in 48, out
// 52, act 56 (int32s), beta 60; 64 bytes each. tinyState: layers 0,
// nlayers 8, scratch 16, guarded 24.
//
// Registers: R8 the layer, R9 scratch, R10 batch, R11 P_l, R12 A_l, R13
// the width a loop is chosen by, R14 P's row stride (the column path: its
// δ column), AX the activation or a temporary, CX rows left, SI/BX/DI row
// pointers, DX a W row's stride. Forward: Y1–Y4 and Y6–Y9 Wᵀ's columns
// (the column path: Pᵀ's in Y1–Y4), Y0 z, Y1–Y4 activation temporaries,
// Y5 broadcast, Y10 zero, Y11 zchk, Y12 b (the column path: the batch's
// lane mask), Y13 Out lane mask (the column path: In's), Y14 1.0, Y15 the
// activation's clamp; Y6/Y7 the float64 sums of e². Backward: Y0–Y7 W
// rows then dW rows (the flat layout: dW in Y0, Y1, tinyFlat's indices in
// Y2–Y5, spread δ and P in Y6, Y7), Y8 the δ product or db, Y9 P_r or
// broadcast, Y10 In lane mask, Y11 temporary then β, Y12 scale, Y13 zero,
// Y14 1.0 (a temporary in the update), Y15 uchk.

#define K(name) ·expConsts+name(SB)
#define CLAMP Y15
#define YONE Y14

#define TINY_SIGMOID 1
#define TINY_TANH 2
#define TINY_RELU 3

// SIGMOID(X, Z, N, P, T): σ(X) into N; X kept, Z, P, T clobbered. A copy of
// sigmoid_avx2_amd64.s's macro (read its header for the method).
#define SIGMOID(X, Z, N, P, T) \
	VORPS        K(EXP_SIGN), X, Z   \
	VMAXPS       Z, CLAMP, Z         \
	VMOVUPS      K(EXP_MAGIC), N     \
	VFMADD231PS  K(EXP_LOG2E), Z, N  \
	VSUBPS       K(EXP_MAGIC), N, T  \
	VFNMADD231PS K(EXP_LN2HI), T, Z  \
	VFNMADD231PS K(EXP_LN2LO), T, Z  \
	VMOVUPS      K(EXP_C0), P        \
	VFMADD213PS  K(EXP_C1), Z, P     \
	VFMADD213PS  K(EXP_C2), Z, P     \
	VFMADD213PS  K(EXP_C3), Z, P     \
	VFMADD213PS  K(EXP_C4), Z, P     \
	VFMADD213PS  YONE, Z, P          \
	VPSLLD       $23, N, N           \
	VPADDD       K(EXP_BIAS64), N, N \
	VMULPS       N, P, P             \
	VADDPS       K(EXP_BIAS64), P, T \
	VMOVUPS      K(EXP_BIAS64), N    \
	VBLENDVPS    X, P, N, N          \
	VDIVPS       T, N, N

// TANH(X, Z, N, P, T): tanh(X) into Z; X kept, N, P, T clobbered. A copy of
// sigmoid_avx2_amd64.s's macro.
#define TANH(X, Z, N, P, T) \
	VORPS        K(EXP_SIGN), X, Z   \
	VMAXPS       Z, CLAMP, Z         \
	VADDPS       Z, Z, Z             \
	VMOVUPS      K(EXP_MAGIC), N     \
	VFMADD231PS  K(EXP_LOG2E), Z, N  \
	VSUBPS       K(EXP_MAGIC), N, T  \
	VFNMADD231PS K(EXP_LN2HI), T, Z  \
	VFNMADD231PS K(EXP_LN2LO), T, Z  \
	VMOVUPS      K(EXP_C0), P        \
	VFMADD213PS  K(EXP_C1), Z, P     \
	VFMADD213PS  K(EXP_C2), Z, P     \
	VFMADD213PS  K(EXP_C3), Z, P     \
	VFMADD213PS  K(EXP_C4), Z, P     \
	VMULPS       Z, P, P             \
	VPSLLD       $23, N, N           \
	VPADDD       K(EXP_ONE), N, N    \
	VSUBPS       YONE, N, T          \
	VFMADD231PS  P, N, T             \
	VADDPS       K(EXP_TWO), T, N    \
	VDIVPS       N, T, Z             \
	VANDPS       K(EXP_ABS), Z, Z    \
	VANDPS       K(EXP_SIGN), X, T   \
	VORPS        T, Z, Z

// LANEMASK(n, r): r = the lanes below n (1..8) set; n is clobbered (×4),
// BX too.
#define LANEMASK(n, r) SHLQ $2, n; LEAQ ·vecTailMask+32(SB), BX; SUBQ n, BX; VMOVUPS (BX), r

TEXT ·tinySGDKernel(SB), NOSPLIT, $0-61
	MOVQ s+0(FP), AX
	MOVQ 0(AX), R8
	MOVQ 16(AX), R9
	MOVQ batch+24(FP), R10
	MOVL $0, zchk+52(FP)
	LEAQ 512(R9), R12

	// The first layer reads x's rows where they are (R11, stride R14),
	// but for a network of one layer, whose rows are copied zero-padded
	// into the scratch (the column path reads eight whole rows).
	MOVQ x+8(FP), R11
	MOVL 48(R8), R14
	SHLQ $2, R14
	CMPQ 8(AX), $1
	JNE  fwd_layer
	LEAQ ·vecTailMask+32(SB), BX
	SUBQ R14, BX
	VMOVUPS (BX), Y0
	MOVQ R11, SI
	MOVQ R9, DI
	MOVQ R10, CX

xcopy:
	VMASKMOVPS (SI), Y0, Y1
	VMOVUPS    Y1, (DI)
	ADDQ       R14, SI
	ADDQ       $32, DI
	DECQ       CX
	JNZ        xcopy
	MOVQ R9, R11
	MOVQ $32, R14

fwd_layer:
	// The last layer takes the column path when it has one unit and the
	// batch more than one sample.
	MOVQ s+0(FP), BX
	MOVQ 8(BX), AX
	SHLQ $6, AX
	ADDQ 0(BX), AX
	SUBQ $64, AX
	CMPQ R8, AX
	JNE  fwd_rows_layer
	MOVL 52(R8), AX
	CMPQ AX, $1
	JNE  fwd_rows_layer
	CMPQ R10, $2
	JAE  col_layer

fwd_rows_layer:
	// A W of at most 16 floats: its columns gathered from its two 8-float
	// blocks by VPERMPS (tinyColumns: the index in the block, the sign bit
	// set where it is the second), lanes past Out cleared; otherwise the
	// transpose below.
	MOVL  48(R8), DX
	MOVL  52(R8), AX
	IMULQ DX, AX
	CMPQ  AX, $16
	JA    fwd_transpose_rows
	MOVL  52(R8), CX
	LANEMASK(CX, Y13)
	MOVQ  0(R8), SI
	MOVQ  AX, CX
	CMPQ  CX, $8
	JBE   fwd_block0
	MOVQ  $8, CX

fwd_block0:
	LANEMASK(CX, Y2)
	VMASKMOVPS (SI), Y2, Y14
	VMOVAPS    Y14, Y15
	SUBQ       $8, AX
	JBE        fwd_columns
	LANEMASK(AX, Y2)
	VMASKMOVPS 32(SI), Y2, Y15

fwd_columns:
	MOVQ DX, AX
	SHLQ $8, AX
	LEAQ ·tinyColumns(SB), SI
	ADDQ AX, SI
	VMOVDQU   0(SI), Y5
	VPERMPS   Y14, Y5, Y0
	VPERMPS   Y15, Y5, Y1
	VBLENDVPS Y5, Y1, Y0, Y1
	VANDPS    Y13, Y1, Y1
	CMPQ      DX, $1
	JE        fwd_z
	VMOVDQU   32(SI), Y5
	VPERMPS   Y14, Y5, Y0
	VPERMPS   Y15, Y5, Y2
	VBLENDVPS Y5, Y2, Y0, Y2
	VANDPS    Y13, Y2, Y2
	CMPQ      DX, $2
	JE        fwd_z
	VMOVDQU   64(SI), Y5
	VPERMPS   Y14, Y5, Y0
	VPERMPS   Y15, Y5, Y3
	VBLENDVPS Y5, Y3, Y0, Y3
	VANDPS    Y13, Y3, Y3
	CMPQ      DX, $3
	JE        fwd_z
	VMOVDQU   96(SI), Y5
	VPERMPS   Y14, Y5, Y0
	VPERMPS   Y15, Y5, Y4
	VBLENDVPS Y5, Y4, Y0, Y4
	VANDPS    Y13, Y4, Y4
	CMPQ      DX, $4
	JE        fwd_z
	VMOVDQU   128(SI), Y5
	VPERMPS   Y14, Y5, Y0
	VPERMPS   Y15, Y5, Y6
	VBLENDVPS Y5, Y6, Y0, Y6
	VANDPS    Y13, Y6, Y6
	CMPQ      DX, $5
	JE        fwd_z
	VMOVDQU   160(SI), Y5
	VPERMPS   Y14, Y5, Y0
	VPERMPS   Y15, Y5, Y7
	VBLENDVPS Y5, Y7, Y0, Y7
	VANDPS    Y13, Y7, Y7
	CMPQ      DX, $6
	JE        fwd_z
	VMOVDQU   192(SI), Y5
	VPERMPS   Y14, Y5, Y0
	VPERMPS   Y15, Y5, Y8
	VBLENDVPS Y5, Y8, Y0, Y8
	VANDPS    Y13, Y8, Y8
	CMPQ      DX, $7
	JE        fwd_z
	VMOVDQU   224(SI), Y5
	VPERMPS   Y14, Y5, Y0
	VPERMPS   Y15, Y5, Y9
	VBLENDVPS Y5, Y9, Y0, Y9
	VANDPS    Y13, Y9, Y9
	JMP       fwd_z

fwd_transpose_rows:
	// Wᵀ into Y1–Y4, Y6–Y9: W's rows (Out of them, In lanes each, masked
	// loads) transposed; lanes past Out stay 0.
	MOVQ   0(R8), SI
	MOVL   48(R8), DX
	LANEMASK(DX, Y15)
	MOVL   52(R8), R13
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VMASKMOVPS (SI), Y15, Y0
	CMPQ       R13, $1
	JE         fwd_transpose
	ADDQ       DX, SI
	VMASKMOVPS (SI), Y15, Y1
	CMPQ       R13, $2
	JE         fwd_transpose
	ADDQ       DX, SI
	VMASKMOVPS (SI), Y15, Y2
	CMPQ       R13, $3
	JE         fwd_transpose
	ADDQ       DX, SI
	VMASKMOVPS (SI), Y15, Y3
	CMPQ       R13, $4
	JE         fwd_transpose
	ADDQ       DX, SI
	VMASKMOVPS (SI), Y15, Y4
	CMPQ       R13, $5
	JE         fwd_transpose
	ADDQ       DX, SI
	VMASKMOVPS (SI), Y15, Y5
	CMPQ       R13, $6
	JE         fwd_transpose
	ADDQ       DX, SI
	VMASKMOVPS (SI), Y15, Y6
	CMPQ       R13, $7
	JE         fwd_transpose
	ADDQ       DX, SI
	VMASKMOVPS (SI), Y15, Y7

fwd_transpose:
	VUNPCKLPS  Y1, Y0, Y8
	VUNPCKHPS  Y1, Y0, Y9
	VUNPCKLPS  Y3, Y2, Y10
	VUNPCKHPS  Y3, Y2, Y11
	VUNPCKLPS  Y5, Y4, Y12
	VUNPCKHPS  Y5, Y4, Y13
	VUNPCKLPS  Y7, Y6, Y14
	VUNPCKHPS  Y7, Y6, Y15
	VSHUFPS    $0x44, Y10, Y8, Y0
	VSHUFPS    $0xEE, Y10, Y8, Y1
	VSHUFPS    $0x44, Y11, Y9, Y2
	VSHUFPS    $0xEE, Y11, Y9, Y3
	VSHUFPS    $0x44, Y14, Y12, Y4
	VSHUFPS    $0xEE, Y14, Y12, Y5
	VSHUFPS    $0x44, Y15, Y13, Y6
	VSHUFPS    $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	VMOVAPS    Y8, Y1
	VMOVAPS    Y9, Y2
	VMOVAPS    Y10, Y3
	VMOVAPS    Y11, Y4
	VMOVAPS    Y12, Y6
	VMOVAPS    Y13, Y7
	VMOVAPS    Y14, Y8
	VMOVAPS    Y15, Y9

	MOVL   52(R8), DX
	LANEMASK(DX, Y13)

fwd_z:
	MOVL   48(R8), R13

	// z rows into the layer's block, one loop per In (chosen once); Y11
	// (zchk) is reloaded from its result slot.
	MOVQ       8(R8), SI
	VMASKMOVPS (SI), Y13, Y12
	VXORPS     Y10, Y10, Y10
	VMOVSS     zchk+52(FP), X11
	MOVQ       R11, SI
	MOVQ       R12, DI
	MOVQ       R10, CX
	CMPQ R13, $4
	JA   fz_hi
	CMPL 56(R8), $TINY_SIGMOID
	JEQ  fsig_lo
	CMPQ R13, $4
	JE   fz4
	CMPQ R13, $2
	JA   fz3
	JE   fz2
	JMP  fz1

fsig_lo:
	// A sigmoid layer of at most 4 inputs: z, a and σ′'s factor row by
	// row (Wᵀ's columns in Y1–Y4 leave Y6–Y9 to the sigmoid), no z
	// rows stored and read back.
	VBROADCASTSS K(EXP_ONE), YONE
	VBROADCASTSS K(EXP_NEGLIM), CLAMP
	CMPQ R13, $4
	JE   fsig4
	CMPQ R13, $2
	JA   fsig3
	JE   fsig2
	JMP  fsig1

fz_hi:
	CMPQ R13, $6
	JB   fz5
	JE   fz6
	CMPQ R13, $8
	JB   fz7

fz8:
	VMOVAPS      Y12, Y0
	VBROADCASTSS 28(SI), Y5
	VFMADD231PS  Y9, Y5, Y0
	VBROADCASTSS 24(SI), Y5
	VFMADD231PS  Y8, Y5, Y0
	VBROADCASTSS 20(SI), Y5
	VFMADD231PS  Y7, Y5, Y0
	VBROADCASTSS 16(SI), Y5
	VFMADD231PS  Y6, Y5, Y0
	VBROADCASTSS 12(SI), Y5
	VFMADD231PS  Y4, Y5, Y0
	VBROADCASTSS 8(SI), Y5
	VFMADD231PS  Y3, Y5, Y0
	VBROADCASTSS 4(SI), Y5
	VFMADD231PS  Y2, Y5, Y0
	VBROADCASTSS 0(SI), Y5
	VFMADD231PS  Y1, Y5, Y0
	VFMADD231PS  Y10, Y0, Y11
	VMOVUPS      Y0, (DI)
	ADDQ         R14, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          fz8
	JMP          fwd_act

fz7:
	VMOVAPS      Y12, Y0
	VBROADCASTSS 24(SI), Y5
	VFMADD231PS  Y8, Y5, Y0
	VBROADCASTSS 20(SI), Y5
	VFMADD231PS  Y7, Y5, Y0
	VBROADCASTSS 16(SI), Y5
	VFMADD231PS  Y6, Y5, Y0
	VBROADCASTSS 12(SI), Y5
	VFMADD231PS  Y4, Y5, Y0
	VBROADCASTSS 8(SI), Y5
	VFMADD231PS  Y3, Y5, Y0
	VBROADCASTSS 4(SI), Y5
	VFMADD231PS  Y2, Y5, Y0
	VBROADCASTSS 0(SI), Y5
	VFMADD231PS  Y1, Y5, Y0
	VFMADD231PS  Y10, Y0, Y11
	VMOVUPS      Y0, (DI)
	ADDQ         R14, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          fz7
	JMP          fwd_act

fz6:
	VMOVAPS      Y12, Y0
	VBROADCASTSS 20(SI), Y5
	VFMADD231PS  Y7, Y5, Y0
	VBROADCASTSS 16(SI), Y5
	VFMADD231PS  Y6, Y5, Y0
	VBROADCASTSS 12(SI), Y5
	VFMADD231PS  Y4, Y5, Y0
	VBROADCASTSS 8(SI), Y5
	VFMADD231PS  Y3, Y5, Y0
	VBROADCASTSS 4(SI), Y5
	VFMADD231PS  Y2, Y5, Y0
	VBROADCASTSS 0(SI), Y5
	VFMADD231PS  Y1, Y5, Y0
	VFMADD231PS  Y10, Y0, Y11
	VMOVUPS      Y0, (DI)
	ADDQ         R14, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          fz6
	JMP          fwd_act

fz5:
	VMOVAPS      Y12, Y0
	VBROADCASTSS 16(SI), Y5
	VFMADD231PS  Y6, Y5, Y0
	VBROADCASTSS 12(SI), Y5
	VFMADD231PS  Y4, Y5, Y0
	VBROADCASTSS 8(SI), Y5
	VFMADD231PS  Y3, Y5, Y0
	VBROADCASTSS 4(SI), Y5
	VFMADD231PS  Y2, Y5, Y0
	VBROADCASTSS 0(SI), Y5
	VFMADD231PS  Y1, Y5, Y0
	VFMADD231PS  Y10, Y0, Y11
	VMOVUPS      Y0, (DI)
	ADDQ         R14, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          fz5
	JMP          fwd_act

fz4:
	VMOVAPS      Y12, Y0
	VBROADCASTSS 12(SI), Y5
	VFMADD231PS  Y4, Y5, Y0
	VBROADCASTSS 8(SI), Y5
	VFMADD231PS  Y3, Y5, Y0
	VBROADCASTSS 4(SI), Y5
	VFMADD231PS  Y2, Y5, Y0
	VBROADCASTSS 0(SI), Y5
	VFMADD231PS  Y1, Y5, Y0
	VFMADD231PS  Y10, Y0, Y11
	VMOVUPS      Y0, (DI)
	ADDQ         R14, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          fz4
	JMP          fwd_act

fz3:
	VMOVAPS      Y12, Y0
	VBROADCASTSS 8(SI), Y5
	VFMADD231PS  Y3, Y5, Y0
	VBROADCASTSS 4(SI), Y5
	VFMADD231PS  Y2, Y5, Y0
	VBROADCASTSS 0(SI), Y5
	VFMADD231PS  Y1, Y5, Y0
	VFMADD231PS  Y10, Y0, Y11
	VMOVUPS      Y0, (DI)
	ADDQ         R14, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          fz3
	JMP          fwd_act

fz2:
	VMOVAPS      Y12, Y0
	VBROADCASTSS 4(SI), Y5
	VFMADD231PS  Y2, Y5, Y0
	VBROADCASTSS 0(SI), Y5
	VFMADD231PS  Y1, Y5, Y0
	VFMADD231PS  Y10, Y0, Y11
	VMOVUPS      Y0, (DI)
	ADDQ         R14, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          fz2
	JMP          fwd_act

fz1:
	VMOVAPS      Y12, Y0
	VBROADCASTSS 0(SI), Y5
	VFMADD231PS  Y1, Y5, Y0
	VFMADD231PS  Y10, Y0, Y11
	VMOVUPS      Y0, (DI)
	ADDQ         R14, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          fz1
	JMP          fwd_act

fsig4:
	VMOVAPS      Y12, Y0
	VBROADCASTSS 12(SI), Y5
	VFMADD231PS  Y4, Y5, Y0
	VBROADCASTSS 8(SI), Y5
	VFMADD231PS  Y3, Y5, Y0
	VBROADCASTSS 4(SI), Y5
	VFMADD231PS  Y2, Y5, Y0
	VBROADCASTSS 0(SI), Y5
	VFMADD231PS  Y1, Y5, Y0
	VFMADD231PS  Y10, Y0, Y11
	SIGMOID(Y0, Y6, Y7, Y8, Y9)
	VANDPS       Y13, Y7, Y7
	VMOVUPS      Y7, (DI)
	VSUBPS       Y7, YONE, Y8
	VMULPS       Y7, Y8, Y8
	VMOVUPS      Y8, 256(DI)
	ADDQ         R14, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          fsig4
	JMP          fwd_next

fsig3:
	VMOVAPS      Y12, Y0
	VBROADCASTSS 8(SI), Y5
	VFMADD231PS  Y3, Y5, Y0
	VBROADCASTSS 4(SI), Y5
	VFMADD231PS  Y2, Y5, Y0
	VBROADCASTSS 0(SI), Y5
	VFMADD231PS  Y1, Y5, Y0
	VFMADD231PS  Y10, Y0, Y11
	SIGMOID(Y0, Y6, Y7, Y8, Y9)
	VANDPS       Y13, Y7, Y7
	VMOVUPS      Y7, (DI)
	VSUBPS       Y7, YONE, Y8
	VMULPS       Y7, Y8, Y8
	VMOVUPS      Y8, 256(DI)
	ADDQ         R14, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          fsig3
	JMP          fwd_next

fsig2:
	VMOVAPS      Y12, Y0
	VBROADCASTSS 4(SI), Y5
	VFMADD231PS  Y2, Y5, Y0
	VBROADCASTSS 0(SI), Y5
	VFMADD231PS  Y1, Y5, Y0
	VFMADD231PS  Y10, Y0, Y11
	SIGMOID(Y0, Y6, Y7, Y8, Y9)
	VANDPS       Y13, Y7, Y7
	VMOVUPS      Y7, (DI)
	VSUBPS       Y7, YONE, Y8
	VMULPS       Y7, Y8, Y8
	VMOVUPS      Y8, 256(DI)
	ADDQ         R14, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          fsig2
	JMP          fwd_next

fsig1:
	VMOVAPS      Y12, Y0
	VBROADCASTSS 0(SI), Y5
	VFMADD231PS  Y1, Y5, Y0
	VFMADD231PS  Y10, Y0, Y11
	SIGMOID(Y0, Y6, Y7, Y8, Y9)
	VANDPS       Y13, Y7, Y7
	VMOVUPS      Y7, (DI)
	VSUBPS       Y7, YONE, Y8
	VMULPS       Y7, Y8, Y8
	VMOVUPS      Y8, 256(DI)
	ADDQ         R14, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          fsig1
	JMP          fwd_next

fwd_act:
	// a = f(z) in place, one loop per activation (f(0) = 0 but for the
	// sigmoid, whose lanes past Out are cleared), and the factor of f′ the
	// δ product of the layer above applies (f′ for the sigmoid and tanh,
	// 1 for linear and ReLU) in the δ block's rows.
	VBROADCASTSS K(EXP_ONE), YONE
	MOVL         56(R8), AX
	MOVQ         R12, DI
	MOVQ         R10, CX
	CMPQ         AX, $TINY_SIGMOID
	JEQ          fwd_sigmoid
	CMPQ         AX, $TINY_TANH
	JEQ          fwd_tanh
	CMPQ         AX, $TINY_RELU
	JEQ          fwd_relu

fwd_linear:
	VMOVUPS YONE, 256(DI) // 1: the δ product's factor (exact)
	ADDQ    $32, DI
	DECQ    CX
	JNZ     fwd_linear
	JMP     fwd_next

fwd_sigmoid:
	VBROADCASTSS K(EXP_NEGLIM), CLAMP

fwd_sigmoid_row:
	VMOVUPS (DI), Y0
	SIGMOID(Y0, Y1, Y2, Y3, Y4)
	VANDPS  Y13, Y2, Y2
	VMOVUPS Y2, (DI)
	VSUBPS  Y2, YONE, Y3
	VMULPS  Y2, Y3, Y3
	VMOVUPS Y3, 256(DI) // σ′ = (1−a)·a, for the δ product
	ADDQ    $32, DI
	DECQ    CX
	JNZ     fwd_sigmoid_row
	JMP     fwd_next

fwd_tanh:
	VBROADCASTSS K(TANH_NEGLIM), CLAMP

fwd_tanh_row:
	VMOVUPS (DI), Y0
	TANH(Y0, Y1, Y2, Y3, Y4)
	VMOVUPS Y1, (DI)
	VMULPS  Y1, Y1, Y3
	VSUBPS  Y3, YONE, Y3
	VMOVUPS Y3, 256(DI) // tanh′ = 1−a²
	ADDQ    $32, DI
	DECQ    CX
	JNZ     fwd_tanh_row
	JMP     fwd_next

fwd_relu:
	VMAXPS  (DI), Y10, Y0 // max(0, z), a NaN z kept
	VMOVUPS Y0, (DI)
	VMOVUPS YONE, 256(DI) // 1 for the δ product; the mask in the backward pass
	ADDQ    $32, DI
	DECQ    CX
	JNZ     fwd_relu

fwd_next:

	// zchk: the lanes' sum (each 0 or NaN) into its result slot, which
	// carries it to the next layer.
	VEXTRACTF128 $1, Y11, X0
	VADDPS       X0, X11, X0
	VMOVHLPS     X0, X0, X1
	VADDPS       X1, X0, X0
	VMOVSHDUP    X0, X1
	VADDSS       X1, X0, X0
	VMOVSS       X0, zchk+52(FP)

	MOVQ R12, R11
	MOVQ $32, R14
	ADDQ $512, R12
	ADDQ $64, R8
	MOVQ s+0(FP), BX
	MOVQ 8(BX), AX
	SHLQ $6, AX
	ADDQ 0(BX), AX
	CMPQ R8, AX
	JB   fwd_layer

	// Loss: the last layer (R8, A at R11).
	SUBQ         $64, R8
	MOVQ         R11, R12
	MOVQ         y+16(FP), SI
	MOVL         52(R8), DX
	LANEMASK(DX, Y13)
	MOVL         56(R8), AX
	VBROADCASTSS K(EXP_ONE), YONE
	VXORPS       Y5, Y5, Y5
	VXORPD       Y6, Y6, Y6
	VXORPD       Y7, Y7, Y7
	MOVQ         R12, BX
	LEAQ         256(R12), DI
	MOVQ         R10, CX

loss_row:
	VMOVUPS      (BX), Y0
	VMASKMOVPS   (SI), Y13, Y1
	VSUBPS       Y1, Y0, Y1 // e = a − y
	VCVTPS2PD    X1, Y2
	VFMADD231PD  Y2, Y2, Y6
	VEXTRACTF128 $1, Y1, X3
	VCVTPS2PD    X3, Y3
	VFMADD231PD  Y3, Y3, Y7
	VADDPS       Y1, Y1, Y1 // 2e
	CMPQ         AX, $TINY_SIGMOID
	JEQ          loss_sigmoid
	CMPQ         AX, $TINY_TANH
	JEQ          loss_tanh
	CMPQ         AX, $TINY_RELU
	JEQ          loss_relu
	JMP          loss_store

loss_sigmoid:
	VSUBPS Y0, YONE, Y2
	VMULPS Y0, Y2, Y2
	VMULPS Y2, Y1, Y1 // 2e·(a(1−a)), the Go loss's order
	JMP    loss_store

loss_tanh:
	VMULPS Y0, Y0, Y2
	VSUBPS Y2, YONE, Y2
	VMULPS Y2, Y1, Y1
	JMP    loss_store

loss_relu:
	VCMPPS $0x11, Y0, Y5, Y2 // 0 < a
	VANDPS Y2, Y1, Y1

loss_store:
	VMOVUPS Y1, (DI)
	ADDQ    DX, SI
	ADDQ    $32, BX
	ADDQ    $32, DI
	DECQ    CX
	JNZ     loss_row

	VADDPD       Y7, Y6, Y6
	VEXTRACTF128 $1, Y6, X7
	VADDPD       X7, X6, X6
	VUNPCKHPD    X6, X6, X7
	VADDSD       X7, X6, X6
	VMOVSD       X6, sqerr+40(FP)
	MOVQ         $32, 256(R9)
	MOVQ         $0, 264(R9)

	// Backward, from the last layer (R8, A at R12). 256(R9) (Wᵀ's first
	// row, free now) holds the stride of a one-unit layer's δ: 32 for
	// rows, 4 for the column path's column; 264(R9) is 1 where the column
	// path made the δ rows of the layer below.
bwd_start:
	VXORPS       Y15, Y15, Y15
	VXORPS       Y13, Y13, Y13
	VBROADCASTSS scale+32(FP), Y12

bwd_layer:
	VBROADCASTSS K(EXP_ONE), YONE
	MOVL         52(R8), R13
	MOVL         48(R8), DX
	LANEMASK(DX, Y10)
	LEAQ         -512(R12), R11
	MOVQ         $32, R14
	MOVQ         s+0(FP), AX
	CMPQ         R8, 0(AX)
	JEQ          bwd_first
	CMPQ         264(R9), $0
	JNE          delta_derivative

	// δ of the layer below, from W's rows before their update.
	MOVQ 0(R8), SI
	VMASKMOVPS (SI), Y10, Y0
	CMPQ       R13, $1
	JE         bwd_delta
	ADDQ       DX, SI
	VMASKMOVPS (SI), Y10, Y1
	CMPQ       R13, $2
	JE         bwd_delta
	ADDQ       DX, SI
	VMASKMOVPS (SI), Y10, Y2
	CMPQ       R13, $3
	JE         bwd_delta
	ADDQ       DX, SI
	VMASKMOVPS (SI), Y10, Y3
	CMPQ       R13, $4
	JE         bwd_delta
	ADDQ       DX, SI
	VMASKMOVPS (SI), Y10, Y4
	CMPQ       R13, $5
	JE         bwd_delta
	ADDQ       DX, SI
	VMASKMOVPS (SI), Y10, Y5
	CMPQ       R13, $6
	JE         bwd_delta
	ADDQ       DX, SI
	VMASKMOVPS (SI), Y10, Y6
	CMPQ       R13, $7
	JE         bwd_delta
	ADDQ       DX, SI
	VMASKMOVPS (SI), Y10, Y7

bwd_delta:
	// δ·W rows into the block below, one loop per Out (chosen once).
	LEAQ 256(R12), SI
	LEAQ -256(R12), DI
	MOVQ R10, CX
	CMPQ R13, $4
	JA   dg_hi
	JE   dg4
	CMPQ R13, $2
	JA   dg3
	JE   dg2
	MOVQ 256(R9), AX
	JMP  dg1

dg_hi:
	CMPQ R13, $6
	JB   dg5
	JE   dg6
	CMPQ R13, $8
	JB   dg7

dg8:
	VBROADCASTSS 28(SI), Y9
	VMULPS       Y7, Y9, Y8
	VBROADCASTSS 24(SI), Y9
	VFMADD231PS  Y6, Y9, Y8
	VBROADCASTSS 20(SI), Y9
	VFMADD231PS  Y5, Y9, Y8
	VBROADCASTSS 16(SI), Y9
	VFMADD231PS  Y4, Y9, Y8
	VBROADCASTSS 12(SI), Y9
	VFMADD231PS  Y3, Y9, Y8
	VBROADCASTSS 8(SI), Y9
	VFMADD231PS  Y2, Y9, Y8
	VBROADCASTSS 4(SI), Y9
	VFMADD231PS  Y1, Y9, Y8
	VBROADCASTSS 0(SI), Y9
	VFMADD231PS  Y0, Y9, Y8
	VMULPS       (DI), Y8, Y8
	VMOVUPS      Y8, (DI)
	ADDQ         $32, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          dg8
	JMP          delta_derivative

dg7:
	VBROADCASTSS 24(SI), Y9
	VMULPS       Y6, Y9, Y8
	VBROADCASTSS 20(SI), Y9
	VFMADD231PS  Y5, Y9, Y8
	VBROADCASTSS 16(SI), Y9
	VFMADD231PS  Y4, Y9, Y8
	VBROADCASTSS 12(SI), Y9
	VFMADD231PS  Y3, Y9, Y8
	VBROADCASTSS 8(SI), Y9
	VFMADD231PS  Y2, Y9, Y8
	VBROADCASTSS 4(SI), Y9
	VFMADD231PS  Y1, Y9, Y8
	VBROADCASTSS 0(SI), Y9
	VFMADD231PS  Y0, Y9, Y8
	VMULPS       (DI), Y8, Y8
	VMOVUPS      Y8, (DI)
	ADDQ         $32, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          dg7
	JMP          delta_derivative

dg6:
	VBROADCASTSS 20(SI), Y9
	VMULPS       Y5, Y9, Y8
	VBROADCASTSS 16(SI), Y9
	VFMADD231PS  Y4, Y9, Y8
	VBROADCASTSS 12(SI), Y9
	VFMADD231PS  Y3, Y9, Y8
	VBROADCASTSS 8(SI), Y9
	VFMADD231PS  Y2, Y9, Y8
	VBROADCASTSS 4(SI), Y9
	VFMADD231PS  Y1, Y9, Y8
	VBROADCASTSS 0(SI), Y9
	VFMADD231PS  Y0, Y9, Y8
	VMULPS       (DI), Y8, Y8
	VMOVUPS      Y8, (DI)
	ADDQ         $32, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          dg6
	JMP          delta_derivative

dg5:
	VBROADCASTSS 16(SI), Y9
	VMULPS       Y4, Y9, Y8
	VBROADCASTSS 12(SI), Y9
	VFMADD231PS  Y3, Y9, Y8
	VBROADCASTSS 8(SI), Y9
	VFMADD231PS  Y2, Y9, Y8
	VBROADCASTSS 4(SI), Y9
	VFMADD231PS  Y1, Y9, Y8
	VBROADCASTSS 0(SI), Y9
	VFMADD231PS  Y0, Y9, Y8
	VMULPS       (DI), Y8, Y8
	VMOVUPS      Y8, (DI)
	ADDQ         $32, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          dg5
	JMP          delta_derivative

dg4:
	VBROADCASTSS 12(SI), Y9
	VMULPS       Y3, Y9, Y8
	VBROADCASTSS 8(SI), Y9
	VFMADD231PS  Y2, Y9, Y8
	VBROADCASTSS 4(SI), Y9
	VFMADD231PS  Y1, Y9, Y8
	VBROADCASTSS 0(SI), Y9
	VFMADD231PS  Y0, Y9, Y8
	VMULPS       (DI), Y8, Y8
	VMOVUPS      Y8, (DI)
	ADDQ         $32, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          dg4
	JMP          delta_derivative

dg3:
	VBROADCASTSS 8(SI), Y9
	VMULPS       Y2, Y9, Y8
	VBROADCASTSS 4(SI), Y9
	VFMADD231PS  Y1, Y9, Y8
	VBROADCASTSS 0(SI), Y9
	VFMADD231PS  Y0, Y9, Y8
	VMULPS       (DI), Y8, Y8
	VMOVUPS      Y8, (DI)
	ADDQ         $32, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          dg3
	JMP          delta_derivative

dg2:
	VBROADCASTSS 4(SI), Y9
	VMULPS       Y1, Y9, Y8
	VBROADCASTSS 0(SI), Y9
	VFMADD231PS  Y0, Y9, Y8
	VMULPS       (DI), Y8, Y8
	VMOVUPS      Y8, (DI)
	ADDQ         $32, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          dg2
	JMP          delta_derivative

dg1:
	VBROADCASTSS 0(SI), Y9
	VMULPS       Y0, Y9, Y8
	VMULPS       (DI), Y8, Y8
	VMOVUPS      Y8, (DI)
	ADDQ         AX, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          dg1

delta_derivative:
	// δ ⊙ f′(a) of the layer below: the δ product applied f′ but for
	// ReLU's mask [a > 0], applied here.
	MOVL -8(R8), AX
	CMPQ AX, $TINY_RELU
	JNE  bwd_grad
	LEAQ -512(R12), BX
	LEAQ -256(R12), DI
	MOVQ R10, CX

delta_relu:
	VCMPPS  $0x11, (BX), Y13, Y9
	VANDPS  (DI), Y9, Y8
	VMOVUPS Y8, (DI)
	ADDQ    $32, BX
	ADDQ    $32, DI
	DECQ    CX
	JNZ     delta_relu
	JMP     bwd_grad

bwd_first:
	// The first layer's P: x's rows, or their copy for a network of one
	// layer (R11 and R14 as at the start).
	CMPQ 8(AX), $1
	JEQ  bwd_grad
	MOVQ x+8(FP), R11
	MOVQ DX, R14

bwd_grad:
	// dW_o = Σ_r δ_r[o]·P_r in Y0..Y7, db = Σ_r δ_r in Y8: one loop per
	// Out (chosen once), each clearing its accumulators first; P's rows
	// by masked loads (x's last row may end a page).
	LEAQ 256(R12), SI
	MOVQ R11, BX
	MOVQ R10, CX
	CMPQ R13, $1
	JE   hg1
	MOVQ DX, AX
	IMULQ R13, AX
	CMPQ AX, $64
	JBE  bwd_flat
	CMPQ R13, $4
	JA   hg_hi
	JE   hg4
	CMPQ R13, $2
	JA   hg3
	JE   hg2
	JMP  hg1

bwd_flat:
	// A W of at most 16 floats and Out > 1: dW by W's two flat blocks,
	// dW[k] = Σ_r δ_r[o]·P_r[i] for k = o·In + i with δ_r and P_r spread
	// by VPERMPS (tinyFlat: o and i per lane) in Y0, Y1; db in Y8. Lanes
	// past In·Out have an o ≥ Out, where δ_r is 0.
	MOVQ    DX, DI
	SHLQ    $5, DI
	LEAQ    ·tinyFlat(SB), AX
	ADDQ    AX, DI
	VMOVDQU 0(DI), Y2
	VMOVDQU 32(DI), Y3
	VMOVDQU 64(DI), Y4
	VMOVDQU 96(DI), Y5
	VXORPS  Y0, Y0, Y0
	VXORPS  Y1, Y1, Y1
	VXORPS  Y8, Y8, Y8

bwd_flat_row:
	VMASKMOVPS  (BX), Y10, Y9
	VMOVUPS     (SI), Y11
	VADDPS      Y11, Y8, Y8
	VPERMPS     Y11, Y2, Y6
	VPERMPS     Y9, Y3, Y7
	VFMADD231PS Y7, Y6, Y0
	VPERMPS     Y11, Y4, Y6
	VPERMPS     Y9, Y5, Y7
	VFMADD231PS Y7, Y6, Y1
	ADDQ        $32, SI
	ADDQ        R14, BX
	DECQ        CX
	JNZ         bwd_flat_row
	JMP         bwd_update

hg_hi:
	CMPQ R13, $6
	JB   hg5
	JE   hg6
	CMPQ R13, $8
	JB   hg7

hg8:
	VXORPS       Y0, Y0, Y0
	VXORPS       Y1, Y1, Y1
	VXORPS       Y2, Y2, Y2
	VXORPS       Y3, Y3, Y3
	VXORPS       Y4, Y4, Y4
	VXORPS       Y5, Y5, Y5
	VXORPS       Y6, Y6, Y6
	VXORPS       Y7, Y7, Y7
	VXORPS       Y8, Y8, Y8

hg8_row:
	VMASKMOVPS   (BX), Y10, Y9
	VADDPS       (SI), Y8, Y8
	VBROADCASTSS 28(SI), Y11
	VFMADD231PS  Y9, Y11, Y7
	VBROADCASTSS 24(SI), Y11
	VFMADD231PS  Y9, Y11, Y6
	VBROADCASTSS 20(SI), Y11
	VFMADD231PS  Y9, Y11, Y5
	VBROADCASTSS 16(SI), Y11
	VFMADD231PS  Y9, Y11, Y4
	VBROADCASTSS 12(SI), Y11
	VFMADD231PS  Y9, Y11, Y3
	VBROADCASTSS 8(SI), Y11
	VFMADD231PS  Y9, Y11, Y2
	VBROADCASTSS 4(SI), Y11
	VFMADD231PS  Y9, Y11, Y1
	VBROADCASTSS 0(SI), Y11
	VFMADD231PS  Y9, Y11, Y0
	ADDQ         $32, SI
	ADDQ         R14, BX
	DECQ         CX
	JNZ          hg8_row
	JMP          bwd_update

hg7:
	VXORPS       Y0, Y0, Y0
	VXORPS       Y1, Y1, Y1
	VXORPS       Y2, Y2, Y2
	VXORPS       Y3, Y3, Y3
	VXORPS       Y4, Y4, Y4
	VXORPS       Y5, Y5, Y5
	VXORPS       Y6, Y6, Y6
	VXORPS       Y8, Y8, Y8

hg7_row:
	VMASKMOVPS   (BX), Y10, Y9
	VADDPS       (SI), Y8, Y8
	VBROADCASTSS 24(SI), Y11
	VFMADD231PS  Y9, Y11, Y6
	VBROADCASTSS 20(SI), Y11
	VFMADD231PS  Y9, Y11, Y5
	VBROADCASTSS 16(SI), Y11
	VFMADD231PS  Y9, Y11, Y4
	VBROADCASTSS 12(SI), Y11
	VFMADD231PS  Y9, Y11, Y3
	VBROADCASTSS 8(SI), Y11
	VFMADD231PS  Y9, Y11, Y2
	VBROADCASTSS 4(SI), Y11
	VFMADD231PS  Y9, Y11, Y1
	VBROADCASTSS 0(SI), Y11
	VFMADD231PS  Y9, Y11, Y0
	ADDQ         $32, SI
	ADDQ         R14, BX
	DECQ         CX
	JNZ          hg7_row
	JMP          bwd_update

hg6:
	VXORPS       Y0, Y0, Y0
	VXORPS       Y1, Y1, Y1
	VXORPS       Y2, Y2, Y2
	VXORPS       Y3, Y3, Y3
	VXORPS       Y4, Y4, Y4
	VXORPS       Y5, Y5, Y5
	VXORPS       Y8, Y8, Y8

hg6_row:
	VMASKMOVPS   (BX), Y10, Y9
	VADDPS       (SI), Y8, Y8
	VBROADCASTSS 20(SI), Y11
	VFMADD231PS  Y9, Y11, Y5
	VBROADCASTSS 16(SI), Y11
	VFMADD231PS  Y9, Y11, Y4
	VBROADCASTSS 12(SI), Y11
	VFMADD231PS  Y9, Y11, Y3
	VBROADCASTSS 8(SI), Y11
	VFMADD231PS  Y9, Y11, Y2
	VBROADCASTSS 4(SI), Y11
	VFMADD231PS  Y9, Y11, Y1
	VBROADCASTSS 0(SI), Y11
	VFMADD231PS  Y9, Y11, Y0
	ADDQ         $32, SI
	ADDQ         R14, BX
	DECQ         CX
	JNZ          hg6_row
	JMP          bwd_update

hg5:
	VXORPS       Y0, Y0, Y0
	VXORPS       Y1, Y1, Y1
	VXORPS       Y2, Y2, Y2
	VXORPS       Y3, Y3, Y3
	VXORPS       Y4, Y4, Y4
	VXORPS       Y8, Y8, Y8

hg5_row:
	VMASKMOVPS   (BX), Y10, Y9
	VADDPS       (SI), Y8, Y8
	VBROADCASTSS 16(SI), Y11
	VFMADD231PS  Y9, Y11, Y4
	VBROADCASTSS 12(SI), Y11
	VFMADD231PS  Y9, Y11, Y3
	VBROADCASTSS 8(SI), Y11
	VFMADD231PS  Y9, Y11, Y2
	VBROADCASTSS 4(SI), Y11
	VFMADD231PS  Y9, Y11, Y1
	VBROADCASTSS 0(SI), Y11
	VFMADD231PS  Y9, Y11, Y0
	ADDQ         $32, SI
	ADDQ         R14, BX
	DECQ         CX
	JNZ          hg5_row
	JMP          bwd_update

hg4:
	VXORPS       Y0, Y0, Y0
	VXORPS       Y1, Y1, Y1
	VXORPS       Y2, Y2, Y2
	VXORPS       Y3, Y3, Y3
	VXORPS       Y8, Y8, Y8

hg4_row:
	VMASKMOVPS   (BX), Y10, Y9
	VADDPS       (SI), Y8, Y8
	VBROADCASTSS 12(SI), Y11
	VFMADD231PS  Y9, Y11, Y3
	VBROADCASTSS 8(SI), Y11
	VFMADD231PS  Y9, Y11, Y2
	VBROADCASTSS 4(SI), Y11
	VFMADD231PS  Y9, Y11, Y1
	VBROADCASTSS 0(SI), Y11
	VFMADD231PS  Y9, Y11, Y0
	ADDQ         $32, SI
	ADDQ         R14, BX
	DECQ         CX
	JNZ          hg4_row
	JMP          bwd_update

hg3:
	VXORPS       Y0, Y0, Y0
	VXORPS       Y1, Y1, Y1
	VXORPS       Y2, Y2, Y2
	VXORPS       Y8, Y8, Y8

hg3_row:
	VMASKMOVPS   (BX), Y10, Y9
	VADDPS       (SI), Y8, Y8
	VBROADCASTSS 8(SI), Y11
	VFMADD231PS  Y9, Y11, Y2
	VBROADCASTSS 4(SI), Y11
	VFMADD231PS  Y9, Y11, Y1
	VBROADCASTSS 0(SI), Y11
	VFMADD231PS  Y9, Y11, Y0
	ADDQ         $32, SI
	ADDQ         R14, BX
	DECQ         CX
	JNZ          hg3_row
	JMP          bwd_update

hg2:
	VXORPS       Y0, Y0, Y0
	VXORPS       Y1, Y1, Y1
	VXORPS       Y8, Y8, Y8

hg2_row:
	VMASKMOVPS   (BX), Y10, Y9
	VADDPS       (SI), Y8, Y8
	VBROADCASTSS 4(SI), Y11
	VFMADD231PS  Y9, Y11, Y1
	VBROADCASTSS 0(SI), Y11
	VFMADD231PS  Y9, Y11, Y0
	ADDQ         $32, SI
	ADDQ         R14, BX
	DECQ         CX
	JNZ          hg2_row
	JMP          bwd_update

hg1:
	MOVQ         256(R9), AX
	VXORPS       Y0, Y0, Y0
	VXORPS       Y8, Y8, Y8

hg1_row:
	VMASKMOVPS   (BX), Y10, Y9
	VADDSS       (SI), X8, X8
	VBROADCASTSS 0(SI), Y11
	VFMADD231PS  Y9, Y11, Y0
	ADDQ         AX, SI
	ADDQ         R14, BX
	DECQ         CX
	JNZ          hg1_row

bwd_update:
	// The update: b, then W: NW = β·W + scale·dW, each old value stored
	// first into OW (OW is NW, but for a guarded step, whose NW is W and
	// OW the buffers aside: the new values land in place, the old ones
	// aside, and are swapped back at the end when the step is not clean).
	// dW is in Y0 and Y1 (W's flat layout) for a W of at most 16 floats
	// or one unit; otherwise its rows go through the scratch's first
	// block (in order, each row's zero lanes overwritten by the next) and
	// the update runs eight floats at a time. A masked store is slow on
	// AMD (microcoded): only a vector that needs one gets one, and the b
	// of one unit goes as a scalar.
	VBROADCASTSS 60(R8), Y11
	MOVQ         8(R8), SI
	MOVQ         24(R8), DI
	MOVQ         40(R8), AX
	CMPQ         R13, $8
	JNE          upd_bias_part
	VMOVUPS      (SI), Y14
	VMOVUPS      Y14, (AX)
	VFMADD231PS  Y8, Y12, Y14
	VFMADD231PS  Y13, Y14, Y15
	VMOVUPS      Y14, (DI)
	JMP          upd_weights

upd_bias_part:
	CMPQ         R13, $1
	JNE          upd_bias_masked
	VMOVSS       (SI), X14
	VMOVSS       X14, (AX)
	VFMADD231PS  Y8, Y12, Y14
	VFMADD231PS  Y13, Y14, Y15
	VMOVSS       X14, (DI)
	JMP          upd_weights

upd_bias_masked:
	MOVQ         R13, CX
	LANEMASK(CX, Y9)
	VMASKMOVPS   (SI), Y9, Y14
	VMASKMOVPS   Y14, Y9, (AX)
	VFMADD231PS  Y8, Y12, Y14
	VFMADD231PS  Y13, Y14, Y15
	VMASKMOVPS   Y14, Y9, (DI)

upd_weights:
	MOVQ  0(R8), SI
	MOVQ  16(R8), DI
	MOVQ  32(R8), AX
	MOVL  48(R8), CX
	IMULQ R13, CX
	CMPQ  R13, $1
	JE    upd_registers
	CMPQ  CX, $16
	JA    upd_row_stores

upd_registers:
	CMPQ        CX, $8
	JB          upd_register_tail
	VMOVUPS     (SI), Y14
	VMOVUPS     Y14, (AX)
	VMULPS      Y11, Y14, Y14
	VFMADD231PS Y0, Y12, Y14
	VFMADD231PS Y13, Y14, Y15
	VMOVUPS     Y14, (DI)
	SUBQ        $8, CX
	JZ          bwd_next
	ADDQ        $32, SI
	ADDQ        $32, DI
	ADDQ        $32, AX
	VMOVAPS     Y1, Y0
	CMPQ        CX, $8
	JB          upd_register_tail
	VMOVUPS     (SI), Y14
	VMOVUPS     Y14, (AX)
	VMULPS      Y11, Y14, Y14
	VFMADD231PS Y0, Y12, Y14
	VFMADD231PS Y13, Y14, Y15
	VMOVUPS     Y14, (DI)
	JMP         bwd_next

upd_register_tail:
	LANEMASK(CX, Y9)
	VMASKMOVPS  (SI), Y9, Y14
	VMASKMOVPS  Y14, Y9, (AX)
	VMULPS      Y11, Y14, Y14
	VFMADD231PS Y0, Y12, Y14
	VFMADD231PS Y13, Y14, Y15
	VMASKMOVPS  Y14, Y9, (DI)
	JMP         bwd_next

upd_row_stores:
	MOVQ    R9, BX
	VMOVUPS Y0, (BX)
	ADDQ    DX, BX
	VMOVUPS Y1, (BX)
	CMPQ    R13, $2
	JEQ     upd_flat
	ADDQ    DX, BX
	VMOVUPS Y2, (BX)
	CMPQ    R13, $3
	JEQ     upd_flat
	ADDQ    DX, BX
	VMOVUPS Y3, (BX)
	CMPQ    R13, $4
	JEQ     upd_flat
	ADDQ    DX, BX
	VMOVUPS Y4, (BX)
	CMPQ    R13, $5
	JEQ     upd_flat
	ADDQ    DX, BX
	VMOVUPS Y5, (BX)
	CMPQ    R13, $6
	JEQ     upd_flat
	ADDQ    DX, BX
	VMOVUPS Y6, (BX)
	CMPQ    R13, $7
	JEQ     upd_flat
	ADDQ    DX, BX
	VMOVUPS Y7, (BX)

upd_flat:
	MOVQ R9, BX

upd_vector:
	CMPQ        CX, $8
	JB          upd_tail
	VMOVUPS     (SI), Y14
	VMOVUPS     Y14, (AX)
	VMULPS      Y11, Y14, Y14
	VFMADD231PS (BX), Y12, Y14
	VFMADD231PS Y13, Y14, Y15
	VMOVUPS     Y14, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DI
	ADDQ        $32, AX
	ADDQ        $32, BX
	SUBQ        $8, CX
	JMP         upd_vector

upd_tail:
	TESTQ       CX, CX
	JZ          bwd_next
	VMOVUPS     (BX), Y0
	JMP         upd_register_tail

bwd_next:
	MOVQ s+0(FP), AX
	CMPQ R8, 0(AX)
	JEQ  bwd_done
	SUBQ $64, R8
	SUBQ $512, R12
	MOVQ $32, 256(R9)
	MOVQ $0, 264(R9)
	JMP  bwd_layer

bwd_done:
	VEXTRACTF128 $1, Y15, X0
	VADDPS       X0, X15, X0
	VMOVHLPS     X0, X0, X1
	VADDPS       X1, X0, X0
	VMOVSHDUP    X0, X1
	VADDSS       X1, X0, X0
	VMOVSS       X0, uchk+56(FP)

	// cost = float32(sqerr/batch); the step is clean when zchk, uchk and
	// cost·0 are all 0 (each is 0 or NaN: NaN for a NaN or ±Inf cost).
	VMOVSD     sqerr+40(FP), X1
	VCVTSI2SDQ R10, X2, X2
	VDIVSD     X2, X1, X1
	VCVTSD2SS  X1, X1, X1
	VMOVSS     X1, cost+48(FP)
	VXORPS     X3, X3, X3
	VMULSS     X3, X1, X1
	VADDSS     X0, X1, X1
	VADDSS     zchk+52(FP), X1, X1
	MOVB       $1, clean+60(FP)
	VUCOMISS   X3, X1
	JNE        not_clean
	JPS        not_clean
	JMP        tiny_done

not_clean:
	// A guarded step swaps every layer's new W and b (in place) with the
	// old ones (aside) back.
	MOVB $0, clean+60(FP)
	MOVQ s+0(FP), AX
	CMPQ 24(AX), $0
	JE   tiny_done
	MOVQ 0(AX), R8
	MOVQ 8(AX), R11

swap_layer:
	MOVQ  16(R8), SI
	MOVQ  32(R8), DI
	MOVL  48(R8), CX
	MOVL  52(R8), DX
	IMULQ DX, CX

swap_w:
	MOVL (SI), BX
	MOVL (DI), DX
	MOVL DX, (SI)
	MOVL BX, (DI)
	ADDQ $4, SI
	ADDQ $4, DI
	DECQ CX
	JNZ  swap_w
	MOVQ 24(R8), SI
	MOVQ 40(R8), DI
	MOVL 52(R8), CX

swap_b:
	MOVL (SI), BX
	MOVL (DI), DX
	MOVL DX, (SI)
	MOVL BX, (DI)
	ADDQ $4, SI
	ADDQ $4, DI
	DECQ CX
	JNZ  swap_b
	ADDQ $64, R8
	DECQ R11
	JNZ  swap_layer

tiny_done:
	VZEROUPPER
	RET

	// The last layer by columns (R8 the layer, of one unit; R11 its input
	// rows, R12 its block): one vector with the samples in its lanes. The
	// input rows transposed (rows past the batch are stale; the lanes they
	// give are cleared by the batch mask): in registers at up to 4
	// samples, into 256(R9) otherwise; then z = b + Σ_i W[i]·Pᵀ_i,
	// a = f(z), the loss against y (the column of a one-output y is y) and
	// δ, stored as a column at 256(R12), where the backward pass reads it.
col_layer:
	CMPQ R10, $4
	JA   col_transpose

	// At most 4 samples: the input rows' columns in registers, two to a
	// vector (the first four in the low halves of Y1–Y4, the next four in
	// the high halves; rows past the batch are stale, their lanes
	// cleared later), and In's lane mask in Y13 for W's row.
	VMOVUPS    0(R11), Y5
	VMOVUPS    32(R11), Y8
	VMOVUPS    64(R11), Y9
	VMOVUPS    96(R11), Y13
	VUNPCKLPS  Y8, Y5, Y1
	VUNPCKHPS  Y8, Y5, Y2
	VUNPCKLPS  Y13, Y9, Y3
	VUNPCKHPS  Y13, Y9, Y4
	VSHUFPS    $0xEE, Y3, Y1, Y5
	VSHUFPS    $0x44, Y3, Y1, Y1
	VSHUFPS    $0xEE, Y4, Y2, Y9
	VSHUFPS    $0x44, Y4, Y2, Y3
	VMOVAPS    Y5, Y2
	VMOVAPS    Y9, Y4
	MOVL       48(R8), DX
	LANEMASK(DX, Y13)
	JMP        col_setup

col_transpose:
	VMOVUPS 0(R11), Y0
	VMOVUPS 32(R11), Y1
	VMOVUPS 64(R11), Y2
	VMOVUPS 96(R11), Y3
	VMOVUPS 128(R11), Y4
	VMOVUPS 160(R11), Y5
	VMOVUPS 192(R11), Y6
	VMOVUPS 224(R11), Y7
	VUNPCKLPS  Y1, Y0, Y8
	VUNPCKHPS  Y1, Y0, Y9
	VUNPCKLPS  Y3, Y2, Y10
	VUNPCKHPS  Y3, Y2, Y11
	VUNPCKLPS  Y5, Y4, Y12
	VUNPCKHPS  Y5, Y4, Y13
	VUNPCKLPS  Y7, Y6, Y14
	VUNPCKHPS  Y7, Y6, Y15
	VSHUFPS    $0x44, Y10, Y8, Y0
	VSHUFPS    $0xEE, Y10, Y8, Y1
	VSHUFPS    $0x44, Y11, Y9, Y2
	VSHUFPS    $0xEE, Y11, Y9, Y3
	VSHUFPS    $0x44, Y14, Y12, Y4
	VSHUFPS    $0xEE, Y14, Y12, Y5
	VSHUFPS    $0x44, Y15, Y13, Y6
	VSHUFPS    $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	VMOVUPS    Y8, 256(R9)
	VMOVUPS    Y9, 288(R9)
	VMOVUPS    Y10, 320(R9)
	VMOVUPS    Y11, 352(R9)
	VMOVUPS    Y12, 384(R9)
	VMOVUPS    Y13, 416(R9)
	VMOVUPS    Y14, 448(R9)
	VMOVUPS    Y15, 480(R9)

col_setup:
	VXORPS       Y10, Y10, Y10
	MOVQ         R10, DX
	LANEMASK(DX, Y12)
	VBROADCASTSS K(EXP_ONE), YONE
	VXORPD       Y6, Y6, Y6
	VXORPD       Y7, Y7, Y7
	VMOVSS       zchk+52(FP), X11
	MOVL         56(R8), AX
	VBROADCASTSS K(EXP_NEGLIM), CLAMP
	CMPQ         AX, $TINY_TANH
	JNE          col_start
	VBROADCASTSS K(TANH_NEGLIM), CLAMP

col_start:
	MOVL 48(R8), R13
	MOVQ R13, DX
	SHLQ $2, DX
	MOVQ 0(R8), SI
	MOVQ 8(R8), DI
	MOVQ y+16(FP), BX
	LEAQ 256(R12), R14
	MOVL 52(R8), CX

col_out:
	CMPQ R10, $4
	JBE  col_z4
	VBROADCASTSS (DI), Y0
	CMPQ R13, $4
	JA   c_hi
	JE   c4
	CMPQ R13, $2
	JA   c3
	JE   c2
	JMP  c1

c_hi:
	CMPQ R13, $6
	JB   c5
	JE   c6
	CMPQ R13, $8
	JB   c7

c8:
	VBROADCASTSS 28(SI), Y5
	VFMADD231PS  480(R9), Y5, Y0

c7:
	VBROADCASTSS 24(SI), Y5
	VFMADD231PS  448(R9), Y5, Y0

c6:
	VBROADCASTSS 20(SI), Y5
	VFMADD231PS  416(R9), Y5, Y0

c5:
	VBROADCASTSS 16(SI), Y5
	VFMADD231PS  384(R9), Y5, Y0

c4:
	VBROADCASTSS 12(SI), Y5
	VFMADD231PS  352(R9), Y5, Y0

c3:
	VBROADCASTSS 8(SI), Y5
	VFMADD231PS  320(R9), Y5, Y0

c2:
	VBROADCASTSS 4(SI), Y5
	VFMADD231PS  288(R9), Y5, Y0

c1:
	VBROADCASTSS 0(SI), Y5
	VFMADD231PS  256(R9), Y5, Y0

col_z:
	VANDPS      Y12, Y0, Y0
	VFMADD231PS Y10, Y0, Y11
	CMPQ        AX, $TINY_SIGMOID
	JEQ         col_sigmoid
	CMPQ        AX, $TINY_TANH
	JEQ         col_tanh
	CMPQ        AX, $TINY_RELU
	JEQ         col_relu
	VMOVAPS     Y0, Y2
	JMP         col_loss

col_z4:
	// z by halves: the low half b + Σ_{i<4} W[i]·Pᵀ_i, the high half
	// Σ_{i≥4} W[i]·Pᵀ_i (each i from the highest down, VPERMILPS giving
	// W[i] and W[i+4] to the two halves), then their sum.
	VMASKMOVPS   (SI), Y13, Y5
	VBROADCASTSS (DI), X0
	VPERMILPS    $0xFF, Y5, Y8
	VFMADD231PS  Y8, Y4, Y0
	VPERMILPS    $0xAA, Y5, Y8
	VFMADD231PS  Y8, Y3, Y0
	VPERMILPS    $0x55, Y5, Y8
	VFMADD231PS  Y8, Y2, Y0
	VPERMILPS    $0x00, Y5, Y8
	VFMADD231PS  Y8, Y1, Y0
	VEXTRACTF128 $1, Y0, X8
	VADDPS       X8, X0, X0
	JMP          col_z

col_sigmoid:
	SIGMOID(Y0, Y1, Y2, Y3, Y4)
	JMP col_loss

col_tanh:
	TANH(Y0, Y1, Y2, Y3, Y4)
	VMOVAPS Y1, Y2
	JMP     col_loss

col_relu:
	VMAXPS Y0, Y10, Y2

col_loss:
	VMASKMOVPS   (BX), Y12, Y9
	VSUBPS       Y9, Y2, Y1
	VANDPS       Y12, Y1, Y1 // e = a − y, 0 past the batch
	VCVTPS2PD    X1, Y3
	VFMADD231PD  Y3, Y3, Y6
	VEXTRACTF128 $1, Y1, X3
	VCVTPS2PD    X3, Y3
	VFMADD231PD  Y3, Y3, Y7
	VADDPS       Y1, Y1, Y1
	CMPQ         AX, $TINY_SIGMOID
	JEQ          col_dsigmoid
	CMPQ         AX, $TINY_TANH
	JEQ          col_dtanh
	CMPQ         AX, $TINY_RELU
	JEQ          col_drelu
	JMP          col_store

col_dsigmoid:
	VSUBPS Y2, YONE, Y3
	VMULPS Y2, Y3, Y3
	VMULPS Y3, Y1, Y1
	JMP    col_store

col_dtanh:
	VMULPS Y2, Y2, Y3
	VSUBPS Y3, YONE, Y3
	VMULPS Y3, Y1, Y1
	JMP    col_store

col_drelu:
	VCMPPS $0x11, Y2, Y10, Y3
	VANDPS Y3, Y1, Y1

col_store:
	VMOVUPS Y1, (R14)
	ADDQ    $32, R14
	ADDQ    DX, SI
	ADDQ    $4, DI
	ADDQ    $4, BX
	DECQ    CX
	JNZ     col_out

	// At most 4 samples and a layer below: its δ rows here, from δ's
	// column in Y1 (lane r to every lane) and W's row still in Y5, as
	// the backward pass's δ product makes them (δ_r·W, then f′'s factor
	// in those rows); 264(R9) says they are made.
	MOVQ $0, 264(R9)
	CMPQ R10, $4
	JA   col_reduce
	MOVQ s+0(FP), AX
	CMPQ R8, 0(AX)
	JEQ  col_reduce
	LEAQ -256(R12), DI
	VPERMILPS  $0x00, Y1, Y9
	VPERM2F128 $0x00, Y9, Y9, Y9
	VMULPS     Y5, Y9, Y8
	VMULPS     (DI), Y8, Y8
	VMOVUPS    Y8, (DI)
	VPERMILPS  $0x55, Y1, Y9
	VPERM2F128 $0x00, Y9, Y9, Y9
	VMULPS     Y5, Y9, Y8
	VMULPS     32(DI), Y8, Y8
	VMOVUPS    Y8, 32(DI)
	CMPQ       R10, $3
	JB         col_below_done
	VPERMILPS  $0xAA, Y1, Y9
	VPERM2F128 $0x00, Y9, Y9, Y9
	VMULPS     Y5, Y9, Y8
	VMULPS     64(DI), Y8, Y8
	VMOVUPS    Y8, 64(DI)
	CMPQ       R10, $4
	JB         col_below_done
	VPERMILPS  $0xFF, Y1, Y9
	VPERM2F128 $0x00, Y9, Y9, Y9
	VMULPS     Y5, Y9, Y8
	VMULPS     96(DI), Y8, Y8
	VMOVUPS    Y8, 96(DI)

col_below_done:
	MOVQ $1, 264(R9)

col_reduce:
	VEXTRACTF128 $1, Y11, X0
	VADDPS       X0, X11, X0
	VMOVHLPS     X0, X0, X1
	VADDPS       X1, X0, X0
	VMOVSHDUP    X0, X1
	VADDSS       X1, X0, X0
	VMOVSS       X0, zchk+52(FP)
	VADDPD       Y7, Y6, Y6
	VEXTRACTF128 $1, Y6, X7
	VADDPD       X7, X6, X6
	VUNPCKHPD    X6, X6, X7
	VADDSD       X7, X6, X6
	VMOVSD       X6, sqerr+40(FP)

	// δ's column stays as it is: the one-unit backward loops read it with
	// a stride of 4.
	MOVQ $4, 256(R9)
	JMP  bwd_start
