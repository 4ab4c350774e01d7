package core

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
)

// The model file format, version 1. All integers and floats little-endian.
//
//	offset  size  field
//	0       8     magic "ENTRENA\x00"
//	8       4     format version (uint32) = 1
//	12      4     inputs (uint32)
//	16      4     layer count L (uint32)
//	20      8·L   per layer: units (uint32), activation (uint8), 3 zero bytes
//	…       1     loss (uint8)
//	…       1     optimizer kind (uint8)
//	…       2     zero
//	…       20    learning rate, momentum, beta1, beta2, epsilon (float32 each)
//	…       4     max batch (uint32)
//	…       8     seed (uint64)
//	…       8     optimizer steps taken (uint64)
//	…       8     parameter count P (uint64)
//	…       4·P   parameters: for each layer, out×in weights row-major, then out biases
//	…       4     CRC-32 (IEEE) of every byte before it
//
// Optimizer state (velocity, Adam moments) is not stored: a loaded network
// continues training with a fresh optimizer state. Decode accepts exactly
// the files Encode writes: the zero bytes must be zero, the optimizer's
// hyper-parameters are stored with their defaults filled in (a zero where
// New would substitute a default is an error), steps fit an int64.
const (
	modelMagic   = "ENTRENA\x00"
	ModelVersion = 1
)

// EncodedSize is the exact size in bytes of the network's model file.
func (n *Network) EncodedSize() int {
	return 8 + 4 + 4 + 4 + 8*len(n.layers) + 4 + 20 + 4 + 8 + 8 + 8 + 4*n.ParamCount() + 4
}

// Encode writes the model file into dst, which must hold EncodedSize bytes,
// and returns the bytes written. It allocates nothing.
func (n *Network) Encode(dst []byte) (int, error) {
	size := n.EncodedSize()
	if len(dst) < size {
		return 0, shapeErr("buffer has %d bytes, the model needs %d", len(dst), size)
	}
	le := binary.LittleEndian
	b := dst[:0]
	b = append(b, modelMagic...)
	b = le.AppendUint32(b, ModelVersion)
	b = le.AppendUint32(b, uint32(n.spec.Inputs))
	b = le.AppendUint32(b, uint32(len(n.layers)))
	for _, l := range n.spec.Layers {
		b = le.AppendUint32(b, uint32(l.Units))
		b = append(b, byte(l.Activation), 0, 0, 0)
	}
	o := n.spec.Optimizer
	b = append(b, byte(n.spec.Loss), byte(o.Kind), 0, 0)
	for _, v := range []float32{o.LearningRate, o.Momentum, o.Beta1, o.Beta2, o.Epsilon} {
		b = le.AppendUint32(b, math.Float32bits(v))
	}
	b = le.AppendUint32(b, uint32(n.spec.MaxBatch))
	b = le.AppendUint64(b, n.spec.Seed)
	b = le.AppendUint64(b, uint64(n.step))
	b = le.AppendUint64(b, uint64(n.ParamCount()))
	for _, l := range n.layers {
		for _, v := range l.w {
			b = le.AppendUint32(b, math.Float32bits(v))
		}
		for _, v := range l.b {
			b = le.AppendUint32(b, math.Float32bits(v))
		}
	}
	b = le.AppendUint32(b, crc32.ChecksumIEEE(b))
	return len(b), nil
}

// MarshalBinary returns the model file as a new byte slice.
func (n *Network) MarshalBinary() ([]byte, error) {
	buf := make([]byte, n.EncodedSize())
	_, err := n.Encode(buf)
	return buf, err
}

// WriteTo writes the model file to w.
func (n *Network) WriteTo(w io.Writer) (int64, error) {
	buf, err := n.MarshalBinary()
	if err != nil {
		return 0, err
	}
	k, err := w.Write(buf)
	return int64(k), err
}

// Save writes the model file to path atomically: into a temporary file in
// the same folder, flushed to disk, then renamed over path. A crash or an
// error at any point leaves the previous file at path intact.
func (n *Network) Save(path string) (err error) {
	defer recoverError(&err)
	buf, err := n.MarshalBinary()
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, buf)
}

// WriteFileAtomic writes data to path through a temporary file in the same
// folder, fsync and rename, then syncs the folder. The file gets the mode of
// the file it replaces, or 0644 for a new one.
func WriteFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	mode := os.FileMode(0o644)
	if fi, serr := os.Stat(path); serr == nil && fi.Mode().IsRegular() {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(mode); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync() // best effort: makes the rename durable on Linux
		d.Close()
	}
	return nil
}

// Load reads a model file written by Save.
func Load(path string) (*Network, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	n, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	return n, nil
}

// ReadModel reads a whole model file from r and decodes it.
func ReadModel(r io.Reader) (*Network, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return Decode(data)
}

// Decode builds a network from a model file held in data. A truncated,
// corrupted, foreign or newer-version file is an error wrapping ErrModel or
// ErrVersion; data is not retained.
func Decode(data []byte) (n *Network, err error) {
	defer recoverError(&err)
	const fixed = 8 + 4 + 4 + 4
	if len(data) < len(modelMagic) || !bytes.Equal(data[:len(modelMagic)], []byte(modelMagic)) {
		return nil, fmt.Errorf("%w: not an entrena model (no ENTRENA magic)", ErrModel)
	}
	if len(data) < fixed {
		return nil, fmt.Errorf("%w: truncated header (%d bytes)", ErrModel, len(data))
	}
	le := binary.LittleEndian
	if v := le.Uint32(data[8:]); v != ModelVersion {
		if v > ModelVersion {
			return nil, fmt.Errorf("%w: file is format version %d, this entrena reads version %d; upgrade entrena", ErrVersion, v, ModelVersion)
		}
		return nil, fmt.Errorf("%w: format version %d is not supported", ErrVersion, v)
	}
	if len(data) < fixed+4 {
		return nil, fmt.Errorf("%w: truncated (%d bytes)", ErrModel, len(data))
	}
	body, sum := data[:len(data)-4], le.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, fmt.Errorf("%w: checksum mismatch (file truncated or corrupted)", ErrModel)
	}
	r := reader{b: body[12:]}
	var s Spec
	s.Inputs = int(r.u32())
	nl := r.u32()
	if nl == 0 || nl > MaxLayers {
		return nil, fmt.Errorf("%w: layer count %d out of range", ErrModel, nl)
	}
	s.Layers = make([]Layer, nl)
	var reserved byte // the zero bytes of the layout, which must be zero
	for i := range s.Layers {
		s.Layers[i].Units = int(r.u32())
		hdr := r.bytes(4)
		s.Layers[i].Activation = Activation(hdr[0])
		reserved |= hdr[1] | hdr[2] | hdr[3]
	}
	hdr := r.bytes(4)
	s.Loss, s.Optimizer.Kind = Loss(hdr[0]), OptimizerKind(hdr[1])
	reserved |= hdr[2] | hdr[3]
	s.Optimizer.LearningRate = r.f32()
	s.Optimizer.Momentum = r.f32()
	s.Optimizer.Beta1 = r.f32()
	s.Optimizer.Beta2 = r.f32()
	s.Optimizer.Epsilon = r.f32()
	s.MaxBatch = int(r.u32())
	s.Seed = r.u64()
	steps := r.u64()
	count := r.u64()
	if r.err != nil {
		return nil, fmt.Errorf("%w: truncated header", ErrModel)
	}
	if reserved != 0 {
		return nil, fmt.Errorf("%w: reserved header bytes are not zero", ErrModel)
	}
	if steps > math.MaxInt64 {
		return nil, fmt.Errorf("%w: step count %d out of range", ErrModel, steps)
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrModel, err)
	}
	// Save writes every hyper-parameter with its default filled in: a zero
	// where New would substitute one is not a file entrena wrote.
	if s.withDefaults().Optimizer != s.Optimizer {
		return nil, fmt.Errorf("%w: optimizer hyper-parameters are zero (momentum, beta or epsilon)", ErrModel)
	}
	if count != uint64(s.ParamCount()) || uint64(len(r.b)) != 4*count {
		return nil, fmt.Errorf("%w: parameter count %d does not match the layers (%d) or the file size", ErrModel, count, s.ParamCount())
	}
	n, err = New(s)
	if err != nil {
		return nil, err
	}
	for _, l := range n.layers {
		for i := range l.w {
			l.w[i] = r.f32()
		}
		for i := range l.b {
			l.b[i] = r.f32()
		}
	}
	if i := firstNonFinite(n.params); i >= 0 {
		return nil, fmt.Errorf("%w: parameter is %v", ErrModel, n.params[i])
	}
	n.step = int64(steps)
	return n, nil
}

// reader decodes little-endian fields, recording a short read instead of
// panicking.
type reader struct {
	b   []byte
	err error
}

func (r *reader) bytes(k int) []byte {
	if len(r.b) < k {
		r.err = io.ErrUnexpectedEOF
		r.b = nil
		return make([]byte, k)
	}
	s := r.b[:k]
	r.b = r.b[k:]
	return s
}

func (r *reader) u32() uint32 { return binary.LittleEndian.Uint32(r.bytes(4)) }
func (r *reader) u64() uint64 { return binary.LittleEndian.Uint64(r.bytes(8)) }
func (r *reader) f32() float32 {
	return math.Float32frombits(r.u32())
}
