package pool

import (
	"sort"
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
