package suite

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"slices"
	"sync"
	"time"

	"github.com/v1tr0/entrena/core"
)

// demoSpec is the MNIST demo's network: 784-128-10, softmax and cross
// entropy, SGD 0.5, batch 32.
func demoSpec(threads int) core.Spec {
	return core.Spec{Inputs: 784, Layers: []core.Layer{{Units: 128, Activation: core.Sigmoid}, {Units: 10, Activation: core.Softmax}},
		Loss: core.CategoricalCrossEntropy, Optimizer: core.Optimizer{Kind: core.SGD, LearningRate: 0.5}, MaxBatch: 32, Seed: 1, Threads: threads}
}

var contentionCases = []struct {
	name  string
	spec  func(threads int) core.Spec
	batch int
}{
	{"784-128-10 b=32 (the MNIST demo)", demoSpec, 32},
	{"784-128-64-10 b=256", func(threads int) core.Spec { return mnistNet.spec(256, threads) }, 256},
}

// timeOnce times one call of run.
func timeOnce(run func() error) func() (float64, error) {
	return func() (float64, error) {
		t := time.Now()
		err := run()
		return time.Since(t).Seconds(), err
	}
}

// contention: default threads against one on a machine busy with more (the
// reference is the first configuration); only with -only contention.
type contention struct {
	*runner
	samples int
	nets    []*core.Network
}

// side is timed by f (seconds per op); its note gets the process CPU over
// wall time and, given a network, how its pool ran.
func (c *contention) side(name, impl string, n *core.Network, unit string, per float64, f func() (float64, error)) *side {
	var cpu, wall time.Duration
	row := Row{Group: "contention", Name: name, Impl: impl, Path: c.best(), Unit: unit}
	if n != nil {
		row.Threads = n.Threads()
	}
	s := &side{row: row, per: per, peer: func(time.Duration) (float64, error) {
		c0, t0 := processCPU(), time.Now()
		sec, err := f()
		cpu, wall = cpu+processCPU()-c0, wall+time.Since(t0)
		return sec, err
	}}
	s.finish = func(r *Row) {
		r.Note = fmt.Sprintf("CPU over wall time %.2f", cpu.Seconds()/wall.Seconds())
		if n != nil {
			st := n.ThreadStats()
			r.Note += fmt.Sprintf("; pool: %s, workers ran %.0f%% of %d units in %d of %d calls, caller parked in %d, %d calls inline while other pools held the processors",
				st, 100*float64(st.WorkerUnits)/float64(max(st.Units, 1)), st.Units, st.ParallelCalls, st.Calls, st.ParkedJoins, st.Crowded)
		}
	}
	return s
}

// network is a new network of spec, closed with the group; fit trains it
// one shuffled epoch of synthetic samples, call does one Predict(32) or
// TrainStep(32).
func (c *contention) network(spec core.Spec, batch int, op string) (n *core.Network, fit, call func() error) {
	n, err := core.New(spec)
	if err != nil {
		c.skip("contention: %v", err)
		return nil, nil, nil
	}
	c.nets = append(c.nets, n)
	x, y := synthetic(21, map[bool]int{true: c.samples, false: 32}[op == ""], n.Inputs(), n.Outputs())
	out := make([]float32, 32*n.Outputs())
	return n, func() error {
			_, err := n.Fit(x, y, c.samples, core.FitOptions{Epochs: 1, BatchSize: batch, Shuffle: true})
			return err
		}, map[bool]func() error{true: func() error { return n.Predict(x, 32, out) },
			false: func() error { _, err := n.TrainStep(x, y, 32); return err }}[op == "Predict"]
}

func (r *runner) runContention() {
	r.use(r.best())
	c := &contention{runner: r, samples: map[bool]int{false: 16384, true: 2048}[r.quick]}
	defer func() {
		for _, n := range c.nets {
			n.Close()
		}
	}()
	// Default threads against one, quiet and beside one CPU-bound process.
	for _, busy := range []string{"quiet", "one busy process"} {
		stop := func() {}
		if busy != "quiet" {
			cmd := exec.Command("sh", "-c", "while :; do :; done")
			if err := cmd.Start(); err != nil {
				r.skip("contention: cannot start a competing process: %v", err)
				break
			}
			stop = func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
		}
		for _, k := range contentionCases {
			var sides []*side
			for _, th := range []int{0, 1} {
				if n, fit, _ := c.network(k.spec(th), k.batch, ""); n != nil {
					sides = append(sides, c.side(fmt.Sprintf("train %s, %s", k.name, busy), "entrena/"+r.best(), n, "samples/s", float64(c.samples), timeOnce(fit)))
				}
			}
			r.measureWork(sides, 0)
		}
		stop()
	}
	// Two networks (default threads) trained at once from two goroutines,
	// against the same two one after the other.
	for _, k := range contentionCases {
		_, fit0, _ := c.network(k.spec(0), k.batch, "")
		_, fit1, _ := c.network(k.spec(0), k.batch, "")
		if fit0 == nil || fit1 == nil {
			return
		}
		name := fmt.Sprintf("train %s, two networks", k.name)
		r.measureWork([]*side{
			c.side(name, "together", nil, "samples/s", float64(2*c.samples), timeOnce(func() error {
				var wg sync.WaitGroup
				var err0, err1 error
				wg.Go(func() { err0 = fit0() })
				err1 = fit1()
				wg.Wait()
				return errors.Join(err0, err1)
			})),
			c.side(name, "one after the other", nil, "samples/s", float64(2*c.samples), timeOnce(func() error { return errors.Join(fit0(), fit1()) })),
		}, 0)
	}
	c.pythonThreads()
	for _, op := range []string{"Predict", "TrainStep"} {
		c.eightNetworks(op, map[bool]time.Duration{false: 200, true: 20}[r.quick]*time.Millisecond)
		c.spacedCalls(op)
	}
}

// eightNetworks: eight goroutines, each calling op on a network of its own
// for a time window; aggregate calls/s with default threads against one.
func (c *contention) eightNetworks(op string, window time.Duration) {
	var sides []*side
	for _, th := range []int{0, 1} {
		var calls [8]func() error
		var first *core.Network
		for i := range calls {
			if first, _, calls[i] = c.network(demoSpec(th), 32, op); first == nil {
				return
			}
		}
		sides = append(sides, c.side(fmt.Sprintf("%s(32) of 784-128-10, eight networks in eight goroutines", op), "entrena/"+c.best(), first, "calls/s", 1,
			func() (float64, error) {
				var counts [8]int
				var wg sync.WaitGroup
				t0, end := time.Now(), time.Now().Add(window)
				for i := range calls {
					wg.Go(func() {
						for ; time.Now().Before(end); counts[i]++ {
							_ = calls[i]()
						}
					})
				}
				wg.Wait()
				return time.Since(t0).Seconds() / float64(counts[0]+counts[1]+counts[2]+counts[3]+counts[4]+counts[5]+counts[6]+counts[7]), nil
			}))
	}
	c.measureWork(sides, c.rounds)
}

// spacedCalls: op every 0.2–5 ms (a service) with default threads and one;
// the figure is 1 / median latency, the note's CPU time includes the gaps.
func (c *contention) spacedCalls(op string) {
	calls, rng := map[bool]int{false: 40, true: 10}[c.quick], rand.New(rand.NewPCG(3, 3))
	var sides []*side
	for _, th := range []int{0, 1} {
		n, _, call := c.network(demoSpec(th), 32, op)
		if n == nil {
			return
		}
		sides = append(sides, c.side(fmt.Sprintf("%s(32) of 784-128-10 every 0.2–5 ms", op), "entrena/"+c.best(), n, "calls/s (p50)", 1,
			func() (float64, error) {
				lat := make([]float64, calls)
				for i := range lat {
					t0 := time.Now()
					if err := call(); err != nil {
						return 0, err
					}
					lat[i] = time.Since(t0).Seconds()
					time.Sleep(200*time.Microsecond + time.Duration(rng.Int64N(int64(4800*time.Microsecond))))
				}
				slices.Sort(lat)
				return lat[len(lat)/2], nil
			}))
	}
	c.measureWork(sides, c.rounds)
}

// pythonThreads: two entrena models trained from two Python threads at once
// against in turn (the entrena worker of bench/peers).
func (c *contention) pythonThreads() {
	if c.peersDir == "" {
		dir, err := findPeersDir("")
		if err != nil {
			c.skip("contention, Python threads: %v", err)
			return
		}
		c.peersDir = dir
		defer func() { c.peersDir = "" }()
	}
	defs := c.peerDefs()
	wk := c.startWorker(defs[slices.IndexFunc(defs, func(d peerDef) bool { return d.lib == "entrena" })], 0)
	if wk.err != nil {
		c.skip("contention, Python threads: %v", wk.err)
		return
	}
	var sides []*side
	for _, together := range []bool{true, false} {
		impl := map[bool]string{true: "entrena (Python) together", false: "entrena (Python) one after the other"}[together]
		sides = append(sides, &side{row: Row{Group: "contention", Name: "train 784-128-10 b=32 from Python, two models in two threads", Impl: impl, Unit: "samples/s"},
			per: float64(2 * c.samples), peer: func(time.Duration) (float64, error) {
				a, err := wk.call(map[string]any{"op": "two_models", "together": together, "samples": c.samples})
				return a.S, err
			}})
	}
	c.measureWork(sides, 0)
}
