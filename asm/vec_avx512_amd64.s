//go:build !noasm && !purego

#include "textflag.h"
#include "stream_amd64.h"

// AVX-512 element-wise kernels without transcendentals: products, backward
// steps, ReLU, bias and column sums, optimizer updates. Prototypes and the
// contract (lengths already checked, dst may alias an input exactly) are in
// vec_amd64.go; the semantics are the generic kernels' in vec_generic.go.
//
// Common shape of every loop over n elements:
//
//	IDX = 0
//	while N >= 64: 4 ZMM vectors (elements IDX..IDX+63), IDX += 64, N -= 64
//	while N >= 16: 1 ZMM vector, IDX += 16, N -= 16
//	if N > 0:      one vector under the mask K1 = (1<<N)−1; masked loads
//	               suppress faults and read nothing past the slice, masked
//	               stores write nothing past it.
//
// hadamard, sigmoidBackward, tanhBackward, reluBackward and relu
// (BINARY_LOOP_NT) store a large separate output with VMOVNTPS instead
// (stream_amd64.h); the in-place kernels (scale, axpy, momentum, adam,
// addBias) always use normal stores.
//
// The 4-vector step was measured against 2 and 8 vectors per step, pointer
// increments instead of the indexed addressing, a 64-byte aligned loop
// (PCALIGN) and YMM-width vectors, for hadamard at 1e3, 1e5 (L2-resident)
// and 2.5e5 floats, interleaved in one process: all within ±2–3 % of it,
// and hadamardAVX512 at 1e5 within 1–2 % of hadamardAVX2 (an apparent 10 %
// gap in separate benchmark runs is the machine's speed phases and GC).
//
// All loads of a block come before its stores, so dst == input is safe.
// Operand order is Go's: OP src2, src1, dst (Intel: OP dst, src1, src2).

// TAIL_MASK sets K1 to the low CX bits (0 < CX < 16); clobbers BX.
#define TAIL_MASK MOVL $1, BX; SHLL CX, BX; DECL BX; KMOVW BX, K1

// ----------------------------------------------------------------------------
// Three-slice kernels: dst[i] = f(a[i], b[i]). One macro per f; OP3(off)
// loads a and b at byte offset off from element IDX and leaves f in Z(reg).
// Registers: DI dst, SI a (delta, src), DX b (act; src again for relu, for
// the alias test), CX remaining, AX index, BX, R8, R9 scratch, Z31 = 1.0,
// Z30 = 0.

#define DSTP DI
#define APTR SI
#define BPTR DX
#define N CX
#define IDX AX

// BINARY_LOOP expands the loop skeleton around the per-vector macros
// OPV(off, r) (full vector at byte offset off into Z(r) and stored by the
// caller) and OPM (masked tail into Z0, K1). Stores use the same offsets.
#define BINARY_LOOP(OPV, OPM) \
loop64:                        \
	CMPQ N, $64                        \
	JB   loop16                 \
	OPV(0, Z0, Z4)                     \
	OPV(64, Z1, Z5)                    \
	OPV(128, Z2, Z6)                   \
	OPV(192, Z3, Z7)                   \
	VMOVUPS Z0, (DSTP)(IDX*4)          \
	VMOVUPS Z1, 64(DSTP)(IDX*4)        \
	VMOVUPS Z2, 128(DSTP)(IDX*4)       \
	VMOVUPS Z3, 192(DSTP)(IDX*4)       \
	ADDQ $64, IDX                      \
	SUBQ $64, N                        \
	JMP  loop64                 \
loop16:                        \
	CMPQ N, $16                        \
	JB   tail                   \
	OPV(0, Z0, Z4)                     \
	VMOVUPS Z0, (DSTP)(IDX*4)          \
	ADDQ $16, IDX                      \
	SUBQ $16, N                        \
	JMP  loop16                 \
tail:                          \
	TESTQ N, N                         \
	JZ   done                   \
	TAIL_MASK                          \
	OPM(Z0)                            \
	VMOVUPS Z0, K1, (DSTP)(IDX*4)      \
done:                          \
	VZEROUPPER                         \
	RET

// BINARY_LOOP_NT is BINARY_LOOP behind STREAM_CHECK, with the streaming
// path (stream_amd64.h) after it: a head vector under K1 up to the first
// 64-byte line, 4 ZMM vectors per VMOVNTPS step, SFENCE, then loop16.
#define BINARY_LOOP_NT(OPV, OPM) \
	STREAM_CHECK(N, nt)                \
	BINARY_LOOP(OPV, OPM)              \
nt:                            \
	CMPQ  N, $64                       \
	JB    loop64                \
	CMPQ  DSTP, APTR                   \
	JEQ   loop64                \
	CMPQ  DSTP, BPTR                   \
	JEQ   loop64                \
	TESTQ $3, DSTP                     \
	JNZ   loop64                \
	STREAM_HEAD_K(DSTP)                \
	TESTQ BX, BX                       \
	JZ    ntloop                \
	OPM(Z0)                            \
	VMOVUPS Z0, K1, (DSTP)(IDX*4)      \
	ADDQ  BX, IDX                      \
	SUBQ  BX, N                        \
ntloop:                        \
	CMPQ N, $64                        \
	JB   ntend                  \
	OPV(0, Z0, Z4)                     \
	OPV(64, Z1, Z5)                    \
	OPV(128, Z2, Z6)                   \
	OPV(192, Z3, Z7)                   \
	VMOVNTPS Z0, (DSTP)(IDX*4)         \
	VMOVNTPS Z1, 64(DSTP)(IDX*4)       \
	VMOVNTPS Z2, 128(DSTP)(IDX*4)      \
	VMOVNTPS Z3, 192(DSTP)(IDX*4)      \
	ADDQ $64, IDX                      \
	SUBQ $64, N                        \
	JMP  ntloop                 \
ntend:                         \
	SFENCE                             \
	JMP  loop16

#define LOAD_ARGS3 \
	MOVQ dst_base+0(FP), DSTP \
	MOVQ dst_len+8(FP), N     \
	XORQ IDX, IDX

// func hadamardAVX512(dst, a, b []float32)
// dst[i] = a[i]·b[i], bit-exact with the generic kernel.
#define HAD_V(off, r, t) VMOVUPS off(APTR)(IDX*4), r; VMULPS off(BPTR)(IDX*4), r, r
#define HAD_M(r) VMOVUPS.Z (APTR)(IDX*4), K1, Z0; VMULPS.Z (BPTR)(IDX*4), Z0, K1, Z0
TEXT ·hadamardAVX512(SB), NOSPLIT, $0-72
	LOAD_ARGS3
	MOVQ a_base+24(FP), APTR
	MOVQ b_base+48(FP), BPTR
	BINARY_LOOP_NT(HAD_V, HAD_M)

// func sigmoidBackwardAVX512(dst, delta, act []float32)
// dst[i] = delta[i]·(act[i]·(1−act[i])), the generic kernel's roundings
// (no FMA), so bit-exact.
#define SGB_V(off, r, t) VMOVUPS off(BPTR)(IDX*4), t; VSUBPS t, Z31, r; VMULPS t, r, r; VMULPS off(APTR)(IDX*4), r, r
#define SGB_M(r) VMOVUPS.Z (BPTR)(IDX*4), K1, Z4; VSUBPS Z4, Z31, Z0; VMULPS Z4, Z0, Z0; VMULPS.Z (APTR)(IDX*4), Z0, K1, Z0
TEXT ·sigmoidBackwardAVX512(SB), NOSPLIT, $0-72
	LOAD_ARGS3
	MOVQ delta_base+24(FP), APTR
	MOVQ act_base+48(FP), BPTR
	MOVL $0x3f800000, BX // 1.0
	VPBROADCASTD BX, Z31
	BINARY_LOOP_NT(SGB_V, SGB_M)

// func tanhBackwardAVX512(dst, delta, act []float32)
// dst[i] = delta[i]·(1−act[i]²), generic roundings (no FMA), bit-exact.
#define TNB_V(off, r, t) VMOVUPS off(BPTR)(IDX*4), t; VMULPS t, t, t; VSUBPS t, Z31, r; VMULPS off(APTR)(IDX*4), r, r
#define TNB_M(r) VMOVUPS.Z (BPTR)(IDX*4), K1, Z4; VMULPS Z4, Z4, Z4; VSUBPS Z4, Z31, Z0; VMULPS.Z (APTR)(IDX*4), Z0, K1, Z0
TEXT ·tanhBackwardAVX512(SB), NOSPLIT, $0-72
	LOAD_ARGS3
	MOVQ delta_base+24(FP), APTR
	MOVQ act_base+48(FP), BPTR
	MOVL $0x3f800000, BX // 1.0
	VPBROADCASTD BX, Z31
	BINARY_LOOP_NT(TNB_V, TNB_M)

// func reluBackwardAVX512(dst, delta, act []float32)
// dst[i] = delta[i] where 0 < act[i] (ordered: NaN act gives 0), else +0:
// the compare writes K2, the zero-masked move keeps delta under K2.
#define RLB_V(off, r, t) VCMPPS $0x11, off(BPTR)(IDX*4), Z30, K2; VMOVUPS.Z off(APTR)(IDX*4), K2, r
#define RLB_M(r) VMOVUPS.Z (BPTR)(IDX*4), K1, Z4; VCMPPS $0x11, Z4, Z30, K1, K2; VMOVUPS.Z (APTR)(IDX*4), K2, Z0
TEXT ·reluBackwardAVX512(SB), NOSPLIT, $0-72
	LOAD_ARGS3
	MOVQ delta_base+24(FP), APTR
	MOVQ act_base+48(FP), BPTR
	VPXORD Z30, Z30, Z30
	BINARY_LOOP_NT(RLB_V, RLB_M)

// func reluAVX512(dst, src []float32)
// dst[i] = max(src[i], 0) with src as VMAXPS's second (Intel) source, which
// it returns when either is NaN or both are zero: NaN stays NaN and −0
// stays −0, exactly as the generic `if v < 0 { v = 0 }`.
#define RLU_V(off, r, t) VMAXPS off(APTR)(IDX*4), Z30, r
#define RLU_M(r) VMOVUPS.Z (APTR)(IDX*4), K1, Z4; VMAXPS Z4, Z30, Z0
TEXT ·reluAVX512(SB), NOSPLIT, $0-48
	LOAD_ARGS3
	MOVQ src_base+24(FP), APTR
	MOVQ APTR, BPTR // the second input of the alias test
	VPXORD Z30, Z30, Z30
	BINARY_LOOP_NT(RLU_V, RLU_M)

// func scaleAVX512(alpha float32, x []float32)
// x[i] *= alpha (bit-exact). Z29 = alpha.
#define SCL_V(off, r, t) VMULPS off(APTR)(IDX*4), Z29, r
#define SCL_M(r) VMULPS.Z (APTR)(IDX*4), Z29, K1, Z0
TEXT ·scaleAVX512(SB), NOSPLIT, $0-32
	MOVQ x_base+8(FP), APTR
	MOVQ x_len+16(FP), N
	MOVQ APTR, DSTP
	XORQ IDX, IDX
	VBROADCASTSS alpha+0(FP), Z29
	BINARY_LOOP(SCL_V, SCL_M)

// func axpyAVX512(alpha float32, x, y []float32)
// y[i] += alpha·x[i] with one FMA (within an ulp of the generic two-step
// rounding). Z29 = alpha, SI x, DI y.
#define AXP_V(off, r, t) VMOVUPS off(DSTP)(IDX*4), r; VFMADD231PS off(APTR)(IDX*4), Z29, r
#define AXP_M(r) VMOVUPS.Z (DSTP)(IDX*4), K1, Z0; VFMADD231PS.Z (APTR)(IDX*4), Z29, K1, Z0
TEXT ·axpyAVX512(SB), NOSPLIT, $0-56
	MOVQ x_base+8(FP), APTR
	MOVQ y_base+32(FP), DSTP
	MOVQ y_len+40(FP), N
	XORQ IDX, IDX
	VBROADCASTSS alpha+0(FP), Z29
	BINARY_LOOP(AXP_V, AXP_M)

#undef DSTP
#undef APTR
#undef BPTR

// ----------------------------------------------------------------------------
// func momentumAVX512(p, g, v []float32, lr, mu float32)
// v = mu·v + g; p −= lr·v, one pass, two FMAs per vector:
//	v' = fma(mu, v, g)        VFMADD213PS
//	p' = fma(−lr, v', p)      VFNMADD231PS
// Registers: DI p, SI g, DX v, Z28 = lr, Z29 = mu.
#define PP DI
#define GP SI
#define VP DX
#define MOM_V(off, vr, pr) \
	VMOVUPS off(VP)(IDX*4), vr            \
	VMOVUPS off(PP)(IDX*4), pr            \
	VFMADD213PS off(GP)(IDX*4), Z29, vr   \
	VFNMADD231PS vr, Z28, pr              \
	VMOVUPS vr, off(VP)(IDX*4)            \
	VMOVUPS pr, off(PP)(IDX*4)

TEXT ·momentumAVX512(SB), NOSPLIT, $0-80
	MOVQ p_base+0(FP), PP
	MOVQ p_len+8(FP), N
	MOVQ g_base+24(FP), GP
	MOVQ v_base+48(FP), VP
	VBROADCASTSS lr+72(FP), Z28
	VBROADCASTSS mu+76(FP), Z29
	XORQ IDX, IDX

mom_loop64:
	CMPQ N, $64
	JB   mom_loop16
	MOM_V(0, Z0, Z4)
	MOM_V(64, Z1, Z5)
	MOM_V(128, Z2, Z6)
	MOM_V(192, Z3, Z7)
	ADDQ $64, IDX
	SUBQ $64, N
	JMP  mom_loop64

mom_loop16:
	CMPQ N, $16
	JB   mom_tail
	MOM_V(0, Z0, Z4)
	ADDQ $16, IDX
	SUBQ $16, N
	JMP  mom_loop16

mom_tail:
	TESTQ N, N
	JZ    mom_done
	TAIL_MASK
	VMOVUPS.Z     (VP)(IDX*4), K1, Z0
	VMOVUPS.Z     (PP)(IDX*4), K1, Z4
	VMOVUPS.Z     (GP)(IDX*4), K1, Z5
	VFMADD213PS   Z5, Z29, Z0
	VFNMADD231PS  Z0, Z28, Z4
	VMOVUPS       Z0, K1, (VP)(IDX*4)
	VMOVUPS       Z4, K1, (PP)(IDX*4)

mom_done:
	VZEROUPPER
	RET

// ----------------------------------------------------------------------------
// func adamAVX512(p, g, m, v []float32, c adamConsts)
// One Adam step with the generic kernel's operation order:
//	m' = fma(β1, m, (1−β1)·g)
//	v' = fma(β2, v, ((1−β2)·g)·g)
//	p' = p − (lr·(m'·inv1)) / (sqrt(v'·inv2) + eps)
// VSQRTPS and VDIVPS are correctly rounded (no rsqrt/rcp approximation).
// Registers: DI p, SI g, DX m, R8 v; Z20..Z27 the adamConsts fields.
#define MP DX
#define VVP R8
#define ADAM_B1 Z20
#define ADAM_B2 Z21
#define ADAM_OMB1 Z22
#define ADAM_OMB2 Z23
#define ADAM_INV1 Z24
#define ADAM_INV2 Z25
#define ADAM_LR Z26
#define ADAM_EPS Z27

// ADAM_V updates one vector at byte offset off; g in G, m in M, v in V, p
// in P (all loaded by the caller), the results left in M, V, P.
//	T  = (1−β1)·g;           M = M·β1 + T          (m')
//	T  = ((1−β2)·g)·g;       V = V·β2 + T          (v')
//	T  = sqrt(V·inv2) + eps; G = lr·(M·inv1) / T;  P −= G
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

#define ADAM_FULL(off, G, M, V, P, T) \
	VMOVUPS off(GP)(IDX*4), G   \
	VMOVUPS off(MP)(IDX*4), M   \
	VMOVUPS off(VVP)(IDX*4), V  \
	VMOVUPS off(PP)(IDX*4), P   \
	ADAM_V(G, M, V, P, T)       \
	VMOVUPS M, off(MP)(IDX*4)   \
	VMOVUPS V, off(VVP)(IDX*4)  \
	VMOVUPS P, off(PP)(IDX*4)

TEXT ·adamAVX512(SB), NOSPLIT, $0-128
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

adam_loop32:
	CMPQ N, $32
	JB   adam_loop16
	ADAM_FULL(0, Z0, Z1, Z2, Z3, Z4)
	ADAM_FULL(64, Z5, Z6, Z7, Z8, Z9)
	ADDQ $32, IDX
	SUBQ $32, N
	JMP  adam_loop32

adam_loop16:
	CMPQ N, $16
	JB   adam_tail
	ADAM_FULL(0, Z0, Z1, Z2, Z3, Z4)
	ADDQ $16, IDX
	SUBQ $16, N

adam_tail:
	TESTQ N, N
	JZ    adam_done
	TAIL_MASK
	// Masked-off lanes load zeros; v'·inv2 = 0 there, so sqrt and the
	// division see 0/(0+eps) and raise nothing worse than what the stores
	// throw away.
	VMOVUPS.Z (GP)(IDX*4), K1, Z0
	VMOVUPS.Z (MP)(IDX*4), K1, Z1
	VMOVUPS.Z (VVP)(IDX*4), K1, Z2
	VMOVUPS.Z (PP)(IDX*4), K1, Z3
	ADAM_V(Z0, Z1, Z2, Z3, Z4)
	VMOVUPS   Z1, K1, (MP)(IDX*4)
	VMOVUPS   Z2, K1, (VVP)(IDX*4)
	VMOVUPS   Z3, K1, (PP)(IDX*4)

adam_done:
	VZEROUPPER
	RET

#undef MP
#undef VVP

// ----------------------------------------------------------------------------
// func addBiasAVX512(x []float32, cols int, bias []float32)
// x[r·cols+c] += bias[c], row by row. Each row: 64-column blocks, 16-column
// blocks, a masked last block (K1 fixed for all rows, computed once).
// Registers: DI row pointer, SI bias, BX cols, R9 rows left, CX columns
// left in this row, AX column index, K1 = tail mask of cols mod 16.
#define ROWP DI
#define BIASP SI
#define COLS R10
#define ROWS R9

// ROWMASK sets K1 from cols mod 16 (all ones when it is 0, unused then).
#define ROWMASK \
	MOVQ COLS, CX      \
	ANDQ $15, CX       \
	MOVL $1, BX        \
	SHLL CX, BX        \
	DECL BX            \
	KMOVW BX, K1

#define ADB_V(off, r) VMOVUPS off(ROWP)(IDX*4), r; VADDPS off(BIASP)(IDX*4), r, r; VMOVUPS r, off(ROWP)(IDX*4)

TEXT ·addBiasAVX512(SB), NOSPLIT, $0-56
	MOVQ x_base+0(FP), ROWP
	MOVQ x_len+8(FP), AX
	MOVQ cols+24(FP), COLS
	MOVQ bias_base+32(FP), BIASP
	XORQ DX, DX
	DIVQ COLS               // rows = len(x)/cols (cols > 0, checked by AddBias)
	MOVQ AX, ROWS
	ROWMASK

adb_row:
	TESTQ ROWS, ROWS
	JZ    adb_done
	MOVQ  COLS, N
	XORQ  IDX, IDX

adb_loop64:
	CMPQ N, $64
	JB   adb_loop16
	ADB_V(0, Z0)
	ADB_V(64, Z1)
	ADB_V(128, Z2)
	ADB_V(192, Z3)
	ADDQ $64, IDX
	SUBQ $64, N
	JMP  adb_loop64

adb_loop16:
	CMPQ N, $16
	JB   adb_tail
	ADB_V(0, Z0)
	ADDQ $16, IDX
	SUBQ $16, N
	JMP  adb_loop16

adb_tail:
	TESTQ N, N
	JZ    adb_next
	VMOVUPS.Z (ROWP)(IDX*4), K1, Z0
	VADDPS.Z  (BIASP)(IDX*4), Z0, K1, Z0
	VMOVUPS   Z0, K1, (ROWP)(IDX*4)

adb_next:
	LEAQ (ROWP)(COLS*4), ROWP
	DECQ ROWS
	JMP  adb_row

adb_done:
	VZEROUPPER
	RET

// ----------------------------------------------------------------------------
// func colSumsAVX512(dst []float32, alpha float32, x []float32, rows, cols int)
// dst[c] = alpha·Σ_r x[r·cols+c]. Column blocks outside, rows inside: each
// block's sums stay in registers and are added row by row in order, so the
// result is bit-exact with the generic kernel (same order, no FMA), then
// scaled by alpha once.
// Registers: DI dst, SI x block start, R8 row pointer, R9 rows left,
// R10 cols, R11 row stride in bytes, AX column index, CX columns left,
// Z29 = alpha, Z0..Z3 sums.
#define XP SI
#define RP R8
#define STRIDE R11

TEXT ·colSumsAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+32(FP), XP
	MOVQ rows+56(FP), DX
	MOVQ cols+64(FP), COLS
	VBROADCASTSS alpha+24(FP), Z29
	MOVQ COLS, STRIDE
	SHLQ $2, STRIDE
	MOVQ COLS, N
	XORQ IDX, IDX

cs_block64:
	CMPQ N, $64
	JB   cs_block16
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	LEAQ (XP)(IDX*4), RP
	MOVQ DX, ROWS

cs_rows64:
	TESTQ ROWS, ROWS
	JZ    cs_store64
	VADDPS (RP), Z0, Z0
	VADDPS 64(RP), Z1, Z1
	VADDPS 128(RP), Z2, Z2
	VADDPS 192(RP), Z3, Z3
	ADDQ   STRIDE, RP
	DECQ   ROWS
	JMP    cs_rows64

cs_store64:
	VMULPS  Z29, Z0, Z0
	VMULPS  Z29, Z1, Z1
	VMULPS  Z29, Z2, Z2
	VMULPS  Z29, Z3, Z3
	VMOVUPS Z0, (DI)(IDX*4)
	VMOVUPS Z1, 64(DI)(IDX*4)
	VMOVUPS Z2, 128(DI)(IDX*4)
	VMOVUPS Z3, 192(DI)(IDX*4)
	ADDQ    $64, IDX
	SUBQ    $64, N
	JMP     cs_block64

cs_block16:
	// Whole 16-column blocks, then one masked block (K1 = all ones for a
	// whole block, the low N bits for the last one).
	TESTQ N, N
	JZ    cs_done
	MOVL  $0xffff, BX
	KMOVW BX, K1
	CMPQ  N, $16
	JAE   cs_go16
	TAIL_MASK

cs_go16:
	VPXORD Z0, Z0, Z0
	LEAQ   (XP)(IDX*4), RP
	MOVQ   DX, ROWS

cs_rows16:
	TESTQ  ROWS, ROWS
	JZ     cs_store16
	VADDPS (RP), Z0, K1, Z0 // masked-off lanes keep 0 and load nothing
	ADDQ   STRIDE, RP
	DECQ   ROWS
	JMP    cs_rows16

cs_store16:
	VMULPS  Z29, Z0, Z0
	VMOVUPS Z0, K1, (DI)(IDX*4)
	ADDQ    $16, IDX
	SUBQ    $16, N
	JG      cs_block16

cs_done:
	VZEROUPPER
	RET
