//go:build !noasm && !purego

package asm

// tinySGDAVX2 is the fused tiny step of tiny_avx2_amd64.s (shapes checked
// by NewTinySGD, batch and slices by TinySGD.Step).
//
//go:noescape
func tinySGDAVX2(layers *tinyLayer, nlayers int, scratch, x, y *float32, batch int, scale float32) (sqerr float64, zchk, uchk float32)

// setTinyAVX2 installs the fused tiny step into k (the avx512 path keeps
// it: one row of a tiny layer fills a YMM, not a ZMM).
func setTinyAVX2(k *kernelSet) { k.tinySGD = tinySGDAVX2 }
