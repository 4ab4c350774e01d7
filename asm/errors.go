package asm

import (
	"errors"
	"fmt"
)

// ErrArgument is wrapped by every error a kernel returns for a bad size,
// stride or slice length.
var ErrArgument = errors.New("asm: bad argument")

func argError(op, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrArgument, op, fmt.Sprintf(format, args...))
}

// checkLen reports an error when a slice named name is shorter than n.
func checkLen(op, name string, s []float32, n int) error {
	if len(s) < n {
		return argError(op, "%s has %d elements, need %d", name, len(s), n)
	}
	return nil
}

// checkMatrix checks that s holds a rows×cols matrix with leading dimension
// ld (row-major: element (i, j) is s[i*ld+j]).
func checkMatrix(op, name string, s []float32, rows, cols, ld int) error {
	if ld < max(1, cols) {
		return argError(op, "leading dimension of %s is %d, need at least %d", name, ld, max(1, cols))
	}
	if rows == 0 || cols == 0 {
		return nil
	}
	// (rows-1)*ld + cols must not overflow; rows, cols, ld are positive here.
	if rows-1 > (maxInt-cols)/ld {
		return argError(op, "%s of %d×%d with leading dimension %d overflows int", name, rows, cols, ld)
	}
	return checkLen(op, name, s, (rows-1)*ld+cols)
}

const maxInt = int(^uint(0) >> 1)

// checkRowsCols validates a rows×cols dense matrix (ld = cols) and returns
// rows*cols.
func checkRowsCols(op string, rows, cols int) (int, error) {
	if rows < 0 || cols < 0 {
		return 0, argError(op, "negative size %d×%d", rows, cols)
	}
	if cols != 0 && rows > maxInt/cols {
		return 0, argError(op, "size %d×%d overflows int", rows, cols)
	}
	return rows * cols, nil
}
