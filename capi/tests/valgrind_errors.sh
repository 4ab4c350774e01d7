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
#
# Now and then memcheck takes a Go mapping for a thread's stack (after the
# stack pointer moved into a goroutine stack there) and names the same Go
# memory "on thread N's stack". Such an address is left out when the log
# names another address of the same 256 MiB window (its hex digits but the
# last 7) as an anonymous segment: Go reserves its heap and stacks in
# arenas of their own, and a C thread's stack never shares one.
set -eu
awk '
# window is the hex digits of an "Address 0x..." line but the last 7.
function window(line) {
	match(line, /Address 0x[0-9a-fA-F]+/)
	return substr(line, RSTART + 10, RLENGTH - 17)
}
NR == FNR { # first pass: the windows of the anonymous segments named
	if ($0 ~ /Address 0x[0-9a-fA-F]+ is in a r[w-][x-] anonymous segment/)
		goWindow[window($0)] = 1
	next
}
function flush() {
	if (block != "" && block ~ /(Invalid (read|write|free)|Mismatched free|uninitialised|Syscall param|Source and destination overlap|fishy|Jump to the invalid address|definitely lost in loss record|unaddressable)/) {
		if (block ~ /Address 0x[0-9a-fA-F]+ is in a r[w-][x-] anonymous segment/ ||
			block ~ /Address 0x[0-9a-fA-F]+ is on thread [0-9]+.s stack/ && (window(block) in goWindow))
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
}' "$1" "$1"
