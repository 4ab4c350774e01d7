package regularfile

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// WriteAtomic replaces the file at path with data so that a reader, or
// the file system after a crash, sees the old file or the new one, never a
// mix; core's Save and every file the entrena command writes go through it.
//
//   - A symbolic link is followed to its final target, which is replaced;
//     the link stays a link. A link to a missing file creates that file.
//   - A folder, device, FIFO or socket at the target is refused with an
//     *fs.PathError wrapping ErrNotRegular, and left untouched.
//   - data goes to a new temporary file beside the target, which is
//     fsynced, renamed over the target, and the folder fsynced.
//   - The new file keeps the replaced file's permission bits (setuid,
//     setgid and sticky included); a new file gets 0666 less the umask.
//     It is a new inode: another hard link to the old file keeps the old
//     contents, and the owner is the caller.
//
// On an error the target is as it was and the temporary file is removed.
func WriteAtomic(path string, data []byte) (err error) {
	target, old, err := writeTarget(path)
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	dir, base := splitPath(target)
	tmp, err := createTemp(dir, base)
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if old != nil {
		if err = tmp.Chmod(old.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)); err != nil {
			return fmt.Errorf("save %s: %w", path, err)
		}
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	// Checked again just before the rename, which would replace whatever
	// took the target's place meanwhile.
	if fi, lerr := os.Lstat(target); lerr == nil && !fi.Mode().IsRegular() {
		err = notRegular("replace", target, fi.Mode())
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync() // makes the rename durable on Linux; not every file system can sync a folder
		d.Close()
	}
	return nil
}

// maxLinks is how many symbolic links writeTarget follows (Linux's limit).
const maxLinks = 40

// writeTarget follows path's symbolic links to the file a save replaces
// and returns it with its current FileInfo (nil when it does not exist
// yet), or an error when it is not a regular file.
func writeTarget(path string) (string, fs.FileInfo, error) {
	p := path
	for range maxLinks {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil, nil // a new file (a missing folder fails when the temporary file is created)
		}
		if err != nil {
			return "", nil, err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			if !fi.Mode().IsRegular() {
				return "", nil, notRegular("replace", p, fi.Mode())
			}
			return p, fi, nil
		}
		link, err := os.Readlink(p)
		if err != nil {
			return "", nil, err
		}
		if !filepath.IsAbs(link) {
			// Relative to the link's folder, joined without cleaning: ".."
			// after a linked folder is the kernel's to resolve.
			dir, _ := splitPath(p)
			link = dir + string(os.PathSeparator) + link
		}
		p = link
	}
	return "", nil, &fs.PathError{Op: "readlink", Path: path, Err: syscall.ELOOP}
}

// splitPath splits p at its last separator, without cleaning (unlike
// filepath.Split): "." for a bare name, the root for a file in the root.
func splitPath(p string) (dir, base string) {
	i := len(p) - 1
	for i >= 0 && !os.IsPathSeparator(p[i]) {
		i--
	}
	switch {
	case i < 0:
		return ".", p
	case i == 0:
		return p[:1], p[1:]
	}
	return p[:i], p[i+1:]
}

// createTemp creates a new file ".base.*.tmp" in dir with mode 0666, which
// the system reduces by the umask (os.CreateTemp's 0600 would not honour it).
func createTemp(dir, base string) (*os.File, error) {
	for range 100 {
		name := dir + string(os.PathSeparator) + "." + base + "." + strconv.FormatUint(uint64(rand.Uint32()), 36) + ".tmp"
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, &fs.PathError{Op: "createtemp", Path: dir + string(os.PathSeparator) + "." + base + ".*.tmp", Err: fs.ErrExist}
}
