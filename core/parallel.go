package core

import (
	"math"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/internal/phase"
	"github.com/v1tr0/entrena/internal/split"
	"github.com/v1tr0/entrena/pool"
)

// tasks holds the network's preallocated descriptions of parallel
// element-wise work: the pool receives pointers to them (no allocation per
// call) and runs them in units whose length depends on the shape alone.
type tasks struct {
	act    actTask
	rows   rowsTask
	units  unitsTask
	back   backTask
	update updateTask
	gather gatherTask
	ahead  gatherTask
	scan   scanTask
	norm   normTask
}

// taskErrs keeps each worker's error; kernels only fail on a bad shape,
// which the network's own buffers rule out, but nothing is swallowed.
type taskErrs struct{ errs []error }

func (t *taskErrs) reset(threads int) {
	if cap(t.errs) < threads {
		t.errs = make([]error, threads)
	}
	t.errs = t.errs[:threads]
	clear(t.errs)
}

func (t *taskErrs) first() error {
	for _, e := range t.errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// actTask adds the bias and applies f to rows [lo, hi) of z.
type actTask struct {
	taskErrs
	f     Activation
	z     []float32
	units int
	bias  []float32
}

func (t *actTask) Run(w, lo, hi int) {
	if err := activate(t.f, t.z[lo*t.units:hi*t.units], hi-lo, t.units, t.bias); err != nil {
		t.errs[w] = err
	}
}

// activateN is activate split over the pool by rows when the pass is large.
func (n *Network) activateN(f Activation, z []float32, batch, units int, bias []float32) error {
	if n.pool.Threads() == 1 || batch*units < split.ElementCount {
		return activate(f, z, batch, units, bias)
	}
	t := &n.tasks.act
	t.reset(n.pool.Threads())
	t.f, t.z, t.units, t.bias = f, z, units, bias
	n.pool.For(batch, max(1, split.ElementUnit/units), t)
	t.z, t.bias = nil, nil
	return t.first()
}

// backTask sets d = d ⊙ f'(a) on [lo, hi).
type backTask struct {
	taskErrs
	f    Activation
	d, a []float32
}

func (t *backTask) Run(w, lo, hi int) {
	if err := activationBackward(t.f, t.d[lo:hi], t.a[lo:hi]); err != nil {
		t.errs[w] = err
	}
}

func (n *Network) activationBackwardN(f Activation, d, a []float32) error {
	if f == Linear || n.pool.Threads() == 1 || len(d) < split.ElementCount {
		return activationBackward(f, d, a)
	}
	t := &n.tasks.back
	t.reset(n.pool.Threads())
	t.f, t.d, t.a = f, d, a
	n.pool.For(len(d), split.ElementUnit, t)
	t.d, t.a = nil, nil
	return t.first()
}

// updateTask applies the optimizer to parameters [lo, hi) of the flat buffers.
type updateTask struct {
	taskErrs
	n    *Network
	adam asm.AdamParams
}

func (t *updateTask) Run(w, lo, hi int) {
	n := t.n
	o := &n.spec.Optimizer
	var err error
	switch o.Kind {
	case Momentum:
		err = asm.Momentum(n.params[lo:hi], n.grads[lo:hi], n.opt1[lo:hi], o.LearningRate, o.Momentum)
	case Adam:
		err = asm.Adam(n.params[lo:hi], n.grads[lo:hi], n.opt1[lo:hi], n.opt2[lo:hi], t.adam)
	case RMSprop:
		err = asm.RMSprop(n.params[lo:hi], n.grads[lo:hi], n.opt1[lo:hi], o.LearningRate, o.Rho, o.Epsilon)
	default:
		err = asm.Axpy(-o.LearningRate, n.grads[lo:hi], n.params[lo:hi])
	}
	if err != nil {
		t.errs[w] = err
	}
}

// update applies the optimizer in one flat pass over all parameters (split
// over the pool when large); the alignment padding between layers has zero
// gradient and stays zero.
func (n *Network) update(batch int) error {
	t0 := phase.Now()
	o := &n.spec.Optimizer
	n.countStep()
	t := &n.tasks.update
	t.n = n
	if o.Kind == Adam {
		c1, c2 := adamCorrections(*o, n.steps.sinceReset)
		t.adam = asm.AdamParams{
			LR: o.LearningRate, Beta1: o.Beta1, Beta2: o.Beta2, Eps: o.Epsilon,
			Correction1: c1, Correction2: c2,
		}
	}
	t.reset(n.pool.Threads())
	if !n.parallelUpdate(batch) {
		t.Run(0, 0, len(n.params))
	} else {
		n.pool.For(len(n.params), split.ElementUnit, t)
	}
	phase.Since(phase.Update, t0)
	return t.first()
}

// adamCorrections are Adam's bias corrections 1−β1ᵗ and 1−β2ᵗ at step t.
func adamCorrections(o Optimizer, t int64) (c1, c2 float32) {
	s := float64(t)
	return float32(1 - math.Pow(float64(o.Beta1), s)), float32(1 - math.Pow(float64(o.Beta2), s))
}

// parallelUpdate reports whether the optimizer pass is split over the pool.
// The parameters stay in the caches of the cores that last touched them:
// when the step's products ran on the caller alone (a small batch), a
// worker updating half the weights only moves them to its core and back
// next step (784-128-64-10 at batch 1 ran 2× slower that way), so the pass
// is split only when the batch's weight products are split too, or when
// the parameters and gradients outgrow a core's L2 and stream anyway.
func (n *Network) parallelUpdate(batch int) bool {
	p := len(n.params)
	if n.pool.Threads() == 1 || p < split.ElementCount {
		return false
	}
	return 2*batch*p >= split.GemmFlops || 2*4*p > l2Bytes
}

// l2Bytes is a typical per-core L2 (2 MiB on the Xeon these thresholds were
// measured on; 1–2 MiB on Zen 4/5).
const l2Bytes = 2 << 20

// gatherTask copies the rows perm[lo:hi] of x and y into rows lo…hi of the
// batch buffers bx and by, each row's first lines asked for while the row
// before is copied, then scans the copied inputs for NaN and ±Inf while
// they are in cache (found: per worker, the first it met).
type gatherTask struct {
	bx, by, x, y []float32
	perm         []int32
	in, out      int
	threads      int
	found        [pool.MaxThreads]int
}

func (t *gatherTask) Run(w, lo, hi int) {
	in, out := t.in, t.out
	for r := lo; r < hi; r++ {
		if r+1 < hi {
			next := int(t.perm[r+1])
			asm.PrefetchHead(t.x[next*in : (next+1)*in])
		}
		i := int(t.perm[r])
		copy(t.bx[r*in:(r+1)*in], t.x[i*in:(i+1)*in])
		copy(t.by[r*out:(r+1)*out], t.y[i*out:(i+1)*out])
	}
	if i := asm.FirstNonFinite(t.bx[lo*in : hi*in]); i >= 0 && (t.found[w] < 0 || lo*in+i < t.found[w]) {
		t.found[w] = lo*in + i
	}
}

// gatherElements is the batch size (in input floats) from which Fit's
// shuffled gather is split over the pool: the rows come from all over a
// data set larger than the caches, so each core's share is bound by memory
// latency, and two cores fetch twice the rows at once (at 2 threads the
// serial gather took 13–16% of a 784-input epoch at batch 32 and 256).
const gatherElements = 1 << 13

// gatherUnit is the input floats of one unit of the parallel gather.
const gatherUnit = 1 << 12

// gather copies the samples perm into the batch buffers bx and by and
// returns the index in bx of its first NaN or ±Inf input, or −1.
func (n *Network) gather(bx, by, x, y []float32, perm []int32) int {
	t0 := phase.Now()
	t := n.gatherFrom(bx, by, x, y, perm)
	threads := 1
	if n.pool.Threads() > 1 && len(perm)*t.in >= gatherElements {
		threads = n.pool.Threads()
	}
	if threads > 1 {
		n.pool.For(len(perm), max(1, gatherUnit/t.in), t)
	} else {
		t.Run(0, 0, len(perm))
	}
	phase.Since(phase.Gather, t0)
	return t.done()
}

// gatherFrom sets the gather task up for the samples perm.
func (n *Network) gatherFrom(bx, by, x, y []float32, perm []int32) *gatherTask {
	return n.setGather(&n.tasks.gather, bx, by, x, y, perm)
}

// setGather sets t up to gather the samples perm into bx and by.
func (n *Network) setGather(t *gatherTask, bx, by, x, y []float32, perm []int32) *gatherTask {
	t.bx, t.by, t.x, t.y, t.perm, t.in, t.out = bx, by, x, y, perm, n.Inputs(), n.Outputs()
	t.threads = n.pool.Threads()
	for w := range t.threads {
		t.found[w] = -1
	}
	return t
}

// done returns the first NaN or ±Inf input's index in bx (−1: none) and
// lets go of the caller's data.
func (t *gatherTask) done() int {
	first := firstFound(t.found[:t.threads])
	t.bx, t.by, t.x, t.y, t.perm = nil, nil, nil, nil, nil
	return first
}

// gatheredStep is gather then step1 for the samples perm[lo:lo+batch] of
// Fit's epoch, with the gather done by the pass by rows when the step runs
// one (each block gathered by the thread that computes it); bad is the
// gather's. The pass by rows also gathers the next batch, perm[lo+next:],
// when it is as large (see rowsTask), which that batch's step then finds
// in fit.ahead.
func (n *Network) gatheredStep(x, y []float32, perm []int32, lo, batch, next int) (bad int, cost float32, err error) {
	f := &n.fit
	in, o := n.Inputs(), n.Outputs()
	pre := f.ahead.ok && f.ahead.lo == lo && f.ahead.b == batch
	f.ahead.ok = false
	if pre {
		f.cur = 1 - f.cur
		if f.ahead.bad >= 0 {
			return f.ahead.bad, 0, nil
		}
	}
	bx, by := f.bx[f.cur][:batch*in], f.by[f.cur][:batch*o]
	rows := n.rowBlock(batch)
	if rows == 0 {
		if !pre {
			if bad = n.gather(bx, by, x, y, perm[lo:lo+batch]); bad >= 0 {
				return bad, 0, nil
			}
		}
		cost, err = n.step1(bx, by, batch)
		return -1, cost, err
	}
	var t, ahead *gatherTask
	if !pre {
		t = n.gatherFrom(bx, by, x, y, perm[lo:lo+batch])
	}
	// The pass by rows runs only on a parallel pool (rowBlock): on a
	// serial one the next batch would only leave the caches before its
	// step reads it.
	nlo := lo + next
	if f.bx[1] != nil && nlo+batch <= len(perm) {
		ahead = n.setGather(&n.tasks.ahead, f.bx[1-f.cur][:batch*in], f.by[1-f.cur][:batch*o], x, y, perm[nlo:nlo+batch])
	}
	cost, err = n.forwardDeltasByRows(bx, by, batch, rows, t, ahead)
	if ahead != nil {
		f.ahead = aheadBatch{lo: nlo, b: batch, bad: ahead.done(), ok: err == nil}
	}
	bad = -1
	if t != nil {
		bad = t.done()
	}
	if bad >= 0 || err != nil {
		f.ahead.ok = false
		return bad, 0, err
	}
	return -1, cost, n.afterDeltas(bx, batch)
}

// scanTask finds, per worker, the first NaN or ±Inf of the units it ran.
type scanTask struct {
	s     []float32
	found [pool.MaxThreads]int
}

func (t *scanTask) Run(w, lo, hi int) {
	if i := asm.FirstNonFinite(t.s[lo:hi]); i >= 0 && (t.found[w] < 0 || lo+i < t.found[w]) {
		t.found[w] = lo + i
	}
}

// scanElements is the length from which the NaN/Inf scan of inputs is split
// over the pool: a memory-bound pass that the other cores would otherwise
// wait through (a batch of 256 MNIST images is 200,704 floats).
const scanElements = 1 << 16

// firstNonFiniteN is firstNonFinite split over the pool when s is long:
// the first index is the smallest that any worker found.
func (n *Network) firstNonFiniteN(s []float32) int {
	if n.pool.Threads() == 1 || len(s) < scanElements {
		return firstNonFinite(s)
	}
	t := &n.tasks.scan
	t.s = s
	for w := range n.pool.Threads() {
		t.found[w] = -1
	}
	n.pool.For(len(s), 2*split.ElementUnit, t)
	t.s = nil
	return firstFound(t.found[:n.pool.Threads()])
}

// firstFound is the smallest of the workers' first indices (−1: none found).
func firstFound(found []int) int {
	first := -1
	for _, f := range found {
		if f >= 0 && (first < 0 || f < first) {
			first = f
		}
	}
	return first
}
