package asm

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/klauspost/cpuid/v2"
)

// EnvKernels is the environment variable that forces a kernel path for the
// whole process.
const EnvKernels = "ENTRENA_KERNELS"

// knownPaths lists every path name entrena has, available here or not,
// best last.
var knownPaths = []string{"generic", "avx2", "avx512", "neon"}

// KnownPaths returns every path name entrena has, available on this CPU
// or not, best last (a new slice each call).
func KnownPaths() []string { return slices.Clone(knownPaths) }

var (
	// registry holds the paths this CPU can run, generic first, best last.
	registry []*kernelSet
	// active is the path every exported kernel calls; swapped atomically by Use.
	active atomic.Pointer[kernelSet]
	// initErr records a bad ENTRENA_KERNELS value until Use chooses a path;
	// see InitError.
	initErr atomic.Pointer[error]
	// reason says why the active path was chosen at start-up.
	reason string
)

func init() {
	registry = append([]*kernelSet{genericKernels}, platformPaths()...)
	best := registry[len(registry)-1]
	active.Store(best)
	reason = fmt.Sprintf("best path this CPU supports (%s)", strings.Join(Available(), ", "))
	if v, ok := os.LookupEnv(EnvKernels); ok && v != "" {
		if err := Use(v); err != nil {
			e := fmt.Errorf("%s=%q: %w", EnvKernels, v, err)
			initErr.Store(&e)
			active.Store(genericKernels)
			reason = "generic because " + e.Error()
			return
		}
		reason = "forced by " + EnvKernels + "=" + v
	}
}

// InitError reports a bad ENTRENA_KERNELS value found at start-up (nil when
// the variable is unset or valid, or once Use has chosen a path). The
// generic path is active in that case; package core refuses to build
// networks until the variable is fixed or the program chooses a path.
func InitError() error {
	if e := initErr.Load(); e != nil {
		return *e
	}
	return nil
}

// Available lists the paths this CPU (and build) can run, generic first and
// the best last.
func Available() []string {
	names := make([]string, len(registry))
	for i, k := range registry {
		names[i] = k.name
	}
	return names
}

// Active returns the name of the path the kernels use now.
func Active() string { return active.Load().name }

// Use makes path the active one for the whole process, replacing whatever
// ENTRENA_KERNELS said. It fails, naming the valid choices, when path is
// unknown or this CPU cannot run it. Use is safe to call concurrently with
// kernels: a call already running finishes on the path it started with.
func Use(path string) error {
	for _, k := range registry {
		if k.name == path {
			active.Store(k)
			initErr.Store(nil)
			return nil
		}
	}
	for _, name := range knownPaths {
		if name == path {
			return fmt.Errorf("kernel path %q is not available on this CPU or build (available: %s)",
				path, strings.Join(Available(), ", "))
		}
	}
	return fmt.Errorf("unknown kernel path %q (valid: %s; available here: %s)",
		path, strings.Join(knownPaths, ", "), strings.Join(Available(), ", "))
}

// CPUInfo describes the processor and the kernel choice, for `entrena info`
// and the C and Python APIs.
type CPUInfo struct {
	Model     string   // brand string from cpuid
	Vendor    string   // vendor from cpuid
	Cores     int      // physical cores reported by cpuid
	Threads   int      // logical cores reported by cpuid
	Features  []string // SIMD features that matter to entrena, as cpuid names them
	L1D, L2   int      // data cache sizes in bytes, -1 when unknown
	L3        int
	Available []string // runnable paths, best last
	Active    string   // path in use now
	Reason    string   // why the start-up choice was made
}

// relevantFeatures are the cpuid features the paths depend on.
var relevantFeatures = []cpuid.FeatureID{
	cpuid.SSE2, cpuid.AVX, cpuid.AVX2, cpuid.FMA3,
	cpuid.AVX512F, cpuid.AVX512DQ, cpuid.AVX512BW, cpuid.AVX512VL,
	cpuid.ASIMD, cpuid.FP,
}

// Info returns the processor and kernel-path description.
func Info() CPUInfo {
	var feats []string
	for _, f := range relevantFeatures {
		if cpuid.CPU.Supports(f) {
			feats = append(feats, f.String())
		}
	}
	return CPUInfo{
		Model:     cpuid.CPU.BrandName,
		Vendor:    cpuid.CPU.VendorString,
		Cores:     cpuid.CPU.PhysicalCores,
		Threads:   cpuid.CPU.LogicalCores,
		Features:  feats,
		L1D:       cpuid.CPU.Cache.L1D,
		L2:        cpuid.CPU.Cache.L2,
		L3:        cpuid.CPU.Cache.L3,
		Available: Available(),
		Active:    Active(),
		Reason:    reason,
	}
}

// l2Bytes is this core's L2 data cache in bytes (cpuid; -1 when unknown).
func l2Bytes() int { return cpuid.CPU.Cache.L2 }
