package core

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCgroupLimitFiles: the memory limits of the process's cgroup and its
// ancestors are found for cgroup v2 (memory.max) and v1
// (memory.limit_in_bytes); other controllers are ignored.
func TestCgroupLimitFiles(t *testing.T) {
	proc := filepath.Join(t.TempDir(), "cgroup")
	require.NoError(t, os.WriteFile(proc, []byte("12:cpu,cpuacct:/a\n4:blkio,memory:/x/y\n0::/s/t\nbroken\n"), 0o644))
	require.Equal(t, []string{
		"/r/memory/x/y/memory.limit_in_bytes", "/r/memory/x/memory.limit_in_bytes", "/r/memory/memory.limit_in_bytes",
		"/r/s/t/memory.max", "/r/s/memory.max", "/r/memory.max",
	}, cgroupLimitFilesFrom(proc, "/r"))
	require.NoError(t, os.WriteFile(proc, []byte("0::/\n"), 0o644))
	require.Equal(t, []string{"/r/memory.max"}, cgroupLimitFilesFrom(proc, "/r"))
	require.Nil(t, cgroupLimitFilesFrom(filepath.Join(t.TempDir(), "missing"), "/r"))
}
