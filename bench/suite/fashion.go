package suite

import (
	"fmt"
	"path/filepath"
	"runtime"

	"github.com/v1tr0/entrena/core"
	"github.com/v1tr0/entrena/data"
)

// The Fashion-MNIST comparison of issue 8: 784-128-10, sigmoid hidden and
// output layers, MSE, plain SGD at batch 32 for 5 epochs, shuffled every
// epoch, Glorot-uniform weights and zero biases on every side, the same
// learning rate everywhere (bench/peers/train_fashion.py takes it as --lr).
const (
	fashionBatch  = 32
	fashionEpochs = 5
	// fashionLR works for every implementation: 0.5–1.5 all reach 85–86 %
	// after 5 epochs with entrena; 3 saturates the sigmoids in the first
	// epoch.
	fashionLR = 1.0
)

var fashionNet = netShape{"784-128-10", 784, []int{128, 10}, fashionLR}

// fashionName is the work name of the rows (Go and peers).
func fashionName(epochs int) string {
	return fmt.Sprintf("%s b=%d %d epochs", fashionNet.name, fashionBatch, epochs)
}

// fashionSet holds Fashion-MNIST as entrena's data package reads it
// (pixels scaled to [0, 1], one-hot targets).
type fashionSet struct {
	dir       string
	train     *data.Set
	test      *data.Set
	loadError error
}

// loadFashion reads the four IDX files from Debian's dataset-fashion-mnist
// folder (or $ENTRENA_FASHION_MNIST_DIR).
func loadFashion() fashionSet {
	dir, err := data.FashionDir()
	if err != nil {
		return fashionSet{loadError: err}
	}
	fs := fashionSet{dir: dir}
	for _, s := range []struct {
		prefix string
		dst    **data.Set
	}{{"train", &fs.train}, {"t10k", &fs.test}} {
		im, lb, err := data.IDXFiles(filepath.Join(dir, s.prefix))
		if err == nil {
			*s.dst, err = data.LoadIDX("fashion-"+s.prefix, im, lb)
		}
		if err != nil {
			return fashionSet{dir: dir, loadError: err}
		}
		if (*s.dst).Inputs != 784 || (*s.dst).Outputs != 10 {
			return fashionSet{dir: dir, loadError: fmt.Errorf("%s: %d inputs and %d classes, want 784 and 10", im, (*s.dst).Inputs, (*s.dst).Outputs)}
		}
	}
	return fs
}

// fashionEpochCount is the number of epochs of this run (-fashionepochs,
// else 5, or 1 with -quick).
func (r *runner) fashionEpochCount() int {
	switch {
	case r.fashionEpochs > 0:
		return r.fashionEpochs
	case r.quick:
		return 1
	}
	return fashionEpochs
}

// runFashion trains entrena (Go, core.Fit) on Fashion-MNIST for each thread
// count: one Fit call of all the epochs, as a user would run it, each epoch
// timed through the progress callback (median over the epochs), and the
// test accuracy after the last one. A full run also trains seeds 2–5 once
// (one thread, untimed) so the note gives the accuracy's spread over
// initialisations next to the single seed the peers use.
func (r *runner) runFashion() {
	fs := loadFashion()
	if fs.loadError != nil {
		r.skip("fashion: %v", fs.loadError)
		r.rep.FashionSkipped = fs.loadError.Error()
		return
	}
	epochs := r.fashionEpochCount()
	p := r.best()
	r.use(p)
	tr, te := fs.train, fs.test
	for _, th := range r.threads {
		var ms0, ms1 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		per, acc, err := fashionRun(fs, 1, th, epochs)
		runtime.ReadMemStats(&ms1)
		if err != nil {
			r.skip("fashion %d thread(s): %v", th, err)
			continue
		}
		spread := ""
		if th == 1 && !r.quick {
			spread = fashionSeedSpread(fs, acc, epochs)
		}
		med, lo, hi := stats(per)
		row := Row{Group: "fashion", Name: fashionName(epochs), Impl: "entrena/" + p, Path: p, Threads: th,
			Reps: len(per), OpsRep: 1, Median: med, Min: lo, Max: hi, Unit: "samples/s",
			Metric: float64(tr.Samples) / med, Accuracy: float64(acc),
			Allocs: float64(ms1.Mallocs-ms0.Mallocs) / float64(len(per)),
			Note: fmt.Sprintf("Go, core.Fit (shuffle), Fashion-MNIST %d train / %d test from %s, lr %g, Glorot-uniform init; test accuracy %.2f%%%s; first epoch %.3f s (in the spread)",
				tr.Samples, te.Samples, fs.dir, fashionLR, 100*acc, spread, per[0])}
		if pk := r.peak(p); pk > 0 {
			row.PctPeak = 100 * row.Metric * fashionNet.flopsPerSample() / 1e9 / (pk * float64(th))
		}
		r.add(row)
	}
}

// fashionRun trains a fresh network with the given seed for epochs epochs in
// one Fit call and returns the seconds of each epoch and the test accuracy.
func fashionRun(fs fashionSet, seed uint64, threads, epochs int) (per []float64, acc float32, err error) {
	spec := fashionNet.spec(fashionBatch, threads)
	spec.Seed = seed
	n, err := core.New(spec)
	if err != nil {
		return nil, 0, err
	}
	defer n.Close()
	per = make([]float64, 0, epochs)
	progress := func(p core.Progress) bool {
		if p.EpochDone {
			per = append(per, p.Elapsed.Seconds())
		}
		return true
	}
	tr, te := fs.train, fs.test
	if _, err = n.Fit(tr.X, tr.Y, tr.Samples, core.FitOptions{Epochs: epochs, BatchSize: fashionBatch, Shuffle: true, Progress: progress}); err != nil {
		return nil, 0, err
	}
	_, acc, err = n.Evaluate(te.X, te.Y, te.Samples)
	return per, acc, err
}

// fashionSeedSpread trains seeds 2–5 and returns a note fragment with the
// median and range of the test accuracy over seeds 1–5 (seed 1's is acc1).
func fashionSeedSpread(fs fashionSet, acc1 float32, epochs int) string {
	accs := []float64{float64(acc1)}
	for seed := uint64(2); seed <= 5; seed++ {
		_, acc, err := fashionRun(fs, seed, 1, epochs)
		if err != nil {
			return fmt.Sprintf(" (seeds 2–5 failed: %v)", err)
		}
		accs = append(accs, float64(acc))
	}
	med, lo, hi := stats(accs)
	return fmt.Sprintf(" (seeds 1–5: median %.2f%%, range %.2f–%.2f%%)", 100*med, 100*lo, 100*hi)
}
