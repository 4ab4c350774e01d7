package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// idxBytes builds an unsigned-byte IDX file with the given dimensions and data.
func idxBytes(dims []int, items []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, idxUbyte, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(items)
	return b.Bytes()
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// tinyMNIST writes PREFIX-images-idx3-ubyte.gz and PREFIX-labels-idx1-ubyte.gz
// with n images of 2×3 pixels (pixel value i*6+j) and labels i%classes.
func tinyMNIST(t *testing.T, dir, prefix string, n, classes int) {
	t.Helper()
	px := make([]byte, n*6)
	lb := make([]byte, n)
	for i := range n {
		for j := range 6 {
			px[i*6+j] = byte(i*6 + j)
		}
		lb[i] = byte(i % classes)
	}
	writeFile(t, dir, prefix+"-images-idx3-ubyte.gz", gz(idxBytes([]int{n, 2, 3}, px)))
	writeFile(t, dir, prefix+"-labels-idx1-ubyte.gz", gz(idxBytes([]int{n}, lb)))
}
