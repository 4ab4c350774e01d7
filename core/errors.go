package core

import (
	"errors"
	"fmt"

	"github.com/v1tr0/entrena/internal/regularfile"
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

	// ErrTooLarge: the network's buffers would need more memory than this
	// machine allows (see New); such errors wrap ErrSpec too.
	ErrTooLarge = errors.New("network too large for this machine's memory")

	// ErrNotRegular: Load or Save met a folder, device, FIFO or socket
	// where a model file belongs; it comes wrapped in an *fs.PathError
	// naming the path.
	ErrNotRegular = regularfile.ErrNotRegular
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
//
// Fit also reports divergence when every cost of an epoch was finite but
// the epoch ended with a NaN or Inf parameter (the update after the last
// cost overflowed): then Batch is the epoch's last batch, Cost the epoch's
// finite cost so far, and Param the first non-finite parameter value.
type DivergedError struct {
	Epoch int // 1-based epoch where the cost became NaN or Inf
	Batch int // 1-based batch within that epoch
	Cost  float32
	Param float32 // the non-finite parameter when the cost stayed finite; 0 otherwise
}

func (e *DivergedError) Error() string {
	what := fmt.Sprintf("cost is %v", e.Cost)
	if !finite(e.Param) {
		what = fmt.Sprintf("a parameter became %v after the update", e.Param)
	}
	return fmt.Sprintf("training diverged at epoch %d, batch %d: %s (learning rate too large?); weights restored to the start of epoch %d",
		e.Epoch, e.Batch, what, e.Epoch)
}

// Unwrap makes errors.Is(err, ErrDiverged) true.
func (e *DivergedError) Unwrap() error { return ErrDiverged }
