package core

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// regularizedNet is a trained network whose file needs the training
// section: RMSprop, weight decay and dropout.
func regularizedNet(t testing.TB) *Network {
	n, err := New(Spec{Inputs: 3, Layers: []Layer{{Units: 4, Activation: Tanh, L2: 1e-3, Dropout: 0.25}, {Units: 2, Activation: Softmax, L2: 5e-4}},
		Loss: CategoricalCrossEntropy, Optimizer: Optimizer{Kind: RMSprop, LearningRate: 0.01}, MaxBatch: 8, Seed: 5})
	require.NoError(t, err)
	x, y := blobs(1, 16, 3, 2)
	_, err = n.Fit(x, y, 16, FitOptions{Epochs: 2, BatchSize: 8})
	require.NoError(t, err)
	return n
}

// TestTrainingSectionRoundTrip: a network with RMSprop, weight decay or
// dropout is written as version 3 and loads with the same spec, steps and
// parameters, encoding back to the same bytes, with a schema or without;
// a network without them is still written as version 1.
func TestTrainingSectionRoundTrip(t *testing.T) {
	n := regularizedNet(t)
	data, err := n.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, uint32(3), binary.LittleEndian.Uint32(data[8:]))
	require.Len(t, data, 84+16*2+4*n.ParamCount())
	m, err := Decode(data)
	require.NoError(t, err)
	require.Equal(t, n.Spec(), m.Spec())
	require.Equal(t, float32(0.25), m.Spec().Layers[0].Dropout)
	require.Equal(t, float32(5e-4), m.Spec().Layers[1].L2)
	require.Equal(t, float32(0.9), m.Spec().Optimizer.Rho)
	require.Equal(t, n.Steps(), m.Steps())
	again, err := m.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, data, again)
	path := filepath.Join(t.TempDir(), "m.entrena")
	require.NoError(t, n.Save(path))
	l, err := Load(path)
	require.NoError(t, err)
	require.Equal(t, n.Spec(), l.Spec())
	r, err := ReadModel(bytes.NewReader(append(bytes.Clone(data), "tail"...)))
	require.NoError(t, err)
	require.Equal(t, n.Spec(), r.Spec())

	// With a schema: still version 3, the schema after the parameters.
	require.NoError(t, n.SetSchema(irisSchema()))
	data, err = n.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, uint32(3), binary.LittleEndian.Uint32(data[8:]))
	m, err = Decode(data)
	require.NoError(t, err)
	require.Equal(t, n.Spec(), m.Spec())
	require.Equal(t, irisSchema(), m.Schema())
	require.Len(t, data, n.EncodedSize())
	again, err = m.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, data, again)

	plain, err := smallNet(t).MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, uint32(1), binary.LittleEndian.Uint32(plain[8:]))
}

// TestVersion1FileStillLoads: the version 1 file in testdata loads and
// encodes back to its own bytes.
func TestVersion1FileStillLoads(t *testing.T) {
	want, err := os.ReadFile("testdata/v1.entrena")
	require.NoError(t, err)
	n, err := Decode(want)
	require.NoError(t, err)
	got, err := n.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, want, got)
}

// TestTrainingSectionCorruption: every truncation and bit flip of a
// version 3 file is an error, and files no writer produces are refused
// even with a valid checksum.
func TestTrainingSectionCorruption(t *testing.T) {
	data, err := regularizedNet(t).MarshalBinary()
	require.NoError(t, err)
	for k := 0; k < len(data); k++ {
		_, err := Decode(data[:k])
		require.Error(t, err, "truncated to %d bytes", k)
	}
	for i := 0; i < len(data)*8; i++ {
		c := bytes.Clone(data)
		c[i/8] ^= 1 << (i % 8)
		_, err := Decode(c)
		require.Error(t, err, "bit %d flipped", i)
	}
	section := 8 + 4 + 4 + 4 + 8*2 + 4 + 20 + 4 + 8 + 8 + 8 + 4 // after the schema length
	le := binary.LittleEndian
	for name, c := range map[string]struct {
		mut func([]byte)
		msg string
	}{
		"negative l2":      {func(b []byte) { le.PutUint32(b[section+4:], 0xbf800000) }, "negative weight decay"},
		"dropout 1":        {func(b []byte) { le.PutUint32(b[section+8:], 0x3f800000) }, "dropout rate must be in [0, 1)"},
		"output dropout":   {func(b []byte) { le.PutUint32(b[section+16:], 0x3f000000) }, "only allowed after a hidden layer"},
		"negative zero":    {func(b []byte) { le.PutUint32(b[section+12:], 0x80000000) }, "negative weight decay"},
		"zero rho":         {func(b []byte) { le.PutUint32(b[section:], 0) }, "hyper-parameters are zero"},
		"schema length":    {func(b []byte) { le.PutUint32(b[section-4:], 1<<30) }, "schema section"},
		"rho with adam":    {func(b []byte) { b[8+4+4+4+8*2+1] = byte(Adam) }, "rho"},
		"needless version": {nil, "without rmsprop, weight decay or dropout"},
	} {
		b := bytes.Clone(data)
		if c.mut != nil {
			c.mut(b)
		} else {
			// An SGD network without decay or dropout in a version 3 file.
			b[8+4+4+4+8*2+1] = byte(SGD)
			for _, off := range []int{section, section + 4, section + 12} {
				le.PutUint32(b[off:], 0)
			}
			le.PutUint32(b[section+8:], 0)
			le.PutUint32(b[8+4+4+4+8*2+4+16:], 0) // epsilon
		}
		le.PutUint32(b[len(b)-4:], crc32.ChecksumIEEE(b[:len(b)-4]))
		_, err := Decode(b)
		require.ErrorIs(t, err, ErrModel, name)
		require.ErrorContains(t, err, c.msg, name)
	}
}
