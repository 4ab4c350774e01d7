package data

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// XOR is the seed's toy problem: 4 samples of 2 inputs, a 0/1 target.
func XOR() *Set {
	return &Set{
		Name:    "xor",
		X:       []float32{0, 0, 0, 1, 1, 0, 1, 1},
		Y:       []float32{0, 1, 1, 0},
		Samples: 4, Inputs: 2, Outputs: 1, Classes: 2,
	}
}

// Spirals is the two-spirals problem: n points per arm of two interleaved
// spirals (1.75 turns each, coordinates in [-1, 1], a little noise from
// seed), target 0 for one arm and 1 for the other. n must be between 1
// and DefaultMaxElements/4 (X's floats within DefaultMaxElements).
func Spirals(n int, seed uint64) (*Set, error) {
	if n < 1 || n > DefaultMaxElements/4 {
		return nil, fmt.Errorf("spirals: %d points per arm, want 1 to %d", n, DefaultMaxElements/4)
	}
	r := rand.New(rand.NewPCG(seed, 0x73706972616c)) // "spiral"
	s := &Set{Name: "spirals", Samples: 2 * n, Inputs: 2, Outputs: 1, Classes: 2,
		X: make([]float32, 4*n), Y: make([]float32, 2*n)}
	const turns = 1.75
	for i := range n {
		t := float64(i) / float64(n)
		angle := t * turns * 2 * math.Pi
		rad := 0.1 + 0.9*t
		for arm := range 2 {
			k := 2*i + arm
			a := angle + float64(arm)*math.Pi
			s.X[2*k] = float32(rad*math.Cos(a) + 0.02*r.NormFloat64())
			s.X[2*k+1] = float32(rad*math.Sin(a) + 0.02*r.NormFloat64())
			s.Y[k] = float32(arm)
		}
	}
	return s, nil
}
