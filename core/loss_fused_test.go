package core

import (
	"testing"

	"github.com/v1tr0/entrena/asm"
)

// TestMSESigmoidDeltaBits: the sigmoid output's MSE δ, formed in the loss's
// own pass, has the bits of 2(a−y) followed by the SigmoidBackward kernel
// on every kernel path.
func TestMSESigmoidDeltaBits(t *testing.T) {
	a, y := blobs(3, 37, 10, 10)
	for i := range a {
		a[i] = 1 / (1 + a[i]*a[i]) // in (0, 1], as sigmoid outputs
	}
	forEachPath(t, func(t *testing.T) {
		got := make([]float32, len(a))
		lossAndDelta(MSE, Sigmoid, a, y, got, 37)
		want := make([]float32, len(a))
		for i := range a {
			want[i] = 2 * (a[i] - y[i])
		}
		if err := asm.SigmoidBackward(want, want, a); err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("δ[%d] = %v, want %v (bits %#x, %#x)", i, got[i], want[i], got[i], want[i])
			}
		}
	})
}
