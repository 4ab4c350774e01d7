package core

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/v1tr0/entrena/internal/regularfile"
)

// The kinds of error the package returns, for errors.Is. Every error a
// function or method of the package returns starts with "entrena: " and
// wraps one of them, except: FitContext's ctx.Err() (returned as is), an
// I/O error of the file or reader given to Load, Save, WriteTo or
// ReadModel (wrapped, with the path where there is one), and an internal
// error (a bug in the package, reported instead of a panic).
var (
	ErrSpec     = errors.New("bad network spec")  // invalid Spec or option
	ErrShape    = errors.New("bad shape")         // sizes, sample counts or slice lengths that do not match the network
	ErrData     = errors.New("bad data")          // NaN or Inf in inputs, targets or parameters; a target the loss cannot mean
	ErrDiverged = errors.New("training diverged") // the cost became NaN or Inf
	ErrModel    = errors.New("bad model file")    // a model file that is truncated, corrupted or foreign
	ErrVersion  = errors.New("unsupported model version")
	ErrStopped  = errors.New("training stopped") // the progress callback asked to stop
	ErrKernels  = errors.New("bad kernel selection")

	// ErrReduce: FitOptions.Allreduce returned an error (it comes wrapped
	// too), so the step's gradients were not applied.
	ErrReduce = errors.New("all-reduce failed")

	// ErrConcurrentUse: a call on a Network (or Predictor) while another
	// call on it is running in another goroutine. The call did nothing. A
	// Network serves one call at a time; serve one model from many
	// goroutines with a Predictor each.
	ErrConcurrentUse = errors.New("concurrent use")

	// ErrClosed: a call on a Network after Close, or on a nil or zero
	// Network (one that New, Decode, Load or ReadModel did not make); also
	// a call on a nil or zero Predictor or PredictorPool.
	ErrClosed = errors.New("network closed")

	// ErrTooLarge: the network's buffers would need more memory than this
	// machine allows (see New); such errors wrap ErrSpec too.
	ErrTooLarge = errors.New("network too large for this machine's memory")

	// ErrNotRegular: Load or Save met a folder, device, FIFO or socket
	// where a model file belongs; it comes wrapped in an *fs.PathError
	// naming the path.
	ErrNotRegular = regularfile.ErrNotRegular
)

// The errors of a Network that cannot take a call, made once: the busy
// path stays free of allocations.
var (
	errConcurrent  = fmt.Errorf("entrena: %w: another call on this network is running (a Network serves one call at a time; use a Predictor per goroutine)", ErrConcurrentUse)
	errInCallback  = fmt.Errorf("entrena: %w: Fit is running; its progress callback may not call Fit, FitContext, SetThreads or Close", ErrConcurrentUse)
	errClosed      = fmt.Errorf("entrena: %w: Close was called", ErrClosed)
	errZeroNetwork = fmt.Errorf("entrena: %w: a zero Network has no buffers; make one with New, Decode, Load or ReadModel", ErrClosed)
	errNilNetwork  = fmt.Errorf("entrena: %w: nil *Network", ErrClosed)
)

// errPrefix starts every error the package returns.
const errPrefix = "entrena: "

// prefixedError puts errPrefix in front of an error made without it.
type prefixedError struct{ err error }

func (e *prefixedError) Error() string { return errPrefix + e.err.Error() }
func (e *prefixedError) Unwrap() error { return e.err }

// exported finishes the error of an exported function or method (deferred
// first thing): a panic inside the package becomes an internal error, so
// that none escapes the public API (a bug would otherwise kill a C or
// Python host), and an error gets errPrefix unless it has it or is the
// caller's context error.
func exported(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("entrena: internal error: %v", r)
		return
	}
	e := *err
	if e == nil || e == context.Canceled || e == context.DeadlineExceeded {
		return
	}
	if !strings.HasPrefix(e.Error(), errPrefix) {
		*err = &prefixedError{e}
	}
}

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
	what := fmt.Sprintf("loss is %v", e.Cost)
	if !finite(e.Param) {
		what = fmt.Sprintf("a parameter became %v after the update", e.Param)
	}
	return fmt.Sprintf("training diverged at epoch %d, batch %d: %s (learning rate too large?); weights restored to the start of epoch %d",
		e.Epoch, e.Batch, what, e.Epoch)
}

// Unwrap makes errors.Is(err, ErrDiverged) true.
func (e *DivergedError) Unwrap() error { return ErrDiverged }

var (
	errNilPredictor        = fmt.Errorf("entrena: %w: nil *Predictor", ErrClosed)
	errZeroPredictor       = fmt.Errorf("entrena: %w: a zero Predictor has no weights; make one with Network.NewPredictor or Clone", ErrClosed)
	errNilPredictorPool    = fmt.Errorf("entrena: %w: nil *PredictorPool", ErrClosed)
	errZeroPredictorPool   = fmt.Errorf("entrena: %w: a PredictorPool without weights (zero, or from a nil or zero Predictor); make one with Network.NewPredictorPool or Predictor.Pool", ErrClosed)
	errConcurrentPredictor = fmt.Errorf("entrena: %w: another call on this Predictor is running (use one Predictor per goroutine: Clone)", ErrConcurrentUse)
)
