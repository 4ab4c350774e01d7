//go:build !unix

package pool

// tokens counts the tokens waiting in s.
func (s *signal) tokens() int { return len(s.ch) }
