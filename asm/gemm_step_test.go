package asm

import (
	"fmt"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// stepShape is one product of a 784-128-64-10 training step (samples as
// rows, W out×in) with the step's transpositions and alpha/beta: forward
// z = a·Wᵀ (NT), δ·W (NN), and the plain-SGD update W += −(lr/m)·δᵀ·a (TN,
// beta = 1, k = the batch).
type stepShape struct {
	name           string
	transA, transB bool
	m, n, k        int
	lda, ldb       int
	alpha, beta    float32
}

func stepShapes(batch int) []stepShape {
	fwd := func(name string, in, out int) stepShape {
		return stepShape{name, false, true, batch, out, in, in, in, 1, 0}
	}
	delta := func(name string, in, out int) stepShape {
		return stepShape{name, false, false, batch, in, out, out, in, 1, 0}
	}
	weight := func(name string, in, out int) stepShape {
		return stepShape{name, true, false, out, in, batch, out, in, -0.1 / float32(batch), 1}
	}
	return []stepShape{
		fwd("fwd1", 784, 128), fwd("fwd2", 128, 64), fwd("fwd3", 64, 10),
		delta("delta3", 64, 10), delta("delta2", 128, 64),
		weight("weight3", 64, 10), weight("weight2", 128, 64), weight("weight1", 784, 128),
	}
}

// BenchmarkSgemmStep reports GFLOPS of each product of a 784-128-64-10
// step at batch 32 and 256, one thread, on the active path (set
// ENTRENA_KERNELS to pick one), its operands on 64-byte lines as the
// network's buffers are; and the two products that read the caller's
// inputs (layer 1's forward as A, its weight product as B) with the inputs
// 16 bytes past a line, where numpy and malloc put large arrays (_off16B).
func BenchmarkSgemmStep(b *testing.B) {
	for _, batch := range []int{32, 256} {
		for _, s := range stepShapes(batch) {
			b.Run(fmt.Sprintf("batch=%d/%s_%s", batch, s.name, Active()), func(b *testing.B) {
				benchStepShape(b, s, 0)
			})
			if s.name == "fwd1" || s.name == "weight1" {
				b.Run(fmt.Sprintf("batch=%d/%s_off16B_%s", batch, s.name, Active()), func(b *testing.B) {
					benchStepShape(b, s, 4)
				})
			}
		}
	}
}

// benchStepShape times product s, the layer's input (A of a forward
// product, B of a weight product) inputOff floats past a 64-byte line.
func benchStepShape(b *testing.B, s stepShape, inputOff int) {
	r := newRand(1)
	rnd := func(n, off int) []float32 {
		x := Aligned(n + off)[off:]
		for i := range x {
			x[i] = r.Float32() - 0.5
		}
		return x
	}
	aOff, bOff := inputOff, 0
	if s.transA {
		aOff, bOff = 0, inputOff
	}
	a, bb, c := rnd(s.m*s.k, aOff), rnd(s.k*s.n, bOff), rnd(s.m*s.n, 0)
	ws := NewWorkspace()
	ws.Reserve(s.m, s.n, s.k)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := Sgemm(ws, s.transA, s.transB, s.m, s.n, s.k, s.alpha, a, s.lda, bb, s.ldb, s.beta, c, s.n); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(2*float64(s.m)*float64(s.n)*float64(s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
}

// TestReserveCoversStepShapes: after Reserve(m, n, k), the products of a
// training step (on every path, whatever strategy computes them: swapped,
// column order, small-m) grow no Workspace buffer, so their first call
// allocates nothing either (AllocsPerRun's warm-up run would hide that).
func TestReserveCoversStepShapes(t *testing.T) {
	forEachPath(t, func(t *testing.T, path string) {
		for _, batch := range []int{1, 4, 32, 256} {
			for _, s := range stepShapes(batch) {
				ws := NewWorkspace()
				ws.Reserve(s.m, s.n, s.k)
				before := workspaceBuffers(ws)
				a, b, c := make([]float32, s.m*s.k), make([]float32, s.k*s.n), make([]float32, s.m*s.n)
				require.NoError(t, Sgemm(ws, s.transA, s.transB, s.m, s.n, s.k, s.alpha, a, s.lda, b, s.ldb, s.beta, c, s.n))
				require.Equal(t, before, workspaceBuffers(ws), "batch %d %s: a buffer grew", batch, s.name)
			}
		}
	})
}

// workspaceBuffers is the first element's address and the length of each
// of ws's buffers (0 for an empty one).
func workspaceBuffers(ws *Workspace) [3][2]uintptr {
	var out [3][2]uintptr
	for i, buf := range [][]float32{ws.packA, ws.packB, ws.swapped} {
		if len(buf) > 0 {
			out[i] = [2]uintptr{uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf))}
		}
	}
	return out
}
