//go:build noasm || purego || !amd64

package asm

// tinySGDKernel is never called in this build: no path here sets
// kernelSet.tinySGD, so TinySGD.Step reports that it did not run first.
func tinySGDKernel(s *tinyState, x, y *float32, batch int, scale float32) (sqerr float64, cost, zchk, uchk float32, clean bool) {
	return 0, 0, 0, 0, false
}
