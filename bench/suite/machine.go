package suite

import (
	"bufio"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	"github.com/v1tr0/entrena/asm"
)

// Machine describes where a report was measured.
type Machine struct {
	Model      string   `json:"model"`       // cpuid brand string
	ProcModel  string   `json:"proc_model"`  // "model name" from /proc/cpuinfo (Linux), when it differs
	Vendor     string   `json:"vendor"`      // cpuid vendor
	Features   []string `json:"features"`    // SIMD features entrena uses
	L1D        int      `json:"l1d_bytes"`   // per core, -1 unknown
	L2         int      `json:"l2_bytes"`    // per core, -1 unknown
	L3         int      `json:"l3_bytes"`    // shared, -1 unknown
	Cores      int      `json:"cores"`       // physical cores from cpuid
	LogicalCPU int      `json:"logical_cpu"` // runtime.NumCPU: what this process may use
	GOMAXPROCS int      `json:"gomaxprocs"`
	GoVersion  string   `json:"go_version"`
	GOOS       string   `json:"goos"`
	GOARCH     string   `json:"goarch"`
	Paths      []string `json:"paths"`   // available kernel paths, best last
	Default    string   `json:"default"` // path chosen at start-up
	Reason     string   `json:"reason"`  // why
	Hostname   string   `json:"hostname"`
	Hypervisor bool     `json:"hypervisor"` // /proc/cpuinfo lists the hypervisor flag
	Slug       string   `json:"slug"`       // directory name under bench/results
}

// probeMachine reads cpuid (through asm.Info), the Go runtime and, on Linux,
// /proc/cpuinfo.
func probeMachine() Machine {
	info := asm.Info()
	m := Machine{
		Model: strings.TrimSpace(info.Model), Vendor: info.Vendor, Features: info.Features,
		L1D: info.L1D, L2: info.L2, L3: info.L3, Cores: info.Cores,
		LogicalCPU: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		Paths: info.Available, Default: info.Active, Reason: info.Reason,
	}
	m.Hostname, _ = os.Hostname()
	if proc, hyper := procCPUInfo(); proc != "" && proc != m.Model {
		m.ProcModel = proc
		m.Hypervisor = hyper
	} else {
		m.Hypervisor = hyper
	}
	name := m.Model
	if name == "" {
		name = m.ProcModel
	}
	m.Slug = slug(name, m.LogicalCPU)
	return m
}

// procCPUInfo returns the first "model name" of /proc/cpuinfo and whether
// the CPU flags include "hypervisor".
func procCPUInfo() (model string, hypervisor bool) {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "", false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "model name":
			if model == "" {
				model = strings.TrimSpace(v)
			}
		case "flags":
			if !hypervisor {
				hypervisor = strings.Contains(" "+v+" ", " hypervisor ")
			}
		}
	}
	return model, hypervisor
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// slug turns a CPU name into a directory name, e.g.
// "Intel(R) Xeon(R) Processor" with 2 CPUs → "intel-xeon-processor-2cpu".
func slug(model string, cpus int) string {
	s := strings.ToLower(model)
	for _, noise := range []string{"(r)", "(tm)", "(c)", " cpu ", "@"} {
		s = strings.ReplaceAll(s, noise, " ")
	}
	s = strings.Trim(nonSlug.ReplaceAllString(s, "-"), "-")
	if s == "" {
		s = "unknown-cpu"
	}
	return s + "-" + strconv.Itoa(cpus) + "cpu"
}
