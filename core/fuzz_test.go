package core

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"testing"
)

// FuzzDecode feeds arbitrary bytes (seeded with valid model files) to the
// model loader: it must return an error or a network, never panic, and a
// decoded network must encode back to the same bytes.
func FuzzDecode(f *testing.F) {
	for _, seed := range []uint64{1, 2} {
		n, err := New(Spec{Inputs: 3, Layers: []Layer{{4, Sigmoid}, {2, Softmax}}, Loss: CategoricalCrossEntropy,
			Optimizer: Optimizer{Kind: OptimizerKind(seed), LearningRate: 0.1}, MaxBatch: 2, Seed: seed})
		if err != nil {
			f.Fatal(err)
		}
		b, _ := n.MarshalBinary()
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
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
		if claimedActivations(fixed) > 1<<24 {
			// A valid spec may ask for up to 2³¹ activations (8 GiB per
			// buffer); more than a fuzz worker's memory, so left out here.
			return
		}
		decodeRoundTrip(t, fixed)
	})
}

// decodeRoundTrip decodes data; a network that decodes must encode back
// to the same bytes.
func decodeRoundTrip(t *testing.T, data []byte) {
	n, err := Decode(data)
	if err != nil {
		return
	}
	defer n.Close()
	again, err := n.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, data) {
		t.Fatalf("decode/encode round trip changed the file")
	}
}

// claimedActivations reads max batch × Σ units from a model file's header
// (see modelfile.go for the layout), or 0 when the header is too short.
func claimedActivations(data []byte) uint64 {
	le := binary.LittleEndian
	if len(data) < 20 {
		return 0
	}
	layers := uint64(le.Uint32(data[16:]))
	if layers > MaxLayers || uint64(len(data)) < 20+8*layers+4+20+4 {
		return 0
	}
	var units uint64
	for i := uint64(0); i < layers; i++ {
		units += uint64(le.Uint32(data[20+8*i:]))
	}
	return units * uint64(le.Uint32(data[20+8*layers+4+20:]))
}

// FuzzNew builds networks from arbitrary small specs and trains one step:
// invalid specs are errors, valid ones work, nothing panics.
func FuzzNew(f *testing.F) {
	f.Add(uint8(2), uint8(3), uint8(1), uint8(0), uint8(0), uint8(0), uint8(0), uint8(4), float32(0.5))
	f.Add(uint8(0), uint8(3), uint8(1), uint8(4), uint8(2), uint8(2), uint8(2), uint8(1), float32(-1))
	f.Add(uint8(5), uint8(0), uint8(9), uint8(4), uint8(1), uint8(1), uint8(9), uint8(0), float32(1e30))
	f.Fuzz(func(t *testing.T, inputs, hidden, outputs, act, outAct, loss, opt, batch uint8, lr float32) {
		s := Spec{Inputs: int(inputs) % 40, Layers: []Layer{{int(hidden) % 40, Activation(act % 6)}, {int(outputs) % 12, Activation(outAct % 6)}},
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
		if _, err := n.TrainStep(x, y, b); err != nil {
			t.Fatalf("valid spec %+v: %v", s, err)
		}
	})
}
