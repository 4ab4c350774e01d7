package asm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// forEachPath runs fn once per available path with that path active, then
// restores the start-up path. Every kernel test runs through it, so one
// `go test` exercises generic, avx2, avx512 (and neon on arm64).
func forEachPath(t *testing.T, fn func(t *testing.T, path string)) {
	t.Helper()
	prev := Active()
	defer func() { _ = Use(prev) }()
	for _, name := range Available() {
		if err := Use(name); err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) { fn(t, name) })
	}
}

const guardValue = float32(-12345.678)

// guarded returns a slice of n random values with guard sentinels on both
// sides, starting off elements into its backing array (to misalign it), and
// a check function reporting writes outside [0, n).
func guarded(r *rand.Rand, n, off int) ([]float32, func(t *testing.T)) {
	const pad = 32
	buf := make([]float32, off+pad+n+pad)
	for i := range buf {
		buf[i] = guardValue
	}
	s := buf[off+pad : off+pad+n : off+pad+n]
	for i := range s {
		s[i] = r.Float32()*4 - 2
	}
	return s, func(t *testing.T) {
		t.Helper()
		for i := 0; i < off+pad; i++ {
			if buf[i] != guardValue {
				t.Fatalf("write before the slice at %d: %v", i-off-pad, buf[i])
			}
		}
		for i := off + pad + n; i < len(buf); i++ {
			if buf[i] != guardValue {
				t.Fatalf("write after the slice at +%d: %v", i-off-pad-n, buf[i])
			}
		}
	}
}

// testLengths are sizes around vector widths (4, 8, 16), unroll factors and
// block edges, plus primes and a few large ones.
var testLengths = func() []int {
	var l []int
	for n := 0; n <= 70; n++ {
		l = append(l, n)
	}
	return append(l, 97, 127, 128, 129, 255, 256, 257, 509, 1021, 1024, 4099)
}()

// relClose reports whether got is within tol relative (or tol absolute
// near zero) of want, treating NaN as equal to NaN and requiring infinities
// to match exactly.
func relClose(got, want float64, tol float64) bool {
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got)
	}
	if math.IsInf(want, 0) || math.IsInf(got, 0) {
		return got == want
	}
	d := math.Abs(got - want)
	return d <= tol*math.Max(1, math.Abs(want))
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

func copyOf(s []float32) []float32 { return append(make([]float32, 0, len(s)), s...) }

// requireSameBits fails at the first element of got whose bits differ from
// want's (the products and kernels that promise bit-identical results).
func requireSameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s [%d] = %v, want %v", what, i, got[i], want[i])
		}
	}
}
