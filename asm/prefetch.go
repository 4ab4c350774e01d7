package asm

// prefetchHeadLines is how many cache lines PrefetchHead asks for: enough
// for the hardware prefetcher to pick up the stream that follows.
const prefetchHeadLines = 8

// PrefetchHead hints that s is about to be read from its start: the CPU
// starts fetching the cache lines of its first 512 bytes (less when s is
// shorter) while the caller does other work. A copy of rows scattered over
// a large data set (Fit's shuffled gather) waits for the first lines of
// every row from memory; asked for one row ahead, they arrive during the
// copy of the row before. It reads nothing into the program, never faults,
// and does nothing without assembly.
func PrefetchHead(s []float32) {
	if len(s) == 0 {
		return
	}
	prefetchLines(&s[0], min(prefetchHeadLines, linesSpanned(s)))
}
