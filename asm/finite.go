package asm

import "unsafe"

// FirstNonFinite returns the index of the first NaN or ±Inf in s, or −1.
//
// It runs on every training step over the caller's batch, so it is
// branch-free over blocks: a float32 is NaN or Inf exactly when its exponent
// bits are all ones, and adding one to an all-ones exponent carries into the
// sign bit: ((bits & 0x7f800000) + 0x00800000) & 0x80000000 != 0.
func FirstNonFinite(s []float32) int {
	if i, ok := firstNonFiniteFast(s); ok {
		return i
	}
	return firstNonFiniteGeneric(s)
}

func firstNonFiniteGeneric(s []float32) int {
	const block = 64
	if len(s) == 0 {
		return -1
	}
	u := unsafe.Slice((*uint32)(unsafe.Pointer(&s[0])), len(s))
	for off := 0; off < len(u); off += block {
		b := u[off:min(off+block, len(u))]
		var acc uint32
		for _, v := range b {
			acc |= (v & 0x7f800000) + 0x00800000
		}
		if acc&0x80000000 != 0 {
			for i, v := range b {
				if ((v&0x7f800000)+0x00800000)&0x80000000 != 0 {
					return off + i
				}
			}
		}
	}
	return -1
}
