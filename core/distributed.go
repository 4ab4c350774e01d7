package core

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/v1tr0/entrena/asm"
)

// Allreduce sums buf element-wise over every rank of a data-parallel fit,
// in place, leaving the same sums on every rank: MPI_Allreduce with
// MPI_IN_PLACE and MPI_SUM, or any equivalent. Fit calls it on every rank
// the same number of times with the same len(buf); buf holds the step's
// gradients in the network's internal layout followed by a few floats of
// bookkeeping (the batch's cost, a rank's failure), which it must sum
// like the rest. buf is valid during the call only.
//
// An error stops Fit on that rank with an error wrapping ErrReduce and the
// hook's error, the network left as it was after the last applied step. A
// hook that waits for ranks that may never come (one that failed) must give
// up after a timeout and return an error, so that no rank hangs.
type Allreduce func(buf []float32) error

// reduceExtra is the room Fit's gradient buffer has past the gradients:
// the rank's share of the batch's cost, and its failure flag.
const reduceExtra = 2

// errPeerBadInput is what every other rank returns when one rank met a
// NaN or ±Inf input in its shard (that rank's error names it).
var errPeerBadInput = dataErr("another rank met a NaN or Inf input in its shard of the batch (its own error names the sample); the network is as before the call")

// checkRanks normalises and checks the data-parallel options.
func checkRanks(opts *FitOptions) error {
	if opts.Size == 0 {
		opts.Size = 1
	}
	// At most MaxInt32 ranks (C's int32), so that a step's global batch
	// (BatchSize × Size) and a rank's offset in it fit an int.
	if opts.Size < 0 || opts.Size > math.MaxInt32 || opts.Rank < 0 || opts.Rank >= opts.Size {
		return specErr("rank %d of size %d: need 1 ≤ size ≤ %d and 0 ≤ rank < size", opts.Rank, opts.Size, math.MaxInt32)
	}
	if opts.Size > 1 && opts.Allreduce == nil {
		return specErr("size %d needs an Allreduce to combine the ranks' gradients", opts.Size)
	}
	return nil
}

// reducedStep is one data-parallel step: this rank's gradients over its b
// samples of a global batch of gb, weighted by b/gb so that their sum over
// the ranks is the gradient of the whole batch; the all-reduce; the update.
// It returns the global batch's mean cost. b may be 0 (a short last
// batch): the rank adds nothing but still takes part. The fused SGD path
// stands aside: it never writes the gradients.
func (n *Network) reducedStep(x, y []float32, b, gb int, reduce Allreduce) (float32, error) {
	p := len(n.params)
	buf := n.grads[:p+reduceExtra]
	var cost float32
	if b > 0 {
		c, err := n.gradients(x, y, b)
		if err != nil {
			return 0, err
		}
		if b != gb {
			asm.Scale(float32(b)/float32(gb), n.grads)
		}
		cost = c * float32(b) / float32(gb)
	} else {
		clear(n.grads)
	}
	buf[p], buf[p+1] = cost, 0
	if err := reduce(buf); err != nil {
		return 0, reduceErr(err)
	}
	if buf[p+1] != 0 {
		return 0, errPeerBadInput
	}
	return buf[p], n.update(gb)
}

// tellPeersBadInput takes part in the step's all-reduce with the failure
// flag set, so that the other ranks stop with an error instead of waiting
// for this one. Its own outcome no longer matters: this rank returns its
// input error.
func (n *Network) tellPeersBadInput(reduce Allreduce) {
	if reduce == nil {
		return
	}
	p := len(n.params)
	buf := n.grads[:p+reduceExtra]
	clear(buf)
	buf[p+1] = 1
	_ = reduce(buf)
	clear(n.grads)
}

// share is ⌊v·r/size⌋ for 0 ≤ r ≤ size, exact where v·r overflows an int
// (a validation set of billions of samples over many ranks).
func share(v, r, size int) int {
	hi, lo := bits.Mul64(uint64(v), uint64(r))
	q, _ := bits.Div64(hi, lo, uint64(size)) // at most v: no overflow
	return int(q)
}

func reduceErr(err error) error {
	return fmt.Errorf("%w: %w", ErrReduce, err)
}

// validate evaluates the validation data: with an all-reduce, each rank
// its own part, the loss and accuracy then summed over the ranks weighted
// by the parts' sizes.
func (n *Network) validate(opts FitOptions) (loss, acc float32, err error) {
	if opts.Allreduce == nil {
		return n.evaluate(opts.ValX, opts.ValY, opts.ValSamples)
	}
	v, in, o := opts.ValSamples, n.Inputs(), n.Outputs()
	lo, hi := share(v, opts.Rank, opts.Size), share(v, opts.Rank+1, opts.Size)
	buf := n.fit.reduce[:]
	clear(buf)
	var local error
	if hi > lo {
		l, a, err := n.evaluate(opts.ValX[lo*in:hi*in], opts.ValY[lo*o:hi*o], hi-lo)
		if err != nil {
			local, buf[3] = err, 1
		} else {
			k := float32(hi - lo)
			buf[0], buf[1], buf[2] = l*k, a*k, k
		}
	}
	if err := opts.Allreduce(buf); err != nil {
		return 0, 0, reduceErr(err)
	}
	switch {
	case local != nil:
		return 0, 0, local
	case buf[3] != 0:
		return 0, 0, dataErr("another rank's part of the validation data is bad (its own error says why)")
	case !(buf[2] > 0):
		return 0, 0, fmt.Errorf("%w: the validation counts summed to %v", ErrReduce, buf[2])
	}
	return buf[0] / buf[2], buf[1] / buf[2], nil
}

// BroadcastParams makes every rank's parameters those of rank 0, through
// reduce (the same kind of all-reduce as Fit's): rank 0 adds its
// parameters, every other rank zeros, and x + 0 is exact. Call it on every
// rank before a data-parallel Fit when the ranks' networks may differ
// (different seeds, a model loaded on rank 0 only). The optimizer state is
// reset, as by SetParams. A sum that is not finite (a hook that does not
// sum) is an ErrData and leaves the network unchanged.
func (n *Network) BroadcastParams(rank int, reduce Allreduce) (err error) {
	defer exported(&err)
	prev, err := n.acquire(betweenBatches)
	if err != nil {
		return err
	}
	defer n.release(prev)
	if reduce == nil || rank < 0 {
		return specErr("BroadcastParams needs a rank ≥ 0 and an all-reduce, got rank %d", rank)
	}
	buf := n.grads
	if rank == 0 {
		copy(buf, n.params)
	} else {
		clear(buf)
	}
	if err := reduce(buf); err != nil {
		return reduceErr(err)
	}
	if i := n.firstNonFiniteN(buf); i >= 0 {
		return dataErr("broadcast parameter %d is %v", i, buf[i])
	}
	copy(n.params, buf)
	clear(n.grads)
	n.resetOptimizer()
	return nil
}
