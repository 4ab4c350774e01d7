package core

import "runtime"

// A Network's buffers serve one call at a time. Each method that touches
// them claims the network with one compare-and-swap on its use word and
// gives it back on return; a call that finds it claimed returns
// ErrConcurrentUse rather than sharing the buffers (two Predicts at once
// would read each other's activations and return wrong numbers).
//
// Fit pauses its claim while its progress callback runs: between batches
// the callback may call the network (Evaluate, Predict, TrainStep,
// SetLearningRate, …), but not the calls that would pull the buffers from
// under Fit (Fit itself, SetThreads, Close).
const (
	useUnbuilt    int32 = iota // the zero Network: New, Decode, Load or ReadModel never ran
	useIdle                    // ready for a call
	useBusy                    // a call is running
	usePaused                  // Fit's progress callback is running
	usePausedBusy              // a call made while Fit's callback runs is running
	useClosed                  // Close ran
)

// claim is how a method may claim the network.
type claim bool

const (
	betweenBatches claim = true  // also while Fit's progress callback runs
	exclusive      claim = false // only when no Fit is in progress
)

// acquire claims n for one call and returns the use word to restore with
// release. It fails with ErrConcurrentUse, ErrClosed, or the zero-Network
// error.
func (n *Network) acquire(c claim) (int32, error) {
	if n == nil {
		return 0, errNilNetwork
	}
	if n.use.CompareAndSwap(useIdle, useBusy) {
		return useIdle, nil
	}
	if c == betweenBatches && n.use.CompareAndSwap(usePaused, usePausedBusy) {
		return usePaused, nil
	}
	return 0, n.unusable(c)
}

// release gives back the claim acquire took.
func (n *Network) release(prev int32) { n.use.Store(prev) }

// unusable says why a claim failed.
func (n *Network) unusable(c claim) error {
	switch n.use.Load() {
	case useUnbuilt:
		return errZeroNetwork
	case useClosed:
		return errClosed
	case usePaused:
		if c == exclusive {
			return errInCallback
		}
	}
	return errConcurrent
}

// pause lets Fit's progress callback (and only calls made during it) use
// the network; resume takes the claim back for Fit. A call that another
// goroutine started during the callback and that still runs is waited for:
// it is a short call, and Fit must not share the buffers with it.
func (n *Network) pause() { n.use.Store(usePaused) }

func (n *Network) resume() {
	for !n.use.CompareAndSwap(usePaused, useBusy) && n.use.Load() != useBusy {
		runtime.Gosched()
	}
}

// live reports whether n was built and is not closed, for the accessors
// that read only the spec (they answer 0 otherwise).
func (n *Network) live() bool {
	if n == nil {
		return false
	}
	u := n.use.Load()
	return u != useUnbuilt && u != useClosed
}
