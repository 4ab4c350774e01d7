//go:build !noasm && !purego

package asm

// tinySGDKernel is the fused tiny step of tiny_avx2_amd64.s (shapes checked
// by NewTinySGD, batch and slices by TinySGD.Step), called directly: a
// function value would add an ABI wrapper to every call.
//
//go:noescape
func tinySGDKernel(s *tinyState, x, y *float32, batch int, scale float32) (sqerr float64, cost, zchk, uchk float32, committed bool)

// setTinyAVX2 marks k as running the fused tiny step (the avx512 path
// keeps it: one row of a tiny layer fills a YMM, not a ZMM).
func setTinyAVX2(k *kernelSet) { k.tinySGD = true }
