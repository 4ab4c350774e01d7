package core

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/v1tr0/entrena/internal/cgroup"
	"golang.org/x/sys/unix"
)

// systemLimits on Linux: 3/4 of physical memory (sysinfo), half of
// RLIMIT_AS and RLIMIT_DATA, and 3/4 of the memory limit of the process's
// cgroup and of each cgroup above it (v2 memory.max; v1
// memory.limit_in_bytes on hosts that still mount the v1 memory controller).
func systemLimits() []limitBudget {
	out := rlimitBudgets()
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) == nil {
		if ram := uint64(si.Totalram) * uint64(max(si.Unit, 1)); ram > 0 {
			out = append(out, limitBudget{fraction(ram, 3, 4), "3/4 of physical memory, " + formatBytes(ram)})
		}
	}
	for _, file := range cgroupLimitFiles() {
		b, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		v, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
		if err != nil { // "max": no limit
			continue
		}
		out = append(out, limitBudget{fraction(v, 3, 4), "3/4 of " + file + ", " + formatBytes(v)})
	}
	return out
}

// cgroupLimitFiles lists the memory limit files of the process's cgroup and
// of every cgroup above it: read once, as a process rarely moves between
// cgroups; the limits are read at each New.
var cgroupLimitFiles = sync.OnceValue(func() []string {
	return cgroupLimitFilesFrom("/proc/self/cgroup", "/sys/fs/cgroup")
})

// cgroupLimitFilesFrom lists v2 memory.max and v1 memory.limit_in_bytes of
// the cgroups a /proc/<pid>/cgroup file names.
func cgroupLimitFilesFrom(procFile, root string) []string {
	var files []string
	for _, d := range cgroup.Dirs(procFile, root, "memory") {
		name := "memory.limit_in_bytes"
		if d.V2 {
			name = "memory.max"
		}
		files = append(files, filepath.Join(d.Path, name))
	}
	return files
}
