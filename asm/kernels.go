package asm

// kernelSet is one row of the dispatch table: every kernel of one path.
// Entries receive arguments already checked by the exported wrappers, so
// implementations (Go or assembly) do no validation of their own. A SIMD path
// starts as a copy of the generic set and replaces what it implements.
type kernelSet struct {
	name string

	gemm gemmFunc

	hadamard        func(dst, a, b []float32)                                 // dst[i] = a[i]·b[i]
	sigmoid         func(dst, src []float32)                                  // dst[i] = σ(src[i])
	sigmoidBackward func(dst, delta, act []float32)                           // dst[i] = delta[i]·act[i]·(1−act[i])
	biasSigmoid     func(x []float32, cols int, bias []float32)               // x[r,c] = σ(x[r,c] + bias[c])
	addBias         func(x []float32, cols int, bias []float32)               // x[r,c] += bias[c]
	colSums         func(dst []float32, alpha float32, x []float32, cols int) // dst[c] = alpha·Σ_r x[r,c]

	tanh         func(dst, src []float32)        // dst[i] = tanh(src[i])
	tanhBackward func(dst, delta, act []float32) // dst[i] = delta[i]·(1−act[i]²)
	relu         func(dst, src []float32)        // dst[i] = max(src[i], 0)
	reluBackward func(dst, delta, act []float32) // dst[i] = delta[i] if act[i] > 0 else 0
	softmaxRows  func(x []float32, cols int)     // each row of x replaced by its softmax

	axpy     func(alpha float32, x, y []float32) // y[i] += alpha·x[i]
	scale    func(alpha float32, x []float32)    // x[i] *= alpha
	momentum func(p, g, v []float32, lr, mu float32)
	adam     func(p, g, m, v []float32, h AdamParams)
	rmsprop  func(p, g, v []float32, lr, rho, eps float32) // v = ρv + (1−ρ)g²; p −= lr·g/√(v+ε)

	// packSize returns the Workspace floats this path's gemm needs for an
	// m×n×k product: the packed A block and the packed B panel.
	packSize func(m, n, k int) (a, b int)
	// rowGrain and colGrain: ParallelGemm cuts C into bands of rows and
	// columns at multiples of these (the path's register tile), so that a
	// band is computed with the tiles of the whole product; 0 means the
	// defaults that suit every path (gemmRowGrain, gemmColGrain).
	rowGrain, colGrain int
	// sharedB, when set, lets ParallelGemm pack op(B) once for all the row
	// bands of a product instead of once per band.
	sharedB sharedGemm
	// privateBRows, when set, is the rows per thread from which a product
	// that would share op(B) is instead cut into one row band per thread,
	// each packing op(B) itself: where reading the panels another core
	// packed costs more than packing them again.
	privateBRows int
	// packsA, when set, reports whether gemm copies op(A) into panels for
	// a product n columns wide (nil: it never does): ParallelGemm's
	// column bands then each copy all of it, and are one per thread.
	packsA func(transA bool, n, lda int) bool
	// swapSize, when set, returns the floats of the transposed-result
	// scratch an m×n×k product may need (0: it is computed directly).
	swapSize func(m, n, k int) int
	// swap, when set, reports whether gemm computes this product as its
	// transpose (C = op(A)·op(B) as Cᵀ = op(B)ᵀ·op(A)ᵀ), so that
	// ParallelGemm splits the transposed product, its bands computed by
	// direct (gemm without the swap, which would reuse the caller's
	// scratch for a narrow band); transpose is the path's transposing copy.
	swap      func(transA, transB bool, m, n, k int, alpha, beta float32) bool
	direct    gemmFunc
	transpose transposeFunc

	// tinySGD reports that the path runs tinySGDKernel, the whole
	// plain-SGD step of a tiny network (tiny.go): one kernel, called
	// directly (a function value would add an ABI wrapper to each call).
	tinySGD bool
}

// transposeFunc writes the rows×cols matrix src (row stride lds) into dst
// (row stride ldd) as its cols×rows transpose.
type transposeFunc func(dst []float32, ldd int, src []float32, lds, rows, cols int)

// AdamParams are the per-step constants of an Adam update. Correction1 and
// Correction2 are the bias corrections 1−β1^t and 1−β2^t for step t.
type AdamParams struct {
	LR, Beta1, Beta2, Eps    float32
	Correction1, Correction2 float32
}

// gemmFunc computes C = alpha·op(A)·op(B) + beta·C on one core; see Sgemm.
type gemmFunc func(ws *Workspace, transA, transB bool, m, n, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
