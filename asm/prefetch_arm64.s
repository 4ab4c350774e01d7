//go:build !noasm && !purego

#include "textflag.h"

// func prefetchLines(p *float32, lines int)
//
// One PRFM PLDL1KEEP per 64-byte line from the line holding p on: a hint,
// which never faults. R0 = address, R1 = lines left (at least 1).
TEXT ·prefetchLines(SB), NOSPLIT, $0-16
	MOVD p+0(FP), R0
	MOVD lines+8(FP), R1
	AND  $~63, R0

loop:
	PRFM (R0), PLDL1KEEP
	ADD  $64, R0
	SUBS $1, R1
	BNE  loop
	RET
