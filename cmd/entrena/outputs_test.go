//go:build unix

package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOutputsFollowLinks: --out, --history and --plot written through
// symbolic links replace the files the links point to; the links stay
// links, and predict loads the model through its link.
func TestOutputsFollowLinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"m.entrena":  "real/m.entrena",
		"h.csv":      "real/h.csv",
		"cost.png":   "real/cost.png",
		"cost.svg":   "real/cost.svg",
		"dangle.csv": "real/new.csv",
	}
	for name, to := range links {
		if name != "dangle.csv" {
			writeText(t, filepath.Join(dir, to), "old")
		}
		if err := os.Symlink(to, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	must(t, dir, "train", "--data", "xor", "--epochs", "3", "--out", "m.entrena", "--history", "h.csv", "--plot", "cost")
	must(t, dir, "train", "--data", "xor", "--epochs", "2", "--history", "dangle.csv")
	for name, to := range links {
		got, err := os.Readlink(filepath.Join(dir, name))
		if err != nil || got != to {
			t.Errorf("%s is no longer a link to %s: %q, %v", name, to, got, err)
		}
		b, err := os.ReadFile(filepath.Join(dir, to))
		if err != nil || len(b) <= 3 {
			t.Errorf("%s was not written through its link: %q, %v", to, b, err)
		}
	}
	must(t, dir, "predict", "--model", "m.entrena", "--data", "xor")
}

// TestOutputsRefuseSpecialFiles: an output path that is a FIFO, a folder or
// a link to a FIFO is refused before training, in one line, and left as
// it was; nothing blocks on the FIFO.
func TestOutputsRefuseSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("fifo", filepath.Join(dir, "fifo-link.csv")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "folder.png"), 0o755); err != nil {
		t.Fatal(err)
	}
	must(t, dir, "train", "--data", "xor", "--epochs", "2", "--out", "xor.entrena")
	for _, c := range []struct {
		name string
		args []string
		path string
	}{
		{"model onto a FIFO", []string{"train", "--data", "xor", "--out", "fifo"}, "fifo"},
		{"history through a link to a FIFO", []string{"train", "--data", "xor", "--history", "fifo-link.csv"}, "fifo-link.csv"},
		{"plot onto a folder", []string{"train", "--data", "xor", "--plot", "folder"}, "folder.png"},
		{"predictions onto a FIFO", []string{"predict", "--model", "xor.entrena", "--data", "xor", "--out", "fifo"}, "fifo"},
		{"model from a FIFO", []string{"predict", "--model", "fifo", "--data", "xor"}, "fifo"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := entrena(t, dir, c.args...)
			oneLineError(t, r, exitFailure, c.path)
			if !strings.Contains(r.stderr, "not a regular file") {
				t.Errorf("stderr %q does not say why", r.stderr)
			}
			if strings.Contains(r.stdout, "Epoch") {
				t.Errorf("trained before refusing:\n%s", r.stdout)
			}
		})
	}
	for name, typ := range map[string]fs.FileMode{"fifo": fs.ModeNamedPipe, "fifo-link.csv": fs.ModeSymlink, "folder.png": fs.ModeDir} {
		fi, err := os.Lstat(filepath.Join(dir, name))
		if err != nil || fi.Mode().Type() != typ {
			t.Errorf("%s was replaced: %v, %v", name, fi, err)
		}
	}
}
