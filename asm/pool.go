package asm

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Pool splits one kernel call across several cores with persistent workers:
// the goroutines start once in NewPool, so a parallel call allocates nothing.
// Each network owns its own Pool, so separate networks trained on separate
// goroutines do not queue behind one global pool.
//
// A call publishes its work by bumping an atomic generation word; workers
// that finished a share keep polling it for spinTime (yielding the processor
// between polls) before they park on a channel. A training step is a string
// of parallel calls with short serial gaps, and waking a parked worker on
// another core costs 10–25 µs on the VM this was measured on — more than a
// batch-32 GEMM share — while a polling worker starts within a microsecond.
//
// A Pool runs one call at a time (calls from several goroutines are
// serialised by a mutex). The calling goroutine does the first share of the
// work itself, so a Pool of n threads starts n−1 goroutines.
type Pool struct {
	threads int
	ws      []*Workspace // one packing workspace per worker; [0] is the caller's
	mu      sync.Mutex
	closed  bool

	// gen is bumped by each call: call number << genShift | parts (the
	// workers 1…parts−1 take part), so one load tells a worker whether it
	// has work; closing sets genClosed.
	gen      atomic.Uint64
	pending  atomic.Int32    // workers of the call in flight still running, plus waitBit
	done     chan struct{}   // the last worker's token to a parked caller
	panics   []any           // a panic of worker i's share, re-raised on the caller
	sleeping []atomic.Bool   // worker i is parked (or about to) on wake[i]
	wake     []chan struct{} // a token per wake-up of a parked worker

	// The call in flight, written by the caller before bumping gen.
	task   Task
	bounds [MaxThreads + 1]int
	gemm   gemmTask
}

// MaxThreads bounds the workers of one Pool.
const MaxThreads = 256

const (
	genShift  = 9 // parts ≤ MaxThreads < 1<<9
	genParts  = 1<<genShift - 1
	genClosed = 1 << 63
	// spinTime is how long an idle worker polls for the next call before
	// parking: longer than the serial gaps of a training step, short
	// enough that an idle network costs nothing noticeable.
	spinTime = time.Millisecond
	// awaitSpin is how long a caller polls for its workers before parking:
	// most shares of a training step end well within it.
	awaitSpin = 200 * time.Microsecond
	// waitBit is added to pending by a caller about to park: the worker
	// whose decrement leaves exactly waitBit is the last one and owes the
	// caller a token. One atomic add decides on each side, so a token is
	// sent only to a caller committed to receiving it, once per call.
	waitBit = 1 << 30
)

// Task is work split over a range [0, n): Run does [lo, hi) on behalf of
// worker w (0 ≤ w < threads; w indexes per-worker scratch). A pointer to a
// preallocated struct passes as a Task without allocating.
type Task interface {
	Run(w, lo, hi int)
}

// Tuning: below these sizes the hand-off to another core costs more than it
// saves (measured with BenchmarkPoolGemm; about 10 µs of work).
var (
	ParallelGemmFlops    = 4 << 20 // 2·m·n·k
	ParallelElementCount = 1 << 15 // elements of an element-wise pass
)

// NewPool returns a pool of threads workers (the caller plus threads−1
// goroutines); threads ≤ 0 means runtime.GOMAXPROCS(0).
func NewPool(threads int) (*Pool, error) {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	if threads > MaxThreads {
		return nil, fmt.Errorf("%w: NewPool: %d threads, at most %d", ErrArgument, threads, MaxThreads)
	}
	p := &Pool{threads: threads, done: make(chan struct{}, 1)}
	p.ws = make([]*Workspace, threads)
	p.wake = make([]chan struct{}, threads)
	p.sleeping = make([]atomic.Bool, threads)
	p.panics = make([]any, threads)
	for i := range p.ws {
		p.ws[i] = NewWorkspace()
	}
	for i := 1; i < threads; i++ {
		p.wake[i] = make(chan struct{}, 1)
		go p.worker(i)
	}
	return p, nil
}

// Threads is the number of workers, the caller included.
func (p *Pool) Threads() int { return p.threads }

// Workspace returns worker w's packing workspace.
func (p *Pool) Workspace(w int) *Workspace { return p.ws[w] }

// Close stops the worker goroutines. A closed pool runs every call on the
// caller alone. Close is idempotent.
func (p *Pool) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	p.gen.Store(genClosed)
	for i := 1; i < p.threads; i++ {
		p.wakeWorker(i)
	}
}

// wakeWorker hands a token to worker i if it is parked: the CAS makes sure
// exactly one side (this call or the worker's own re-check) clears the flag.
func (p *Pool) wakeWorker(i int) {
	if p.sleeping[i].CompareAndSwap(true, false) {
		p.wake[i] <- struct{}{}
	}
}

func (p *Pool) worker(i int) {
	var seen uint64
	idle := time.Now() // since the last share this worker ran (or its last wake-up)
	for {
		g := p.next(i, seen, &idle)
		if g&genClosed != 0 {
			return
		}
		seen = g
		if i < int(g&genParts) {
			p.runShare(i)
			idle = time.Now()
		}
	}
}

// runShare runs worker i's share of the call in flight. A panic in it is
// kept for the caller to re-raise (on a worker goroutine it would end the
// whole process, C and Python hosts included), and the share still counts
// as finished.
func (p *Pool) runShare(i int) {
	defer func() {
		if r := recover(); r != nil {
			p.panics[i] = r
		}
		p.finish()
	}()
	p.task.Run(i, p.bounds[i], p.bounds[i+1])
}

// next waits until gen differs from seen and returns it: polling until
// spinTime after *idle, then parked on wake[i]. Calls the worker has no
// share in do not restart the clock, so a worker left out of a run of
// narrow calls parks instead of polling through all of them.
func (p *Pool) next(i int, seen uint64, idle *time.Time) uint64 {
	start := *idle
	for polls := 0; ; polls++ {
		if g := p.gen.Load(); g != seen {
			return g
		}
		if polls&1023 != 1023 {
			continue
		}
		// Every 1024 polls (a few µs): yield the processor to any other
		// goroutine (yielding more often measurably slowed the caller's
		// serial work through the scheduler's locks), and park once idle
		// for spinTime.
		runtime.Gosched()
		if time.Since(start) < spinTime {
			continue
		}
		p.sleeping[i].Store(true)
		if g := p.gen.Load(); g != seen {
			if !p.sleeping[i].CompareAndSwap(true, false) {
				<-p.wake[i] // a caller saw the flag first: take its token
			}
			return g
		}
		<-p.wake[i]
		*idle = time.Now()
		start, polls = *idle, 0
	}
}

// Parallel runs t over [0, n) split into at most Threads contiguous shares,
// each a multiple of grain long (the last may be shorter), and returns when
// all are done. With one thread, a closed pool or n ≤ grain, t runs on the
// caller alone as t.Run(0, 0, n).
func (p *Pool) Parallel(n, grain int, t Task) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.parallel(n, grain, t)
}

func (p *Pool) parallel(n, grain int, t Task) {
	grain = max(grain, 1)
	chunks := (n + grain - 1) / grain
	// Workers beyond GOMAXPROCS could not run at once: they would only make
	// the caller wait for a processor.
	parts := min(p.threads, chunks)
	if parts > 1 {
		parts = min(parts, runtime.GOMAXPROCS(0))
	}
	if parts <= 1 || p.closed {
		t.Run(0, 0, n)
		return
	}
	// Spread whole grains as evenly as possible over the parts.
	per, extra := chunks/parts, chunks%parts
	p.bounds[0] = 0
	for i := 0; i < parts; i++ {
		g := per
		if i < extra {
			g++
		}
		p.bounds[i+1] = min(n, p.bounds[i]+g*grain)
	}
	p.task = t
	p.pending.Store(int32(parts - 1))
	p.gen.Store((p.gen.Load()>>genShift+1)<<genShift | uint64(parts))
	for i := 1; i < parts; i++ {
		p.wakeWorker(i)
	}
	defer p.settle() // also when the caller's own share panics
	t.Run(0, p.bounds[0], p.bounds[1])
}

// settle ends a call: it waits for the workers (so none still runs a share
// when the next call rewrites task and bounds), forgets the task, and
// re-raises a worker's panic on the caller, where the API's recover turns
// it into an error.
func (p *Pool) settle() {
	p.await()
	p.task = nil
	for i, r := range p.panics {
		if r != nil {
			p.panics[i] = nil
			panic(r)
		}
	}
}

// await returns when every worker of the call has finished: it polls for
// awaitSpin, then parks on done until the last worker hands it a token. It
// never yields with runtime.Gosched: a caller that came in from C (a cgo
// callback, as from libentrena and Python) is locked to its OS thread, and
// there each yield is two OS-thread switches, which halved the throughput
// of 2-thread training.
func (p *Pool) await() {
	start := time.Now()
	for polls := 1; p.pending.Load() != 0; polls++ {
		if polls&1023 != 0 || time.Since(start) < awaitSpin {
			continue
		}
		if p.pending.Add(waitBit) != waitBit {
			<-p.done // workers still running: the last one sends a token
		}
		return
	}
}

// finish marks one worker's share done; the last one wakes a parked caller.
func (p *Pool) finish() {
	if p.pending.Add(-1) == waitBit {
		p.done <- struct{}{}
	}
}

// Reserve grows every worker's workspace for an m×n×k Sgemm.
func (p *Pool) Reserve(m, n, k int) {
	for _, w := range p.ws {
		w.Reserve(m, n, k)
	}
}

// Sgemm is asm.Sgemm split over the pool's workers: C is cut into bands of
// rows (or of columns, when it is wider than tall), each computed by one
// worker with its own packing buffers. Every element of C is computed by
// exactly one worker in the same order as on one core, so the result does
// not depend on the number of threads. Small products stay on the caller.
func (p *Pool) Sgemm(transA, transB bool, m, n, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) error {
	if err := checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc); err != nil {
		return err
	}
	if m == 0 || n == 0 {
		return nil
	}
	ks := active.Load()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.threads == 1 || p.closed || 2*m*n*k < ParallelGemmFlops {
		ks.gemm(p.ws[0], transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return nil
	}
	g := &p.gemm
	*g = gemmTask{pool: p, ks: ks, transA: transA, transB: transB, m: m, n: n, k: k,
		alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, byRows: m >= n}
	rows, cols := gemmRowGrain, gemmColGrain
	if ks.rowGrain > 0 {
		rows, cols = ks.rowGrain, ks.colGrain
	}
	if g.byRows {
		p.parallel(m, rows, g)
	} else {
		p.parallel(n, cols, g)
	}
	g.a, g.b, g.c = nil, nil, nil // do not keep the caller's buffers alive
	return nil
}

// Band boundaries are multiples of the active path's register tile (its
// kernelSet's rowGrain and colGrain: 12×32 for AVX-512, 6×16 for AVX2, 8×12
// for NEON), or of every path's when a path sets none (rows: 6, 8, 12;
// columns: 12, 16, 32 — 32 is not a multiple of 12, but NEON's 12-wide
// edge costs one partial tile per band). The finer the grain, the more
// even the shares: 256 rows in grains of 24 split 144/112 over two
// workers, in grains of 12 128/128.
const (
	gemmRowGrain = 24
	gemmColGrain = 32
)

type gemmTask struct {
	pool           *Pool
	ks             *kernelSet
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int
	byRows         bool
}

// Run computes rows (or columns) [lo, hi) of C as a sub-product on
// sub-slices: rows of C need rows of op(A); columns need columns of op(B).
func (g *gemmTask) Run(w, lo, hi int) {
	a, b, c := g.a, g.b, g.c
	m, n := g.m, g.n
	if g.byRows {
		m = hi - lo
		if g.transA {
			a = a[lo:]
		} else {
			a = a[lo*g.lda:]
		}
		c = c[lo*g.ldc:]
	} else {
		n = hi - lo
		if g.transB {
			b = b[lo*g.ldb:]
		} else {
			b = b[lo:]
		}
		c = c[lo:]
	}
	g.ks.gemm(g.pool.ws[w], g.transA, g.transB, m, n, g.k, g.alpha, a, g.lda, b, g.ldb, g.beta, c, g.ldc)
}
