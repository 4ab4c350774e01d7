package core

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/pool"
)

// TestRowsBitIdentical: a step run by blocks of rows over the pool gives
// the bits of the layer-by-layer step and of one thread (cost, every
// parameter, optimizer state through later steps), for every loss, hidden
// and output activation, dropout, weight decay and optimizer, with batches
// that leave a short last block, on every path; the first layer's product
// by bands of units (where each thread gets a band) and by rows.
func TestRowsBitIdentical(t *testing.T) {
	forceParallel(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(3, runtime.GOMAXPROCS(0))))
	specs := []Spec{
		{Inputs: 20, Layers: []Layer{{Units: 33, Activation: Sigmoid}, {Units: 17, Activation: Tanh}, {Units: 5, Activation: Sigmoid}},
			Loss: MSE, Optimizer: Optimizer{Kind: SGD, LearningRate: 0.5}},
		{Inputs: 20, Layers: []Layer{{Units: 33, Activation: ReLU, Dropout: 0.25}, {Units: 9, Activation: Tanh, Dropout: 0.5}, {Units: 5, Activation: Softmax}},
			Loss: CategoricalCrossEntropy, Optimizer: Optimizer{Kind: Adam, LearningRate: 0.01}},
		{Inputs: 20, Layers: []Layer{{Units: 31, Activation: Tanh, L2: 1e-3}, {Units: 5, Activation: Sigmoid}},
			Loss: BinaryCrossEntropy, Optimizer: Optimizer{Kind: Momentum, LearningRate: 0.1}},
		{Inputs: 20, Layers: []Layer{{Units: 24, Activation: ReLU}, {Units: 5, Activation: Linear}},
			Loss: MSE, Optimizer: Optimizer{Kind: RMSprop, LearningRate: 0.01}},
		{Inputs: 20, Layers: []Layer{{Units: 40, Activation: Sigmoid, Dropout: 0.2}, {Units: 5, Activation: Sigmoid}},
			Loss: MSE, Optimizer: Optimizer{Kind: SGD, LearningRate: 0.5}},
		{Inputs: 20, Layers: []Layer{{Units: 101, Activation: Sigmoid}, {Units: 5, Activation: Sigmoid}},
			Loss: MSE, Optimizer: Optimizer{Kind: SGD, LearningRate: 0.5}},
		{Inputs: 20, Layers: []Layer{{Units: 190, Activation: Tanh}, {Units: 5, Activation: Sigmoid}},
			Loss: MSE, Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}},
	}
	x, y := blobs(5, 64, 20, 5)
	forEachPath(t, func(t *testing.T) {
		for si, s := range specs {
			s.MaxBatch, s.Seed = 64, 7
			nets := map[string]*Network{}
			for _, c := range []struct {
				name    string
				threads int
			}{{"one thread", 1}, {"rows on 3 threads", 3}, {"rows, first layer by rows, on 3 threads", 3}, {"layers on 3 threads", 3}} {
				s.Threads = c.threads
				n, err := New(s)
				require.NoError(t, err)
				defer n.Close()
				nets[c.name] = n
			}
			for step, batch := range []int{64, 61, 17, 23, 64} {
				costs := map[string]float32{}
				for name, n := range nets {
					rowsEnabled = name != "layers on 3 threads"
					unitsEnabled = name == "rows on 3 threads"
					if name == "rows on 3 threads" && n.pool.Parallel() {
						require.Positive(t, n.rowBlock(batch), "the pass by rows runs at batch %d", batch)
						if s.Layers[0].Units >= 6*asm.ColumnGrain()-5 { // a band per thread
							require.Positive(t, n.unitsBand(), "the first layer runs by units")
						}
					}
					c, err := n.TrainStep(x, y, batch)
					require.NoError(t, err)
					costs[name] = c
				}
				rowsEnabled, unitsEnabled = true, true
				where := fmt.Sprintf("spec %d step %d (batch %d)", si, step, batch)
				want := costs["one thread"]
				for name, c := range costs {
					require.Equal(t, math.Float32bits(want), math.Float32bits(c), "%s: %s cost %v, one thread %v", where, name, c, want)
				}
				requireSameState(t, where, nets)
			}
			// Fit runs the same step unguarded.
			for name, n := range nets {
				rowsEnabled = name != "layers on 3 threads"
				unitsEnabled = name == "rows on 3 threads"
				_, err := n.Fit(x, y, 64, FitOptions{Epochs: 2, BatchSize: 29, Shuffle: true})
				require.NoError(t, err)
			}
			rowsEnabled, unitsEnabled = true, true
			requireSameState(t, fmt.Sprintf("spec %d after Fit", si), nets)
		}
	})
}

// requireSameState fails unless every network's parameters and optimizer
// state have one thread's bits.
func requireSameState(t *testing.T, where string, nets map[string]*Network) {
	t.Helper()
	ref := nets["one thread"]
	for name, n := range nets {
		for _, buf := range [][2][]float32{{ref.params, n.params}, {ref.opt1, n.opt1}, {ref.opt2, n.opt2}} {
			for i := range buf[0] {
				if math.Float32bits(buf[0][i]) != math.Float32bits(buf[1][i]) {
					t.Fatalf("%s: %s value %d = %v, one thread %v", where, name, i, buf[1][i], buf[0][i])
				}
			}
		}
	}
}

// TestDropoutMaskByRows: the masks drawn for rows apart, at any first row
// (odd flat offsets included), are those drawn for the whole batch.
func TestDropoutMaskByRows(t *testing.T) {
	n, err := New(Spec{Inputs: 3, Layers: []Layer{{Units: 33, Activation: Sigmoid, Dropout: 0.4}, {Units: 1, Activation: Sigmoid}},
		Loss: MSE, Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: 7, Seed: 11, Threads: 1})
	require.NoError(t, err)
	defer n.Close()
	l := &n.layers[0]
	ones := func(rows int) []float32 {
		a := make([]float32, rows*l.out)
		for i := range a {
			a[i] = 1
		}
		return a
	}
	whole := ones(7)
	n.applyDropout(0, whole, 0)
	wantMask := append([]float32(nil), l.mask[:7*l.out]...)
	clear(l.mask)
	for _, cut := range [][2]int{{0, 3}, {3, 4}, {4, 7}} {
		part := ones(cut[1] - cut[0])
		n.applyDropout(0, part, cut[0])
		require.Equal(t, whole[cut[0]*l.out:cut[1]*l.out], part, "rows %v", cut)
	}
	require.Equal(t, wantMask, l.mask[:7*l.out])
	require.Contains(t, wantMask, float32(0), "some outputs dropped")
}

// TestRowsNotOnSerialPool: a pool that runs serial (here beside other
// pools' calls holding every processor but the caller's) takes the step
// layer by layer, which is faster on one thread than blocks of rows.
func TestRowsNotOnSerialPool(t *testing.T) {
	n, err := New(mnistShape(256, 2))
	require.NoError(t, err)
	defer n.Close()
	if !n.pool.Parallel() {
		t.Skip("the pool runs serial already")
	}
	require.Positive(t, n.rowBlock(256), "a parallel pool")
	release := holdProcessors(t)
	require.Zero(t, n.rowBlock(256), "a pool whose calls run on the caller alone")
	release()
	require.Positive(t, n.rowBlock(256), "parallel again")
}

// blockTask's units wait until release is closed.
type blockTask struct {
	started chan struct{}
	release chan struct{}
}

func (b *blockTask) Run(w, lo, hi int) {
	select {
	case b.started <- struct{}{}:
	default:
	}
	<-b.release
}

// holdProcessors keeps a call of another pool in flight on every processor
// but one, until the returned function is called.
func holdProcessors(t *testing.T) func() {
	var pools []*pool.Pool
	task := &blockTask{started: make(chan struct{}, 64), release: make(chan struct{})}
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) - 1 {
		p, err := pool.New(1)
		require.NoError(t, err)
		pools = append(pools, p)
		wg.Add(1)
		go func() { defer wg.Done(); p.For(2, 1, task) }()
		<-task.started
	}
	return func() {
		close(task.release)
		wg.Wait()
		for _, p := range pools {
			p.Close()
		}
	}
}

// TestThreadBandBitIdentical: a 784-128 first layer at batches up to 64,
// whose weight product asm would cut into more row bands than threads, is
// cut at the bands of its forward product by units instead (each thread
// writing the rows of W it reads there), and trains to one thread's bits,
// by TrainStep and by Fit in order, with plain SGD (the update fused into
// the product, beta 1) and with Momentum (beta 0).
func TestThreadBandBitIdentical(t *testing.T) {
	forceParallel(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	x, y := blobs(11, 64, 784, 5)
	forEachPath(t, func(t *testing.T) {
		for _, opt := range []Optimizer{{Kind: SGD, LearningRate: 0.2}, {Kind: Momentum, LearningRate: 0.05}} {
			s := Spec{Inputs: 784, Layers: []Layer{{Units: 128, Activation: Tanh}, {Units: 5, Activation: Sigmoid}},
				Loss: MSE, Optimizer: opt, MaxBatch: 64, Seed: 3}
			nets := map[string]*Network{}
			for name, threads := range map[string]int{"one thread": 1, "two threads": 2} {
				s.Threads = threads
				n, err := New(s)
				require.NoError(t, err)
				defer n.Close()
				nets[name] = n
			}
			if n := nets["two threads"]; n.pool.Parallel() {
				require.Positive(t, n.unitsBand(), "the first layer runs by units")
			}
			for step, batch := range []int{64, 61, 32, 64} {
				for _, n := range nets {
					_, err := n.TrainStep(x, y, batch)
					require.NoError(t, err)
				}
				requireSameState(t, fmt.Sprintf("%v step %d (batch %d)", opt.Kind, step, batch), nets)
			}
			for _, n := range nets {
				_, err := n.Fit(x, y, 64, FitOptions{Epochs: 2, BatchSize: 32})
				require.NoError(t, err)
			}
			requireSameState(t, fmt.Sprintf("%v after Fit", opt.Kind), nets)
		}
	})
}
