//go:build race

package core

// raceEnabled: the race detector reserves terabytes of address space, so
// tests that run the binary under ulimit -v skip.
const raceEnabled = true
