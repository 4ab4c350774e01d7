package asm

import (
	"fmt"
	"testing"
)

// Element-wise kernel benchmarks, one sub-benchmark per available path and
// size. Bytes per op count every slice read and written once; "Gelem/s" is
// elements processed per nanosecond.
//
//	go test ./asm -run '^$' -bench 'Hadamard|Sigmoid|Axpy|Adam|RMSprop' -count 5
//
// Every exported kernel has one (Sgemm's are in gemm_bench_test.go,
// FirstNonFinite's in finite_test.go). The in-place kernels (AddBias,
// Scale, SoftmaxRows) are run on their own output, with inputs that stay in
// range from call to call.

var vecBenchSizes = []int{1e3, 1e5, 1e7}

// benchVec runs fn over n elements for every path; streams is the number of
// n-float arrays the kernel reads or writes (for b.SetBytes).
func benchVec(b *testing.B, sizes []int, streams int, fn func(n int) func()) {
	prev := Active()
	defer func() { _ = Use(prev) }()
	for _, path := range Available() {
		for _, n := range sizes {
			b.Run(fmt.Sprintf("%s/n=%d", path, n), func(b *testing.B) {
				if err := Use(path); err != nil {
					b.Fatal(err)
				}
				op := fn(n)
				b.SetBytes(int64(4 * streams * n))
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					op()
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
			})
		}
	}
}

// benchData returns k slices of n values in [-2, 2).
func benchData(n, k int) [][]float32 {
	r := newRand(uint64(n))
	out := make([][]float32, k)
	for i := range out {
		out[i] = make([]float32, n)
		for j := range out[i] {
			out[i][j] = r.Float32()*4 - 2
		}
	}
	return out
}

func BenchmarkHadamard(b *testing.B) {
	benchVec(b, vecBenchSizes, 3, func(n int) func() {
		d := benchData(n, 3)
		return func() { _ = Hadamard(d[0], d[1], d[2]) }
	})
}

func BenchmarkSigmoid(b *testing.B) {
	benchVec(b, vecBenchSizes, 2, func(n int) func() {
		d := benchData(n, 2)
		for i := range d[1] {
			d[1][i] *= 5
		}
		return func() { _ = Sigmoid(d[0], d[1]) }
	})
}

func BenchmarkSigmoidBackward(b *testing.B) {
	benchVec(b, vecBenchSizes, 3, func(n int) func() {
		d := benchData(n, 3)
		return func() { _ = SigmoidBackward(d[0], d[1], d[2]) }
	})
}

func BenchmarkTanh(b *testing.B) {
	benchVec(b, vecBenchSizes, 2, func(n int) func() {
		d := benchData(n, 2)
		return func() { _ = Tanh(d[0], d[1]) }
	})
}

func BenchmarkTanhBackward(b *testing.B) {
	benchVec(b, vecBenchSizes, 3, func(n int) func() {
		d := benchData(n, 3)
		return func() { _ = TanhBackward(d[0], d[1], d[2]) }
	})
}

func BenchmarkReLU(b *testing.B) {
	benchVec(b, vecBenchSizes, 2, func(n int) func() {
		d := benchData(n, 2)
		return func() { _ = ReLU(d[0], d[1]) }
	})
}

func BenchmarkReLUBackward(b *testing.B) {
	benchVec(b, vecBenchSizes, 3, func(n int) func() {
		d := benchData(n, 3)
		return func() { _ = ReLUBackward(d[0], d[1], d[2]) }
	})
}

// benchCols is the row length of the row kernels' benchmarks: a typical
// hidden width that is not a multiple of 16.
const benchCols = 100

// BenchmarkAddBias adds a bias row to a rows×100 matrix in place; the bias
// alternates sign so that x stays where it started.
func BenchmarkAddBias(b *testing.B) {
	benchVec(b, vecBenchSizes, 2, func(n int) func() {
		d := benchData(n, 2)
		x, pos, neg := d[0], d[1][:benchCols], make([]float32, benchCols)
		for i, v := range pos {
			neg[i] = -v
		}
		flip := false
		return func() {
			bias := pos
			if flip = !flip; flip {
				bias = neg
			}
			_ = AddBias(x, n/benchCols, benchCols, bias)
		}
	})
}

// BenchmarkColSums reduces a rows×100 matrix to its column sums (the bias
// gradient); the 100-float result is not counted in the bytes.
func BenchmarkColSums(b *testing.B) {
	benchVec(b, vecBenchSizes, 1, func(n int) func() {
		d := benchData(n, 1)
		dst := make([]float32, benchCols)
		return func() { _ = ColSums(dst, 0.5, d[0], n/benchCols, benchCols) }
	})
}

// BenchmarkScale scales in place by 2 and ½ in turn (both exact), so the
// values neither overflow nor drift into subnormals.
func BenchmarkScale(b *testing.B) {
	benchVec(b, vecBenchSizes, 2, func(n int) func() {
		x := benchData(n, 1)[0]
		alpha := float32(2)
		return func() {
			Scale(alpha, x)
			alpha = 1 / alpha
		}
	})
}

// BenchmarkSoftmaxRows runs the output layer's softmax (10 classes) in
// place over n/10 rows; a softmax of probabilities stays in (0, 1].
func BenchmarkSoftmaxRows(b *testing.B) {
	const classes = 10
	benchVec(b, vecBenchSizes, 2, func(n int) func() {
		x := benchData(n, 1)[0]
		return func() { _ = SoftmaxRows(x, n/classes, classes) }
	})
}

// BenchmarkBiasSigmoid runs the fused forward step on a rows×benchCols
// matrix.
func BenchmarkBiasSigmoid(b *testing.B) {
	const cols = benchCols
	benchVec(b, vecBenchSizes, 1, func(n int) func() {
		d := benchData(n, 2)
		x, x0, bias := d[0], d[1], d[1][:cols]
		return func() {
			copy(x, x0) // keep the inputs in range; counted in the timing
			_ = BiasSigmoid(x, n/cols, cols, bias)
		}
	})
}

func BenchmarkAxpy(b *testing.B) {
	benchVec(b, vecBenchSizes, 3, func(n int) func() {
		d := benchData(n, 2)
		return func() { _ = Axpy(1e-9, d[0], d[1]) }
	})
}

func BenchmarkMomentum(b *testing.B) {
	benchVec(b, vecBenchSizes, 5, func(n int) func() {
		d := benchData(n, 3)
		return func() { _ = Momentum(d[0], d[1], d[2], 1e-9, 0.5) }
	})
}

func BenchmarkAdam(b *testing.B) {
	h := AdamParams{LR: 1e-9, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, Correction1: 0.1, Correction2: 0.001}
	benchVec(b, vecBenchSizes, 7, func(n int) func() {
		d := benchData(n, 4)
		for i := range d[3] {
			d[3][i] = d[3][i] * d[3][i]
		}
		return func() { _ = Adam(d[0], d[1], d[2], d[3], h) }
	})
}

func BenchmarkRMSprop(b *testing.B) {
	benchVec(b, vecBenchSizes, 5, func(n int) func() {
		d := benchData(n, 3)
		for i := range d[2] {
			d[2][i] = d[2][i] * d[2][i]
		}
		return func() { _ = RMSprop(d[0], d[1], d[2], 1e-9, 0.9, 1e-7) }
	})
}
