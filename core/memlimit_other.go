//go:build !linux && !darwin

package core

// systemLimits elsewhere: none known; systemMemoryBudget still caps a
// network at what a Go slice can address.
func systemLimits() []limitBudget { return nil }
