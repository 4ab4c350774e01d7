package pool

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// atLeastProcs raises GOMAXPROCS to n for the test, so that a pool of n
// threads is not capped by the cores of a small machine.
func atLeastProcs(t *testing.T, n int) {
	old := runtime.GOMAXPROCS(max(n, runtime.GOMAXPROCS(0)))
	t.Cleanup(func() { runtime.GOMAXPROCS(old) })
}

// newTestPool returns a pool closed at the end of the test.
func newTestPool(t testing.TB, threads int, beforeClaim func(w int)) *Pool {
	p, err := newPool(threads, beforeClaim)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return p
}

// rangeTask records every index it covered and every range it was given.
type rangeTask struct {
	hits   []atomic.Int32
	mu     sync.Mutex
	ranges [][2]int
}

func (c *rangeTask) Run(w, lo, hi int) {
	for i := lo; i < hi; i++ {
		c.hits[i].Add(1)
	}
	c.mu.Lock()
	c.ranges = append(c.ranges, [2]int{lo, hi})
	c.mu.Unlock()
}

// TestForCoversRangeOnce: every index is run exactly once, and every range
// a task gets is either the whole range (inline) or one unit at a multiple
// of the unit, whatever the threads.
func TestForCoversRangeOnce(t *testing.T) {
	atLeastProcs(t, 7)
	for _, threads := range []int{1, 2, 3, 7} {
		p := newTestPool(t, threads, nil)
		for _, n := range []int{0, 1, 5, 24, 100, 1000, 1001, 3 * MaxUnits} {
			for _, unit := range []int{0, 1, 16, 24, 2000} {
				c := &rangeTask{hits: make([]atomic.Int32, n)}
				p.For(n, unit, c)
				for i := range c.hits {
					require.Equal(t, int32(1), c.hits[i].Load(), "threads=%d n=%d unit=%d i=%d", threads, n, unit, i)
				}
				u := max(unit, 1, (n+MaxUnits-1)/MaxUnits)
				for _, r := range c.ranges {
					whole := r == [2]int{0, n}
					unitRange := r[0]%u == 0 && r[1] == min(r[0]+u, n)
					require.True(t, whole || unitRange, "threads=%d n=%d unit=%d: range %v", threads, n, unit, r)
				}
			}
		}
		p.Close()
		p.Close() // idempotent
		c := &rangeTask{hits: make([]atomic.Int32, 50)}
		p.For(50, 1, c) // a closed pool still works, on the caller
		require.Equal(t, int32(1), c.hits[49].Load())
		require.Equal(t, [][2]int{{0, 50}}, c.ranges)
	}
	_, err := New(MaxThreads + 1)
	require.ErrorIs(t, err, ErrThreads)
}

// workerTask counts the units each thread ran.
type workerTask struct {
	ran  [MaxThreads]atomic.Int32
	work time.Duration // busy time per unit
}

func (t *workerTask) Run(w, lo, hi int) {
	for end := time.Now().Add(t.work); time.Now().Before(end); {
	}
	t.ran[w].Add(int32(hi - lo))
}

// TestNeverScheduledWorker: with workers that never get to claim (as if the
// operating system never ran them), every call still finishes, on the
// caller, and the pool soon stops publishing calls to them.
func TestNeverScheduledWorker(t *testing.T) {
	atLeastProcs(t, 3)
	block := make(chan struct{})
	defer close(block)
	p := newTestPool(t, 3, func(w int) { <-block })
	task := &workerTask{work: 5 * time.Microsecond}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 500; i++ {
			p.For(64, 8, task)
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("calls did not finish with workers that never run")
	}
	require.EqualValues(t, 500*64, task.ran[0].Load(), "the caller ran every unit")
	s := p.Stats()
	require.Zero(t, s.WorkerUnits)
	require.Less(t, s.ParallelCalls, uint64(500), "the pool kept publishing calls nobody joined")
}

// TestLateWorkerStillCounted: a worker delayed at random before each claim
// (a busy machine) never makes a call return early or run a unit twice,
// and when it does claim, the caller waits for its unit.
func TestLateWorkerStillCounted(t *testing.T) {
	atLeastProcs(t, 4)
	var seed atomic.Uint64
	p := newTestPool(t, 4, func(w int) {
		r := rand.New(rand.NewPCG(seed.Add(1), 1))
		time.Sleep(time.Duration(r.IntN(200)) * time.Microsecond)
	})
	for i := 0; i < 300; i++ {
		c := &rangeTask{hits: make([]atomic.Int32, 4096)}
		p.For(4096, 64, c)
		for j := range c.hits {
			require.Equal(t, int32(1), c.hits[j].Load(), "call %d index %d", i, j)
		}
	}
}

// panicTask panics in the unit at index `at`.
type panicTask struct {
	at  int
	ran atomic.Int32
}

func (t *panicTask) Run(w, lo, hi int) {
	t.ran.Add(int32(hi - lo))
	if lo <= t.at && t.at < hi {
		panic(fmt.Sprintf("unit at %d panics", t.at))
	}
}

// TestPanics: a panic in any unit (on a worker or on the caller) comes out
// of For on the caller once every unit has run, instead of ending the
// process; the pool keeps working.
func TestPanics(t *testing.T) {
	atLeastProcs(t, 2)
	p := newTestPool(t, 2, nil)
	for _, at := range []int{0, 7, 63} {
		task := &panicTask{at: at}
		require.PanicsWithValue(t, fmt.Sprintf("unit at %d panics", at), func() { p.For(64, 1, task) })
		require.EqualValues(t, 64, task.ran.Load(), "every unit runs before the panic is re-raised")
	}
	c := &rangeTask{hits: make([]atomic.Int32, 64)}
	p.For(64, 1, c)
	require.EqualValues(t, 1, c.hits[63].Load())
}

// TestIdleWorkersPark: after a call, idle workers poll for a short budget
// and then park; the next call wakes them; Close reaches parked workers and
// their goroutines end.
func TestIdleWorkersPark(t *testing.T) {
	atLeastProcs(t, 3)
	before := runtime.NumGoroutine()
	p, err := New(3)
	require.NoError(t, err)
	task := &workerTask{work: 200 * time.Microsecond}
	parked := func() bool { return p.workers[1].parked.Load() && p.workers[2].parked.Load() }
	p.For(3, 1, task)
	require.Eventually(t, parked, time.Second, time.Millisecond, "idle workers never parked")
	var workers int32
	for round := 0; round < 50 && workers == 0; round++ {
		p.For(30, 1, task)
		workers = task.ran[1].Load() + task.ran[2].Load()
	}
	require.NotZero(t, workers, "parked workers were never woken to help")
	require.Eventually(t, parked, time.Second, time.Millisecond)
	p.Close()
	deadline := time.Now().Add(2 * time.Second) // not Eventually: it runs the check on a goroutine of its own
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	require.LessOrEqual(t, runtime.NumGoroutine(), before, "worker goroutines still running after Close")
}

// TestCallerParksLockedThread: a caller whose units are claimed by a slow
// worker parks and is woken by it, also on a goroutine locked to its OS
// thread, as a call from C is; no token is left behind.
func TestCallerParksLockedThread(t *testing.T) {
	atLeastProcs(t, 2)
	p := newTestPool(t, 2, nil)
	task := &slowWorkerTask{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for i := 0; i < 20; i++ {
			c := task.ran.Load()
			p.For(2, 1, task)
			require.EqualValues(t, c+2, task.ran.Load(), "For returned before every unit finished")
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("caller never woke")
	}
	require.Zero(t, len(p.done), "a token left behind would end a later call early")
	require.NotZero(t, p.Stats().ParkedJoins, "the caller never waited for the worker's unit")
}

// slowWorkerTask: units on workers outlast the caller's tail polling; the
// caller's own unit lasts long enough for a parked worker to wake and claim.
type slowWorkerTask struct{ ran atomic.Int32 }

func (t *slowWorkerTask) Run(w, lo, hi int) {
	if w != 0 {
		time.Sleep(time.Millisecond)
	} else {
		for end := time.Now().Add(300 * time.Microsecond); time.Now().Before(end); {
		}
	}
	t.ran.Add(int32(hi - lo))
}

// TestGoesSerialAndProbes: when the workers stop contributing, the pool
// reports fewer threads in use and why, and runs calls on the caller; when
// they come back, a later probe restores every thread.
func TestGoesSerialAndProbes(t *testing.T) {
	atLeastProcs(t, 2)
	var blocked atomic.Bool
	release := make(chan struct{}, 1)
	p := newTestPool(t, 2, func(w int) {
		if blocked.Load() {
			<-release
		}
	})
	task := &workerTask{work: 20 * time.Microsecond}
	blocked.Store(true)
	require.Eventually(t, func() bool {
		p.For(16, 1, task)
		return p.Stats().InUse == 1
	}, 5*time.Second, time.Microsecond, "the pool never noticed its worker was absent")
	s := p.Stats()
	require.Contains(t, s.Reason, "contended")
	require.True(t, strings.HasPrefix(s.String(), "1 of 2 threads (contended"), s.String())
	blocked.Store(false)
	release <- struct{}{}
	require.Eventually(t, func() bool {
		p.For(16, 1, task)
		return p.Stats().InUse == 2
	}, 10*time.Second, time.Microsecond, "the pool never went back to two threads")
	require.Empty(t, p.Stats().Reason)
}

// kindTask is a workerTask that reports a CallKind.
type kindTask struct {
	workerTask
	kind uint64
}

func (t *kindTask) CallKind() uint64 { return t.kind }

// TestCallKindSites: calls of one task with the same length and unit but
// another CallKind are measured as another kind of call, each sampled
// inline on its own; a task without CallKind is kind 0.
func TestCallKindSites(t *testing.T) {
	atLeastProcs(t, 2)
	p := newTestPool(t, 2, nil)
	task := &kindTask{}
	plain := &workerTask{}
	for _, k := range []uint64{Kind(256, 1024), Kind(256, 2048), Kind(256, 1024)} {
		task.kind = k
		p.For(64, 4, task)
	}
	p.For(64, 4, plain)
	kinds := map[uintptr][]uint64{}
	for _, s := range p.policy.sites {
		if s.used > 0 {
			kinds[s.task] = append(kinds[s.task], s.kind)
		}
	}
	require.ElementsMatch(t, []uint64{Kind(256, 1024), Kind(256, 2048)}, kinds[uintptr(unsafe.Pointer(task))])
	require.Equal(t, []uint64{0}, kinds[uintptr(unsafe.Pointer(plain))])
	for _, s := range p.policy.sites {
		if s.task == uintptr(unsafe.Pointer(task)) {
			require.Equal(t, 1, s.samples, "each kind sampled once, inline, on its first call")
		}
	}
}

// TestKind: sizes in another order or of another value make another kind.
func TestKind(t *testing.T) {
	seen := map[uint64][]int{}
	for _, sizes := range [][]int{{}, {0}, {1}, {256, 1024, 1024}, {256, 1024, 2048}, {1024, 256, 1024}, {256, 1024}, {1 << 40, 1}, {1, 1 << 40}} {
		k := Kind(sizes...)
		require.NotContains(t, seen, k, "%v and %v", sizes, seen[k])
		seen[k] = sizes
	}
	require.Equal(t, Kind(3, 4), Kind(3, 4))
}

// TestForAllocs: a parallel call allocates nothing.
func TestForAllocs(t *testing.T) {
	atLeastProcs(t, 2)
	p := newTestPool(t, 2, nil)
	task := &workerTask{}
	require.Zero(t, testing.AllocsPerRun(100, func() { p.For(64, 4, task) }))
	kinded := &kindTask{kind: Kind(1, 2)}
	require.Zero(t, testing.AllocsPerRun(100, func() { p.For(64, 4, kinded) }), "with a CallKind")
}

// TestCoresCapsThreads: a pool of more threads than the process can use
// runs as many as it can, says so, and runs calls inline with one core.
func TestCoresCapsThreads(t *testing.T) {
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	p := newTestPool(t, 4, nil)
	task := &workerTask{}
	for i := 0; i < 3; i++ {
		p.For(100, 1, task)
	}
	require.EqualValues(t, 300, task.ran[0].Load())
	s := p.Stats()
	require.Equal(t, 4, s.Threads)
	require.Equal(t, 1, s.InUse)
	require.Contains(t, s.Reason, "GOMAXPROCS")
	require.Zero(t, s.ParallelCalls)
	n, why := Cores()
	require.Equal(t, 1, n)
	require.Equal(t, "GOMAXPROCS", why)
}

// blockingTask holds its caller inside a call until released.
type blockingTask struct {
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func (b *blockingTask) Run(w, lo, hi int) {
	b.once.Do(func() { close(b.entered) })
	<-b.release
}

// TestCrowdedRunsInline: while calls of other pools hold every other
// processor, a pool's calls run on its caller instead of waking a worker
// that could only queue behind them.
func TestCrowdedRunsInline(t *testing.T) {
	old := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(old)
	busy, p := newTestPool(t, 2, nil), newTestPool(t, 2, nil)
	task := &workerTask{}
	for i := 0; i < 40; i++ { // past the first, inline, sample of the kind of call
		p.For(64, 1, task)
	}
	hold := &blockingTask{entered: make(chan struct{}), release: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		busy.For(2, 1, hold)
	}()
	<-hold.entered
	before := p.Stats()
	for i := 0; i < 20; i++ {
		p.For(64, 1, task)
	}
	after := p.Stats()
	close(hold.release)
	<-done
	require.EqualValues(t, 20, after.Crowded-before.Crowded)
	require.Equal(t, before.WorkerUnits, after.WorkerUnits)
}

// TestActive: the threads a call may use are the ceiling capped by the
// process's cores.
func TestActive(t *testing.T) {
	cores, _ := Cores()
	for _, threads := range []int{1, 2, 3, 64} {
		p, err := New(threads)
		require.NoError(t, err)
		require.Equal(t, min(threads, cores), p.Active(), "threads=%d cores=%d", threads, cores)
		p.Close()
	}
}
