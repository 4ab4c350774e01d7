package pool

import (
	"os"

	"golang.org/x/sys/unix"
)

// signal wakes one parked worker. On Linux it is an eventfd, so that a
// parked worker waits in the runtime's network poller: a write makes it
// runnable through the poller, which hands it to an idle processor at once.
// Not a pipe: a pipe's write wakes its reader as a synchronous wake-up
// (the writer is taken to sleep next), and the kernel then runs the
// worker's thread on the caller's CPU, where the two share one core while
// the other stays idle, until the load balancer moves one; an eventfd's
// wake-up lets the kernel pick the idle CPU. A goroutine woken by a channel
// send instead lands in the waker's own run queue, where a caller busy with
// its units keeps it waiting until another processor steals it. At most one
// token is outstanding: the parked flag's CAS decides who sends it.
type signal struct {
	f   *os.File
	ch  chan struct{} // where no eventfd could be made (no file descriptors left)
	buf [8]byte       // the reader's
	tok [8]byte       // the writer's: a local array would escape (under -race, one allocation a wake-up)
}

func newSignal() *signal {
	fd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		return &signal{ch: make(chan struct{}, 1)}
	}
	return &signal{f: os.NewFile(uintptr(fd), "pool-signal")}
}

func (s *signal) notify() {
	if s.ch != nil {
		s.ch <- struct{}{}
		return
	}
	s.tok[0] = 1
	_, _ = s.f.Write(s.tok[:])
}

func (s *signal) wait() {
	if s.ch != nil {
		<-s.ch
		return
	}
	_, _ = s.f.Read(s.buf[:])
}

// close releases the eventfd; the worker calls it as it exits, after its
// last token.
func (s *signal) close() {
	if s.f != nil {
		s.f.Close()
	}
}
