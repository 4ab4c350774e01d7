// Package regularfile opens and atomically replaces the files entrena reads
// and writes (model files, histories, predictions, plots). They are regular
// files; anything else at a path is refused before it is opened or
// replaced: a FIFO would block the open, a device such as /dev/zero never
// ends, and replacing a device node, FIFO or socket with a regular file
// destroys it.
package regularfile

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// ErrNotRegular is wrapped (inside an *fs.PathError naming the path) by the
// error for a folder, device, FIFO or socket where a regular file belongs.
var ErrNotRegular = errors.New("not a regular file")

// notRegular is the error for the file of type mode at path.
func notRegular(op, path string, mode fs.FileMode) error {
	return &fs.PathError{Op: op, Path: path, Err: &notRegularError{mode}}
}

// notRegularError names what a path holds instead of a regular file; it is
// an ErrNotRegular for errors.Is.
type notRegularError struct{ mode fs.FileMode }

func (e *notRegularError) Error() string {
	what := "a special file"
	switch t := e.mode.Type(); {
	case t&fs.ModeDir != 0:
		what = "a folder"
	case t&fs.ModeNamedPipe != 0:
		what = "a FIFO"
	case t&fs.ModeSocket != 0:
		what = "a socket"
	case t&fs.ModeCharDevice != 0:
		what = "a character device"
	case t&fs.ModeDevice != 0:
		what = "a block device"
	}
	return ErrNotRegular.Error() + ": it is " + what
}

func (e *notRegularError) Is(target error) bool { return target == ErrNotRegular }

// Open opens path for reading and returns its size, refusing
// anything but a regular file. The type is checked before the open (which
// a FIFO would block, and which some devices act on), and again on the
// open file, which is opened non-blocking in case a FIFO took the path's
// place in between.
func Open(path string) (*os.File, int64, error) {
	before, err := os.Stat(path)
	if err != nil {
		return nil, 0, err
	}
	if !before.Mode().IsRegular() {
		return nil, 0, notRegular("open", path, before.Mode())
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, 0, err
	}
	now, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !now.Mode().IsRegular() || !os.SameFile(before, now) {
		f.Close()
		return nil, 0, notRegular("open", path, now.Mode())
	}
	return f, now.Size(), nil
}
