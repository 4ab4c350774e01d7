package suite

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/v1tr0/entrena/core"
)

// The contention group (only with -only contention): default threads against
// one on a machine busy with more; the reference of each work is its first
// configuration (default threads, or together).

// demoSpec is the MNIST demo's network: 784-128-10, softmax and cross
// entropy, SGD 0.5, batch 32.
func demoSpec(threads int) core.Spec {
	return core.Spec{Inputs: 784, Layers: []core.Layer{{Units: 128, Activation: core.Sigmoid}, {Units: 10, Activation: core.Softmax}},
		Loss: core.CategoricalCrossEntropy, Optimizer: core.Optimizer{Kind: core.SGD, LearningRate: 0.5}, MaxBatch: 32, Seed: 1, Threads: threads}
}

// contentionCases are trained at their MaxBatch.
var contentionCases = []struct {
	name string
	spec func(threads int) core.Spec
}{
	{"784-128-10 b=32 (the MNIST demo)", demoSpec},
	{"784-128-64-10 b=256", func(threads int) core.Spec { return mnistNet.spec(256, threads) }},
}

// contention holds the group's networks, closed at its end.
type contention struct {
	*runner
	samples int
	nets    []*core.Network
}

// net is a new network of spec (nil, with the reason skipped, if it fails).
func (c *contention) net(spec core.Spec) *core.Network {
	n, err := core.New(spec)
	if err != nil {
		c.skip("contention: %v", err)
		return nil
	}
	c.nets = append(c.nets, n)
	return n
}

// fit trains n one shuffled epoch of the group's synthetic samples.
func (c *contention) fit(n *core.Network) func() error {
	x, y := synthetic(21, c.samples, n.Inputs(), n.Outputs())
	return func() error {
		_, err := n.Fit(x, y, c.samples, core.FitOptions{Epochs: 1, BatchSize: n.MaxBatch(), Shuffle: true})
		return err
	}
}

// call does one Predict(32) or TrainStep(32) on n.
func call(n *core.Network, op string) func() error {
	x, y := synthetic(21, 32, n.Inputs(), n.Outputs())
	out := make([]float32, 32*n.Outputs())
	if op == "Predict" {
		return func() error { return n.Predict(x, 32, out) }
	}
	return func() error { _, err := n.TrainStep(x, y, 32); return err }
}

func once(run func() error) func() (float64, error) {
	return func() (float64, error) { t := time.Now(); err := run(); return time.Since(t).Seconds(), err }
}

// side is timed by f (seconds per op); its note gets the process CPU over
// wall time and, given a network, how its pool ran.
func (c *contention) side(name, impl string, n *core.Network, unit string, per float64, f func() (float64, error)) *side {
	var cpu, wall time.Duration
	row := Row{Group: "contention", Name: name, Impl: impl, Path: c.best(), Unit: unit}
	if n != nil {
		row.Threads = n.Threads()
	}
	return &side{row: row, per: per, peer: func(time.Duration) (float64, error) {
		c0, t0 := processCPU(), time.Now()
		defer func() { cpu, wall = cpu+processCPU()-c0, wall+time.Since(t0) }()
		return f()
	}, finish: func(r *Row) {
		r.Note = fmt.Sprintf("CPU over wall time %.2f", cpu.Seconds()/wall.Seconds())
		if n != nil {
			st := n.ThreadStats()
			r.Note += fmt.Sprintf("; pool: %s, workers ran %.0f%% of %d units in %d of %d calls, caller parked in %d, %d calls inline while other pools held the processors",
				st, 100*float64(st.WorkerUnits)/float64(max(st.Units, 1)), st.Units, st.ParallelCalls, st.Calls, st.ParkedJoins, st.Crowded)
		}
	}}
}

func (r *runner) runContention() {
	r.use(r.best())
	// A turn trains one whole epoch, as a user's Fit does: a turn of a few
	// tens of milliseconds is mostly the second core's start-up after the
	// other configuration's turn (about 2 ms of slower steps a Fit call).
	c := &contention{runner: r, samples: r.epochSamples}
	defer func() {
		for _, n := range c.nets {
			n.Close()
		}
	}()
	// Default threads against one training, quiet and beside one CPU-bound process.
	for _, busy := range []string{"quiet", "one busy process"} {
		competitor := exec.Command("sh", "-c", "while :; do :; done")
		if busy != "quiet" {
			if err := competitor.Start(); err != nil {
				r.skip("contention: cannot start a competing process: %v", err)
				break
			}
		}
		for _, k := range contentionCases {
			var sides []*side
			name := fmt.Sprintf("train %s, %s", k.name, busy)
			for _, th := range []int{0, 1} {
				if n := c.net(k.spec(th)); n != nil {
					sides = append(sides, c.side(name, "entrena/"+r.best(), n, "samples/s", float64(c.samples), once(c.fit(n))))
				}
			}
			// What the machine gives two threads in the same rounds: two
			// one-thread networks at once share nothing but the machine,
			// so no split of one network's step can pass them.
			if busy == "quiet" {
				if n0, n1 := c.net(k.spec(1)), c.net(k.spec(1)); n0 != nil && n1 != nil {
					sides = append(sides, c.side(name, "two one-thread networks at once", nil, "samples/s", float64(2*c.samples), once(atOnce(c.fit(n0), c.fit(n1)))))
				}
			}
			r.measureWork(sides, 0)
		}
		if competitor.Process != nil {
			_ = competitor.Process.Kill()
			_ = competitor.Wait()
		}
	}
	// Two networks (default threads) trained at once from two goroutines,
	// against the same two one after the other.
	for _, k := range contentionCases {
		n0, n1 := c.net(k.spec(0)), c.net(k.spec(0))
		if n0 == nil || n1 == nil {
			return
		}
		fit0, fit1 := c.fit(n0), c.fit(n1)
		name, per := fmt.Sprintf("train %s, two networks", k.name), float64(2*c.samples)
		r.measureWork([]*side{
			c.side(name, "together", nil, "samples/s", per, once(atOnce(fit0, fit1))),
			c.side(name, "one after the other", nil, "samples/s", per, once(func() error { return errors.Join(fit0(), fit1()) })),
		}, 0)
	}
	c.pythonThreads()
	window, spaced := map[bool]time.Duration{false: 200, true: 20}[r.quick]*time.Millisecond, map[bool]int{false: 40, true: 10}[r.quick]
	rng := rand.New(rand.NewPCG(3, 3))
	for _, op := range []string{"Predict", "TrainStep"} {
		var eight, service []*side
		for _, th := range []int{0, 1} {
			var calls [8]func() error
			var n *core.Network
			for i := range calls {
				if n = c.net(demoSpec(th)); n == nil {
					return
				}
				calls[i] = call(n, op)
			}
			eight = append(eight, c.side(fmt.Sprintf("%s(32) of 784-128-10, eight networks in eight goroutines", op), "entrena/"+r.best(), n,
				"calls/s", 1, eightAtOnce(calls, window)))
			if n = c.net(demoSpec(th)); n == nil {
				return
			}
			service = append(service, c.side(fmt.Sprintf("%s(32) of 784-128-10 every 0.2–5 ms", op), "entrena/"+r.best(), n,
				"calls/s (p50)", 1, spacedCalls(call(n, op), spaced, rng)))
		}
		c.measureWork(eight, c.rounds)
		c.measureWork(service, c.rounds)
	}
}

// atOnce runs f0 on another goroutine while f1 runs on this one.
func atOnce(f0, f1 func() error) func() error {
	return func() error {
		var wg sync.WaitGroup
		var err0 error
		wg.Go(func() { err0 = f0() })
		err1 := f1()
		wg.Wait()
		return errors.Join(err0, err1)
	}
}

// eightAtOnce: eight goroutines, each calling its own network for window;
// seconds per call over all of them.
func eightAtOnce(calls [8]func() error, window time.Duration) func() (float64, error) {
	return func() (float64, error) {
		var total atomic.Int64
		var wg sync.WaitGroup
		t0, end := time.Now(), time.Now().Add(window)
		for _, f := range calls {
			wg.Go(func() {
				for ; time.Now().Before(end); total.Add(1) {
					_ = f()
				}
			})
		}
		wg.Wait()
		return time.Since(t0).Seconds() / float64(total.Load()), nil
	}
}

// spacedCalls: calls of run 0.2–5 ms apart (a service); the median latency
// (the side's CPU over wall time includes the gaps).
func spacedCalls(run func() error, calls int, rng *rand.Rand) func() (float64, error) {
	return func() (float64, error) {
		lat := make([]float64, calls)
		for i := range lat {
			t0 := time.Now()
			if err := run(); err != nil {
				return 0, err
			}
			lat[i] = time.Since(t0).Seconds()
			time.Sleep(200*time.Microsecond + time.Duration(rng.Int64N(int64(4800*time.Microsecond))))
		}
		return median(lat), nil
	}
}

// pythonThreads: two entrena models trained from two Python threads at once
// against in turn (the entrena worker of bench/peers).
func (c *contention) pythonThreads() {
	dir, err := findPeersDir()
	if err != nil {
		c.skip("contention, Python threads: %v", err)
		return
	}
	defer func(d string) { c.peersDir = d }(c.peersDir)
	c.peersDir = dir
	defs := c.peerDefs()
	wk := c.startWorker(defs[slices.IndexFunc(defs, func(d peerDef) bool { return d.lib == "entrena" })], 0)
	if wk.err != nil {
		c.skip("contention, Python threads: %v", wk.err)
		return
	}
	var sides []*side
	for _, how := range []string{"together", "one after the other"} {
		sides = append(sides, &side{row: Row{Group: "contention", Name: "train 784-128-10 b=32 from Python, two models in two threads", Impl: "entrena (Python) " + how, Unit: "samples/s"},
			per: float64(2 * c.samples), peer: func(time.Duration) (float64, error) {
				a, err := wk.call(map[string]any{"op": "two_models", "together": how == "together", "samples": c.samples})
				return a.S, err
			}})
	}
	c.measureWork(sides, 0)
}
