package core

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/pool"
)

// Network is a dense feed-forward network with every buffer it needs,
// made by New, Decode, Load or ReadModel.
//
// A Network is not safe for concurrent use: it serves one call at a time,
// and a call made while another runs in another goroutine returns
// ErrConcurrentUse and does nothing (it never computes with buffers another
// call is using). To serve one model from many goroutines, give each a
// Predictor (NewPredictor, Predictor.Clone). Separate networks are
// independent and may be trained from separate goroutines at once. The
// accessors that only read the spec (Inputs, Outputs, MaxBatch,
// ParamCount, Spec, String) take no claim: they may be called while
// another call runs, but not together with one that changes the spec
// (SetLearningRate, SetThreads, UnmarshalBinary). History takes none
// either, and may be called at any time, from a goroutine that follows
// training; Steps takes none but reads what a step writes (see Steps).
//
// Close releases the network's worker goroutines and buffers; every later
// call returns ErrClosed, as do calls on a nil or zero Network.
type Network struct {
	use atomic.Int32 // which call holds the buffers (use.go)
	// historyMu guards history against History's copy while Fit appends
	// an epoch in another goroutine; writers take it once per epoch.
	historyMu sync.Mutex
	network
}

// network is everything of a Network but its use word: what
// UnmarshalBinary moves into a Network in one assignment.
type network struct {
	spec   Spec
	layers []dense

	// One allocation per category, as in llm.c; layers hold sub-slices.
	params []float32 // W1 b1 W2 b2 …, each 64-byte aligned
	grads  []float32 // same layout as params
	opt1   []float32 // velocity (Momentum), first moment (Adam) or mean square (RMSprop); same layout
	opt2   []float32 // second moment (Adam); same layout
	acts   []float32 // per layer, MaxBatch×units outputs a[l]
	deltas []float32 // per layer, MaxBatch×units δ[l]
	masks  []float32 // per layer with dropout, MaxBatch×units kept-unit scales
	// rowCost is each sample's cost in a step run by blocks of rows (rows.go).
	rowCost []float64
	// products describes a step's weight products, one per layer (step.go).
	products []asm.Product

	pool *pool.Pool        // splits GEMMs and element-wise passes over Spec.Threads cores
	gemm *asm.ParallelGemm // the pool's products, one packing workspace per thread
	// poolCleanup closes pool when the network is garbage collected.
	poolCleanup runtime.Cleanup
	tasks       tasks // preallocated parallel work descriptions
	rng         *rand.Rand
	pcg         *rand.PCG // rng's source, whose state Fit saves and restores
	steps       stepCounts
	history     []float32 // cost of every completed epoch
	valLoss     []float32 // validation cost of every epoch run with validation data
	valAcc      []float32 // and its accuracy

	layout layout     // every buffer's size, checked against the memory budget by New
	fit    fitBuffers // shuffling and divergence-recovery buffers, sized on first Fit
	guard  stepGuard  // TrainStep's divergence guard (guard.go)
	tiny   bool       // small enough for the loop path of tiny.go
	// tinyKernel is the fused tiny step's assembly (tinykernel.go).
	tinyKernel tinyKernels
	schema     []byte // the schema document (schema.go), nil when none

	// training is set while a training step runs forward: dropout applies
	// then only (dropout.go).
	training bool
	// checkFirstLayer is set while Fit runs a step on a batch it has not
	// scanned: the first layer's products are checked instead (inputcheck.go).
	checkFirstLayer bool
}

// stepCounts count the optimizer updates applied.
type stepCounts struct {
	total int64 // every update: the model file's count, which dropout's masks follow
	// sinceReset counts those since the optimizer state was last cleared
	// (or the network loaded, without it): Adam's t, whose bias
	// corrections must match the moments' age.
	sinceReset int64
}

func (c *stepCounts) add() { c.total++; c.sinceReset++ }

// countStep counts an applied update.
func (n *Network) countStep() { n.steps.add() }

// setSteps puts back (or clears) the counts.
func (n *Network) setSteps(c stepCounts) { n.steps = c }

// setHistory replaces the epoch costs History reports.
func (n *Network) setHistory(h []float32) {
	n.historyMu.Lock()
	n.history = h
	n.historyMu.Unlock()
}

// rngStream is the PCG stream of every network's generator ("entrena").
const rngStream = 0x656e7472656e61

// dense is one layer's views into the network's buffers.
type dense struct {
	in, out int
	act     Activation
	w, b    []float32 // out×in weights, out biases
	dw, db  []float32 // their gradients
	a, d    []float32 // MaxBatch×out activations and deltas
	l2      float32   // weight decay λ (regularize.go)
	dropout float32   // dropout rate after the layer (dropout.go)
	mask    []float32 // MaxBatch×out: 0 or 1/(1−dropout) per output of the last training forward
}

// carver hands out 64-byte aligned sub-slices of one buffer.
type carver struct {
	buf []float32
	off int
}

func (c *carver) take(n int) []float32 {
	s := c.buf[c.off : c.off+n : c.off+n]
	c.off += asm.RoundUp(n)
	return s
}

// New validates spec and builds a network with every buffer allocated and
// the weights initialised from spec.Seed (Xavier/Glorot uniform for sigmoid,
// tanh, linear and softmax layers, He normal for ReLU; biases zero).
//
// Before allocating, New adds up the bytes of every buffer the network will
// hold (parameters, gradients, optimizer state, activations, deltas, one
// packing workspace per thread, and Fit's gathered batches and snapshot) and
// refuses, with an error wrapping ErrTooLarge and ErrSpec that names both
// sizes, a network needing more than the memory budget: the smallest of 3/4
// of physical memory, half of RLIMIT_AS and RLIMIT_DATA, and 3/4 of the
// process's cgroup memory limit. An allocation the system refuses would end
// the process instead; Go cannot recover from it.
func New(spec Spec) (n *Network, err error) {
	defer exported(&err)
	return newNetwork(spec)
}

func newNetwork(spec Spec) (n *Network, err error) {
	if err := KernelError(); err != nil {
		return nil, err
	}
	spec = spec.withDefaults()
	if err := spec.validate(); err != nil {
		return nil, err
	}
	n = &Network{network: network{spec: spec, tiny: isTiny(spec)}}
	if n.pool, err = pool.New(spec.Threads); err != nil {
		return nil, specErr("%v", err)
	}
	// Every size below comes from the layout; nothing large is allocated
	// before the memory check, which a network too large for this machine
	// fails instead of ending the process when an allocation is refused.
	lo := newLayout(spec, n.pool.Threads())
	if err := checkMemory(lo); err != nil {
		n.pool.Close()
		return nil, err
	}
	n.layout = lo
	// The workers hold the pool, not the network: when the network becomes
	// unreachable its pool's goroutines are stopped.
	n.poolCleanup = runtime.AddCleanup(n, func(p *pool.Pool) { p.Close() }, n.pool)
	n.gemm = asm.NewParallelGemm(n.pool)
	n.pcg = rand.NewPCG(spec.Seed, rngStream)
	n.rng = rand.New(n.pcg)

	// The checked footprint is at most math.MaxInt bytes: every count fits an int.
	paramLen, actLen := int(lo.params), int(lo.acts)
	n.params = asm.Aligned(paramLen)
	// Room past the gradients for what a data-parallel step reduces with
	// them (distributed.go).
	n.grads = asm.Aligned(paramLen + reduceExtra)[:paramLen]
	if lo.opt >= 1 {
		n.opt1 = asm.Aligned(paramLen)
	}
	if lo.opt >= 2 {
		n.opt2 = asm.Aligned(paramLen)
	}
	n.acts = asm.Aligned(actLen)
	n.deltas = asm.Aligned(actLen)
	if lo.masks > 0 {
		n.masks = asm.Aligned(int(lo.masks))
	}
	n.rowCost = make([]float64, lo.rowCost)
	n.products = make([]asm.Product, lo.layers)

	p, g := carver{buf: n.params}, carver{buf: n.grads}
	a, d, m := carver{buf: n.acts}, carver{buf: n.deltas}, carver{buf: n.masks}
	in := spec.Inputs
	n.layers = make([]dense, lo.layers)
	for i, l := range spec.Layers {
		n.layers[i] = dense{
			in: in, out: l.Units, act: l.Activation,
			w: p.take(in * l.Units), b: p.take(l.Units),
			dw: g.take(in * l.Units), db: g.take(l.Units),
			a: a.take(spec.MaxBatch * l.Units), d: d.take(spec.MaxBatch * l.Units),
			l2: l.L2, dropout: l.Dropout,
		}
		if l.Dropout > 0 {
			n.layers[i].mask = m.take(spec.MaxBatch * l.Units)
		}
		in = l.Units
	}
	reserveWorkspaces(n.gemm, spec, n.pool.Threads())
	n.tinyKernel = newTinyKernels(n)
	n.guard = newStepGuard(asm.Aligned(int(lo.guard)), int(lo.threads), spec)
	n.initWeights()
	n.use.Store(useIdle)
	return n, nil
}

// reserveWorkspaces grows the pool's packing buffers for every product of
// a training step on threads threads (stepProducts), so that no step
// allocates. newLayout sizes the same products (asm.ReserveSize).
func reserveWorkspaces(g *asm.ParallelGemm, s Spec, threads int) {
	stepProducts(s, threads, g.Reserve)
}

// stepProducts calls f with the (m, n, k) of every GEMM a training step
// may run: per layer, at batch MaxBatch, forward (mb×out from mb×in), the
// weight gradient (out×in, summed over mb) and the δ of the layer below
// (mb×in); with more than one thread, also forward and δ for every block
// of rows the pass by rows may cut (rows.go) up to the short-batch sizes
// where the paths' strategies change, and its largest block.
func stepProducts(s Spec, threads int, f func(m, n, k int)) {
	mb := s.MaxBatch
	block := 0
	if threads > 1 {
		block = rowBlockFor(mb, threads)
	}
	in := s.Inputs
	for _, l := range s.Layers {
		out := l.Units
		f(mb, out, in)
		f(out, in, mb)
		f(mb, in, out)
		for m := 1; m <= min(block, rowStrategyRows); m++ {
			f(m, out, in)
			f(m, in, out)
		}
		if block > rowStrategyRows {
			f(block, out, in)
			f(block, in, out)
		}
		in = out
	}
}

// rowStrategyRows bounds the short-batch products (small-m, swapped) whose
// buffers do not grow with m.
const rowStrategyRows = 64

func (n *Network) initWeights() { n.drawInitialWeights(true) }

// drawInitialWeights draws every initial weight from the network's
// generator, storing them when store is set. Reseed replays the draws
// without storing, so that the generator then stands where a new network's
// of that seed does (NormFloat64 takes a varying number of values).
func (n *Network) drawInitialWeights(store bool) {
	for i := range n.layers {
		l := &n.layers[i]
		if l.act == ReLU {
			std := math.Sqrt(2 / float64(l.in))
			for j := range l.w {
				w := float32(n.rng.NormFloat64() * std)
				if store {
					l.w[j] = w
				}
			}
		} else {
			limit := math.Sqrt(6 / float64(l.in+l.out))
			for j := range l.w {
				w := float32((2*n.rng.Float64() - 1) * limit)
				if store {
					l.w[j] = w
				}
			}
		}
		if store {
			clear(l.b)
		}
	}
}

// Threads is the number of cores a step may use: Spec.Threads, or the
// cores this process can use when that is 0. ThreadStats says how many the
// steps use now. It is 0 after Close, and for a nil or zero Network.
func (n *Network) Threads() int {
	if !n.live() {
		return 0
	}
	return n.pool.Threads()
}

// ThreadStats reports the threads the network's steps use now and why
// fewer than Threads: the process can use fewer cores (CPU affinity, a
// cgroup quota, GOMAXPROCS), or the extra threads did not make recent calls
// faster (the machine is busy), in which case the network runs on the
// calling thread for a while and tries again later. It may be called from
// another goroutine while Fit, TrainStep or Predict run, but not while
// SetThreads or Close does (which replace or stop the pool). It is the
// zero Stats after Close.
func (n *Network) ThreadStats() pool.Stats {
	if !n.live() {
		return pool.Stats{}
	}
	return n.pool.Stats()
}

// SetThreads changes the number of cores later steps may use (0: all).
// Each thread has its own packing workspace: a count whose workspaces
// would take the network over the memory budget (see New) is an
// ErrTooLarge, and the network keeps its threads.
func (n *Network) SetThreads(threads int) (err error) {
	defer exported(&err)
	prev, err := n.acquire(exclusive)
	if err != nil {
		return err
	}
	defer n.release(prev)
	if threads < 0 || threads > pool.MaxThreads {
		return specErr("threads must be between 0 (all cores) and %d, got %d", pool.MaxThreads, threads)
	}
	p, err := pool.New(threads)
	if err != nil {
		return specErr("%v", err)
	}
	// More workers mean more workspaces: the network must still fit.
	lo := newLayout(n.spec, p.Threads())
	if err := checkMemory(lo); err != nil {
		p.Close()
		return err
	}
	g := asm.NewParallelGemm(p)
	reserveWorkspaces(g, n.spec, p.Threads())
	n.guard.scratch = newNormScratch(asm.Aligned(int(lo.guard)), int(lo.threads))
	n.layout = lo
	old := n.pool
	n.pool, n.gemm = p, g
	n.spec.Threads = threads
	old.Close()
	// The old pool's cleanup would keep it (and its workspaces) alive for
	// the network's lifetime: drop it before registering the new one.
	n.poolCleanup.Stop()
	n.poolCleanup = runtime.AddCleanup(n, func(p *pool.Pool) { p.Close() }, p)
	return nil
}

// Close stops the network's worker goroutines now (instead of when the
// network is garbage collected) and lets its buffers go. Every later call
// that needs them returns ErrClosed; Threads is 0. Predictors made from the
// network keep working: they hold their own copy of the weights. Closing a
// closed, nil or zero Network does nothing and returns nil. Close while
// another call runs (or from Fit's progress callback) is ErrConcurrentUse,
// and the network stays open.
func (n *Network) Close() (err error) {
	if n == nil {
		return nil
	}
	if u := n.use.Load(); u == useUnbuilt || u == useClosed {
		return nil
	}
	defer exported(&err)
	if _, err := n.acquire(exclusive); err != nil {
		if n.use.Load() == useClosed { // closed by another goroutine meanwhile
			return nil
		}
		return err
	}
	n.pool.Close()
	n.poolCleanup.Stop()
	n.gemm, n.layers = nil, nil
	n.params, n.grads, n.opt1, n.opt2, n.acts, n.deltas, n.masks, n.rowCost, n.products = nil, nil, nil, nil, nil, nil, nil, nil, nil
	n.fit, n.guard, n.tasks = fitBuffers{}, stepGuard{}, tasks{}
	n.setHistory(nil)
	n.valLoss, n.valAcc = nil, nil
	n.use.Store(useClosed)
	return nil
}

// String describes the network in one line, as
// "entrena.Network 784-128-10 sigmoid/mse sgd": its layer sizes, the
// output activation, the loss and the optimizer.
func (n *Network) String() string {
	if n == nil || n.use.Load() == useUnbuilt {
		return "entrena.Network (zero)"
	}
	var b strings.Builder
	b.WriteString("entrena.Network ")
	fmt.Fprint(&b, n.spec.Inputs)
	for _, l := range n.spec.Layers {
		fmt.Fprintf(&b, "-%d", l.Units)
	}
	fmt.Fprintf(&b, " %s/%s %s", n.spec.Layers[len(n.spec.Layers)-1].Activation, n.spec.Loss, n.spec.Optimizer.Kind)
	if n.use.Load() == useClosed {
		b.WriteString(" (closed)")
	}
	return b.String()
}

// Spec returns the network's spec (with defaults filled in); the zero Spec
// for a nil or zero Network.
func (n *Network) Spec() Spec {
	if n == nil {
		return Spec{}
	}
	s := n.spec
	s.Layers = append([]Layer(nil), s.Layers...)
	return s
}

// Inputs is the number of features per sample (0 for a nil or zero Network).
func (n *Network) Inputs() int {
	if n == nil {
		return 0
	}
	return n.spec.Inputs
}

// Outputs is the number of output units (0 for a nil or zero Network).
func (n *Network) Outputs() int {
	if n == nil || len(n.spec.Layers) == 0 {
		return 0
	}
	return n.spec.Outputs()
}

// MaxBatch is the largest batch a single step accepts (0 for a nil or zero
// Network).
func (n *Network) MaxBatch() int {
	if n == nil {
		return 0
	}
	return n.spec.MaxBatch
}

// ParamCount is the number of weights and biases (0 for a nil or zero
// Network).
func (n *Network) ParamCount() int {
	if n == nil {
		return 0
	}
	return n.spec.ParamCount()
}

// Steps is the number of optimizer updates applied so far (0 for a nil or
// zero Network). It takes no claim, and reads the count each update
// writes: call it between calls, or from Fit's Progress callback, not from
// another goroutine while the network trains (a data race). Publishing the
// count for such a reader would cost a fenced store per step, ~5% of a
// tiny network's step; Fit's Progress reports follow training instead.
func (n *Network) Steps() int64 {
	if n == nil {
		return 0
	}
	return n.steps.total
}

// History returns a copy of the cost of every epoch completed by Fit,
// oldest first (nil for a nil, zero or closed Network). It takes no
// claim: another goroutine may call it while Fit runs, to follow
// training; it then holds the epochs completed by then.
func (n *Network) History() []float32 {
	if n == nil {
		return nil
	}
	n.historyMu.Lock()
	defer n.historyMu.Unlock()
	return slices.Clone(n.history)
}

// CopyHistory copies History into dst, as much of it as fits, without
// allocating, and returns how many epochs it holds (a nil dst asks for the
// count alone). Like History it may run while the network trains.
func (n *Network) CopyHistory(dst []float32) int {
	if n == nil {
		return 0
	}
	n.historyMu.Lock()
	defer n.historyMu.Unlock()
	copy(dst, n.history)
	return len(n.history)
}

// Weights returns layer i's weights (out×in, row-major) and biases as views
// of the network's parameters: writes through them change the network (a
// NaN or ±Inf written there makes Save and Encode refuse it, ErrData). The
// views must not be used while another call on the network runs, nor
// after Close.
func (n *Network) Weights(i int) (w, b []float32, err error) {
	defer exported(&err)
	prev, err := n.acquire(betweenBatches)
	if err != nil {
		return nil, nil, err
	}
	defer n.release(prev)
	if i < 0 || i >= len(n.layers) {
		return nil, nil, shapeErr("layer %d out of range [0, %d)", i, len(n.layers))
	}
	return n.layers[i].w, n.layers[i].b, nil
}

// CopyParams copies the parameters into dst in the documented order (for
// each layer, its out×in weights row-major, then its biases) and returns the
// count written. dst must hold ParamCount floats.
func (n *Network) CopyParams(dst []float32) (count int, err error) {
	defer exported(&err)
	prev, err := n.acquire(betweenBatches)
	if err != nil {
		return 0, err
	}
	defer n.release(prev)
	if len(dst) < n.ParamCount() {
		return 0, shapeErr("parameter buffer has %d floats, need %d", len(dst), n.ParamCount())
	}
	return n.copyParams(dst), nil
}

// copyParams writes the parameters, in CopyParams's order, into dst.
func (n *Network) copyParams(dst []float32) int {
	off := 0
	for _, l := range n.layers {
		off += copy(dst[off:], l.w)
		off += copy(dst[off:], l.b)
	}
	return off
}

// SetParams loads parameters from src (same order as CopyParams). It
// rejects NaN or Inf values and leaves the network unchanged in that case.
// Optimizer state is reset, as for a freshly initialised network.
func (n *Network) SetParams(src []float32) (err error) {
	defer exported(&err)
	prev, err := n.acquire(betweenBatches)
	if err != nil {
		return err
	}
	defer n.release(prev)
	if len(src) != n.ParamCount() {
		return shapeErr("parameter buffer has %d floats, need exactly %d", len(src), n.ParamCount())
	}
	if i := firstNonFinite(src); i >= 0 {
		return dataErr("parameter %d is %v", i, src[i])
	}
	off := 0
	for _, l := range n.layers {
		off += copy(l.w, src[off:])
		off += copy(l.b, src[off:])
	}
	n.resetOptimizer()
	return nil
}

// Reseed makes seed the network's seed for what follows, as if the network
// had been built with it: Fit's shuffling continues as a new network's of
// that seed would, and dropout draws its masks from it (and the step
// count); Spec().Seed, and a saved model, give seed. The weights are not
// touched. The same seed gives the same sample order again. It takes about
// as long as New's weight initialisation, whose draws it replays.
func (n *Network) Reseed(seed uint64) (err error) {
	defer exported(&err)
	prev, err := n.acquire(betweenBatches)
	if err != nil {
		return err
	}
	defer n.release(prev)
	n.spec.Seed = seed
	n.pcg.Seed(seed, rngStream)
	// A new network drew its initial weights first from the same generator.
	n.drawInitialWeights(false)
	return nil
}

// ResetOptimizer clears the optimizer state (velocity, Adam moments, step count).
func (n *Network) ResetOptimizer() (err error) {
	defer exported(&err)
	prev, err := n.acquire(betweenBatches)
	if err != nil {
		return err
	}
	defer n.release(prev)
	n.resetOptimizer()
	return nil
}

func (n *Network) resetOptimizer() {
	clear(n.opt1)
	clear(n.opt2)
	n.setSteps(stepCounts{})
	n.guard.state, n.guard.stateKnown = stateBounds{}, true
}

// SetLearningRate changes the learning rate for later steps (Fit's
// progress callback may call it, for a schedule).
func (n *Network) SetLearningRate(lr float32) (err error) {
	defer exported(&err)
	prev, err := n.acquire(betweenBatches)
	if err != nil {
		return err
	}
	defer n.release(prev)
	o := n.spec.Optimizer
	o.LearningRate = lr
	if err := o.validate(); err != nil {
		return err
	}
	n.spec.Optimizer.LearningRate = lr
	return nil
}

// firstNonFinite returns the index of the first NaN or ±Inf in s, or -1.
func firstNonFinite(s []float32) int { return asm.FirstNonFinite(s) }
