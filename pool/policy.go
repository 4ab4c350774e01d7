package pool

import (
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"
)

// policy decides, from the pool's own timings, whether calls run in
// parallel. It never changes how a call is cut into units, only who runs
// them, so results do not depend on it.
//
// Each kind of call (a call site: the task, the length, the unit and the
// task's CallKind) runs inline on the caller now and then (the first time,
// then one call in sampleEvery, later one in sampleSettled, or sampleClear
// while the parallel calls clearly pay), which measures what it costs
// without the workers, in the same conditions (cold or warm caches, a busy
// or a quiet machine); its cost is the lower median of its recent samples.
// Over a window of parallel calls, the sum of their sites' inline costs
// against the sum of their wall times says whether the extra threads paid.
// On Linux the caller's thread also reads how long it waited for a CPU
// while runnable (schedstat), and so do the workers' as they park: when
// either is a noticeable share of the window, the process is running more
// threads than the machine has free cores (another process is busy), and
// its extra threads only take the CPU from the caller's own serial work,
// or wait behind the other process, which the estimate does not see.
// Either way the window failed; after strikes failed windows in a row (a
// probe's window: at once) the pool runs serially for a back-off period
// (serialMin, doubling while probes keep failing, up to serialMax), then
// probes with a short window, whose first calls (workers waking up) are
// not counted. Fields are the caller's (under the pool's mutex) except the
// atomics, which Stats and the workers read.
type policy struct {
	threads int // the pool's ceiling

	cores       int       // Cores() when last read
	procs       int       // GOMAXPROCS when last read
	serialUntil time.Time // run calls inline until then
	backoff     int       // failed probes in a row
	failed      int       // failed windows in a row
	probing     bool      // the window being measured is a probe's

	sites [siteSlots]site // inline cost of each kind of call
	clock uint64          // calls seen, for the sites' last use

	// The window being measured.
	calls     int
	target    int           // calls of the window: windowCalls, or probeCalls in a probe
	warmup    int           // calls still to skip before the window starts
	estimated time.Duration // what the calls would have taken on the caller alone
	wall      time.Duration // what they took
	start     time.Time     // when the window started
	tid       int           // the caller's thread then, and its wait for a CPU so far
	delay     int64
	delayOK   bool

	contended atomic.Bool // serial after a window that did not pay: workers poll briefly
	// workerDelay: nanoseconds the workers' threads waited for a CPU, read
	// as each parks, summed (its value when the window started: workerDelay0).
	workerDelay  atomic.Int64
	workerDelay0 int64
	serial       atomic.Bool  // calls run inline until serialUntil
	inUse        atomic.Int32 // threads calls use now
	coresSeen    atomic.Int32 // cores, for Stats
	speedup      atomic.Int64 // the last window's estimated/wall, in thousandths
	waitingShare atomic.Int64 // the last window's share of time the caller waited for a CPU, in thousandths
}

// site is one kind of call and what it cost inline when last sampled. The
// task is kept by address only: holding it would keep its owner (a
// network) reachable from the pool's workers, and never collected. kind is
// the task's CallKind (0 without one).
type site struct {
	task    uintptr
	n, unit int
	kind    uint64
	inline  time.Duration // lower median of the recent inline samples; 0: none yet
	recent  [recentSamples]time.Duration
	since   int    // parallel calls since the sample
	samples int    // inline samples so far
	used    uint64 // the policy's clock when last used
}

// Window, sampling and back-off of the policy.
const (
	siteSlots   = 32 // a training step of a deep network has a few calls per layer
	sampleEvery = 16 // until a site has settledSamples samples, then sampleSettled
	// An inline sample costs the parallel speed-up of one call: one in 64
	// calls at a speed-up of 1.8 is 1.2% of the parallel throughput.
	settledSamples = 4
	sampleSettled  = 64
	// sampleClear: once the last window's parallel calls ran clearSpeedup
	// times faster than inline, a few percent of drift in a site's cost
	// cannot turn the verdict, and a sample costs a whole call's speed-up
	// (pool/TUNING.md).
	sampleClear  = 256
	clearSpeedup = 1.4
	// recentSamples inline samples make a site's cost: their lower median,
	// which neither the first (cold) sample nor one hit by a preemption moves.
	recentSamples = 5
	windowCalls   = 32
	probeCalls    = 16 // a probe's window: a failed probe costs its calls
	// strikes: windows in a row that must fail before a running pool turns
	// serial (a probe fails at once); one window is a few steps, and a
	// quiet machine's hiccups fail one now and then.
	strikes    = 2
	windowWall = 20 * time.Millisecond
	serialMin  = 20 * time.Millisecond
	serialMax  = time.Second
	// minSpeedup: parallel calls must beat the caller alone by this much to
	// keep their extra threads (the estimate is noisy by a few percent).
	minSpeedup = 1.02
	// maxWaiting: the share of a window the caller may spend runnable but
	// without a CPU before the pool counts the machine as busy.
	maxWaiting = 0.1
	// probeWarmup: calls of a probe not counted while workers wake up.
	probeWarmup = 2
)

func (q *policy) init(threads int) {
	q.threads = threads
	q.target = windowCalls
	q.refreshCores()
	q.inUse.Store(int32(q.active()))
}

func (q *policy) refreshCores() {
	q.cores, _ = Cores()
	q.procs = runtime.GOMAXPROCS(0)
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
		q.serial.Store(false) // probe, with workers polling as usual
		q.contended.Store(false)
		q.inUse.Store(int32(q.active()))
		q.warmup = probeWarmup
		q.target = probeCalls
		q.probing = true
	}
	return true
}

// readDelay is threadDelay; tests replace it to fake a busy machine.
var readDelay = threadDelay

// startWindow clears the window and notes where the caller's thread stands.
func (q *policy) startWindow() {
	q.calls, q.estimated, q.wall = 0, 0, 0
	q.start = time.Now()
	q.tid, q.delay, q.delayOK = readDelay()
	q.workerDelay0 = q.workerDelay.Load()
}

// waiting is the share of the window the caller's thread spent runnable
// without a CPU (0 when unknown: no schedstat, or the caller's goroutine
// moved to another thread), or the workers' (counted as they park),
// whichever is more: a worker the kernel woke on another CPU than the
// caller's waits there behind the other process, and the caller does not.
func (q *policy) waiting() float64 {
	elapsed := float64(max(time.Since(q.start), 1))
	workers := float64(q.workerDelay.Load()-q.workerDelay0) / elapsed
	tid, delay, ok := readDelay()
	if !ok || !q.delayOK || tid != q.tid {
		return workers
	}
	return max(float64(delay-q.delay)/elapsed, workers)
}

// site returns the slot of a kind of call, taking the least recently used
// slot for a kind not seen yet.
func (q *policy) site(t Task, n, unit int, kind uint64) *site {
	id := (*[2]uintptr)(unsafe.Pointer(&t))[1] // the interface's data word
	q.clock++
	oldest := &q.sites[0]
	for i := range q.sites {
		s := &q.sites[i]
		if s.task == id && s.n == n && s.unit == unit && s.kind == kind {
			s.used = q.clock
			return s
		}
		if s.used < oldest.used {
			oldest = s
		}
	}
	*oldest = site{task: id, n: n, unit: unit, kind: kind, used: q.clock}
	return oldest
}

// sampleDue reports whether the next call of s should run inline to
// measure its cost; clear: the parallel calls clearly pay (clearGain).
func (s *site) sampleDue(clear bool) bool {
	every := sampleEvery
	if s.samples >= settledSamples {
		every = sampleSettled
		if clear {
			every = sampleClear
		}
	}
	return s.inline == 0 || s.since >= every
}

// clearGain reports whether the last window's parallel calls ran at least
// clearSpeedup times faster than the caller alone would have.
func (q *policy) clearGain() bool {
	return q.speedup.Load() >= int64(clearSpeedup*1000)
}

// sampled records an inline run of s.
func (s *site) sampled(d time.Duration) {
	s.recent[s.samples%recentSamples] = max(d, 1)
	s.samples++
	var sorted [recentSamples]time.Duration
	k := min(s.samples, recentSamples)
	for i, v := range s.recent[:k] {
		j := i
		for ; j > 0 && sorted[j-1] > v; j-- {
			sorted[j] = sorted[j-1]
		}
		sorted[j] = v
	}
	s.inline, s.since = sorted[(k-1)/2], 0
}

// record adds one parallel call of site st to the window: the caller ran
// ran of its units units; the call took wall.
func (q *policy) record(s *counters, st *site, units, ran int, wall time.Duration) {
	s.parallelCalls.Add(1)
	s.units.Add(uint64(units))
	s.workerUnits.Add(uint64(units - ran))
	st.since++
	if q.warmup > 0 {
		if q.warmup--; q.warmup == 0 {
			q.startWindow()
		}
		return
	}
	if q.calls == 0 && q.start.IsZero() {
		q.startWindow()
	}
	q.estimated += st.inline
	q.wall += wall
	q.calls++
	if q.calls < max(q.target, probeCalls) && q.wall < windowWall {
		return
	}
	speedup := float64(q.estimated) / float64(max(q.wall, 1))
	waiting := q.waiting()
	q.speedup.Store(int64(speedup * 1000))
	q.waitingShare.Store(int64(waiting * 1000))
	q.startWindow()
	q.refreshCores()
	q.target = windowCalls
	probe := q.probing
	q.probing = false
	if speedup >= minSpeedup && waiting <= maxWaiting {
		q.backoff, q.failed = 0, 0
		q.contended.Store(false)
		q.inUse.Store(int32(q.active()))
		return
	}
	if q.failed++; !probe && q.failed < strikes {
		return
	}
	q.failed = 0
	q.contended.Store(true)
	q.serialUntil = time.Now().Add(min(serialMin<<q.backoff, serialMax))
	if serialMin<<q.backoff < serialMax {
		q.backoff++
	}
	q.serial.Store(true)
	q.inUse.Store(1)
}
