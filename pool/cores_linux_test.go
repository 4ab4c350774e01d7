package pool

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestCPUQuota: the smallest quota of the process's cgroup and the cgroups
// above it, for cgroup v2 and v1 layouts; "max" and −1 are no quota.
func TestCPUQuota(t *testing.T) {
	write := func(path, text string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	}
	root := t.TempDir()
	proc := filepath.Join(root, "cgroup")

	write(proc, "0::/outer/inner\n")
	write(filepath.Join(root, "fs/cpu.max"), "max 100000\n")
	write(filepath.Join(root, "fs/outer/cpu.max"), "300000 100000\n")
	write(filepath.Join(root, "fs/outer/inner/cpu.max"), "150000 100000\n")
	q, file := cpuQuotaFrom(proc, filepath.Join(root, "fs"))
	require.InDelta(t, 1.5, q, 1e-9)
	require.Equal(t, filepath.Join(root, "fs/outer/inner/cpu.max"), file)

	write(filepath.Join(root, "fs/outer/cpu.max"), "50000 100000\n")
	q, _ = cpuQuotaFrom(proc, filepath.Join(root, "fs"))
	require.InDelta(t, 0.5, q, 1e-9)

	write(proc, "12:cpu,cpuacct:/job\n11:memory:/job\n")
	write(filepath.Join(root, "v1/cpu/job/cpu.cfs_quota_us"), "250000\n")
	write(filepath.Join(root, "v1/cpu/job/cpu.cfs_period_us"), "100000\n")
	write(filepath.Join(root, "v1/cpu/cpu.cfs_quota_us"), "-1\n")
	write(filepath.Join(root, "v1/cpu/cpu.cfs_period_us"), "100000\n")
	q, _ = cpuQuotaFrom(proc, filepath.Join(root, "v1"))
	require.InDelta(t, 2.5, q, 1e-9)

	write(proc, "0::/\n")
	write(filepath.Join(root, "none/cpu.max"), "max 100000\n")
	q, _ = cpuQuotaFrom(proc, filepath.Join(root, "none"))
	require.Zero(t, q)
	q, _ = cpuQuotaFrom(filepath.Join(root, "missing"), root)
	require.Zero(t, q)
}

// TestThreadDelay: the calling thread's wait for a CPU is readable and
// does not go backwards.
func TestThreadDelay(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	tid, d1, ok := threadDelay()
	if !ok {
		t.Skip("no /proc/thread-self/schedstat on this kernel")
	}
	require.Equal(t, unix.Gettid(), tid)
	for end := time.Now().Add(5 * time.Millisecond); time.Now().Before(end); {
	}
	tid2, d2, ok := threadDelay()
	require.True(t, ok)
	require.Equal(t, tid, tid2)
	require.GreaterOrEqual(t, d2, d1)
	require.Zero(t, testing.AllocsPerRun(100, func() { threadDelay() }))
}

func TestSecondField(t *testing.T) {
	v, ok := secondField([]byte("123456 7890 42\n"))
	require.True(t, ok)
	require.EqualValues(t, 7890, v)
	_, ok = secondField([]byte("123456"))
	require.False(t, ok)
	_, ok = secondField(nil)
	require.False(t, ok)
}
