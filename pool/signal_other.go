//go:build !unix

package pool

// signal wakes one parked worker: one token per wake-up.
type signal struct{ ch chan struct{} }

func newSignal() *signal { return &signal{ch: make(chan struct{}, 1)} }

func (s *signal) notify() { s.ch <- struct{}{} }

func (s *signal) wait() { <-s.ch }

func (s *signal) close() {}
