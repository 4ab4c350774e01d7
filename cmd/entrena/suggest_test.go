package main

import (
	"runtime"
	"strings"
	"testing"

	"github.com/v1tr0/entrena/core"
)

func TestClosest(t *testing.T) {
	names := []string{"train", "sweep", "predict", "eval", "info", "bench", "version"}
	for word, want := range map[string]string{
		"trian": "train", "predcit": "predict", "evl": "eval", "Train": "train",
		"ver": "version", // a prefix of one name only
		"xyz": "", "": "", "trainingset": "", "e": "",
	} {
		if got := closest(word, names); got != want {
			t.Errorf("closest(%q) = %q, want %q", word, got, want)
		}
	}
	if d := editDistance("mnsit", "mnist"); d != 1 {
		t.Errorf("a transposition costs %d, want 1", d)
	}
	if d := editDistance("kitten", "sitting"); d != 3 {
		t.Errorf("editDistance(kitten, sitting) = %d, want 3", d)
	}
}

func TestDidYouMean(t *testing.T) {
	dir := t.TempDir()
	oneLineError(t, entrena(t, dir, "trian"), 2, `unknown command "trian" (did you mean train?)`)
	oneLineError(t, entrena(t, dir, "train", "--epoch", "3"), 2, "-epoch (did you mean --epochs?)")
	oneLineError(t, entrena(t, dir, "train", "--data", "mnsit"), 1, "(did you mean mnist?)")
	oneLineError(t, entrena(t, dir, "sweep", "--data", "fashoin-mnist"), 1, "(did you mean fashion-mnist?)")
	r := entrena(t, dir, "train", "--zzzzzz", "3")
	oneLineError(t, r, 2, "flag provided but not defined: -zzzzzz")
	if strings.Contains(r.stderr, "did you mean") {
		t.Errorf("a suggestion for a flag like no other: %q", r.stderr)
	}
}

func TestHelpCommandAndVersion(t *testing.T) {
	dir := t.TempDir()
	help := must(t, dir, "help", "train")
	if !strings.HasPrefix(help.stdout, "usage: entrena train [flags]") || !strings.Contains(help.stdout, "-epochs") {
		t.Errorf("entrena help train printed:\n%s", help.stdout)
	}
	if got := must(t, dir, "train", "-h").stdout; got != help.stdout {
		t.Errorf("help train and train -h differ")
	}
	oneLineError(t, entrena(t, dir, "help", "trian"), 2, "did you mean train?")
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out := must(t, dir, args...).stdout
		for _, want := range []string{"entrena " + core.Version + " ", runtime.Version(), runtime.GOOS + "/" + runtime.GOARCH} {
			if !strings.Contains(out, want) {
				t.Errorf("entrena %s: %q lacks %q", args[0], out, want)
			}
		}
	}
}
