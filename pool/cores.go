package pool

import (
	"fmt"
	"runtime"
	"sync"
)

// Cores returns how many threads this process can run at once, and what
// sets that number: the smallest of GOMAXPROCS, the CPUs of the process's
// affinity mask, and the CPU quota of its cgroup rounded down (Go rounds a
// quota of 1.5 CPUs up to GOMAXPROCS 2; two threads on 1.5 CPUs would
// spend the rest of each period throttled). At least 1.
func Cores() (int, string) {
	n, why := runtime.GOMAXPROCS(0), "GOMAXPROCS"
	if a := affinityCPUs(); a > 0 && a < n {
		n, why = a, fmt.Sprintf("CPU affinity mask of %d CPUs", a)
	}
	if q, file := cpuQuota(); q > 0 && int(q) < n {
		n, why = max(1, int(q)), fmt.Sprintf("cgroup CPU quota of %.2f CPUs (%s)", q, file)
	}
	return n, why
}

// cpuQuota is read once: a process rarely moves between cgroups, and Go
// follows a changed quota in GOMAXPROCS itself.
var cpuQuota = sync.OnceValues(func() (float64, string) { return readCPUQuota() })
