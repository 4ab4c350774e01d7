package asm

// Workspace holds the packing buffers of Sgemm. It grows on first use to the
// largest shape it has seen (or the one given to Reserve) and never shrinks,
// so a caller that reuses one Workspace for the same shapes allocates nothing
// after the first call. A Workspace must not be used by two goroutines at once.
type Workspace struct {
	packA, packB []float32
	swapped      []float32 // Cᵀ of a product computed transposed (see gemmSwapped)
}

// NewWorkspace returns an empty Workspace.
func NewWorkspace() *Workspace { return &Workspace{} }

// Reserve grows w so that an m×n×k Sgemm on any available path needs no
// further allocation: each of its buffers to at least ReserveSize's floats.
func (w *Workspace) Reserve(m, n, k int) {
	packA, packB, swap := ReserveSize(m, n, k)
	w.buffers(packA, packB)
	w.swapBuffer(swap)
}

// ReserveSize returns the floats of each Workspace buffer (the packed A
// block, the packed B panel and the transposed-result scratch) that Reserve
// makes sure of for an m×n×k Sgemm: the largest any available path needs.
// Each buffer is one Aligned allocation, grown only when a reserve asks for
// more than it holds, so callers can compute a workspace's size before
// allocating it (core.New does, to refuse networks that cannot fit).
func ReserveSize(m, n, k int) (packA, packB, swap int) {
	for _, ks := range registry {
		if ks.packSize != nil {
			a, b := ks.packSize(m, n, k)
			packA, packB = max(packA, a), max(packB, b)
		}
		if ks.swapSize != nil {
			swap = max(swap, ks.swapSize(m, n, k))
		}
	}
	return packA, packB, swap
}

// buffers returns packing buffers of at least a and b floats, 64-byte aligned.
func (w *Workspace) buffers(a, b int) (packA, packB []float32) {
	if len(w.packA) < a {
		w.packA = Aligned(a)
	}
	if len(w.packB) < b {
		w.packB = Aligned(b)
	}
	return w.packA, w.packB
}

// swapBuffer returns a scratch matrix of at least n floats.
func (w *Workspace) swapBuffer(n int) []float32 {
	if len(w.swapped) < n {
		w.swapped = Aligned(n)
	}
	return w.swapped
}

// Sgemm computes C = alpha·op(A)·op(B) + beta·C on row-major matrices, where
// op(X) is X or its transpose Xᵀ as transA / transB say; op(A) is m×k, op(B)
// is k×n and C is m×n. Element (i, j) of a matrix X with leading dimension
// ldx is X[i*ldx+j]. The equivalent Go loop:
//
//	for i := 0; i < m; i++ {
//		for j := 0; j < n; j++ {
//			var s float32
//			for p := 0; p < k; p++ { s += opA(i, p) * opB(p, j) }
//			C[i*ldc+j] = alpha*s + beta*C[i*ldc+j]
//		}
//	}
//
// As in BLAS, beta = 0 overwrites C without reading it (NaN in C does not
// propagate), and C must not overlap A or B. ws holds the packing buffers;
// nil means a temporary one (which allocates). Summation order differs
// between paths, so results agree to rounding, not bit for bit.
func Sgemm(ws *Workspace, transA, transB bool, m, n, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) error {
	if err := checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc); err != nil {
		return err
	}
	if m == 0 || n == 0 {
		return nil
	}
	if ws == nil {
		ws = &Workspace{}
	}
	active.Load().gemm(ws, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	return nil
}

// scaleC applies C = beta·C to the m×n block of C (beta = 0 zeroes it).
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// checkGemm validates Sgemm's sizes, leading dimensions and slice lengths.
func checkGemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) error {
	const op = "Sgemm"
	if m < 0 || n < 0 || k < 0 {
		return argError(op, "negative size m=%d n=%d k=%d", m, n, k)
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	if err := checkMatrix(op, "A", a, ar, ac, lda); err != nil {
		return err
	}
	if err := checkMatrix(op, "B", b, br, bc, ldb); err != nil {
		return err
	}
	return checkMatrix(op, "C", c, m, n, ldc)
}
