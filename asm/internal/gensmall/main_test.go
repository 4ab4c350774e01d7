package main

import (
	"bytes"
	"os"
	"testing"
)

// committed is the generated file, relative to this package's directory
// (where go test runs).
const committed = "../../gemm_small_amd64.s"

// TestCommittedFileIsCurrent fails when asm/gemm_small_amd64.s was edited
// by hand or the generator changed without regenerating it.
func TestCommittedFileIsCurrent(t *testing.T) {
	var got bytes.Buffer
	if err := generate(&got); err != nil {
		t.Fatalf("generate: %v", err)
	}
	want, err := os.ReadFile(committed)
	if err != nil {
		t.Fatalf("reading the committed file: %v", err)
	}
	if bytes.Equal(got.Bytes(), want) {
		return
	}
	line, gotLine, wantLine := firstDifference(got.Bytes(), want)
	t.Fatalf("asm/gemm_small_amd64.s is stale: run go generate ./asm\n"+
		"first difference at line %d:\n  generator: %q\n  committed: %q", line, gotLine, wantLine)
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
