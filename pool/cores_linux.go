package pool

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/v1tr0/entrena/internal/cgroup"
	"golang.org/x/sys/unix"
)

// affinityCPUs counts the CPUs of the process's affinity mask now (Go's
// NumCPU is read once at start-up); 0 if unknown.
func affinityCPUs() int {
	var set unix.CPUSet
	if unix.SchedGetaffinity(0, &set) != nil {
		return 0
	}
	return set.Count()
}

func readCPUQuota() (float64, string) {
	return cpuQuotaFrom("/proc/self/cgroup", "/sys/fs/cgroup")
}

// cpuQuotaFrom returns the smallest CPU quota (quota/period, in CPUs) of
// the process's cgroup and of every cgroup above it, and the file that set
// it: v2 cpu.max ("max 100000" or "150000 100000"), v1
// cpu.cfs_quota_us/cpu.cfs_period_us (quota −1: none). 0 means no quota.
func cpuQuotaFrom(procFile, root string) (float64, string) {
	best, bestFile := 0.0, ""
	for _, d := range cgroup.Dirs(procFile, root, "cpu") {
		read := readCFSQuota
		if d.V2 {
			read = readCPUMax
		}
		if q, file := read(d.Path); q > 0 && (best == 0 || q < best) {
			best, bestFile = q, file
		}
	}
	return best, bestFile
}

// readCPUMax reads a cgroup v2 cpu.max in dir.
func readCPUMax(dir string) (float64, string) {
	file := filepath.Join(dir, "cpu.max")
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, ""
	}
	quota, period, ok := strings.Cut(strings.TrimSpace(string(b)), " ")
	if !ok {
		return 0, ""
	}
	return ratio(quota, period), file
}

// readCFSQuota reads a cgroup v1 cpu.cfs_quota_us and cpu.cfs_period_us in dir.
func readCFSQuota(dir string) (float64, string) {
	file := filepath.Join(dir, "cpu.cfs_quota_us")
	q, err1 := os.ReadFile(file)
	p, err2 := os.ReadFile(filepath.Join(dir, "cpu.cfs_period_us"))
	if err1 != nil || err2 != nil {
		return 0, ""
	}
	return ratio(strings.TrimSpace(string(q)), strings.TrimSpace(string(p))), file
}

// ratio parses quota/period; "max" or a negative quota is no quota (0).
func ratio(quota, period string) float64 {
	q, err1 := strconv.ParseFloat(quota, 64)
	p, err2 := strconv.ParseFloat(period, 64)
	if err1 != nil || err2 != nil || q <= 0 || p <= 0 {
		return 0
	}
	return q / p
}
