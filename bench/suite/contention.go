package suite

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/v1tr0/entrena/core"
)

// The contention group: entrena's default threads against one thread on a
// machine that is doing something else too. Every comparison runs in
// alternating rounds (A B A B …) short enough that a phase of the machine
// covers both sides; each row's metric is the median of the per-round
// ratios (above 1: the default threads did better), with their spread and
// the CPU time in the note.

// contentionCase is one training workload of the group.
type contentionCase struct {
	name  string
	spec  func(threads int) core.Spec
	batch int
}

func contentionCases() []contentionCase {
	demo := func(threads int) core.Spec { // the MNIST demo: 784-128-10, cce, SGD 0.5, batch 32
		return core.Spec{Inputs: 784, Layers: []core.Layer{{Units: 128, Activation: core.Sigmoid}, {Units: 10, Activation: core.Softmax}},
			Loss: core.CategoricalCrossEntropy, Optimizer: core.Optimizer{Kind: core.SGD, LearningRate: 0.5},
			MaxBatch: 32, Seed: 1, Threads: threads}
	}
	return []contentionCase{
		{"784-128-10 b=32 (the MNIST demo)", demo, 32},
		{"784-128-64-10 b=256", func(threads int) core.Spec { return mnistNet.spec(256, threads) }, 256},
	}
}

// contentionRounds and the work of one side of a round.
func (r *runner) contentionRounds() (rounds, samples int, window time.Duration) {
	if r.quick {
		return 3, 2048, 20 * time.Millisecond
	}
	return 9, 16384, 200 * time.Millisecond
}

// busyProcess starts one CPU-bound process competing for the cores; stop
// ends it.
func busyProcess() (stop func(), err error) {
	cmd := exec.Command("sh", "-c", "while :; do :; done")
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	time.Sleep(20 * time.Millisecond) // let it get going
	return func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }, nil
}

// side is one configuration measured in a round: it returns the work done
// (samples or calls), and the wall and CPU time it took.
type roundFunc func() (work float64, wall, cpu time.Duration)

// timed runs f and returns its wall and process CPU time.
func timed(f func()) (wall, cpu time.Duration) {
	c0, t0 := processCPU(), time.Now()
	f()
	return time.Since(t0), processCPU() - c0
}

// interleave runs a and b alternately for rounds rounds (b first in odd
// rounds, so neither always runs right after the other) and returns the
// per-round speed ratios a/b, CPU-per-work ratios a/b, and the speeds.
func interleave(rounds int, a, b roundFunc) (speed, cpu, speedA, speedB []float64) {
	for i := 0; i < rounds; i++ {
		var wa, wb float64
		var ta, tb, ca, cb time.Duration
		if i%2 == 0 {
			wa, ta, ca = a()
			wb, tb, cb = b()
		} else {
			wb, tb, cb = b()
			wa, ta, ca = a()
		}
		sa, sb := wa/ta.Seconds(), wb/tb.Seconds()
		speed = append(speed, sa/sb)
		cpu = append(cpu, (ca.Seconds()/wa)/(cb.Seconds()/wb))
		speedA, speedB = append(speedA, sa), append(speedB, sb)
	}
	return
}

// addRatio appends one contention row: metric the median ratio, the note
// says what was compared, the spread over rounds and the absolute medians.
func (r *runner) addRatio(name, compared string, speed, cpu, sa, sb []float64, unit string) {
	med, lo, hi := stats(speed)
	note := fmt.Sprintf("%s; %d rounds, ratio %.2f–%.2f; %s %.4g vs %.4g", compared, len(speed), lo, hi, unit, median(sa), median(sb))
	if cpu != nil {
		c, _, _ := stats(cpu)
		note += fmt.Sprintf("; CPU time per unit of work %.2f×", c)
	}
	r.add(Row{Group: "contention", Name: name, Impl: "entrena/" + r.best(), Path: r.best(), Threads: 0,
		Reps: len(speed), Metric: med, Unit: "×", Allocs: -1, Note: note})
}

// runContention measures the group; it runs only when asked for by name.
func (r *runner) runContention() {
	r.use(r.best())
	rounds, samples, window := r.contentionRounds()
	for _, busy := range []bool{false, true} {
		var stop func()
		if busy {
			var err error
			if stop, err = busyProcess(); err != nil {
				r.skip("contention: cannot start a competing process: %v", err)
				return
			}
		}
		label := "quiet"
		if busy {
			label = "one busy process"
		}
		for _, c := range contentionCases() {
			def, one := r.fitSide(c, 0, samples), r.fitSide(c, 1, samples)
			speed, cpu, sa, sb := interleave(rounds, def.run, one.run)
			r.addRatio(fmt.Sprintf("train %s, %s: default threads vs 1", c.name, label),
				fmt.Sprintf("samples/s of default threads (%d) over 1 thread; %s", def.threads, poolNote(def.n)), speed, cpu, sa, sb, "samples/s")
			def.close()
			one.close()
		}
		if stop != nil {
			stop()
		}
	}
	for _, c := range contentionCases() {
		r.twoNetworks(c, rounds, samples)
	}
	r.twoPythonThreads(rounds, samples)
	for _, op := range []string{"Predict", "TrainStep"} {
		r.eightNetworks(op, rounds, window)
		r.spacedCalls(op, rounds)
	}
}

// fitter trains one network for one side of a round.
type fitter struct {
	n       *core.Network
	x, y    []float32
	samples int
	batch   int
	threads int
	err     error
}

func (r *runner) fitSide(c contentionCase, threads, samples int) *fitter {
	n, err := core.New(c.spec(threads))
	f := &fitter{n: n, samples: samples, batch: c.batch, err: err}
	if err != nil {
		return f
	}
	f.threads = n.Threads()
	f.x, f.y = synthetic(21, samples, n.Inputs(), n.Outputs())
	return f
}

func (f *fitter) run() (float64, time.Duration, time.Duration) {
	if f.err != nil {
		return 0, 1, 1
	}
	wall, cpu := timed(func() {
		_, f.err = f.n.Fit(f.x, f.y, f.samples, core.FitOptions{Epochs: 1, BatchSize: f.batch, Shuffle: true})
	})
	return float64(f.samples), wall, cpu
}

// poolNote describes how n's pool ran: threads in use, the share of units
// workers ran, and how often the caller parked for one.
func poolNote(n *core.Network) string {
	if n == nil {
		return ""
	}
	s := n.ThreadStats()
	return fmt.Sprintf("pool: %s, workers ran %.0f%% of %d units in %d of %d calls, caller parked in %d, %d calls inline while other pools' calls held the processors",
		s, 100*float64(s.WorkerUnits)/float64(max(s.Units, 1)), s.Units, s.ParallelCalls, s.Calls, s.ParkedJoins, s.Crowded)
}

func (f *fitter) close() {
	if f.n != nil {
		f.n.Close()
	}
}

// twoNetworks: two networks with default threads trained at once from two
// goroutines, against the same two trained one after the other.
func (r *runner) twoNetworks(c contentionCase, rounds, samples int) {
	nets := [2]*fitter{r.fitSide(c, 0, samples), r.fitSide(c, 0, samples)}
	defer nets[0].close()
	defer nets[1].close()
	together := func() (float64, time.Duration, time.Duration) {
		wall, cpu := timed(func() {
			var wg sync.WaitGroup
			for _, f := range nets {
				wg.Go(func() { f.run() })
			}
			wg.Wait()
		})
		return float64(2 * samples), wall, cpu
	}
	apart := func() (float64, time.Duration, time.Duration) {
		wall, cpu := timed(func() { nets[0].run(); nets[1].run() })
		return float64(2 * samples), wall, cpu
	}
	speed, cpu, sa, sb := interleave(rounds, together, apart)
	r.addRatio(fmt.Sprintf("train %s, two networks at once: together vs one after the other", c.name),
		"combined samples/s of two networks trained from two goroutines over the same two trained in turn (default threads)",
		speed, cpu, sa, sb, "samples/s")
}

// servingNet is the network of the service-like rows: 784-128-10 at batch 32.
func servingNet(threads int) (*core.Network, []float32, []float32, []float32, error) {
	c := contentionCases()[0]
	n, err := core.New(c.spec(threads))
	if err != nil {
		return nil, nil, nil, nil, err
	}
	x, y := synthetic(5, 32, n.Inputs(), n.Outputs())
	return n, x, y, make([]float32, 32*n.Outputs()), nil
}

// call is one Predict(32) or TrainStep(32) on n.
func call(op string, n *core.Network, x, y, out []float32) error {
	if op == "Predict" {
		return n.Predict(x, 32, out)
	}
	_, err := n.TrainStep(x, y, 32)
	return err
}

// eightNetworks: eight goroutines, each calling op on a network of its own
// for a time window; the aggregate calls/s of default threads against
// Threads: 1.
func (r *runner) eightNetworks(op string, rounds int, window time.Duration) {
	const goroutines = 8
	group := func(threads int) (roundFunc, func(), *core.Network) {
		type served struct {
			n          *core.Network
			x, y, outs []float32
		}
		var nets []served
		for range goroutines {
			n, x, y, out, err := servingNet(threads)
			if err != nil {
				r.skip("contention: %v", err)
				return nil, nil, nil
			}
			nets = append(nets, served{n, x, y, out})
		}
		run := func() (float64, time.Duration, time.Duration) {
			var calls [goroutines]int
			wall, cpu := timed(func() {
				var wg sync.WaitGroup
				end := time.Now().Add(window)
				for i := range nets {
					s := nets[i]
					wg.Go(func() {
						for time.Now().Before(end) {
							_ = call(op, s.n, s.x, s.y, s.outs)
							calls[i]++
						}
					})
				}
				wg.Wait()
			})
			total := 0
			for _, c := range calls {
				total += c
			}
			return float64(total), wall, cpu
		}
		return run, func() {
			for _, s := range nets {
				s.n.Close()
			}
		}, nets[0].n
	}
	def, closeDef, firstDef := group(0)
	one, closeOne, _ := group(1)
	if def == nil || one == nil {
		return
	}
	speed, cpu, sa, sb := interleave(rounds, def, one)
	note := poolNote(firstDef)
	closeDef()
	closeOne()
	r.addRatio(fmt.Sprintf("%s(32) of 784-128-10, eight networks in eight goroutines: default threads vs 1", op),
		"aggregate calls/s with default threads over Threads: 1; the first network's "+note, speed, cpu, sa, sb, "calls/s")
}

// spacedCalls: op called with random gaps of 0.2–5 ms (a service's
// pattern), alternating a default-threads network and a one-thread one
// call by call; the metric is p50 latency of 1 thread over default (above
// 1: default is faster), the note gives CPU/wall of each over blocks.
func (r *runner) spacedCalls(op string, rounds int) {
	def, x, y, out, err := servingNet(0)
	if err != nil {
		r.skip("contention: %v", err)
		return
	}
	defer def.Close()
	one, _, _, _, err := servingNet(1)
	if err != nil {
		r.skip("contention: %v", err)
		return
	}
	defer one.Close()
	calls := 40 * rounds
	if r.quick {
		calls = 10 * rounds
	}
	rng := rand.New(rand.NewPCG(3, 3))
	var latDef, latOne []float64
	var busyDef, busyOne, wallDef, wallOne time.Duration
	for i := 0; i < 2*calls; i++ {
		n, lat, busyTotal, wallTotal := def, &latDef, &busyDef, &wallDef
		if i%2 == 1 {
			n, lat, busyTotal, wallTotal = one, &latOne, &busyOne, &wallOne
		}
		gap := 200*time.Microsecond + time.Duration(rng.Int64N(int64(4800*time.Microsecond)))
		// The CPU of the gap after a call counts: idle workers polling
		// there is exactly the cost this row looks for.
		c0, t0 := processCPU(), time.Now()
		_ = call(op, n, x, y, out)
		*lat = append(*lat, time.Since(t0).Seconds())
		time.Sleep(gap)
		*busyTotal += processCPU() - c0
		*wallTotal += time.Since(t0)
	}
	slices.Sort(latDef)
	slices.Sort(latOne)
	p50d, p50o := latDef[len(latDef)/2], latOne[len(latOne)/2]
	note := fmt.Sprintf("p50 latency of Threads: 1 over default threads (%d), calls alternating; p50 %.1f µs vs %.1f µs; "+
		"CPU/wall over calls and gaps %.2f vs %.2f; %d calls each; %s",
		def.Threads(), p50d*1e6, p50o*1e6, busyDef.Seconds()/wallDef.Seconds(), busyOne.Seconds()/wallOne.Seconds(), calls,
		poolNote(def))
	r.add(Row{Group: "contention", Name: fmt.Sprintf("%s(32) of 784-128-10 every 0.2–5 ms: default threads vs 1", op),
		Impl: "entrena/" + r.best(), Path: r.best(), Reps: calls, Metric: p50o / p50d, Unit: "×", Allocs: -1, Note: note})
}

// twoPythonThreads runs bench/peers/contention_py.py: two models trained at
// once from two Python threads against the same two in turn, through the
// ctypes package over the library `make python` built (skipped, with the
// reason, without it).
func (r *runner) twoPythonThreads(rounds, samples int) {
	dir, err := findPeersDir("")
	if err != nil {
		r.skip("contention, Python threads: %v", err)
		return
	}
	python := "python3"
	if _, err := exec.LookPath(python); err != nil {
		r.skip("contention, Python threads: no python3")
		return
	}
	cmd := exec.Command(python, filepath.Join(dir, "contention_py.py"), "--rounds", itoa(rounds), "--samples", itoa(samples))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		r.skip("contention, Python threads: %v", err)
		return
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var res struct {
		Ratios, Together, Apart []float64
		Threads                 int
		Settings, Skipped       string
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil || res.Skipped != "" || len(res.Ratios) == 0 {
		r.skip("contention, Python threads: %s%v", res.Skipped, err)
		return
	}
	r.addRatio("train 784-128-10 b=32 from Python, two models in two threads: together vs one after the other",
		fmt.Sprintf("combined samples/s of two models trained from two Python threads over the same two in turn (default threads, %d); %s", res.Threads, res.Settings),
		res.Ratios, nil, res.Together, res.Apart, "samples/s")
}
