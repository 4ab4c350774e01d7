package core

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

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
// of every cgroup above it, up to the root of the hierarchy (where a
// container with its own cgroup namespace sees its own limit): read once,
// as a process rarely moves between cgroups; the limits are read at each
// New.
var cgroupLimitFiles = sync.OnceValue(func() []string {
	return cgroupLimitFilesFrom("/proc/self/cgroup", "/sys/fs/cgroup")
})

// cgroupLimitFilesFrom reads a /proc/<pid>/cgroup file: "0::/path" is the
// cgroup v2 of the process, "N:…memory…:/path" its v1 memory cgroup.
func cgroupLimitFilesFrom(procFile, root string) []string {
	f, err := os.Open(procFile)
	if err != nil {
		return nil
	}
	defer f.Close()
	var files []string
	up := func(dir, path, name string) {
		for p := filepath.Clean("/" + path); ; p = filepath.Dir(p) {
			files = append(files, filepath.Join(dir, p, name))
			if p == "/" {
				return
			}
		}
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		id, rest, _ := strings.Cut(sc.Text(), ":")
		controllers, path, ok := strings.Cut(rest, ":")
		switch {
		case !ok:
		case id == "0" && controllers == "":
			up(root, path, "memory.max")
		case containsWord(controllers, "memory"):
			up(filepath.Join(root, "memory"), path, "memory.limit_in_bytes")
		}
	}
	return files
}

func containsWord(list, w string) bool {
	for _, s := range strings.Split(list, ",") {
		if s == w {
			return true
		}
	}
	return false
}
