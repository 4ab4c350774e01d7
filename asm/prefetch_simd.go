//go:build !noasm && !purego && (amd64 || arm64)

package asm

import "unsafe"

// prefetchLines asks for the lines ≥ 1 cache lines from p's (amd64
// PREFETCHT0, arm64 PRFM PLDL1KEEP).
//
//go:noescape
func prefetchLines(p *float32, lines int)

// linesSpanned is the number of 64-byte cache lines that s touches.
func linesSpanned(s []float32) int {
	start := uintptr(unsafe.Pointer(&s[0]))
	end := start + 4*uintptr(len(s))
	return int((end+63)/64 - start/64)
}

const hasPrefetch = true
