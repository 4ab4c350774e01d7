// Registers and macros of the AVX2 SGEMM micro-kernels, shared by
// gemm_avx2_amd64.s (the 6×16 tile) and gemm_edge_avx2_amd64.s (edge
// panels of fewer rows); their headers have the register maps.

#define K_CNT CX  // remaining steps
#define A0 SI     // A panel, rows 0–3, advances by CSA per step
#define A4 DI     // A0 + 4·RSA: rows 4–5
#define RSA R8    // row stride of A in bytes
#define RSA3 R9   // 3·RSA
#define CSA R10   // column (step) stride of A in bytes
#define B_PTR BX  // B panel, advances by CSB per step
#define CSB R11   // step stride of B in bytes
#define C_PTR DX  // C tile, advances by LDC per row in the epilogue
#define LDC R12   // row stride of C in bytes

// One rank-1 update: acc[i] += A(i, p) · B(p, 0:16).
#define KSTEP \
	PREFETCHT0   (B_PTR)(CSB*4); \
	VMOVUPS      (B_PTR), Y12; \
	VMOVUPS      32(B_PTR), Y13; \
	ADDQ         CSB, B_PTR; \
	VBROADCASTSS (A0), Y14; \
	VFMADD231PS  Y12, Y14, Y0; \
	VFMADD231PS  Y13, Y14, Y1; \
	VBROADCASTSS (A0)(RSA*1), Y15; \
	VFMADD231PS  Y12, Y15, Y2; \
	VFMADD231PS  Y13, Y15, Y3; \
	VBROADCASTSS (A0)(RSA*2), Y14; \
	VFMADD231PS  Y12, Y14, Y4; \
	VFMADD231PS  Y13, Y14, Y5; \
	VBROADCASTSS (A0)(RSA3*1), Y15; \
	VFMADD231PS  Y12, Y15, Y6; \
	VFMADD231PS  Y13, Y15, Y7; \
	VBROADCASTSS (A4), Y14; \
	VFMADD231PS  Y12, Y14, Y8; \
	VFMADD231PS  Y13, Y14, Y9; \
	VBROADCASTSS (A4)(RSA*1), Y15; \
	VFMADD231PS  Y12, Y15, Y10; \
	VFMADD231PS  Y13, Y15, Y11; \
	ADDQ         CSA, A0; \
	ADDQ         CSA, A4

// The copy of one step's 6 A values (A0, rows 4 bytes apart) to the
// packed panel at R13, through R14: sgemmKernelPackAAVX2's steps are
// PACKA_COPY then KSTEP. No prefetch of A's rows ahead: in the few L1 sets
// its rows share it evicts the lines in use (asm/TUNING.md).
#define PACKA_COPY \
	MOVQ (A0), R14; \
	MOVQ R14, (R13); \
	MOVQ 8(A0), R14; \
	MOVQ R14, 8(R13); \
	MOVQ 16(A0), R14; \
	MOVQ R14, 16(R13); \
	ADDQ $24, R13

// Epilogue for one row with beta ≠ 0: acc = beta·C + acc, store.
#define STORE_ROW_BETA(lo, hi) \
	VFMADD231PS (C_PTR), Y13, lo; \
	VFMADD231PS 32(C_PTR), Y13, hi; \
	VMOVUPS     lo, (C_PTR); \
	VMOVUPS     hi, 32(C_PTR); \
	ADDQ        LDC, C_PTR

// Epilogue for one row with beta = 0: store without reading C.
#define STORE_ROW(lo, hi) \
	VMOVUPS lo, (C_PTR); \
	VMOVUPS hi, 32(C_PTR); \
	ADDQ    LDC, C_PTR

// Zero the 6×16 accumulators (Y0–Y11).
#define ZERO_TILE \
	VXORPS Y0, Y0, Y0; \
	VXORPS Y1, Y1, Y1; \
	VXORPS Y2, Y2, Y2; \
	VXORPS Y3, Y3, Y3; \
	VXORPS Y4, Y4, Y4; \
	VXORPS Y5, Y5, Y5; \
	VXORPS Y6, Y6, Y6; \
	VXORPS Y7, Y7, Y7; \
	VXORPS Y8, Y8, Y8; \
	VXORPS Y9, Y9, Y9; \
	VXORPS Y10, Y10, Y10; \
	VXORPS Y11, Y11, Y11

// Pull the C tile's 6 rows (C_PTR, LDC) towards L1 while the k loop runs;
// AX clobbered.
#define PREFETCH_C_TILE \
	MOVQ       C_PTR, AX; \
	PREFETCHT0 (AX); \
	PREFETCHT0 60(AX); \
	ADDQ       LDC, AX; \
	PREFETCHT0 (AX); \
	PREFETCHT0 60(AX); \
	ADDQ       LDC, AX; \
	PREFETCHT0 (AX); \
	PREFETCHT0 60(AX); \
	ADDQ       LDC, AX; \
	PREFETCHT0 (AX); \
	PREFETCHT0 60(AX); \
	ADDQ       LDC, AX; \
	PREFETCHT0 (AX); \
	PREFETCHT0 60(AX); \
	ADDQ       LDC, AX; \
	PREFETCHT0 (AX); \
	PREFETCHT0 60(AX)

// acc = alpha·acc, alpha the float32 at the memory operand.
#define SCALE_TILE(alpha) \
	VBROADCASTSS alpha, Y12; \
	VMULPS       Y12, Y0, Y0; \
	VMULPS       Y12, Y1, Y1; \
	VMULPS       Y12, Y2, Y2; \
	VMULPS       Y12, Y3, Y3; \
	VMULPS       Y12, Y4, Y4; \
	VMULPS       Y12, Y5, Y5; \
	VMULPS       Y12, Y6, Y6; \
	VMULPS       Y12, Y7, Y7; \
	VMULPS       Y12, Y8, Y8; \
	VMULPS       Y12, Y9, Y9; \
	VMULPS       Y12, Y10, Y10; \
	VMULPS       Y12, Y11, Y11

// C = beta·C + acc over the tile's 6 rows, beta the float32 at the memory
// operand.
#define STORE_TILE_BETA(beta) \
	VBROADCASTSS beta, Y13; \
	STORE_ROW_BETA(Y0, Y1); \
	STORE_ROW_BETA(Y2, Y3); \
	STORE_ROW_BETA(Y4, Y5); \
	STORE_ROW_BETA(Y6, Y7); \
	STORE_ROW_BETA(Y8, Y9); \
	STORE_ROW_BETA(Y10, Y11)

// C = acc over the tile's 6 rows.
#define STORE_TILE \
	STORE_ROW(Y0, Y1); \
	STORE_ROW(Y2, Y3); \
	STORE_ROW(Y4, Y5); \
	STORE_ROW(Y6, Y7); \
	STORE_ROW(Y8, Y9); \
	STORE_ROW(Y10, Y11)
