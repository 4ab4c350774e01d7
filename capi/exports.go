package main

// The exported functions. Their parameters use Go types only (uintptr for
// entrena_net* and size_t, unsafe.Pointer for every other pointer), so that
// the prototypes cgo generates never meet the public header's; the
// C-level signatures are those of include/entrena.h: TestHeaderSignatures
// (header_test.go) checks each export's parameters against its prototype,
// check_header.sh the exported symbols, and the C tests call them all. Every function recovers panics.

import "C"

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/core"
	"github.com/v1tr0/entrena/internal/regularfile"
	"github.com/v1tr0/entrena/onnx"
)

// guard turns a panic that escaped everything else into ENTRENA_ERR_INTERNAL.
func guard(fn string, status *int32) {
	if r := recover(); r != nil {
		*status = fail(fn, panicErr(r))
	}
}

// maxBytes is more bytes than any buffer holds: no 64-bit system gives a
// process more than 2^57 bytes of address space (x86-64 with 5-level
// paging; arm64 has at most 2^52).
const (
	maxBytes  = 1 << 57
	maxFloats = maxBytes / 4
)

// floatsIn returns the rows×cols floats at p as a slice of C memory, after
// checking the caller's element count length. Every size is checked before
// the slice is made, whatever length the caller claims: a slice that could
// not exist is a shape error, never a panic.
func floatsIn(name string, p unsafe.Pointer, length, rows, cols int64) ([]float32, error) {
	if length < 0 {
		return nil, argErr("%s_len is negative (%d)", name, length)
	}
	if length > maxFloats {
		return nil, argErr("%s_len is %d, more floats than any address space holds", name, length)
	}
	if rows < 0 {
		return nil, argErr("sample count is negative (%d)", rows)
	}
	if cols > 0 && rows > maxFloats/cols {
		return nil, shapeErr("%d samples × %d values is more floats than any buffer holds", rows, cols)
	}
	need := rows * cols
	if length < need {
		return nil, shapeErr("%s has %d floats, need %d (%d samples × %d)", name, length, need, rows, cols)
	}
	if need == 0 {
		return nil, nil
	}
	if p == nil {
		return nil, argErr("%s is NULL", name)
	}
	if uintptr(p) > ^uintptr(0)-uintptr(need)*4 {
		return nil, shapeErr("%s: %d floats from %p run past the end of the address space", name, need, p)
	}
	return unsafe.Slice((*float32)(p), need), nil
}

// bytesIn returns the need bytes at p (non-NULL) as a slice of C memory,
// after checking the caller's byte count size as floatsIn does a length.
func bytesIn(name string, p unsafe.Pointer, size, need uintptr) ([]byte, error) {
	if size > maxBytes {
		return nil, argErr("%s_size is %d, more bytes than any address space holds", name, size)
	}
	if size < need {
		return nil, shapeErr("%s has %d bytes, need %d", name, size, need)
	}
	if uintptr(p) > ^uintptr(0)-need {
		return nil, shapeErr("%s: %d bytes from %p run past the end of the address space", name, need, p)
	}
	return unsafe.Slice((*byte)(p), need), nil
}

// putString implements the string-result convention of entrena.h.
func putString(s string, buf unsafe.Pointer, size uintptr, needed unsafe.Pointer) error {
	n := uintptr(len(s)) + 1
	if needed != nil {
		*(*uintptr)(needed) = n
	}
	if buf == nil {
		if size == 0 {
			return nil
		}
		return argErr("buf is NULL but buf_size is %d", size)
	}
	b, err := bytesIn("buf", buf, size, n)
	if err != nil {
		return err
	}
	copy(b, s)
	b[n-1] = 0
	return nil
}

func stringCall(fn string, s func() string, buf unsafe.Pointer, size uintptr, needed unsafe.Pointer) (status int32) {
	defer guard(fn, &status)
	if err := putString(s(), buf, size, needed); err != nil {
		return fail(fn, err)
	}
	return statusOK
}

func setFloat(p unsafe.Pointer, v float32) {
	if p != nil {
		*(*float32)(p) = v
	}
}

func setInt64(p unsafe.Pointer, v int64) {
	if p != nil {
		*(*int64)(p) = v
	}
}

func setInt32(p unsafe.Pointer, v int32) {
	if p != nil {
		*(*int32)(p) = v
	}
}

//export entrena_errmsg
func entrena_errmsg(net uintptr) (msg *C.char) {
	defer func() {
		if recover() != nil {
			msg = errmsg(0)
		}
	}()
	return errmsg(net)
}

//export entrena_kernel_active
func entrena_kernel_active(buf unsafe.Pointer, size uintptr, needed unsafe.Pointer) int32 {
	const fn = "entrena_kernel_active"
	// No path is in use while a bad ENTRENA_KERNELS stops every network.
	if err := core.KernelError(); err != nil {
		return fail(fn, err)
	}
	return stringCall(fn, asm.Active, buf, size, needed)
}

//export entrena_kernels_available
func entrena_kernels_available(buf unsafe.Pointer, size uintptr, needed unsafe.Pointer) int32 {
	return stringCall("entrena_kernels_available", func() string { return strings.Join(asm.Available(), ",") }, buf, size, needed)
}

//export entrena_cpu_features
func entrena_cpu_features(buf unsafe.Pointer, size uintptr, needed unsafe.Pointer) int32 {
	return stringCall("entrena_cpu_features", func() string { return strings.Join(kernelInfo().Features, ",") }, buf, size, needed)
}

//export entrena_cpu_model
func entrena_cpu_model(buf unsafe.Pointer, size uintptr, needed unsafe.Pointer) int32 {
	return stringCall("entrena_cpu_model", func() string { return kernelInfo().Model }, buf, size, needed)
}

//export entrena_kernel_use
func entrena_kernel_use(path *C.char) (status int32) {
	const fn = "entrena_kernel_use"
	defer guard(fn, &status)
	if path == nil {
		return fail(fn, argErr("path is NULL"))
	}
	if err := asm.Use(C.GoString(path)); err != nil {
		return fail(fn, fmt.Errorf("%w: %v", errKernel, err))
	}
	return statusOK
}

// newHandle stores the handle of a network built by build into *out.
func newHandle(fn string, out unsafe.Pointer, build func() (*core.Network, error)) (status int32) {
	defer guard(fn, &status)
	if out == nil {
		return fail(fn, argErr("out_net is NULL"))
	}
	*(*uintptr)(out) = 0
	net, err := build()
	if err != nil {
		return fail(fn, err)
	}
	*(*uintptr)(out) = register(net)
	return statusOK
}

//export entrena_create
func entrena_create(spec unsafe.Pointer, out unsafe.Pointer) int32 {
	return newHandle("entrena_create", out, func() (*core.Network, error) {
		s, err := specFromC(spec)
		if err != nil {
			return nil, err
		}
		return core.New(s)
	})
}

//export entrena_load
func entrena_load(path *C.char, out unsafe.Pointer) int32 {
	return newHandle("entrena_load", out, func() (*core.Network, error) {
		if path == nil {
			return nil, argErr("path is NULL")
		}
		return core.Load(C.GoString(path))
	})
}

//export entrena_load_buffer
func entrena_load_buffer(buf unsafe.Pointer, size uintptr, out unsafe.Pointer) int32 {
	return newHandle("entrena_load_buffer", out, func() (*core.Network, error) {
		if buf == nil {
			return nil, argErr("buf is NULL")
		}
		// The size conventions first: beyond any address space is an
		// argument error, whatever the data.
		data, err := bytesIn("buf", buf, size, size)
		if err != nil {
			return nil, err
		}
		if size > math.MaxInt32*4 {
			return nil, fmt.Errorf("%w: buffer of %d bytes is larger than any model", core.ErrModel, size)
		}
		return core.Decode(data)
	})
}

//export entrena_destroy
func entrena_destroy(net uintptr) (status int32) {
	const fn = "entrena_destroy"
	defer guard(fn, &status)
	if err := destroy(net); err != nil {
		return fail(fn, err)
	}
	return statusOK
}

//export entrena_shape
func entrena_shape(net uintptr, inputs, outputs, maxBatch, layers unsafe.Pointer) (status int32) {
	const fn = "entrena_shape"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		setInt64(inputs, int64(h.net.Inputs()))
		setInt64(outputs, int64(h.net.Outputs()))
		setInt64(maxBatch, int64(h.net.MaxBatch()))
		setInt64(layers, int64(len(h.net.Spec().Layers)))
		return nil
	})
}

//export entrena_layer
func entrena_layer(net uintptr, index int64, units, activation unsafe.Pointer) (status int32) {
	const fn = "entrena_layer"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		layers := h.net.Spec().Layers
		if index < 0 || index >= int64(len(layers)) {
			return shapeErr("layer %d out of range [0, %d)", index, len(layers))
		}
		setInt64(units, int64(layers[index].Units))
		if activation != nil {
			*(*int32)(activation) = int32(layers[index].Activation)
		}
		return nil
	})
}

//export entrena_layer_regularization
func entrena_layer_regularization(net uintptr, index int64, l2, dropout unsafe.Pointer) (status int32) {
	const fn = "entrena_layer_regularization"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		layers := h.net.Spec().Layers
		if index < 0 || index >= int64(len(layers)) {
			return shapeErr("layer %d out of range [0, %d)", index, len(layers))
		}
		if l2 != nil {
			*(*float32)(l2) = layers[index].L2
		}
		if dropout != nil {
			*(*float32)(dropout) = layers[index].Dropout
		}
		return nil
	})
}

//export entrena_training_config
func entrena_training_config(net uintptr, loss, optimizer, learningRate unsafe.Pointer) (status int32) {
	const fn = "entrena_training_config"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		s := h.net.Spec()
		if loss != nil {
			*(*int32)(loss) = int32(s.Loss)
		}
		if optimizer != nil {
			*(*int32)(optimizer) = int32(s.Optimizer.Kind)
		}
		setFloat(learningRate, s.Optimizer.LearningRate)
		return nil
	})
}

//export entrena_optimizer_config
func entrena_optimizer_config(net uintptr, momentum, beta1, beta2, epsilon, rho unsafe.Pointer) (status int32) {
	const fn = "entrena_optimizer_config"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		o := h.net.Spec().Optimizer
		setFloat(momentum, o.Momentum)
		setFloat(beta1, o.Beta1)
		setFloat(beta2, o.Beta2)
		setFloat(epsilon, o.Epsilon)
		setFloat(rho, o.Rho)
		return nil
	})
}

//export entrena_set_learning_rate
func entrena_set_learning_rate(net uintptr, lr float32) (status int32) {
	const fn = "entrena_set_learning_rate"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error { return h.net.SetLearningRate(lr) })
}

//export entrena_set_threads
func entrena_set_threads(net uintptr, threads int32) (status int32) {
	const fn = "entrena_set_threads"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error { return h.net.SetThreads(int(threads)) })
}

//export entrena_thread_stats
func entrena_thread_stats(net uintptr, threads, cores, inUse, reason unsafe.Pointer) (status int32) {
	const fn = "entrena_thread_stats"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		st := h.net.ThreadStats()
		setInt32(threads, int32(st.Threads))
		setInt32(cores, int32(st.Cores))
		setInt32(inUse, int32(st.InUse))
		if reason != nil {
			// Copied into the calling thread's C memory: C must not keep a
			// pointer to a Go string, and another thread's call must not
			// rewrite it while this one reads it.
			ts := threadState()
			putMsg(cBytes(&ts.threads_reason[0], len(ts.threads_reason)), st.Reason)
			*(**C.char)(reason) = &ts.threads_reason[0]
		}
		return nil
	})
}

//export entrena_set_seed
func entrena_set_seed(net uintptr, seed uint64) (status int32) {
	const fn = "entrena_set_seed"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error { return h.net.Reseed(seed) })
}

//export entrena_train_step
func entrena_train_step(net uintptr, x unsafe.Pointer, xLen int64, y unsafe.Pointer, yLen int64, batch int64, cost unsafe.Pointer) (status int32) {
	const fn = "entrena_train_step"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		// The batch first: x and y are sized by it.
		if batch < 0 {
			return argErr("batch is negative (%d)", batch)
		}
		if mb := int64(h.net.MaxBatch()); batch < 1 || batch > mb {
			return shapeErr("batch of %d samples; must be between 1 and the network's max batch %d", batch, mb)
		}
		xs, err := floatsIn("x", x, xLen, batch, int64(h.net.Inputs()))
		if err != nil {
			return err
		}
		ys, err := floatsIn("y", y, yLen, batch, int64(h.net.Outputs()))
		if err != nil {
			return err
		}
		c, err := h.net.TrainStep(xs, ys, int(batch))
		if err != nil {
			return err
		}
		setFloat(cost, c)
		return nil
	})
}

//export entrena_fit
func entrena_fit(net uintptr, x unsafe.Pointer, xLen int64, y unsafe.Pointer, yLen int64, samples int64, opts unsafe.Pointer, cost unsafe.Pointer) (status int32) {
	const fn = "entrena_fit"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		xs, err := floatsIn("x", x, xLen, samples, int64(h.net.Inputs()))
		if err != nil {
			return err
		}
		ys, err := floatsIn("y", y, yLen, samples, int64(h.net.Outputs()))
		if err != nil {
			return err
		}
		o, err := h.fitOptionsFromC(opts)
		if err != nil {
			return err
		}
		ctx, cancel := context.WithCancel(context.Background())
		h.cancel, h.stopRequested = cancel, false
		hist, err := h.net.FitContext(ctx, xs, ys, int(samples), o)
		stopped := h.stopRequested
		cancel()
		h.cb, h.userData, h.cancel, h.stopRequested = nil, nil, nil, false
		h.reduce, h.reduceUser = nil, nil
		if stopped && (err == nil || errors.Is(err, context.Canceled)) {
			// Asked after the last epoch's end too: stopped all the same.
			err = core.ErrStopped
		}
		// *cost is an out-parameter written on failure only where the
		// header says so. (Not through statusOf, which allocates.)
		if len(hist.Cost) > 0 && (err == nil || errors.Is(err, core.ErrStopped) || errors.Is(err, core.ErrDiverged)) {
			setFloat(cost, hist.Cost[len(hist.Cost)-1])
		}
		return err
	})
}

//export entrena_predict
func entrena_predict(net uintptr, x unsafe.Pointer, xLen int64, samples int64, out unsafe.Pointer, outLen int64) (status int32) {
	const fn = "entrena_predict"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		xs, err := floatsIn("x", x, xLen, samples, int64(h.net.Inputs()))
		if err != nil {
			return err
		}
		os, err := floatsIn("out", out, outLen, samples, int64(h.net.Outputs()))
		if err != nil {
			return err
		}
		return h.net.Predict(xs, int(samples), os)
	})
}

//export entrena_evaluate
func entrena_evaluate(net uintptr, x unsafe.Pointer, xLen int64, y unsafe.Pointer, yLen int64, samples int64, loss, accuracy unsafe.Pointer) (status int32) {
	const fn = "entrena_evaluate"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		xs, err := floatsIn("x", x, xLen, samples, int64(h.net.Inputs()))
		if err != nil {
			return err
		}
		ys, err := floatsIn("y", y, yLen, samples, int64(h.net.Outputs()))
		if err != nil {
			return err
		}
		l, a, err := h.net.Evaluate(xs, ys, int(samples))
		if err != nil {
			return err
		}
		setFloat(loss, l)
		setFloat(accuracy, a)
		return nil
	})
}

//export entrena_param_count
func entrena_param_count(net uintptr, count unsafe.Pointer) (status int32) {
	const fn = "entrena_param_count"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		if count == nil {
			return argErr("out_count is NULL")
		}
		*(*int64)(count) = int64(h.net.ParamCount())
		return nil
	})
}

//export entrena_get_params
func entrena_get_params(net uintptr, dst unsafe.Pointer, dstLen int64) (status int32) {
	const fn = "entrena_get_params"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		d, err := floatsIn("dst", dst, dstLen, 1, int64(h.net.ParamCount()))
		if err != nil {
			return err
		}
		_, err = h.net.CopyParams(d)
		return err
	})
}

//export entrena_set_params
func entrena_set_params(net uintptr, src unsafe.Pointer, srcLen int64) (status int32) {
	const fn = "entrena_set_params"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		n := int64(h.net.ParamCount())
		if srcLen >= 0 && srcLen != n {
			return shapeErr("src has %d floats, need exactly %d", srcLen, n)
		}
		s, err := floatsIn("src", src, srcLen, 1, n)
		if err != nil {
			return err
		}
		return h.net.SetParams(s)
	})
}

//export entrena_history
func entrena_history(net uintptr, dst unsafe.Pointer, dstLen int64, needed unsafe.Pointer) (status int32) {
	const fn = "entrena_history"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		epochs := h.net.CopyHistory(nil) // no fit runs: the handle is held
		setInt64(needed, int64(epochs))
		if dst == nil {
			if dstLen == 0 {
				return nil // a size query
			}
			return argErr("dst is NULL but dst_len is %d", dstLen)
		}
		d, err := floatsIn("dst", dst, dstLen, 1, int64(epochs))
		if err != nil {
			return err
		}
		h.net.CopyHistory(d)
		return nil
	})
}

//export entrena_save
func entrena_save(net uintptr, path *C.char) (status int32) {
	const fn = "entrena_save"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		if path == nil {
			return argErr("path is NULL")
		}
		return h.net.Save(C.GoString(path))
	})
}

//export entrena_save_onnx
func entrena_save_onnx(net uintptr, path *C.char) (status int32) {
	const fn = "entrena_save_onnx"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		if path == nil {
			return argErr("path is NULL")
		}
		var buf bytes.Buffer
		if err := onnx.Write(&buf, h.net, onnx.Options{Producer: core.Version}); err != nil {
			if errors.Is(err, onnx.ErrExport) {
				return fmt.Errorf("%w: %w", core.ErrData, err) // a NaN or ±Inf parameter
			}
			return err
		}
		return regularfile.WriteAtomic(C.GoString(path), buf.Bytes())
	})
}

//export entrena_model_size
func entrena_model_size(net uintptr, size unsafe.Pointer) (status int32) {
	const fn = "entrena_model_size"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		if size == nil {
			return argErr("out_size is NULL")
		}
		*(*uintptr)(size) = uintptr(h.net.EncodedSize())
		return nil
	})
}

//export entrena_save_buffer
func entrena_save_buffer(net uintptr, buf unsafe.Pointer, size uintptr, needed unsafe.Pointer) (status int32) {
	const fn = "entrena_save_buffer"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		need := uintptr(h.net.EncodedSize())
		if needed != nil {
			*(*uintptr)(needed) = need
		}
		if buf == nil {
			if size == 0 {
				return nil // a size query
			}
			return argErr("buf is NULL but buf_size is %d", size)
		}
		b, err := bytesIn("buf", buf, size, need)
		if err != nil {
			return err
		}
		_, err = h.net.Encode(b)
		return err
	})
}

//export entrena_schema_json
func entrena_schema_json(net uintptr, buf unsafe.Pointer, size uintptr, needed unsafe.Pointer) (status int32) {
	const fn = "entrena_schema_json"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		return putString(string(h.net.SchemaJSON()), buf, size, needed)
	})
}

//export entrena_set_schema_json
func entrena_set_schema_json(net uintptr, json *C.char) (status int32) {
	const fn = "entrena_set_schema_json"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		if json == nil {
			return h.net.SetSchema(nil)
		}
		return h.net.SetSchemaJSON([]byte(C.GoString(json)))
	})
}

var memStats struct {
	sync.Mutex
	runtime.MemStats
}

//export entrena_debug_mallocs
func entrena_debug_mallocs(out unsafe.Pointer) (status int32) {
	const fn = "entrena_debug_mallocs"
	defer guard(fn, &status)
	if out == nil {
		return fail(fn, argErr("out_mallocs is NULL"))
	}
	memStats.Lock()
	defer memStats.Unlock()
	runtime.ReadMemStats(&memStats.MemStats)
	*(*uint64)(out) = memStats.Mallocs
	return statusOK
}

//export entrena_debug_panic
func entrena_debug_panic(net uintptr) (status int32) {
	const fn = "entrena_debug_panic"
	defer guard(fn, &status)
	if net == 0 {
		panic("entrena_debug_panic called")
	}
	return withNet(fn, net, func(h *netHandle) error { panic("entrena_debug_panic called") })
}
