//go:build !unix

package suite

import "time"

// processCPU is unknown here: the CPU ratios of the contention group read 0.
func processCPU() time.Duration { return 0 }
