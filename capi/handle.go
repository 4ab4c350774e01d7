package main

/*
#include "internal.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"unicode/utf8"
	"unsafe"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/core"
)

// Status codes: the entrena_status enum of entrena.h, read through cgo
// (TestStatusValues checks the enum counts up from 0 without gaps).
const (
	statusOK       int32 = C.ENTRENA_OK
	statusArgument int32 = C.ENTRENA_ERR_ARGUMENT
	statusSpec     int32 = C.ENTRENA_ERR_SPEC
	statusShape    int32 = C.ENTRENA_ERR_SHAPE
	statusData     int32 = C.ENTRENA_ERR_DATA
	statusDiverged int32 = C.ENTRENA_ERR_DIVERGED
	statusStopped  int32 = C.ENTRENA_ERR_STOPPED
	statusModel    int32 = C.ENTRENA_ERR_MODEL
	statusVersion  int32 = C.ENTRENA_ERR_VERSION
	statusIO       int32 = C.ENTRENA_ERR_IO
	statusHandle   int32 = C.ENTRENA_ERR_HANDLE
	statusBusy     int32 = C.ENTRENA_ERR_BUSY
	statusKernel   int32 = C.ENTRENA_ERR_KERNEL
	statusInternal int32 = C.ENTRENA_ERR_INTERNAL
)

// Errors of the C layer itself, mapped to statuses by statusOf.
var (
	errArgument = errors.New("bad argument")
	errHandle   = errors.New("bad handle")
	errBusy     = errors.New("handle busy: a progress callback of entrena_fit is running on it")
	errKernel   = errors.New("bad kernel path")
	errInternal = errors.New("internal error")
)

func argErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errArgument, fmt.Sprintf(format, args...))
}

func shapeErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", core.ErrShape, fmt.Sprintf(format, args...))
}

// statusOf maps an error to its entrena_status.
func statusOf(err error) int32 {
	var pathErr *fs.PathError
	var linkErr *os.LinkError
	var errno syscall.Errno
	switch {
	case err == nil:
		return statusOK
	case errors.Is(err, errArgument):
		return statusArgument
	case errors.Is(err, errHandle):
		return statusHandle
	case errors.Is(err, errBusy):
		return statusBusy
	case errors.Is(err, errInternal):
		return statusInternal
	case errors.Is(err, errKernel), errors.Is(err, core.ErrKernels):
		return statusKernel
	case errors.Is(err, core.ErrSpec):
		return statusSpec
	case errors.Is(err, core.ErrShape):
		return statusShape
	case errors.Is(err, core.ErrData):
		return statusData
	case errors.Is(err, core.ErrDiverged):
		return statusDiverged
	case errors.Is(err, core.ErrStopped):
		return statusStopped
	case errors.Is(err, core.ErrModel):
		return statusModel
	case errors.Is(err, core.ErrVersion):
		return statusVersion
	case errors.As(err, &pathErr), errors.As(err, &linkErr), errors.As(err, &errno):
		return statusIO
	}
	return statusInternal
}

// panicErr turns a recovered panic value into an error wrapping errInternal.
func panicErr(r any) error {
	return fmt.Errorf("%w: recovered Go panic: %v (please report)", errInternal, r)
}

// setThreadError records msg as the calling thread's entrena_last_error().
// An exported function runs on the C thread that called it, so the C
// thread-local buffer is the caller's.
func setThreadError(msg string) {
	buf := unsafe.Slice((*byte)(unsafe.Pointer(C.entrena__last_error_buf())), C.ENTRENA_ERRMSG_MAX)
	putMsg(buf, msg)
}

// fail reports err for a call without a (valid) handle and returns its status.
func fail(fn string, err error) int32 {
	setThreadError(fn + ": " + err.Error())
	return statusOf(err)
}

// netHandle is what an entrena_net* stands for.
type netHandle struct {
	mu   sync.Mutex
	busy atomic.Bool // a progress callback of this handle is running

	net    *core.Network // nil once destroyed
	mem    *C.entrena__mem
	msg    []byte // mem.msg as a slice
	failed bool   // msg holds an error rather than "not an error"
	reason []byte // mem.threads_reason as a slice, for entrena_thread_stats

	// Progress callback state of the entrena_fit call in progress.
	onProgress func(core.Progress) bool // h.progress, bound once so that Fit does not allocate it
	cb         C.entrena_progress_fn
	userData   unsafe.Pointer
	everyBatch bool
}

// The handle table. A plain map under a RWMutex: lookups never allocate
// (a sync.Map would box uintptr keys above 255).
var (
	tableMu sync.RWMutex
	table   = map[uintptr]*netHandle{}
	lastID  uintptr // handles are never reused
)

func handleOf(id uintptr) *netHandle {
	tableMu.RLock()
	h := table[id]
	tableMu.RUnlock()
	return h
}

// register wraps net in a new handle and returns its id.
func register(net *core.Network) uintptr {
	mem := (*C.entrena__mem)(C.calloc(1, C.size_t(unsafe.Sizeof(C.entrena__mem{}))))
	if mem == nil {
		panic("out of C memory")
	}
	h := &netHandle{net: net, mem: mem}
	h.msg = unsafe.Slice((*byte)(unsafe.Pointer(&mem.msg[0])), len(mem.msg))
	h.reason = unsafe.Slice((*byte)(unsafe.Pointer(&mem.threads_reason[0])), len(mem.threads_reason))
	h.setMsg("not an error")
	h.onProgress = h.progress
	tableMu.Lock()
	defer tableMu.Unlock()
	lastID++
	id := lastID
	table[id] = h
	return id
}

// lookup finds the handle of id without locking it.
func lookup(id uintptr) (*netHandle, error) {
	if id == 0 {
		return nil, fmt.Errorf("%w: NULL handle", errHandle)
	}
	h := handleOf(id)
	if h == nil {
		return nil, fmt.Errorf("%w: unknown or destroyed handle %#x", errHandle, id)
	}
	return h, nil
}

// withNet runs fn on the network of handle id with the handle locked, then
// records the outcome as the handle's message. Handle and busy errors are
// reported through the thread's last error only.
func withNet(fn string, id uintptr, body func(h *netHandle) error) (status int32) {
	h, err := lookup(id)
	if err != nil {
		return fail(fn, err)
	}
	if h.busy.Load() {
		return fail(fn, errBusy)
	}
	h.mu.Lock()
	if h.net == nil { // destroyed while we waited
		h.mu.Unlock()
		return fail(fn, fmt.Errorf("%w: handle %#x was destroyed", errHandle, id))
	}
	defer func() {
		if r := recover(); r != nil {
			err = panicErr(r)
		}
		status = h.finish(fn, err)
	}()
	err = body(h)
	return statusOK // replaced by the deferred finish
}

// finish records err (or success) in the handle's message and unlocks it.
func (h *netHandle) finish(fn string, err error) int32 {
	defer h.mu.Unlock()
	if err == nil {
		if h.failed {
			h.setMsg("not an error")
			h.failed = false
		}
		return statusOK
	}
	msg := fn + ": " + err.Error()
	h.setMsg(msg)
	h.failed = true
	setThreadError(msg)
	return statusOf(err)
}

// setMsg copies s into the handle's C message buffer.
func (h *netHandle) setMsg(s string) { putMsg(h.msg, s) }

// putMsg copies s, truncated on a character boundary, into the C buffer
// buf as a NUL-terminated string.
func putMsg(buf []byte, s string) {
	n := min(len(s), len(buf)-1)
	for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
		n--
	}
	copy(buf, s[:n])
	buf[n] = 0
}

// progress forwards core's progress reports to the C callback.
func (h *netHandle) progress(p core.Progress) bool {
	if !p.EpochDone && !h.everyBatch {
		return true
	}
	cp := &h.mem.progress
	cp.epoch = C.int64_t(p.Epoch)
	cp.epochs = C.int64_t(p.Epochs)
	cp.batch = C.int64_t(p.Batch)
	cp.batches = C.int64_t(p.Batches)
	cp.samples = C.int64_t(p.Samples)
	cp.cost = C.float(p.Cost)
	cp.epoch_done = 0
	if p.EpochDone {
		cp.epoch_done = 1
	}
	cp.val_loss = C.float(p.ValLoss)
	cp.val_accuracy = C.float(p.ValAcc)
	cp.elapsed_seconds = C.double(p.Elapsed.Seconds())
	h.busy.Store(true)
	r := C.entrena__call_progress(h.cb, cp, h.userData)
	h.busy.Store(false)
	return r == 0
}

// destroy removes handle id and frees what it owns.
func destroy(id uintptr) error {
	if id == 0 {
		return nil
	}
	tableMu.Lock()
	h := table[id]
	if h == nil {
		tableMu.Unlock()
		return fmt.Errorf("%w: unknown or already destroyed handle %#x", errHandle, id)
	}
	if h.busy.Load() {
		tableMu.Unlock()
		return errBusy
	}
	delete(table, id)
	tableMu.Unlock()

	h.mu.Lock() // wait for a call in progress on another thread
	net, mem := h.net, h.mem
	h.net, h.mem, h.msg, h.reason = nil, nil, nil, nil
	h.mu.Unlock()
	net.Close()
	C.free(unsafe.Pointer(mem))
	return nil
}

// errmsg returns the handle's message, or a static one for a bad handle.
func errmsg(id uintptr) *C.char {
	if id == 0 {
		return C.entrena__msg_null_handle
	}
	h := handleOf(id)
	if h == nil {
		return C.entrena__msg_bad_handle
	}
	return &h.mem.msg[0]
}

// specFromC converts and validates the C spec struct.
func specFromC(p unsafe.Pointer) (core.Spec, error) {
	var s core.Spec
	if p == nil {
		return s, argErr("spec is NULL")
	}
	cs := (*C.entrena_spec)(p)
	if want := C.uint32_t(unsafe.Sizeof(C.entrena_spec{})); cs.struct_size != want {
		return s, argErr("spec.struct_size is %d, this library expects %d (initialise the spec with entrena_spec_init)", cs.struct_size, want)
	}
	if cs.n_layers < 1 || cs.n_layers > core.MaxLayers {
		return s, fmt.Errorf("%w: n_layers must be between 1 and %d, got %d", core.ErrSpec, core.MaxLayers, cs.n_layers)
	}
	if cs.units == nil || cs.activations == nil {
		return s, argErr("spec.units or spec.activations is NULL")
	}
	n := int(cs.n_layers)
	units := unsafe.Slice((*int32)(unsafe.Pointer(cs.units)), n)
	acts := unsafe.Slice((*int32)(unsafe.Pointer(cs.activations)), n)
	s.Inputs = int(cs.inputs)
	s.Layers = make([]core.Layer, n)
	for i := range n {
		if acts[i] < 0 || acts[i] > 255 {
			return s, fmt.Errorf("%w: layer %d: unknown activation %d", core.ErrSpec, i+1, acts[i])
		}
		s.Layers[i] = core.Layer{Units: int(units[i]), Activation: core.Activation(acts[i])}
	}
	if cs.loss < 0 || cs.loss > 255 {
		return s, fmt.Errorf("%w: unknown loss %d", core.ErrSpec, cs.loss)
	}
	if cs.optimizer < 0 || cs.optimizer > 255 {
		return s, fmt.Errorf("%w: unknown optimizer %d", core.ErrSpec, cs.optimizer)
	}
	s.Loss = core.Loss(cs.loss)
	s.Optimizer = core.Optimizer{
		Kind:         core.OptimizerKind(cs.optimizer),
		LearningRate: float32(cs.learning_rate),
		Momentum:     float32(cs.momentum),
		Beta1:        float32(cs.beta1),
		Beta2:        float32(cs.beta2),
		Epsilon:      float32(cs.epsilon),
	}
	s.MaxBatch = int(cs.max_batch)
	s.Threads = int(cs.threads)
	s.Seed = uint64(cs.seed)
	return s, nil
}

// fitOptionsFromC converts the C fit options (nil: defaults) and installs
// the progress callback on h.
func (h *netHandle) fitOptionsFromC(p unsafe.Pointer) (core.FitOptions, error) {
	o := core.FitOptions{Epochs: 1, Shuffle: true}
	h.cb, h.userData, h.everyBatch = nil, nil, false
	if p == nil {
		return o, nil
	}
	co := (*C.entrena_fit_options)(p)
	if want := C.uint32_t(unsafe.Sizeof(C.entrena_fit_options{})); co.struct_size != want {
		return o, argErr("opts.struct_size is %d, this library expects %d (initialise the options with entrena_fit_options_init)", co.struct_size, want)
	}
	o.Epochs = int(co.epochs)
	if co.batch_size < 0 {
		return o, argErr("opts.batch_size is negative (%d)", co.batch_size)
	}
	o.BatchSize = int(co.batch_size)
	o.Shuffle = co.shuffle != 0
	if co.val_samples < 0 {
		return o, argErr("opts.val_samples is negative (%d)", co.val_samples)
	}
	if co.val_samples > 0 {
		var err error
		in, out := int64(h.net.Inputs()), int64(h.net.Outputs())
		if o.ValX, err = floatsIn("opts.val_x", unsafe.Pointer(co.val_x), int64(co.val_x_len), int64(co.val_samples), in); err != nil {
			return o, err
		}
		if o.ValY, err = floatsIn("opts.val_y", unsafe.Pointer(co.val_y), int64(co.val_y_len), int64(co.val_samples), out); err != nil {
			return o, err
		}
		o.ValSamples = int(co.val_samples)
	}
	if co.progress != nil {
		h.cb, h.userData, h.everyBatch = co.progress, co.user_data, co.progress_every_batch != 0
		o.Progress = h.onProgress
	}
	return o, nil
}

// kernelInfo returns the strings of the kernel and CPU functions.
func kernelInfo() asm.CPUInfo { return asm.Info() }
