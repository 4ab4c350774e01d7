// Streaming (non-temporal) stores, shared by vec_avx2_amd64.s,
// vec_avx512_amd64.s, sigmoid_avx2_amd64.s and sigmoid_avx512_amd64.s.
//
// A kernel that writes a separate output of at least ·streamStoreMin bytes
// (vec_amd64.go: an output too large to be read back from the last-level
// cache) stores it with VMOVNTPS: the store skips the read-for-ownership of
// each dst line (a 3-stream kernel moves 3 lines per 16 floats instead of
// 4) and does not evict the inputs' lines. Shape, in the kernel's loop:
//
//	if 4·n >= streamStoreMin                       STREAM_CHECK
//	   && n >= one unrolled block && dst != every input && dst%4 == 0:
//	    H = elements before dst reaches a vector-aligned address
//	                                               (64 bytes AVX-512, 32 AVX2)
//	    if H > 0: one vector under the H-lane mask, normal masked store
//	    while a whole unrolled block is left: VMOVNTPS (aligned) stores
//	    SFENCE                                     NT stores are weakly
//	                                               ordered: fence them before
//	                                               every later store and the
//	                                               return
//	    the last partial block and tail: the normal loop, normal stores
//
// Only the store instruction differs, so the results are the same bits as
// the normal path's. An in-place call (dst == an input, which the contract
// allows) keeps normal stores: its dst lines come into the cache with the
// loads, and VMOVNTPS over them measured 15–65% slower than normal stores
// at 1e6–2e7 floats.

// STREAM_CHECK(n, label) jumps to label when 4·n >= ·streamStoreMin;
// clobbers BX.
#define STREAM_CHECK(n, label) \
	MOVQ n, BX                   \
	SHLQ $2, BX                  \
	CMPQ BX, ·streamStoreMin(SB) \
	JAE  label

// STREAM_HEAD_K(p) sets BX to H = ((−p) mod 64)/4 (0..15) and K1 to
// (1<<H)−1, for an AVX-512 head vector before the 64-byte aligned body;
// clobbers R8, R9, keeps CX (the shift count goes through it).
#define STREAM_HEAD_K(p) \
	MOVQ  p, BX   \
	NEGQ  BX      \
	ANDQ  $63, BX \
	SHRQ  $2, BX  \
	MOVQ  CX, R8  \
	MOVQ  BX, CX  \
	MOVL  $1, R9  \
	SHLL  CX, R9  \
	DECL  R9      \
	KMOVW R9, K1  \
	MOVQ  R8, CX

// STREAM_HEAD_Y(p, mask) sets BX to H = ((−p) mod 32)/4 (0..7) and mask to
// the VMASKMOVPS lane mask of the first H lanes (from ·vecTailMask, in
// vec_avx2_amd64.s), for an AVX2 head vector before the 32-byte aligned
// body; clobbers R8.
#define STREAM_HEAD_Y(p, mask) \
	MOVQ    p, BX                     \
	NEGQ    BX                        \
	ANDQ    $31, BX                   \
	LEAQ    ·vecTailMask+32(SB), R8   \
	SUBQ    BX, R8                    \
	VMOVUPS (R8), mask                \
	SHRQ    $2, BX

// STREAM_PREFETCH is how far ahead of the loads (in bytes) the streaming
// loops of sigmoid and tanh prefetch their input, one PREFETCHT0 per
// 64-byte line. Those loops spend ~40 cycles on each 256 bytes, and the
// hardware prefetchers alone left sigmoidAVX512 at ~1.8 G floats/s from
// DRAM against ~3.2 from L2; 4 KiB ahead brought it to ~2.8 (2, 3, 6, 8
// and 16 KiB, PREFETCHT1/T2/NTA measured slower). The memory-bound
// kernels (hadamard …) gained nothing from it and have none.
#define STREAM_PREFETCH 4096
