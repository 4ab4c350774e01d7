//go:build cgo

package main

// What a C caller can do wrong, or do from several threads, and what the
// library must answer: a status of the enum, never a recovered panic, and
// messages that stay whole. capi/tests/test_capi.c checks the same from C.

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"unicode/utf8"
	"unsafe"

	"github.com/v1tr0/entrena/core"
)

// TestHugeLengths: lengths and sample counts near INT64_MAX are argument or
// shape errors, checked before any slice is made.
func TestHugeLengths(t *testing.T) {
	id := smallNet(t) // 4 inputs, 3 outputs, max batch 8
	x, y := data(8)
	out := make([]float32, 8*3)
	var cost, loss, acc float32
	counts := []int64{math.MaxInt64, math.MaxInt64 / 2, math.MaxInt64 / 3, math.MaxInt64 / 4, math.MaxInt64/4 + 1,
		math.MaxInt64 / 16, 1 << 61, 1 << 60, 1<<55 + 1}
	lengths := []int64{math.MaxInt64, math.MaxInt64 - 1, maxFloats + 1, int64(len(x))}
	for _, n := range counts {
		for _, l := range lengths {
			calls := map[string]int32{
				"predict":    entrena_predict(id, ptr(x), l, n, ptr(out), l),
				"evaluate":   entrena_evaluate(id, ptr(x), l, ptr(y), l, n, unsafe.Pointer(&loss), unsafe.Pointer(&acc)),
				"fit":        entrena_fit(id, ptr(x), l, ptr(y), l, n, nil, unsafe.Pointer(&cost)),
				"train_step": entrena_train_step(id, ptr(x), l, ptr(y), l, n, unsafe.Pointer(&cost)),
			}
			for name, st := range calls {
				if st != statusArgument && st != statusShape {
					t.Errorf("%s(len %d, count %d): status %d (%s), want argument or shape", name, l, n, st, statusString(st))
				}
			}
		}
	}
	// Byte sizes likewise.
	buf := make([]byte, 64)
	var needed uintptr
	for name, st := range map[string]int32{
		"save_buffer":   entrena_save_buffer(id, unsafe.Pointer(&buf[0]), ^uintptr(0), unsafe.Pointer(&needed)),
		"kernel_active": entrena_kernel_active(unsafe.Pointer(&buf[0]), maxBytes+1, nil),
		"load_buffer":   entrena_load_buffer(unsafe.Add(unsafe.Pointer(nil), -16), 64, unsafe.Pointer(&needed)),
	} {
		if st != statusArgument && st != statusShape {
			t.Errorf("%s with an impossible size: status %d (%s)", name, st, statusString(st))
		}
	}
	// A size beyond any address space is an argument error (CONVENTIONS,
	// Buffer lengths) before it is anything else.
	for name, st := range map[string]int32{
		"load_buffer SIZE_MAX":   entrena_load_buffer(unsafe.Pointer(&buf[0]), ^uintptr(0), unsafe.Pointer(&needed)),
		"load_buffer 2^57+1":     entrena_load_buffer(unsafe.Pointer(&buf[0]), maxBytes+1, unsafe.Pointer(&needed)),
		"kernel_active SIZE_MAX": entrena_kernel_active(unsafe.Pointer(&buf[0]), ^uintptr(0), nil),
	} {
		if st != statusArgument {
			t.Errorf("%s: status %d (%s), want argument", name, st, statusString(st))
		}
	}
	if st := entrena_predict(id, ptr(x), 4, 1, ptr(out), 3); st != statusOK {
		t.Errorf("the handle after huge lengths: status %d", st)
	}
}

// TestTrainStepChecksBatchFirst: a batch above max_batch is refused before
// x and y are sized by it, whatever lengths come with it.
func TestTrainStepChecksBatchFirst(t *testing.T) {
	id := smallNet(t)
	x, y := data(8)
	for _, batch := range []int64{9, 1 << 40, math.MaxInt64/4 - 1} {
		st := entrena_train_step(id, ptr(x), maxFloats, ptr(y), maxFloats, batch, nil)
		if msg := C2Go(entrena_errmsg(id)); st != statusShape || !strings.Contains(msg, "max batch 8") {
			t.Errorf("batch %d: status %d, message %q; want shape, naming the max batch", batch, st, msg)
		}
	}
	if st := entrena_train_step(id, ptr(x), 32, ptr(y), 24, -1, nil); st != statusArgument {
		t.Errorf("batch -1: status %d, want argument", st)
	}
}

// TestHandlesNotGuessable: handles created in a row are not neighbours, and
// a live handle changed by a little or a lot is not a handle.
func TestHandlesNotGuessable(t *testing.T) {
	a, b := smallNet(t), smallNet(t)
	if b == a+1 || b == a-1 || a == 0 || b == 0 {
		t.Errorf("handles %#x and %#x created in a row", a, b)
	}
	var n int64
	for _, forged := range []uintptr{a + 1, a - 1, a ^ 1, a + 1<<32, a ^ 1<<63, b + 1, b - a, a + b} {
		if forged == a || forged == b {
			continue
		}
		if st := entrena_param_count(forged, unsafe.Pointer(&n)); st != statusHandle {
			t.Errorf("handle %#x (a = %#x, b = %#x): status %d, want bad handle", forged, a, b, st)
		}
		if msg := C2Go(entrena_errmsg(forged)); msg != "unknown or destroyed handle" {
			t.Errorf("errmsg(%#x) = %q", forged, msg)
		}
	}
	if st := entrena_param_count(a, unsafe.Pointer(&n)); st != statusOK {
		t.Errorf("the live handle: status %d", st)
	}
	// The permutation never repeats: the first 100000 handles differ.
	seen := map[uintptr]bool{}
	for i := range uint64(100000) {
		id := handleID(i)
		if seen[id] {
			t.Fatalf("handle %#x handed out twice", id)
		}
		seen[id] = true
	}
}

// TestErrmsgWholeUnderThreads: two threads make failing calls on one handle
// and read entrena_errmsg after each: every message is one of the two, whole.
func TestErrmsgWholeUnderThreads(t *testing.T) {
	id := smallNet(t)
	x, y := data(8)
	out := make([]float32, 8*3)
	fail := [2]func(){
		func() { entrena_predict(id, ptr(x), 3, 1, ptr(out), 3) },
		func() { entrena_evaluate(id, ptr(x), 32, ptr(y), 23, 8, nil, nil) },
	}
	want := [2]string{}
	for i, call := range fail {
		call()
		want[i] = C2Go(entrena_errmsg(id))
	}
	iters := 50000
	if testing.Short() {
		iters = 5000
	}
	var wg sync.WaitGroup
	torn := make([]string, 2)
	for i := range 2 {
		wg.Go(func() {
			runtime.LockOSThread() // the message copy lives in this thread's storage
			defer runtime.UnlockOSThread()
			for range iters {
				fail[i]()
				if msg := C2Go(entrena_errmsg(id)); msg != want[0] && msg != want[1] {
					torn[i] = msg
					return
				}
			}
		})
	}
	wg.Wait()
	for i, msg := range torn {
		if msg != "" {
			t.Errorf("thread %d read a message that is neither call's: %q", i, msg)
		}
	}
}

// TestLongMessagesKeepTheReason: a message longer than ENTRENA_ERRMSG_MAX
// loses its middle; the call's name and the OS reason remain, and
// entrena_last_errno gives the OS error.
func TestLongMessagesKeepTheReason(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	path := filepath.Join(t.TempDir(), "missing", strings.Repeat("d/", 1500), "model.entrena")
	p := cString(path)
	defer freeCString(p)
	var h uintptr
	if st := entrena_load(p, unsafe.Pointer(&h)); st != statusIO {
		t.Fatalf("load: status %d", st)
	}
	msg := lastError()
	if len(msg) >= errmsgMax || !strings.HasPrefix(msg, "entrena_load: ") ||
		!strings.HasSuffix(msg, "no such file or directory") || !strings.Contains(msg, msgCut) {
		t.Errorf("message of %d bytes: %q", len(msg), msg)
	}
	if got := lastErrno(); got != int(syscall.ENOENT) {
		t.Errorf("last errno %d, want ENOENT (%d)", got, syscall.ENOENT)
	}
	id := smallNet(t)
	if st := entrena_layer(id, 5, nil, nil); st != statusShape || lastErrno() != 0 {
		t.Errorf("a failure with no OS cause: status %d, errno %d", st, lastErrno())
	}

	buf := make([]byte, 16)
	putMsg(buf, "fits")
	if got := CPtr2Go(unsafe.Pointer(&buf[0])); got != "fits" {
		t.Errorf("putMsg(fits) = %q", got)
	}
	for _, s := range []string{"abcdefghijklmnopqrstuvwxyz", strings.Repeat("é", 20)} {
		putMsg(buf, s)
		got := CPtr2Go(unsafe.Pointer(&buf[0]))
		head, tail, cut := strings.Cut(got, msgCut)
		if len(got) > 15 || !cut || !strings.HasPrefix(s, head) || !strings.HasSuffix(s, tail) || !utf8.ValidString(got) {
			t.Errorf("putMsg(%q) into 16 bytes: %q", s, got)
		}
	}
}

// TestSizeQueries: entrena_history and entrena_save_buffer follow the size
// query convention of entrena.h, like the string functions.
func TestSizeQueries(t *testing.T) {
	id := smallNet(t)
	x, y := data(8)
	if st := entrena_fit(id, ptr(x), 32, ptr(y), 24, 8, nil, nil); st != statusOK {
		t.Fatal(st)
	}
	var count int64
	hist := []float32{42, 42}
	if st := entrena_history(id, nil, 0, unsafe.Pointer(&count)); st != statusOK || count != 1 {
		t.Errorf("history size query: status %d, count %d", st, count)
	}
	if st := entrena_history(id, ptr(hist), 2, nil); st != statusOK || hist[0] == 42 {
		t.Errorf("history without needed: status %d", st)
	}
	var size, needed uintptr
	entrena_model_size(id, unsafe.Pointer(&size))
	if st := entrena_save_buffer(id, nil, 0, unsafe.Pointer(&needed)); st != statusOK || needed != size {
		t.Errorf("save_buffer size query: status %d, needed %d of %d", st, needed, size)
	}
	buf := make([]byte, size)
	buf[0] = 0xab
	needed = 0
	if st := entrena_save_buffer(id, unsafe.Pointer(&buf[0]), size-1, unsafe.Pointer(&needed)); st != statusShape || needed != size || buf[0] != 0xab {
		t.Errorf("save_buffer short: status %d, needed %d, buf touched %v", st, needed, buf[0] != 0xab)
	}
	if st := entrena_save_buffer(id, nil, size, unsafe.Pointer(&needed)); st != statusArgument {
		t.Errorf("save_buffer NULL with a size: status %d", st)
	}
}

// TestBadKernelEnvRecoverable: with ENTRENA_KERNELS naming no path, nothing
// can be created and entrena_kernel_active says so, until entrena_kernel_use
// chooses a valid path (run in a child process with the variable set).
func TestBadKernelEnvRecoverable(t *testing.T) {
	if os.Getenv("ENTRENA_TEST_BAD_KERNELS_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestBadKernelEnvRecoverable$", "-test.count=1")
		cmd.Env = append(os.Environ(), "ENTRENA_KERNELS=bogus", "ENTRENA_TEST_BAD_KERNELS_CHILD=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return
	}
	spec := core.Spec{Inputs: 2, Layers: []core.Layer{{Units: 1, Activation: core.Sigmoid}}, MaxBatch: 1,
		Optimizer: core.Optimizer{Kind: core.SGD, LearningRate: 0.1}}
	if _, err := core.New(spec); statusOf(err) != statusKernel {
		t.Fatalf("New with ENTRENA_KERNELS=bogus: %v", err)
	}
	if st := entrena_kernel_active(nil, 0, nil); st != statusKernel {
		t.Errorf("kernel_active with ENTRENA_KERNELS=bogus: status %d, want kernel", st)
	}
	bogus, generic := cString("bogus"), cString("generic")
	defer freeCString(bogus)
	defer freeCString(generic)
	if st := entrena_kernel_use(bogus); st != statusKernel {
		t.Errorf("kernel_use(bogus): status %d", st)
	}
	if _, err := core.New(spec); err == nil {
		t.Errorf("New after a failed kernel_use: no error")
	}
	if st := entrena_kernel_use(generic); st != statusOK {
		t.Fatalf("kernel_use(generic): status %d", st)
	}
	buf := make([]byte, 32)
	if st := entrena_kernel_active(unsafe.Pointer(&buf[0]), 32, nil); st != statusOK || CPtr2Go(unsafe.Pointer(&buf[0])) != "generic" {
		t.Errorf("kernel_active after kernel_use(generic): status %d, %q", st, CPtr2Go(unsafe.Pointer(&buf[0])))
	}
	net, err := core.New(spec)
	if err != nil {
		t.Fatalf("New after kernel_use(generic): %v", err)
	}
	net.Close()
}
