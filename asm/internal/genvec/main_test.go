package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// asmDir is package asm's directory, relative to this package's (where go
// test runs).
const asmDir = "../.."

// TestCommittedFilesAreCurrent fails when a generated file in asm/ was
// edited by hand or the generator changed without regenerating it.
func TestCommittedFilesAreCurrent(t *testing.T) {
	for _, f := range files {
		got, err := generate(f)
		if err != nil {
			t.Fatalf("%s: generate: %v", f.name, err)
		}
		want, err := os.ReadFile(filepath.Join(asmDir, f.name))
		if err != nil {
			t.Fatalf("reading the committed file: %v", err)
		}
		if bytes.Equal(got, want) {
			continue
		}
		line, gotLine, wantLine := firstDifference(got, want)
		t.Errorf("asm/%s is stale: run go generate ./asm\n"+
			"first difference at line %d:\n  generator: %q\n  committed: %q", f.name, line, gotLine, wantLine)
	}
}

// firstDifference returns the 1-based number of the first line where a and
// b differ, and that line of each ("" past the end of one of them).
func firstDifference(a, b []byte) (line int, aLine, bLine string) {
	al, bl := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := 0; ; i++ {
		var x, y []byte
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if !bytes.Equal(x, y) || i >= len(al) || i >= len(bl) {
			return i + 1, string(x), string(y)
		}
	}
}

// TestExpConstOffsets checks that sigmoid_amd64.h, which the kernels use to
// address ·expConsts, names every row at the offset the generator lays it
// out at.
func TestExpConstOffsets(t *testing.T) {
	h, err := os.ReadFile(filepath.Join(asmDir, "sigmoid_amd64.h"))
	if err != nil {
		t.Fatal(err)
	}
	defined := map[string]int{}
	for _, l := range strings.Split(string(h), "\n") {
		var name string
		var off int
		if n, _ := fmt.Sscanf(l, "#define %s %d", &name, &off); n == 2 {
			defined[name] = off
		}
	}
	if len(defined) != len(expConsts) {
		t.Errorf("sigmoid_amd64.h defines %d offsets, the generator lays out %d rows", len(defined), len(expConsts))
	}
	for i, c := range expConsts {
		off, ok := defined[c.name]
		if !ok || off != 32*i {
			t.Errorf("%s: sigmoid_amd64.h has offset %d (defined: %v), the generator writes the row at %d", c.name, off, ok, 32*i)
		}
	}
}
