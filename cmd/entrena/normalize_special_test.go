package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A .norm path that is not a regular file: reading it fails at once (a
// FIFO there must not block eval), and a save leaves it alone.
func TestNormalizeSidecarSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	rangesCSV(t, filepath.Join(dir, "ranges.csv"), 60, 7)
	must(t, dir, "train", "--data", "ranges.csv", "--layers", "2,4,1", "--epochs", "1", "--out", "a.entrena")
	legacyModel(t, filepath.Join(dir, "a.entrena"))
	norm := filepath.Join(dir, "a.entrena.norm")
	os.Remove(norm)
	if err := syscall.Mkfifo(norm, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "eval", "--model", "a.entrena", "--data", "ranges.csv")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatal("eval blocked on a FIFO at the .norm path")
	}
	if err == nil || !strings.Contains(string(out), "a.entrena.norm") || !strings.Contains(string(out), "not a regular file") {
		t.Errorf("eval with a FIFO .norm: err %v, output %q", err, out)
	}

	// Saving over the model keeps a link at the .norm path, and its target.
	os.Remove(norm)
	target := filepath.Join(dir, "kept.txt")
	writeText(t, target, "someone's file\n")
	if err := os.Symlink(target, norm); err != nil {
		t.Fatal(err)
	}
	r := must(t, dir, "train", "--data", "ranges.csv", "--layers", "2,4,1", "--epochs", "1", "--out", "a.entrena")
	if fi, err := os.Lstat(norm); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link at a.entrena.norm was not kept: %v", err)
	}
	if b, err := os.ReadFile(target); err != nil || string(b) != "someone's file\n" {
		t.Errorf("the link's target changed: %q, %v", b, err)
	}
	if !strings.Contains(r.stdout, "left a.entrena.norm alone") {
		t.Errorf("no note about the link:\n%s", r.stdout)
	}
}
