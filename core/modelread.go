package core

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"

	"github.com/v1tr0/entrena/internal/regularfile"
)

// Reading a model file (docs/MODEL_FORMAT.md). The header says how large
// the file is and what network it holds, so a stream (Load, ReadModel) is
// checked against it first: a header that is not entrena's, is invalid, or
// does not match the file's size is an error after reading at most 16 KiB,
// and New checks the network against the memory budget before anything of
// its size is allocated. The parameters are then streamed into the
// network's own buffer, and the checksum compared at the end. Decode, which
// holds the whole file already, compares the checksum first.

// Sizes of a file's fixed parts: magic, version, inputs and layer count;
// then per layer 8 bytes; then the rest of the header; and the checksum.
const (
	headerStart = 8 + 4 + 4 + 4
	headerLayer = 8
	headerEnd   = 4 + 20 + 4 + 8 + 8 + 8
	checksumLen = 4
	schemaLen   = 4 // version 2: the schema section's length, after headerEnd
)

// paramChunk is how many bytes of parameters are read at a time.
const paramChunk = 64 << 10

// header is a model file's header, validated.
type header struct {
	spec   Spec
	steps  int64
	schema int    // bytes of the schema section (0 in version 1)
	raw    []byte // the header's bytes, the start of what the checksum covers
}

// fileSize is the size in bytes of the whole file the header describes.
func (h *header) fileSize() int64 {
	return int64(len(h.raw)) + 4*int64(h.spec.ParamCount()) + int64(h.schema) + checksumLen
}

// checkSize compares the header's size with the file's.
func (h *header) checkSize(size int64) error {
	if want := h.fileSize(); size != want {
		return fmt.Errorf("%w: the file has %d bytes, its header describes %d (truncated, or not one model file)", ErrModel, size, want)
	}
	return nil
}

// checkStart checks the first bytes of a file, start (up to headerStart of
// them): entrena's magic and a version this package reads.
func checkStart(start []byte) error {
	if len(start) < len(modelMagic) || !bytes.Equal(start[:len(modelMagic)], []byte(modelMagic)) {
		return fmt.Errorf("%w: not an entrena model (no ENTRENA magic)", ErrModel)
	}
	if len(start) < 12 {
		return fmt.Errorf("%w: truncated header (%d bytes)", ErrModel, len(start))
	}
	if v := binary.LittleEndian.Uint32(start[8:]); v < modelVersionPlain || v > ModelVersion {
		if v > ModelVersion {
			return fmt.Errorf("%w: file is format version %d, this entrena reads version %d; upgrade entrena", ErrVersion, v, ModelVersion)
		}
		return fmt.Errorf("%w: format version %d is not supported", ErrVersion, v)
	}
	if len(start) < headerStart {
		return fmt.Errorf("%w: truncated header (%d bytes)", ErrModel, len(start))
	}
	return nil
}

// readHeader reads and validates the header at the start of r, and no more.
// A read error other than the end of the data is returned as is (an I/O
// error); data that ends early is an ErrModel.
func readHeader(r io.Reader) (*header, error) {
	var start [headerStart]byte
	k, err := io.ReadFull(r, start[:])
	if err != nil && !isEOF(err) {
		return nil, err
	}
	if err := checkStart(start[:k]); err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	nl := le.Uint32(start[16:])
	if nl == 0 || nl > MaxLayers {
		return nil, fmt.Errorf("%w: layer count %d out of range", ErrModel, nl)
	}
	version := le.Uint32(start[8:])
	end := headerEnd
	if version >= modelVersionSchema {
		end += schemaLen
	}
	if version >= ModelVersion {
		end += trainingSectionSize(int(nl))
	}
	raw := make([]byte, headerStart+headerLayer*int(nl)+end)
	copy(raw, start[:])
	if k, err := io.ReadFull(r, raw[headerStart:]); err != nil {
		if isEOF(err) {
			return nil, fmt.Errorf("%w: truncated header (%d bytes)", ErrModel, headerStart+k)
		}
		return nil, err
	}
	h := &header{raw: raw}
	s := &h.spec
	s.Inputs = int(le.Uint32(raw[12:]))
	s.Layers = make([]Layer, nl)
	var reserved byte // the zero bytes of the layout, which must be zero
	b := raw[headerStart:]
	for i := range s.Layers {
		s.Layers[i] = Layer{Units: int(le.Uint32(b)), Activation: Activation(b[4])}
		reserved |= b[5] | b[6] | b[7]
		b = b[headerLayer:]
	}
	s.Loss, s.Optimizer.Kind = Loss(b[0]), OptimizerKind(b[1])
	reserved |= b[2] | b[3]
	f32 := func(off int) float32 { return math.Float32frombits(le.Uint32(b[off:])) }
	s.Optimizer.LearningRate, s.Optimizer.Momentum = f32(4), f32(8)
	s.Optimizer.Beta1, s.Optimizer.Beta2, s.Optimizer.Epsilon = f32(12), f32(16), f32(20)
	s.MaxBatch = int(le.Uint32(b[24:]))
	s.Seed = le.Uint64(b[28:])
	steps, count := le.Uint64(b[36:]), le.Uint64(b[44:])
	if version >= modelVersionSchema {
		h.schema = int(le.Uint32(b[52:]))
		// Version 3 holds the length without a schema too.
		if (h.schema == 0 && version == modelVersionSchema) || h.schema > maxSchemaBytes {
			return nil, fmt.Errorf("%w: schema section of %d bytes (1 … %d)", ErrModel, h.schema, maxSchemaBytes)
		}
	}
	if version >= ModelVersion {
		if err := readTrainingSection(b[headerEnd+schemaLen:], s); err != nil {
			return nil, err
		}
	}
	if reserved != 0 {
		return nil, fmt.Errorf("%w: reserved header bytes are not zero", ErrModel)
	}
	if steps > math.MaxInt64 {
		return nil, fmt.Errorf("%w: step count %d out of range", ErrModel, steps)
	}
	h.steps = int64(steps)
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrModel, err)
	}
	// Save writes every hyper-parameter with its default filled in: a zero
	// where New would substitute one is not a file entrena wrote.
	if s.withDefaults().Optimizer != s.Optimizer {
		return nil, fmt.Errorf("%w: optimizer hyper-parameters are zero (momentum, beta or epsilon)", ErrModel)
	}
	if version >= ModelVersion && !s.hasTrainingSection() {
		return nil, fmt.Errorf("%w: a version %d file of a network without rmsprop, weight decay or dropout (written as version %d or %d)", ErrModel, version, modelVersionPlain, modelVersionSchema)
	}
	if count != uint64(s.ParamCount()) {
		return nil, fmt.Errorf("%w: parameter count %d does not match the layers (%d)", ErrModel, count, s.ParamCount())
	}
	return h, nil
}

func isEOF(err error) bool { return err == io.EOF || err == io.ErrUnexpectedEOF }

// Load reads the model file at path (written by Save). Only a regular file
// is read: a folder, device, FIFO or socket is refused before it is opened,
// with an *fs.PathError wrapping ErrNotRegular. The file is read as a
// stream, its size and header checked before anything else: a huge file
// with an invalid header fails at once, and New's memory check runs before
// the parameters are read. A file with more bytes than its header
// describes is an ErrModel (ReadModel reads a model out of a longer stream).
func Load(path string) (n *Network, err error) {
	defer exported(&err)
	f, size, err := regularfile.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	defer f.Close()
	n, err = readModel(f, size)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	return n, nil
}

// Decode builds a network from a model file held in data. A truncated,
// corrupted, foreign or newer-version file is an error wrapping ErrModel or
// ErrVersion, found before the network is built: with the whole file at
// hand, the checksum is verified first, so that a corrupted file says so.
// data is not retained.
func Decode(data []byte) (n *Network, err error) {
	defer exported(&err)
	if err := checkStart(data[:min(len(data), headerStart)]); err != nil {
		return nil, err
	}
	if len(data) < headerStart+checksumLen {
		return nil, fmt.Errorf("%w: truncated (%d bytes)", ErrModel, len(data))
	}
	body := data[:len(data)-checksumLen]
	if crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(data[len(body):]) {
		return nil, fmt.Errorf("%w: checksum mismatch (file truncated or corrupted)", ErrModel)
	}
	h, err := readHeader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if err := h.checkSize(int64(len(data))); err != nil {
		return nil, err
	}
	n, err = newNetwork(h.spec)
	if err != nil {
		return nil, err
	}
	p := body[len(h.raw):]
	for _, l := range n.layers {
		p = decodeFloats(l.w, p)
		p = decodeFloats(l.b, p)
	}
	if err := h.finish(n, p); err != nil {
		n.Close()
		return nil, err
	}
	return n, nil
}

// ReadModel reads one model file from r (as WriteTo writes it), exactly
// its bytes: the header gives the file's size, and nothing after the
// model's last byte is read, so models written back to back in one stream
// are read one after the other and what follows a model stays in r. The
// header is checked before the network is built and the checksum as the
// parameters arrive (see Load). Data that ends before the size the header
// describes is an ErrModel; an error of r is returned wrapped. A nil r is
// an ErrSpec.
func ReadModel(r io.Reader) (n *Network, err error) {
	defer exported(&err)
	if r == nil {
		return nil, specErr("nil io.Reader: no model to read")
	}
	return readModel(r, -1)
}

// readModel reads a model file from r: size bytes when size ≥ 0 (a file
// whose size is known, which must be the header's), else the header's
// size.
func readModel(r io.Reader, size int64) (*Network, error) {
	h, err := readHeader(r)
	if err != nil {
		return nil, err
	}
	if size >= 0 {
		if err := h.checkSize(size); err != nil {
			return nil, err
		}
	}
	n, err := newNetwork(h.spec)
	if err != nil {
		return nil, err
	}
	if err := readParams(n, h, r); err != nil {
		n.Close()
		return nil, err
	}
	return n, nil
}

// readParams streams the parameters and the checksum after h from r into
// n, reading nothing after them.
func readParams(n *Network, h *header, r io.Reader) error {
	sum := crc32.NewIEEE()
	sum.Write(h.raw)
	buf := make([]byte, min(paramChunk, 4*n.ParamCount()+checksumLen))
	for _, l := range n.layers {
		if err := readFloats(l.w, r, buf, sum); err != nil {
			return err
		}
		if err := readFloats(l.b, r, buf, sum); err != nil {
			return err
		}
	}
	schema := make([]byte, h.schema)
	if _, err := io.ReadFull(r, schema); err != nil {
		return truncatedOr(err)
	}
	sum.Write(schema)
	var tail [checksumLen]byte
	if _, err := io.ReadFull(r, tail[:]); err != nil {
		return truncatedOr(err)
	}
	if sum.Sum32() != binary.LittleEndian.Uint32(tail[:]) {
		return fmt.Errorf("%w: checksum mismatch (file truncated or corrupted)", ErrModel)
	}
	return h.finish(n, schema)
}

// readFloats fills dst with little-endian float32s from r, through buf.
func readFloats(dst []float32, r io.Reader, buf []byte, sum hash.Hash32) error {
	for len(dst) > 0 {
		k := min(len(dst), len(buf)/4)
		b := buf[:4*k]
		if _, err := io.ReadFull(r, b); err != nil {
			return truncatedOr(err)
		}
		sum.Write(b)
		decodeFloats(dst[:k], b)
		dst = dst[k:]
	}
	return nil
}

// decodeFloats fills dst from the little-endian float32s at the start of
// b and returns the rest of b.
func decodeFloats(dst []float32, b []byte) []byte {
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return b[4*len(dst):]
}

// truncatedOr is ErrModel for data that ended early, else err.
func truncatedOr(err error) error {
	if isEOF(err) {
		return fmt.Errorf("%w: truncated (the data ends before the size its header describes)", ErrModel)
	}
	return err
}

// finish completes a network decoded from a file with the header's step
// count and the schema section (empty in version 1), after checking that no
// parameter is NaN or ±Inf (Encode writes none).
func (h *header) finish(n *Network, schema []byte) error {
	if i := firstNonFinite(n.params); i >= 0 {
		return fmt.Errorf("%w: parameter is %v", ErrModel, n.params[i])
	}
	if h.schema > 0 {
		s, err := decodeSchema(schema, n.spec)
		if err != nil {
			return err
		}
		n.schema = s
	}
	// The optimizer state is not in the file: Adam's t starts afresh with
	// its empty moments, the count of all steps (dropout's) goes on.
	n.setSteps(stepCounts{total: h.steps})
	return nil
}
