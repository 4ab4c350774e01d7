package main

// expConst is one row of ·expConsts: a float32 constant of the exp,
// sigmoid and tanh kernels, repeated over 8 lanes (32 bytes) so AVX2 code
// reads the row as a memory operand and AVX-512 code broadcasts its first
// lane. Its offset, 32·index, is named in sigmoid_amd64.h (a test checks
// the two agree).
type expConst struct {
	name string
	bits uint32
	doc  string
}

var expConsts = []expConst{
	{"EXP_SIGN", 0x80000000, `sign bit: x | sign = −|x|`},
	{"EXP_NEGLIM", 0xc2e00000, `−112.0: clamp of z = −|x|; exp(−112) < 2^−161 rounds to 0, so every x ≤ −103.98 (where σ rounds to 0) still gives exactly 0`},
	{"EXP_LOG2E", 0x3fb8aa3b, `log2(e) rounded to float32`},
	{"EXP_MAGIC", 0x4b400000, `1.5·2^23: z·log2e + magic rounds z·log2e to an integer n kept in the low mantissa bits`},
	{"EXP_LN2HI", 0x3f317200, `ln2_hi = 0x1.62e4p-1 (Cody–Waite high part, 15 significant bits, so n·ln2_hi is exact for |n| < 2^8)`},
	{"EXP_LN2LO", 0x35bfbe8e, `ln2_lo = 0x1.7f7d1cp-20 (ln2 − ln2_hi, rounded to float32)`},
	{"EXP_C0", 0x3c072010, `0x1.0e4020p-7  r^5 coefficient  (exp(r) ≈ 1 + C4·r + C3·r² + C2·r³ + C1·r⁴ + C0·r⁵ on |r| ≤ ln2/2: the`},
	{"EXP_C1", 0x3d2b9f17, `0x1.573e2ep-5  r^4               minimax polynomial of ARM optimized-routines' v_expf / ggml_v_expf,`},
	{"EXP_C2", 0x3e2aaf33, `0x1.555e66p-3  r^3               approximation error 1.16e-7 relative, measured in float64)`},
	{"EXP_C3", 0x3efffedb, `0x1.fffdb6p-2  r^2`},
	{"EXP_C4", 0x3f7ffff6, `0x1.ffffecp-1  r^1`},
	{"EXP_ONE", 0x3f800000, `1.0 (also 127<<23, the exponent bias as an integer)`},
	{"EXP_BIAS64", 0x5f800000, `(127+64)<<23: exponent bits of 2^(n+64), normal for every n in [−162, 0]; as a float, 2^64`},
	{"TANH_NEGLIM", 0xc1200000, `−10.0: tanh clamp of −|x|, tanh(10) = 1 − 4e−9 rounds to 1`},
	{"EXP_TWO", 0x40000000, `2.0`},
	{"EXP_ABS", 0x7fffffff, `all bits but the sign`},
	{"SIG_MAGIC", 0x4b4000bf, `1.5·2^23 + 191 (AVX-512 sigmoid): rounds z·log2e to n as EXP_MAGIC does, and leaves n + 191 = n + 127 + 64 in the low mantissa bits, so N<<23 is 2^(n+64)`},
}
