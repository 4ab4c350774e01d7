//go:build cgo

package main

// Go-side tests of the C layer: the exported functions are ordinary Go
// functions here, called with pointers to Go memory (test files cannot use
// cgo, which is why every export takes Go-typed arguments). The C-side
// tests are capi/tests/test_capi.c, run by `make test-capi`.

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"github.com/v1tr0/entrena/core"
)

func smallNet(t testing.TB) uintptr {
	t.Helper()
	net, err := core.New(core.Spec{
		Inputs:    4,
		Layers:    []core.Layer{{Units: 16, Activation: core.ReLU}, {Units: 3, Activation: core.Softmax}},
		Loss:      core.CategoricalCrossEntropy,
		Optimizer: core.Optimizer{Kind: core.Adam, LearningRate: 0.01},
		MaxBatch:  8,
		Seed:      1,
		Threads:   1,
	})
	if err != nil {
		t.Fatal(err)
	}
	id := register(net)
	t.Cleanup(func() { destroy(id) })
	return id
}

func ptr(s []float32) unsafe.Pointer { return unsafe.Pointer(&s[0]) }

func data(n int) (x, y []float32) {
	x, y = make([]float32, n*4), make([]float32, n*3)
	for i := range x {
		x[i] = float32(i%7) / 7
	}
	for i := range n {
		y[i*3+i%3] = 1
	}
	return x, y
}

// TestZeroAllocs proves the steady-state calls allocate nothing.
func TestZeroAllocs(t *testing.T) {
	id := smallNet(t)
	x, y := data(64)
	out := make([]float32, 64*3)
	params := make([]float32, 4*16+16+16*3+3)
	var cost, loss, acc float32
	var threads, cores, inUse int32
	var reason unsafe.Pointer
	// Two epochs of history, for entrena_history to copy.
	if _, err := handleOf(id).net.Fit(x, y, 64, core.FitOptions{Epochs: 2, BatchSize: 8}); err != nil {
		t.Fatal(err)
	}
	calls := map[string]func() int32{
		// Its network has one thread, so there is never a reason to format.
		"thread_stats": func() int32 {
			return entrena_thread_stats(id, unsafe.Pointer(&threads), unsafe.Pointer(&cores), unsafe.Pointer(&inUse), unsafe.Pointer(&reason))
		},
		"train_step": func() int32 {
			return entrena_train_step(id, ptr(x), int64(len(x)), ptr(y), int64(len(y)), 8, unsafe.Pointer(&cost))
		},
		"predict":  func() int32 { return entrena_predict(id, ptr(x), int64(len(x)), 64, ptr(out), int64(len(out))) },
		"predict1": func() int32 { return entrena_predict(id, ptr(x), 4, 1, ptr(out), 3) },
		"evaluate": func() int32 {
			return entrena_evaluate(id, ptr(x), int64(len(x)), ptr(y), int64(len(y)), 64, unsafe.Pointer(&loss), unsafe.Pointer(&acc))
		},
		"get_params": func() int32 { return entrena_get_params(id, ptr(params), int64(len(params))) },
		"history": func() int32 {
			var epochs int64
			if st := entrena_history(id, nil, 0, unsafe.Pointer(&epochs)); st != statusOK {
				return st
			}
			return entrena_history(id, ptr(params), int64(len(params)), unsafe.Pointer(&epochs))
		},
	}
	for name, call := range calls {
		if st := call(); st != statusOK {
			t.Fatalf("%s: status %d: %s", name, st, C2Go(entrena_errmsg(id)))
		}
		if n := testing.AllocsPerRun(100, func() { call() }); n != 0 {
			t.Errorf("%s: %v allocations per call, want 0", name, n)
		}
	}
}

// TestFitAllocs: entrena_fit's allocations do not grow with epochs or batches.
func TestFitAllocs(t *testing.T) {
	id := smallNet(t)
	x, y := data(64)
	fit := func(epochs int) float64 {
		h := handleOf(id)
		return testing.AllocsPerRun(20, func() {
			h.mu.Lock()
			_, err := h.net.Fit(x, y, 64, core.FitOptions{Epochs: epochs, BatchSize: 8, Shuffle: true})
			h.mu.Unlock()
			if err != nil {
				t.Fatal(err)
			}
		})
	}
	fit(1)
	one, fifty := fit(1), fit(50)
	t.Logf("allocations per Fit call: %v for 1 epoch, %v for 50 epochs of 8 batches", one, fifty)
	if fifty > one+1 {
		t.Errorf("Fit of 50 epochs allocates %v times, 1 epoch %v: allocations grow with epochs", fifty, one)
	}
}

// TestThreadStats: entrena_thread_stats reports what core's ThreadStats
// does, through optional out-pointers and a reason in the handle's memory.
func TestThreadStats(t *testing.T) {
	id := smallNet(t) // one thread
	var threads, cores, inUse int32
	var reason unsafe.Pointer
	stats := func() int32 {
		return entrena_thread_stats(id, unsafe.Pointer(&threads), unsafe.Pointer(&cores), unsafe.Pointer(&inUse), unsafe.Pointer(&reason))
	}
	if st := stats(); st != statusOK || threads != 1 || inUse != 1 || cores < 1 || CPtr2Go(reason) != "" {
		t.Fatalf("one thread: status %d, threads %d, cores %d, in use %d, reason %q", st, threads, cores, inUse, CPtr2Go(reason))
	}
	if st := entrena_thread_stats(id, nil, nil, nil, nil); st != statusOK {
		t.Errorf("no out-pointers: status %d", st)
	}

	// One thread more than the process can use: the pool uses the cores,
	// and the reason says what limits them.
	if st := entrena_set_threads(id, cores+1); st != statusOK {
		t.Fatalf("set_threads(%d): %s", cores+1, C2Go(entrena_errmsg(id)))
	}
	want := handleOf(id).net.ThreadStats()
	if st := stats(); st != statusOK || threads != cores+1 || inUse != cores || int(cores) != want.Cores {
		t.Errorf("threads %d of %d cores: status %d, threads %d, cores %d, in use %d", cores+1, want.Cores, st, threads, cores, inUse)
	}
	if got := CPtr2Go(reason); got != want.Reason || !strings.HasPrefix(got, "this process can use ") {
		t.Errorf("reason %q, want %q", got, want.Reason)
	}
	if msg := C2Go(entrena_errmsg(id)); msg != "not an error" {
		t.Errorf("message after success: %q", msg)
	}

	// Failures leave the out-pointers alone.
	threads, inUse = -7, -7
	h := handleOf(id)
	h.busy.Store(true)
	if st := stats(); st != statusBusy || threads != -7 || inUse != -7 {
		t.Errorf("busy: status %d, threads %d, in use %d", st, threads, inUse)
	}
	h.busy.Store(false)
	for _, bad := range []uintptr{0, 1 << 40} {
		if st := entrena_thread_stats(bad, unsafe.Pointer(&threads), nil, unsafe.Pointer(&inUse), unsafe.Pointer(&reason)); st != statusHandle || threads != -7 {
			t.Errorf("handle %#x: status %d, threads %d", bad, st, threads)
		}
	}
}

func TestStatusOf(t *testing.T) {
	_, ioErr := os.Open(filepath.Join(t.TempDir(), "missing"))
	for _, c := range []struct {
		err  error
		want int32
	}{
		{nil, statusOK},
		{argErr("x"), statusArgument},
		{fmt.Errorf("wrapped: %w", core.ErrSpec), statusSpec},
		{core.ErrShape, statusShape},
		{core.ErrData, statusData},
		{&core.DivergedError{}, statusDiverged},
		{core.ErrStopped, statusStopped},
		{core.ErrModel, statusModel},
		{core.ErrVersion, statusVersion},
		{ioErr, statusIO},
		{errHandle, statusHandle},
		{errBusy, statusBusy},
		{core.ErrKernels, statusKernel},
		{errKernel, statusKernel},
		{panicErr("boom"), statusInternal},
		{fmt.Errorf("%w: %w", core.ErrReduce, errors.New("timeout")), statusReduce},
		{errors.New("anything else"), statusInternal},
	} {
		if got := statusOf(c.err); got != c.want {
			t.Errorf("statusOf(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}

func TestErrorsAndPanics(t *testing.T) {
	id := smallNet(t)
	x, y := data(8)
	var cost float32
	if st := entrena_train_step(id, ptr(x), 31, ptr(y), int64(len(y)), 8, unsafe.Pointer(&cost)); st != statusShape {
		t.Errorf("short x: status %d, want %d", st, statusShape)
	}
	if msg := C2Go(entrena_errmsg(id)); msg != "entrena_train_step: bad shape: x has 31 floats, need 32 (8 samples × 4)" {
		t.Errorf("message %q", msg)
	}
	x[3] = float32(math.NaN())
	if st := entrena_train_step(id, ptr(x), int64(len(x)), ptr(y), int64(len(y)), 8, nil); st != statusData {
		t.Errorf("NaN: status %d, want %d", st, statusData)
	}
	if st := entrena_debug_panic(id); st != statusInternal {
		t.Errorf("panic: status %d, want %d", st, statusInternal)
	}
	var n int64
	if st := entrena_param_count(id, unsafe.Pointer(&n)); st != statusOK || n != 4*16+16+16*3+3 {
		t.Errorf("after a panic: status %d, count %d", st, n)
	}
	if C2Go(entrena_errmsg(id)) != "not an error" {
		t.Errorf("message after success: %q", C2Go(entrena_errmsg(id)))
	}
	h := handleOf(id)
	h.busy.Store(true)
	if st := entrena_param_count(id, unsafe.Pointer(&n)); st != statusBusy {
		t.Errorf("busy: status %d, want %d", st, statusBusy)
	}
	if st := entrena_destroy(id); st != statusBusy {
		t.Errorf("destroy busy: status %d, want %d", st, statusBusy)
	}
	h.busy.Store(false)
	if st := entrena_destroy(id); st != statusOK {
		t.Errorf("destroy: status %d", st)
	}
	if st := entrena_destroy(id); st != statusHandle {
		t.Errorf("double destroy: status %d, want %d", st, statusHandle)
	}
	if st := entrena_param_count(id, unsafe.Pointer(&n)); st != statusHandle {
		t.Errorf("use after destroy: status %d, want %d", st, statusHandle)
	}
}

func TestFloatsIn(t *testing.T) {
	buf := make([]float32, 10)
	for _, c := range []struct {
		p                  unsafe.Pointer
		length, rows, cols int64
		want               int32
	}{
		{ptr(buf), 10, 2, 5, statusOK},
		{ptr(buf), 9, 2, 5, statusShape},
		{ptr(buf), -1, 2, 5, statusArgument},
		{ptr(buf), 10, -2, 5, statusArgument},
		{nil, 10, 2, 5, statusArgument},
		{nil, 0, 0, 5, statusOK},
		// Lengths and counts no buffer can have: refused before any slice.
		{ptr(buf), math.MaxInt64, math.MaxInt64 / 2, 3, statusArgument},
		{ptr(buf), math.MaxInt64, 2, 5, statusArgument},
		{ptr(buf), maxFloats + 1, 2, 5, statusArgument},
		{ptr(buf), 10, math.MaxInt64 / 4, 4, statusShape},
		{ptr(buf), maxFloats, maxFloats/4 + 1, 4, statusShape},
		{unsafe.Add(unsafe.Pointer(nil), -16), maxFloats, 8, 1, statusShape}, // past the end of memory
	} {
		_, err := floatsIn("x", c.p, c.length, c.rows, c.cols)
		if got := statusOf(err); got != c.want {
			t.Errorf("floatsIn(len %d, %d×%d) = %d (%v), want %d", c.length, c.rows, c.cols, got, err, c.want)
		}
	}
}
