//go:build !noasm && !purego

#include "textflag.h"

// func prefetchLines(p *float32, lines int)
//
// One PREFETCHT0 per 64-byte line from the line holding p on: a hint,
// which never faults (SSE, every amd64 CPU). AX = address, CX = lines
// left (at least 1).
TEXT ·prefetchLines(SB), NOSPLIT, $0-16
	MOVQ p+0(FP), AX
	MOVQ lines+8(FP), CX
	ANDQ $-64, AX

loop:
	PREFETCHT0 (AX)
	ADDQ       $64, AX
	DECQ       CX
	JNZ        loop
	RET
