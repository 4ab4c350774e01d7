package core

import (
	"runtime"

	"github.com/v1tr0/entrena/pool"
)

// UnmarshalBinary makes n the network of the model file in data
// (encoding.BinaryUnmarshaler; MarshalBinary writes such data), as Decode
// does. n may be a zero Network, a closed one, or a live one, which it
// replaces (its worker goroutines are stopped and its buffers let go). On
// error n is left as it was. data is not retained.
func (n *Network) UnmarshalBinary(data []byte) (err error) {
	defer exported(&err)
	if n == nil {
		return errNilNetwork
	}
	m, err := Decode(data)
	if err != nil {
		return err
	}
	prev, err := n.claimAny()
	if err != nil {
		_ = m.Close()
		return err
	}
	m.poolCleanup.Stop()
	if prev == useIdle {
		n.pool.Close()
		n.poolCleanup.Stop()
	}
	// History takes no claim: another goroutine may be reading.
	n.historyMu.Lock()
	n.network = m.network
	n.historyMu.Unlock()
	m.network = network{}
	m.use.Store(useClosed)
	n.poolCleanup = runtime.AddCleanup(n, func(p *pool.Pool) { p.Close() }, n.pool)
	n.release(useIdle)
	return nil
}

// claimAny claims n for UnmarshalBinary: built and idle, zero, or closed.
func (n *Network) claimAny() (int32, error) {
	for _, from := range []int32{useUnbuilt, useClosed, useIdle} {
		if n.use.CompareAndSwap(from, useBusy) {
			return from, nil
		}
	}
	return 0, n.unusable(exclusive)
}
