package core

import (
	"fmt"

	"github.com/v1tr0/entrena/asm"
)

// KernelError is why New refuses to build networks: an ENTRENA_KERNELS
// naming a path that cannot run, until the program chooses one with
// asm.Use. nil when networks can be built.
func KernelError() error {
	if err := asm.InitError(); err != nil {
		return fmt.Errorf("entrena: %w: %v", ErrKernels, err)
	}
	return nil
}
