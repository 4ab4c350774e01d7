package pool

import (
	"runtime"
	"sync/atomic"
	"time"
)

// spinners counts the workers polling for a call, across every pool of the
// process; at most maxSpinners poll at once (Go's own scheduler keeps its
// spinning threads to half the busy processors), the others park at once.
var (
	spinners    atomic.Int32
	maxSpinners atomic.Int32
)

func init() { setMaxSpinners(runtime.GOMAXPROCS(0)) }

func setMaxSpinners(procs int) { maxSpinners.Store(int32(max(1, procs/2))) }

// Idle polling budgets of a worker: normal, and once the pool found that
// its workers do not get a core (polling would only take it from the
// caller or from another process).
const (
	idleSpin          = 50 * time.Microsecond
	idleSpinContended = 2 * time.Microsecond
)

func (p *Pool) worker(w int) {
	defer p.workers[w].wake.close()
	var seen uint64 // call number of the last call this worker looked at
	for {
		word := p.next(w, seen)
		if p.closed.Load() {
			return
		}
		seen = word >> epochShift
		if p.beforeClaim != nil {
			p.beforeClaim(w)
		}
		for {
			u, ok := p.claim(seen)
			if !ok {
				break
			}
			p.runUnit(w, u)
		}
	}
}

// next waits until the published call number differs from seen and returns
// the word: polling for the idle budget if fewer than maxSpinners workers
// poll already, then parked on the worker's channel.
func (p *Pool) next(w int, seen uint64) uint64 {
	for {
		if word := p.word.Load(); word>>epochShift != seen {
			return word
		}
		if word, ok := p.poll(seen); ok {
			return word
		}
		ws := &p.workers[w]
		ws.noteDelay(&p.policy)
		ws.parked.Store(true)
		if word := p.word.Load(); word>>epochShift != seen {
			if !ws.parked.CompareAndSwap(true, false) {
				ws.wake.wait() // a caller saw the flag first: take its token
			}
			return word
		}
		ws.wake.wait()
		// The kernel may have woken this thread on the caller's CPU (a
		// pipe's wake-up asks for it), where the two would take turns,
		// for milliseconds until its load balancer moves one, while
		// another CPU idles.
		leaveCPU(p.callerCPU.Load())
	}
}

// noteDelay adds what the worker's thread waited for a CPU since the
// worker last parked (its wake-up included) to the policy's count, if it
// ran on the same thread then.
func (ws *workerState) noteDelay(q *policy) {
	tid, delay, ok := readDelay()
	if ok && ws.delayOK && tid == ws.tid {
		q.workerDelay.Add(delay - ws.delay)
	}
	ws.tid, ws.delay, ws.delayOK = tid, delay, ok
}

// poll watches the word for the pool's idle budget, if this worker may
// poll at all. It checks the clock every 64 polls and yields the processor
// to other goroutines every 1024 (a few µs), so that a worker never holds a
// processor another pool's caller is waiting for.
func (p *Pool) poll(seen uint64) (uint64, bool) {
	if spinners.Add(1) > maxSpinners.Load() {
		spinners.Add(-1)
		return 0, false
	}
	defer spinners.Add(-1)
	budget := idleSpin
	if p.policy.contended.Load() {
		budget = idleSpinContended
	}
	start := time.Now()
	for polls := 1; ; polls++ {
		if word := p.word.Load(); word>>epochShift != seen {
			return word, true
		}
		if polls&63 != 0 {
			continue
		}
		if time.Since(start) >= budget {
			return 0, false
		}
		if polls&1023 == 0 {
			runtime.Gosched()
		}
	}
}
