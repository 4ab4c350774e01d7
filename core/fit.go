package core

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/v1tr0/entrena/asm"
)

// FitOptions controls Fit.
type FitOptions struct {
	Epochs    int  // passes over the data; at least 1 (ErrSpec otherwise)
	BatchSize int  // samples per step; 0 means MaxBatch; at most MaxBatch (ErrShape otherwise, as for TrainStep)
	Shuffle   bool // visit samples in a new seeded random order every epoch

	// Validation data, evaluated after every epoch when ValSamples > 0.
	// ValX or ValY without ValSamples is an ErrSpec, not a silent skip.
	ValX, ValY []float32
	ValSamples int

	// Progress, when not nil, is called after every batch but an epoch's
	// last, and at the end of every epoch (p.EpochDone). Returning false
	// stops training cleanly after that batch: Fit returns the history so
	// far and ErrStopped. It runs on Fit's goroutine between batches, and
	// may call the network's methods (Evaluate, Predict, TrainStep,
	// SetLearningRate, CopyParams, Encode, Save, …) except Fit, FitContext,
	// SetThreads and Close, which return ErrConcurrentUse there.
	Progress func(p Progress) bool

	// Data-parallel training over Size processes (ranks), each holding the
	// same data and the same network (see Allreduce and
	// docs/DISTRIBUTED.md): with Allreduce set, every step's gradients go
	// through it before the update, each step takes BatchSize samples per
	// rank, and the costs and validation figures Fit reports are those of
	// all the ranks' samples. Size 0 means 1; Size > 1 needs Allreduce;
	// Rank is in [0, Size).
	Allreduce  Allreduce
	Rank, Size int
}

// Progress is what Fit reports to FitOptions.Progress.
type Progress struct {
	Epoch, Epochs   int     // 1-based epoch and the total
	Batch, Batches  int     // 1-based batch within the epoch and the total
	Samples         int     // samples seen in this epoch so far
	Cost            float32 // mean cost over the epoch so far (the epoch's cost when EpochDone)
	EpochDone       bool
	ValLoss, ValAcc float32       // validation metrics, set when EpochDone and validation data was given
	Elapsed         time.Duration // since the epoch started
}

// History is what Fit returns: one entry per completed epoch of that call
// (its validation, if any, included).
// Its slices are read-only views of the network's history.
type History struct {
	Cost    []float32 // mean training cost of each epoch
	ValLoss []float32 // validation cost per epoch (empty without validation data)
	ValAcc  []float32 // validation accuracy per epoch
}

// fitBuffers are Fit's reusable buffers: grown on first use, so that later
// epochs and later Fit calls of the same size allocate nothing.
type fitBuffers struct {
	perm []int32 // sample order of this epoch
	// Gathered batches when shuffling: bx[cur], by[cur] the step's; with
	// more than one thread, the pass by rows gathers the next batch into
	// the other pair (ahead).
	bx, by   [2][]float32
	cur      int
	ahead    aheadBatch
	snapshot []float32 // parameters at the start of the epoch, for divergence recovery
	opt1     []float32 // optimizer state at the start of the epoch
	opt2     []float32
	running  bool // a Fit is in progress: the snapshot is its own
	// rngAtStart is the shuffle generator's state when Fit was called,
	// restored when a bad input stops it.
	rngAtStart rand.PCG

	reduce [4]float32 // a data-parallel fit's validation sums
}

// aheadBatch is the batch a step gathered for the next one into bx[1−cur]:
// the samples perm[lo:lo+b], the first NaN or ±Inf input at bad (−1: none);
// ok until the next step or the epoch's end.
type aheadBatch struct {
	lo, b, bad int
	ok         bool
}

// Fit trains for opts.Epochs epochs over samples rows of x (samples×Inputs)
// and y (samples×Outputs), at most math.MaxInt32 samples (ErrShape beyond),
// read in place (a data set of many megabytes reads faster from MakeData's
// memory). x and y must not change while Fit runs: on more than one thread
// a shuffled step gathers the next batch's rows before Progress reports the
// current one. Each epoch's cost is the mean of its batch costs weighted by
// batch size; it is appended to the network's History and returned. Fit is
// FitContext without a context.
//
// A NaN or ±Inf in x or y is an ErrData naming the sample and feature, and
// leaves the network as it was before the call (inputs are checked batch by
// batch during the first epoch, so Progress may already have reported some
// batches); so is one in the validation data, checked before training.
// When the cost of a batch becomes NaN or Inf, Fit restores the parameters
// and optimizer state saved at the start of that epoch and returns a
// *DivergedError naming the epoch; likewise when an epoch ends,
// or training stops, with a NaN or Inf parameter although every cost was
// finite (the update after the last cost overflowed). When Progress
// returns false, Fit returns ErrStopped after the current batch; the
// updates made so far are kept.
//
// Fit is not safe for concurrent use (ErrConcurrentUse, see Network).
func (n *Network) Fit(x, y []float32, samples int, opts FitOptions) (History, error) {
	return n.FitContext(context.Background(), x, y, samples, opts)
}

// FitContext is Fit, stopped by ctx: after every batch it checks ctx, and
// once ctx is done it returns ctx.Err() (context.Canceled or
// context.DeadlineExceeded, unwrapped) with the history of the completed
// epochs. The network keeps the updates of every batch it completed and
// stays usable, its parameters finite (were the last update to have made
// one NaN or Inf, the epoch's start is restored and the error is a
// *DivergedError). A ctx already done when FitContext is called changes
// nothing and returns ctx.Err() at once. A nil ctx is an ErrSpec (pass
// context.Background() for none).
func (n *Network) FitContext(ctx context.Context, x, y []float32, samples int, opts FitOptions) (h History, err error) {
	defer exported(&err)
	if ctx == nil {
		return h, specErr("nil context (pass context.Background() or context.TODO())")
	}
	prev, err := n.acquire(exclusive)
	if err != nil {
		return h, err
	}
	// A panic in the progress callback leaves the claim paused: take it
	// back (waiting for a call the callback started) before giving it up.
	defer func() { n.resume(); n.release(prev) }()
	if err := n.checkFit(x, y, samples, &opts); err != nil {
		return h, err
	}
	if err := ctx.Err(); err != nil {
		return h, err
	}
	n.prepareFit(samples, opts)
	n.fit.running = true
	defer func() { n.fit.running = false }()
	// Fit's steps change the optimizer state without TrainStep's guard.
	n.guard.stateKnown = n.spec.Optimizer.Kind == SGD
	// The returned history is a view of the network's own history buffers
	// (capacity-limited, so nothing later overwrites it): an epoch adds to
	// them without allocating, apart from their amortised doubling.
	c0, v0 := len(n.history), len(n.valLoss)
	defer func() {
		h.Cost = n.history[c0:len(n.history):len(n.history)]
		if opts.ValSamples > 0 {
			h.ValLoss = n.valLoss[v0:len(n.valLoss):len(n.valLoss)]
			h.ValAcc = n.valAcc[v0:len(n.valAcc):len(n.valAcc)]
		}
	}()
	n.fit.rngAtStart = *n.pcg
	for e := 1; e <= opts.Epochs; e++ {
		if err := ctx.Err(); err != nil {
			return h, err
		}
		p, err := n.epoch(ctx, x, y, samples, e, opts)
		if p.EpochDone {
			n.historyMu.Lock()
			n.history = append(n.history, p.Cost)
			n.historyMu.Unlock()
			if opts.ValSamples > 0 {
				n.valLoss = append(n.valLoss, p.ValLoss)
				n.valAcc = append(n.valAcc, p.ValAcc)
			}
		}
		if err != nil {
			return h, err
		}
	}
	return h, nil
}

func (n *Network) checkFit(x, y []float32, samples int, opts *FitOptions) error {
	if opts.Epochs < 1 {
		return specErr("epochs must be at least 1, got %d", opts.Epochs)
	}
	if opts.BatchSize == 0 {
		opts.BatchSize = n.spec.MaxBatch
	}
	if opts.BatchSize < 1 || opts.BatchSize > n.spec.MaxBatch {
		return shapeErr("batch of %d samples; must be between 1 and the network's max batch %d", opts.BatchSize, n.spec.MaxBatch)
	}
	if err := checkRanks(opts); err != nil {
		return err
	}
	if err := n.checkSamples(x, samples); err != nil {
		return err
	}
	// The epoch's sample order holds int32 indexes (the shuffled gather
	// reads one per sample): more samples than they count cannot be ordered.
	if samples > math.MaxInt32 {
		return shapeErr("%d samples; Fit takes at most %d", samples, math.MaxInt32)
	}
	if err := n.checkTargets(y, samples); err != nil {
		return err
	}
	// The inputs are checked batch by batch as epoch gathers them (see
	// badInput); the targets, a tenth of the data or less, here.
	o := n.Outputs()
	if i := firstNonFinite(y[:samples*o]); i >= 0 {
		return dataErr("target %d (sample %d, output %d) is %v", i, i/o, i%o, y[i])
	}
	if opts.ValSamples < 0 || opts.ValSamples == 0 && (opts.ValX != nil || opts.ValY != nil) {
		return specErr("validation data: ValSamples is %d with ValX or ValY given; set it to the number of validation samples", opts.ValSamples)
	}
	if opts.ValSamples > 0 {
		if err := n.checkSamples(opts.ValX, opts.ValSamples); err != nil {
			return fmt.Errorf("validation data: %w", err)
		}
		if err := n.checkTargets(opts.ValY, opts.ValSamples); err != nil {
			return fmt.Errorf("validation data: %w", err)
		}
		// Checked here, not when the first epoch ends: a bad validation
		// set must not cost an epoch of training and change the network.
		if err := n.checkFinite(opts.ValX, opts.ValY, opts.ValSamples); err != nil {
			return fmt.Errorf("validation data: %w", err)
		}
	}
	return nil
}

// prepareFit grows the reusable buffers for this data size.
func (n *Network) prepareFit(samples int, opts FitOptions) {
	f := &n.fit
	if cap(f.perm) < samples {
		f.perm = make([]int32, samples)
	}
	f.perm = f.perm[:samples]
	for i := range f.perm {
		f.perm[i] = int32(i)
	}
	if opts.Shuffle && f.bx[0] == nil {
		// The gathered batch is what the kernels read: 64-byte aligned
		// like every other buffer they see.
		for i := range n.layout.batches() {
			f.bx[i] = asm.Aligned(int(n.layout.batchX))
			f.by[i] = asm.Aligned(int(n.layout.batchY))
		}
	}
	n.allocSnapshot()
}

// allocSnapshot allocates, once, the buffers for a copy of the parameters
// and optimizer state (Fit's epoch start, TrainStep's exact guard).
func (n *Network) allocSnapshot() {
	f := &n.fit
	if f.snapshot == nil {
		f.snapshot = make([]float32, len(n.params))
		f.opt1 = make([]float32, len(n.opt1))
		f.opt2 = make([]float32, len(n.opt2))
	}
}

// epoch runs one pass over the data. The returned Progress has EpochDone set
// when the epoch completed.
func (n *Network) epoch(ctx context.Context, x, y []float32, samples, e int, opts FitOptions) (Progress, error) {
	f := &n.fit
	copy(f.snapshot, n.params)
	copy(f.opt1, n.opt1)
	copy(f.opt2, n.opt2)
	steps0 := n.steps
	if opts.Shuffle {
		n.shuffle(f.perm)
	}
	f.ahead.ok = false
	in, o, bs := n.Inputs(), n.Outputs(), opts.BatchSize
	// gs samples make a step: BatchSize from each rank (one rank: the batch).
	gs := bs * opts.Size
	p := Progress{Epoch: e, Epochs: opts.Epochs, Batches: (samples + gs - 1) / gs}
	start := time.Now()
	var sum float64
	for s := 0; s < samples; s += gs {
		gb := min(gs, samples-s)
		lo := min(s+opts.Rank*bs, samples) // this rank's shard: b samples from lo
		b := min(bs, samples-lo)
		bx, by := x[lo*in:(lo+b)*in], y[lo*o:(lo+b)*o]
		// Unscanned: the step checks the first layer's products instead of
		// a pass over the inputs (inputcheck.go).
		unscanned := !opts.Shuffle && opts.Allreduce == nil && n.checksFirstLayer(b)
		bad := -1
		// Shuffled without Allreduce: the gather is part of the step.
		gathered := opts.Shuffle && opts.Allreduce == nil
		if opts.Shuffle && !gathered {
			bx, by = f.bx[f.cur][:b*in], f.by[f.cur][:b*o]
			bad = n.gather(bx, by, x, y, f.perm[lo:lo+b])
		} else if !opts.Shuffle && !unscanned {
			bad = n.firstNonFiniteN(bx)
		}
		var cost float32
		var err error
		switch {
		case bad >= 0:
		case gathered:
			bad, cost, err = n.gatheredStep(x, y, f.perm, lo, b, gs)
		case unscanned:
			bad, cost, err = n.checkedStep(bx, by, b)
		case opts.Allreduce != nil:
			cost, err = n.reducedStep(bx, by, b, gb, opts.Allreduce)
		default:
			cost, err = n.step1(bx, by, b)
		}
		if bad >= 0 {
			// Met in the first epoch, which visits every sample: back to
			// the state before the call, shuffle generator included.
			n.restoreEpochStart(steps0)
			*n.pcg = f.rngAtStart
			n.tellPeersBadInput(opts.Allreduce)
			return p, n.badInput(x, opts.Shuffle, lo, bad)
		}
		if err != nil {
			if errors.Is(err, errPeerBadInput) {
				n.restoreEpochStart(steps0)
				*n.pcg = f.rngAtStart
			}
			return p, err
		}
		p.Batch++
		if cost-cost != 0 {
			n.restoreEpochStart(steps0)
			return p, &DivergedError{Epoch: e, Batch: p.Batch, Cost: cost}
		}
		sum += float64(cost) * float64(gb)
		p.Samples += gb
		p.Cost = float32(sum / float64(p.Samples))
		p.Elapsed = time.Since(start)
		if opts.Progress != nil && p.Batch < p.Batches && !n.progress(opts.Progress, p) {
			return p, n.stopped(e, p, steps0, ErrStopped)
		}
		if err := ctx.Err(); err != nil {
			return p, n.stopped(e, p, steps0, err)
		}
	}
	// Every cost was finite, but the epoch's last update (or one whose NaN
	// an activation hid, as ReLU's max does) may have left a parameter NaN
	// or Inf: one scan per epoch, so that the next epoch never starts from,
	// and no Fit ever returns, non-finite weights.
	if i := n.firstNonFiniteN(n.params); i >= 0 {
		bad := n.params[i]
		n.restoreEpochStart(steps0)
		return p, &DivergedError{Epoch: e, Batch: p.Batch, Cost: p.Cost, Param: bad}
	}
	if opts.ValSamples > 0 {
		l, a, err := n.validate(opts)
		if err != nil {
			// Not a completed epoch: no history entry with made-up
			// validation figures. checkFit found any bad validation data
			// of this rank; a data error here is another rank's, met by
			// the first epoch's validation: back to the state before the
			// call, as for a bad input. Otherwise (a failed all-reduce)
			// the updates are kept, as when a step's all-reduce fails.
			if errors.Is(err, ErrData) && e == 1 {
				n.restoreEpochStart(steps0)
				*n.pcg = f.rngAtStart
			}
			return p, fmt.Errorf("validation data: %w", err)
		}
		p.ValLoss, p.ValAcc = l, a
	}
	p.EpochDone = true
	p.Elapsed = time.Since(start)
	if opts.Progress != nil && !n.progress(opts.Progress, p) {
		return p, ErrStopped
	}
	return p, nil
}

// progress calls the caller's progress callback with the network paused,
// so that the callback may call the network's methods.
func (n *Network) progress(f func(Progress) bool, p Progress) bool {
	n.pause()
	ok := f(p)
	n.resume()
	return ok
}

// stopped is the error of training stopped (by the progress callback or
// the context) after a batch in the middle of epoch e: why, unless the
// last update left a parameter NaN or Inf, in which case the epoch's start
// is restored (as at the end of an epoch) and it is a *DivergedError.
func (n *Network) stopped(e int, p Progress, steps0 stepCounts, why error) error {
	if i := n.firstNonFiniteN(n.params); i >= 0 {
		bad := n.params[i]
		n.restoreEpochStart(steps0)
		return &DivergedError{Epoch: e, Batch: p.Batch, Cost: p.Cost, Param: bad}
	}
	return why
}

// restoreEpochStart puts back the parameters and optimizer state saved at
// the start of the epoch.
func (n *Network) restoreEpochStart(steps0 stepCounts) {
	f := &n.fit
	copy(n.params, f.snapshot)
	copy(n.opt1, f.opt1)
	copy(n.opt2, f.opt2)
	n.setSteps(steps0)
}

// badInput is the error for the non-finite float at index i of the batch
// that starts at sample s (rows of x in order, or gathered through the
// epoch's permutation), named by its place in x. Fit checks each batch as it
// is gathered rather than the whole data set up front: the gather reads
// every row anyway, and a separate pass over a data set far larger than the
// caches took 6–7% of a one-thread epoch.
func (n *Network) badInput(x []float32, shuffled bool, s, i int) error {
	in := n.Inputs()
	sample, feature := s+i/in, i%in
	if shuffled {
		sample = int(n.fit.perm[s+i/in])
	}
	j := sample*in + feature
	return dataErr("input %d (sample %d, feature %d) is %v", j, sample, feature, x[j])
}

// shuffle permutes perm in place (Fisher–Yates) with the network's RNG.
func (n *Network) shuffle(perm []int32) {
	for i := len(perm) - 1; i > 0; i-- {
		j := n.rng.IntN(i + 1)
		perm[i], perm[j] = perm[j], perm[i]
	}
}
