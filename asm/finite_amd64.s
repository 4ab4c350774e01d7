//go:build !noasm && !purego

#include "textflag.h"

// func anyNonFiniteAVX2(p *float32, n int) bool
//
// Reports whether any of the n floats at p is NaN or ±Inf. Algorithm (the
// same as FirstNonFinite's generic scan): a float is non-finite exactly when
// its exponent bits are all ones, and then (bits & 0x7f800000) + 0x00800000
// carries into bit 31. The loop ORs that value over 32 floats per iteration
// into four accumulators; VMOVMSKPS collects the sign bits at the end. The
// tail (n mod 8 floats) is handled with the scalar form.
//
// Registers: SI = p, CX = floats left, Y0 = exponent mask, Y1 = exponent
// one, Y2–Y5 = accumulators, Y6–Y9 = loads. AX = scalar tail scratch, BX =
// scalar accumulator.
#define PTR SI
#define LEFT CX

TEXT ·anyNonFiniteAVX2(SB), NOSPLIT, $0-17
	MOVQ p+0(FP), PTR
	MOVQ n+8(FP), LEFT
	MOVL $0x7f800000, AX
	VMOVD AX, X0
	VPBROADCASTD X0, Y0
	MOVL $0x00800000, AX
	VMOVD AX, X1
	VPBROADCASTD X1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	VPXOR Y4, Y4, Y4
	VPXOR Y5, Y5, Y5

loop32:
	CMPQ LEFT, $32
	JL   loop8
	VPAND  (PTR), Y0, Y6
	VPAND  32(PTR), Y0, Y7
	VPAND  64(PTR), Y0, Y8
	VPAND  96(PTR), Y0, Y9
	VPADDD Y1, Y6, Y6
	VPADDD Y1, Y7, Y7
	VPADDD Y1, Y8, Y8
	VPADDD Y1, Y9, Y9
	VPOR   Y6, Y2, Y2
	VPOR   Y7, Y3, Y3
	VPOR   Y8, Y4, Y4
	VPOR   Y9, Y5, Y5
	ADDQ   $128, PTR
	SUBQ   $32, LEFT
	JMP    loop32

loop8:
	CMPQ LEFT, $8
	JL   tail
	VPAND  (PTR), Y0, Y6
	VPADDD Y1, Y6, Y6
	VPOR   Y6, Y2, Y2
	ADDQ   $32, PTR
	SUBQ   $8, LEFT
	JMP    loop8

tail:
	// Scalar form for the last n mod 8 floats, into BX.
	XORL BX, BX

tailLoop:
	TESTQ LEFT, LEFT
	JZ    done
	MOVL  (PTR), AX
	ANDL  $0x7f800000, AX
	ADDL  $0x00800000, AX
	ORL   AX, BX
	ADDQ  $4, PTR
	DECQ  LEFT
	JMP   tailLoop

done:
	VPOR      Y3, Y2, Y2
	VPOR      Y5, Y4, Y4
	VPOR      Y4, Y2, Y2
	VMOVMSKPS Y2, AX
	SHRL      $31, BX
	ORL       BX, AX
	TESTL     AX, AX
	SETNE     ret+16(FP)
	VZEROUPPER
	RET
