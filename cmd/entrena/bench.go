package main

import (
	"fmt"
	"io"

	"github.com/v1tr0/entrena/bench/suite"
)

// cmdBench runs the benchmark program of package bench/suite (the same
// program as `go run ./bench`): every kernel on every path, training steps and
// epochs, each comparison in interleaved rounds with a health probe; it says
// first how long it will take and shows a progress line. `entrena bench -h`
// lists its flags.
func cmdBench(args []string, stdout, stderr io.Writer) error {
	return exitStatus(suite.Main(args, stdout, stderr))
}

// exitStatus turns the status of a command that prints its own errors into
// an error for run: nil for 0, else an exitCode that report passes through.
func exitStatus(code int) error {
	if code == 0 {
		return nil
	}
	return exitCode(code)
}

// exitCode is an exit status whose message was already printed.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
