package asm

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// countTask records which indices each worker covered.
type countTask struct{ hits []atomic.Int32 }

func (c *countTask) Run(w, lo, hi int) {
	for i := lo; i < hi; i++ {
		c.hits[i].Add(1)
	}
}

func TestPoolParallelCoversRangeOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(7, runtime.GOMAXPROCS(0)))) // up to 7 shares at once
	for _, threads := range []int{1, 2, 3, 7} {
		p, err := NewPool(threads)
		require.NoError(t, err)
		for _, n := range []int{0, 1, 5, 24, 100, 1000, 1001} {
			for _, grain := range []int{0, 1, 16, 24, 2000} {
				c := &countTask{hits: make([]atomic.Int32, n)}
				p.Parallel(n, grain, c)
				for i := range c.hits {
					require.Equal(t, int32(1), c.hits[i].Load(), "threads=%d n=%d grain=%d i=%d", threads, n, grain, i)
				}
			}
		}
		p.Close()
		p.Close() // idempotent
		c := &countTask{hits: make([]atomic.Int32, 50)}
		p.Parallel(50, 1, c) // a closed pool still works, on the caller
		require.Equal(t, int32(1), c.hits[49].Load())
	}
	_, err := NewPool(MaxThreads + 1)
	require.ErrorIs(t, err, ErrArgument)
}

// TestPoolSgemm: a split product equals the one-core product bit for bit,
// for row and column bands and every transpose, on every path.
func TestPoolSgemm(t *testing.T) {
	old := ParallelGemmFlops
	ParallelGemmFlops = 0 // split even tiny products
	defer func() { ParallelGemmFlops = old }()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(4, runtime.GOMAXPROCS(0)))) // up to 4 bands at once
	forEachPath(t, func(t *testing.T, path string) {
		r := newRand(9)
		for _, threads := range []int{2, 3, 4} {
			p, err := NewPool(threads)
			require.NoError(t, err)
			for _, sh := range [][3]int{{1, 1, 1}, {200, 30, 50}, {30, 200, 50}, {97, 129, 300}, {256, 128, 784}, {13, 10, 128}, {100, 10, 300}, {70, 16, 800}, {40, 500, 129}} {
				m, n, k := sh[0], sh[1], sh[2]
				for _, tA := range []bool{false, true} {
					for _, tB := range []bool{false, true} {
						lda, ldb := k, n
						if tA {
							lda = m
						}
						if tB {
							ldb = k
						}
						a, _ := guarded(r, m*k, 1)
						b, _ := guarded(r, k*n, 2)
						c1, check := guarded(r, m*n, 3)
						c2 := copyOf(c1)
						require.NoError(t, Sgemm(NewWorkspace(), tA, tB, m, n, k, 0.5, a, lda, b, ldb, 0.25, c1, n))
						require.NoError(t, p.Sgemm(tA, tB, m, n, k, 0.5, a, lda, b, ldb, 0.25, c2, n))
						check(t)
						requireSameBits(t, fmt.Sprintf("threads=%d %v tA=%v tB=%v: C split vs one core", threads, sh, tA, tB), c2, c1)
					}
				}
			}
			require.Error(t, p.Sgemm(false, false, 2, 2, 2, 1, make([]float32, 3), 2, make([]float32, 4), 2, 0, make([]float32, 4), 2))
			p.Close()
		}
	})
}

func TestPoolSgemmAllocs(t *testing.T) {
	p, err := NewPool(2)
	require.NoError(t, err)
	defer p.Close()
	const m, n, k = 256, 128, 784
	p.Reserve(m, n, k)
	a, b, c := make([]float32, m*k), make([]float32, n*k), make([]float32, m*n)
	require.Zero(t, testing.AllocsPerRun(10, func() {
		_ = p.Sgemm(false, true, m, n, k, 1, a, k, b, k, 0, c, n)
	}))
}

func BenchmarkPoolGemm(b *testing.B) {
	for _, threads := range []int{1, 2} {
		for _, sh := range [][3]int{{32, 128, 784}, {256, 128, 784}, {256, 1024, 1024}} {
			m, n, k := sh[0], sh[1], sh[2]
			b.Run(fmtShape(threads, m, n, k), func(b *testing.B) {
				p, _ := NewPool(threads)
				defer p.Close()
				old := ParallelGemmFlops
				ParallelGemmFlops = 0
				defer func() { ParallelGemmFlops = old }()
				x, w, c := make([]float32, m*k), make([]float32, n*k), make([]float32, m*n)
				p.Reserve(m, n, k)
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					_ = p.Sgemm(false, true, m, n, k, 1, x, k, w, k, 0, c, n)
				}
				b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
			})
		}
	}
}

func fmtShape(threads, m, n, k int) string {
	return "threads=" + itoa(threads) + "/" + itoa(m) + "x" + itoa(n) + "x" + itoa(k)
}

func itoa(v int) string {
	if v == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	for v > 0 {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return string(buf[i:])
}

// emptyTask does nothing: BenchmarkPoolHandOff times the hand-off alone.
type emptyTask struct{}

func (emptyTask) Run(w, lo, hi int) {}

// BenchmarkPoolHandOff is the cost of one two-way Parallel call with no
// work, right after the previous call and after an idle gap of serial work
// (the gaps between the parallel phases of a training step): a worker that
// has parked costs a cross-core wake-up, one still polling does not.
func BenchmarkPoolHandOff(b *testing.B) {
	for _, gap := range []time.Duration{0, 50 * time.Microsecond} {
		b.Run("gap="+gap.String(), func(b *testing.B) {
			p, err := NewPool(2)
			require.NoError(b, err)
			defer p.Close()
			var in time.Duration
			for i := 0; i < b.N; i++ {
				for end := time.Now().Add(gap); time.Now().Before(end); {
				}
				t0 := time.Now()
				p.Parallel(2, 1, emptyTask{})
				in += time.Since(t0)
			}
			b.ReportMetric(float64(in.Nanoseconds())/float64(b.N), "ns/handoff")
		})
	}
}

// shareTask counts the shares each worker ran.
type shareTask struct{ ran [MaxThreads]atomic.Int32 }

func (t *shareTask) Run(w, lo, hi int) { t.ran[w].Add(1) }

// TestPoolParksAndWakes: an idle worker stops polling after spinTime and
// parks; the next call wakes it and it runs its share; Close reaches a
// parked worker too.
func TestPoolParksAndWakes(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(3, runtime.GOMAXPROCS(0)))) // 3 shares at once
	p, err := NewPool(3)
	require.NoError(t, err)
	var ct shareTask
	p.Parallel(3, 1, &ct)
	require.Eventually(t, func() bool { return p.sleeping[1].Load() && p.sleeping[2].Load() },
		time.Second, time.Millisecond, "idle workers never parked")
	for round := 0; round < 3; round++ {
		p.Parallel(3, 1, &ct)
		time.Sleep(3 * spinTime)
	}
	for w := 0; w < 3; w++ {
		require.EqualValues(t, 4, ct.ran[w].Load(), "worker %d", w)
	}
	p.Parallel(2, 1, &ct) // worker 2 sits this one out
	require.EqualValues(t, 4, ct.ran[2].Load())
	p.Close()
	p.Parallel(3, 1, &ct) // closed: the caller alone
	require.EqualValues(t, 6, ct.ran[0].Load())
	require.EqualValues(t, 5, ct.ran[1].Load())
}

// slowTask makes worker 1's share outlast the caller's polling.
type slowTask struct{ ran [MaxThreads]atomic.Int32 }

func (t *slowTask) Run(w, lo, hi int) {
	if w == 1 {
		time.Sleep(3 * awaitSpin)
	}
	t.ran[w].Add(1)
}

// TestPoolCallerParks: a caller whose workers outlast its polling parks and
// is woken by the last one — also on a goroutine locked to its OS thread,
// as a call from C is.
func TestPoolCallerParks(t *testing.T) {
	p, err := NewPool(2)
	require.NoError(t, err)
	defer p.Close()
	var st slowTask
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for i := 0; i < 5; i++ {
			p.Parallel(2, 1, &st)
			require.EqualValues(t, i+1, st.ran[1].Load(), "Parallel returned before worker 1 finished")
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("caller never woke")
	}
	require.Zero(t, len(p.done), "a token left behind would end a later call early")
}

// panicTask panics in the share of worker `at`; worker `slow` first sleeps.
type panicTask struct {
	at, slow int
	ran      [MaxThreads]atomic.Int32
}

func (t *panicTask) Run(w, lo, hi int) {
	if w == t.slow {
		time.Sleep(3 * awaitSpin)
	}
	t.ran[w].Add(1)
	if w == t.at {
		panic("share panics")
	}
}

// TestPoolPanics: a panic in a worker's share comes out of Parallel on the
// caller (where the API's recover turns it into an error) instead of ending
// the process; a panic in the caller's own share waits for the workers
// first; either way the pool keeps working.
func TestPoolPanics(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	p, err := NewPool(2)
	require.NoError(t, err)
	defer p.Close()
	worker := &panicTask{at: 1, slow: -1}
	require.PanicsWithValue(t, "share panics", func() { p.Parallel(2, 1, worker) })
	caller := &panicTask{at: 0, slow: 1}
	require.PanicsWithValue(t, "share panics", func() { p.Parallel(2, 1, caller) })
	require.EqualValues(t, 1, caller.ran[1].Load(), "the caller unwound before its worker finished")
	var ct shareTask
	p.Parallel(2, 1, &ct)
	require.EqualValues(t, 1, ct.ran[0].Load())
	require.EqualValues(t, 1, ct.ran[1].Load())
}

// TestPoolIdleWorkerParks: a worker left out of a steady run of narrow calls
// parks after spinTime instead of polling through all of them.
func TestPoolIdleWorkerParks(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(3, runtime.GOMAXPROCS(0)))) // 3 shares at once
	p, err := NewPool(3)
	require.NoError(t, err)
	defer p.Close()
	var ct shareTask
	p.Parallel(3, 1, &ct)
	parked := false
	for end := time.Now().Add(20 * spinTime); time.Now().Before(end) && !parked; {
		p.Parallel(2, 1, &ct) // worker 2 sits these out
		time.Sleep(spinTime / 5)
		parked = p.sleeping[2].Load()
	}
	require.True(t, parked, "worker 2 never parked")
}

// TestPoolBeyondGOMAXPROCS: shares are capped at GOMAXPROCS (more workers
// could not run at once), so with one processor the caller works alone.
func TestPoolBeyondGOMAXPROCS(t *testing.T) {
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	p, err := NewPool(4)
	require.NoError(t, err)
	defer p.Close()
	var ct shareTask
	for i := 0; i < 3; i++ {
		p.Parallel(100, 1, &ct)
	}
	require.EqualValues(t, 3, ct.ran[0].Load())
	for w := 1; w < 4; w++ {
		require.Zero(t, ct.ran[w].Load(), "worker %d", w)
	}
}
