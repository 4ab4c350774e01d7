//go:build !noasm && !purego

#include "textflag.h"

// Packing routine of the AVX2 SGEMM: a straight copy into the micro-panel
// layout the 6×16 kernel reads (step p of a panel of width w is w
// contiguous floats at dst + p·w).
//
// func sgemmPackNAVX2(dst, src *float32, ld, k, w, l0, l1, s0, s1 int)
//
//	dst[p·w + j] = src[p·ld + j]   for p < k, j < l0 + l1
//	dst[p·w + j] = 0               for l0 + l1 ≤ j < s0 + s1 = w
//
// For panels whose values of one step are contiguous in the source:
// columns of A (A transposed, 6-wide panels) or rows of B (B not
// transposed, 16-wide panels). l0, l1 (s0, s1) are the lanes loaded
// (stored) in the first and second YMM of a step, 0–8 each; VMASKMOVPS
// zeroes masked load lanes, which pads a partial panel, and neither reads
// nor writes (nor faults on) masked lanes, so nothing past the panel's
// columns is touched.
//
// Register map:
//	Y0 Y1    one step: lanes 0–7 and 8–15
//	Y8 Y9    load masks (sign bit set in the lanes to load)
//	Y10 Y11  store masks

#define SRC SI  // source at step p
#define DST DI  // dst at step p
#define LD R8   // source step stride in bytes
#define W R9    // dst step stride (panel width) in bytes
#define CNT CX  // steps left
#define TBL AX  // packMaskAVX2: mask of the first n lanes at TBL + 4·(8−n)

// Y = mask of the first n (a register) lanes; clobbers n.
#define MASK(n, Y) \
	NEGQ    n; \
	VMOVUPS 32(TBL)(n*4), Y

TEXT ·sgemmPackNAVX2(SB), NOSPLIT, $0-72
	MOVQ dst+0(FP), DST
	MOVQ src+8(FP), SRC
	MOVQ ld+16(FP), LD
	SHLQ $2, LD
	MOVQ k+24(FP), CNT
	MOVQ w+32(FP), W
	SHLQ $2, W
	LEAQ packMaskAVX2<>(SB), TBL
	MOVQ l0+40(FP), DX
	MASK(DX, Y8)
	MOVQ l1+48(FP), DX
	MASK(DX, Y9)
	MOVQ s0+56(FP), DX
	MASK(DX, Y10)
	MOVQ s1+64(FP), DX
	MASK(DX, Y11)
	TESTQ CNT, CNT
	JZ    done

step:
	VMASKMOVPS (SRC), Y8, Y0
	VMASKMOVPS 32(SRC), Y9, Y1
	VMASKMOVPS Y0, Y10, (DST)
	VMASKMOVPS Y1, Y11, 32(DST)
	ADDQ       LD, SRC
	ADDQ       W, DST
	DECQ       CNT
	JNZ        step

done:
	VZEROUPPER
	RET

// Eight all-ones words then eight zero words: the 8 words at 4·(8−n) are
// the mask of the first n lanes.
DATA packMaskAVX2<>+0(SB)/8, $0xffffffffffffffff
DATA packMaskAVX2<>+8(SB)/8, $0xffffffffffffffff
DATA packMaskAVX2<>+16(SB)/8, $0xffffffffffffffff
DATA packMaskAVX2<>+24(SB)/8, $0xffffffffffffffff
DATA packMaskAVX2<>+32(SB)/8, $0
DATA packMaskAVX2<>+40(SB)/8, $0
DATA packMaskAVX2<>+48(SB)/8, $0
DATA packMaskAVX2<>+56(SB)/8, $0
GLOBL packMaskAVX2<>(SB), RODATA|NOPTR, $64
