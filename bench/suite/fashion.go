package suite

import (
	"fmt"
	"path/filepath"
	"runtime"
	"time"

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
// count: seconds per epoch (median over the epochs, each timed alone) and
// the test accuracy after the last one.
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
		n, err := core.New(fashionNet.spec(fashionBatch, th))
		if err != nil {
			r.skip("fashion: %v", err)
			continue
		}
		var per []float64
		var ms0, ms1 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		for e := 0; e < epochs && err == nil; e++ {
			t := time.Now()
			_, err = n.Fit(tr.X, tr.Y, tr.Samples, core.FitOptions{Epochs: 1, BatchSize: fashionBatch, Shuffle: true})
			per = append(per, time.Since(t).Seconds())
		}
		runtime.ReadMemStats(&ms1)
		var acc float32
		if err == nil {
			_, acc, err = n.Evaluate(te.X, te.Y, te.Samples)
		}
		n.Close()
		if err != nil {
			r.skip("fashion %d thread(s): %v", th, err)
			continue
		}
		med, lo, hi := stats(per)
		row := Row{Group: "fashion", Name: fashionName(epochs), Impl: "entrena/" + p, Path: p, Threads: th,
			Reps: len(per), OpsRep: 1, Median: med, Min: lo, Max: hi, Unit: "samples/s",
			Metric: float64(tr.Samples) / med, Accuracy: float64(acc),
			Allocs: float64(ms1.Mallocs-ms0.Mallocs) / float64(len(per)),
			Note: fmt.Sprintf("Go, core.Fit (shuffle), Fashion-MNIST %d train / %d test from %s, lr %g, Glorot-uniform init; test accuracy %.2f%%; first epoch %.3f s (in the spread)",
				tr.Samples, te.Samples, fs.dir, fashionLR, 100*acc, per[0])}
		if pk := r.peak(p); pk > 0 {
			row.PctPeak = 100 * row.Metric * fashionNet.flopsPerSample() / 1e9 / (pk * float64(th))
		}
		r.add(row)
	}
}
