package core

import (
	"math"
	"syscall"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// hugeFloats maps n floats of anonymous memory that is never committed
// (MAP_NORESERVE, pages read as zeros from the kernel's zero page), so a
// test can pass more data than the machine holds, as long as almost none
// of it is written.
func hugeFloats(t *testing.T, n int) []float32 {
	if math.MaxInt < 1<<40 {
		t.Skip("a 32-bit int cannot count that many floats")
	}
	mem, err := syscall.Mmap(-1, 0, 4*n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		t.Skipf("cannot map %d bytes: %v", 4*n, err)
	}
	t.Cleanup(func() { _ = syscall.Munmap(mem) })
	// Huge pages: the scans then fault 2 MiB at a time (16 ms instead of
	// over a second for 8 GiB of 4 KiB zero pages), where the kernel allows.
	_ = syscall.Madvise(mem, 14) // MADV_HUGEPAGE
	return unsafe.Slice((*float32)(unsafe.Pointer(&mem[0])), n)
}

// TestDataBeyondInt32: Predict, Evaluate and Fit's validation take data of
// more than 2³¹ floats, indexed without overflow: a NaN past that many
// floats is named where it is. Fit orders at most MaxInt32 samples.
func TestDataBeyondInt32(t *testing.T) {
	if testing.Short() {
		t.Skip("scans 8 GiB (of zero pages): slow under the race detector")
	}
	const samples, in = 1<<29 + 1, 4 // 2³¹ + 4 floats
	x := hugeFloats(t, samples*in)
	x[len(x)-1] = float32(math.NaN())
	n, err := New(Spec{Inputs: in, Layers: []Layer{{Units: 1, Activation: Linear}}, Optimizer: Optimizer{LearningRate: 0.1}, MaxBatch: 8})
	require.NoError(t, err)
	const where = "input 2147483651 (sample 536870912, feature 3) is NaN"

	out := hugeFloats(t, samples) // never written: the scan comes first
	err = n.Predict(x, samples, out)
	require.ErrorIs(t, err, ErrData)
	require.ErrorContains(t, err, where)
	_, _, err = n.Evaluate(x, out, samples)
	require.ErrorIs(t, err, ErrData)
	require.ErrorContains(t, err, where)
	_, err = n.Fit(x[:2*in], out[:2], 2, FitOptions{Epochs: 1, ValX: x, ValY: out, ValSamples: samples})
	require.ErrorIs(t, err, ErrData)
	require.ErrorContains(t, err, "validation data: bad data: "+where)
	require.Zero(t, n.Steps())

	// One input a sample: 2³¹ samples, one more than Fit's order holds.
	one, err := New(Spec{Inputs: 1, Layers: []Layer{{Units: 1, Activation: Linear}}, Optimizer: Optimizer{LearningRate: 0.1}, MaxBatch: 8})
	require.NoError(t, err)
	_, err = one.Fit(x[:1<<31], out, 1<<31, FitOptions{Epochs: 1})
	require.ErrorIs(t, err, ErrShape)
	require.ErrorContains(t, err, "Fit takes at most 2147483647")
}
