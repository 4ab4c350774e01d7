//go:build !noasm && !purego

package asm

// The amd64 SGEMM paths: AVX2+FMA (6×16 tile) and AVX-512 (12×32) on the
// shared driver of gemm_blocked.go, with these strategies for special
// shapes, chosen in gemmConfig.gemm (small-m), gemmAVX2Strategies and
// gemmAVX512Strategies:
//
//   - small-m (gemm_small_amd64.go): a non-transposed A of at most 8 rows,
//     unpacked kernels on A, B and C in place;
//   - skinny (gemm_skinny_amd64.go, AVX-512): n ≤ 16 columns, one masked
//     ZMM of columns per row;
//   - swapped: a short batch against a wider B (NT) computed as its
//     transpose (AVX-512: gemm_skinny_amd64.go; AVX2: gemm_swap_amd64.go),
//     and on AVX2 any product with n < 16 columns.
//
// The AVX-512 path packs with assembly (gemm_pack_avx512_amd64.s): a
// transposing copy for rows of A and of a transposed B, a masked straight
// copy for columns of a transposed A and rows of B. It skips copies: whole
// 12-row panels of a non-transposed A are read in place unless their rows
// lie a multiple of 4 KiB apart (inPlaceAPays), and whole 32-column panels
// of a non-transposed B when C has at most 128 rows (inPlaceBPays: a
// layer's weight gradient). The AVX2 path reads a non-transposed A in
// place, except a wide product's A whose rows lie a multiple of 4 KiB apart
// (transposed into 6-row panels in registers: inPlaceAAVX2), copies columns
// of a transposed A and rows of B with masked loads and plain stores (a
// masked store is microcoded on AMD Zen) — a transposed A's whole panels
// within the first tile of their row, which reads them in place
// (sgemmKernelPackAAVX2) — transposes 8×8 blocks of a
// transposed B in registers (gemm_pack_avx2_amd64.s), and
// runs a row of whole tiles in one kernel call (sgemmTilesAVX2), and the
// whole tiles of an edge panel (the last m mod 6 rows) with a kernel for
// those rows alone (sgemmEdgeAVX2: no padded panel, no scratch tile, A in
// place; 1–2 rows two tiles at a time, sgemmEdgePairsAVX2). Where it reads
// B in place and B's block is past 256 KiB (a weight gradient's input at
// batch 256: 256×784), it loops over B's micro-panels outside A's
// (columnsInPlaceB), so the block is fetched once rather than once per
// 6-row panel of A: on a Zen 3 (512 KiB L2) 784 KB of inputs did not stay
// in L2 between panels; there it starts the in-place panels on a cache line
// (alignB), packing the columns before it. Figures: asm/TUNING.md.
//
// Cache sizes of the machine this was tuned on (Intel(R) Xeon(R) Processor,
// Sapphire/Emerald Rapids class under KVM, per core: L1D 48 KiB, L2 2 MiB,
// shared L3 260 MiB):
//
//	avx2    6×16: KC=512 → A micro-panel 12 KiB in L1, B micro-panel 32 KiB;
//	              NC=3072 → B block 6 MiB; KC=256 for TN products, whose A
//	              panels are packed from KC rows of A (KC chosen on the AMD
//	              EPYC of asm/TUNING.md).
//	avx512 12×32: KC=384 → A micro-panel 18 KiB in L1; NC=768 → B block
//	              1.1 MiB in L2 (KC 256–512 measured within noise at
//	              512–1024; NC 384 and 1536 were slower).
//
// Power-of-two leading dimensions need no special case: inPlaceAPays and
// inPlaceBPays never read a stride that is a multiple of 4 KiB in place, so
// the kernel's loads see no 4 KiB stride; the packing reads and the C
// tile's rows at 4 KiB steps cost nothing measurable (asm/TUNING.md).

func sgemmKernelAVX2(k int, a *float32, rsa, csa int, b *float32, csb int,
	c *float32, ldc int, alpha, beta float32)

//go:noescape
func sgemmTilesAVX2(k int, a *float32, rsa, csa, astep int, b *float32, csb, bstep int,
	c *float32, ldc, cstep int, alpha, beta float32, tiles int)

//go:noescape
func sgemmKernelPackAAVX2(k int, a *float32, lda int, b *float32, csb int,
	c *float32, ldc int, alpha, beta float32, dst *float32)

//go:noescape
func sgemmEdgeAVX2(k int, a *float32, rsa, csa, astep int, b *float32, csb, bstep int,
	c *float32, ldc, cstep int, alpha, beta float32, tiles, rows int)

//go:noescape
func sgemmEdgePairsAVX2(k int, a *float32, rsa, csa int, b *float32, csb, bnext int,
	c *float32, ldc int, alpha, beta float32, pairs, rows int)

//go:noescape
func sgemmKernelAVX512(k int, a *float32, rsa, csa int, b *float32, csb int,
	c *float32, ldc int, alpha, beta float32)

//go:noescape
func sgemmKernelPartialAVX512(k int, a *float32, rsa, csa int, b *float32, csb int,
	c *float32, ldc int, alpha, beta float32, rows int, cols uint32)

//go:noescape
func sgemmSkinnyAVX512(k int, a *float32, rsa, csa int, b *float32, csb int,
	c *float32, ldc int, alpha, beta float32, rows, cols int)

var (
	gemmAVX2 = &gemmConfig{mr: 6, nr: 16, kc: 512, kcTN: 256, nc: 3072, kernel: sgemmKernelAVX2, tiles: sgemmTilesAVX2, edge: sgemmEdgeAVX2, edgePairs: sgemmEdgePairsAVX2,
		packingKernel: sgemmKernelPackAAVX2, packA: packAAVX2, packB: packBAVX2, readAInPlace: inPlaceAAVX2, inPlaceB: true, alignB: true, columnsInPlaceB: 64 << 10,
		smallM: smallMAVX2, small: (*gemmConfig).smallGemm}
	gemmAVX512 = &gemmConfig{mr: 12, nr: 32, kc: 384, nc: 768, kernel: sgemmKernelAVX512, partial: sgemmKernelPartialAVX512,
		packA: packAAVX512, packB: packBAVX512, readAInPlace: inPlaceAPays, inPlaceB: true,
		smallM: smallMAVX512, small: (*gemmConfig).smallGemm}
)

// setGemmAVX2 installs the AVX2+FMA SGEMM into k.
func setGemmAVX2(k *kernelSet) {
	k.gemm = gemmAVX2Strategies
	k.packSize = packSizeAVX2
	k.swapSize = swapSizeAVX2
	k.swap, k.direct, k.transpose = swapAVX2, gemmAVX2.gemm, transposeAVX2
	k.rowGrain, k.colGrain = gemmAVX2.mr, gemmAVX2.nr
	k.sharedB = gemmAVX2
	k.packsA = packsAAVX2
}

// inPlaceAPays reports whether the AVX-512 kernel should read the 12-row
// panels of a non-transposed A in place (stride lda) rather than packed:
// whenever the stride is not a multiple of 4 KiB (the 12 rows would share
// cache sets). The kernel broadcasts each A value with a plain load, for
// which the row stride costs nothing, and the panel's 12 rows stay in L1
// for its row of tiles, so the copy is saved however wide C is
// (asm/TUNING.md).
func inPlaceAPays(n, lda int) bool {
	return lda%1024 != 0
}

// inPlaceAAVX2 is the AVX2 path's choice: A in place, except where its
// row stride is a multiple of 4 KiB (the six rows share one L1 set, with
// B's and C's lines) and C is wide enough (n ≥ 512) for the panel's
// assembly pack to pay for itself (asm/TUNING.md).
func inPlaceAAVX2(n, lda int) bool { return lda%1024 != 0 || n < 512 }

// packsAAVX2 and packsAAVX512 are the paths' kernelSet.packsA: the driver
// packs a transposed A, and a non-transposed one it does not read in place.
func packsAAVX2(transA bool, n, lda int) bool   { return transA || !inPlaceAAVX2(n, lda) }
func packsAAVX512(transA bool, n, lda int) bool { return transA || !inPlaceAPays(n, lda) }

// privateBRowsAVX512 is the AVX-512 path's privateBRows: on the Xeon of
// this file's header a row band that reads op(B) panels the other core
// packed ran slower than one that packs all of op(B) again (asm/TUNING.md).
const privateBRowsAVX512 = 128

// setGemmAVX512 installs the AVX-512 SGEMM into k.
func setGemmAVX512(k *kernelSet) {
	k.gemm = gemmAVX512Strategies
	k.packSize = packSizeAVX512
	k.swapSize = swapSizeAVX512
	// Every product-level choice the AVX2 set made must be replaced too:
	// ParallelGemm's bands would otherwise run AVX2 tiles, with other bits.
	k.swap, k.direct, k.transpose = swapAVX512, gemmAVX512Direct, transpose
	k.rowGrain, k.colGrain = gemmAVX512.mr, gemmAVX512.nr
	k.sharedB = gemmAVX512
	k.packsA = packsAAVX512
	k.privateBRows = privateBRowsAVX512
}
