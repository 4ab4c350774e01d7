package pool

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/v1tr0/entrena/internal/phase"
)

// Task is work over a range [0, n) cut into units: Run does [lo, hi) on
// behalf of worker w (0 is the caller; 0 ≤ w < Threads, for per-worker
// scratch). A worker may run several units of one call, and an inline call
// runs the whole range at once, so Run must give the same result for any
// cut of [0, n) at multiples of the unit. A pointer to a preallocated struct
// passes as a Task without allocating.
type Task interface {
	Run(w, lo, hi int)
}

// CallKind is implemented by a Task that is reused for work whose cost
// differs between calls with the same n and unit, as a product's row bands
// do over more or fewer columns: the pool measures each kind of call apart
// (see Self-correction in the package doc). Calls of one kind should cost
// about the same; Kind builds a kind from the sizes that set the cost.
type CallKind interface {
	CallKind() uint64
}

// Kind mixes sizes into a CallKind value: different sizes give different
// kinds (but for a rare collision, which only merges two kinds' samples).
func Kind(sizes ...int) uint64 {
	h := uint64(14695981039346656037) // FNV-1a over the sizes' 8 bytes each
	for _, v := range sizes {
		for i := 0; i < 64; i += 8 {
			h ^= uint64(v) >> i & 0xff
			h *= 1099511628211
		}
	}
	return h
}

// MaxThreads bounds the threads of one Pool.
const MaxThreads = 256

// MaxUnits bounds the units of one call; For lengthens the unit of a call
// that would have more.
const MaxUnits = 1<<unitBits - 1

// ErrThreads is returned by New for a thread count out of range.
var ErrThreads = errors.New("pool: bad thread count")

// The published call is one word: call number, unit count, next unit.
const (
	unitBits   = 12
	unitMask   = 1<<unitBits - 1
	epochShift = 2 * unitBits
)

// callers counts the calls of every pool of the process in progress: each
// holds a processor for its caller.
var callers atomic.Int32

// waitBit is added to pending by a caller about to park: the finisher whose
// decrement leaves exactly waitBit ran the last unit and owes the caller a
// token. One atomic add decides on each side, so a token is sent only to a
// caller committed to receiving it, once per call.
const waitBit = 1 << 40

// cacheLine pads the words that the caller and the workers write, so each
// sits on a cache line of its own.
type cacheLine [64]byte

// Pool runs one call at a time over its threads: the caller plus threads−1
// goroutines started once by New, so a call allocates nothing. Calls from
// several goroutines are serialised. See the package doc for the design.
type Pool struct {
	_       cacheLine
	word    atomic.Uint64 // epoch<<epochShift | units<<unitBits | next unit
	_       cacheLine
	pending atomic.Int64 // units of the call in flight not yet finished, plus waitBit
	_       cacheLine

	threads int // the ceiling: the caller plus the worker goroutines
	mu      sync.Mutex
	closed  atomic.Bool

	// The call in flight, written by the caller before it publishes word;
	// a worker reads them only after claiming a unit, so it sees them.
	task    Task
	n, unit int

	panicked atomic.Bool
	panicMu  sync.Mutex
	panicVal any

	done    chan struct{} // the last unit's token to a parked caller
	workers []workerState

	policy policy // caller-side only (under mu), except the atomics it publishes
	stats  counters
	// callerCPU: the CPU the caller ran on when it last woke a worker (−1:
	// none yet, or unknown).
	callerCPU atomic.Int32

	// beforeClaim, set by tests before the workers start, runs on a worker
	// each time it sees a new call, before it claims (to delay or block it).
	beforeClaim func(w int)
}

type workerState struct {
	parked atomic.Bool // parked (or about to) on wake
	// The worker's thread and its wait for a CPU when it last parked
	// (the worker's own; delayOK: read).
	tid     int
	delay   int64
	delayOK bool
	wake    *signal // one token per wake-up
	_       cacheLine
}

// New returns a pool of threads threads (the caller plus threads−1
// goroutines); threads ≤ 0 means Cores(): as many as this process can run
// at once. A pool with more threads than Cores() uses only Cores() of them.
func New(threads int) (*Pool, error) { return newPool(threads, nil) }

func newPool(threads int, beforeClaim func(w int)) (*Pool, error) {
	if threads > MaxThreads {
		return nil, fmt.Errorf("%w: %d threads, at most %d", ErrThreads, threads, MaxThreads)
	}
	if threads <= 0 {
		threads, _ = Cores()
	}
	p := &Pool{threads: threads, done: make(chan struct{}, 1), beforeClaim: beforeClaim}
	p.callerCPU.Store(-1)
	p.workers = make([]workerState, threads)
	p.policy.init(p.threads)
	for w := 1; w < threads; w++ {
		p.workers[w].wake = newSignal()
		go p.worker(w)
	}
	return p, nil
}

// Threads is the ceiling set by New: the caller plus the worker goroutines.
func (p *Pool) Threads() int { return p.threads }

// Close stops the worker goroutines. A closed pool runs every call on the
// caller alone. Close is idempotent.
func (p *Pool) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed.Swap(true) {
		return
	}
	p.word.Add(1 << epochShift) // a new call number with no units: pollers look, see closed
	for w := 1; w < p.threads; w++ {
		p.wakeWorker(w)
	}
}

// For runs t over [0, n) cut into units of unit items (the last may be
// shorter) and returns when every unit is done. Units are claimed by the
// caller and by whichever workers are running. A panic in any unit is
// re-raised on the caller once every unit has finished.
func (p *Pool) For(n, unit int, t Task) {
	if n <= 0 {
		return
	}
	unit = max(unit, 1, (n+MaxUnits-1)/MaxUnits)
	units := (n + unit - 1) / unit
	p.mu.Lock()
	defer p.mu.Unlock()
	inside := callers.Add(1)
	defer callers.Add(-1)
	p.stats.calls.Add(1)
	if units < 2 || p.policy.active() < 2 || p.closed.Load() {
		t.Run(0, 0, n)
		return
	}
	// Calls of other pools already hold the other processors: a worker
	// woken now would only queue behind them (many networks served from
	// many goroutines).
	if int(inside) >= p.policy.procs {
		p.stats.crowded.Add(1)
		t.Run(0, 0, n)
		return
	}
	if !p.policy.parallel() {
		t.Run(0, 0, n)
		return
	}
	var kind uint64
	if k, ok := t.(CallKind); ok {
		kind = k.CallKind()
	}
	st := p.policy.site(t, n, unit, kind)
	if st.sampleDue(p.policy.clearGain()) {
		start := time.Now()
		t.Run(0, 0, n)
		st.sampled(time.Since(start))
		return
	}
	p.run(n, unit, units, t, st)
}

// run publishes a call of units ≥ 2 units, claims units on the caller,
// waits for the units claimed by workers, and feeds the policy.
func (p *Pool) run(n, unit, units int, t Task, st *site) {
	p.task, p.n, p.unit = t, n, unit
	p.pending.Store(int64(units))
	epoch := p.word.Load()>>epochShift + 1
	p.word.Store(epoch<<epochShift | uint64(units)<<unitBits)
	start := time.Now()
	p.wakeFor(units)

	ran, busy := p.claimTimed(epoch) // a unit's panic is kept by finishUnit
	waited := phase.Now()
	p.join(ran, busy)
	phase.Since(phase.PoolWait, waited)
	p.policy.record(&p.stats, st, units, ran, time.Since(start))
	p.settle()
}

// wakeFor wakes parked workers for a call of units units: one fewer than
// the units (the caller takes one), at most the active threads. It notes
// the caller's CPU first, which a woken worker leaves when another CPU
// idles (leaveCPU).
func (p *Pool) wakeFor(units int) {
	want, noted := min(units, p.policy.active())-1, false
	for w := 1; w < p.threads && want > 0; w++ {
		if !noted && p.workers[w].parked.Load() {
			p.callerCPU.Store(cpuNow()) // before the wake-up, which reads it
			noted = true
		}
		if p.wakeWorker(w) {
			want--
		} else if !p.workers[w].parked.Load() {
			want-- // polling or busy: it will see the call
		}
	}
}

// wakeWorker hands a token to worker w if it is parked: the CAS makes sure
// exactly one side (this call or the worker's own re-check) clears the flag.
func (p *Pool) wakeWorker(w int) bool {
	if p.workers[w].parked.CompareAndSwap(true, false) {
		p.workers[w].wake.notify()
		return true
	}
	return false
}

// claimTimed claims and runs units of call epoch on the caller until none
// is left, and returns how many it ran and their time.
func (p *Pool) claimTimed(epoch uint64) (ran int, busy time.Duration) {
	t0 := time.Now()
	for {
		u, ok := p.claim(epoch)
		if !ok {
			return ran, time.Since(t0)
		}
		p.runUnit(0, u)
		ran++
	}
}

// claim takes the next unit of call epoch, if that call has one left.
func (p *Pool) claim(epoch uint64) (int, bool) {
	for {
		w := p.word.Load()
		if w>>epochShift != epoch {
			return 0, false
		}
		units, next := w>>unitBits&unitMask, w&unitMask
		if next >= units {
			return 0, false
		}
		if p.word.CompareAndSwap(w, w+1) {
			return int(next), true
		}
	}
}

// runUnit runs unit u on worker w. A panic is kept for the caller to
// re-raise once the call is over (on a worker goroutine it would end the
// whole process, C and Python hosts included; on the caller it would leave
// units running), and the unit still counts as finished.
func (p *Pool) runUnit(w, u int) {
	defer p.finishUnit()
	lo := u * p.unit
	p.task.Run(w, lo, min(lo+p.unit, p.n))
}

func (p *Pool) finishUnit() {
	if r := recover(); r != nil {
		p.panicMu.Lock()
		if !p.panicked.Load() {
			p.panicVal = r
			p.panicked.Store(true)
		}
		p.panicMu.Unlock()
	}
	if p.pending.Add(-1) == waitBit {
		p.done <- struct{}{}
	}
}

// join returns when every unit of the call has finished. The caller polls
// while the units still out could finish soon (two of its own mean unit
// times since the last one finished, within limits), then parks until the
// last one hands it a token. It never yields with runtime.Gosched: a caller
// that came in from C (libentrena, Python) is locked to its OS thread, and
// there each yield is two thread switches.
func (p *Pool) join(ran int, busy time.Duration) {
	left := p.pending.Load()
	if left == 0 {
		return
	}
	spin := tailSpinDefault
	if ran > 0 {
		spin = min(max(2*busy/time.Duration(ran), tailSpinMin), tailSpinMax)
	}
	if p.policy.contended.Load() {
		spin = tailSpinMin
	}
	last := time.Now()
	for polls := 1; ; polls++ {
		now := p.pending.Load()
		if now == 0 {
			return
		}
		if polls&63 != 0 {
			continue
		}
		if now != left {
			left, last = now, time.Now()
			continue
		}
		if time.Since(last) >= spin {
			break
		}
	}
	p.stats.parkedJoins.Add(1)
	if p.pending.Add(waitBit) != waitBit {
		<-p.done // units still out: the last finisher sends a token
	}
}

// Tail spin of a caller waiting for units that workers claimed.
const (
	tailSpinMin     = 2 * time.Microsecond
	tailSpinMax     = 500 * time.Microsecond
	tailSpinDefault = 20 * time.Microsecond
)

// settle ends a call: it forgets the task and re-raises a unit's panic on
// the caller, where the API's recover turns it into an error.
func (p *Pool) settle() {
	p.task = nil
	if p.panicked.Load() {
		p.panicked.Store(false)
		r := p.panicVal
		p.panicVal = nil
		panic(r)
	}
}
