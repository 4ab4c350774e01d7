package asm

import (
	"errors"
	"os/exec"
	"syscall"
	"testing"
)

// runSelf runs cmd (this test binary again) and skips the test when the
// binary cannot be executed directly, as under qemu-user without binfmt_misc
// (GOARCH=arm64 go test -exec qemu-aarch64-static).
func runSelf(t *testing.T, cmd *exec.Cmd) ([]byte, error) {
	t.Helper()
	out, err := cmd.CombinedOutput()
	if errors.Is(err, syscall.ENOEXEC) {
		t.Skipf("cannot re-run the test binary here: %v", err)
	}
	return out, err
}
