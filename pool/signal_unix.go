//go:build unix

package pool

import "os"

// signal wakes one parked worker. On Unix it is a pipe, so that a parked
// worker waits in the runtime's network poller: a write makes it runnable
// through the poller, which hands it to an idle processor at once. A
// goroutine woken by a channel send instead lands in the waker's own run
// queue, where a caller busy with its units keeps it waiting until another
// processor steals it. At most one token is outstanding: the parked flag's
// CAS decides who sends it.
type signal struct {
	r, w *os.File
	ch   chan struct{} // where no pipe could be made (no file descriptors left)
	buf  [1]byte       // the reader's
	tok  [1]byte       // the writer's: a local array would escape (under -race, one allocation a wake-up)
}

func newSignal() *signal {
	r, w, err := os.Pipe()
	if err != nil {
		return &signal{ch: make(chan struct{}, 1)}
	}
	return &signal{r: r, w: w}
}

func (s *signal) notify() {
	if s.ch != nil {
		s.ch <- struct{}{}
		return
	}
	s.tok[0] = 1
	_, _ = s.w.Write(s.tok[:])
}

func (s *signal) wait() {
	if s.ch != nil {
		<-s.ch
		return
	}
	_, _ = s.r.Read(s.buf[:])
}

// close releases the pipe; the worker calls it as it exits, after its last
// token.
func (s *signal) close() {
	if s.r != nil {
		s.w.Close()
		s.r.Close()
	}
}
