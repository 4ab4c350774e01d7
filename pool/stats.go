package pool

import (
	"fmt"
	"sync/atomic"
)

type counters struct {
	calls         atomic.Uint64
	parallelCalls atomic.Uint64
	units         atomic.Uint64
	workerUnits   atomic.Uint64
	parkedJoins   atomic.Uint64
	crowded       atomic.Uint64
}

// Stats describes how a pool has been running. It may be read from any
// goroutine, also while a call is in flight.
type Stats struct {
	Threads int    // the ceiling the pool was made with
	Cores   int    // cores this process can use (see Cores)
	InUse   int    // threads parallel calls use now
	Reason  string // why InUse is below Threads; empty when it is not
	// Speedup is the last window's estimate of how much faster the
	// parallel calls ran than the caller alone would have (0: no window
	// measured yet).
	Speedup float64
	// Waiting is the share of that window the caller's thread spent
	// runnable but without a CPU (Linux; 0 elsewhere).
	Waiting float64

	Calls         uint64 // calls to For, inline ones included
	ParallelCalls uint64 // calls published to the workers
	Units         uint64 // units of the parallel calls
	WorkerUnits   uint64 // of those, units run by workers rather than the caller
	ParkedJoins   uint64 // parallel calls whose caller parked to wait for a worker's unit
	// Crowded counts calls run on the caller because calls of other pools
	// held every other processor (GOMAXPROCS).
	Crowded uint64
}

// Stats returns the pool's current state and counters.
func (p *Pool) Stats() Stats {
	q := &p.policy
	s := Stats{
		Threads:       p.threads,
		Cores:         int(q.coresSeen.Load()),
		InUse:         int(q.inUse.Load()),
		Speedup:       float64(q.speedup.Load()) / 1000,
		Waiting:       float64(q.waitingShare.Load()) / 1000,
		Calls:         p.stats.calls.Load(),
		ParallelCalls: p.stats.parallelCalls.Load(),
		Units:         p.stats.units.Load(),
		WorkerUnits:   p.stats.workerUnits.Load(),
		ParkedJoins:   p.stats.parkedJoins.Load(),
		Crowded:       p.stats.crowded.Load(),
	}
	switch {
	case p.threads == 1:
		s.InUse = 1
	case p.closed.Load():
		s.InUse, s.Reason = 1, "closed"
	case q.serial.Load() && s.Waiting > maxWaiting:
		s.Reason = fmt.Sprintf("contended: the machine has no free core (the caller waited for a CPU %.0f%% of the time); trying again later", 100*s.Waiting)
	case q.serial.Load():
		s.Reason = fmt.Sprintf("contended: parallel calls ran no faster than one thread (%.2f×); trying again later", s.Speedup)
	case s.InUse < p.threads:
		_, why := Cores()
		cores := "cores"
		if s.Cores == 1 {
			cores = "core"
		}
		s.Reason = fmt.Sprintf("this process can use %d %s: %s", s.Cores, cores, why)
	}
	return s
}

// Active is the threads a parallel call may use: the ceiling, capped by
// the cores this process can use (Cores, as last read). A task whose units
// each pay a fixed cost may cut its work into Active units rather than
// many small ones.
func (p *Pool) Active() int {
	return max(1, min(p.threads, int(p.policy.coresSeen.Load())))
}

// Parallel reports whether a call made now may run on more than one
// thread: the pool is not serial (a busy machine) and calls of other pools
// do not hold every processor but the caller's. Work that is cut
// differently for one thread (a training step by blocks of rows) asks
// first; the call itself decides again.
func (p *Pool) Parallel() bool {
	return p.policy.inUse.Load() >= 2 && int(callers.Load())+1 < p.policy.procs
}

// String is one line for logs and the command line: "2 of 2 threads" or
// "1 of 2 threads (contended: …)".
func (s Stats) String() string {
	if s.Reason == "" {
		return fmt.Sprintf("%d of %d threads", s.InUse, s.Threads)
	}
	return fmt.Sprintf("%d of %d threads (%s)", s.InUse, s.Threads, s.Reason)
}
