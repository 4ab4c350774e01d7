package core

import (
	"sync/atomic"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/internal/phase"
	"github.com/v1tr0/entrena/internal/split"
	"github.com/v1tr0/entrena/pool"
)

// A step's forward pass, cost and δs by blocks of rows. A sample's
// activations and δ depend on that sample alone, and every kernel gives a
// row the same bits whatever rows surround it (the products' row bands rely
// on the same), so blocks of rows can run apart: a pool thread takes its
// block through every layer and back down to the first hidden layer's δ,
// meeting the other threads once, where the layer-by-layer step meets them
// at every product and element-wise pass. The weight products, which sum
// over the whole batch, follow in one SgemmAll call (step.go).
//
// The first layer's forward product goes first, by bands of units (columns
// of z₁, rows of W₁) when the batch is in place: each thread reads the
// whole batch, which no thread wrote this step, and its own rows of W₁,
// which it wrote itself in the last step's weight product (cut by rows of
// W₁ where L2 holds the batch, see asm's streamsWideB; at the units' bands
// where asm would cut it finer, asm.Product.ThreadBand; band w on worker
// w in both wherever the threads run together). By rows, every thread
// would read all of W₁, half of it from the other core's cache.

// rowsEnabled lets benchmarks and tests run the layer-by-layer step on
// several threads too.
var rowsEnabled = true

// rowsTask runs forward, the cost and every δ by blocks of rows: units
// [0, blocks) are the blocks of rows rows of the batch, and units from
// blocks on pieces of aheadRows rows of Fit's next batch to gather.
type rowsTask struct {
	taskErrs
	n           *Network
	x, y        []float32
	batch, rows int
	blocks      int
	// gather, when set, first copies the unit's rows of the batch into x
	// and y (Fit's shuffled batch): the thread that reads them next has
	// them in its cache, and the copy needs no pool call of its own.
	gather *gatherTask
	// ahead, when set, gathers Fit's next batch into the other buffers,
	// in pieces that whichever thread has run out of blocks takes: the
	// end of the pass waits for a piece rather than for a block.
	ahead *gatherTask
	// firstPacked: the first layer's Wᵀ is packed once for every block
	// (asm.ParallelGemm.PackB).
	firstPacked bool
	// firstDone: the first layer's product is in its z already (unitsTask).
	firstDone bool
}

// CallKind: the passes of a shorter batch (an epoch's last) or with a
// gather cost otherwise under as many units (pool.CallKind).
func (t *rowsTask) CallKind() uint64 {
	ahead := 0
	if t.ahead != nil {
		ahead = len(t.ahead.perm)
	}
	return pool.Kind(t.batch, t.rows, ahead, boolInt(t.gather != nil), boolInt(t.firstPacked), boolInt(t.firstDone))
}

func (t *rowsTask) Run(w, lo, hi int) {
	for u := lo; u < hi; u++ {
		if u >= t.blocks {
			p := (u - t.blocks) * aheadRows
			t.ahead.Run(w, p, min(p+aheadRows, len(t.ahead.perm)))
			continue
		}
		r0, r1 := u*t.rows, min((u+1)*t.rows, t.batch)
		if g := t.gather; g != nil {
			if g.Run(w, r0, r1); g.found[w] >= 0 {
				continue // the step is abandoned: no use computing on a NaN
			}
		}
		if err := t.n.forwardDeltasRows(w, t.x, t.y, r0, r1, t.firstPacked, t.firstDone); err != nil {
			t.errs[w] = err
		}
	}
}

// aheadRows is the rows of one unit of the gather ahead: small, so that
// the threads' last units of a pass end close together.
const aheadRows = 16

// rowBlock is the rows of one unit of the pass by rows for a batch, or 0
// when the step runs layer by layer: one thread (also a pool that runs
// serial now, on a busy machine or beside other pools' calls: blocks of
// rows on one thread are slower), a tiny network, or a forward pass too
// small to split. A block is a multiple of 8 rows, a share
// per thread the pool may use (pool.Active) up to rowBlockMax.
func (n *Network) rowBlock(batch int) int {
	if !rowsEnabled || n.pool.Threads() == 1 || n.useTiny(batch) || !n.pool.Parallel() {
		return 0
	}
	perSample := 0
	for i := range n.layers {
		perSample += n.layers[i].in * n.layers[i].out
	}
	if 2*batch*perSample < split.GemmFlops {
		return 0
	}
	rows := rowBlockFor(batch, n.pool.Active())
	if rows >= batch {
		return 0
	}
	return rows
}

// rowBlockFor is the block of rowBlock for a batch on threads threads: a
// share per thread, at most rowBlockMax rows.
func rowBlockFor(batch, threads int) int {
	return min(rowBlockMax, ((batch+threads-1)/threads+7)/8*8)
}

// rowBlockMax bounds a block: at most 64 rows, the first layer's forward
// product of a block runs as its transpose (W read in place, only the
// block packed) on AVX2, and a late worker holds at most a quarter of a
// batch-256 pass.
const rowBlockMax = 64

// forwardDeltas runs forward and the cost and leaves every layer's δ in its
// delta buffer: by blocks of rows over the pool (rowBlock), or layer by
// layer.
func (n *Network) forwardDeltas(x, y []float32, batch int) (float32, error) {
	rows := n.rowBlock(batch)
	if rows == 0 {
		cost, err := n.forwardCost(x, y, batch)
		if err != nil {
			return 0, err
		}
		return cost, n.hiddenDeltas(batch)
	}
	return n.forwardDeltasByRows(x, y, batch, rows, nil, nil)
}

// forwardDeltasByRows is forwardDeltas by blocks of rows, each block first
// gathered into x and y when gather is set; a NaN or ±Inf input found
// there ends the step with no error and gather.found set. When ahead is
// set, the same pool call gathers the batch it describes.
func (n *Network) forwardDeltasByRows(x, y []float32, batch, rows int, gather, ahead *gatherTask) (float32, error) {
	t0 := phase.Now()
	n.training = true
	defer func() { n.training = false }()
	t := &n.tasks.rows
	t.reset(n.pool.Threads())
	// The first layer's product by units when the batch is in place (a
	// block that gathers its rows needs them first). Otherwise its Wᵀ,
	// packed once for every block when the batch is at least twice the
	// layer's width: below that the blocks' own packing (each computed as
	// its transpose, packing its inputs) costs less than packing the
	// weights.
	first := &n.layers[0]
	packed, done, err := false, false, error(nil)
	if band := n.unitsBand(); band > 0 && gather == nil {
		done, err = true, n.firstByUnits(x, batch, band)
	} else if batch >= 2*first.out {
		packed, err = n.gemm.PackB(true, first.out, first.in, first.w, first.in)
	}
	if err != nil {
		return 0, err
	}
	t.n, t.x, t.y, t.gather, t.firstPacked, t.firstDone = n, x, y, gather, packed, done
	t.batch, t.rows, t.blocks = batch, rows, (batch+rows-1)/rows
	units := t.blocks
	if t.ahead = ahead; ahead != nil {
		units += (len(ahead.perm) + aheadRows - 1) / aheadRows
	}
	n.pool.For(units, 1, t)
	t.n, t.x, t.y, t.gather, t.ahead = nil, nil, nil, nil, nil
	if gather != nil && firstFound(gather.found[:n.pool.Threads()]) >= 0 {
		return 0, nil
	}
	if err := t.first(); err != nil {
		return 0, err
	}
	var sum float64 // in row order, as lossAndDelta adds
	for _, c := range n.rowCost[:batch] {
		sum += c
	}
	phase.Since(phase.Rows, t0)
	return n.withPenalty(float32(sum / float64(batch))), nil
}

// forwardDeltasRows is forward, lossAndDelta and hiddenDeltas for rows [lo, hi)
// of the batch, on pool thread w (the first layer's product from the
// packed Wᵀ when firstPacked, or already in z when firstDone); each row's
// cost goes to rowCost.
func (n *Network) forwardDeltasRows(w int, x, y []float32, lo, hi int, firstPacked, firstDone bool) error {
	rows := hi - lo
	in := x[lo*n.Inputs() : hi*n.Inputs()]
	for i := range n.layers {
		l := &n.layers[i]
		z := l.a[lo*l.out : hi*l.out]
		var err error
		switch {
		case i == 0 && firstDone:
		case i == 0 && firstPacked:
			err = n.gemm.SgemmOnB(w, rows, l.out, l.in, 1, in, l.in, 0, z, l.out)
		default:
			err = n.gemm.SgemmOn(w, false, true, rows, l.out, l.in, 1, in, l.in, l.w, l.in, 0, z, l.out)
		}
		if err != nil {
			return err
		}
		if err := n.checkFirstLayerProducts(i, z); err != nil {
			return err
		}
		if err := activate(l.act, z, rows, l.out, l.b); err != nil {
			return err
		}
		n.dropoutIfTraining(i, z, lo)
		in = z
	}
	last := &n.layers[len(n.layers)-1]
	o := last.out
	for r := lo; r < hi; r++ {
		n.rowCost[r] = rowLoss(n.spec.Loss, last.act, last.a[r*o:(r+1)*o], y[r*o:(r+1)*o], last.d[r*o:(r+1)*o])
	}
	for i := len(n.layers) - 1; i > 0; i-- {
		l, p := &n.layers[i], &n.layers[i-1]
		d, pd := l.d[lo*l.out:hi*l.out], p.d[lo*p.out:hi*p.out]
		if err := n.gemm.SgemmOn(w, false, false, rows, l.in, l.out, 1, d, l.out, l.w, l.in, 0, pd, l.in); err != nil {
			return err
		}
		pa := p.a[lo*p.out : hi*p.out]
		if p.dropout == 0 {
			if err := activationBackward(p.act, pd, pa); err != nil {
				return err
			}
			continue
		}
		dropoutBackward(p.act, pd, pa, p.mask[lo*p.out:hi*p.out], 1-p.dropout)
	}
	return nil
}

// unitsEnabled lets tests run the pass by rows with the first layer's
// product by rows too.
var unitsEnabled = true

// unitsBand is the units of one band of the first layer's forward product
// by units (firstByUnits): a share per thread the pool may use, in whole
// panels of the kernel's tile width; 0 (the product by rows) when that
// leaves a thread without a band, as a 128-unit layer in 32-wide panels
// would on more than 4 threads.
func (n *Network) unitsBand() int {
	grain, out := asm.ColumnGrain(), n.layers[0].out
	panels := (out + grain - 1) / grain
	threads := n.pool.Active()
	per := (panels + threads - 1) / threads
	if !unitsEnabled || threads < 2 || (panels+per-1)/per < threads {
		return 0
	}
	return per * grain
}

// firstByUnits computes the first layer's z = x·Wᵀ for the batch by bands
// of band units over the pool: band j is columns [j·band, (j+1)·band) of
// z, from rows of W. A band cut at a multiple of the tile width gets the
// whole product's bits.
func (n *Network) firstByUnits(x []float32, batch, band int) error {
	t := &n.tasks.units
	t.reset(n.pool.Threads())
	t.n, t.l, t.x, t.batch = n, &n.layers[0], x, batch
	t.band, t.bands = band, (t.l.out+band-1)/band
	clear(t.taken[:t.bands])
	n.pool.For(t.l.out, band, t)
	t.n, t.l, t.x = nil, nil, nil
	return t.first()
}

// unitsTask is the first layer's forward product for units [lo, hi).
type unitsTask struct {
	taskErrs
	n     *Network
	l     *dense
	x     []float32
	batch int
	band  int // units a band (ColumnGrain multiples)
	bands int
	taken [pool.MaxThreads]int32 // atomic; a network is copied whole (unmarshal), atomic.Bool may not be
}

// CallKind: the product of a shorter batch costs less under as many
// bands (pool.CallKind).
func (t *unitsTask) CallKind() uint64 { return pool.Kind(t.batch) }

func (t *unitsTask) Run(w, lo, hi int) {
	l := t.l
	for u := lo; u < hi; u += t.band {
		// Band w for worker w where no thread took it: the thread that
		// wrote those rows of W in the last weight product (its
		// ThreadBand) reads them here.
		b := t.bandFor(w)
		c0, c1 := b*t.band, min((b+1)*t.band, l.out)
		if err := t.n.gemm.SgemmOn(w, false, true, t.batch, c1-c0, l.in, 1, t.x, l.in, l.w[c0*l.in:], l.in, 0, l.a[c0:], l.out); err != nil {
			t.errs[w] = err
		}
	}
}

// bandFor takes band w if no thread has, else the first band left; each
// claimed unit takes one band, so every band runs once.
func (t *unitsTask) bandFor(w int) int {
	if w < t.bands && atomic.CompareAndSwapInt32(&t.taken[w], 0, 1) {
		return w
	}
	for b := range t.bands {
		if atomic.CompareAndSwapInt32(&t.taken[b], 0, 1) {
			return b
		}
	}
	panic("core: more bands of the first layer claimed than it has")
}

// boolInt is 1 for true, 0 for false.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
