package main

/*
#include "internal.h"
*/
import "C"

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"strings"
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
	statusReduce   int32 = C.ENTRENA_ERR_REDUCE
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

// errText is err's message without core's "entrena: " prefix: the C
// messages start with the function's name instead.
func errText(err error) string { return strings.TrimPrefix(err.Error(), "entrena: ") }

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
	case errors.Is(err, errBusy), errors.Is(err, core.ErrConcurrentUse):
		return statusBusy
	case errors.Is(err, errInternal):
		return statusInternal
	case errors.Is(err, core.ErrReduce):
		return statusReduce
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

// threadState is the calling thread's C memory (entrena__thread). An
// exported function runs on the C thread that called it, so the C
// thread-local storage is the caller's.
func threadState() *C.entrena__thread { return C.entrena__thread_state() }

// cBytes is the C char array at p, n bytes, as a slice.
func cBytes(p *C.char, n int) []byte { return unsafe.Slice((*byte)(unsafe.Pointer(p)), n) }

// setThreadError records a failed call as the calling thread's
// entrena_last_error() and entrena_last_errno().
func setThreadError(msg string, err error) {
	ts := threadState()
	putMsg(cBytes(&ts.last_error[0], len(ts.last_error)), msg)
	ts.last_errno = C.int(osErrno(err))
}

// osErrno is the OS error number behind err, 0 when it has none.
func osErrno(err error) int {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return int(errno)
	}
	return 0
}

// fail reports err for a call without a (valid) handle and returns its status.
func fail(fn string, err error) int32 {
	setThreadError(fn+": "+errText(err), err)
	return statusOf(err)
}

// netHandle is what an entrena_net* stands for.
type netHandle struct {
	mu   sync.Mutex
	busy atomic.Bool // a progress callback of this handle is running

	net *core.Network // nil once destroyed

	// msgMu guards mem and msg, which entrena_errmsg copies without
	// waiting for mu (a call in progress may hold it for a whole fit).
	msgMu  sync.Mutex
	mem    *C.entrena__mem // nil once destroyed
	msg    []byte          // mem.msg as a slice
	failed bool            // msg holds an error rather than "not an error"

	// Progress callback state of the entrena_fit call in progress.
	onProgress func(core.Progress) bool // h.progress, bound once so that Fit does not allocate it
	cb         C.entrena_progress_fn
	userData   unsafe.Pointer
	everyBatch bool
	// The fit's reduce callback (distributed.go), bound once like onProgress.
	onReduce   core.Allreduce
	reduce     C.entrena_reduce_fn
	reduceUser unsafe.Pointer
	// The callback's request to stop cancels the fit's context, which
	// core checks after every batch: the mechanism of FitContext.
	cancel        context.CancelFunc
	stopRequested bool
}

// The handle table. A plain map under a RWMutex: lookups never allocate
// (a sync.Map would box uintptr keys above 255).
var (
	tableMu   sync.RWMutex
	table     = map[uintptr]*netHandle{}
	created   uint64 // handles handed out so far
	handleKey = [2]uint64{rand.Uint64(), rand.Uint64()}
)

// handleID is the handle of the n-th network: n through a keyed permutation
// of the 64-bit integers. A permutation of a counter never repeats, so
// handles are never reused; the random key makes a made-up value, or a live
// handle plus or minus anything, name a live network with odds of about
// (live networks)/2^64.
func handleID(n uint64) uintptr {
	x := n ^ handleKey[0]
	// splitmix64's finaliser: xor-shifts and odd multipliers are invertible.
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	x ^= x >> 31
	return uintptr(x ^ handleKey[1])
}

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
	h.msg = cBytes(&mem.msg[0], len(mem.msg))
	h.setMsg("not an error")
	h.onProgress = h.progress
	h.onReduce = h.callReduce
	tableMu.Lock()
	defer tableMu.Unlock()
	id := uintptr(0)
	for id == 0 || table[id] != nil { // 0 is NULL
		created++
		id = handleID(created)
	}
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
	msg := fn + ": " + errText(err)
	h.setMsg(msg)
	h.failed = true
	setThreadError(msg, err)
	return statusOf(err)
}

// setMsg copies s into the handle's C message buffer.
func (h *netHandle) setMsg(s string) {
	h.msgMu.Lock()
	putMsg(h.msg, s)
	h.msgMu.Unlock()
}

// msgCut stands for the middle of a message too long for its buffer.
const msgCut = "..."

// putMsg copies s into the C buffer buf as a NUL-terminated string. A
// message too long for buf loses its middle, cut on character boundaries:
// its start names the call and its end holds the OS reason, which a long
// path would otherwise push out.
func putMsg(buf []byte, s string) {
	room := len(buf) - 1
	if len(s) <= room {
		copy(buf, s)
		buf[len(s)] = 0
		return
	}
	head := (room - len(msgCut)) / 2
	for head > 0 && !utf8.RuneStart(s[head]) {
		head--
	}
	tail := len(s) - (room - len(msgCut) - head)
	for tail < len(s) && !utf8.RuneStart(s[tail]) {
		tail++
	}
	n := copy(buf, s[:head])
	n += copy(buf[n:], msgCut)
	n += copy(buf[n:], s[tail:])
	buf[n] = 0
}

// copyCString copies the NUL-terminated string in src into dst (at least
// as long as src).
func copyCString(dst, src []byte) {
	n := bytes.IndexByte(src, 0)
	if n < 0 {
		n = len(src) - 1
	}
	copy(dst, src[:n])
	dst[n] = 0
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
	if r != 0 && !h.stopRequested {
		h.stopRequested = true
		h.cancel()
	}
	return true
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
	net := h.net
	h.net = nil
	h.msgMu.Lock()
	mem := h.mem
	h.mem, h.msg = nil, nil
	h.msgMu.Unlock()
	h.mu.Unlock()
	net.Close()
	C.free(unsafe.Pointer(mem))
	return nil
}

// errmsg returns a copy of the handle's message in the calling thread's C
// memory, or a static message for a bad handle. The handle's own buffer is
// rewritten by calls on other threads; the copy is whole and stays put.
func errmsg(id uintptr) *C.char {
	if id == 0 {
		return C.entrena__msg_null_handle
	}
	h := handleOf(id)
	if h == nil {
		return C.entrena__msg_bad_handle
	}
	ts := threadState()
	h.msgMu.Lock()
	defer h.msgMu.Unlock()
	if h.mem == nil { // destroyed since the lookup
		return C.entrena__msg_bad_handle
	}
	copyCString(cBytes(&ts.errmsg[0], len(ts.errmsg)), h.msg)
	return &ts.errmsg[0]
}

// readVersioned copies the caller's versioned struct at p (its size in its
// first field, struct_size) over dst, which holds this library's defaults
// (ours bytes): a smaller struct comes from an older header, and the fields
// it lacks keep their defaults; a larger one from a newer header, accepted
// when its fields beyond ours are zero (their defaults). fieldEnds lists
// where each of our fields ends, so that only whole fields are copied.
func readVersioned(name, initFn string, p, dst unsafe.Pointer, ours, minSize uintptr, fieldEnds []uintptr) error {
	size := uintptr(*(*uint32)(p))
	if size < minSize || size > C.ENTRENA__STRUCT_MAX_SIZE {
		return argErr("%s.struct_size is %d, outside [%d, %d] (initialise the struct with %s)", name, size, minSize, C.ENTRENA__STRUCT_MAX_SIZE, initFn)
	}
	if size > ours {
		for i, b := range unsafe.Slice((*byte)(unsafe.Add(p, ours)), size-ours) {
			if b != 0 {
				return argErr("%s.struct_size is %d and byte %d is set: this library's struct has %d bytes and leaves newer fields at their defaults (zero)", name, size, ours+uintptr(i), ours)
			}
		}
		size = ours
	}
	n := uintptr(0)
	for _, end := range fieldEnds {
		if end <= size {
			n = end
		}
	}
	copy(unsafe.Slice((*byte)(dst), n), unsafe.Slice((*byte)(p), n))
	return nil
}

// The defaults of the versioned structs, from their C initialisers.
var specDefaults, fitOptionsDefaults = func() (C.entrena_spec, C.entrena_fit_options) {
	var s C.entrena_spec
	var o C.entrena_fit_options
	C.entrena_spec_init_sized(&s, C.size_t(unsafe.Sizeof(s)))
	C.entrena_fit_options_init_sized(&o, C.size_t(unsafe.Sizeof(o)))
	return s, o
}()

// Where each field of the versioned structs ends, for readVersioned.
var specFieldEnds = func() []uintptr {
	var s C.entrena_spec
	return []uintptr{
		unsafe.Offsetof(s.struct_size) + unsafe.Sizeof(s.struct_size),
		unsafe.Offsetof(s.inputs) + unsafe.Sizeof(s.inputs),
		unsafe.Offsetof(s.n_layers) + unsafe.Sizeof(s.n_layers),
		unsafe.Offsetof(s.loss) + unsafe.Sizeof(s.loss),
		unsafe.Offsetof(s.units) + unsafe.Sizeof(s.units),
		unsafe.Offsetof(s.activations) + unsafe.Sizeof(s.activations),
		unsafe.Offsetof(s.optimizer) + unsafe.Sizeof(s.optimizer),
		unsafe.Offsetof(s.learning_rate) + unsafe.Sizeof(s.learning_rate),
		unsafe.Offsetof(s.momentum) + unsafe.Sizeof(s.momentum),
		unsafe.Offsetof(s.beta1) + unsafe.Sizeof(s.beta1),
		unsafe.Offsetof(s.beta2) + unsafe.Sizeof(s.beta2),
		unsafe.Offsetof(s.epsilon) + unsafe.Sizeof(s.epsilon),
		unsafe.Offsetof(s.max_batch) + unsafe.Sizeof(s.max_batch),
		unsafe.Offsetof(s.threads) + unsafe.Sizeof(s.threads),
		unsafe.Offsetof(s.seed) + unsafe.Sizeof(s.seed),
		unsafe.Offsetof(s.l2) + unsafe.Sizeof(s.l2),
		unsafe.Offsetof(s.dropout) + unsafe.Sizeof(s.dropout),
		unsafe.Offsetof(s.rho) + unsafe.Sizeof(s.rho),
	}
}()

var fitOptionsFieldEnds = func() []uintptr {
	var o C.entrena_fit_options
	return []uintptr{
		unsafe.Offsetof(o.struct_size) + unsafe.Sizeof(o.struct_size),
		unsafe.Offsetof(o.epochs) + unsafe.Sizeof(o.epochs),
		unsafe.Offsetof(o.batch_size) + unsafe.Sizeof(o.batch_size),
		unsafe.Offsetof(o.shuffle) + unsafe.Sizeof(o.shuffle),
		unsafe.Offsetof(o.progress_every_batch) + unsafe.Sizeof(o.progress_every_batch),
		unsafe.Offsetof(o.progress) + unsafe.Sizeof(o.progress),
		unsafe.Offsetof(o.user_data) + unsafe.Sizeof(o.user_data),
		unsafe.Offsetof(o.val_x) + unsafe.Sizeof(o.val_x),
		unsafe.Offsetof(o.val_x_len) + unsafe.Sizeof(o.val_x_len),
		unsafe.Offsetof(o.val_y) + unsafe.Sizeof(o.val_y),
		unsafe.Offsetof(o.val_y_len) + unsafe.Sizeof(o.val_y_len),
		unsafe.Offsetof(o.val_samples) + unsafe.Sizeof(o.val_samples),
		unsafe.Offsetof(o.reduce) + unsafe.Sizeof(o.reduce),
		unsafe.Offsetof(o.reduce_user) + unsafe.Sizeof(o.reduce_user),
		unsafe.Offsetof(o.rank) + unsafe.Sizeof(o.rank),
		unsafe.Offsetof(o.size) + unsafe.Sizeof(o.size),
	}
}()

// specFromC converts and validates the C spec struct.
func specFromC(p unsafe.Pointer) (core.Spec, error) {
	var s core.Spec
	if p == nil {
		return s, argErr("spec is NULL")
	}
	spec := specDefaults
	if err := readVersioned("spec", "entrena_spec_init", p, unsafe.Pointer(&spec), unsafe.Sizeof(spec), C.ENTRENA__SPEC_MIN_SIZE, specFieldEnds); err != nil {
		return s, err
	}
	cs := &spec
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
	if cs.l2 != nil {
		for i, v := range unsafe.Slice((*float32)(unsafe.Pointer(cs.l2)), n) {
			s.Layers[i].L2 = v
		}
	}
	if cs.dropout != nil {
		for i, v := range unsafe.Slice((*float32)(unsafe.Pointer(cs.dropout)), n) {
			s.Layers[i].Dropout = v
		}
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
		Rho:          float32(cs.rho),
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
	h.reduce, h.reduceUser = nil, nil
	if p == nil {
		return o, nil
	}
	opts := fitOptionsDefaults
	if err := readVersioned("opts", "entrena_fit_options_init", p, unsafe.Pointer(&opts), unsafe.Sizeof(opts), C.ENTRENA__FIT_OPTIONS_MIN_SIZE, fitOptionsFieldEnds); err != nil {
		return o, err
	}
	co := &opts
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
	o.Rank, o.Size = int(co.rank), int(co.size)
	if co.reduce != nil {
		h.reduce, h.reduceUser = co.reduce, co.reduce_user
		o.Allreduce = h.onReduce
	}
	return o, nil
}

// kernelInfo returns the strings of the kernel and CPU functions.
func kernelInfo() asm.CPUInfo { return asm.Info() }
