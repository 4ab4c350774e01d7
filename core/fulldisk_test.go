package core

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSaveFullDisk saves onto a 64 KiB tmpfs (mounted when running as root,
// as CI does; skipped otherwise): a model that does not fit is an error, no
// partial or temporary file is left, and the previous model stays loadable.
func TestSaveFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	defer exec.Command("umount", dir).Run()
	path := filepath.Join(dir, "m.entrena")
	small := xorNet(t, 1, 0.5)
	require.NoError(t, small.Save(path))
	big, err := New(Spec{Inputs: 784, Layers: []Layer{{Units: 64, Activation: Sigmoid}}, Optimizer: Optimizer{LearningRate: 1}, MaxBatch: 1})
	require.NoError(t, err)
	err = big.Save(path)
	require.Error(t, err)
	require.ErrorContains(t, err, "no space left")
	entries, _ := os.ReadDir(dir)
	require.Len(t, entries, 1, "temporary file left behind")
	m, err := Load(path)
	require.NoError(t, err)
	require.Equal(t, small.Spec(), m.Spec())
}

// TestSaveReadOnlyMount saves into a folder on a file system remounted
// read-only (root only; TestSaveIsAtomic covers a read-only folder for
// other users, whose permissions root ignores): an error, the previous
// model untouched and loadable, no temporary file.
func TestSaveReadOnlyMount(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a tmpfs")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	defer exec.Command("umount", dir).Run()
	path := filepath.Join(dir, "m.entrena")
	old := xorNet(t, 1, 0.5)
	require.NoError(t, old.Save(path))
	before, err := os.ReadFile(path)
	require.NoError(t, err)
	if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot remount read-only: %v %s", err, out)
	}
	err = xorNet(t, 2, 0.5).Save(path)
	require.Error(t, err)
	require.ErrorContains(t, err, "read-only file system")
	entries, _ := os.ReadDir(dir)
	require.Len(t, entries, 1, "temporary file left behind")
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, before, after)
	m, err := Load(path)
	require.NoError(t, err)
	require.Equal(t, old.Spec(), m.Spec())
}
