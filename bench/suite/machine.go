package suite

import (
	"cmp"
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
	m := Machine{Model: strings.TrimSpace(info.Model), Vendor: info.Vendor, Features: info.Features,
		L1D: info.L1D, L2: info.L2, L3: info.L3, Cores: info.Cores, LogicalCPU: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, Paths: info.Available, Default: info.Active, Reason: info.Reason}
	m.Hostname, _ = os.Hostname()
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(line, ":")
		if k, v = strings.TrimSpace(k), strings.TrimSpace(v); k == "model name" && m.ProcModel == "" && v != m.Model {
			m.ProcModel = v
		}
		m.Hypervisor = m.Hypervisor || k == "flags" && strings.Contains(" "+v+" ", " hypervisor ")
	}
	// The folder under bench/results: "Intel(R) Xeon(R) Processor" with 2 CPUs → "intel-xeon-processor-2cpu".
	name := strings.NewReplacer("(r)", " ", "(tm)", " ", "(c)", " ", " cpu ", " ", "@", " ").Replace(strings.ToLower(cmp.Or(m.Model, m.ProcModel)))
	name = cmp.Or(strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(name, "-"), "-"), "unknown-cpu")
	m.Slug = name + "-" + strconv.Itoa(m.LogicalCPU) + "cpu"
	return m
}
