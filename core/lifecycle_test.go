package core

import (
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMemoryFlatOverCycles: 10,000 create/train/destroy cycles leave the
// heap and the goroutine count where they were after the first thousand.
func TestMemoryFlatOverCycles(t *testing.T) {
	cycles := 10000
	if testing.Short() {
		cycles = 2000
	}
	x, y := blobs(1, 16, 8, 2)
	cycle := func() {
		n, err := New(Spec{Inputs: 8, Layers: []Layer{{Units: 16, Activation: Sigmoid}, {Units: 2, Activation: Sigmoid}}, Loss: MSE,
			Optimizer: Optimizer{Kind: Adam, LearningRate: 0.01}, MaxBatch: 16, Seed: 1, Threads: 2})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := n.Fit(x, y, 16, FitOptions{Epochs: 2, BatchSize: 8, Shuffle: true}); err != nil {
			t.Fatal(err)
		}
		n.Close()
	}
	measure := func() (heap uint64, goroutines int) {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapInuse, runtime.NumGoroutine()
	}
	for i := 0; i < cycles/10; i++ {
		cycle()
	}
	heap0, g0 := measure()
	for i := cycles / 10; i < cycles; i++ {
		cycle()
	}
	heap1, g1 := measure()
	t.Logf("heap in use after %d cycles: %d KiB; after %d: %d KiB; goroutines %d → %d",
		cycles/10, heap0>>10, cycles, heap1>>10, g0, g1)
	require.Less(t, int64(heap1)-int64(heap0), int64(2<<20), "heap grew by more than 2 MiB")
	require.LessOrEqual(t, g1, g0+1, "goroutines leaked")
}

// TestNetworkWithoutCloseIsCollected: an unreachable network's worker
// goroutines stop through the cleanup, even when Close was never called.
func TestNetworkWithoutCloseIsCollected(t *testing.T) {
	before := runtime.NumGoroutine()
	for i := 0; i < 50; i++ {
		_, err := New(Spec{Inputs: 2, Layers: []Layer{{Units: 2, Activation: Sigmoid}}, Optimizer: Optimizer{LearningRate: 1}, MaxBatch: 1, Threads: 4})
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool {
		runtime.GC()
		return runtime.NumGoroutine() <= before+2
	}, 5*time.Second, 20*time.Millisecond)
}

// TestSaveKilledMidWrite kills a child process that saves a large model in
// a loop, at random moments: the model file must always load afterwards
// (the previous version or the new one, never a torn file).
func TestSaveKilledMidWrite(t *testing.T) {
	if path := os.Getenv("ENTRENA_SAVE_CHILD"); path != "" {
		n, err := New(Spec{Inputs: 784, Layers: []Layer{{Units: 512, Activation: Sigmoid}, {Units: 10, Activation: Sigmoid}}, Loss: MSE,
			Optimizer: Optimizer{LearningRate: 0.1}, MaxBatch: 1, Seed: 1, Threads: 1})
		if err != nil {
			panic(err)
		}
		for i := 0; ; i++ {
			w, _, _ := n.Weights(0)
			w[0] = float32(i)
			if err := n.Save(path); err != nil {
				panic(err)
			}
			if i == 0 { // the file exists before the parent may kill
				os.Stdout.WriteString("ready\n")
			}
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "m.entrena")
	r := rand.New(rand.NewPCG(1, 2))
	kills := 8
	if testing.Short() {
		kills = 3
	}
	for k := 0; k < kills; k++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSaveKilledMidWrite$")
		cmd.Env = append(os.Environ(), "ENTRENA_SAVE_CHILD="+path)
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		if err := cmd.Start(); errors.Is(err, syscall.ENOEXEC) {
			t.Skipf("cannot re-run the test binary here (qemu-user): %v", err)
		} else {
			require.NoError(t, err)
		}
		buf := make([]byte, 6)
		_, err = out.Read(buf)
		require.NoError(t, err)
		// Let it complete a few saves, then kill it somewhere inside one.
		time.Sleep(time.Duration(20+r.IntN(60)) * time.Millisecond)
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		_ = cmd.Wait()
		n, err := Load(path)
		require.NoError(t, err, "model file torn after kill %d", k)
		n.Close()
	}
	// A temporary file left behind is a kill that landed inside a save
	// (between creating it and the rename): evidence the test hit a write.
	tmps, _ := filepath.Glob(filepath.Join(dir, ".m.entrena.*.tmp"))
	t.Logf("%d of %d kills landed inside a save", len(tmps), kills)
}
