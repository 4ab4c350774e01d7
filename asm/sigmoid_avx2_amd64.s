//go:build !noasm && !purego

#include "textflag.h"
#include "sigmoid_amd64.h"
#include "stream_amd64.h"

// ·expConsts: one 32-byte row (8 equal lanes) per constant; offsets in
// sigmoid_amd64.h.

// EXP_SIGN: sign bit: x | sign = −|x|
DATA ·expConsts+0(SB)/8, $0x8000000080000000
DATA ·expConsts+8(SB)/8, $0x8000000080000000
DATA ·expConsts+16(SB)/8, $0x8000000080000000
DATA ·expConsts+24(SB)/8, $0x8000000080000000
// EXP_NEGLIM: −112.0: clamp of z = −|x|; exp(−112) < 2^−161 rounds to 0, so every x ≤ −103.98 (where σ rounds to 0) still gives exactly 0
DATA ·expConsts+32(SB)/8, $0xc2e00000c2e00000
DATA ·expConsts+40(SB)/8, $0xc2e00000c2e00000
DATA ·expConsts+48(SB)/8, $0xc2e00000c2e00000
DATA ·expConsts+56(SB)/8, $0xc2e00000c2e00000
// EXP_LOG2E: log2(e) rounded to float32
DATA ·expConsts+64(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA ·expConsts+72(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA ·expConsts+80(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA ·expConsts+88(SB)/8, $0x3fb8aa3b3fb8aa3b
// EXP_MAGIC: 1.5·2^23: z·log2e + magic rounds z·log2e to an integer n kept in the low mantissa bits
DATA ·expConsts+96(SB)/8, $0x4b4000004b400000
DATA ·expConsts+104(SB)/8, $0x4b4000004b400000
DATA ·expConsts+112(SB)/8, $0x4b4000004b400000
DATA ·expConsts+120(SB)/8, $0x4b4000004b400000
// EXP_LN2HI: ln2_hi = 0x1.62e4p-1 (Cody–Waite high part, 15 significant bits, so n·ln2_hi is exact for |n| < 2^8)
DATA ·expConsts+128(SB)/8, $0x3f3172003f317200
DATA ·expConsts+136(SB)/8, $0x3f3172003f317200
DATA ·expConsts+144(SB)/8, $0x3f3172003f317200
DATA ·expConsts+152(SB)/8, $0x3f3172003f317200
// EXP_LN2LO: ln2_lo = 0x1.7f7d1cp-20 (ln2 − ln2_hi, rounded to float32)
DATA ·expConsts+160(SB)/8, $0x35bfbe8e35bfbe8e
DATA ·expConsts+168(SB)/8, $0x35bfbe8e35bfbe8e
DATA ·expConsts+176(SB)/8, $0x35bfbe8e35bfbe8e
DATA ·expConsts+184(SB)/8, $0x35bfbe8e35bfbe8e
// EXP_C0: 0x1.0e4020p-7  r^5 coefficient  (exp(r) ≈ 1 + C4·r + C3·r² + C2·r³ + C1·r⁴ + C0·r⁵ on |r| ≤ ln2/2: the
DATA ·expConsts+192(SB)/8, $0x3c0720103c072010
DATA ·expConsts+200(SB)/8, $0x3c0720103c072010
DATA ·expConsts+208(SB)/8, $0x3c0720103c072010
DATA ·expConsts+216(SB)/8, $0x3c0720103c072010
// EXP_C1: 0x1.573e2ep-5  r^4               minimax polynomial of ARM optimized-routines' v_expf / ggml_v_expf,
DATA ·expConsts+224(SB)/8, $0x3d2b9f173d2b9f17
DATA ·expConsts+232(SB)/8, $0x3d2b9f173d2b9f17
DATA ·expConsts+240(SB)/8, $0x3d2b9f173d2b9f17
DATA ·expConsts+248(SB)/8, $0x3d2b9f173d2b9f17
// EXP_C2: 0x1.555e66p-3  r^3               approximation error 1.16e-7 relative, measured in float64)
DATA ·expConsts+256(SB)/8, $0x3e2aaf333e2aaf33
DATA ·expConsts+264(SB)/8, $0x3e2aaf333e2aaf33
DATA ·expConsts+272(SB)/8, $0x3e2aaf333e2aaf33
DATA ·expConsts+280(SB)/8, $0x3e2aaf333e2aaf33
// EXP_C3: 0x1.fffdb6p-2  r^2
DATA ·expConsts+288(SB)/8, $0x3efffedb3efffedb
DATA ·expConsts+296(SB)/8, $0x3efffedb3efffedb
DATA ·expConsts+304(SB)/8, $0x3efffedb3efffedb
DATA ·expConsts+312(SB)/8, $0x3efffedb3efffedb
// EXP_C4: 0x1.ffffecp-1  r^1
DATA ·expConsts+320(SB)/8, $0x3f7ffff63f7ffff6
DATA ·expConsts+328(SB)/8, $0x3f7ffff63f7ffff6
DATA ·expConsts+336(SB)/8, $0x3f7ffff63f7ffff6
DATA ·expConsts+344(SB)/8, $0x3f7ffff63f7ffff6
// EXP_ONE: 1.0 (also 127<<23, the exponent bias as an integer)
DATA ·expConsts+352(SB)/8, $0x3f8000003f800000
DATA ·expConsts+360(SB)/8, $0x3f8000003f800000
DATA ·expConsts+368(SB)/8, $0x3f8000003f800000
DATA ·expConsts+376(SB)/8, $0x3f8000003f800000
// EXP_BIAS64: (127+64)<<23: exponent bits of 2^(n+64), normal for every n in [−162, 0]
DATA ·expConsts+384(SB)/8, $0x5f8000005f800000
DATA ·expConsts+392(SB)/8, $0x5f8000005f800000
DATA ·expConsts+400(SB)/8, $0x5f8000005f800000
DATA ·expConsts+408(SB)/8, $0x5f8000005f800000
// EXP_TWOM64: 2^−64: undoes the +64 above in a single rounding (into subnormals if need be)
DATA ·expConsts+416(SB)/8, $0x1f8000001f800000
DATA ·expConsts+424(SB)/8, $0x1f8000001f800000
DATA ·expConsts+432(SB)/8, $0x1f8000001f800000
DATA ·expConsts+440(SB)/8, $0x1f8000001f800000
// TANH_NEGLIM: −10.0: tanh clamp of −|x|, tanh(10) = 1 − 4e−9 rounds to 1
DATA ·expConsts+448(SB)/8, $0xc1200000c1200000
DATA ·expConsts+456(SB)/8, $0xc1200000c1200000
DATA ·expConsts+464(SB)/8, $0xc1200000c1200000
DATA ·expConsts+472(SB)/8, $0xc1200000c1200000
// EXP_TWO: 2.0
DATA ·expConsts+480(SB)/8, $0x4000000040000000
DATA ·expConsts+488(SB)/8, $0x4000000040000000
DATA ·expConsts+496(SB)/8, $0x4000000040000000
DATA ·expConsts+504(SB)/8, $0x4000000040000000
// EXP_ABS: all bits but the sign
DATA ·expConsts+512(SB)/8, $0x7fffffff7fffffff
DATA ·expConsts+520(SB)/8, $0x7fffffff7fffffff
DATA ·expConsts+528(SB)/8, $0x7fffffff7fffffff
DATA ·expConsts+536(SB)/8, $0x7fffffff7fffffff
// SIG_LIM: 104.0: AVX-512 sigmoid clamps x to [−104, 104]; σ(−104) < 2^−150 rounds to 0, σ(104) to 1
DATA ·expConsts+544(SB)/8, $0x42d0000042d00000
DATA ·expConsts+552(SB)/8, $0x42d0000042d00000
DATA ·expConsts+560(SB)/8, $0x42d0000042d00000
DATA ·expConsts+568(SB)/8, $0x42d0000042d00000
// SIG_NEGLIM: −104.0
DATA ·expConsts+576(SB)/8, $0xc2d00000c2d00000
DATA ·expConsts+584(SB)/8, $0xc2d00000c2d00000
DATA ·expConsts+592(SB)/8, $0xc2d00000c2d00000
DATA ·expConsts+600(SB)/8, $0xc2d00000c2d00000
// SIG_NLOG2E: −log2(e): n = round(−x·log2e)
DATA ·expConsts+608(SB)/8, $0xbfb8aa3bbfb8aa3b
DATA ·expConsts+616(SB)/8, $0xbfb8aa3bbfb8aa3b
DATA ·expConsts+624(SB)/8, $0xbfb8aa3bbfb8aa3b
DATA ·expConsts+632(SB)/8, $0xbfb8aa3bbfb8aa3b
// SIG_S0: −C0·2^−32  (AVX-512 sigmoid: exp(−r')·2^−32 = Σ S_k·r'^(5−k) with r' = −r, so odd
DATA ·expConsts+640(SB)/8, $0xac072010ac072010
DATA ·expConsts+648(SB)/8, $0xac072010ac072010
DATA ·expConsts+656(SB)/8, $0xac072010ac072010
DATA ·expConsts+664(SB)/8, $0xac072010ac072010
// SIG_S1:  C1·2^−32   powers change sign; the 2^−32 scale is exact and keeps 2^−32·(1+e^(−x))
DATA ·expConsts+672(SB)/8, $0x2d2b9f172d2b9f17
DATA ·expConsts+680(SB)/8, $0x2d2b9f172d2b9f17
DATA ·expConsts+688(SB)/8, $0x2d2b9f172d2b9f17
DATA ·expConsts+696(SB)/8, $0x2d2b9f172d2b9f17
// SIG_S2: −C2·2^−32   normal over the whole clamped range)
DATA ·expConsts+704(SB)/8, $0xae2aaf33ae2aaf33
DATA ·expConsts+712(SB)/8, $0xae2aaf33ae2aaf33
DATA ·expConsts+720(SB)/8, $0xae2aaf33ae2aaf33
DATA ·expConsts+728(SB)/8, $0xae2aaf33ae2aaf33
// SIG_S3:  C3·2^−32
DATA ·expConsts+736(SB)/8, $0x2efffedb2efffedb
DATA ·expConsts+744(SB)/8, $0x2efffedb2efffedb
DATA ·expConsts+752(SB)/8, $0x2efffedb2efffedb
DATA ·expConsts+760(SB)/8, $0x2efffedb2efffedb
// SIG_S4: −C4·2^−32
DATA ·expConsts+768(SB)/8, $0xaf7ffff6af7ffff6
DATA ·expConsts+776(SB)/8, $0xaf7ffff6af7ffff6
DATA ·expConsts+784(SB)/8, $0xaf7ffff6af7ffff6
DATA ·expConsts+792(SB)/8, $0xaf7ffff6af7ffff6
// SIG_S5:  2^−32
DATA ·expConsts+800(SB)/8, $0x2f8000002f800000
DATA ·expConsts+808(SB)/8, $0x2f8000002f800000
DATA ·expConsts+816(SB)/8, $0x2f8000002f800000
DATA ·expConsts+824(SB)/8, $0x2f8000002f800000
GLOBL ·expConsts(SB), RODATA|NOPTR, $832

// AVX2+FMA sigmoid, fused bias+sigmoid and tanh, 8 lanes per YMM. The
// same exp as sigmoid_avx512_amd64.s (read its header first: rounding to
// n, Cody–Waite reduction, the degree-5 polynomial), applied to z = −|x|
// and finished on the sign of x (the AVX-512 code's first form), with
// these AVX2 substitutes:
//
//	z = max(−|x|, −112)     VORPS with the sign bit, then VMAXPS with z as
//	                        the second (Intel) source so a NaN z is kept
//	2^n                     no VSCALEFPS: the rounding FMA leaves n in the
//	                        low bits of N, so N<<23 = n<<23 and adding
//	                        (127+64)<<23 gives 2^(n+64), a normal number for
//	                        every n in [−162, 0]; t' = e·2^(n+64) = t·2^64.
//	                        1+t = fma(t', 2^−64, 1) in one rounding, and for
//	                        x < 0, σ = (t'·q)·2^−64 rounds into subnormals
//	                        once, like VSCALEFPS.
//	1/(1+t)                 VRCPPS (1.5·2^−12) + one Newton step; VRCPPS(1)
//	                        is not exactly 1, so q = 1/(1+t) can land one ulp
//	                        below 1: σ(|x|) is taken as 1 − w instead, with
//	                        w = t·q = σ(−|x|) ≤ 0.5 (no cancellation; 1 − w
//	                        rounds to exactly 1 when w ≤ 2^−25)
//	select on sign(x)       VBLENDVPS with x as the mask
//
// Constants are 32-byte rows of ·expConsts used as memory operands.
// Register map: Y15 = −112 (sigmoid) or −10 (tanh), the clamp, kept in a
// register because VMAXPS must take z, not the constant, as its memory-
// capable second source; Y14 = 1.0; Y13 = tail (or streaming head) lane
// mask; Y0..Y4 and Y5..Y9 the two vectors of an unrolled step.
//
// sigmoid and tanh store a large separate output with VMOVNTPS, prefetching
// their input (stream_amd64.h); biasSigmoid works in place and always uses
// normal stores.

#define K(name) ·expConsts+name(SB)
#define CLAMP Y15
#define YONE Y14
#define TMASK Y13

// SIGMOID(X, Z, N, P, T): σ(X) into N; X kept, Z, P, T clobbered.
#define SIGMOID(X, Z, N, P, T) \
	VORPS        K(EXP_SIGN), X, Z   /* z = −|x| */ \
	VMAXPS       Z, CLAMP, Z         /* z = max(z, −112), NaN kept */ \
	VMOVUPS      K(EXP_MAGIC), N     \
	VFMADD231PS  K(EXP_LOG2E), Z, N  /* N = z·log2e + 1.5·2^23 */ \
	VSUBPS       K(EXP_MAGIC), N, T  /* T = n */ \
	VFNMADD231PS K(EXP_LN2HI), T, Z  \
	VFNMADD231PS K(EXP_LN2LO), T, Z  /* Z = r */ \
	VMOVUPS      K(EXP_C0), P        \
	VFMADD213PS  K(EXP_C1), Z, P     \
	VFMADD213PS  K(EXP_C2), Z, P     \
	VFMADD213PS  K(EXP_C3), Z, P     \
	VFMADD213PS  K(EXP_C4), Z, P     \
	VFMADD213PS  YONE, Z, P          /* P = exp(r) */ \
	VPSLLD       $23, N, N           /* N = n<<23 */ \
	VPADDD       K(EXP_BIAS64), N, N /* N = 2^(n+64) */ \
	VMULPS       N, P, P             /* P = t' = t·2^64 */ \
	VMOVUPS      K(EXP_TWOM64), T    \
	VFMADD213PS  YONE, P, T          /* T = 1 + t */ \
	VRCPPS       T, N                \
	VFNMADD213PS YONE, N, T          /* T = 1 − N·(1+t) */ \
	VFMADD132PS  T, N, N             /* N = q = 1/(1+t) */ \
	VMULPS       N, P, P             \
	VMULPS       K(EXP_TWOM64), P, P /* P = w = t·q = σ(−|x|) */ \
	VSUBPS       P, YONE, N          /* N = 1 − w = σ(|x|) */ \
	VBLENDVPS    X, P, N, N          /* N = x < 0 ? P : N */

// MLOAD(p, r) loads the masked last vector at p + 4·AX into r.
#define MLOAD(p, r) VMASKMOVPS (p)(AX*4), TMASK, r

// TAILMASK loads the lane mask for the last CX (1..7) elements into TMASK;
// clobbers BX and CX.
#define TAILMASK LEAQ ·vecTailMask+32(SB), BX; SHLQ $2, CX; SUBQ CX, BX; VMOVUPS (BX), TMASK

// ----------------------------------------------------------------------------
// func sigmoidAVX2(dst, src []float32)
// Two vectors per step, then one, then a VMASKMOVPS last vector. A large
// separate output takes the streaming path (stream_amd64.h) at sig_nt: a
// TMASK head vector up to the first 32-byte boundary, the two-vector step
// with VMOVNTPS, SFENCE, then sig_loop8.
// Registers: DI dst, SI src, CX remaining, AX index, BX, R8 scratch.
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	VBROADCASTSS K(EXP_NEGLIM), CLAMP
	VBROADCASTSS K(EXP_ONE), YONE
	XORQ AX, AX
	STREAM_CHECK(CX, sig_nt)

sig_loop16:
	CMPQ    CX, $16
	JB      sig_loop8
	VMOVUPS (SI)(AX*4), Y0
	VMOVUPS 32(SI)(AX*4), Y5
	SIGMOID(Y0, Y1, Y2, Y3, Y4)
	SIGMOID(Y5, Y6, Y7, Y8, Y9)
	VMOVUPS Y2, (DI)(AX*4)
	VMOVUPS Y7, 32(DI)(AX*4)
	ADDQ    $16, AX
	SUBQ    $16, CX
	JMP     sig_loop16

sig_loop8:
	CMPQ    CX, $8
	JB      sig_tail
	VMOVUPS (SI)(AX*4), Y0
	SIGMOID(Y0, Y1, Y2, Y3, Y4)
	VMOVUPS Y2, (DI)(AX*4)
	ADDQ    $8, AX
	SUBQ    $8, CX

sig_tail:
	TESTQ CX, CX
	JZ    sig_done
	TAILMASK
	MLOAD(SI, Y0) // masked-off lanes are 0: σ = 0.5, not stored
	SIGMOID(Y0, Y1, Y2, Y3, Y4)
	VMASKMOVPS Y2, TMASK, (DI)(AX*4)

sig_done:
	VZEROUPPER
	RET

sig_nt:
	CMPQ  CX, $16
	JB    sig_loop16
	CMPQ  DI, SI
	JEQ   sig_loop16
	TESTQ $3, DI
	JNZ   sig_loop16
	STREAM_HEAD_Y(DI, TMASK)
	TESTQ BX, BX
	JZ    sig_ntloop
	MLOAD(SI, Y0)
	SIGMOID(Y0, Y1, Y2, Y3, Y4)
	VMASKMOVPS Y2, TMASK, (DI)(AX*4)
	ADDQ       BX, AX
	SUBQ       BX, CX

sig_ntloop:
	CMPQ       CX, $16
	JB         sig_ntend
	PREFETCHT0 STREAM_PREFETCH(SI)(AX*4)
	VMOVUPS    (SI)(AX*4), Y0
	VMOVUPS    32(SI)(AX*4), Y5
	SIGMOID(Y0, Y1, Y2, Y3, Y4)
	SIGMOID(Y5, Y6, Y7, Y8, Y9)
	VMOVNTPS   Y2, (DI)(AX*4)
	VMOVNTPS   Y7, 32(DI)(AX*4)
	ADDQ       $16, AX
	SUBQ       $16, CX
	JMP        sig_ntloop

sig_ntend:
	SFENCE
	JMP sig_loop8

// ----------------------------------------------------------------------------
// func biasSigmoidAVX2(x []float32, cols int, bias []float32)
// x[r·cols+c] = σ(x[r·cols+c] + bias[c]) in place, row by row: 16-column
// steps, an 8-column step, a masked last block (TMASK from cols mod 8, set
// once). x+bias is rounded to float32 first, as in the generic kernel.
// Registers: DI row pointer, SI bias, R10 cols, R9 rows left, CX columns
// left in the row, AX column index.
TEXT ·biasSigmoidAVX2(SB), NOSPLIT, $0-56
	MOVQ x_base+0(FP), DI
	MOVQ x_len+8(FP), AX
	MOVQ cols+24(FP), R10
	MOVQ bias_base+32(FP), SI
	XORQ DX, DX
	DIVQ R10                // rows = len(x)/cols (cols > 0, checked by BiasSigmoid)
	MOVQ AX, R9
	MOVQ R10, CX
	ANDQ $7, CX
	TAILMASK
	VBROADCASTSS K(EXP_NEGLIM), CLAMP
	VBROADCASTSS K(EXP_ONE), YONE

bsg_row:
	TESTQ R9, R9
	JZ    bsg_done
	MOVQ  R10, CX
	XORQ  AX, AX

bsg_loop16:
	CMPQ    CX, $16
	JB      bsg_loop8
	VMOVUPS (DI)(AX*4), Y0
	VMOVUPS 32(DI)(AX*4), Y5
	VADDPS  (SI)(AX*4), Y0, Y0
	VADDPS  32(SI)(AX*4), Y5, Y5
	SIGMOID(Y0, Y1, Y2, Y3, Y4)
	SIGMOID(Y5, Y6, Y7, Y8, Y9)
	VMOVUPS Y2, (DI)(AX*4)
	VMOVUPS Y7, 32(DI)(AX*4)
	ADDQ    $16, AX
	SUBQ    $16, CX
	JMP     bsg_loop16

bsg_loop8:
	CMPQ    CX, $8
	JB      bsg_tail
	VMOVUPS (DI)(AX*4), Y0
	VADDPS  (SI)(AX*4), Y0, Y0
	SIGMOID(Y0, Y1, Y2, Y3, Y4)
	VMOVUPS Y2, (DI)(AX*4)
	ADDQ    $8, AX
	SUBQ    $8, CX

bsg_tail:
	TESTQ      CX, CX
	JZ         bsg_next
	MLOAD(DI, Y0)
	MLOAD(SI, Y5)
	VADDPS     Y5, Y0, Y0
	SIGMOID(Y0, Y1, Y2, Y3, Y4)
	VMASKMOVPS Y2, TMASK, (DI)(AX*4)

bsg_next:
	LEAQ (DI)(R10*4), DI
	DECQ R9
	JMP  bsg_row

bsg_done:
	VZEROUPPER
	RET

// ----------------------------------------------------------------------------
// Tanh: the expm1 formulation of sigmoid_avx512_amd64.s with the AVX2
// substitutes above (z clamped at −10 then doubled; s = 2^n from N<<23 plus
// the exponent bias, never subnormal since n ≥ −29; VRCPPS + Newton on the
// quotient; sign of x restored with AND/AND/OR).
//
// TANH(X, Z, N, P, T): tanh(X) into Z; X kept, N, P, T clobbered.
#define TANH(X, Z, N, P, T) \
	VORPS        K(EXP_SIGN), X, Z   /* z = −|x| */ \
	VMAXPS       Z, CLAMP, Z         /* z = max(z, −10), NaN kept */ \
	VADDPS       Z, Z, Z             /* z = −2·min(|x|, 10) */ \
	VMOVUPS      K(EXP_MAGIC), N     \
	VFMADD231PS  K(EXP_LOG2E), Z, N  \
	VSUBPS       K(EXP_MAGIC), N, T  /* T = n */ \
	VFNMADD231PS K(EXP_LN2HI), T, Z  \
	VFNMADD231PS K(EXP_LN2LO), T, Z  /* Z = r */ \
	VMOVUPS      K(EXP_C0), P        \
	VFMADD213PS  K(EXP_C1), Z, P     \
	VFMADD213PS  K(EXP_C2), Z, P     \
	VFMADD213PS  K(EXP_C3), Z, P     \
	VFMADD213PS  K(EXP_C4), Z, P     \
	VMULPS       Z, P, P             /* P = expm1(r) */ \
	VPSLLD       $23, N, N           \
	VPADDD       K(EXP_ONE), N, N    /* N = s = 2^n */ \
	VSUBPS       YONE, N, T          /* T = s − 1 (exact) */ \
	VFMADD231PS  P, N, T             /* T = m = expm1(z) */ \
	VADDPS       K(EXP_TWO), T, N    /* N = 2 + m */ \
	VRCPPS       N, P                \
	VMULPS       P, T, Z             /* Z = m·(1/(2+m)) first guess */ \
	VFNMADD231PS Z, N, T             /* T = m − (2+m)·Z */ \
	VFMADD231PS  T, P, Z             /* Z = m/(2+m) ≤ 0 */ \
	VANDPS       K(EXP_ABS), Z, Z    \
	VANDPS       K(EXP_SIGN), X, T   \
	VORPS        T, Z, Z             /* Z = copysign(|Z|, x) */

// func tanhAVX2(dst, src []float32)
// Same loop shape as sigmoidAVX2, streaming path (tanh_nt) included.
TEXT ·tanhAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	VBROADCASTSS K(TANH_NEGLIM), CLAMP
	VBROADCASTSS K(EXP_ONE), YONE
	XORQ AX, AX
	STREAM_CHECK(CX, tanh_nt)

tanh_loop16:
	CMPQ    CX, $16
	JB      tanh_loop8
	VMOVUPS (SI)(AX*4), Y0
	VMOVUPS 32(SI)(AX*4), Y5
	TANH(Y0, Y1, Y2, Y3, Y4)
	TANH(Y5, Y6, Y7, Y8, Y9)
	VMOVUPS Y1, (DI)(AX*4)
	VMOVUPS Y6, 32(DI)(AX*4)
	ADDQ    $16, AX
	SUBQ    $16, CX
	JMP     tanh_loop16

tanh_loop8:
	CMPQ    CX, $8
	JB      tanh_tail
	VMOVUPS (SI)(AX*4), Y0
	TANH(Y0, Y1, Y2, Y3, Y4)
	VMOVUPS Y1, (DI)(AX*4)
	ADDQ    $8, AX
	SUBQ    $8, CX

tanh_tail:
	TESTQ CX, CX
	JZ    tanh_done
	TAILMASK
	MLOAD(SI, Y0)
	TANH(Y0, Y1, Y2, Y3, Y4)
	VMASKMOVPS Y1, TMASK, (DI)(AX*4)

tanh_done:
	VZEROUPPER
	RET

tanh_nt:
	CMPQ  CX, $16
	JB    tanh_loop16
	CMPQ  DI, SI
	JEQ   tanh_loop16
	TESTQ $3, DI
	JNZ   tanh_loop16
	STREAM_HEAD_Y(DI, TMASK)
	TESTQ BX, BX
	JZ    tanh_ntloop
	MLOAD(SI, Y0)
	TANH(Y0, Y1, Y2, Y3, Y4)
	VMASKMOVPS Y1, TMASK, (DI)(AX*4)
	ADDQ       BX, AX
	SUBQ       BX, CX

tanh_ntloop:
	CMPQ       CX, $16
	JB         tanh_ntend
	PREFETCHT0 STREAM_PREFETCH(SI)(AX*4)
	VMOVUPS    (SI)(AX*4), Y0
	VMOVUPS    32(SI)(AX*4), Y5
	TANH(Y0, Y1, Y2, Y3, Y4)
	TANH(Y5, Y6, Y7, Y8, Y9)
	VMOVNTPS   Y1, (DI)(AX*4)
	VMOVNTPS   Y6, 32(DI)(AX*4)
	ADDQ       $16, AX
	SUBQ       $16, CX
	JMP        tanh_ntloop

tanh_ntend:
	SFENCE
	JMP tanh_loop8
