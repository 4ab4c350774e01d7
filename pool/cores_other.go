//go:build !linux

package pool

func affinityCPUs() int { return 0 }

func readCPUQuota() (float64, string) { return 0, "" }

// threadDelay is unknown here: the policy uses its timing estimate alone.
func threadDelay() (tid int, delay int64, ok bool) { return 0, 0, false }
