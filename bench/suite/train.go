package suite

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"

	"github.com/v1tr0/entrena/core"
	"github.com/v1tr0/entrena/data"
)

// netShape is a benchmarked network: inputs then layer widths, all sigmoid,
// MSE, plain SGD (the seed's algorithm).
type netShape struct {
	name          string
	inputs, batch int
	units         []int
	lr            float32
}

var (
	mnistNet   = netShape{"784-128-64-10", 784, 0, []int{128, 64, 10}, 0.1}
	xorNet     = netShape{"2-8-1", 2, 4, []int{8, 1}, 2}
	wideNet    = netShape{"1024-1024-1024-10", 1024, 0, []int{1024, 1024, 10}, 0.1}
	fashionNet = netShape{"784-128-10", 784, 0, []int{128, 10}, fashionLR}
)

func (s netShape) spec(batch, threads int) core.Spec {
	sp := core.Spec{Inputs: s.inputs, Loss: core.MSE, MaxBatch: batch, Seed: 1, Threads: threads, Optimizer: core.Optimizer{Kind: core.SGD, LearningRate: s.lr}}
	for _, u := range s.units {
		sp.Layers = append(sp.Layers, core.Layer{Units: u, Activation: core.Sigmoid})
	}
	return sp
}

// flopsPerSample: 2·W (W: a layer's weights) each for the forward product,
// the weight gradient and, but in the first layer, the input deltas.
func (s netShape) flopsPerSample() (f float64) {
	in := s.inputs
	for i, u := range s.units {
		f += float64(map[bool]int{true: 4, false: 6}[i == 0] * in * u)
		in = u
	}
	return f
}

// synthetic returns samples rows of uniform [0,1) inputs and one-hot
// targets (random class), the distribution the peers generate too.
func synthetic(seed uint64, samples, inputs, outputs int) (x, y []float32) {
	rng := rand.New(rand.NewPCG(seed, 7))
	x, y = make([]float32, samples*inputs), make([]float32, samples*outputs)
	for i := range x {
		x[i] = rng.Float32()
	}
	for s := 0; s < samples; s++ {
		y[s*outputs+rng.IntN(outputs)] = 1
	}
	return x, y
}

// netSide is entrena training net on batch-sized steps (or, with samples,
// whole epochs through Fit) on path with threads; close releases it.
func (r *runner) netSide(net netShape, batch, threads int, path string, samples int) (s *side, close func()) {
	row := Row{Group: "step", Name: fmt.Sprintf("%s b=%d", net.name, batch), Impl: "entrena/" + path, Path: path, Threads: threads, Unit: "samples/s"}
	n, err := core.New(net.spec(batch, threads))
	if err != nil {
		return &side{err: err, row: row}, func() {}
	}
	if samples == 0 {
		x, y := synthetic(11, batch, net.inputs, net.units[len(net.units)-1])
		ph := &phaseTotals{}
		return &side{row: row, per: float64(batch), flops: net.flopsPerSample() * float64(batch),
				bench: onPath(path, ph.wrap(func() error { _, err := n.TrainStep(x, y, batch); return err }))},
			func() { ph.print(r.status, row); n.Close() }
	}
	x, y := synthetic(5, samples, net.inputs, 10)
	row.Group, row.Note = "epoch", fmt.Sprintf("Go, core.Fit, %d synthetic samples, lr 0.1, no shuffle", samples)
	fit := func(k int) error {
		_, err := n.Fit(x[:k*net.inputs], y[:k*10], k, core.FitOptions{Epochs: 1, BatchSize: batch})
		return err
	}
	r.use(path)
	if err := fit(min(4*batch, samples)); err != nil { // warm-up: first-touch, thread start
		return &side{err: err, row: row}, func() { n.Close() }
	}
	ph := &phaseTotals{} // its "steps" are epochs
	return &side{row: row, per: float64(samples), flops: net.flopsPerSample() * float64(samples), calls: 1,
		bench: onPath(path, ph.wrap(func() error { return fit(samples) }))}, func() { ph.print(r.status, row); n.Close() }
}

// stepCases: the MNIST-sized network at batch 1, 32 and 256, the XOR
// network at 4 and (not with -quick) a wide one.
func stepCases(quick bool) []netShape {
	c := []netShape{mnistNet, mnistNet, mnistNet, xorNet, wideNet}
	for i, b := range []int{1, 32, 256, 4, 256} {
		c[i].batch = b
	}
	return c[:len(c)-map[bool]int{false: 0, true: 1}[quick]]
}

// runSteps compares core.Network.TrainStep across paths and thread counts
// (the best path on one thread is the reference), with the step peers.
func (r *runner) runSteps() {
	for _, c := range stepCases(r.quick) {
		var sides []*side
		var closers []func()
		for i := len(r.paths) - 1; i >= 0; i-- {
			p := r.paths[i]
			if p == "generic" && c.flopsPerSample()*float64(c.batch) > genericBudget {
				r.skip("train step %s b=%d on generic: over %.0f MFLOP per step", c.name, c.batch, genericBudget/1e6)
				continue
			}
			for _, th := range r.threads {
				if th == 1 || p == r.best() {
					s, cl := r.netSide(c, c.batch, th, p, 0)
					sides, closers = append(sides, s), append(closers, cl)
				}
			}
		}
		w := work{group: "step", name: fmt.Sprintf("%s b=%d", c.name, c.batch), per: float64(c.batch), oneThread: true}
		if c.name == xorNet.name {
			w.cmd, w.cArgs = map[string]any{"op": "xor"}, []string{"--samples", "500"}
		} else if c.batch == 1 {
			w.cArgs, w.flops = []string{"--samples", itoa(map[bool]int{false: 2000, true: 500}[r.quick])}, mnistNet.flopsPerSample()
		}
		r.measureWork(append(sides, r.peerSides(w)...), 0)
		for _, cl := range closers {
			cl()
		}
	}
	r.use(r.best())
}

// runEpochs compares one epoch of core.Network.Fit (784-128-64-10, batch 32
// and 256, synthetic data) with the training peers, one per side per round.
func (r *runner) runEpochs() {
	for _, b := range []int{32, 256} {
		for _, th := range r.threads {
			s, cl := r.netSide(mnistNet, b, th, r.best(), r.epochSamples)
			r.measureWork(append([]*side{s}, r.peerSides(work{group: "epoch", name: s.row.Name, threads: th, per: float64(r.epochSamples),
				flops: mnistNet.flopsPerSample() * float64(r.epochSamples), cmd: map[string]any{"op": "epoch", "batch": b, "samples": r.epochSamples},
				cArgs: []string{"--samples", itoa(r.epochSamples), "--batches", itoa(b)}})...), r.epochRounds)
			cl()
		}
	}
}

// Fashion-MNIST: 784-128-10, sigmoid, MSE, plain SGD, shuffled, Glorot-uniform on
// every side; one learning rate for all (0.5–1.5 reach 85–86 %, 3 saturates).
const fashionBatch, fashionLR = 32, 1.0

// loadFashion reads the four IDX files from Debian's dataset-fashion-mnist
// folder (or $ENTRENA_FASHION_MNIST_DIR).
func loadFashion() (dir string, sets [2]*data.Set, err error) {
	if dir, err = data.FashionDir(); err != nil {
		return dir, sets, err
	}
	for i, prefix := range []string{"train", "t10k"} {
		im, lb, err := data.IDXFiles(filepath.Join(dir, prefix))
		if err == nil {
			sets[i], err = data.LoadIDX("fashion-"+prefix, im, lb)
		}
		if err == nil && (sets[i].Inputs != 784 || sets[i].Outputs != 10) {
			err = fmt.Errorf("%s: %d inputs and %d classes, want 784 and 10", im, sets[i].Inputs, sets[i].Outputs)
		}
		if err != nil {
			return dir, sets, err
		}
	}
	return dir, sets, nil
}

// runFashion trains entrena and the peers one epoch per side per round, then
// takes their test accuracy (full runs with peers: seeds 2–5 too, untimed).
func (r *runner) runFashion() {
	dir, sets, err := loadFashion()
	if err != nil {
		r.skip("fashion: %v", err)
		r.rep.FashionSkipped = err.Error()
		return
	}
	tr, te := sets[0], sets[1]
	name, flops := fmt.Sprintf("%s b=%d %d epochs", fashionNet.name, fashionBatch, r.fashionEpochs), fashionNet.flopsPerSample()*float64(tr.Samples)
	for _, th := range r.threads {
		n, err := core.New(fashionNet.spec(fashionBatch, th))
		if err != nil {
			r.skip("fashion: %v", err)
			continue
		}
		s := &side{row: Row{Group: "fashion", Name: name, Impl: "entrena/" + r.best(), Path: r.best(), Threads: th, Unit: "samples/s"},
			per: float64(tr.Samples), flops: flops, calls: 1, bench: onPath(r.best(), func() error {
				_, err := n.Fit(tr.X, tr.Y, tr.Samples, core.FitOptions{Epochs: 1, BatchSize: fashionBatch, Shuffle: true})
				return err
			})}
		s.finish = func(row *Row) {
			_, acc, _ := n.Evaluate(te.X, te.Y, te.Samples)
			row.Accuracy = float64(acc)
			row.Note = fmt.Sprintf("Go, core.Fit (shuffle), Fashion-MNIST %d train / %d test from %s, lr %g, Glorot-uniform init; test accuracy %.2f%%",
				tr.Samples, te.Samples, dir, float64(fashionLR), 100*acc)
			if th == 1 && !r.quick && r.peersDir != "" { // the peers train seed 1 only
				row.Note += fashionSeedSpread(tr, te, acc, r.fashionEpochs)
			}
		}
		peers := r.peerSides(work{group: "fashion", name: name, threads: th, per: float64(tr.Samples), flops: flops,
			cmd: map[string]any{"op": "fashion", "batch": fashionBatch, "lr": fashionLR}, eval: true})
		r.measureWork(append([]*side{s}, peers...), r.fashionEpochs)
		n.Close()
	}
}

// fashionSeedSpread trains seeds 2–5 and returns a note with the median and
// range of the test accuracy over seeds 1–5 (seed 1's is acc1).
func fashionSeedSpread(tr, te *data.Set, acc1 float32, epochs int) string {
	accs := []float64{float64(acc1)}
	for seed := uint64(2); seed <= 5; seed++ {
		spec := fashionNet.spec(fashionBatch, 1)
		spec.Seed = seed
		n, err := core.New(spec)
		if err == nil {
			_, err = n.Fit(tr.X, tr.Y, tr.Samples, core.FitOptions{Epochs: epochs, BatchSize: fashionBatch, Shuffle: true})
		}
		if err != nil {
			return fmt.Sprintf(" (seeds 2–5 failed: %v)", err)
		}
		_, acc, _ := n.Evaluate(te.X, te.Y, te.Samples)
		n.Close()
		accs = append(accs, float64(acc))
	}
	med, lo, hi := stats(accs)
	return fmt.Sprintf(" (seeds 1–5: median %.2f%%, range %.2f–%.2f%%)", 100*med, 100*lo, 100*hi)
}
