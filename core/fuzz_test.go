package core

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"slices"
	"testing"
)

// FuzzDecode feeds arbitrary bytes (seeded with valid model files) to the
// model loader, Decode and ReadModel: they must return an error or a
// network, never panic, agree, and a decoded network must encode back to
// the same bytes.
func FuzzDecode(f *testing.F) {
	// A valid spec may ask for up to 2³¹ activations (16 GiB with the
	// deltas): with a fuzz worker's budget such files reach New, which
	// must refuse them with ErrTooLarge (see TestDecodeTooLarge) instead
	// of allocating them.
	withMemoryBudget(f, 128<<20)
	for _, seed := range []uint64{1, 2} {
		n, err := New(Spec{Inputs: 3, Layers: []Layer{{Units: 4, Activation: Sigmoid}, {Units: 2, Activation: Softmax}}, Loss: CategoricalCrossEntropy,
			Optimizer: Optimizer{Kind: OptimizerKind(seed), LearningRate: 0.1}, MaxBatch: 2, Seed: seed})
		if err != nil {
			f.Fatal(err)
		}
		b, _ := n.MarshalBinary()
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	// Version 3: RMSprop, weight decay and dropout in the training section.
	v3, err := New(Spec{Inputs: 3, Layers: []Layer{{Units: 4, Activation: ReLU, L2: 1e-3, Dropout: 0.5}, {Units: 2, Activation: Softmax}},
		Loss: CategoricalCrossEntropy, Optimizer: Optimizer{Kind: RMSprop, LearningRate: 0.01}, MaxBatch: 2, Seed: 3})
	if err != nil {
		f.Fatal(err)
	}
	v3b, _ := v3.MarshalBinary()
	v3.Close()
	f.Add(v3b)
	// A file whose valid checksum covers a max batch of 2²⁰ (16 GiB).
	huge, _ := New(Spec{Inputs: 1, Layers: []Layer{{Units: 2047, Activation: Sigmoid}, {Units: 1, Activation: Sigmoid}}, Loss: MSE,
		Optimizer: Optimizer{LearningRate: 0.1}, MaxBatch: 1, Seed: 1, Threads: 1})
	hb, _ := huge.MarshalBinary()
	huge.Close()
	binary.LittleEndian.PutUint32(hb[8+4+4+4+8*2+4+20:], MaxBatchCap)
	binary.LittleEndian.PutUint32(hb[len(hb)-4:], crc32.ChecksumIEEE(hb[:len(hb)-4]))
	f.Add(hb)
	f.Add([]byte("ENTRENA\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		decodeRoundTrip(t, data)
		// Random bytes almost never carry a valid CRC-32, so on its own
		// the fuzzer would stop at the checksum: decode each input again
		// with its checksum made valid, which lets mutations reach the
		// spec, limits and parameter parsing behind it.
		if len(data) < 4 {
			return
		}
		fixed := bytes.Clone(data)
		binary.LittleEndian.PutUint32(fixed[len(fixed)-4:], crc32.ChecksumIEEE(fixed[:len(fixed)-4]))
		decodeRoundTrip(t, fixed)
	})
}

// decodeRoundTrip decodes data, from memory and as a stream: both accept
// the same files, and a network that decodes must encode back to the same
// bytes.
func decodeRoundTrip(t *testing.T, data []byte) {
	n, err := Decode(data)
	r := bytes.NewReader(data)
	m, serr := ReadModel(r)
	if serr == nil && r.Len() > 0 { // a model followed by more data: Decode refuses those
		_ = m.Close()
		serr = errors.New("more data after the model")
	}
	if (err == nil) != (serr == nil) {
		t.Fatalf("Decode and ReadModel disagree: %v; %v", err, serr)
	}
	if err != nil {
		return
	}
	defer n.Close()
	defer m.Close()
	for _, net := range []*Network{n, m} {
		again, err := net.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, data) {
			t.Fatalf("decode/encode round trip changed the file")
		}
	}
}

// FuzzNew builds networks from arbitrary small specs and trains one step:
// invalid specs are errors, valid ones work, nothing panics. A step either
// leaves every parameter finite or diverges (a huge learning rate) and
// leaves the parameters as they were.
func FuzzNew(f *testing.F) {
	f.Add(uint8(2), uint8(3), uint8(1), uint8(0), uint8(0), uint8(0), uint8(0), uint8(4), float32(0.5))
	f.Add(uint8(0), uint8(3), uint8(1), uint8(4), uint8(2), uint8(2), uint8(2), uint8(1), float32(-1))
	f.Add(uint8(5), uint8(0), uint8(9), uint8(4), uint8(1), uint8(1), uint8(9), uint8(0), float32(1e30))
	f.Fuzz(func(t *testing.T, inputs, hidden, outputs, act, outAct, loss, opt, batch uint8, lr float32) {
		s := Spec{Inputs: int(inputs) % 40, Layers: []Layer{{Units: int(hidden) % 40, Activation: Activation(act % 6)}, {Units: int(outputs) % 12, Activation: Activation(outAct % 6)}},
			Loss: Loss(loss % 4), Optimizer: Optimizer{Kind: OptimizerKind(opt % 4), LearningRate: lr}, MaxBatch: int(batch) % 9, Seed: 1, Threads: 1}
		n, err := New(s)
		if err != nil {
			return
		}
		defer n.Close()
		b := n.MaxBatch()
		x := make([]float32, b*n.Inputs())
		y := make([]float32, b*n.Outputs())
		for i := range x {
			x[i] = float32(i%7) - 3
		}
		for i := range y {
			y[i] = float32(i % 2)
		}
		if n.Spec().Loss == CategoricalCrossEntropy { // one-hot rows: the only targets it takes
			clear(y)
			for r := range b {
				y[r*n.Outputs()+r%n.Outputs()] = 1
			}
		}
		before := slices.Clone(n.params)
		_, err = n.TrainStep(x, y, b)
		switch {
		case errors.Is(err, ErrDiverged):
			if !slices.Equal(before, n.params) {
				t.Fatalf("spec %+v: a diverged step changed the parameters", s)
			}
		case err != nil:
			t.Fatalf("valid spec %+v: %v", s, err)
		case firstNonFinite(n.params) >= 0:
			t.Fatalf("spec %+v: a step returned without error and left a parameter NaN or Inf", s)
		}
	})
}
