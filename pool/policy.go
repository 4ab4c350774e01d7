package pool

import (
	"sync/atomic"
	"time"
)

// policy decides, from the pool's own timings, whether calls run in
// parallel. It never changes how a call is cut into units, only who runs
// them, so results do not depend on it.
//
// The caller times its own units: n items of a call, of which it ran items
// in busy, would have taken about busy·n/items on the caller alone. Over a
// window of parallel calls, the sum of those estimates against the sum of
// the calls' wall times says whether the extra threads paid. On Linux the
// caller's thread also reads how long it waited for a CPU while runnable
// (schedstat): when that is a noticeable share of the window, the process
// is running more threads than the machine has free cores (another
// process is busy), and its extra threads only take the CPU from the
// caller's own serial work, which the estimate does not see. Either way,
// the pool runs serially for a back-off period (serialMin, doubling while
// probes keep failing, up to serialMax), then probes with another window,
// whose first calls (workers waking up) are not counted. Fields are the caller's (under the pool's mutex) except the
// atomics, which Stats and the workers read.
type policy struct {
	threads int // the pool's ceiling

	cores       int       // Cores() when last read
	serialUntil time.Time // run calls inline until then
	backoff     int       // failed probes in a row

	// The window being measured.
	calls     int
	warmup    int           // calls still to skip before the window starts
	estimated time.Duration // what the calls would have taken on the caller alone
	wall      time.Duration // what they took
	start     time.Time     // when the window started
	tid       int           // the caller's thread then, and its wait for a CPU so far
	delay     int64
	delayOK   bool

	contended    atomic.Bool  // the last window did not pay: minimal polling
	serial       atomic.Bool  // calls run inline until serialUntil
	inUse        atomic.Int32 // threads calls use now
	coresSeen    atomic.Int32 // cores, for Stats
	speedup      atomic.Int64 // the last window's estimated/wall, in thousandths
	waitingShare atomic.Int64 // the last window's share of time the caller waited for a CPU, in thousandths
}

// Window and back-off of the policy.
const (
	windowCalls = 32
	windowWall  = 20 * time.Millisecond
	serialMin   = 4 * time.Millisecond
	serialMax   = time.Second
	// minSpeedup: parallel calls must beat the caller alone by this much to
	// keep their extra threads (the estimate is noisy by a few percent).
	minSpeedup = 1.02
	// maxWaiting: the share of a window the caller may spend runnable but
	// without a CPU before the pool counts the machine as busy.
	maxWaiting = 0.1
	// probeWarmup: calls of a probe not counted while workers wake up.
	probeWarmup = 4
)

func (q *policy) init(threads int) {
	q.threads = threads
	q.refreshCores()
	q.inUse.Store(int32(q.active()))
}

func (q *policy) refreshCores() {
	q.cores, _ = Cores()
	q.coresSeen.Store(int32(q.cores))
	setMaxSpinners(q.cores)
}

// active is the number of threads a parallel call may use: the ceiling,
// capped by the cores the process can use.
func (q *policy) active() int { return max(1, min(q.threads, q.cores)) }

// parallel reports whether the next call may run in parallel.
func (q *policy) parallel() bool {
	if q.active() < 2 {
		return false
	}
	if q.serial.Load() {
		if time.Now().Before(q.serialUntil) {
			return false
		}
		q.serial.Store(false) // probe
		q.inUse.Store(int32(q.active()))
		q.warmup = probeWarmup
	}
	return true
}

// startWindow clears the window and notes where the caller's thread stands.
func (q *policy) startWindow() {
	q.calls, q.estimated, q.wall = 0, 0, 0
	q.start = time.Now()
	q.tid, q.delay, q.delayOK = threadDelay()
}

// waiting is the share of the window the caller's thread spent runnable
// without a CPU, or 0 when unknown (no schedstat, or the caller's goroutine
// moved to another thread).
func (q *policy) waiting() float64 {
	tid, delay, ok := threadDelay()
	if !ok || !q.delayOK || tid != q.tid {
		return 0
	}
	return float64(delay-q.delay) / float64(max(time.Since(q.start), 1))
}

// record adds one parallel call to the window: the caller ran ran of its
// units (items of its n items) in busy; the call took wall.
func (q *policy) record(s *counters, units, ran, items, n int, busy, wall time.Duration) {
	s.parallelCalls.Add(1)
	s.units.Add(uint64(units))
	s.workerUnits.Add(uint64(units - ran))
	if q.warmup > 0 {
		if q.warmup--; q.warmup == 0 {
			q.startWindow()
		}
		return
	}
	if q.calls == 0 && q.start.IsZero() {
		q.startWindow()
	}
	if items > 0 {
		q.estimated += time.Duration(float64(busy) * float64(n) / float64(items))
	} else {
		q.estimated += wall // workers ran everything: count it as even
	}
	q.wall += wall
	q.calls++
	if q.calls < windowCalls && q.wall < windowWall {
		return
	}
	speedup := float64(q.estimated) / float64(max(q.wall, 1))
	waiting := q.waiting()
	q.speedup.Store(int64(speedup * 1000))
	q.waitingShare.Store(int64(waiting * 1000))
	q.startWindow()
	q.refreshCores()
	if speedup >= minSpeedup && waiting <= maxWaiting {
		q.backoff = 0
		q.contended.Store(false)
		q.inUse.Store(int32(q.active()))
		return
	}
	q.contended.Store(true)
	q.serialUntil = time.Now().Add(min(serialMin<<q.backoff, serialMax))
	if serialMin<<q.backoff < serialMax {
		q.backoff++
	}
	q.serial.Store(true)
	q.inUse.Store(1)
}
