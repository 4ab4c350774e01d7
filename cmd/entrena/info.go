package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/pool"
)

func cmdInfo(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("info", "Prints the processor, the SIMD features entrena uses, the kernel path\nin use and why, every path this CPU can run (ENTRENA_KERNELS or\n--kernels on train/sweep forces one), and how many threads a training\nstep uses by default and what sets that number.")
	if _, err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	in := asm.Info()
	kb := func(n int) string {
		if n <= 0 {
			return "?"
		}
		return fmt.Sprintf("%d KiB", n>>10)
	}
	model := in.Model
	if model == "" {
		model = "unknown"
	}
	fmt.Fprintf(stdout, "cpu:        %s (%s)\n", model, in.Vendor)
	fmt.Fprintf(stdout, "cores:      %d physical, %d logical; GOMAXPROCS %d; %s/%s\n", in.Cores, in.Threads, runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(stdout, "caches:     L1d %s, L2 %s, L3 %s\n", kb(in.L1D), kb(in.L2), kb(in.L3))
	fmt.Fprintf(stdout, "features:   %s\n", strings.Join(in.Features, " "))
	fmt.Fprintf(stdout, "kernels:    %s — %s\n", in.Active, in.Reason)
	fmt.Fprintf(stdout, "available:  %s (best last; known: %s)\n", strings.Join(in.Available, ", "), strings.Join(asm.KnownPaths(), ", "))
	cores, why := pool.Cores()
	fmt.Fprintf(stdout, "threads:    %d by default (--threads changes it) — the cores this process can use, set by %s\n", cores, why)
	if err := asm.InitError(); err != nil {
		return fmt.Errorf("%v", err)
	}
	return nil
}
