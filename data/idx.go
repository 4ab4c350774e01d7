package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/v1tr0/entrena/internal/mem"
)

// IDX is the MNIST file format: a 4-byte magic (two zero bytes, a type code,
// the number of dimensions), one big-endian uint32 per dimension, then the
// items in row-major order. entrena reads type 0x08 (unsigned bytes), the
// type of every MNIST-family file.
const idxUbyte = 0x08

// DefaultMaxElements bounds the items one IDX file may declare (1 GiB of
// float32 once decoded); larger headers are rejected before anything is
// allocated.
const DefaultMaxElements = 1 << 28

// byteToUnit maps a pixel byte to [0, 1].
var byteToUnit = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return
}()

// idxHeader reads and checks the magic and dimensions. It returns the
// dimensions and their product. maxElements ≤ 0 means DefaultMaxElements.
func idxHeader(r io.Reader, maxElements int) (dims []int, total int, err error) {
	if maxElements <= 0 {
		maxElements = DefaultMaxElements
	}
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, 0, truncated(err, "the 4-byte magic number")
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, 0, fmt.Errorf("%w: not an IDX file (magic %02x%02x%02x%02x, want 0000 08 nn)", ErrFormat, magic[0], magic[1], magic[2], magic[3])
	}
	if magic[2] != idxUbyte {
		return nil, 0, fmt.Errorf("%w: IDX data type 0x%02x is not supported (only 0x08, unsigned bytes)", ErrFormat, magic[2])
	}
	nd := int(magic[3])
	if nd < 1 {
		return nil, 0, fmt.Errorf("%w: IDX file with 0 dimensions", ErrFormat)
	}
	dims = make([]int, nd)
	total = 1
	for i := range dims {
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, 0, truncated(err, fmt.Sprintf("dimension %d of the header", i+1))
		}
		d := int(binary.BigEndian.Uint32(b[:]))
		if d == 0 {
			return nil, 0, fmt.Errorf("%w: IDX dimension %d is 0 (an empty file)", ErrFormat, i+1)
		}
		if d > maxElements || total > maxElements/d {
			return nil, 0, fmt.Errorf("%w: IDX header declares more than %d items", ErrFormat, maxElements)
		}
		dims[i] = d
		total *= d
	}
	return dims, total, nil
}

func truncated(err error, what string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: truncated: the file ends inside %s", ErrFormat, what)
	}
	return err
}

// DecodeIDXImages reads an IDX file of unsigned bytes with at least two
// dimensions (samples × any shape) from r, streaming it into one float32
// buffer of samples×features values scaled to [0, 1]. A header declaring
// more than maxElements items (DefaultMaxElements when maxElements ≤ 0)
// is an ErrFormat, before anything is allocated.
func DecodeIDXImages(r io.Reader, maxElements int) (x []float32, samples, features int, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	dims, total, err := idxHeader(br, maxElements)
	if err != nil {
		return nil, 0, 0, err
	}
	if len(dims) < 2 {
		return nil, 0, 0, fmt.Errorf("%w: an image IDX file needs at least 2 dimensions, this one has %d (a label file?)", ErrFormat, len(dims))
	}
	samples, features = dims[0], total/dims[0]
	x = mem.Floats(total)
	off := 0
	for off < total {
		chunk, err := br.Peek(min(br.Size(), total-off))
		for i, b := range chunk {
			x[off+i] = byteToUnit[b]
		}
		off += len(chunk)
		br.Discard(len(chunk))
		if err != nil && off < total {
			return nil, 0, 0, dataTruncated(err, off, total, dims)
		}
	}
	if err := expectEOF(br, total); err != nil {
		return nil, 0, 0, err
	}
	return x, samples, features, nil
}

// DecodeIDXLabels reads a one-dimensional IDX file of unsigned bytes, of
// at most maxElements labels (DefaultMaxElements when maxElements ≤ 0).
func DecodeIDXLabels(r io.Reader, maxElements int) ([]uint8, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	dims, total, err := idxHeader(br, maxElements)
	if err != nil {
		return nil, err
	}
	if len(dims) != 1 {
		return nil, fmt.Errorf("%w: a label IDX file has 1 dimension, this one has %d (an image file?)", ErrFormat, len(dims))
	}
	labels := make([]uint8, total)
	if n, err := io.ReadFull(br, labels); err != nil {
		return nil, dataTruncated(err, n, total, dims)
	}
	if err := expectEOF(br, total); err != nil {
		return nil, err
	}
	return labels, nil
}

func dataTruncated(err error, got, want int, dims []int) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: truncated: the header declares %v = %d bytes of data, the file holds %d", ErrFormat, dims, want, got)
	}
	return gzipErr(err)
}

// expectEOF checks that nothing follows the data (and, for gzip, that the
// checksum at the end is right).
func expectEOF(br *bufio.Reader, items int) error {
	var b [1]byte
	n, err := br.Read(b[:])
	for n == 0 && err == nil {
		n, err = br.Read(b[:])
	}
	if n > 0 {
		return fmt.Errorf("%w: extra data after the %d items the header declares", ErrFormat, items)
	}
	if err != io.EOF {
		return gzipErr(err)
	}
	return nil
}

func gzipErr(err error) error {
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
		return fmt.Errorf("%w: corrupt gzip data: %v", ErrFormat, err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: truncated gzip stream", ErrFormat)
	}
	return err
}

// openData opens path and, when its first bytes are the gzip magic,
// decompresses it on the fly (the file name does not matter).
func openData(path string) (io.Reader, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	r, err := maybeGzip(f)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, f, nil
}

// maybeGzip decompresses r on the fly when it starts with the gzip magic.
func maybeGzip(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if m, _ := br.Peek(2); len(m) == 2 && m[0] == 0x1f && m[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, gzipErr(err)
		}
		return zr, nil
	}
	return br, nil
}

// ReadIDXImages reads an image IDX file (plain or gzip) from path.
func ReadIDXImages(path string) (x []float32, samples, features int, err error) {
	r, c, err := openData(path)
	if err != nil {
		return nil, 0, 0, err
	}
	defer c.Close()
	x, samples, features, err = DecodeIDXImages(r, DefaultMaxElements)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	return x, samples, features, nil
}

// ReadIDXLabels reads a label IDX file (plain or gzip) from path.
func ReadIDXLabels(path string) ([]uint8, error) {
	r, c, err := openData(path)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	l, err := DecodeIDXLabels(r, DefaultMaxElements)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

// LoadIDX reads an image file and its label file into a Set with one-hot
// targets (classes = largest label + 1). labelsPath may be empty for
// unlabelled data.
func LoadIDX(name, imagesPath, labelsPath string) (*Set, error) {
	x, n, f, err := ReadIDXImages(imagesPath)
	if err != nil {
		return nil, err
	}
	s := &Set{Name: name, X: x, Samples: n, Inputs: f}
	if labelsPath == "" {
		return s, nil
	}
	labels, err := ReadIDXLabels(labelsPath)
	if err != nil {
		return nil, err
	}
	if len(labels) != n {
		return nil, fmt.Errorf("%w: %s has %d labels but %s has %d images", ErrFormat, labelsPath, len(labels), imagesPath, n)
	}
	classes := 0
	for _, l := range labels {
		classes = max(classes, int(l)+1)
	}
	y, err := OneHot(labels, classes)
	if err != nil {
		return nil, err
	}
	s.Y, s.Outputs, s.Classes = y, classes, classes
	return s, nil
}

// OneHot encodes labels as len(labels)×classes rows of 0 with a 1 at the
// label. A label outside [0, classes), or classes < 1, is an error naming
// the first such label: it would land in another row or outside y.
func OneHot[T uint8 | int | int32](labels []T, classes int) ([]float32, error) {
	if classes < 1 {
		return nil, fmt.Errorf("one-hot encoding needs at least 1 class, got %d", classes)
	}
	if len(labels) > maxInt/classes {
		return nil, fmt.Errorf("one-hot encoding of %d labels × %d classes overflows int", len(labels), classes)
	}
	for i, l := range labels {
		if int64(l) < 0 || int64(l) >= int64(classes) {
			return nil, fmt.Errorf("one-hot encoding: labels[%d] is %d, outside the classes 0 to %d", i, int64(l), classes-1)
		}
	}
	y := make([]float32, len(labels)*classes)
	for i, l := range labels {
		y[i*classes+int(l)] = 1
	}
	return y, nil
}

const maxInt = int(^uint(0) >> 1)

// IsIDX reports whether the file at path (plain or gzip) starts like an
// unsigned-byte IDX file.
func IsIDX(path string) (bool, error) {
	r, c, err := openData(path)
	if err != nil {
		return false, err
	}
	defer c.Close()
	var m [3]byte
	if _, err := io.ReadFull(r, m[:]); err != nil {
		return false, nil
	}
	return m[0] == 0 && m[1] == 0 && m[2] == idxUbyte, nil
}

// LabelsFor guesses the label file of an MNIST-style image file name
// (…-images-idx3-ubyte[.gz] → …-labels-idx1-ubyte[.gz]); "" when none exists.
func LabelsFor(imagesPath string) string {
	for _, p := range [][2]string{{"images-idx3", "labels-idx1"}, {"images.idx3", "labels.idx1"}} {
		if !strings.Contains(imagesPath, p[0]) {
			continue
		}
		base := strings.Replace(imagesPath, p[0], p[1], 1)
		for _, c := range []string{base, strings.TrimSuffix(base, ".gz"), base + ".gz"} {
			if st, err := os.Stat(c); err == nil && st.Mode().IsRegular() {
				return c
			}
		}
	}
	return ""
}
