package core

import "math/rand/v2"

func newTestRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 99)) }

// xorData is the XOR truth table: 4 samples of 2 inputs, 1 target each.
var (
	xorX = []float32{0, 0, 0, 1, 1, 0, 1, 1}
	xorY = []float32{0, 1, 1, 0}
)

// blobs returns a separable classification set: samples×inputs features
// around one centre per class, and one-hot targets.
func blobs(seed uint64, samples, inputs, classes int) (x, y []float32) {
	r := newTestRand(seed)
	centres := make([]float32, classes*inputs)
	for i := range centres {
		centres[i] = float32(r.NormFloat64() * 2)
	}
	x = make([]float32, samples*inputs)
	y = make([]float32, samples*classes)
	for s := 0; s < samples; s++ {
		c := r.IntN(classes)
		y[s*classes+c] = 1
		for i := 0; i < inputs; i++ {
			x[s*inputs+i] = centres[c*inputs+i] + float32(r.NormFloat64()*0.5)
		}
	}
	return x, y
}
