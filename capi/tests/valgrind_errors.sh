#!/bin/sh
# valgrind_errors.sh LOG
# Prints every error of a memcheck log (--log-file) except those about the
# Go runtime's own memory, and exits 1 when there is one.
#
# Go keeps its heap and goroutine stacks in anonymous mappings of its own
# and switches stacks in ways memcheck cannot follow, so memcheck reports
# accesses to that memory as invalid, from any Go function (our kernels
# too) and with one-frame stacks that no suppression can tell from a real
# error. The memory they name can: "Address ... is in a rw- anonymous
# segment". A caller's buffer is a malloc'd block, a stack or a static
# object, described as such, so an over-read or over-write of it is never
# left out here. Uninitialised-value reports (no address) are suppressed by
# function in valgrind.supp.
set -eu
awk '
function flush() {
	if (block != "" && block ~ /(Invalid (read|write|free)|Mismatched free|uninitialised|Syscall param|Source and destination overlap|fishy|Jump to the invalid address|definitely lost in loss record|unaddressable)/) {
		if (block ~ /Address 0x[0-9a-fA-F]+ is in a r[w-][x-] anonymous segment/)
			go++
		else {
			printf "%s\n", block
			real++
		}
	}
	block = ""
}
!/^==[0-9]+==/ { next } # notes of valgrind itself (--PID-- lines), not errors
{
	sub(/^==[0-9]+== ?/, "")
	if ($0 == "") { flush(); next }
	if ($0 ~ /^Thread [0-9]+:$/) next
	block = block $0 "\n"
}
END {
	flush()
	printf "valgrind_errors: %d error(s) in Go-owned memory left out, %d other error(s)\n", go, real > "/dev/stderr"
	exit real > 0
}' "$1"
