package asm

import "unsafe"

// Alignment is the byte boundary every buffer from Aligned starts on: one
// cache line and one AVX-512 vector.
const Alignment = 64

// AlignFloats is Alignment in float32 elements.
const AlignFloats = Alignment / 4

// Aligned returns a zeroed slice of n float32 whose first element starts on
// a 64-byte boundary.
func Aligned(n int) []float32 {
	if n <= 0 {
		return []float32{}
	}
	raw := make([]float32, n+AlignFloats)
	off := 0
	if rem := uintptr(unsafe.Pointer(&raw[0])) % Alignment; rem != 0 {
		off = int((Alignment - rem) / 4)
	}
	return raw[off : off+n : off+n]
}

// RoundUp rounds n up to a multiple of AlignFloats, so that consecutive
// sub-slices of an aligned buffer stay aligned.
func RoundUp(n int) int {
	return (n + AlignFloats - 1) / AlignFloats * AlignFloats
}

// IsAligned reports whether s starts on a 64-byte boundary (true for empty s).
func IsAligned(s []float32) bool {
	if len(s) == 0 {
		return true
	}
	return uintptr(unsafe.Pointer(&s[0]))%Alignment == 0
}
