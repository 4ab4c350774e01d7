//go:build !noasm && !purego

#include "textflag.h"
#include "stream_amd64.h"

// AVX2+FMA element-wise kernels without transcendentals: products, backward
// steps, ReLU, bias and column sums, optimizer updates. Prototypes and the
// contract (lengths already checked, dst may alias an input exactly) are in
// vec_amd64.go; the semantics are the generic kernels' in vec_generic.go.
//
// Common shape of every loop over n elements:
//
//	IDX = 0
//	while N >= 32: 4 YMM vectors (elements IDX..IDX+31), IDX += 32, N -= 32
//	while N >= 8:  1 YMM vector, IDX += 8, N -= 8
//	if N > 0:      one vector through VMASKMOVPS under the lane mask Y15
//	               (first N lanes all ones): masked-off lanes are neither
//	               read (no fault, loaded as 0) nor written.
//
// hadamard, sigmoidBackward, tanhBackward, reluBackward and relu
// (BINARY_LOOP_NT) store a large separate output with VMOVNTPS instead
// (stream_amd64.h); the in-place kernels (scale, axpy, momentum, adam,
// addBias) always use normal stores.
//
// All loads of a block come before its stores, so dst == input is safe.
// Operand order is Go's: OP src2, src1, dst (Intel: OP dst, src1, src2).

// vecTailMask: 8 lanes of all ones then 8 lanes of zero. The 8 dwords
// starting at lane 8−N have exactly their first N lanes set.
DATA ·vecTailMask+0(SB)/8, $-1
DATA ·vecTailMask+8(SB)/8, $-1
DATA ·vecTailMask+16(SB)/8, $-1
DATA ·vecTailMask+24(SB)/8, $-1
DATA ·vecTailMask+32(SB)/8, $0
DATA ·vecTailMask+40(SB)/8, $0
DATA ·vecTailMask+48(SB)/8, $0
DATA ·vecTailMask+56(SB)/8, $0
GLOBL ·vecTailMask(SB), RODATA|NOPTR, $64

// vecOne is 1.0f (0x3f800000), broadcast where a kernel needs 1 − x.
DATA ·vecOne+0(SB)/4, $0x3f800000
GLOBL ·vecOne(SB), RODATA|NOPTR, $4

// TAIL_MASK loads the lane mask for the last N (1..7) elements into Y15;
// clobbers BX and N.
#define TAIL_MASK LEAQ ·vecTailMask+32(SB), BX; SHLQ $2, N; SUBQ N, BX; VMOVUPS (BX), Y15

// Registers: DI dst, SI a (delta, src), DX b (act; src again for relu, for
// the alias test), CX remaining, AX index, BX, R8 scratch, Y15 lane mask.
#define DSTP DI
#define APTR SI
#define BPTR DX
#define N CX
#define IDX AX

// BINARY_LOOP is the loop skeleton around OPV(off, r, t) (one full vector
// at byte offset off from element IDX, result in r, t a scratch register)
// and OPM(r) (the masked last vector, result in Y0, mask in Y15).
#define BINARY_LOOP(OPV, OPM) \
loop32:                               \
	CMPQ N, $32                        \
	JB   loop8                         \
	OPV(0, Y0, Y4)                     \
	OPV(32, Y1, Y5)                    \
	OPV(64, Y2, Y6)                    \
	OPV(96, Y3, Y7)                    \
	VMOVUPS Y0, (DSTP)(IDX*4)          \
	VMOVUPS Y1, 32(DSTP)(IDX*4)        \
	VMOVUPS Y2, 64(DSTP)(IDX*4)        \
	VMOVUPS Y3, 96(DSTP)(IDX*4)        \
	ADDQ $32, IDX                      \
	SUBQ $32, N                        \
	JMP  loop32                        \
loop8:                                \
	CMPQ N, $8                         \
	JB   tail                          \
	OPV(0, Y0, Y4)                     \
	VMOVUPS Y0, (DSTP)(IDX*4)          \
	ADDQ $8, IDX                       \
	SUBQ $8, N                         \
	JMP  loop8                         \
tail:                                 \
	TESTQ N, N                         \
	JZ   done                          \
	TAIL_MASK                          \
	OPM(Y0)                            \
	VMASKMOVPS Y0, Y15, (DSTP)(IDX*4)  \
done:                                 \
	VZEROUPPER                         \
	RET

// BINARY_LOOP_NT is BINARY_LOOP behind STREAM_CHECK, with the streaming
// path (stream_amd64.h) after it: a head vector under Y15 up to the first
// 32-byte boundary, 4 YMM vectors per VMOVNTPS step, SFENCE, then loop8.
#define BINARY_LOOP_NT(OPV, OPM) \
	STREAM_CHECK(N, nt)                \
	BINARY_LOOP(OPV, OPM)              \
nt:                                   \
	CMPQ  N, $32                       \
	JB    loop32                       \
	CMPQ  DSTP, APTR                   \
	JEQ   loop32                       \
	CMPQ  DSTP, BPTR                   \
	JEQ   loop32                       \
	TESTQ $3, DSTP                     \
	JNZ   loop32                       \
	STREAM_HEAD_Y(DSTP, Y15)           \
	TESTQ BX, BX                       \
	JZ    ntloop                       \
	OPM(Y0)                            \
	VMASKMOVPS Y0, Y15, (DSTP)(IDX*4)  \
	ADDQ  BX, IDX                      \
	SUBQ  BX, N                        \
ntloop:                               \
	CMPQ N, $32                        \
	JB   ntend                         \
	OPV(0, Y0, Y4)                     \
	OPV(32, Y1, Y5)                    \
	OPV(64, Y2, Y6)                    \
	OPV(96, Y3, Y7)                    \
	VMOVNTPS Y0, (DSTP)(IDX*4)         \
	VMOVNTPS Y1, 32(DSTP)(IDX*4)       \
	VMOVNTPS Y2, 64(DSTP)(IDX*4)       \
	VMOVNTPS Y3, 96(DSTP)(IDX*4)       \
	ADDQ $32, IDX                      \
	SUBQ $32, N                        \
	JMP  ntloop                        \
ntend:                                \
	SFENCE                             \
	JMP  loop8

#define LOAD_ARGS3 \
	MOVQ dst_base+0(FP), DSTP \
	MOVQ dst_len+8(FP), N     \
	XORQ IDX, IDX

// MLOAD(p, r) loads the masked last vector of p into r.
#define MLOAD(p, r) VMASKMOVPS (p)(IDX*4), Y15, r

// func hadamardAVX2(dst, a, b []float32)
// dst[i] = a[i]·b[i], bit-exact with the generic kernel.
#define HAD_V(off, r, t) VMOVUPS off(APTR)(IDX*4), r; VMULPS off(BPTR)(IDX*4), r, r
#define HAD_M(r) MLOAD(APTR, Y0); MLOAD(BPTR, Y4); VMULPS Y4, Y0, Y0
TEXT ·hadamardAVX2(SB), NOSPLIT, $0-72
	LOAD_ARGS3
	MOVQ a_base+24(FP), APTR
	MOVQ b_base+48(FP), BPTR
	BINARY_LOOP_NT(HAD_V, HAD_M)

// func sigmoidBackwardAVX2(dst, delta, act []float32)
// dst[i] = delta[i]·(act[i]·(1−act[i])), generic roundings, bit-exact.
// Y14 = 1.0.
#define SGB_V(off, r, t) VMOVUPS off(BPTR)(IDX*4), t; VSUBPS t, Y14, r; VMULPS t, r, r; VMULPS off(APTR)(IDX*4), r, r
#define SGB_M(r) MLOAD(BPTR, Y4); MLOAD(APTR, Y5); VSUBPS Y4, Y14, Y0; VMULPS Y4, Y0, Y0; VMULPS Y5, Y0, Y0
TEXT ·sigmoidBackwardAVX2(SB), NOSPLIT, $0-72
	LOAD_ARGS3
	MOVQ delta_base+24(FP), APTR
	MOVQ act_base+48(FP), BPTR
	VBROADCASTSS ·vecOne(SB), Y14
	BINARY_LOOP_NT(SGB_V, SGB_M)

// func tanhBackwardAVX2(dst, delta, act []float32)
// dst[i] = delta[i]·(1−act[i]²), generic roundings, bit-exact. Y14 = 1.0.
#define TNB_V(off, r, t) VMOVUPS off(BPTR)(IDX*4), t; VMULPS t, t, t; VSUBPS t, Y14, r; VMULPS off(APTR)(IDX*4), r, r
#define TNB_M(r) MLOAD(BPTR, Y4); MLOAD(APTR, Y5); VMULPS Y4, Y4, Y4; VSUBPS Y4, Y14, Y0; VMULPS Y5, Y0, Y0
TEXT ·tanhBackwardAVX2(SB), NOSPLIT, $0-72
	LOAD_ARGS3
	MOVQ delta_base+24(FP), APTR
	MOVQ act_base+48(FP), BPTR
	VBROADCASTSS ·vecOne(SB), Y14
	BINARY_LOOP_NT(TNB_V, TNB_M)

// func reluBackwardAVX2(dst, delta, act []float32)
// dst[i] = delta[i] where 0 < act[i] (ordered compare: NaN act gives 0),
// else +0: the compare makes an all-ones/zero lane mask, ANDed with delta.
// Y13 = 0.
#define RLB_V(off, r, t) VCMPPS $0x11, off(BPTR)(IDX*4), Y13, t; VANDPS off(APTR)(IDX*4), t, r
#define RLB_M(r) MLOAD(BPTR, Y4); MLOAD(APTR, Y5); VCMPPS $0x11, Y4, Y13, Y4; VANDPS Y5, Y4, Y0
TEXT ·reluBackwardAVX2(SB), NOSPLIT, $0-72
	LOAD_ARGS3
	MOVQ delta_base+24(FP), APTR
	MOVQ act_base+48(FP), BPTR
	VXORPS Y13, Y13, Y13
	BINARY_LOOP_NT(RLB_V, RLB_M)

// func reluAVX2(dst, src []float32)
// dst[i] = max(src[i], 0) with src as VMAXPS's second (Intel) source, which
// it returns when either is NaN or both are zero: NaN stays NaN, −0 stays
// −0, bit-exact with the generic kernel. Y13 = 0.
#define RLU_V(off, r, t) VMAXPS off(APTR)(IDX*4), Y13, r
#define RLU_M(r) MLOAD(APTR, Y4); VMAXPS Y4, Y13, Y0
TEXT ·reluAVX2(SB), NOSPLIT, $0-48
	LOAD_ARGS3
	MOVQ src_base+24(FP), APTR
	MOVQ APTR, BPTR // the second input of the alias test
	VXORPS Y13, Y13, Y13
	BINARY_LOOP_NT(RLU_V, RLU_M)

// func scaleAVX2(alpha float32, x []float32)
// x[i] *= alpha (bit-exact). Y12 = alpha.
#define SCL_V(off, r, t) VMULPS off(APTR)(IDX*4), Y12, r
#define SCL_M(r) MLOAD(APTR, Y4); VMULPS Y4, Y12, Y0
TEXT ·scaleAVX2(SB), NOSPLIT, $0-32
	MOVQ x_base+8(FP), APTR
	MOVQ x_len+16(FP), N
	MOVQ APTR, DSTP
	XORQ IDX, IDX
	VBROADCASTSS alpha+0(FP), Y12
	BINARY_LOOP(SCL_V, SCL_M)

// func axpyAVX2(alpha float32, x, y []float32)
// y[i] += alpha·x[i] with one FMA. Y12 = alpha, SI x, DI y.
#define AXP_V(off, r, t) VMOVUPS off(DSTP)(IDX*4), r; VFMADD231PS off(APTR)(IDX*4), Y12, r
#define AXP_M(r) MLOAD(DSTP, Y0); MLOAD(APTR, Y4); VFMADD231PS Y4, Y12, Y0
TEXT ·axpyAVX2(SB), NOSPLIT, $0-56
	MOVQ x_base+8(FP), APTR
	MOVQ y_base+32(FP), DSTP
	MOVQ y_len+40(FP), N
	XORQ IDX, IDX
	VBROADCASTSS alpha+0(FP), Y12
	BINARY_LOOP(AXP_V, AXP_M)

#undef DSTP
#undef APTR
#undef BPTR

// ----------------------------------------------------------------------------
// func momentumAVX2(p, g, v []float32, lr, mu float32)
// v = mu·v + g; p −= lr·v, one pass, two FMAs per vector:
//	v' = fma(mu, v, g)        VFMADD213PS
//	p' = fma(−lr, v', p)      VFNMADD231PS
// Registers: DI p, SI g, DX v, Y12 = lr, Y13 = mu.
#define PP DI
#define GP SI
#define VP DX
#define MOM_V(off, vr, pr) \
	VMOVUPS off(VP)(IDX*4), vr            \
	VMOVUPS off(PP)(IDX*4), pr            \
	VFMADD213PS off(GP)(IDX*4), Y13, vr   \
	VFNMADD231PS vr, Y12, pr              \
	VMOVUPS vr, off(VP)(IDX*4)            \
	VMOVUPS pr, off(PP)(IDX*4)

TEXT ·momentumAVX2(SB), NOSPLIT, $0-80
	MOVQ p_base+0(FP), PP
	MOVQ p_len+8(FP), N
	MOVQ g_base+24(FP), GP
	MOVQ v_base+48(FP), VP
	VBROADCASTSS lr+72(FP), Y12
	VBROADCASTSS mu+76(FP), Y13
	XORQ IDX, IDX

mom_loop32:
	CMPQ N, $32
	JB   mom_loop8
	MOM_V(0, Y0, Y4)
	MOM_V(32, Y1, Y5)
	MOM_V(64, Y2, Y6)
	MOM_V(96, Y3, Y7)
	ADDQ $32, IDX
	SUBQ $32, N
	JMP  mom_loop32

mom_loop8:
	CMPQ N, $8
	JB   mom_tail
	MOM_V(0, Y0, Y4)
	ADDQ $8, IDX
	SUBQ $8, N
	JMP  mom_loop8

mom_tail:
	TESTQ N, N
	JZ    mom_done
	TAIL_MASK
	MLOAD(VP, Y0)
	MLOAD(PP, Y4)
	MLOAD(GP, Y5)
	VFMADD213PS  Y5, Y13, Y0
	VFNMADD231PS Y0, Y12, Y4
	VMASKMOVPS   Y0, Y15, (VP)(IDX*4)
	VMASKMOVPS   Y4, Y15, (PP)(IDX*4)

mom_done:
	VZEROUPPER
	RET

// ----------------------------------------------------------------------------
// func adamAVX2(p, g, m, v []float32, c adamConsts)
// One Adam step with the generic kernel's operation order (see
// adamAVX512): m' = fma(β1, m, (1−β1)·g), v' = fma(β2, v, ((1−β2)·g)·g),
// p' = p − (lr·(m'·inv1)) / (sqrt(v'·inv2) + eps); VSQRTPS and VDIVPS are
// correctly rounded. One vector per step: the eight constants live in
// Y6..Y13, the tail mask in Y15.
// Registers: DI p, SI g, DX m, R8 v.
#define MP DX
#define VVP R8
#define ADAM_B1 Y6
#define ADAM_B2 Y7
#define ADAM_OMB1 Y8
#define ADAM_OMB2 Y9
#define ADAM_INV1 Y10
#define ADAM_INV2 Y11
#define ADAM_LR Y12
#define ADAM_EPS Y13

#define ADAM_V(G, M, V, P, T) \
	VMULPS       G, ADAM_OMB1, T  \
	VFMADD132PS  ADAM_B1, T, M    \
	VMULPS       G, ADAM_OMB2, T  \
	VMULPS       G, T, T          \
	VFMADD132PS  ADAM_B2, T, V    \
	VMULPS       ADAM_INV2, V, T  \
	VSQRTPS      T, T             \
	VADDPS       ADAM_EPS, T, T   \
	VMULPS       ADAM_INV1, M, G  \
	VMULPS       ADAM_LR, G, G    \
	VDIVPS       T, G, G          \
	VSUBPS       G, P, P

TEXT ·adamAVX2(SB), NOSPLIT, $0-128
	MOVQ p_base+0(FP), PP
	MOVQ p_len+8(FP), N
	MOVQ g_base+24(FP), GP
	MOVQ m_base+48(FP), MP
	MOVQ v_base+72(FP), VVP
	VBROADCASTSS c_beta1+96(FP), ADAM_B1
	VBROADCASTSS c_beta2+100(FP), ADAM_B2
	VBROADCASTSS c_omb1+104(FP), ADAM_OMB1
	VBROADCASTSS c_omb2+108(FP), ADAM_OMB2
	VBROADCASTSS c_inv1+112(FP), ADAM_INV1
	VBROADCASTSS c_inv2+116(FP), ADAM_INV2
	VBROADCASTSS c_lr+120(FP), ADAM_LR
	VBROADCASTSS c_eps+124(FP), ADAM_EPS
	XORQ IDX, IDX

adam_loop8:
	CMPQ    N, $8
	JB      adam_tail
	VMOVUPS (GP)(IDX*4), Y0
	VMOVUPS (MP)(IDX*4), Y1
	VMOVUPS (VVP)(IDX*4), Y2
	VMOVUPS (PP)(IDX*4), Y3
	ADAM_V(Y0, Y1, Y2, Y3, Y4)
	VMOVUPS Y1, (MP)(IDX*4)
	VMOVUPS Y2, (VVP)(IDX*4)
	VMOVUPS Y3, (PP)(IDX*4)
	ADDQ    $8, IDX
	SUBQ    $8, N
	JMP     adam_loop8

adam_tail:
	TESTQ N, N
	JZ    adam_done
	TAIL_MASK
	// Masked-off lanes load zeros: 0/(0+eps) there, never stored.
	MLOAD(GP, Y0)
	MLOAD(MP, Y1)
	MLOAD(VVP, Y2)
	MLOAD(PP, Y3)
	ADAM_V(Y0, Y1, Y2, Y3, Y4)
	VMASKMOVPS Y1, Y15, (MP)(IDX*4)
	VMASKMOVPS Y2, Y15, (VVP)(IDX*4)
	VMASKMOVPS Y3, Y15, (PP)(IDX*4)

adam_done:
	VZEROUPPER
	RET

#undef MP
#undef VVP

// ----------------------------------------------------------------------------
// func rmspropAVX2(p, g, v []float32, lr, rho, omr, eps float32)
// One RMSprop step (omr = 1−ρ), rmspropGeneric's operations in its order,
// each one rounded (no FMA), so the result has the generic kernel's bits:
//	T  = (1−ρ)·(g·g);  V = ρ·v + T                    (v')
//	T  = sqrt(V + ε);  G = (lr·g) / T;  P = p − G     (p')
// VSQRTPS and VDIVPS are correctly rounded. Two vectors per step (the
// divider and square root are the bottleneck; the second vector's loads
// and multiplies overlap the first one's division).
// Registers: DI p, SI g, DX v; Y10 lr, Y11 ρ, Y12 1−ρ, Y13 ε in every
// lane; per vector G, V, P and a scratch T (Y0–Y3, Y4–Y7); Y15 tail mask.
#define RMS_LR Y10
#define RMS_RHO Y11
#define RMS_OMR Y12
#define RMS_EPS Y13

#define RMS_V(G, V, P, T) \
	VMULPS  G, G, T        \
	VMULPS  RMS_OMR, T, T  \
	VMULPS  RMS_RHO, V, V  \
	VADDPS  T, V, V        \
	VADDPS  RMS_EPS, V, T  \
	VSQRTPS T, T           \
	VMULPS  RMS_LR, G, G   \
	VDIVPS  T, G, G        \
	VSUBPS  G, P, P

#define RMS_FULL(off, G, V, P, T) \
	VMOVUPS off(GP)(IDX*4), G  \
	VMOVUPS off(VP)(IDX*4), V  \
	VMOVUPS off(PP)(IDX*4), P  \
	RMS_V(G, V, P, T)          \
	VMOVUPS V, off(VP)(IDX*4)  \
	VMOVUPS P, off(PP)(IDX*4)

TEXT ·rmspropAVX2(SB), NOSPLIT, $0-88
	MOVQ p_base+0(FP), PP
	MOVQ p_len+8(FP), N
	MOVQ g_base+24(FP), GP
	MOVQ v_base+48(FP), VP
	VBROADCASTSS lr+72(FP), RMS_LR
	VBROADCASTSS rho+76(FP), RMS_RHO
	VBROADCASTSS omr+80(FP), RMS_OMR
	VBROADCASTSS eps+84(FP), RMS_EPS
	XORQ IDX, IDX

rms_loop16:
	CMPQ N, $16
	JB   rms_loop8
	RMS_FULL(0, Y0, Y1, Y2, Y3)
	RMS_FULL(32, Y4, Y5, Y6, Y7)
	ADDQ $16, IDX
	SUBQ $16, N
	JMP  rms_loop16

rms_loop8:
	CMPQ N, $8
	JB   rms_tail
	RMS_FULL(0, Y0, Y1, Y2, Y3)
	ADDQ $8, IDX
	SUBQ $8, N

rms_tail:
	TESTQ N, N
	JZ    rms_done
	TAIL_MASK
	// Masked-off lanes load zeros: 0/sqrt(0+ε) there, never stored.
	MLOAD(GP, Y0)
	MLOAD(VP, Y1)
	MLOAD(PP, Y2)
	RMS_V(Y0, Y1, Y2, Y3)
	VMASKMOVPS Y1, Y15, (VP)(IDX*4)
	VMASKMOVPS Y2, Y15, (PP)(IDX*4)

rms_done:
	VZEROUPPER
	RET

// ----------------------------------------------------------------------------
// func addBiasAVX2(x []float32, cols int, bias []float32)
// x[r·cols+c] += bias[c], row by row: 32-column blocks, 8-column blocks and
// a masked last block (Y15 computed once from cols mod 8).
// Registers: DI row pointer, SI bias, R10 cols, R9 rows left, CX columns
// left in this row, AX column index.
#define ROWP DI
#define BIASP SI
#define COLS R10
#define ROWS R9

#define ADB_V(off, r) VMOVUPS off(ROWP)(IDX*4), r; VADDPS off(BIASP)(IDX*4), r, r; VMOVUPS r, off(ROWP)(IDX*4)

TEXT ·addBiasAVX2(SB), NOSPLIT, $0-56
	MOVQ x_base+0(FP), ROWP
	MOVQ x_len+8(FP), AX
	MOVQ cols+24(FP), COLS
	MOVQ bias_base+32(FP), BIASP
	XORQ DX, DX
	DIVQ COLS               // rows = len(x)/cols (cols > 0, checked by AddBias)
	MOVQ AX, ROWS
	MOVQ COLS, N
	ANDQ $7, N
	TAIL_MASK

adb_row:
	TESTQ ROWS, ROWS
	JZ    adb_done
	MOVQ  COLS, N
	XORQ  IDX, IDX

adb_loop32:
	CMPQ N, $32
	JB   adb_loop8
	ADB_V(0, Y0)
	ADB_V(32, Y1)
	ADB_V(64, Y2)
	ADB_V(96, Y3)
	ADDQ $32, IDX
	SUBQ $32, N
	JMP  adb_loop32

adb_loop8:
	CMPQ N, $8
	JB   adb_tail
	ADB_V(0, Y0)
	ADDQ $8, IDX
	SUBQ $8, N
	JMP  adb_loop8

adb_tail:
	TESTQ N, N
	JZ    adb_next
	MLOAD(ROWP, Y0)
	MLOAD(BIASP, Y4)
	VADDPS     Y4, Y0, Y0
	VMASKMOVPS Y0, Y15, (ROWP)(IDX*4)

adb_next:
	LEAQ (ROWP)(COLS*4), ROWP
	DECQ ROWS
	JMP  adb_row

adb_done:
	VZEROUPPER
	RET

// ----------------------------------------------------------------------------
// func colSumsAVX2(dst []float32, alpha float32, x []float32, rows, cols int)
// dst[c] = alpha·Σ_r x[r·cols+c]: column blocks outside (32, then 8, then a
// masked last block), rows inside, sums in registers added in row order
// (bit-exact with the generic kernel), scaled by alpha once.
// Registers: DI dst, SI x, R8 row pointer, R9 rows left, DX rows, R10
// cols, R11 row stride in bytes, AX column index, CX columns left,
// Y12 = alpha, Y0..Y3 sums.
#define XP SI
#define RP R8
#define STRIDE R11

TEXT ·colSumsAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+32(FP), XP
	MOVQ rows+56(FP), DX
	MOVQ cols+64(FP), COLS
	VBROADCASTSS alpha+24(FP), Y12
	MOVQ COLS, STRIDE
	SHLQ $2, STRIDE
	MOVQ COLS, N
	XORQ IDX, IDX

cs_block32:
	CMPQ N, $32
	JB   cs_block8
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	LEAQ (XP)(IDX*4), RP
	MOVQ DX, ROWS

cs_rows32:
	TESTQ ROWS, ROWS
	JZ    cs_store32
	VADDPS (RP), Y0, Y0
	VADDPS 32(RP), Y1, Y1
	VADDPS 64(RP), Y2, Y2
	VADDPS 96(RP), Y3, Y3
	ADDQ   STRIDE, RP
	DECQ   ROWS
	JMP    cs_rows32

cs_store32:
	VMULPS  Y12, Y0, Y0
	VMULPS  Y12, Y1, Y1
	VMULPS  Y12, Y2, Y2
	VMULPS  Y12, Y3, Y3
	VMOVUPS Y0, (DI)(IDX*4)
	VMOVUPS Y1, 32(DI)(IDX*4)
	VMOVUPS Y2, 64(DI)(IDX*4)
	VMOVUPS Y3, 96(DI)(IDX*4)
	ADDQ    $32, IDX
	SUBQ    $32, N
	JMP     cs_block32

cs_block8:
	CMPQ N, $8
	JB   cs_tail
	VXORPS Y0, Y0, Y0
	LEAQ (XP)(IDX*4), RP
	MOVQ DX, ROWS

cs_rows8:
	TESTQ  ROWS, ROWS
	JZ     cs_store8
	VADDPS (RP), Y0, Y0
	ADDQ   STRIDE, RP
	DECQ   ROWS
	JMP    cs_rows8

cs_store8:
	VMULPS  Y12, Y0, Y0
	VMOVUPS Y0, (DI)(IDX*4)
	ADDQ    $8, IDX
	SUBQ    $8, N
	JMP     cs_block8

cs_tail:
	TESTQ N, N
	JZ    cs_done
	TAIL_MASK
	VXORPS Y0, Y0, Y0
	LEAQ   (XP)(IDX*4), RP
	MOVQ   DX, ROWS

cs_rowsm:
	TESTQ  ROWS, ROWS
	JZ     cs_storem
	VMASKMOVPS (RP), Y15, Y4 // masked-off lanes read as 0
	VADDPS Y4, Y0, Y0
	ADDQ   STRIDE, RP
	DECQ   ROWS
	JMP    cs_rowsm

cs_storem:
	VMULPS     Y12, Y0, Y0
	VMASKMOVPS Y0, Y15, (DI)(IDX*4)

cs_done:
	VZEROUPPER
	RET
