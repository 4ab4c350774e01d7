package pool

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSitesRemembered: each kind of call keeps its slot (and its inline
// cost) while up to siteSlots kinds recur; a new kind takes the least
// recently used slot.
func TestSitesRemembered(t *testing.T) {
	var q policy
	tasks := make([]workerTask, siteSlots+1)
	slot := map[int]*site{}
	for round := 0; round < 3; round++ {
		for i := 0; i < siteSlots; i++ {
			s := q.site(&tasks[i], 100+i, 1, 0)
			if round == 0 {
				require.True(t, s.sampleDue(false), "a new kind is sampled first")
				s.sampled(time.Duration(i+1) * time.Microsecond)
				slot[i] = s
			}
			require.Same(t, slot[i], s, "kind %d moved in round %d", i, round)
			require.Equal(t, time.Duration(i+1)*time.Microsecond, s.inline)
		}
	}
	// The same task with another length or unit is another kind.
	require.NotSame(t, slot[3], q.site(&tasks[3], 103, 2, 0))
	// That evicted kind 0, the least recently used; kind 1 is still there.
	require.Same(t, slot[1], q.site(&tasks[1], 101, 1, 0))
	// So is one with the same length and unit but another CallKind, which
	// evicts kind 2.
	require.NotSame(t, slot[4], q.site(&tasks[4], 104, 1, Kind(7)))
	require.Same(t, slot[4], q.site(&tasks[4], 104, 1, 0))
	s := q.site(&tasks[0], 100, 1, 0)
	require.Zero(t, s.inline, "an evicted kind is measured again")
}

// TestSampling: a kind is sampled inline every sampleEvery parallel calls,
// every sampleSettled once it has settledSamples samples; the inline cost
// is the lower median of the last recentSamples samples, so neither a cold
// first sample nor one preempted moves it.
func TestSampling(t *testing.T) {
	const µs = time.Microsecond
	var s site
	require.True(t, s.sampleDue(false))
	s.sampled(900 * µs) // cold
	require.Equal(t, 900*µs, s.inline)
	s.sampled(100 * µs)
	require.Equal(t, 100*µs, s.inline, "of two, the smaller")
	s.sampled(120 * µs)
	require.Equal(t, 120*µs, s.inline)
	for i := 0; i < sampleEvery-1; i++ {
		s.since++
		require.False(t, s.sampleDue(false))
	}
	s.since++
	require.True(t, s.sampleDue(false))
	s.sampled(9000 * µs) // preempted
	require.Equal(t, 120*µs, s.inline, "900, 100, 120, 9000")
	s.sampled(110 * µs)
	require.Equal(t, 120*µs, s.inline, "900, 100, 120, 9000, 110")
	s.sampled(105 * µs) // the cold sample leaves the ring
	require.Equal(t, 110*µs, s.inline, "105, 100, 120, 9000, 110")
	for i := 0; i < sampleSettled-1; i++ {
		s.since++
		require.False(t, s.sampleDue(false), "settled kind sampled after %d calls", i+1)
	}
	s.since++
	require.True(t, s.sampleDue(false))
	// While the parallel calls clearly pay, a settled kind is sampled
	// every sampleClear calls; a kind still settling is not.
	require.False(t, s.sampleDue(true), "sampleClear, not sampleSettled")
	for i := sampleSettled; i < sampleClear-1; i++ {
		s.since++
		require.False(t, s.sampleDue(true), "sampled after %d calls while paying", i+1)
	}
	s.since++
	require.True(t, s.sampleDue(true))
	var young site
	young.sampled(100 * µs)
	young.since = sampleEvery
	require.True(t, young.sampleDue(true), "a kind with fewer than settledSamples samples")
}

// TestClearGain: the sampling slows down only after a window that ran at
// least clearSpeedup times faster than inline.
func TestClearGain(t *testing.T) {
	var q policy
	require.False(t, q.clearGain(), "no window yet")
	q.speedup.Store(int64(clearSpeedup*1000) - 1)
	require.False(t, q.clearGain())
	q.speedup.Store(int64(clearSpeedup * 1000))
	require.True(t, q.clearGain())
}

// TestStrikes: a running pool turns serial only after strikes failed
// windows in a row, a success in between clears the count, and a failed
// probe turns it serial at once.
func TestStrikes(t *testing.T) {
	if cores, _ := Cores(); cores < 2 {
		t.Skip("a window's verdict re-reads the cores: needs two")
	}
	var waited int64 // the fake caller thread's wait for a CPU, in ns
	readDelay = func() (int, int64, bool) { return 1, waited, true }
	defer func() { readDelay = threadDelay }()

	var q policy
	q.init(2)
	q.cores, q.procs = 2, 2
	var c counters
	st := &site{inline: 100 * time.Microsecond}
	window := func(wall time.Duration) {
		for i := 0; i < windowCalls; i++ {
			q.record(&c, st, 4, 2, wall)
		}
	}
	busyWindow := func() { // fast calls, but the caller waited for a CPU all along
		for i := 0; i < windowCalls; i++ {
			if i == windowCalls-1 {
				waited += int64(time.Second)
			}
			q.record(&c, st, 4, 2, 60*time.Microsecond)
		}
	}
	const fast, slow = 60 * time.Microsecond, 110 * time.Microsecond
	window(fast) // the first window opens the measurement
	window(fast)
	require.False(t, q.serial.Load())
	window(slow)
	require.False(t, q.serial.Load(), "one failed window is a strike, not a verdict")
	window(fast)
	window(slow)
	require.False(t, q.serial.Load(), "the success in between cleared the strike")
	window(slow)
	require.True(t, q.serial.Load(), "two failed windows in a row")
	require.Equal(t, int32(1), q.inUse.Load())

	// A probe: due once the back-off has passed; its window decides alone.
	q.serialUntil = time.Now().Add(-time.Millisecond)
	require.True(t, q.parallel())
	for i := 0; i < probeWarmup+probeCalls; i++ {
		q.record(&c, st, 4, 2, slow)
	}
	require.True(t, q.serial.Load(), "a failed probe turns serial at once")

	// Waiting for a CPU fails a window however fast its calls.
	q.serialUntil = time.Now().Add(-time.Millisecond)
	require.True(t, q.parallel())
	for i := 0; i < probeWarmup+probeCalls; i++ {
		q.record(&c, st, 4, 2, fast)
	}
	require.False(t, q.serial.Load(), "a probe that paid")
	busyWindow()
	require.False(t, q.serial.Load())
	busyWindow()
	require.True(t, q.serial.Load(), "the caller waited for a CPU in two windows")
	require.Greater(t, q.waitingShare.Load(), int64(900))
}

// TestWorkersWaitingFailsWindow: a window whose workers waited for a CPU a
// noticeable share of it fails like one whose caller did (a woken worker
// leaves the caller's CPU, so on a busy machine it is the worker that
// waits), and the workers' waits before the window do not count.
func TestWorkersWaitingFailsWindow(t *testing.T) {
	if cores, _ := Cores(); cores < 2 {
		t.Skip("a window's verdict re-reads the cores: needs two")
	}
	readDelay = func() (int, int64, bool) { return 1, 0, true } // the caller never waits
	defer func() { readDelay = threadDelay }()
	p := &Pool{threads: 2}
	q := &p.policy
	q.init(2)
	q.cores, q.procs = 2, 2
	var c counters
	st := &site{inline: 100 * time.Microsecond}
	window := func(workerWait time.Duration) {
		for i := 0; i < windowCalls; i++ {
			if i == windowCalls-1 {
				q.workerDelay.Add(int64(workerWait))
			}
			q.record(&c, st, 4, 2, 60*time.Microsecond)
		}
	}
	q.workerDelay.Add(int64(time.Hour)) // before any window
	window(0)                           // opens the measurement
	window(0)
	require.Zero(t, q.waitingShare.Load(), "waits before the window counted")
	window(time.Second)
	window(time.Second)
	require.True(t, q.serial.Load(), "two windows whose workers waited all along")
	require.Contains(t, p.Stats().String(), "waited for a CPU")
}
