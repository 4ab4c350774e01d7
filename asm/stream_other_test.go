//go:build noasm || purego || !amd64

package asm

import "testing"

// streamModes runs fn once: only the amd64 paths have a streaming-store
// mode (vec_stream_amd64_test.go).
func streamModes(t *testing.T, fn func(t *testing.T)) {
	t.Helper()
	fn(t)
}
