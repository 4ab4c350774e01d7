//go:build linux || darwin

package core

import "golang.org/x/sys/unix"

// rlimitBudgets returns half of each finite RLIMIT_AS and RLIMIT_DATA: the
// Go runtime reserves address space beyond what it allocates (arenas, the
// heap's growth, thread stacks), so a network gets half of such a limit.
func rlimitBudgets() []limitBudget {
	var out []limitBudget
	for _, r := range []struct {
		resource int
		name     string
	}{{unix.RLIMIT_AS, "RLIMIT_AS"}, {unix.RLIMIT_DATA, "RLIMIT_DATA"}} {
		var rl unix.Rlimit
		if err := unix.Getrlimit(r.resource, &rl); err != nil || uint64(rl.Cur) == unix.RLIM_INFINITY {
			continue
		}
		cur := uint64(rl.Cur)
		out = append(out, limitBudget{cur / 2, "half of " + r.name + ", " + formatBytes(cur)})
	}
	return out
}
