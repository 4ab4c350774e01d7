//go:build !noasm && !purego

#include "textflag.h"

// Packing routine of the AVX2 SGEMM: a straight copy into the micro-panel
// layout the 6×16 kernel reads (step p of a panel of width w is w
// contiguous floats at dst + p·w).
//
// func sgemmPackNAVX2(dst, src *float32, ld, k, w, l0, l1, s0, s1, plain int)
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
// columns is touched. The first plain steps store whole YMMs instead (one,
// or two when s1 > 0), running past the step into the next steps' slots,
// which those steps then overwrite; the caller sets plain so that no such
// store runs past the panel. A masked store is microcoded on AMD Zen
// (about a dozen cycles), a plain one is not.
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

TEXT ·sgemmPackNAVX2(SB), NOSPLIT, $0-80
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
	MOVQ  plain+72(FP), BX
	SUBQ  BX, CNT // the masked steps after the plain ones
	TESTQ BX, BX
	JZ    masked
	MOVQ  s1+64(FP), DX
	TESTQ DX, DX
	JZ    plain1

plain2:
	VMASKMOVPS (SRC), Y8, Y0
	VMASKMOVPS 32(SRC), Y9, Y1
	VMOVUPS    Y0, (DST)
	VMOVUPS    Y1, 32(DST)
	ADDQ       LD, SRC
	ADDQ       W, DST
	DECQ       BX
	JNZ        plain2
	JMP        masked

plain1:
	VMASKMOVPS (SRC), Y8, Y0
	VMOVUPS    Y0, (DST)
	ADDQ       LD, SRC
	ADDQ       W, DST
	DECQ       BX
	JNZ        plain1

masked:
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

// TRANSPOSE8 transposes the 8×8 floats of rows Y0..Y7 into steps Y8..Y15
// (step p holds lane p of every row), clobbering Y0..Y7: unpack pairs of
// rows, shuffle them into quarters of four rows (r0..r3 | r4..r7 at steps
// p and p+4), then join the 128-bit halves.
#define TRANSPOSE8 \
	VUNPCKLPS  Y1, Y0, Y8;         \
	VUNPCKHPS  Y1, Y0, Y9;         \
	VUNPCKLPS  Y3, Y2, Y10;        \
	VUNPCKHPS  Y3, Y2, Y11;        \
	VUNPCKLPS  Y5, Y4, Y12;        \
	VUNPCKHPS  Y5, Y4, Y13;        \
	VUNPCKLPS  Y7, Y6, Y14;        \
	VUNPCKHPS  Y7, Y6, Y15;        \
	VSHUFPS    $0x44, Y10, Y8, Y0; \
	VSHUFPS    $0xEE, Y10, Y8, Y1; \
	VSHUFPS    $0x44, Y11, Y9, Y2; \
	VSHUFPS    $0xEE, Y11, Y9, Y3; \
	VSHUFPS    $0x44, Y14, Y12, Y4; \
	VSHUFPS    $0xEE, Y14, Y12, Y5; \
	VSHUFPS    $0x44, Y15, Y13, Y6; \
	VSHUFPS    $0xEE, Y15, Y13, Y7; \
	VPERM2F128 $0x20, Y4, Y0, Y8;  \
	VPERM2F128 $0x20, Y5, Y1, Y9;  \
	VPERM2F128 $0x20, Y6, Y2, Y10; \
	VPERM2F128 $0x20, Y7, Y3, Y11; \
	VPERM2F128 $0x31, Y4, Y0, Y12; \
	VPERM2F128 $0x31, Y5, Y1, Y13; \
	VPERM2F128 $0x31, Y6, Y2, Y14; \
	VPERM2F128 $0x31, Y7, Y3, Y15

// func sgemmPackT8AVX2(dst, src *float32, ld, blocks, dstride int)
//
//	dst[p·dstride + r] = src[r·ld + p]   for r < 8, p < 8·blocks
//
// The transposing copy of eight rows of a transposed B into a micro-panel
// (eight of its columns): each block of 8×8 floats is loaded as eight rows,
// transposed in registers (unpack, shuffle, 128-bit permute) and stored as
// eight steps of the panel. ld and dstride are in floats.
TEXT ·sgemmPackT8AVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), R8
	MOVQ blocks+24(FP), CX
	MOVQ dstride+32(FP), DX
	SHLQ $2, R8                // source row stride in bytes
	SHLQ $2, DX                // dst step stride in bytes
	LEAQ (R8)(R8*2), R9        // 3 source rows
	LEAQ (SI)(R8*4), R10       // source row 4
	LEAQ (DX)(DX*2), R11       // 3 dst steps
	LEAQ (DI)(DX*4), BX        // dst step 4
	MOVQ DX, AX
	SHLQ $3, AX                // 8 dst steps
	TESTQ CX, CX
	JZ   t8done

t8loop:
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R8*1), Y1
	VMOVUPS (SI)(R8*2), Y2
	VMOVUPS (SI)(R9*1), Y3
	VMOVUPS (R10), Y4
	VMOVUPS (R10)(R8*1), Y5
	VMOVUPS (R10)(R8*2), Y6
	VMOVUPS (R10)(R9*1), Y7

	TRANSPOSE8 // Y8..Y15: steps 0..7, r0..r7 each

	VMOVUPS Y8, (DI)
	VMOVUPS Y9, (DI)(DX*1)
	VMOVUPS Y10, (DI)(DX*2)
	VMOVUPS Y11, (DI)(R11*1)
	VMOVUPS Y12, (BX)
	VMOVUPS Y13, (BX)(DX*1)
	VMOVUPS Y14, (BX)(DX*2)
	VMOVUPS Y15, (BX)(R11*1)

	ADDQ $32, SI
	ADDQ $32, R10
	ADDQ AX, DI
	ADDQ AX, BX
	DECQ CX
	JNZ  t8loop

t8done:
	VZEROUPPER
	RET

// func sgemmPackA6AVX2(dst, src *float32, ld, blocks int)
//
//	dst[p·6 + r] = src[r·ld + p]   for r < 6, p < 8·blocks
//
// The transposing copy of six rows of a non-transposed A into one 6-row
// micro-panel: TRANSPOSE8 with rows 4 and 5 copied in for rows 6 and 7
// (their lanes are never stored). A block of 8 steps is 48 contiguous
// floats: steps 0–6 store whole YMMs, each running 2 floats into the next
// step, which overwrites them; step 7 stores exactly its 6, so nothing
// past the block is written. ld is in floats.
TEXT ·sgemmPackA6AVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), R8
	MOVQ blocks+24(FP), CX
	SHLQ $2, R8                // source row stride in bytes
	LEAQ (R8)(R8*2), R9        // 3 source rows
	LEAQ (SI)(R8*4), R10       // source row 4
	TESTQ CX, CX
	JZ   a6done

a6loop:
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R8*1), Y1
	VMOVUPS (SI)(R8*2), Y2
	VMOVUPS (SI)(R9*1), Y3
	VMOVUPS (R10), Y4
	VMOVUPS (R10)(R8*1), Y5

	VMOVAPS Y4, Y6 // rows 4 and 5 again as rows 6 and 7
	VMOVAPS Y5, Y7
	TRANSPOSE8     // Y8..Y15: steps 0..7, r0..r5 in lanes 0..5

	VMOVUPS      Y8, (DI)
	VMOVUPS      Y9, 24(DI)
	VMOVUPS      Y10, 48(DI)
	VMOVUPS      Y11, 72(DI)
	VMOVUPS      Y12, 96(DI)
	VMOVUPS      Y13, 120(DI)
	VMOVUPS      Y14, 144(DI)
	VMOVUPS      X15, 168(DI)
	VEXTRACTF128 $1, Y15, X15
	VMOVQ        X15, 184(DI)

	ADDQ $32, SI
	ADDQ $32, R10
	ADDQ $192, DI
	DECQ CX
	JNZ  a6loop

a6done:
	VZEROUPPER
	RET
