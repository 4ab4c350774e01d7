package core

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/internal/split"
	"github.com/v1tr0/entrena/pool"
)

// forceParallel makes every GEMM and element-wise pass split over the pool
// in small units, however small the pass, for the duration of a test.
func forceParallel(t *testing.T) {
	g, e, u := split.GemmFlops, split.ElementCount, split.ElementUnit
	split.GemmFlops, split.ElementCount, split.ElementUnit = 0, 0, 4*asm.AlignFloats
	t.Cleanup(func() { split.GemmFlops, split.ElementCount, split.ElementUnit = g, e, u })
}

// TestThreadsBitIdentical: the same seed gives the same bits on 1, 2, 3, 4
// and 7 threads, for every optimizer, on every path, while goroutines
// compete for the processors (so workers are late, the pool goes serial
// and probes again at arbitrary points).
func TestThreadsBitIdentical(t *testing.T) {
	forceParallel(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(7, runtime.GOMAXPROCS(0))))
	stop := make(chan struct{})
	defer close(stop)
	for range 2 {
		go func() {
			for {
				select {
				case <-stop:
					return
				default:
					for i := 0; i < 1e5; i++ {
					}
				}
			}
		}()
	}
	x, y := blobs(12, 200, 30, 4)
	epochs := 20
	if testing.Short() { // the race detector's run
		epochs = 4
	}
	forEachPath(t, func(t *testing.T) {
		for _, opt := range []OptimizerKind{SGD, Momentum, Adam, RMSprop} {
			var ref []float32
			for _, threads := range []int{1, 2, 3, 4, 7} {
				n, err := New(Spec{Inputs: 30, Layers: []Layer{{Units: 50, Activation: Sigmoid}, {Units: 20, Activation: ReLU}, {Units: 4, Activation: Softmax}},
					Loss: CategoricalCrossEntropy, Optimizer: Optimizer{Kind: opt, LearningRate: 0.05},
					MaxBatch: 64, Seed: 3, Threads: threads})
				require.NoError(t, err)
				require.Equal(t, threads, n.Threads())
				_, err = n.Fit(x, y, 200, FitOptions{Epochs: epochs, BatchSize: 64, Shuffle: true})
				require.NoError(t, err)
				p := make([]float32, n.ParamCount())
				_, _ = n.CopyParams(p)
				n.Close()
				if ref == nil {
					ref = p
					continue
				}
				for i := range p {
					if math.Float32bits(p[i]) != math.Float32bits(ref[i]) {
						t.Fatalf("%s threads=%d: param %d = %v, one thread gives %v", opt, threads, i, p[i], ref[i])
					}
				}
			}
		}
	})
}

func TestThreadsAllocsAndSetThreads(t *testing.T) {
	forceParallel(t)
	x, y := blobs(1, 64, 40, 5)
	n, err := New(Spec{Inputs: 40, Layers: []Layer{{Units: 33, Activation: Tanh}, {Units: 5, Activation: Sigmoid}}, Loss: MSE,
		Optimizer: Optimizer{Kind: Adam, LearningRate: 0.01}, MaxBatch: 64, Seed: 1, Threads: 2})
	require.NoError(t, err)
	defer n.Close()
	require.Zero(t, testing.AllocsPerRun(20, func() {
		if _, err := n.TrainStep(x, y, 64); err != nil {
			t.Fatal(err)
		}
	}))
	require.NoError(t, n.SetThreads(3))
	require.Equal(t, 3, n.Threads())
	_, err = n.TrainStep(x, y, 64)
	require.NoError(t, err)
	require.ErrorIs(t, n.SetThreads(-1), ErrSpec)
	_, err = New(Spec{Inputs: 1, Layers: []Layer{{Units: 1, Activation: Sigmoid}}, Optimizer: Optimizer{LearningRate: 1}, MaxBatch: 1, Threads: pool.MaxThreads + 1})
	require.ErrorIs(t, err, ErrSpec)
}

// TestManyNetworksConcurrently trains separate networks from separate
// goroutines at once (run under -race in make test).
func TestManyNetworksConcurrently(t *testing.T) {
	x, y := blobs(2, 128, 16, 3)
	var wg sync.WaitGroup
	results := make([][]float32, 6)
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := New(Spec{Inputs: 16, Layers: []Layer{{Units: 24, Activation: Sigmoid}, {Units: 3, Activation: Sigmoid}}, Loss: MSE,
				Optimizer: Optimizer{Kind: SGD, LearningRate: 0.5}, MaxBatch: 32, Seed: 77, Threads: 1 + g%2})
			if err != nil {
				t.Error(err)
				return
			}
			defer n.Close()
			if _, err := n.Fit(x, y, 128, FitOptions{Epochs: 5, BatchSize: 32, Shuffle: true}); err != nil {
				t.Error(err)
				return
			}
			results[g] = make([]float32, n.ParamCount())
			_, _ = n.CopyParams(results[g])
		}()
	}
	wg.Wait()
	for g := 1; g < len(results); g++ {
		require.Equal(t, results[0], results[g], "same seed, same result, whatever else runs")
	}
}

// TestNonFiniteScanThreads: the input scan split over the pool reports the
// first NaN/Inf, wherever it falls among the workers' shares.
func TestNonFiniteScanThreads(t *testing.T) {
	n, err := New(Spec{Inputs: 784, Layers: []Layer{{Units: 16, Activation: Sigmoid}, {Units: 10, Activation: Sigmoid}}, Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: 256, Threads: 3})
	require.NoError(t, err)
	defer n.Close()
	x, y := blobs(3, 256, 784, 10)
	for _, bad := range [][]int{{5}, {200000}, {150000, 100000}, {len(x) - 1, 70000}} {
		xs := append([]float32(nil), x...)
		first := bad[0]
		for _, i := range bad {
			xs[i] = float32(math.Inf(-1))
			first = min(first, i)
		}
		require.Equal(t, first, n.firstNonFiniteN(xs), "bad %v", bad)
		_, err := n.TrainStep(xs, y, 256)
		require.ErrorIs(t, err, ErrData)
		require.Contains(t, err.Error(), fmt.Sprintf("input %d (sample %d, feature %d)", first, first/784, first%784))
	}
	require.Equal(t, -1, n.firstNonFiniteN(x))
}

// TestSetThreadsReleasesOldPool: each SetThreads replaces the pool and its
// reserved workspaces (megabytes for a wide layer); the old ones must
// become garbage, not stay tied to the network by its cleanup.
func TestSetThreadsReleasesOldPool(t *testing.T) {
	n, err := New(Spec{Inputs: 784, Layers: []Layer{{Units: 512, Activation: Sigmoid}, {Units: 10, Activation: Sigmoid}},
		Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: 256, Threads: 2})
	require.NoError(t, err)
	defer n.Close()
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	for i := 0; i < 3; i++ {
		require.NoError(t, n.SetThreads(2+i%2))
	}
	before := heap()
	for i := 0; i < 30; i++ {
		require.NoError(t, n.SetThreads(2+i%2))
	}
	after := heap()
	require.Less(t, after, before+16<<20, "30 SetThreads calls kept %d MiB", (after-before)>>20)
}

// TestGatherScanUnits: each unit of the gather scans the rows it copied
// and keeps its worker's first NaN/Inf; firstFound picks the batch's first,
// whichever worker ran which unit.
func TestGatherScanUnits(t *testing.T) {
	const in = 7
	x := make([]float32, 20*in)
	x[3*in+2], x[9*in], x[15*in+6] = float32(math.NaN()), float32(math.Inf(1)), float32(math.NaN())
	perm := []int32{0, 1, 2, 15, 4, 5, 9, 7, 8, 3} // gathered order: sample 15, then 9, then 3
	for _, order := range [][3]int{{0, 1, 2}, {2, 1, 0}, {1, 0, 1}} {
		task := gatherTask{bx: make([]float32, len(perm)*in), by: make([]float32, len(perm)), x: x, y: make([]float32, 20),
			perm: perm, in: in, out: 1}
		for w := range 3 {
			task.found[w] = -1
		}
		for u, w := range order { // units of 4 rows, run by the workers order names
			task.Run(w, 4*u, min(4*u+4, len(perm)))
		}
		require.Equal(t, 3*in+6, firstFound(task.found[:3]), "units run by %v", order)
	}
	require.Equal(t, -1, firstFound([]int{-1, -1}))
}

// TestGatherScanThreads: Fit's shuffled gather, split over the pool (by
// itself, or block by block in the pass by rows at batch 256), scans what
// it copies and reports the first NaN/Inf of the gathered batch (in batch
// order), naming the sample it came from, and leaves the network as it was
// before the call, also when the bad sample comes in a later batch.
func TestGatherScanThreads(t *testing.T) {
	const samples = 1024
	x, y := blobs(4, samples, 784, 10)
	for _, batch := range []int{256, 64} {
		later := false // some case's first bad sample came after the first batch
		for _, bad := range [][]int{{3, 200}, {250, 17}, {100, 101}, {700}, {1000}, {511}} {
			n, err := New(Spec{Inputs: 784, Layers: []Layer{{Units: 16, Activation: Sigmoid}, {Units: 10, Activation: Sigmoid}},
				Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: 256, Seed: 9, Threads: 3})
			require.NoError(t, err)
			if batch == 256 && n.pool.Parallel() {
				require.Positive(t, n.rowBlock(batch), "the pass by rows gathers")
			}
			before := append([]float32(nil), n.params...)
			xs := append([]float32(nil), x...)
			for _, s := range bad {
				xs[s*784+s%784] = float32(math.NaN())
			}
			_, err = n.Fit(xs, y, samples, FitOptions{Epochs: 1, BatchSize: batch, Shuffle: true})
			require.ErrorIs(t, err, ErrData)
			first := -1 // the bad sample gathered first
			for pos, s := range n.fit.perm {
				if slices.Contains(bad, int(s)) {
					first, later = int(s), later || pos >= batch
					break
				}
			}
			require.Contains(t, err.Error(), fmt.Sprintf("input %d (sample %d, feature %d) is NaN", first*784+first%784, first, first%784))
			require.Equal(t, before, n.params, "batch %d, bad samples %v: the parameters after the error", batch, bad)
			n.Close()
		}
		require.True(t, later, "batch %d: no case met its bad sample after the first batch; choose other samples", batch)
	}
}
