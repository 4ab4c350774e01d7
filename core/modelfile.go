package core

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"

	"github.com/v1tr0/entrena/internal/regularfile"
)

// The model file format, version 1, is described field by field in
// docs/MODEL_FORMAT.md: a little-endian header (magic "ENTRENA\x00",
// version, layers, loss, optimizer settings, max batch, seed, steps taken,
// parameter count), the parameters as float32, and a CRC-32 of everything
// before it. Optimizer state is not stored. Every file Encode writes
// decodes again (Encode refuses a network with a NaN or ±Inf parameter,
// which no file may hold).
//
// Version 2 adds a schema section (schema.go): the header gains its length
// after the parameter count, and the schema's JSON follows the parameters.
// A network without a schema is still written as version 1, byte for byte
// as before, and both versions are read.
//
// Version 3 adds a training section (trainsection.go) for RMSprop's ρ and
// every layer's weight decay and dropout rate: the header always holds the
// schema's length (0 without a schema), then the section. Only a network
// using one of them is written as version 3; any other is written as
// before.
const (
	modelMagic   = "ENTRENA\x00"
	ModelVersion = 3 // the newest version written and read

	modelVersionPlain  = 1 // no schema section
	modelVersionSchema = 2 // a schema section
)

// EncodedSize is the exact size in bytes of the network's model file (0 for
// a nil or zero Network).
func (n *Network) EncodedSize() int {
	if n == nil || len(n.spec.Layers) == 0 {
		return 0
	}
	size := 8 + 4 + 4 + 4 + 8*len(n.spec.Layers) + 4 + 20 + 4 + 8 + 8 + 8 + 4*n.ParamCount() + 4
	if n.schema != nil || n.spec.hasTrainingSection() {
		size += 4 + len(n.schema)
	}
	if n.spec.hasTrainingSection() {
		size += trainingSectionSize(len(n.spec.Layers))
	}
	return size
}

// Encode writes the model file into dst, which must hold EncodedSize bytes,
// and returns the bytes written. It allocates nothing. A NaN or ±Inf
// parameter (written through a Weights view) is an ErrData: every file
// Encode writes loads again.
func (n *Network) Encode(dst []byte) (written int, err error) {
	defer exported(&err)
	prev, err := n.acquire(betweenBatches)
	if err != nil {
		return 0, err
	}
	defer n.release(prev)
	return n.encode(dst)
}

func (n *Network) encode(dst []byte) (int, error) {
	size := n.EncodedSize()
	if len(dst) < size {
		return 0, shapeErr("buffer has %d bytes, the model needs %d", len(dst), size)
	}
	if err := n.checkFiniteParams(); err != nil {
		return 0, err
	}
	le := binary.LittleEndian
	b := dst[:0]
	b = append(b, modelMagic...)
	version := uint32(modelVersionPlain)
	if n.schema != nil {
		version = modelVersionSchema
	}
	if n.spec.hasTrainingSection() {
		version = ModelVersion
	}
	b = le.AppendUint32(b, version)
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
	b = le.AppendUint64(b, uint64(n.steps.total))
	b = le.AppendUint64(b, uint64(n.ParamCount()))
	if version >= modelVersionSchema {
		b = le.AppendUint32(b, uint32(len(n.schema)))
	}
	if version >= ModelVersion {
		b = appendTrainingSection(b, n.spec)
	}
	for _, l := range n.layers {
		for _, v := range l.w {
			b = le.AppendUint32(b, math.Float32bits(v))
		}
		for _, v := range l.b {
			b = le.AppendUint32(b, math.Float32bits(v))
		}
	}
	b = append(b, n.schema...)
	b = le.AppendUint32(b, crc32.ChecksumIEEE(b))
	return len(b), nil
}

// MarshalBinary returns the model file as a new byte slice
// (encoding.BinaryMarshaler); UnmarshalBinary reads it back.
func (n *Network) MarshalBinary() (data []byte, err error) {
	defer exported(&err)
	prev, err := n.acquire(betweenBatches)
	if err != nil {
		return nil, err
	}
	defer n.release(prev)
	return n.marshal()
}

func (n *Network) marshal() ([]byte, error) {
	buf := make([]byte, n.EncodedSize())
	if _, err := n.encode(buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// WriteTo writes the model file to w (io.WriterTo); ReadModel reads it
// back, leaving what follows it in the stream unread. An error of w is
// returned wrapped; a nil w is an ErrSpec.
func (n *Network) WriteTo(w io.Writer) (written int64, err error) {
	defer exported(&err)
	if w == nil {
		return 0, specErr("nil io.Writer: nowhere to write the model")
	}
	prev, err := n.acquire(betweenBatches)
	if err != nil {
		return 0, err
	}
	defer n.release(prev)
	buf, err := n.marshal()
	if err != nil {
		return 0, err
	}
	k, err := w.Write(buf)
	return int64(k), err
}

// Save writes the model file to path atomically: a symbolic
// link is followed and stays a link, a folder, device, FIFO or socket at
// the path is refused (ErrNotRegular) and left alone, the file is written
// beside the target, fsynced and renamed over it, keeping the old file's
// permissions (a new file: 0666 less the umask), and the folder fsynced. A
// crash or an error at any point leaves the previous file at path intact.
// A network with a NaN or ±Inf parameter is an ErrData (see Encode).
func (n *Network) Save(path string) (err error) {
	defer exported(&err)
	prev, err := n.acquire(betweenBatches)
	if err != nil {
		return err
	}
	defer n.release(prev)
	buf, err := n.marshal()
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return regularfile.WriteAtomic(path, buf)
}

// checkFiniteParams is an ErrData naming the first NaN or ±Inf parameter.
func (n *Network) checkFiniteParams() error {
	for i, l := range n.layers {
		if j := firstNonFinite(l.w); j >= 0 {
			return dataErr("layer %d weight %d is %v: a network with NaN or Inf parameters is not saved", i+1, j, l.w[j])
		}
		if j := firstNonFinite(l.b); j >= 0 {
			return dataErr("layer %d bias %d is %v: a network with NaN or Inf parameters is not saved", i+1, j, l.b[j])
		}
	}
	return nil
}
