package asm

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFirstNonFinite(t *testing.T) {
	forEachPath(t, testFirstNonFinite)
}

func testFirstNonFinite(t *testing.T, path string) {
	bad := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)),
		math.Float32frombits(0x7fc00001), math.Float32frombits(0xffffffff), math.Float32frombits(0x7f800001)}
	good := []float32{0, float32(math.Copysign(0, -1)), 1, -1, math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, 1e-38, 3e38}
	require.Equal(t, -1, FirstNonFinite(nil))
	require.Equal(t, -1, FirstNonFinite(good))
	for _, n := range []int{1, 2, 7, 8, 9, 31, 32, 33, 63, 64, 65, 127, 128, 200, 4095, 4096, 4097, 9000} {
		s := make([]float32, n)
		for i := range s {
			s[i] = good[i%len(good)]
		}
		require.Equal(t, -1, FirstNonFinite(s), "n=%d", n)
		for _, pos := range []int{0, n / 2, n - 1, n - n%8, n - n%32} {
			if pos >= n {
				continue
			}
			for _, b := range bad {
				c := copyOf(s)
				c[pos] = b
				if pos < n-1 {
					c[n-1] = b // a later one must not be reported first
				}
				require.Equal(t, pos, FirstNonFinite(c), "n=%d pos=%d v=%v", n, pos, b)
			}
		}
	}
}

func BenchmarkFirstNonFinite(b *testing.B) {
	s := make([]float32, 256*784)
	b.SetBytes(int64(4 * len(s)))
	for i := 0; i < b.N; i++ {
		if FirstNonFinite(s) != -1 {
			b.Fatal("finite")
		}
	}
}
