package main

import (
	"fmt"
	"io"
	"runtime"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/core"
)

func cmdVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "Prints entrena's release, the model file format it writes, the Go toolchain\nand platform it was built with, and the kernel path it runs on here.")
	if _, err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "entrena %s (model format %d, %s, %s/%s, kernels %s)\n",
		core.Version, core.ModelVersion, runtime.Version(), runtime.GOOS, runtime.GOARCH, asm.Active())
	return nil
}
