package cgroup

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDirs: the process's cgroup and its ancestors, for cgroup v2 and for
// the v1 hierarchy of the asked controller only, in the file's order.
func TestDirs(t *testing.T) {
	proc := filepath.Join(t.TempDir(), "cgroup")
	require.NoError(t, os.WriteFile(proc, []byte("12:cpu,cpuacct:/a\n4:blkio,memory:/x/y\n0::/s/t\nbroken\n"), 0o644))
	require.Equal(t, []Dir{
		{"/r/memory/x/y", false}, {"/r/memory/x", false}, {"/r/memory", false},
		{"/r/s/t", true}, {"/r/s", true}, {"/r", true},
	}, Dirs(proc, "/r", "memory"))
	require.Equal(t, []Dir{{"/r/cpu/a", false}, {"/r/cpu", false}, {"/r/s/t", true}, {"/r/s", true}, {"/r", true}},
		Dirs(proc, "/r", "cpu"))
	require.NoError(t, os.WriteFile(proc, []byte("0::/\n"), 0o644))
	require.Equal(t, []Dir{{"/r", true}}, Dirs(proc, "/r", "memory"))
	require.Nil(t, Dirs(filepath.Join(t.TempDir(), "missing"), "/r", "memory"))
}
