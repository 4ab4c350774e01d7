//go:build !noasm && !purego && (amd64 || arm64)

package asm

// clone starts a SIMD path as a copy of the path below it, whose kernels
// it then replaces where it has assembly.
func (k *kernelSet) clone(name string) *kernelSet {
	c := *k
	c.name = name
	return &c
}
