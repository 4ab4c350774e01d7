package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// bin is the entrena binary built once for the end-to-end tests.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "entrena-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "entrena")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

// entrena runs the binary in dir with args.
func entrena(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return entrenaEnv(t, dir, nil, args...)
}

// entrenaEnv runs the binary in dir with args and env ("KEY=value") added
// to the test's environment.
func entrenaEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}

// must runs entrena and fails the test unless it exits 0.
func must(t *testing.T, dir string, args ...string) result {
	t.Helper()
	r := entrena(t, dir, args...)
	if r.code != 0 {
		t.Fatalf("entrena %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// oneLineError checks a failed run: the wanted status, exactly one line on
// stderr containing want, and no Go panic or stack trace.
func oneLineError(t *testing.T, r result, code int, want string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit %d, want %d (stderr %q)", r.code, code, r.stderr)
	}
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "entrena") {
		t.Errorf("stderr is not one entrena line: %q", r.stderr)
	}
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q does not contain %q", r.stderr, want)
	}
	for _, bad := range []string{"panic", "goroutine ", ".go:"} {
		if strings.Contains(r.stderr+r.stdout, bad) {
			t.Errorf("output contains %q:\n%s%s", bad, r.stdout, r.stderr)
		}
	}
}

// blobsCSV writes a 3-class data set: points around three centres, with a
// header, label column "class" in the middle.
func blobsCSV(t *testing.T, path string, n int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("x,class,y\n")
	centres := [3][2]float64{{0, 0}, {3, 0}, {0, 3}}
	for i := range n {
		c := i % 3
		// deterministic scatter around the centre
		a := float64(i) * 2.399963
		r := 0.6 * math.Sqrt(float64(i%17)/17)
		fmt.Fprintf(&b, "%.4f,%d,%.4f\n", centres[c][0]+r*math.Cos(a), c, centres[c][1]+r*math.Sin(a))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// idxFile builds an unsigned-byte IDX file, gzip-compressed when zip is set.
func idxFile(t *testing.T, path string, dims []int, items []byte, zip bool) {
	t.Helper()
	var b bytes.Buffer
	b.Write([]byte{0, 0, 8, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(items)
	data := b.Bytes()
	if zip {
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		w.Write(data)
		w.Close()
		data = z.Bytes()
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// tinyIDX writes PREFIX-images/labels files of n 4×4 images: class c lights
// row c, so the classes are easy to learn.
func tinyIDX(t *testing.T, prefix string, n int, zip bool) {
	t.Helper()
	px := make([]byte, n*16)
	lb := make([]byte, n)
	for i := range n {
		c := i % 4
		lb[i] = byte(c)
		for j := range 4 {
			px[i*16+c*4+j] = byte(200 + (i*7+j)%56)
		}
	}
	ext := ""
	if zip {
		ext = ".gz"
	}
	idxFile(t, prefix+"-images-idx3-ubyte"+ext, []int{n, 4, 4}, px, zip)
	idxFile(t, prefix+"-labels-idx1-ubyte"+ext, []int{n}, lb, zip)
}

func checkPNG(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if b := img.Bounds(); b.Dx() < 200 || b.Dy() < 200 {
		t.Errorf("%s: %v is too small", path, b)
	}
}

// checkSVG parses the SVG and returns how many <path> elements it has.
func checkSVG(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := xml.NewDecoder(f)
	root, paths := "", 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if root == "" {
				root = se.Name.Local
			}
			if se.Name.Local == "path" {
				paths++
			}
		}
	}
	if root != "svg" {
		t.Fatalf("%s: root element %q, want svg", path, root)
	}
	return paths
}

// noTempFiles fails when dir holds leftovers of an atomic write.
func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}
