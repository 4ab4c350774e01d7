package core

import (
	"errors"
	"fmt"
)

// Errors wrapped by every error the package returns, for errors.Is.
var (
	ErrSpec     = errors.New("bad network spec")  // invalid Spec or option
	ErrShape    = errors.New("bad shape")         // sizes or slice lengths that do not match the network
	ErrData     = errors.New("bad data")          // NaN or Inf in inputs or targets, empty data
	ErrDiverged = errors.New("training diverged") // the cost became NaN or Inf
	ErrModel    = errors.New("bad model file")    // a model file that is truncated, corrupted or foreign
	ErrVersion  = errors.New("unsupported model version")
	ErrStopped  = errors.New("training stopped") // the progress callback asked to stop
	ErrKernels  = errors.New("bad kernel selection")
)

func specErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrSpec, fmt.Sprintf(format, args...))
}

func shapeErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrShape, fmt.Sprintf(format, args...))
}

func dataErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrData, fmt.Sprintf(format, args...))
}

// DivergedError reports the epoch and batch where the cost stopped being
// finite. The network's weights are those from the end of the last good
// epoch (or the start of training).
type DivergedError struct {
	Epoch int // 1-based epoch where the cost became NaN or Inf
	Batch int // 1-based batch within that epoch
	Cost  float32
}

func (e *DivergedError) Error() string {
	return fmt.Sprintf("training diverged at epoch %d, batch %d: cost is %v (learning rate too large?); weights restored to the start of epoch %d",
		e.Epoch, e.Batch, e.Cost, e.Epoch)
}

// Unwrap makes errors.Is(err, ErrDiverged) true.
func (e *DivergedError) Unwrap() error { return ErrDiverged }
