package pool

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestLeaveCPU: a thread leaves the CPU it runs on when asked to and
// another CPU idles, keeps its affinity mask, and stays where it is when
// asked to leave another CPU.
func TestLeaveCPU(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var before, after unix.CPUSet
	require.NoError(t, unix.SchedGetaffinity(0, &before))
	cpu := cpuNow()
	require.GreaterOrEqual(t, cpu, int32(0), "getcpu")
	require.False(t, leaveCPU(-1), "unknown CPU")
	if before.Count() < 2 {
		require.False(t, leaveCPU(cpu), "a mask of one CPU: nowhere to go")
		t.Skip("one CPU in the affinity mask")
	}
	other := int32(-1)
	for c := range 1024 {
		if before.IsSet(c) && int32(c) != cpu {
			other = int32(c)
			break
		}
	}
	moved := false
	for range 50 { // an instant when another CPU idles
		if moved = leaveCPU(cpu); moved {
			break
		}
		time.Sleep(time.Millisecond)
		cpu = cpuNow()
	}
	if !moved {
		t.Skip("no CPU idled (a busy machine)")
	}
	require.NotEqual(t, cpu, cpuNow(), "still on the CPU it left")
	require.NoError(t, unix.SchedGetaffinity(0, &after))
	require.Equal(t, before, after, "the mask after leaving")
	if now := cpuNow(); now != other {
		require.False(t, leaveCPU(other), "asked to leave a CPU it does not run on")
	}
}

// spinTask's units each spin for d, noting the CPU of the caller's first
// unit at its start and end, and of a worker's unit.
type spinTask struct {
	d                time.Duration
	caller0, caller1 atomic.Int32
	worker           atomic.Int32
}

func (s *spinTask) Run(w, lo, hi int) {
	if w != 0 {
		s.worker.Store(cpuNow())
	} else if lo == 0 {
		s.caller0.Store(cpuNow())
		defer s.caller1.Store(cpuNow())
	}
	for t := time.Now(); time.Since(t) < time.Duration(hi-lo)*s.d; {
	}
}

// TestWokenWorkerLeavesCallersCPU: a worker woken from its park, after the
// process sat idle, runs its units on another CPU than the caller's,
// whatever CPU the kernel woke it on: without leaveCPU, 5–10 of 27 such
// calls shared the caller's CPU on a 2-vCPU VM. Another process may move
// the threads later, so the best of three attempts counts.
func TestWokenWorkerLeavesCallersCPU(t *testing.T) {
	var mask unix.CPUSet
	require.NoError(t, unix.SchedGetaffinity(0, &mask))
	if mask.Count() < 2 || runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs two CPUs")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if !quietInstant() {
		t.Skip("other tasks run: woken workers stay where the kernel put them")
	}
	best, ran := -1, 0
	for range 3 {
		shared, n := wokenOnCallersCPU(t, 30)
		ran += n
		if best < 0 || shared < best {
			best = shared
		}
		if best == 0 {
			break
		}
	}
	if ran < 10 {
		t.Skipf("%d calls on a quiet machine: too few to judge", ran)
	}
	require.LessOrEqual(t, best, 2, "woken workers ran on the caller's CPU")
}

// wokenOnCallersCPU makes calls that each wake the parked worker of a new
// pool after 30 ms idle, and counts those where the worker ran a unit
// (ran) and where it ran it on the caller's CPU (shared).
func wokenOnCallersCPU(t *testing.T, calls int) (shared, ran int) {
	p := newTestPool(t, 2, nil)
	task := &spinTask{d: 500 * time.Microsecond}
	for range calls {
		time.Sleep(30 * time.Millisecond) // the process idle, the worker parked
		for !p.workers[1].parked.Load() {
			time.Sleep(100 * time.Microsecond)
		}
		if n, ok := runnableTasks(); !ok || n > 1 {
			continue // another task runs: the worker may stay where it was woken
		}
		task.worker.Store(-1)
		p.For(8, 1, task)
		if n, ok := runnableTasks(); !ok || n > 2 { // this thread, and the worker still polling
			continue
		}
		if c := task.worker.Load(); c >= 0 && task.caller0.Load() == task.caller1.Load() {
			ran++
			if c == task.caller0.Load() {
				shared++
			}
		}
	}
	st := p.Stats()
	t.Logf("shared %d of %d (the window: speed-up %.2f, waiting %.2f)", shared, ran, st.Speedup, st.Waiting)
	return shared, ran
}

// TestLeaveCPUBusy: no move while more tasks run than the mask has CPUs
// (here this thread and a busy goroutine for every CPU, as another process
// would be): the CPU it would move to is busy.
func TestLeaveCPUBusy(t *testing.T) {
	var mask unix.CPUSet
	require.NoError(t, unix.SchedGetaffinity(0, &mask))
	if mask.Count() < 2 {
		t.Skip("needs two CPUs")
	}
	// A processor for each busy goroutine and one for this test.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(mask.Count() + 1))
	var stop atomic.Bool
	defer stop.Store(true)
	for range mask.Count() {
		go func() {
			for !stop.Load() {
			}
		}()
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	time.Sleep(5 * time.Millisecond)
	n, ok := runnableTasks()
	require.True(t, ok)
	require.Greater(t, n, mask.Count(), "the busy goroutines and this thread")
	require.False(t, leaveCPU(cpuNow()), "moved beside busy threads")
}

// TestRunningField: the running count of /proc/loadavg's line.
func TestRunningField(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"0.30 0.41 0.85 1/108 4610\n", 1, true},
		{"12.00 3.10 0.85 17/2048 99\n", 17, true},
		{"0.30 0.41 0.85 x/108 4610", 0, false},
		{"0.30 0.41", 0, false},
		{"", 0, false},
	} {
		got, ok := runningField([]byte(c.in))
		require.Equal(t, c.ok, ok, c.in)
		if ok {
			require.Equal(t, c.want, got, c.in)
		}
	}
	n, ok := runnableTasks()
	require.True(t, ok)
	require.Positive(t, n, "this thread runs")
	require.Zero(t, testing.AllocsPerRun(100, func() { runnableTasks() }))
}

// quietInstant waits up to 50 ms for an instant when only this thread runs.
func quietInstant() bool {
	for range 50 {
		if n, ok := runnableTasks(); ok && n <= 1 {
			return true
		}
		time.Sleep(time.Millisecond)
	}
	return false
}
