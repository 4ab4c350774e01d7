package core

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"syscall"
	"testing"
)

// underUlimit re-runs the test binary's test named test under `ulimit -v
// limitKiB`, with env added, and returns its combined output; it skips
// where that cannot be done (not Linux, the race detector, no bash, a limit
// that cannot be set, or a binary bash cannot run, as an arm64 test binary
// under qemu-user).
func underUlimit(t *testing.T, test string, limitKiB int, env ...string) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("ulimit -v is tested on Linux")
	}
	if raceEnabled {
		t.Skip("the race detector needs more address space than ulimit -v leaves")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	cmd := exec.Command(bash, "-c", `ulimit -v `+strconv.Itoa(limitKiB)+` || exit 3; exec "$0" -test.run='^`+test+`$' -test.count=1`, os.Args[0])
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 3 {
		t.Skipf("cannot set ulimit -v %d here: %s", limitKiB, out)
	}
	// bash's exec of a binary the kernel cannot run exits 126.
	if errors.Is(err, syscall.ENOEXEC) || errors.As(err, &exit) && exit.ExitCode() == 126 {
		t.Skipf("cannot re-run the test binary here (qemu-user): %s", out)
	}
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return string(out)
}
