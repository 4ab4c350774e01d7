package suite

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/v1tr0/entrena/core"
)

// netShape is a benchmarked network: inputs then layer widths, all sigmoid,
// MSE, plain SGD (the seed's algorithm).
type netShape struct {
	name   string
	inputs int
	units  []int
	lr     float32
}

var (
	mnistNet = netShape{"784-128-64-10", 784, []int{128, 64, 10}, 0.1}
	xorNet   = netShape{"2-8-1", 2, []int{8, 1}, 2}
	wideNet  = netShape{"1024-1024-1024-10", 1024, []int{1024, 1024, 10}, 0.1}
)

func (s netShape) spec(batch, threads int) core.Spec {
	sp := core.Spec{Inputs: s.inputs, Loss: core.MSE, MaxBatch: batch, Seed: 1, Threads: threads,
		Optimizer: core.Optimizer{Kind: core.SGD, LearningRate: s.lr}}
	for _, u := range s.units {
		sp.Layers = append(sp.Layers, core.Layer{Units: u, Activation: core.Sigmoid})
	}
	return sp
}

// flopsPerSample is the multiply-add work of one training sample: 2·W for
// the forward products, 2·W for the weight gradients and 2·W for the input
// deltas of every layer but the first (W = weights of a layer). Element-wise
// passes are not counted. 784-128-64-10 gives 454,400.
func (s netShape) flopsPerSample() float64 {
	in, f := s.inputs, 0.0
	for i, u := range s.units {
		w := float64(in * u)
		f += 4 * w
		if i > 0 {
			f += 2 * w
		}
		in = u
	}
	return f
}

// synthetic returns samples rows of uniform [0,1) inputs and one-hot targets
// (random class), the same distribution the Python and C peers generate.
func synthetic(seed uint64, samples, inputs, outputs int) (x, y []float32) {
	rng := rand.New(rand.NewPCG(seed, 7))
	x = make([]float32, samples*inputs)
	y = make([]float32, samples*outputs)
	for i := range x {
		x[i] = rng.Float32()
	}
	for s := 0; s < samples; s++ {
		y[s*outputs+rng.IntN(outputs)] = 1
	}
	return x, y
}

// stepCase is one TrainStep measurement.
type stepCase struct {
	net   netShape
	batch int
}

func stepCases(quick bool) []stepCase {
	c := []stepCase{{mnistNet, 1}, {mnistNet, 32}, {mnistNet, 256}, {xorNet, 4}}
	if !quick {
		c = append(c, stepCase{wideNet, 256})
	}
	return c
}

// runSteps times core.Network.TrainStep for every network shape, path and
// thread count.
func (r *runner) runSteps() {
	for _, c := range stepCases(r.quick) {
		x, y := synthetic(11, c.batch, c.net.inputs, c.net.units[len(c.net.units)-1])
		flops := c.net.flopsPerSample() * float64(c.batch)
		for _, p := range r.paths {
			if p == "generic" && flops > genericBudget {
				r.skip("train step %s b=%d on generic: over %.0f MFLOP per step", c.net.name, c.batch, genericBudget/1e6)
				continue
			}
			for _, th := range r.threads {
				if th > 1 && p != r.best() {
					continue // multi-core figures on the best path only
				}
				r.use(p)
				n, err := core.New(c.net.spec(c.batch, th))
				if err != nil {
					r.skip("train step %s: %v", c.net.name, err)
					continue
				}
				m := measure(r.t, func() error { _, err := n.TrainStep(x, y, c.batch); return err })
				n.Close()
				row := Row{Group: "step", Name: fmt.Sprintf("%s b=%d", c.net.name, c.batch), Impl: "entrena/" + p, Path: p, Threads: th}
				r.addSamples(m, row, c.batch, flops)
			}
		}
	}
	r.use(r.best())
}

// addSamples appends a row whose metric is samples/s, with GFLOPS and the
// share of peak in the note and PctPeak.
func (r *runner) addSamples(m measured, row Row, samplesPerOp int, flopsPerOp float64) {
	if m.firstError != nil {
		r.skip("%s %s: %v", row.Name, row.Impl, m.firstError)
		return
	}
	row = m.row(row)
	row.Unit = "samples/s"
	row.Metric = float64(samplesPerOp) / row.Median
	gf := flopsPerOp / row.Median / 1e9
	path := row.Path
	if path == "" || path == "generic" {
		path = r.best()
	}
	if pk := r.peak(path); pk > 0 {
		row.PctPeak = 100 * gf / (pk * float64(row.Threads))
	}
	note := fmt.Sprintf("%.1f GFLOPS; %.3g µs/step", gf, row.Median*1e6)
	if row.Note != "" {
		note = row.Note + "; " + note
	}
	row.Note = note
	r.add(row)
}

// epochSamples is the epoch size of the end-to-end training comparison.
const epochSamples = 60000

// epochSampleCount is the size of the synthetic epoch of this run.
func (r *runner) epochSampleCount() int {
	switch {
	case r.epochSamples > 0:
		return r.epochSamples
	case r.quick:
		return 6000
	}
	return epochSamples
}

// epochBatches are the batch sizes of the end-to-end comparison.
var epochBatches = []int{32, 256}

// runEpochs times one epoch of core.Network.Fit (784-128-64-10, batch 32
// and 256, no shuffling) on synthetic data: the Go side of the peers'
// train_*.py and train_fann.c.
func (r *runner) runEpochs() {
	samples := r.epochSampleCount()
	x, y := synthetic(5, samples, mnistNet.inputs, 10)
	p := r.best()
	r.use(p)
	for _, b := range epochBatches {
		for _, th := range r.threads {
			n, err := core.New(mnistNet.spec(b, th))
			if err != nil {
				r.skip("epoch: %v", err)
				continue
			}
			t := r.t
			t.minRep = time.Nanosecond // one epoch per repetition
			m := measure(t, func() error {
				_, err := n.Fit(x, y, samples, core.FitOptions{Epochs: 1, BatchSize: b})
				return err
			})
			n.Close()
			row := Row{Group: "epoch", Name: fmt.Sprintf("784-128-64-10 b=%d", b), Impl: "entrena/" + p, Path: p, Threads: th,
				Note: fmt.Sprintf("Go, core.Fit, %d synthetic samples, lr 0.1, no shuffle", samples)}
			r.addSamples(m, row, samples, mnistNet.flopsPerSample()*float64(samples))
		}
	}
}
