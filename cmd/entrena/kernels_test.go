package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestKernelsFlagOverridesBadEnv: a bad ENTRENA_KERNELS stops training
// with a usage error naming it, until --kernels chooses a path.
func TestKernelsFlagOverridesBadEnv(t *testing.T) {
	dir := t.TempDir()
	env := []string{"ENTRENA_KERNELS=bogus"}
	r := entrenaEnv(t, dir, env, "train", "--data", "xor", "--epochs", "1")
	require.Equal(t, exitUsage, r.code, r.stderr)
	require.Contains(t, r.stderr, `ENTRENA_KERNELS="bogus"`)
	r = entrenaEnv(t, dir, env, "train", "--data", "xor", "--epochs", "1", "--kernels", "generic")
	require.Zero(t, r.code, r.stderr)
	require.Contains(t, r.stdout, "kernels: generic")
}
