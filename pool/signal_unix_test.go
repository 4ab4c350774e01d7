//go:build unix

package pool

import "time"

// tokens reads and counts the tokens waiting in s (no later wait sees them).
func (s *signal) tokens() int {
	if s.ch != nil {
		return len(s.ch)
	}
	n := 0
	_ = s.r.SetReadDeadline(time.Now().Add(time.Millisecond))
	defer func() { _ = s.r.SetReadDeadline(time.Time{}) }()
	for {
		var b [8]byte
		k, err := s.r.Read(b[:])
		n += k
		if err != nil {
			return n
		}
	}
}
