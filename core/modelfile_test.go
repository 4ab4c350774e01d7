package core

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// smallNetParams is smallNet's parameter count: 3·4+4 + 4·2+2.
const smallNetParams = 26

func smallNet(t testing.TB) *Network {
	n, err := New(Spec{Inputs: 3, Layers: []Layer{{Units: 4, Activation: Tanh}, {Units: 2, Activation: Softmax}}, Loss: CategoricalCrossEntropy,
		Optimizer: Optimizer{Kind: Adam, LearningRate: 0.01}, MaxBatch: 8, Seed: 5})
	require.NoError(t, err)
	x, y := blobs(1, 16, 3, 2)
	_, err = n.Fit(x, y, 16, FitOptions{Epochs: 2, BatchSize: 8})
	require.NoError(t, err)
	return n
}

func TestModelRoundTrip(t *testing.T) {
	n := smallNet(t)
	path := filepath.Join(t.TempDir(), "m.entrena")
	require.NoError(t, n.Save(path))
	m, err := Load(path)
	require.NoError(t, err)
	require.Equal(t, n.Spec(), m.Spec())
	require.Equal(t, n.Steps(), m.Steps())
	p1, p2 := make([]float32, n.ParamCount()), make([]float32, m.ParamCount())
	_, _ = n.CopyParams(p1)
	_, _ = m.CopyParams(p2)
	require.Equal(t, p1, p2)
	x, _ := blobs(2, 5, 3, 2)
	o1, o2 := make([]float32, 10), make([]float32, 10)
	require.NoError(t, n.Predict(x, 5, o1))
	require.NoError(t, m.Predict(x, 5, o2))
	require.Equal(t, o1, o2)

	// Encode into a caller buffer allocates nothing and matches the file.
	buf := make([]byte, n.EncodedSize())
	require.Zero(t, testing.AllocsPerRun(5, func() { _, _ = n.Encode(buf) }))
	file, _ := os.ReadFile(path)
	require.Equal(t, file, buf)
	_, err = n.Encode(buf[:len(buf)-1])
	require.ErrorIs(t, err, ErrShape)
	m2, err := ReadModel(bytes.NewReader(buf))
	require.NoError(t, err)
	require.Equal(t, n.Spec(), m2.Spec())
}

// TestLoadedNetworkStepsAsNew: a model file holds no optimizer state, so a
// loaded network's first step is, bit for bit, a new network's first step
// from the same parameters (SetParams): Adam's bias correction starts
// again with its empty moments, although the file's step count, which
// dropout's masks follow (hence none here), goes on.
func TestLoadedNetworkStepsAsNew(t *testing.T) {
	x, y := blobs(1, 16, 3, 2)
	for _, kind := range []OptimizerKind{SGD, Momentum, Adam, RMSprop} {
		spec := Spec{Inputs: 3, Layers: []Layer{{Units: 4, Activation: Tanh}, {Units: 2, Activation: Softmax}}, Loss: CategoricalCrossEntropy,
			Optimizer: Optimizer{Kind: kind, LearningRate: 0.01}, MaxBatch: 8, Seed: 5}
		trained, err := New(spec)
		require.NoError(t, err)
		_, err = trained.Fit(x, y, 16, FitOptions{Epochs: 20, BatchSize: 8})
		require.NoError(t, err)
		buf := make([]byte, trained.EncodedSize())
		_, err = trained.Encode(buf)
		require.NoError(t, err)
		loaded, err := Decode(buf)
		require.NoError(t, err)
		require.EqualValues(t, 40, loaded.Steps(), "%v", kind)

		fresh, err := New(spec)
		require.NoError(t, err)
		p := make([]float32, trained.ParamCount())
		_, _ = trained.CopyParams(p)
		require.NoError(t, fresh.SetParams(p))
		for step := range 3 {
			_, err = loaded.TrainStep(x, y, 8)
			require.NoError(t, err)
			_, err = fresh.TrainStep(x, y, 8)
			require.NoError(t, err)
			want, got := stateOf(fresh), stateOf(loaded)
			want.steps, got.steps = stepCounts{}, stepCounts{}
			requireSameBits(t, want, got, fmt.Sprintf("%v, step %d after loading", kind, step+1))
		}
		require.EqualValues(t, 43, loaded.Steps(), "%v", kind)
	}
}

// TestModelCorruption: every truncation, every single bit flip, a foreign
// file and a newer version are clear errors, never a panic.
func TestModelCorruption(t *testing.T) {
	data, err := smallNet(t).MarshalBinary()
	require.NoError(t, err)
	for k := 0; k < len(data); k++ {
		_, err := Decode(data[:k])
		require.Error(t, err, "truncated to %d bytes", k)
		require.True(t, errors.Is(err, ErrModel) || errors.Is(err, ErrVersion), "truncated to %d: %v", k, err)
	}
	for i := 0; i < len(data)*8; i++ {
		c := bytes.Clone(data)
		c[i/8] ^= 1 << (i % 8)
		_, err := Decode(c)
		require.Error(t, err, "bit %d flipped", i)
	}
	_, err = Decode([]byte("PK\x03\x04 this is a zip file"))
	require.ErrorContains(t, err, "not an entrena model")

	newer := bytes.Clone(data)
	binary.LittleEndian.PutUint32(newer[8:], ModelVersion+1)
	binary.LittleEndian.PutUint32(newer[len(newer)-4:], crc32.ChecksumIEEE(newer[:len(newer)-4]))
	_, err = Decode(newer)
	require.ErrorIs(t, err, ErrVersion)
	require.ErrorContains(t, err, "upgrade")

	older := bytes.Clone(data)
	binary.LittleEndian.PutUint32(older[8:], 0)
	binary.LittleEndian.PutUint32(older[len(older)-4:], crc32.ChecksumIEEE(older[:len(older)-4]))
	_, err = Decode(older)
	require.ErrorIs(t, err, ErrVersion)

	// A well-formed checksum over a parameter count that does not match
	// the layers is rejected before anything is allocated for it.
	count := len(data) - 4 - 8 - 4*smallNetParams
	for _, c := range []uint64{smallNetParams - 1, smallNetParams + 1, 1 << 62} {
		wrong := bytes.Clone(data)
		binary.LittleEndian.PutUint64(wrong[count:], c)
		binary.LittleEndian.PutUint32(wrong[len(wrong)-4:], crc32.ChecksumIEEE(wrong[:len(wrong)-4]))
		_, err = Decode(wrong)
		require.ErrorIs(t, err, ErrModel)
		require.ErrorContains(t, err, "parameter count")
	}

	// Files entrena never writes, even with a valid checksum: non-zero
	// reserved bytes, a zero Adam β (New would substitute 0.9, so the file
	// would not round-trip), a step count beyond int64.
	beta1 := 8 + 4 + 4 + 4 + 8*2 + 4 + 4 + 4
	for name, mut := range map[string]func([]byte){
		"reserved":  func(b []byte) { b[8+4+4+4+4+1] = 1 },
		"zero beta": func(b []byte) { binary.LittleEndian.PutUint32(b[beta1:], 0) },
		"steps":     func(b []byte) { binary.LittleEndian.PutUint64(b[count-8:], 1<<63) },
	} {
		c := bytes.Clone(data)
		mut(c)
		binary.LittleEndian.PutUint32(c[len(c)-4:], crc32.ChecksumIEEE(c[:len(c)-4]))
		_, err = Decode(c)
		require.ErrorIs(t, err, ErrModel, name)
	}

	// A well-formed checksum over an invalid spec is still rejected.
	bad := bytes.Clone(data)
	binary.LittleEndian.PutUint32(bad[20:], 0) // first layer: 0 units
	binary.LittleEndian.PutUint32(bad[len(bad)-4:], crc32.ChecksumIEEE(bad[:len(bad)-4]))
	_, err = Decode(bad)
	require.ErrorIs(t, err, ErrModel)
}

// TestSaveIsAtomic: a failed save leaves the old file; no temp files remain.
func TestSaveIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.entrena")
	n := smallNet(t)
	require.NoError(t, n.Save(path))
	old, _ := os.ReadFile(path)

	// Saving into a missing folder fails without touching anything.
	require.Error(t, n.Save(filepath.Join(dir, "missing", "m.entrena")))
	// Saving onto a path that is a folder fails and leaves no temp file.
	require.NoError(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	require.Error(t, n.Save(filepath.Join(dir, "sub")))
	if os.Geteuid() != 0 { // root ignores permissions
		ro := filepath.Join(dir, "ro")
		require.NoError(t, os.Mkdir(ro, 0o555))
		require.Error(t, n.Save(filepath.Join(ro, "m.entrena")))
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		require.NotContains(t, e.Name(), ".tmp", "temporary file left behind")
	}
	now, _ := os.ReadFile(path)
	require.Equal(t, old, now)

	// A new file is 0644; a replaced one keeps its mode.
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
	require.NoError(t, os.Chmod(path, 0o600))
	require.NoError(t, n.Save(path))
	fi, err = os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	_, err = Load(filepath.Join(dir, "nope"))
	require.ErrorIs(t, err, os.ErrNotExist)
}
