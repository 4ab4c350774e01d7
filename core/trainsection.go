package core

import (
	"encoding/binary"
	"fmt"
	"math"
)

// The model file's training section (version 3, docs/MODEL_FORMAT.md):
// RMSprop's ρ (0 for the other optimizers), then per layer its weight
// decay λ and its dropout rate, float32 each. It follows the schema's
// length in the header, so the header still gives the file's size.

// trainingSectionSize is the section's bytes for layers layers.
func trainingSectionSize(layers int) int { return 4 + 8*layers }

// hasTrainingSection reports whether s needs the section (and so version
// 3): RMSprop, or a layer with weight decay or dropout.
func (s Spec) hasTrainingSection() bool {
	if s.Optimizer.Kind == RMSprop {
		return true
	}
	for _, l := range s.Layers {
		if l.L2 != 0 || l.Dropout != 0 {
			return true
		}
	}
	return false
}

func appendTrainingSection(b []byte, s Spec) []byte {
	le := binary.LittleEndian
	b = le.AppendUint32(b, math.Float32bits(s.Optimizer.Rho))
	for _, l := range s.Layers {
		b = le.AppendUint32(b, math.Float32bits(l.L2))
		b = le.AppendUint32(b, math.Float32bits(l.Dropout))
	}
	return b
}

// readTrainingSection fills s's ρ and layer settings from the section at
// the start of b; Spec.validate checks their values after.
func readTrainingSection(b []byte, s *Spec) error {
	le := binary.LittleEndian
	f32 := func(off int) float32 { return math.Float32frombits(le.Uint32(b[off:])) }
	s.Optimizer.Rho = f32(0)
	for i := range s.Layers {
		l := &s.Layers[i]
		l.L2, l.Dropout = f32(4+8*i), f32(8+8*i)
		// −0 would load as a setting the writer never writes.
		if math.Signbit(float64(l.L2)) || math.Signbit(float64(l.Dropout)) {
			return fmt.Errorf("%w: layer %d: negative weight decay or dropout rate", ErrModel, i+1)
		}
	}
	return nil
}
