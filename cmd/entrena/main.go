// Command entrena trains, sweeps, evaluates and inspects entrena networks.
//
//	entrena train   [flags]   train a network (default: MNIST, 784-128-10)
//	entrena sweep   [flags]   one training per learning rate (--lr 0.001,0.01,0.1,1)
//	entrena predict [flags]   run a saved model on a file, write predictions as CSV
//	entrena eval    [flags]   loss and accuracy (RMSE, MAE, R² for regression) of a saved model on labelled data
//	entrena info              CPU, SIMD features, the kernel path and the default threads
//	entrena bench   [flags]   the benchmarks of this machine (when built in)
//
// Run `entrena COMMAND -h` for a command's flags. Exit status: 0 success,
// 1 failure (bad data, I/O, divergence), 2 bad usage, 130 interrupted.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit statuses.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitInterrupted = 130 // 128 + SIGINT, as shells report it
)

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// errInterrupted is returned when Ctrl-C stopped the work.
var errInterrupted = errors.New("interrupted")

type command struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"train", "train a network (default: MNIST from the GoMNIST module, 784-128-10)", cmdTrain},
	{"sweep", "the seed's learning-rate sweep: one training per rate, a table and a plot", cmdSweep},
	{"predict", "run a saved model on a file and write its predictions (CSV)", cmdPredict},
	{"eval", "loss and accuracy (RMSE, MAE, R² for regression) of a saved model on labelled data", cmdEval},
	{"export", "write a saved model as an ONNX file, to serve it with any ONNX runtime", cmdExport},
	{"info", "CPU model, SIMD features, the kernel path chosen and why, the default threads", cmdInfo},
	{"bench", "benchmarks of the kernels and training on this machine", cmdBench},
	{"version", "entrena's release, model format, Go version and platform", cmdVersion},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status. Every error
// is printed as one line on stderr.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "help" {
		if len(args) > 1 && name == "help" {
			// entrena help train: the command's own help.
			return run([]string{args[1], "-h"}, stdout, stderr)
		}
		usage(stdout)
		return exitOK
	}
	if name == "--version" || name == "-version" {
		name = "version"
	}
	for _, c := range commands {
		if c.name == name {
			return report(c.run(args[1:], stdout, stderr), name, stderr)
		}
	}
	fmt.Fprintf(stderr, "entrena: unknown command %q%s (commands: %s; see entrena -h)\n",
		name, didYouMean(name, commandList()), commandNames())
	return exitUsage
}

func report(err error, cmd string, stderr io.Writer) int {
	var ue usageError
	var code exitCode
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &code):
		return int(code)
	case errors.Is(err, errHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "entrena %s: %s (see entrena %s -h)\n", cmd, oneLine(err.Error()), cmd)
		return exitUsage
	case errors.Is(err, errInterrupted):
		fmt.Fprintf(stderr, "entrena %s: %s\n", cmd, oneLine(err.Error()))
		return exitInterrupted
	}
	fmt.Fprintf(stderr, "entrena %s: %s\n", cmd, oneLine(err.Error()))
	return exitFailure
}

// oneLine keeps an error message on a single line.
// oneLine is an error message on one line, without core's "entrena: "
// prefix (the line starts with "entrena <command>:" already).
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.TrimPrefix(s, "entrena: ")), " ")
}

func commandList() []string {
	var n []string
	for _, c := range commands {
		n = append(n, c.name)
	}
	return n
}

func commandNames() string { return strings.Join(commandList(), ", ") }

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: entrena COMMAND [flags]")
	fmt.Fprintln(w)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "`entrena help COMMAND` (or `entrena COMMAND -h`) lists a command's flags. `entrena train` alone trains on MNIST.")
}
