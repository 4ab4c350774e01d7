package asm

import (
	"bufio"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Go's arm64 assembler lacks most NEON floating-point instructions, so the
// arm64 kernels spell them as `WORD $0x4f801090 // fmla v16.4s, v4.4s, v0.s[0]`
// (or with a /* … */ comment inside a #define). The comment is the
// specification: TestNEONWords assembles every comment with GNU as for
// aarch64 and requires the word to be the encoding it produces. The test only
// reads files, so it runs on any GOARCH; it is skipped when the assembler
// (Debian package binutils-aarch64-linux-gnu) is not installed, unless
// ENTRENA_NEON_WORDS=require (set by `make test-arm64`) makes that a failure.

// neonAssembler is the GNU assembler for aarch64; ENTRENA_AARCH64_AS
// overrides the name.
func neonAssembler() string {
	if as := os.Getenv("ENTRENA_AARCH64_AS"); as != "" {
		return as
	}
	return "aarch64-linux-gnu-as"
}

// wordLine matches a WORD directive and its mnemonic comment.
var wordLine = regexp.MustCompile(`\bWORD\s+\$([0-9A-Za-z_]+)\s*;?\s*(?://\s*(.*?)\s*$|/\*\s*(.*?)\s*\*/)?`)

// neonWord is one WORD directive found in an arm64 assembly file.
type neonWord struct {
	pos  string // file:line
	word uint32
	insn string // the instruction in the comment, GNU syntax
}

func readNEONWords(t *testing.T) []neonWord {
	t.Helper()
	files, err := filepath.Glob("*_arm64.s")
	if err != nil {
		t.Fatal(err)
	}
	var words []neonWord
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for line := 1; sc.Scan(); line++ {
			m := wordLine.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			pos := fmt.Sprintf("%s:%d", name, line)
			w, err := strconv.ParseUint(m[1], 0, 32)
			if err != nil {
				t.Errorf("%s: WORD %s is not a 32-bit value", pos, m[1])
				continue
			}
			insn := m[2] + m[3]
			if insn == "" {
				t.Errorf("%s: WORD %s has no instruction comment", pos, m[1])
				continue
			}
			words = append(words, neonWord{pos: pos, word: uint32(w), insn: insn})
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return words
}

func TestNEONWords(t *testing.T) {
	words := readNEONWords(t)
	if len(words) == 0 {
		t.Skip("no WORD directives in *_arm64.s")
	}
	as, err := exec.LookPath(neonAssembler())
	if err != nil && os.Getenv("ENTRENA_NEON_WORDS") == "require" {
		t.Fatalf("%s not found and ENTRENA_NEON_WORDS=require: %v", neonAssembler(), err)
	}
	if err != nil {
		t.Skipf("%s not found (apt-get install binutils-aarch64-linux-gnu): "+
			"the %d WORD encodings in *_arm64.s are not checked", neonAssembler(), len(words))
	}
	dir := t.TempDir()
	src, obj := filepath.Join(dir, "words.s"), filepath.Join(dir, "words.o")
	var sb strings.Builder
	for _, w := range words {
		sb.WriteString(w.insn + "\n")
	}
	if err := os.WriteFile(src, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(as, "-o", obj, src).CombinedOutput(); err != nil {
		// Map the assembler's "words.s:N:" back to the .s file and line.
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if i := strings.Index(l, "words.s:"); i >= 0 {
				rest := l[i+len("words.s:"):]
				if j := strings.IndexByte(rest, ':'); j > 0 {
					if n, err := strconv.Atoi(rest[:j]); err == nil && n >= 1 && n <= len(words) {
						t.Errorf("%s: %q: %s", words[n-1].pos, words[n-1].insn, strings.TrimSpace(rest[j+1:]))
						continue
					}
				}
			}
			t.Log(l)
		}
		t.Fatalf("%s failed: %v", as, err)
	}
	f, err := elf.Open(obj)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	text := f.Section(".text")
	if text == nil {
		t.Fatal("no .text section in the assembled object")
	}
	code, err := text.Data()
	if err != nil {
		t.Fatal(err)
	}
	if len(code) != 4*len(words) {
		t.Fatalf("assembled %d bytes for %d instructions: some comment is not exactly one instruction", len(code), len(words))
	}
	for i, w := range words {
		want := binary.LittleEndian.Uint32(code[4*i:])
		if w.word != want {
			t.Errorf("%s: WORD $0x%08x does not encode %q; want WORD $0x%08x", w.pos, w.word, w.insn, want)
		}
	}
	t.Logf("%d WORD encodings checked against %s", len(words), as)
}
