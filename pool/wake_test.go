package pool

import (
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// firstClaimTask records when a worker first ran one of its units; the
// caller's units take long enough for a woken worker to arrive.
type firstClaimTask struct {
	start time.Time
	first atomic.Int64 // ns after start, 0: no worker ran a unit
}

func (f *firstClaimTask) Run(w, lo, hi int) {
	if w != 0 {
		f.first.CompareAndSwap(0, int64(time.Since(f.start)))
		return
	}
	for end := time.Now().Add(20 * time.Microsecond); time.Now().Before(end); {
	}
}

// BenchmarkWakeParked is the time from publishing a call to a parked
// worker's first unit (median and p90 over the calls in which a worker
// joined), after an idle gap long enough for the worker to park: what a
// call pays for a worker that is not polling.
func BenchmarkWakeParked(b *testing.B) {
	p, err := New(2)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	task := &firstClaimTask{}
	for range sampleEvery + 1 { // past the kind's first inline samples
		p.For(40, 1, task)
	}
	var lat []float64
	missed := 0
	for i := 0; i < b.N; i++ {
		time.Sleep(time.Millisecond) // the worker parks after idleSpin
		task.first.Store(0)
		task.start = time.Now()
		p.For(40, 1, task)
		if f := task.first.Load(); f > 0 {
			lat = append(lat, float64(f))
		} else {
			missed++
		}
	}
	if len(lat) > 0 {
		sort.Float64s(lat)
		b.ReportMetric(lat[len(lat)/2]/1e3, "µs-median")
		b.ReportMetric(lat[len(lat)*9/10]/1e3, "µs-p90")
	}
	b.ReportMetric(float64(missed)/float64(b.N), "missed/call")
}

// TestSignalAllocs: waking a parked worker allocates nothing, also under
// -race (where a token written from a local array escaped: one allocation
// a wake-up, which made the training step's allocation tests fail whenever
// a slow or busy machine let the worker park between calls).
func TestSignalAllocs(t *testing.T) {
	s := newSignal()
	defer s.close()
	if a := testing.AllocsPerRun(100, func() { s.notify(); s.wait() }); a != 0 {
		t.Fatalf("notify and wait allocate %v times", a)
	}
}

// lateWorkerTask: a worker's unit outlasts the caller's tail spin, so the
// caller parks until the worker's token; the caller's units return at once.
type lateWorkerTask struct{}

func (lateWorkerTask) Run(w, lo, hi int) {
	d := 300 * time.Microsecond
	if w == 0 {
		d = 20 * time.Microsecond // time for a polling worker to claim the other unit
	}
	for end := time.Now().Add(d); time.Now().Before(end); {
	}
}

// TestParkedJoinAllocs: a caller that parks for a worker's last unit and is
// woken by it allocates nothing, also after collections. (A channel receive
// took a waiter record from its processor's cache, and the caller, queued
// behind the finishing worker, often resumed on the worker's processor and
// left the record there: its own cache ran dry, and after a GC emptied the
// shared one, the next park allocated.) Allocations are read from the heap
// profile, by the stacks that made them: the runtime's own (GC workers) do
// not count.
func TestParkedJoinAllocs(t *testing.T) {
	p, err := New(2)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.policy.active() < 2 {
		t.Skip("needs two cores")
	}
	defer func(rate int) { runtime.MemProfileRate = rate }(runtime.MemProfileRate)
	runtime.MemProfileRate = 1
	task := lateWorkerTask{}
	call := func() { // straight to run: the policy would rightly keep this task on the caller
		p.mu.Lock()
		defer p.mu.Unlock()
		p.run(2, 1, 2, task, p.policy.site(task, 2, 1))
	}
	parks0 := p.stats.parkedJoins.Load() // Stats formats a string: an allocation
	before := poolAllocs()
	for range 50 {
		runtime.GC()
		for range 20 {
			call()
		}
	}
	allocs := poolAllocs() - before
	parks := p.stats.parkedJoins.Load() - parks0
	if allocs != 0 {
		t.Fatalf("the pool allocated %d times over 1000 calls, %d of them with the caller parked", allocs, parks)
	}
	if parks == 0 {
		t.Skip("the caller never parked: the machine is too busy to test this")
	}
}

// poolAllocs counts the objects allocated so far (as far as the heap
// profile has them: two collections back) by stacks through this package,
// its tests aside.
func poolAllocs() int64 {
	runtime.GC()
	runtime.GC()
	n, _ := runtime.MemProfile(nil, true)
	recs := make([]runtime.MemProfileRecord, n+64)
	n, _ = runtime.MemProfile(recs, true)
	var total int64
	for _, r := range recs[:n] {
		frames := runtime.CallersFrames(r.Stack())
		for {
			f, more := frames.Next()
			if strings.HasPrefix(f.Function, "github.com/v1tr0/entrena/pool.") && !strings.Contains(f.Function, ".Test") &&
				!strings.Contains(f.Function, "poolAllocs") {
				total += r.AllocObjects
				break
			}
			if !more {
				break
			}
		}
	}
	return total
}

// TestSignalTokens: tokens counts what a notify left unread (the check
// TestCallerParksLockedThread relies on).
func TestSignalTokens(t *testing.T) {
	s := newSignal()
	defer s.close()
	if n := s.tokens(); n != 0 {
		t.Fatalf("a new signal holds %d tokens", n)
	}
	s.notify()
	if n := s.tokens(); n != 1 {
		t.Fatalf("after one notify: %d tokens, want 1", n)
	}
	s.notify()
	s.wait() // the deadline tokens set is cleared: wait still blocks until a token
	if n := s.tokens(); n != 0 {
		t.Fatalf("after notify and wait: %d tokens, want 0", n)
	}
}
