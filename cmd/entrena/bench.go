package main

import (
	"errors"
	"fmt"
	"io"
)

// errNotBuilt: a command whose code is not part of this build (exit 2).
var errNotBuilt = errors.New("not built yet")

// cmdBench runs the micro-benchmarks. The benchmark program lives in
// package github.com/v1tr0/entrena/bench/suite (`go run ./bench`); wiring it
// in is this one call in place of the error:
//
//	return exitStatus(suite.Main(args, stdout, stderr))
func cmdBench(args []string, stdout, stderr io.Writer) error {
	return fmt.Errorf("%w: the benchmark program (package bench/suite) is not wired into this binary; run `go run ./bench` from the source tree", errNotBuilt)
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
