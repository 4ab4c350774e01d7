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

// TestOutputsMustDiffer: two outputs that are one file, or an output that
// is an input, are refused before any work, and every file is left as it
// was: neither write may replace the other's file.
func TestOutputsMustDiffer(t *testing.T) {
	dir := t.TempDir()
	writeText(t, filepath.Join(dir, "d.csv"), "a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n")
	writeText(t, filepath.Join(dir, "s.spec"), "epochs = 2\n")
	if err := os.Symlink("d.csv", filepath.Join(dir, "link.csv")); err != nil {
		t.Fatal(err)
	}
	must(t, dir, "train", "--data", "xor", "--epochs", "2", "--out", "m.entrena")
	before := map[string]string{}
	for _, name := range []string{"d.csv", "s.spec", "m.entrena"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		before[name] = string(b)
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"model and history", []string{"train", "--data", "xor", "--out", "same.entrena", "--history", "same.entrena"}, "--out and --history both write same.entrena"},
		{"history and plot", []string{"train", "--data", "xor", "--history", "x.png", "--plot", "x"}, "--history and --plot both write x.png"},
		{"history onto the data", []string{"train", "--data", "d.csv", "--history", "./d.csv"}, "--history ./d.csv is the --data file d.csv"},
		{"model onto the data through a link", []string{"train", "--data", "link.csv", "--out", "d.csv"}, "--out d.csv is the --data file link.csv"},
		{"model onto the test data", []string{"train", "--data", "d.csv", "--test", "d.csv", "--out", "d.csv"}, "--out d.csv is the --data file"},
		{"model onto the spec", []string{"train", "--data", "xor", "--spec", "s.spec", "--out", "s.spec"}, "--out s.spec is the --spec file"},
		{"sweep history onto the data", []string{"sweep", "--data", "d.csv", "--history", "link.csv"}, "--history link.csv is the --data file d.csv"},
		{"predictions onto the model", []string{"predict", "--model", "m.entrena", "--data", "xor", "--out", "m.entrena"}, "--out m.entrena is the --model file"},
		{"predictions onto the data", []string{"predict", "--model", "m.entrena", "--data", "link.csv", "--out", "d.csv"}, "--out d.csv is the --data file link.csv"},
		{"ONNX onto the model", []string{"export", "--model", "m.entrena", "--onnx", dir + "/m.entrena"}, "is the --model file m.entrena"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := entrena(t, dir, c.args...)
			oneLineError(t, r, exitUsage, c.want)
			if strings.Contains(r.stdout, "Epoch") || strings.Contains(r.stdout, "saved") {
				t.Errorf("worked before refusing:\n%s", r.stdout)
			}
		})
	}
	for name, was := range before {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(b) != was {
			t.Errorf("%s changed: %v", name, err)
		}
	}
	for _, name := range []string{"same.entrena", "x.png", "x.svg"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s was written", name)
		}
	}
}
