package core

import (
	"fmt"
	"math"
	"math/bits"
	"unsafe"

	"github.com/v1tr0/entrena/asm"
)

// Go cannot recover from a failed allocation: under a memory limit
// (ulimit -v, a cgroup) an allocation the system refuses ends the whole
// process with "fatal error: out of memory", which no recover catches.
// So New adds up, before allocating anything, every byte the network will
// hold and refuses a network that needs more than the memory budget.

// layout is every buffer size of a network, in floats, computed once from
// its spec: New allocates from it and footprint adds it up, so the size New
// checks is the size it allocates. Counts are uint64, so that no spec within
// Validate's limits can overflow them on any platform.
type layout struct {
	params uint64 // the parameter buffer (and grads, opt1, opt2): Σ RoundUp(out·in) + RoundUp(out)
	acts   uint64 // the activation buffer (and deltas): Σ RoundUp(MaxBatch·out)
	opt    uint64 // optimizer state buffers of params floats: 0 SGD, 1 Momentum or RMSprop, 2 Adam
	masks  uint64 // the dropout masks: Σ RoundUp(MaxBatch·out) over layers with dropout
	layers uint64 // layer views

	// Each pool worker owns one workspace whose three buffers Reserve grows
	// to the largest of the network's products (asm.ReserveSize).
	threads            uint64
	packA, packB, swap uint64
	// With more than one thread, the pool's products also hold one op(B)
	// packed for all row bands (asm.SharedSize).
	shared uint64

	// Fit's buffers: the gathered batches (when shuffling) and the snapshot
	// of the parameters and optimizer state (which TrainStep's guard uses
	// too). The permutation (4 bytes per sample) is sized by the data,
	// which the caller already holds.
	batchX, batchY uint64

	guard uint64 // TrainStep's divergence guard's scratch, one per pool thread

	rowCost uint64 // float64 per sample of MaxBatch: a step's costs by row (rows.go)
}

// newLayout computes the layout of a valid spec for a pool of threads workers.
func newLayout(s Spec, threads int) layout {
	var lo layout
	round := func(n uint64) uint64 { return (n + asm.AlignFloats - 1) / asm.AlignFloats * asm.AlignFloats } // asm.RoundUp
	in := s.Inputs
	mb := s.MaxBatch
	for _, l := range s.Layers {
		lo.params += round(uint64(in)*uint64(l.Units)) + round(uint64(l.Units))
		lo.acts += round(uint64(mb) * uint64(l.Units))
		if l.Dropout > 0 {
			lo.masks += round(uint64(mb) * uint64(l.Units))
		}
		in = l.Units
	}
	// The products of a training step (see reserveWorkspaces).
	stepProducts(s, threads, func(m, n, k int) {
		a, b, sw := asm.ReserveSize(m, n, k)
		lo.packA, lo.packB, lo.swap = max(lo.packA, uint64(a)), max(lo.packB, uint64(b)), max(lo.swap, uint64(sw))
		lo.shared = max(lo.shared, uint64(asm.SharedSize(m, n, k)))
	})
	switch s.Optimizer.Kind {
	case Momentum, RMSprop:
		lo.opt = 1
	case Adam:
		lo.opt = 2
	}
	lo.layers = uint64(len(s.Layers))
	lo.threads = uint64(max(threads, 1))
	lo.batchX = uint64(mb) * uint64(s.Inputs)
	lo.batchY = uint64(mb) * uint64(s.Outputs())
	lo.guard = normFloats * lo.threads
	lo.rowCost = uint64(mb)
	return lo
}

// footprint is the bytes the network's buffers take: every allocation New
// makes (asm.Aligned adds AlignFloats floats to each) and those Fit adds.
// It saturates at math.MaxUint64 instead of overflowing.
func (lo layout) footprint() uint64 {
	var c sizeCounter
	c.aligned(lo.params, 2+lo.opt) // params, grads, opt1, opt2
	c.aligned(lo.acts, 2)          // acts, deltas
	if lo.masks > 0 {
		c.aligned(lo.masks, 1)
	}
	// Per layer its view and its weight product's description (step.go).
	c.add(lo.layers, uint64(unsafe.Sizeof(dense{})+unsafe.Sizeof(asm.Product{})))
	c.aligned(lo.packA, lo.threads) // one workspace per pool worker
	c.aligned(lo.packB, lo.threads)
	c.aligned(lo.swap, lo.threads)
	if lo.threads > 1 {
		c.aligned(lo.shared, 1)
	}
	c.aligned(lo.batchX, lo.batches()) // Fit: gathered batches
	c.aligned(lo.batchY, lo.batches())
	c.add(lo.params, 4*(1+lo.opt)) // Fit: snapshot of params and optimizer state (plain slices)
	c.aligned(lo.guard, 1)
	c.add(lo.rowCost, 8)
	return c.bytes
}

// batches is Fit's gathered batch buffers: two with more than one thread,
// the step's and the next one's (rows.go).
func (lo layout) batches() uint64 {
	if lo.threads > 1 {
		return 2
	}
	return 1
}

// sizeCounter adds up byte counts, saturating at math.MaxUint64.
type sizeCounter struct{ bytes uint64 }

// add counts count items of size bytes.
func (c *sizeCounter) add(count, size uint64) {
	hi, lo := bits.Mul64(count, size)
	sum, carry := bits.Add64(c.bytes, lo, 0)
	if hi != 0 || carry != 0 {
		c.bytes = math.MaxUint64
		return
	}
	c.bytes = sum
}

// aligned counts copies allocations of asm.Aligned(floats): nothing for
// an empty one, else floats plus the alignment slack.
func (c *sizeCounter) aligned(floats, copies uint64) {
	if floats == 0 {
		return
	}
	if floats > math.MaxUint64/4-asm.AlignFloats {
		c.bytes = math.MaxUint64
		return
	}
	c.add(copies, 4*(floats+asm.AlignFloats))
}

// memoryBudget is the most bytes one network may allocate, and a phrase
// naming the limit it comes from. Tests replace it.
var memoryBudget = systemMemoryBudget

// A limitBudget is one limit of the system with its headroom applied.
type limitBudget struct {
	bytes uint64
	what  string // e.g. "half of RLIMIT_AS (3.8 GiB)"
}

// systemMemoryBudget is the smallest of the budgets the system's limits
// allow (systemLimits, per OS), and never more than math.MaxInt: no Go
// slice can be larger.
func systemMemoryBudget() (uint64, string) {
	best := limitBudget{math.MaxInt, "the address space"}
	for _, l := range systemLimits() {
		if l.bytes < best.bytes {
			best = l
		}
	}
	return best.bytes, best.what
}

// fraction returns num/den of v without overflow.
func fraction(v, num, den uint64) uint64 { return v/den*num + v%den*num/den }

// checkMemory refuses a layout whose footprint exceeds the memory budget.
func checkMemory(lo layout) error {
	need := lo.footprint()
	budget, what := memoryBudget()
	if need <= budget && need <= math.MaxInt {
		return nil
	}
	return fmt.Errorf("%w: %w: its buffers need %s (%d bytes), more than the budget of %s (%s)",
		ErrSpec, ErrTooLarge, formatBytes(need), need, formatBytes(budget), what)
}

// formatBytes writes n in binary units with one decimal.
func formatBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n), -1
	for v >= unit && i < 5 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGTPE"[i])
}
