//go:build unix

package core

import (
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/v1tr0/entrena/internal/regularfile"
)

// noTempFiles fails when a save left a temporary file in dir.
func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		require.NotContains(t, e.Name(), ".tmp", "temporary file left behind in %s", dir)
	}
}

// TestSaveFollowsSymlinks: saving through a symbolic link (relative,
// absolute, a chain, into another folder) replaces the final target and
// leaves every link a link; a link to a missing file creates that file.
func TestSaveFollowsSymlinks(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other")
	require.NoError(t, os.Mkdir(other, 0o755))
	target := filepath.Join(other, "real.entrena")
	require.NoError(t, os.WriteFile(target, []byte("old"), 0o640))
	links := map[string]string{
		"rel.entrena":   "other/real.entrena",
		"abs.entrena":   target,
		"chain.entrena": "rel.entrena",
	}
	for name, to := range links {
		require.NoError(t, os.Symlink(to, filepath.Join(dir, name)))
	}
	n := smallNet(t)
	want, err := n.MarshalBinary()
	require.NoError(t, err)
	for name, to := range links {
		require.NoError(t, os.WriteFile(target, []byte("old"), 0o640))
		path := filepath.Join(dir, name)
		require.NoError(t, n.Save(path), name)
		got, err := os.Readlink(path)
		require.NoError(t, err, "%s is no longer a link", name)
		require.Equal(t, to, got)
		data, err := os.ReadFile(target)
		require.NoError(t, err)
		require.Equal(t, want, data, name)
		fi, err := os.Stat(target)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o640), fi.Mode().Perm(), name)
		m, err := Load(path)
		require.NoError(t, err)
		m.Close()
	}
	dangling := filepath.Join(dir, "dangling.entrena")
	require.NoError(t, os.Symlink("other/new.entrena", dangling))
	require.NoError(t, n.Save(dangling))
	fi, err := os.Lstat(dangling)
	require.NoError(t, err)
	require.Equal(t, fs.ModeSymlink, fi.Mode().Type())
	data, err := os.ReadFile(filepath.Join(other, "new.entrena"))
	require.NoError(t, err)
	require.Equal(t, want, data)

	loop := filepath.Join(dir, "loop.entrena")
	require.NoError(t, os.Symlink("loop.entrena", loop))
	require.ErrorIs(t, n.Save(loop), syscall.ELOOP)
	noTempFiles(t, dir)
	noTempFiles(t, other)
}

// TestSaveRefusesSpecialFiles: a FIFO, a socket, a folder, a device node
// (as root), or a link to one of them, at the path is an *fs.PathError
// wrapping ErrNotRegular; it is still there afterwards, of the same type,
// and the save does not block on the FIFO.
func TestSaveRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	paths := map[string]fs.FileMode{}
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	paths[fifo] = fs.ModeNamedPipe
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	require.NoError(t, err)
	defer l.Close()
	paths[sock] = fs.ModeSocket
	sub := filepath.Join(dir, "sub")
	require.NoError(t, os.Mkdir(sub, 0o755))
	paths[sub] = fs.ModeDir
	if os.Geteuid() == 0 {
		// A node of its own (the same device as /dev/null): a broken
		// refusal replaces it, never the system's.
		null := filepath.Join(dir, "null")
		require.NoError(t, syscall.Mknod(null, syscall.S_IFCHR|0o666, 1<<8|3))
		paths[null] = fs.ModeDevice | fs.ModeCharDevice
	}
	link := filepath.Join(dir, "fifo-link")
	require.NoError(t, os.Symlink("fifo", link))
	paths[link] = fs.ModeSymlink

	n := smallNet(t)
	for path, typ := range paths {
		done := make(chan error, 1)
		go func() { done <- n.Save(path) }()
		select {
		case err := <-done:
			require.ErrorIs(t, err, ErrNotRegular, path)
			var pe *fs.PathError
			require.ErrorAs(t, err, &pe)
			require.ErrorContains(t, err, path)
		case <-time.After(10 * time.Second):
			t.Fatalf("Save(%s) blocked", path)
		}
		fi, err := os.Lstat(path)
		require.NoError(t, err)
		require.Equal(t, typ, fi.Mode().Type(), "%s was replaced", path)
		require.ErrorIs(t, regularfile.WriteAtomic(path, []byte("x")), ErrNotRegular, path)
	}
	fi, err := os.Lstat(fifo)
	require.NoError(t, err)
	require.Equal(t, fs.ModeNamedPipe, fi.Mode().Type())
	noTempFiles(t, dir)
}

// TestSaveModes: a new file gets 0666 less the umask; a replaced file
// keeps its permission bits whatever the umask; a hard link to the old
// file keeps the old contents (the new file is a new inode).
func TestSaveModes(t *testing.T) {
	dir := t.TempDir()
	n := smallNet(t)
	for _, c := range []struct {
		umask int
		want  fs.FileMode
	}{{0o022, 0o644}, {0o077, 0o600}, {0o027, 0o640}, {0, 0o666}} {
		path := filepath.Join(dir, "new.entrena")
		os.Remove(path)
		old := syscall.Umask(c.umask)
		err := n.Save(path)
		syscall.Umask(old)
		require.NoError(t, err)
		fi, err := os.Stat(path)
		require.NoError(t, err)
		require.Equal(t, c.want, fi.Mode().Perm(), "umask %03o", c.umask)
	}

	path := filepath.Join(dir, "kept.entrena")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o600))
	require.NoError(t, os.Chmod(path, 0o604|fs.ModeSetgid))
	old := syscall.Umask(0o077)
	err := n.Save(path)
	syscall.Umask(old)
	require.NoError(t, err)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o604), fi.Mode().Perm())
	if os.Geteuid() == 0 || inGroup(fi) {
		require.NotZero(t, fi.Mode()&fs.ModeSetgid, "setgid kept")
	}

	hard := filepath.Join(dir, "hard.entrena")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))
	require.NoError(t, os.Link(path, hard))
	require.NoError(t, n.Save(path))
	data, err := os.ReadFile(hard)
	require.NoError(t, err)
	require.Equal(t, "old", string(data))
	noTempFiles(t, dir)
}

// inGroup reports whether the caller belongs to fi's group (only then may
// it set the setgid bit).
func inGroup(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return false
	}
	gids, _ := os.Getgroups()
	for _, g := range append(gids, os.Getgid()) {
		if uint32(g) == st.Gid {
			return true
		}
	}
	return false
}
