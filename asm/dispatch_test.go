package asm

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestUseAndAvailable(t *testing.T) {
	prev := Active()
	defer func() { _ = Use(prev) }()
	avail := Available()
	require.Equal(t, "generic", avail[0])
	for _, p := range avail {
		require.NoError(t, Use(p))
		require.Equal(t, p, Active())
	}
	err := Use("sse9")
	require.ErrorContains(t, err, "unknown kernel path")
	require.ErrorContains(t, err, "generic, avx2, avx512, neon")
	for _, known := range KnownPaths() {
		if !contains(avail, known) {
			require.ErrorContains(t, Use(known), "not available")
		}
	}
	info := Info()
	require.Equal(t, avail, info.Available)
	require.NotEmpty(t, info.Reason)
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestEnvKernels runs this test binary again with ENTRENA_KERNELS set and
// checks what the child saw at start-up.
func TestEnvKernels(t *testing.T) {
	if os.Getenv("ENTRENA_ENV_CHILD") == "1" {
		if err := InitError(); err != nil {
			os.Stdout.WriteString("ERR " + err.Error() + "\n")
		}
		os.Stdout.WriteString("ACTIVE " + Active() + "\n")
		return
	}
	run := func(value string) string {
		cmd := exec.Command(os.Args[0], "-test.run=^TestEnvKernels$")
		cmd.Env = append(os.Environ(), "ENTRENA_ENV_CHILD=1", EnvKernels+"="+value)
		out, err := runSelf(t, cmd)
		require.NoError(t, err, string(out))
		return string(out)
	}
	require.Contains(t, run("generic"), "ACTIVE generic")
	out := run("bogus")
	require.Contains(t, out, "ERR ENTRENA_KERNELS=\"bogus\": unknown kernel path")
	require.Contains(t, out, "ACTIVE generic")
	best := Available()[len(Available())-1]
	require.True(t, strings.Contains(run(best), "ACTIVE "+best))
}
