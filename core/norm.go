package core

import (
	"math"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/pool"
)

// Norms for TrainStep's guard, on the kernels: each chunk is squared into
// L1-sized scratch (Hadamard), summed by columns (ColSums) and the column
// sums added up (Axpy); a tail shorter than a row is summed in float64.

// normWidth is the column count handed to ColSums; normChunk the floats
// squared at a time (16 KiB, so the squares stay in L1).
const (
	normWidth = 64
	normChunk = 64 * normWidth
)

// normFloats is the floats of one thread's normScratch (see layout).
const normFloats = normChunk + 2*normWidth

// normScratch is one thread's buffers for sumSquares.
type normScratch struct {
	squares   []float32 // normChunk floats
	part, sum []float32 // normWidth floats each: a chunk's column sums, and their total
}

// newNormScratch carves the scratch of threads threads out of buf
// (threads·normFloats floats, 64-byte aligned).
func newNormScratch(buf []float32, threads int) []normScratch {
	c := carver{buf: buf}
	ws := make([]normScratch, threads)
	for i := range ws {
		ws[i] = normScratch{squares: c.take(normChunk), part: c.take(normWidth), sum: c.take(normWidth)}
	}
	return ws
}

// sumSquares returns Σ s[i]², from float32 partial sums; NaN or +Inf when s
// holds a NaN or ±Inf or its squares overflow. It allocates nothing.
func (w *normScratch) sumSquares(s []float32) float64 {
	var total float64
	for off := 0; off < len(s); off += normChunk {
		c := s[off:min(off+normChunk, len(s))]
		rows := len(c) / normWidth
		if rows > 0 {
			k := rows * normWidth
			sq := w.squares[:k]
			// The buffers are the scratch's own and of matching lengths:
			// the kernels' argument errors cannot occur.
			_ = asm.Hadamard(sq, c[:k], c[:k])
			if off == 0 {
				_ = asm.ColSums(w.sum, 1, sq, rows, normWidth)
			} else {
				_ = asm.ColSums(w.part, 1, sq, rows, normWidth)
				_ = asm.Axpy(1, w.part, w.sum)
			}
		}
		for _, v := range c[rows*normWidth:] { // only the last chunk has a tail
			total += float64(v) * float64(v)
		}
	}
	if len(s) >= normWidth {
		for _, v := range w.sum {
			total += float64(v)
		}
	}
	return total
}

// normTask sums the squares of the units each worker runs.
type normTask struct {
	ws   []normScratch
	s    []float32
	sums [pool.MaxThreads]float64
}

func (t *normTask) Run(w, lo, hi int) { t.sums[w] += t.ws[w].sumSquares(t.s[lo:hi]) }

// norm returns ‖s‖₂ (NaN or +Inf as sumSquares says), split over the pool
// when s is as long as a batch of inputs that firstNonFiniteN splits.
func (n *Network) norm(s []float32) float64 {
	ws := n.guard.scratch
	threads := n.pool.Threads()
	if threads == 1 || len(s) < scanElements || len(ws) < threads {
		return math.Sqrt(ws[0].sumSquares(s))
	}
	t := &n.tasks.norm
	t.ws, t.s = ws, s
	clear(t.sums[:threads])
	n.pool.For(len(s), normChunk, t)
	t.s = nil
	var total float64
	for _, v := range t.sums[:threads] {
		total += v
	}
	return math.Sqrt(total)
}
