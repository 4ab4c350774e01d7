package data

import (
	"bytes"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDecodeIDXImages(t *testing.T) {
	items := []byte{0, 255, 51, 102, 204, 1}
	x, n, f, err := DecodeIDXImages(bytes.NewReader(idxBytes([]int{2, 1, 3}, items)), DefaultMaxElements)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || f != 3 || len(x) != 6 {
		t.Fatalf("got %d samples × %d features (%d values), want 2×3", n, f, len(x))
	}
	for i, b := range items {
		if want := float32(b) / 255; x[i] != want {
			t.Errorf("x[%d] = %v, want %v", i, x[i], want)
		}
	}
}

func TestDecodeIDXLabels(t *testing.T) {
	l, err := DecodeIDXLabels(bytes.NewReader(idxBytes([]int{4}, []byte{3, 1, 4, 1})), DefaultMaxElements)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(l, []byte{3, 1, 4, 1}) {
		t.Fatalf("labels %v", l)
	}
}

func TestIDXErrors(t *testing.T) {
	good := idxBytes([]int{2, 2, 2}, make([]byte, 8))
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "truncated: the file ends inside the 4-byte magic"},
		{"wrong magic", append([]byte{0x50, 0x4b, 3, 4}, good[4:]...), "not an IDX file"},
		{"float type", append([]byte{0, 0, 0x0d, 3}, good[4:]...), "data type 0x0d is not supported"},
		{"zero dims", []byte{0, 0, 8, 0}, "0 dimensions"},
		{"truncated header", good[:9], "truncated: the file ends inside dimension 2"},
		{"truncated data", good[:len(good)-3], "declares [2 2 2] = 8 bytes of data, the file holds 5"},
		{"extra data", append(append([]byte{}, good...), 7), "extra data after the 8 items"},
		{"zero dimension", idxBytes([]int{0, 2, 2}, nil), "dimension 1 is 0"},
		{"huge", idxBytes([]int{1 << 20, 1 << 20}, nil), "more than"},
		{"one dimension", idxBytes([]int{3}, []byte{1, 2, 3}), "needs at least 2 dimensions"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, _, err := DecodeIDXImages(bytes.NewReader(c.in), DefaultMaxElements)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if !errors.Is(err, ErrFormat) {
				t.Errorf("error %v does not wrap ErrFormat", err)
			}
		})
	}
	if _, err := DecodeIDXLabels(bytes.NewReader(good), DefaultMaxElements); err == nil || !strings.Contains(err.Error(), "label IDX file has 1 dimension") {
		t.Errorf("labels from an image file: %v", err)
	}
}

func TestReadIDXFiles(t *testing.T) {
	dir := t.TempDir()
	items := []byte{0, 255, 0, 255}
	plain := writeFile(t, dir, "plain", idxBytes([]int{1, 2, 2}, items))
	zipped := writeFile(t, dir, "zipped.bin", gz(idxBytes([]int{1, 2, 2}, items))) // sniffed, not named
	for _, p := range []string{plain, zipped} {
		x, n, f, err := ReadIDXImages(p)
		if err != nil || n != 1 || f != 4 || x[1] != 1 {
			t.Errorf("%s: %v %d %d %v", p, x, n, f, err)
		}
		if ok, err := IsIDX(p); !ok || err != nil {
			t.Errorf("IsIDX(%s) = %v, %v", p, ok, err)
		}
	}
	// A gzip stream cut short, and one with a corrupted checksum.
	z := gz(idxBytes([]int{100, 10, 10}, bytes.Repeat([]byte{1, 2, 3, 4, 5}, 2000)))
	cut := writeFile(t, dir, "cut.gz", z[:len(z)/2])
	if _, _, _, err := ReadIDXImages(cut); err == nil || !strings.Contains(err.Error(), "truncated") || !strings.HasPrefix(err.Error(), cut) {
		t.Errorf("cut gzip: %v", err)
	}
	bad := append([]byte{}, z...)
	bad[len(bad)-6] ^= 0xff // inside the CRC-32
	badp := writeFile(t, dir, "crc.gz", bad)
	if _, _, _, err := ReadIDXImages(badp); err == nil || !strings.Contains(err.Error(), "corrupt gzip") {
		t.Errorf("bad checksum: %v", err)
	}
	if _, _, _, err := ReadIDXImages(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
	csv := writeFile(t, dir, "a.csv", []byte("1,2\n"))
	if ok, _ := IsIDX(csv); ok {
		t.Error("IsIDX(csv) = true")
	}
}

func TestLoadIDX(t *testing.T) {
	dir := t.TempDir()
	tinyMNIST(t, dir, "train", 7, 3)
	im, lb, err := IDXFiles(filepath.Join(dir, "train"))
	if err != nil {
		t.Fatal(err)
	}
	if LabelsFor(im) != lb {
		t.Errorf("LabelsFor(%s) = %q, want %q", im, LabelsFor(im), lb)
	}
	s, err := LoadIDX("tiny", im, lb)
	if err != nil {
		t.Fatal(err)
	}
	if s.Samples != 7 || s.Inputs != 6 || s.Outputs != 3 || s.Classes != 3 || len(s.Y) != 21 {
		t.Fatalf("set %+v", s)
	}
	for i := range 7 {
		for c := range 3 {
			want := float32(0)
			if c == i%3 {
				want = 1
			}
			if s.Y[i*3+c] != want {
				t.Fatalf("Y[%d][%d] = %v, want %v", i, c, s.Y[i*3+c], want)
			}
		}
	}
	if s.X[6] != 6.0/255 {
		t.Errorf("X[6] = %v", s.X[6])
	}
	// Label count differs from image count.
	tinyMNIST(t, dir, "other", 5, 3)
	_, lb5, _ := IDXFiles(filepath.Join(dir, "other"))
	if _, err := LoadIDX("mixed", im, lb5); err == nil || !strings.Contains(err.Error(), "has 5 labels but") {
		t.Errorf("mismatch: %v", err)
	}
	if _, _, err := IDXFiles(filepath.Join(dir, "nothing")); err == nil || !strings.Contains(err.Error(), "no images file") {
		t.Errorf("IDXFiles(nothing): %v", err)
	}
}

func TestOneHot(t *testing.T) {
	y, err := OneHot([]int{2, 0, 1}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float32{0, 0, 1, 1, 0, 0, 0, 1, 0}; !slices.Equal(y, want) {
		t.Errorf("OneHot = %v, want %v", y, want)
	}
	if y, err := OneHot([]uint8{}, 4); err != nil || len(y) != 0 {
		t.Errorf("no labels: %v, %v", y, err)
	}
}

// TestOneHotBadLabels: a label outside the classes must be an error naming
// it, not a 1 written into another sample's row or a panic.
func TestOneHotBadLabels(t *testing.T) {
	for _, c := range []struct {
		labels  []int
		classes int
		want    string
	}{
		{[]int{3, 0}, 3, "labels[0] is 3"},
		{[]int{0, -1}, 3, "labels[1] is -1"},
		{[]int{0, 3}, 3, "labels[1] is 3"},
		{[]int{1}, -1, "at least 1 class"},
		{[]int{0}, 0, "at least 1 class"},
		{[]int{0, 0, 0}, math.MaxInt / 2, "overflows"},
	} {
		y, err := OneHot(c.labels, c.classes)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("OneHot(%v, %d) = %v, %v; want an error with %q", c.labels, c.classes, y, err, c.want)
		}
	}
	if _, err := OneHot([]int32{0, 5}, 5); err == nil || !strings.Contains(err.Error(), "labels[1] is 5") {
		t.Errorf("int32 labels: %v", err)
	}
	if _, err := OneHot([]uint8{255}, 10); err == nil || !strings.Contains(err.Error(), "labels[0] is 255") {
		t.Errorf("uint8 labels: %v", err)
	}
}

// TestIDXDefaultLimit: maxElements ≤ 0 means DefaultMaxElements, not a
// limit that refuses every file.
func TestIDXDefaultLimit(t *testing.T) {
	images := idxBytes([]int{2, 3}, []byte{0, 51, 102, 153, 204, 255})
	labels := idxBytes([]int{2}, []byte{1, 0})
	for _, limit := range []int{0, -1} {
		x, n, f, err := DecodeIDXImages(bytes.NewReader(images), limit)
		if err != nil || n != 2 || f != 3 || x[5] != 1 {
			t.Errorf("images, limit %d: %v %d %d %v", limit, x, n, f, err)
		}
		l, err := DecodeIDXLabels(bytes.NewReader(labels), limit)
		if err != nil || !slices.Equal(l, []uint8{1, 0}) {
			t.Errorf("labels, limit %d: %v %v", limit, l, err)
		}
		huge := idxBytes([]int{1 << 15, 1 << 14}, nil) // 2^29 items > DefaultMaxElements
		if _, _, _, err := DecodeIDXImages(bytes.NewReader(huge), limit); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "more than") {
			t.Errorf("huge header, limit %d: %v", limit, err)
		}
	}
}
