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
	x, y = core.MakeData(samples*inputs), core.MakeData(samples*outputs) // as the Fit doc advises
	for i := range x {
		x[i] = rng.Float32()
	}
	for s := 0; s < samples; s++ {
		y[s*outputs+rng.IntN(outputs)] = 1
	}
	return x, y
}

// fitSide is entrena's best path training net at batch on threads, one
// epoch of x and y per call (Fit with opt).
func (r *runner) fitSide(group, name string, net netShape, batch, threads int, x, y []float32, opt core.FitOptions) *side {
	samples, outputs := len(x)/net.inputs, net.units[len(net.units)-1]
	row := Row{Group: group, Name: name, Impl: "entrena/" + r.best(), Path: r.best(), Threads: threads, Unit: "samples/s"}
	n, err := core.New(net.spec(batch, threads))
	if err != nil {
		return &side{err: err, row: row}
	}
	opt.Epochs, opt.BatchSize = 1, batch
	fit := func(k int) error { _, err := n.Fit(x[:k*net.inputs], y[:k*outputs], k, opt); return err }
	r.use(r.best())
	if err := fit(min(4*batch, samples)); err != nil { // warm-up: first-touch, thread start
		return &side{err: err, row: row, close: func() { n.Close() }}
	}
	ph := &phaseTotals{} // its "steps" are epochs
	return &side{row: row, per: float64(samples), flops: net.flopsPerSample() * float64(samples), calls: 1, once: true,
		bench: onPath(r.best(), ph.wrap(func() error { return fit(samples) })), close: func() { ph.print(r.status, row); n.Close() }}
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
		name := fmt.Sprintf("%s b=%d", c.name, c.batch)
		x, y := synthetic(11, c.batch, c.inputs, c.units[len(c.units)-1])
		sides := r.entrenaSides(Row{Group: "step", Name: name, Unit: "samples/s"}, float64(c.batch), c.flopsPerSample()*float64(c.batch), r.threads,
			func(path string, threads int) (func() error, func()) {
				n, err := core.New(c.spec(c.batch, threads))
				if err != nil {
					r.skip("step %s: %v", name, err)
					return nil, nil
				}
				ph := &phaseTotals{}
				row := Row{Name: name, Impl: "entrena/" + path, Threads: threads}
				return ph.wrap(func() error { _, err := n.TrainStep(x, y, c.batch); return err }), func() { ph.print(r.status, row); n.Close() }
			})
		w := work{group: "step", name: name, per: float64(c.batch), oneThread: true}
		if c.name == xorNet.name {
			w.cmd, w.cArgs = map[string]any{"op": "xor"}, []string{"--samples", "500"}
		} else if c.batch == 1 {
			w.cArgs, w.flops = []string{"--samples", "50"}, mnistNet.flopsPerSample() // three blocks of about a turn's length
		}
		r.measureWork(append(sides, r.peerSides(w)...), 0)
	}
}

// runEpochs compares one epoch of core.Network.Fit (784-128-64-10, batch 32
// and 256, synthetic data, in order) with the training peers, every thread
// count in the same rounds (entrena's own speed-up is a ratio over rounds).
func (r *runner) runEpochs() {
	x, y := synthetic(5, r.epochSamples, mnistNet.inputs, 10)
	for _, b := range []int{32, 256} {
		var ours, peers []*side
		for _, th := range r.threads {
			s := r.fitSide("epoch", fmt.Sprintf("%s b=%d", mnistNet.name, b), mnistNet, b, th, x, y, core.FitOptions{})
			s.row.Note = fmt.Sprintf("Go, core.Fit, %d synthetic samples, lr 0.1, no shuffle", r.epochSamples)
			ours, peers = append(ours, s), append(peers, r.peerSides(work{group: "epoch", name: s.row.Name, threads: th, per: s.per, flops: s.flops,
				cmd: map[string]any{"op": "epoch", "batch": b, "samples": r.epochSamples}, cArgs: []string{"--samples", itoa(r.epochSamples), "--batches", itoa(b)}})...)
		}
		r.measureWork(append(ours, peers...), r.epochRounds)
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

// runFashion trains entrena and the peers one epoch per turn, then
// takes their test accuracy (full runs with peers: seeds 2–5 too, untimed).
func (r *runner) runFashion() {
	dir, sets, err := loadFashion()
	if err != nil {
		r.skip("fashion: %v", err)
		return
	}
	tr, te := sets[0], sets[1]
	name := fmt.Sprintf("%s b=%d %d epochs", fashionNet.name, fashionBatch, r.fashionEpochs)
	var ours, peers []*side // every thread count in the same rounds
	for _, th := range r.threads {
		s := r.fitSide("fashion", name, fashionNet, fashionBatch, th, tr.X, tr.Y, core.FitOptions{Shuffle: true})
		s.finish = func(row *Row) {
			// entrena's timed network trains more epochs than the peers (its
			// turns bracket theirs): the accuracy is another's, trained apart
			// for as many epochs as the peers (full runs with peers: seeds 1–5).
			seeds := map[bool]int{true: 5, false: 1}[th == 1 && !r.quick && r.peersDir != ""]
			accs, err := fashionAccuracy(tr, te, r.fashionEpochs, seeds)
			row.Note = fmt.Sprintf("Go, core.Fit (shuffle), Fashion-MNIST %d train / %d test from %s, lr %g, Glorot-uniform init",
				tr.Samples, te.Samples, dir, float64(fashionLR))
			if err != nil {
				row.Note += fmt.Sprintf("; test accuracy not measured: %v", err)
				return
			}
			med, lo, hi := stats(accs)
			row.Accuracy, row.Note = accs[0], row.Note+fmt.Sprintf("; test accuracy after %d epochs %.2f%%", r.fashionEpochs, 100*accs[0])
			if seeds > 1 {
				row.Note += fmt.Sprintf(" (seeds 1–%d: median %.2f%%, range %.2f–%.2f%%)", seeds, 100*med, 100*lo, 100*hi)
			}
		}
		ours, peers = append(ours, s), append(peers, r.peerSides(work{group: "fashion", name: name, threads: th, per: s.per, flops: s.flops,
			cmd: map[string]any{"op": "fashion", "batch": fashionBatch, "lr": fashionLR}, eval: true})...)
	}
	r.measureWork(append(ours, peers...), r.fashionEpochs)
}

// fashionAccuracy trains the Fashion-MNIST network from seeds 1 to seeds
// for epochs each, untimed, and returns each one's test accuracy.
func fashionAccuracy(tr, te *data.Set, epochs, seeds int) (accs []float64, err error) {
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		spec := fashionNet.spec(fashionBatch, 1)
		spec.Seed = seed
		n, err := core.New(spec)
		if err != nil {
			return nil, err
		}
		_, err = n.Fit(tr.X, tr.Y, tr.Samples, core.FitOptions{Epochs: epochs, BatchSize: fashionBatch, Shuffle: true})
		_, acc, _ := n.Evaluate(te.X, te.Y, te.Samples)
		n.Close()
		if err != nil {
			return nil, err
		}
		accs = append(accs, float64(acc))
	}
	return accs, nil
}
