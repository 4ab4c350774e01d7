package core

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/require"
)

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n += int64(k)
	return k, err
}

// zeros is an endless stream of zero bytes, like /dev/zero.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// hugeHeader is a valid header (no parameters, no checksum) of a
// 65536-32767 network: 2³¹ − 2¹⁵ − 1 parameters, so its file is just under
// 8 GiB, and its network needs about three times that.
func hugeHeader() []byte {
	s := Spec{Inputs: 1 << 16, Layers: []Layer{{Units: 1<<15 - 1, Activation: Linear}}, Loss: MSE,
		Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: 1, Seed: 1}.withDefaults()
	le := binary.LittleEndian
	b := []byte(modelMagic)
	b = le.AppendUint32(b, modelVersionPlain)
	b = le.AppendUint32(b, uint32(s.Inputs))
	b = le.AppendUint32(b, 1)
	b = le.AppendUint32(b, uint32(s.Layers[0].Units))
	b = append(b, byte(s.Layers[0].Activation), 0, 0, 0)
	b = append(b, byte(s.Loss), byte(s.Optimizer.Kind), 0, 0)
	for _, v := range []float32{s.Optimizer.LearningRate, s.Optimizer.Momentum, s.Optimizer.Beta1, s.Optimizer.Beta2, s.Optimizer.Epsilon} {
		b = le.AppendUint32(b, math.Float32bits(v))
	}
	b = le.AppendUint32(b, uint32(s.MaxBatch))
	b = le.AppendUint64(b, s.Seed)
	b = le.AppendUint64(b, 0)
	return le.AppendUint64(b, uint64(s.ParamCount()))
}

// hugeFileSize is the size of the file hugeHeader describes.
func hugeFileSize() int64 {
	s := Spec{Inputs: 1 << 16, Layers: []Layer{{Units: 1<<15 - 1, Activation: Linear}}}
	return int64(len(hugeHeader())) + 4*int64(s.ParamCount()) + 4
}

// sparseFile creates a file of size bytes at path holding head at its start
// and zeros after it, without writing them (a hole, on file systems that
// have them).
func sparseFile(t testing.TB, path string, head []byte, size int64) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	_, err = f.Write(head)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(size))
}

// TestReadModelStreams: ReadModel reads exactly one model from any reader,
// one byte at a time too; it checks the header before building the network,
// so an endless stream of zeros or a header claiming 24 GiB of buffers is
// refused after the header's bytes; data after the model is left unread
// (two models back to back come out one after the other); data that ends
// early and read errors are reported as such.
func TestReadModelStreams(t *testing.T) {
	n := smallNet(t)
	file, err := n.MarshalBinary()
	require.NoError(t, err)

	m, err := ReadModel(iotest.OneByteReader(bytes.NewReader(file)))
	require.NoError(t, err)
	again, err := m.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, file, again)
	require.Equal(t, n.Steps(), m.Steps())

	c := &countingReader{r: zeros{}}
	_, err = ReadModel(c)
	require.ErrorIs(t, err, ErrModel)
	require.ErrorContains(t, err, "not an entrena model")
	require.LessOrEqual(t, c.n, int64(headerStart))

	withMemoryBudget(t, 1<<30)
	c = &countingReader{r: io.MultiReader(bytes.NewReader(hugeHeader()), zeros{})}
	before := totalAlloc()
	_, err = ReadModel(c)
	require.ErrorIs(t, err, ErrTooLarge)
	require.Less(t, totalAlloc()-before, uint64(1<<20))
	require.Equal(t, int64(len(hugeHeader())), c.n, "only the header is read")

	rest := strings.NewReader("x")
	m, err = ReadModel(io.MultiReader(bytes.NewReader(file), rest))
	require.NoError(t, err)
	require.NoError(t, m.Close())
	require.Equal(t, 1, rest.Len(), "the byte after the model is left in the stream")

	other, err := New(Spec{Inputs: 3, Layers: []Layer{{Units: 2, Activation: Tanh}, {Units: 1, Activation: Linear}}, Optimizer: Optimizer{Kind: Adam, LearningRate: 0.01}, MaxBatch: 4, Seed: 9})
	require.NoError(t, err)
	otherFile, err := other.MarshalBinary()
	require.NoError(t, err)
	stream := bytes.NewReader(append(append(bytes.Clone(file), otherFile...), "tail"...))
	for _, want := range [][]byte{file, otherFile} {
		got, err := ReadModel(iotest.OneByteReader(stream))
		require.NoError(t, err)
		again, err := got.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, want, again)
		require.NoError(t, got.Close())
	}
	require.Equal(t, 4, stream.Len(), "the bytes after the second model are left unread")

	for _, k := range []int{0, 5, 19, 40, len(file) - 30, len(file) - 4, len(file) - 1} {
		_, err = ReadModel(bytes.NewReader(file[:k]))
		require.ErrorIs(t, err, ErrModel, "truncated to %d bytes", k)
	}

	broken := errors.New("disk on fire")
	_, err = ReadModel(io.MultiReader(bytes.NewReader(file[:len(file)-20]), iotest.ErrReader(broken)))
	require.ErrorIs(t, err, broken)
	require.False(t, errors.Is(err, ErrModel))

	flipped := bytes.Clone(file)
	flipped[len(flipped)-10] ^= 1 // a parameter
	_, err = ReadModel(bytes.NewReader(flipped))
	require.ErrorIs(t, err, ErrModel)
	require.ErrorContains(t, err, "checksum mismatch")
}

// TestLoadRefusesSpecialFiles: Load reads regular files only. /dev/zero,
// /dev/null, a FIFO (without blocking: no writer ever opens it), a socket
// and a folder are an *fs.PathError wrapping ErrNotRegular, naming the path.
func TestLoadRefusesSpecialFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs or devices")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.entrena")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	sock := filepath.Join(dir, "sock.entrena")
	l, err := net.Listen("unix", sock)
	require.NoError(t, err)
	defer l.Close()
	link := filepath.Join(dir, "zero-link.entrena")
	require.NoError(t, os.Symlink("/dev/zero", link))
	for _, path := range []string{"/dev/zero", "/dev/null", fifo, sock, dir, link} {
		done := make(chan error, 1)
		go func() { _, err := Load(path); done <- err }()
		select {
		case err := <-done:
			require.ErrorIs(t, err, ErrNotRegular, path)
			var pe *fs.PathError
			require.ErrorAs(t, err, &pe, path)
			require.ErrorContains(t, err, path)
		case <-time.After(10 * time.Second):
			t.Fatalf("Load(%s) blocked", path)
		}
	}
	fi, err := os.Lstat(fifo)
	require.NoError(t, err)
	require.Equal(t, fs.ModeNamedPipe, fi.Mode().Type(), "the FIFO is left alone")
}

// TestLoadHugeFileFailsFast: an 8 GiB file (a hole: nothing on disk) is
// not read to its end, nor held in memory: zeros fail at the magic; a
// valid header over a file of another size fails at the size; a valid
// header of a network needing 24 GiB fails with ErrTooLarge. Each after
// reading the header only, allocating almost nothing.
func TestLoadHugeFileFailsFast(t *testing.T) {
	withMemoryBudget(t, 1<<30)
	dir := t.TempDir()
	small, err := smallNet(t).MarshalBinary()
	require.NoError(t, err)
	cases := []struct {
		name string
		head []byte
		size int64
		want error
		text string
	}{
		{"zeros.entrena", nil, 8 << 30, ErrModel, "not an entrena model"},
		{"header-only.entrena", []byte("ENTRENA\x00\x07\x00\x00\x00"), 3 << 30, ErrVersion, "format version 7"},
		{"wrong-size.entrena", small[:len(small)-4], 3 << 30, ErrModel, "its header describes"},
		{"too-large.entrena", hugeHeader(), hugeFileSize(), ErrTooLarge, "network too large"},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name)
		sparseFile(t, path, c.head, c.size)
		before, start := totalAlloc(), time.Now()
		n, err := Load(path)
		allocated, took := totalAlloc()-before, time.Since(start)
		require.Nil(t, n)
		require.ErrorIs(t, err, c.want, c.name)
		require.ErrorContains(t, err, c.text)
		require.ErrorContains(t, err, path)
		require.Less(t, allocated, uint64(1<<20), c.name)
		require.Less(t, took, 5*time.Second, c.name)
		t.Logf("%s (%d bytes): %v in %v, %d bytes allocated", c.name, c.size, err, took, allocated)
	}
}

// TestLoadUnderUlimit loads the files of TestLoadHugeFileFailsFast, and
// /dev/zero, in a child process under a real `ulimit -v` of about 4 GB with
// the system's memory budget: each is an error. Reading a whole file first
// ended such a process with "fatal error: out of memory".
func TestLoadUnderUlimit(t *testing.T) {
	if dir := os.Getenv("ENTRENA_LOAD_ULIMIT_DIR"); dir != "" {
		for _, p := range []string{filepath.Join(dir, "zeros.entrena"), filepath.Join(dir, "too-large.entrena"), "/dev/zero"} {
			_, err := Load(p)
			fmt.Printf("LOADED %s: %s\n", filepath.Base(p), fmtErr(err))
		}
		return
	}
	dir := t.TempDir()
	sparseFile(t, filepath.Join(dir, "zeros.entrena"), nil, 8<<30)
	sparseFile(t, filepath.Join(dir, "too-large.entrena"), hugeHeader(), hugeFileSize())
	text := underUlimit(t, "TestLoadUnderUlimit", 4000000, "ENTRENA_LOAD_ULIMIT_DIR="+dir)
	require.Contains(t, text, "LOADED zeros.entrena: entrena: load "+filepath.Join(dir, "zeros.entrena")+": bad model file: not an entrena model")
	require.Contains(t, text, "LOADED too-large.entrena: entrena: load "+filepath.Join(dir, "too-large.entrena")+": bad network spec: network too large for this machine's memory")
	require.Contains(t, text, "LOADED zero: entrena: load /dev/zero: open /dev/zero: not a regular file: it is a character device")
}
