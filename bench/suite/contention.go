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

// The contention group: entrena's default threads against one thread on a
// machine doing something else too, in the same rounds as every other
// comparison (the reference is the first configuration; a ratio above 1
// means it did better). Each row's note has the CPU time per unit of work
// and how the pool ran.

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

// cpuSide is a side timed by f (seconds per op); its note gets the
// process CPU over wall time and, given a network, how its pool ran.
func cpuSide(row Row, per float64, n *core.Network, f func() (float64, error)) *side {
	var cpu, wall time.Duration
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

// once times one call of run.
func once(run func() error) func() (float64, error) {
	return func() (float64, error) {
		t := time.Now()
		err := run()
		return time.Since(t).Seconds(), err
	}
}

// fitter returns a network of spec and a function training it one epoch of
// samples synthetic samples.
func fitter(spec core.Spec, batch, samples int) (*core.Network, func() error, error) {
	n, err := core.New(spec)
	if err != nil {
		return nil, nil, err
	}
	x, y := synthetic(21, samples, n.Inputs(), n.Outputs())
	return n, func() error {
		_, err := n.Fit(x, y, samples, core.FitOptions{Epochs: 1, BatchSize: batch, Shuffle: true})
		return err
	}, nil
}

// runContention measures the group; it runs only when asked for by name.
func (r *runner) runContention() {
	r.use(r.best())
	samples, window := 16384, 200*time.Millisecond
	if r.quick {
		samples, window = 2048, 20*time.Millisecond
	}
	row := func(name, impl string, threads int, unit string) Row {
		return Row{Group: "contention", Name: name, Impl: impl, Path: r.best(), Threads: threads, Unit: unit}
	}
	var nets []*core.Network
	defer func() {
		for _, n := range nets {
			n.Close()
		}
	}()
	for _, busy := range []string{"quiet", "one busy process"} {
		stop := func() {}
		if busy != "quiet" { // one CPU-bound process competing for the cores
			cmd := exec.Command("sh", "-c", "while :; do :; done")
			if err := cmd.Start(); err != nil {
				r.skip("contention: cannot start a competing process: %v", err)
				break
			}
			stop = func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
		}
		for _, c := range contentionCases {
			var sides []*side
			for _, th := range []int{0, 1} {
				n, fit, err := fitter(c.spec(th), c.batch, samples)
				if err != nil {
					r.skip("contention: %v", err)
					continue
				}
				nets = append(nets, n)
				sides = append(sides, cpuSide(row(fmt.Sprintf("train %s, %s", c.name, busy), "entrena/"+r.best(), n.Threads(), "samples/s"),
					float64(samples), n, once(fit)))
			}
			r.measureWork(sides, 0)
		}
		stop()
	}
	// Two networks (default threads) trained at once from two goroutines,
	// against the same two trained one after the other.
	for _, c := range contentionCases {
		var fits [2]func() error
		for i := range fits {
			n, fit, err := fitter(c.spec(0), c.batch, samples)
			if err != nil {
				r.skip("contention: %v", err)
				return
			}
			nets, fits[i] = append(nets, n), fit
		}
		name := fmt.Sprintf("train %s, two networks", c.name)
		r.measureWork([]*side{
			cpuSide(row(name, "together", 0, "samples/s"), float64(2*samples), nil, once(func() error {
				var wg sync.WaitGroup
				errs := make([]error, 2)
				for i := range fits {
					wg.Go(func() { errs[i] = fits[i]() })
				}
				wg.Wait()
				return errors.Join(errs...)
			})),
			cpuSide(row(name, "one after the other", 0, "samples/s"), float64(2*samples), nil, once(func() error {
				if err := fits[0](); err != nil {
					return err
				}
				return fits[1]()
			})),
		}, 0)
	}
	r.pythonThreads(samples)
	for _, op := range []string{"Predict", "TrainStep"} {
		r.eightNetworks(op, window, &nets)
		r.spacedCalls(op, &nets)
	}
}

// servingCall returns a network of the demo's shape and one Predict(32) or
// TrainStep(32) call on it.
func servingCall(op string, threads int, nets *[]*core.Network) (*core.Network, func() error, error) {
	n, err := core.New(demoSpec(threads))
	if err != nil {
		return nil, nil, err
	}
	*nets = append(*nets, n)
	x, y := synthetic(5, 32, n.Inputs(), n.Outputs())
	out := make([]float32, 32*n.Outputs())
	if op == "Predict" {
		return n, func() error { return n.Predict(x, 32, out) }, nil
	}
	return n, func() error { _, err := n.TrainStep(x, y, 32); return err }, nil
}

// eightNetworks: eight goroutines, each calling op on a network of its own
// for a time window; aggregate calls/s with default threads against one.
func (r *runner) eightNetworks(op string, window time.Duration, nets *[]*core.Network) {
	name := fmt.Sprintf("%s(32) of 784-128-10, eight networks in eight goroutines", op)
	var sides []*side
	for _, th := range []int{0, 1} {
		var calls [8]func() error
		var first *core.Network
		for i := range calls {
			n, call, err := servingCall(op, th, nets)
			if err != nil {
				r.skip("contention: %v", err)
				return
			}
			first, calls[i] = n, call
		}
		sides = append(sides, cpuSide(Row{Group: "contention", Name: name, Impl: "entrena/" + r.best(), Path: r.best(), Threads: first.Threads(), Unit: "calls/s"}, 1, first,
			func() (float64, error) {
				var counts [8]int
				var wg sync.WaitGroup
				t0, end := time.Now(), time.Now().Add(window)
				for i := range calls {
					wg.Go(func() {
						for time.Now().Before(end) {
							_ = calls[i]()
							counts[i]++
						}
					})
				}
				wg.Wait()
				total := 0
				for _, c := range counts {
					total += c
				}
				return time.Since(t0).Seconds() / float64(total), nil
			}))
	}
	r.measureWork(sides, r.rounds)
}

// spacedCalls: op called with random gaps of 0.2–5 ms (a service's
// pattern) on a default-threads network and on a one-thread one; the
// figure is the median latency of a call (calls/s = 1 / p50), the note
// the CPU over wall time including the gaps (idle workers' polling there
// is the cost this row looks for).
func (r *runner) spacedCalls(op string, nets *[]*core.Network) {
	name := fmt.Sprintf("%s(32) of 784-128-10 every 0.2–5 ms", op)
	calls := map[bool]int{false: 40, true: 10}[r.quick]
	rng := rand.New(rand.NewPCG(3, 3))
	var sides []*side
	for _, th := range []int{0, 1} {
		n, call, err := servingCall(op, th, nets)
		if err != nil {
			r.skip("contention: %v", err)
			return
		}
		s := cpuSide(Row{Group: "contention", Name: name, Impl: "entrena/" + r.best(), Path: r.best(), Threads: n.Threads(), Unit: "calls/s (p50)"}, 1, n,
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
			})
		sides = append(sides, s)
	}
	r.measureWork(sides, r.rounds)
}

// pythonThreads: two entrena models trained at once from two Python threads
// against the same two in turn, through the ctypes package (the entrena
// worker of bench/peers; skipped with the reason without the library).
func (r *runner) pythonThreads(samples int) {
	if r.peersDir == "" {
		dir, err := findPeersDir("")
		if err != nil {
			r.skip("contention, Python threads: %v", err)
			return
		}
		r.peersDir = dir
		defer func() { r.peersDir = "" }()
	}
	var d peerDef
	for _, p := range r.peerDefs() {
		if p.lib == "entrena" {
			d = p
		}
	}
	wk := r.startWorker(d, 0)
	if wk.err != nil {
		r.skip("contention, Python threads: %v", wk.err)
		return
	}
	var sides []*side
	for _, together := range []bool{true, false} {
		impl := map[bool]string{true: "entrena (Python) together", false: "entrena (Python) one after the other"}[together]
		sides = append(sides, &side{row: Row{Group: "contention", Name: "train 784-128-10 b=32 from Python, two models in two threads", Impl: impl, Unit: "samples/s"},
			per: float64(2 * samples), peer: func(time.Duration) (float64, error) {
				a, err := wk.call(map[string]any{"op": "two_models", "together": together, "samples": samples})
				return a.S, err
			}})
	}
	r.measureWork(sides, 0)
}
