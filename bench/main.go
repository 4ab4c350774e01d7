// Command bench measures entrena's kernels and training steps on this
// machine, optionally next to peer libraries, and compares result files
// (`go run ./bench -h`). The logic lives in package bench/suite so that
// `entrena bench` runs the same code.
package main

import (
	"os"

	"github.com/v1tr0/entrena/bench/suite"
)

func main() { os.Exit(suite.Main(os.Args[1:], os.Stdout, os.Stderr)) }
