package core

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// withMemoryBudget makes New's memory budget bytes for the rest of the test.
func withMemoryBudget(t testing.TB, bytes uint64) {
	old := memoryBudget
	memoryBudget = func() (uint64, string) { return bytes, "test budget" }
	t.Cleanup(func() { memoryBudget = old })
}

// hugeSpec is valid (within every limit of Validate) but needs about
// 16 GiB: 2²⁰ samples × 2048 units of activations, and as many deltas.
func hugeSpec() Spec {
	return Spec{Inputs: 1, Layers: []Layer{{Units: 2047, Activation: Sigmoid}, {Units: 1, Activation: Sigmoid}}, Loss: MSE,
		Optimizer: Optimizer{LearningRate: 0.1}, MaxBatch: MaxBatchCap, Seed: 1, Threads: 1}
}

// totalAlloc is the bytes allocated on the heap so far.
func totalAlloc() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.TotalAlloc
}

// TestTooLargeRefusedBeforeAllocating: a spec whose buffers exceed the
// memory budget is an ErrTooLarge (and ErrSpec) naming both sizes, and New
// allocates nothing of its size before refusing.
func TestTooLargeRefusedBeforeAllocating(t *testing.T) {
	withMemoryBudget(t, 1<<30)
	s := hugeSpec()
	require.NoError(t, s.Validate())
	need := newLayout(s.withDefaults(), 1).footprint()
	require.Greater(t, need, uint64(16<<30))

	before := totalAlloc()
	n, err := New(s)
	allocated := totalAlloc() - before
	require.Nil(t, n)
	require.ErrorIs(t, err, ErrTooLarge)
	require.ErrorIs(t, err, ErrSpec)
	require.ErrorContains(t, err, "network too large for this machine's memory: its buffers need ")
	require.ErrorContains(t, err, "more than the budget of 1.0 GiB (test budget)")
	require.Less(t, allocated, uint64(1<<20), "New allocated %d bytes before refusing", allocated)
	t.Log(err)

	// The limit is the budget, not a fixed size: the same spec with a
	// smaller batch fits, and so does any network at exactly the budget.
	s.MaxBatch = 1
	n, err = New(s)
	require.NoError(t, err)
	n.Close()
	s.MaxBatch = 64
	exact := newLayout(s.withDefaults(), 1).footprint()
	withMemoryBudget(t, exact)
	n, err = New(s)
	require.NoError(t, err)
	n.Close()
	withMemoryBudget(t, exact-1)
	_, err = New(s)
	require.ErrorIs(t, err, ErrTooLarge)
}

// TestSetThreadsTooLarge: more workers mean more packing workspaces;
// SetThreads refuses a count whose workspaces exceed the budget and leaves
// the network on its old pool.
func TestSetThreadsTooLarge(t *testing.T) {
	s := Spec{Inputs: 784, Layers: []Layer{{Units: 512, Activation: Sigmoid}, {Units: 10, Activation: Sigmoid}}, Loss: MSE,
		Optimizer: Optimizer{LearningRate: 0.1}, MaxBatch: 64, Seed: 1, Threads: 1}
	one, many := newLayout(s, 1).footprint(), newLayout(s, 64).footprint()
	require.Greater(t, many, one)
	withMemoryBudget(t, (one+many)/2)
	n, err := New(s)
	require.NoError(t, err)
	defer n.Close()
	err = n.SetThreads(64)
	require.ErrorIs(t, err, ErrTooLarge)
	require.Equal(t, 1, n.Threads())
	require.NoError(t, n.SetThreads(2))
	require.Equal(t, 2, n.Threads())
	s.Threads = 64
	_, err = New(s)
	require.ErrorIs(t, err, ErrTooLarge)
}

// hugeModelFile is a model file with a valid checksum whose spec (a max
// batch of 2²⁰) needs 16 GiB: about 24 KiB of bytes.
func hugeModelFile(t *testing.T) []byte {
	s := hugeSpec()
	s.MaxBatch = 1
	n, err := New(s)
	require.NoError(t, err)
	defer n.Close()
	b, err := n.MarshalBinary()
	require.NoError(t, err)
	off := 8 + 4 + 4 + 4 + 8*len(s.Layers) + 4 + 20 // max batch (see modelfile.go)
	require.Equal(t, uint32(1), binary.LittleEndian.Uint32(b[off:]))
	binary.LittleEndian.PutUint32(b[off:], MaxBatchCap)
	binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.ChecksumIEEE(b[:len(b)-4]))
	return b
}

// TestDecodeTooLarge: a small file with a valid checksum that claims a max
// batch of 2²⁰ is refused by Decode and Load with ErrTooLarge, not a crash.
func TestDecodeTooLarge(t *testing.T) {
	withMemoryBudget(t, 1<<30)
	b := hugeModelFile(t)
	require.Less(t, len(b), 32<<10)
	before := totalAlloc()
	n, err := Decode(b)
	allocated := totalAlloc() - before
	require.Nil(t, n)
	require.ErrorIs(t, err, ErrTooLarge)
	require.Less(t, allocated, uint64(1<<20))

	path := filepath.Join(t.TempDir(), "huge.entrena")
	require.NoError(t, os.WriteFile(path, b, 0o644))
	_, err = Load(path)
	require.ErrorIs(t, err, ErrTooLarge)
	require.ErrorContains(t, err, path)
}

// TestNewUnderUlimit runs New of the 16 GiB spec in a child process under a
// real `ulimit -v` of about 4 GB, with the system's budget (no override):
// New must return ErrTooLarge naming RLIMIT_AS; without the check the child
// dies with "fatal error: out of memory" (or, with lazy zero pages, builds
// a network it cannot use).
func TestNewUnderUlimit(t *testing.T) {
	if os.Getenv("ENTRENA_ULIMIT_CHILD") == "1" {
		_, err := New(hugeSpec())
		if errors.Is(err, ErrTooLarge) {
			os.Stdout.WriteString("REFUSED " + err.Error() + "\n")
		} else {
			os.Stdout.WriteString("NOT REFUSED " + fmtErr(err) + "\n")
		}
		return
	}
	const limitKiB = 4000000
	out := underUlimit(t, "TestNewUnderUlimit", limitKiB, "ENTRENA_ULIMIT_CHILD=1")
	require.Contains(t, out, "REFUSED entrena: bad network spec: network too large for this machine's memory", out)
	require.NotContains(t, out, "NOT REFUSED")
	// The rlimit is the budget unless memory or a cgroup limit is smaller.
	if own, _ := systemMemoryBudget(); own > limitKiB<<10/2 {
		require.Contains(t, out, "(half of RLIMIT_AS, 3.8 GiB)")
	}
	t.Log(strings.SplitN(out, "\n", 2)[0])
}

func fmtErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// TestLayoutMatchesAllocations: the sizes New checks are the sizes it
// allocates: the buffers have the layout's lengths, and the heap that New
// plus a first Fit leave live is the footprint (to page rounding).
func TestLayoutMatchesAllocations(t *testing.T) {
	for _, opt := range []OptimizerKind{SGD, Momentum, Adam} {
		s := Spec{Inputs: 37, Layers: []Layer{{Units: 70, Activation: ReLU}, {Units: 33, Activation: Tanh}, {Units: 5, Activation: Softmax}}, Loss: CategoricalCrossEntropy,
			Optimizer: Optimizer{Kind: opt, LearningRate: 0.01}, MaxBatch: 29, Seed: 1, Threads: 3}
		n, err := New(s)
		require.NoError(t, err)
		lo := n.layout
		require.Equal(t, lo, newLayout(n.spec, 3))
		require.Len(t, n.params, int(lo.params))
		require.Len(t, n.grads, int(lo.params))
		require.Len(t, n.acts, int(lo.acts))
		require.Len(t, n.deltas, int(lo.acts))
		require.Len(t, n.opt1, int(min(lo.opt, 1)*lo.params))
		require.Len(t, n.opt2, int(lo.opt/2*lo.params))
		n.Close()
	}

	x, y := blobs(3, 512, 256, 10)
	s := Spec{Inputs: 256, Layers: []Layer{{Units: 512, Activation: ReLU}, {Units: 10, Activation: Softmax}}, Loss: CategoricalCrossEntropy,
		Optimizer: Optimizer{Kind: Adam, LearningRate: 0.001}, MaxBatch: 256, Seed: 1, Threads: 2}
	h0 := quietHeap(t)
	n, err := New(s)
	require.NoError(t, err)
	_, err = n.Fit(x, y, 512, FitOptions{Epochs: 1, BatchSize: 128, Shuffle: true})
	require.NoError(t, err)
	h1 := quietHeap(t)
	live := h1 - h0 - 4*512 // less Fit's permutation
	want := int64(n.layout.footprint())
	t.Logf("footprint %d bytes, live heap after New and Fit %d bytes", want, live)
	require.InDelta(t, want, live, float64(want)/100+64<<10)
	runtime.KeepAlive(n)
	runtime.KeepAlive(x) // the data must not be collected between the measurements
	runtime.KeepAlive(y)
	n.Close()
}

// quietHeap returns the live heap once earlier tests' garbage is gone: a
// closed or collected network's workers exit (and free its workspaces) some
// time after Close or the collection, so it waits until the heap and the
// goroutine count stop changing.
func quietHeap(t *testing.T) int64 {
	var last int64
	lastG, still := -1, 0
	for i := 0; i < 400 && still < 3; i++ {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		h, g := int64(ms.HeapAlloc), runtime.NumGoroutine()
		if g == lastG && h-last < 8<<10 && last-h < 8<<10 {
			still++
		} else {
			still = 0
		}
		last, lastG = h, g
		time.Sleep(5 * time.Millisecond)
	}
	if still < 3 {
		t.Log("heap did not settle")
	}
	return last
}

func TestSizeCounterSaturates(t *testing.T) {
	var c sizeCounter
	c.add(1<<40, 1<<30)
	require.Equal(t, uint64(math.MaxUint64), c.bytes)
	c = sizeCounter{bytes: math.MaxUint64 - 1}
	c.add(1, 2)
	require.Equal(t, uint64(math.MaxUint64), c.bytes)
	c = sizeCounter{}
	c.aligned(math.MaxUint64/4, 1)
	require.Equal(t, uint64(math.MaxUint64), c.bytes)
	c = sizeCounter{}
	c.aligned(0, 5)
	c.aligned(3, 2)
	require.Equal(t, uint64(2*4*(3+16)), c.bytes)
	require.Equal(t, uint64(3), fraction(4, 3, 4))
	require.Equal(t, uint64(math.MaxUint64/4*3+2), fraction(math.MaxUint64, 3, 4))
}

// TestSystemMemoryBudget: the budget is positive, at most what a slice can
// address, and names its source.
func TestSystemMemoryBudget(t *testing.T) {
	b, what := systemMemoryBudget()
	require.Positive(t, b)
	require.LessOrEqual(t, b, uint64(math.MaxInt))
	require.NotEmpty(t, what)
	t.Logf("budget %s (%s)", formatBytes(b), what)
}
