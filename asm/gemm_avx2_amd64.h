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

// One step of sgemmKernelPackAAVX2: KSTEP on a transposed A read in place
// (A0; rows 4 bytes apart), its 6 values copied to the packed panel at
// R13 through R14. No prefetch of A's rows ahead: in the few L1 sets its
// rows share it evicts the lines in use (asm/TUNING.md).
#define KSTEP_PACKA \
	PREFETCHT0   (B_PTR)(CSB*4); \
	VMOVUPS      (B_PTR), Y12; \
	VMOVUPS      32(B_PTR), Y13; \
	ADDQ         CSB, B_PTR; \
	MOVQ         (A0), R14; \
	MOVQ         R14, (R13); \
	MOVQ         8(A0), R14; \
	MOVQ         R14, 8(R13); \
	MOVQ         16(A0), R14; \
	MOVQ         R14, 16(R13); \
	ADDQ         $24, R13; \
	VBROADCASTSS (A0), Y14; \
	VFMADD231PS  Y12, Y14, Y0; \
	VFMADD231PS  Y13, Y14, Y1; \
	VBROADCASTSS 4(A0), Y15; \
	VFMADD231PS  Y12, Y15, Y2; \
	VFMADD231PS  Y13, Y15, Y3; \
	VBROADCASTSS 8(A0), Y14; \
	VFMADD231PS  Y12, Y14, Y4; \
	VFMADD231PS  Y13, Y14, Y5; \
	VBROADCASTSS 12(A0), Y15; \
	VFMADD231PS  Y12, Y15, Y6; \
	VFMADD231PS  Y13, Y15, Y7; \
	VBROADCASTSS 16(A0), Y14; \
	VFMADD231PS  Y12, Y14, Y8; \
	VFMADD231PS  Y13, Y14, Y9; \
	VBROADCASTSS 20(A0), Y15; \
	VFMADD231PS  Y12, Y15, Y10; \
	VFMADD231PS  Y13, Y15, Y11; \
	ADDQ         CSA, A0

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
