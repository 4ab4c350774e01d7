package asm

import (
	"sync/atomic"

	"github.com/v1tr0/entrena/internal/split"
	"github.com/v1tr0/entrena/pool"
)

// Product is one C = alpha·op(A)·op(B) + beta·C of SgemmAll, with Sgemm's
// arguments.
type Product struct {
	TransA, TransB bool
	M, N, K        int
	Alpha          float32
	A              []float32
	Lda            int
	B              []float32
	Ldb            int
	Beta           float32
	C              []float32
	Ldc            int
	// ThreadBand, when positive, cuts C's rows into bands of ThreadBand
	// rows, band i run by pool thread i whenever that thread takes a unit
	// of the call: a caller that cut an earlier product the same way (a
	// layer's forward product by bands of units, band i on thread i) has
	// each thread write the rows it read there. Honoured where the product
	// is cut by rows into more bands than threads (where it is cut into
	// one band per thread already, whole tiles balance better), beta is 0
	// or 1 (the bands then get the whole product's bits) and there is a
	// band per active thread at most.
	ThreadBand int
}

// SgemmAll computes independent products (no product's C overlaps another
// product's operands) in one call over the pool: the row bands of every
// product that Sgemm would split, and each small product whole, are the
// units of one pool call, in the order given (put the largest first; the
// small ones then fill the threads' last gaps). A training step's weight
// products meet the other threads once instead of once per layer. The
// bands are those Sgemm cuts, so every product gets Sgemm's bits; a
// product Sgemm would split otherwise (a shared packed op(B), column bands,
// a transposed computation) runs through Sgemm first.
func (g *ParallelGemm) SgemmAll(ps []Product) error {
	for i := range ps {
		p := &ps[i]
		if err := checkGemm(p.TransA, p.TransB, p.M, p.N, p.K, p.A, p.Lda, p.B, p.Ldb, p.C, p.Ldc); err != nil {
			return err
		}
	}
	ks := active.Load()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ready()
	t := &g.all
	t.units = t.units[:0]
	t.kind, t.threadBands = 0, 0
	threads := g.pool.Active()
	for i := range ps {
		p := &ps[i]
		t.kind = t.kind*31 + pool.Kind(p.M, p.N, p.K, flags(p.TransA, p.TransB))
		switch {
		case p.M == 0 || p.N == 0:
		case g.pool.Threads() == 1 || 2*p.M*p.N*p.K < split.GemmFlops:
			t.units = append(t.units, productRows{p: i, hi: p.M})
		case g.bandsAlone(ks, p):
			g.unlocked(ks, p)
		default:
			gt := gemmTask{ks: ks, transA: p.TransA, transB: p.TransB, m: p.M, n: p.N, k: p.K, lda: p.Lda, byRows: !streamsWideB(p.TransA, p.TransB, p.M, p.N, p.K)}
			band, extent := gt.band(threads), gt.extent()
			if b := p.ThreadBand; b > 0 && gt.byRows && band*threads < extent && (p.Beta == 0 || p.Beta == 1) && (extent+b-1)/b <= threads && t.threadBands == 0 {
				t.threadBands, t.threadProduct, t.threadFirst = (extent+b-1)/b, i, len(t.units)
				for lo := 0; lo < extent; lo += b {
					t.units = append(t.units, productRows{i, lo, min(lo+b, extent), false})
				}
				continue
			}
			for lo := 0; lo < extent; lo += band {
				t.units = append(t.units, productRows{i, lo, min(lo+band, extent), !gt.byRows})
			}
		}
	}
	for i := range t.threadBands {
		t.taken[i].Store(false)
	}
	t.ws, t.ks, t.ps = g.ws, ks, ps
	defer func() { t.ws, t.ks, t.ps = nil, nil, nil }() // do not keep the caller's buffers alive
	if len(t.units) <= 1 || g.pool.Threads() == 1 {
		t.Run(0, 0, len(t.units))
		return nil
	}
	g.pool.For(len(t.units), 1, t)
	return nil
}

// threadBandFor takes the unit of the ThreadBand product that worker w
// runs for a unit of it claimed: band w if no thread took it, else the
// first band left. Each claimed unit of the product takes one band, so
// every band runs once whoever claims what.
func (t *allTask) threadBandFor(w int) int {
	if w < t.threadBands && t.taken[w].CompareAndSwap(false, true) {
		return t.threadFirst + w
	}
	for b := range t.threadBands {
		if t.taken[b].CompareAndSwap(false, true) {
			return t.threadFirst + b
		}
	}
	panic("asm: more units of a ThreadBand product claimed than it has bands")
}

// bandsAlone reports whether Sgemm splits p otherwise than into row bands
// that read their operands in place (see Sgemm and split).
func (g *ParallelGemm) bandsAlone(ks *kernelSet, p *Product) bool {
	if ks.swap != nil && ks.swap(p.TransA, p.TransB, p.M, p.N, p.K, p.Alpha, p.Beta) {
		return true
	}
	sh := ks.sharedB
	if streamsWideB(p.TransA, p.TransB, p.M, p.N, p.K) {
		return false
	}
	byRows := p.M >= p.N || sh != nil && p.TransA
	if !byRows {
		return true
	}
	return sh != nil && sh.sharesB(p.TransA, p.TransB, p.M, p.N, p.K, p.Ldb, p.Alpha, p.Beta)
}

// unlocked is Sgemm's split of p; g.mu is held. A product the path
// computes transposed is split as that transpose, so its bands are those
// of the one-thread call's product; they share a packed op(B) and never
// use the caller's swap buffer.
func (g *ParallelGemm) unlocked(ks *kernelSet, p *Product) {
	if ks.swap != nil && ks.swap(p.TransA, p.TransB, p.M, p.N, p.K, p.Alpha, p.Beta) {
		m, n := p.M, p.N
		t := g.ws[0].swapBuffer(m * n)[:m*n]
		if p.Beta != 0 {
			ks.transpose(t, m, p.C, p.Ldc, m, n)
		}
		g.split(ks, ks.direct, !p.TransB, !p.TransA, n, m, p.K, p.Alpha, p.B, p.Ldb, p.A, p.Lda, p.Beta, t, m)
		ks.transpose(p.C, p.Ldc, t, m, n, m)
		return
	}
	g.split(ks, ks.gemm, p.TransA, p.TransB, p.M, p.N, p.K, p.Alpha, p.A, p.Lda, p.B, p.Ldb, p.Beta, p.C, p.Ldc)
}

// productRows is rows [lo, hi) of C of product p (columns when cols):
// one unit of SgemmAll.
type productRows struct {
	p, lo, hi int
	cols      bool
}

// allTask runs units [lo, hi) of a SgemmAll call.
type allTask struct {
	ws    []*Workspace
	ks    *kernelSet
	ps    []Product
	units []productRows
	kind  uint64 // the products' shapes (CallKind)
	// threadBands: the units of product threadProduct (from unit
	// threadFirst on) cut at its ThreadBand; a thread that claims one runs
	// band w (its own) if no thread has, else the first band left (taken).
	threadBands, threadProduct, threadFirst int
	taken                                   [pool.MaxThreads]atomic.Bool
}

// CallKind: calls of as many units over products of other shapes
// (pool.CallKind).
func (t *allTask) CallKind() uint64 { return t.kind }

func (t *allTask) Run(w, lo, hi int) {
	for _, u := range t.units[lo:hi] {
		if t.threadBands > 0 && u.p == t.threadProduct {
			u = t.units[t.threadBandFor(w)]
		}
		p := &t.ps[u.p]
		if u.cols {
			t.ks.gemm(t.ws[w], p.TransA, p.TransB, p.M, u.hi-u.lo, p.K, p.Alpha, p.A, p.Lda, p.B[u.lo:], p.Ldb, p.Beta, p.C[u.lo:], p.Ldc)
			continue
		}
		var a []float32
		if p.TransA {
			a = p.A[u.lo:]
		} else {
			a = p.A[u.lo*p.Lda:]
		}
		t.ks.gemm(t.ws[w], p.TransA, p.TransB, u.hi-u.lo, p.N, p.K, p.Alpha, a, p.Lda, p.B, p.Ldb, p.Beta, p.C[u.lo*p.Ldc:], p.Ldc)
	}
}
