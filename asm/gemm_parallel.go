package asm

import (
	"sync"

	"github.com/v1tr0/entrena/internal/split"
	"github.com/v1tr0/entrena/pool"
)

// ParallelGemm splits Sgemm over the threads of a pool.Pool, each thread
// with its own packing Workspace. C is cut into bands of rows (or of
// columns, when it is wider than tall) at multiples of the active path's
// register tile; each band is a unit of the pool, claimed by whichever
// thread is free. A band starting at a multiple of the tile is computed with
// the tiles and k blocks of the whole product, so every element of C gets
// the same bits whoever computes it and however many threads run. The zero
// ParallelGemm runs every product on its caller, as NewParallelGemm(nil)'s.
type ParallelGemm struct {
	pool   *pool.Pool
	ws     []*Workspace // one per pool thread; [0] is the caller's
	shared []float32    // op(B) packed once for all row bands (paths with sharedB)
	mu     sync.Mutex   // guards the tasks between Sgemm calls from several goroutines
	// What PackB last packed into shared (packedKS nil: nothing usable).
	packedKS         *kernelSet
	packedN, packedK int
	task             gemmTask
	pack             packTask
	all              allTask
}

// sharedGemm is a path's support for row bands that share one packed op(B)
// (see gemm_shared_amd64.go).
type sharedGemm interface {
	// sharesB reports whether row bands of the product should share op(B).
	sharesB(transA, transB bool, m, n, k, ldb int, alpha, beta float32) bool
	sharedBSize(n, k int) int
	panelWidth() int
	// kBlocks is the number of blocks the product's k is cut into.
	kBlocks(transA, transB bool, k int) int
	// packSharedB packs panels [q0, q1) of op(B), k blocks [kb0, kb1), into dst.
	packSharedB(dst []float32, transA, transB bool, b []float32, ldb, n, k, q0, q1, kb0, kb1 int)
	// rowsSharedB computes rows [i0, i1) of C from the packed op(B), k
	// blocks [kb0, kb1).
	rowsSharedB(ws *Workspace, shared []float32, transA, transB bool, i0, i1, n, k, kb0, kb1 int,
		alpha float32, a []float32, lda int, beta float32, c []float32, ldc int)
}

// SharedSize is the floats of the shared op(B) buffer a ParallelGemm holds
// for an m×n×k product: the largest any available path needs.
func SharedSize(m, n, k int) int {
	size := 0
	for _, ks := range registry {
		if ks.sharedB != nil {
			size = max(size, ks.sharedB.sharedBSize(n, k))
		}
	}
	return size
}

// NewParallelGemm returns a ParallelGemm over p with empty workspaces. A
// nil p means one thread: every product runs on the caller (worker 0).
func NewParallelGemm(p *pool.Pool) *ParallelGemm {
	if p == nil {
		p, _ = pool.New(1) // no worker goroutines: nothing to close
	}
	g := &ParallelGemm{}
	g.setUp(p)
	return g
}

// setUp gives g the pool p and a workspace per thread.
func (g *ParallelGemm) setUp(p *pool.Pool) {
	g.pool, g.ws = p, make([]*Workspace, p.Threads())
	g.all.units = make([]productRows, 0, 64)
	for i := range g.ws {
		g.ws[i] = NewWorkspace()
	}
}

// ready sets a zero ParallelGemm up for one thread; g.mu is held.
func (g *ParallelGemm) ready() {
	if g.pool == nil {
		p, _ := pool.New(1)
		g.setUp(p)
	}
}

// Reserve grows every thread's workspace, and with more than one thread
// the shared buffer, for an m×n×k Sgemm.
func (g *ParallelGemm) Reserve(m, n, k int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ready()
	for _, w := range g.ws {
		w.Reserve(m, n, k)
	}
	if g.pool.Threads() > 1 {
		g.sharedBuffer(SharedSize(m, n, k))
	}
}

func (g *ParallelGemm) sharedBuffer(n int) []float32 {
	if len(g.shared) < n {
		g.shared = Aligned(n)
	}
	return g.shared
}

// Tuning: below split.GemmFlops a product stays on the caller. A band
// holds at least gemmBandFlops of work, or gemmCopyBandFlops where each
// band packs its own copy of an operand all bands read (a transposed B for
// row bands without a shared op(B)).
var (
	gemmBandFlops     = 1 << 20
	gemmCopyBandFlops = 8 << 20
)

// Sgemm is asm.Sgemm split over the pool. Small products stay on the caller.
func (g *ParallelGemm) Sgemm(transA, transB bool, m, n, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) error {
	if err := checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc); err != nil {
		return err
	}
	if m == 0 || n == 0 {
		return nil
	}
	ks := active.Load()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ready()
	if g.pool.Threads() == 1 || 2*m*n*k < split.GemmFlops {
		ks.gemm(g.ws[0], transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return nil
	}
	g.unlocked(ks, &Product{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, 0})
	return nil
}

// SgemmOn is asm.Sgemm on pool thread w's workspace, for a pool task that
// cuts its work itself (w is the worker index its Run received, in [0,
// the pool's Threads)): it never splits and takes no lock, so the threads
// of one call may each run one.
func (g *ParallelGemm) SgemmOn(w int, transA, transB bool, m, n, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) error {
	if err := g.checkWorker("SgemmOn", w); err != nil {
		return err
	}
	return Sgemm(g.ws[w], transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// checkWorker refuses a worker index that has no workspace.
func (g *ParallelGemm) checkWorker(op string, w int) error {
	if w < 0 || w >= len(g.ws) {
		return argError(op, "worker %d of a pool of %d threads", w, len(g.ws))
	}
	return nil
}

// PackB packs op(B) (k×n; B is n×k when transB) once, its panels split
// over the pool, for SgemmOnB, which pool threads then call on row blocks
// of products that share it, as a layer's forward product shares the
// layer's weights: each block would otherwise pack them again or run as
// its transpose. It reports false, packing nothing, on a path without a
// shared op(B) (then use SgemmOn). What it packed serves SgemmOnB until
// the next PackB, or a split Sgemm on g that shares an op(B) of its own
// (SgemmOnB is then an error).
func (g *ParallelGemm) PackB(transB bool, n, k int, b []float32, ldb int) (bool, error) {
	if n < 0 || k < 0 {
		return false, argError("PackB", "negative size n=%d k=%d", n, k)
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	if err := checkMatrix("PackB", "B", b, br, bc, ldb); err != nil {
		return false, err
	}
	ks := active.Load()
	sh := ks.sharedB
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ready()
	g.packedKS = nil
	if sh == nil || g.pool.Threads() == 1 || n == 0 || k == 0 {
		return false, nil
	}
	g.pack = packTask{sh: sh, dst: g.sharedBuffer(sh.sharedBSize(n, k)), transB: transB, b: b, ldb: ldb, n: n, k: k, kb1: sh.kBlocks(false, transB, k)}
	g.pool.For((n+sh.panelWidth()-1)/sh.panelWidth(), 1, &g.pack)
	g.pack = packTask{}
	g.packedKS, g.packedN, g.packedK = ks, n, k
	return true, nil
}

// SgemmOnB is SgemmOn with op(B) the one PackB packed (n×k as packed
// there): C = alpha·A·op(B) + beta·C for a non-transposed A, with the bits
// of Sgemm on the same operands for beta 0 or 1.
func (g *ParallelGemm) SgemmOnB(w int, m, n, k int, alpha float32, a []float32, lda int, beta float32, c []float32, ldc int) error {
	if err := g.checkWorker("SgemmOnB", w); err != nil {
		return err
	}
	if g.packedKS == nil || n != g.packedN || k != g.packedK {
		return argError("SgemmOnB", "op(B) %d×%d was not packed by PackB", k, n)
	}
	if m < 0 {
		return argError("SgemmOnB", "negative size m=%d", m)
	}
	if err := checkMatrix("SgemmOnB", "A", a, m, k, lda); err != nil {
		return err
	}
	if err := checkMatrix("SgemmOnB", "C", c, m, n, ldc); err != nil {
		return err
	}
	if m == 0 {
		return nil
	}
	sh := g.packedKS.sharedB
	// A is not transposed: the k blocks are PackB's whatever its transB.
	sh.rowsSharedB(g.ws[w], g.shared, false, false, 0, m, n, k, 0, sh.kBlocks(false, false, k), alpha, a, lda, beta, c, ldc)
	return nil
}

// split runs one product as bands over the pool, each computed by gemm;
// g.mu is held.
func (g *ParallelGemm) split(ks *kernelSet, gemm gemmFunc, transA, transB bool, m, n, k int, alpha float32,
	a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	t := &g.task
	*t = gemmTask{ws: g.ws, ks: ks, gemm: gemm, transA: transA, transB: transB, m: m, n: n, k: k,
		alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, byRows: m >= n}
	defer func() { *t = gemmTask{}; g.pack = packTask{} }() // do not keep the caller's buffers alive
	sh := ks.sharedB
	if streamsWideB(transA, transB, m, n, k) {
		t.byRows = false
	} else if sh != nil && transA {
		// Row bands also for a transposed A wider than tall: its column
		// bands would each pack all of A, while row bands read B in place
		// or share one packed copy.
		t.byRows = true
	}
	if sh == nil || !t.byRows || !sh.sharesB(transA, transB, m, n, k, ldb, alpha, beta) {
		g.pool.For(t.extent(), t.band(g.pool.Active()), t)
		return
	}
	if threads := g.pool.Active(); ks.privateBRows > 0 && m >= threads*ks.privateBRows {
		g.pool.For(m, t.perThread(threads), t)
		return
	}
	g.packedKS = nil // the buffer PackB filled is reused here
	size := sh.sharedBSize(n, k)
	t.shared = g.sharedBuffer(size)
	g.pack = packTask{sh: sh, dst: t.shared, transA: transA, transB: transB, b: b, ldb: ldb, n: n, k: k}
	panels, blocks := (n+sh.panelWidth()-1)/sh.panelWidth(), sh.kBlocks(transA, transB, k)
	// An op(B) past a core's share of L3 is packed and used one k block at
	// a time: bands that each swept all of it would stream it from memory,
	// where the one-thread product keeps one block hot in cache.
	step := blocks
	if 4*size > sharedSweepBytes {
		step = 1
	}
	for kb := 0; kb < blocks; kb += step {
		g.pack.kb0, g.pack.kb1 = kb, min(kb+step, blocks)
		t.kb0, t.kb1 = g.pack.kb0, g.pack.kb1
		g.pool.For(panels, 1, &g.pack)
		g.pool.For(t.extent(), t.band(g.pool.Active()), t)
	}
}

// sharedSweepBytes is the size of a shared op(B) from which a product's
// bands run one k block at a time.
var sharedSweepBytes = 4 << 20

// packTask packs panels [lo, hi) of op(B) into the shared buffer.
type packTask struct {
	sh     sharedGemm
	dst    []float32
	transA bool // the product's, for its k blocks
	transB bool
	b      []float32
	ldb    int
	n, k   int
	kb0    int // k blocks [kb0, kb1)
	kb1    int
}

// CallKind: packings of as many panels but another depth (pool.CallKind).
func (t *packTask) CallKind() uint64 {
	return pool.Kind(t.n, t.k, flags(t.transA, t.transB), t.kb0, t.kb1)
}

func (t *packTask) Run(w, lo, hi int) {
	t.sh.packSharedB(t.dst, t.transA, t.transB, t.b, t.ldb, t.n, t.k, lo, hi, t.kb0, t.kb1)
}

// Band boundaries are multiples of the active path's register tile (its
// kernelSet's rowGrain and colGrain: 12×32 for AVX-512, 6×16 for AVX2, 8×12
// for NEON), or of every path's when a path sets none (rows: 6, 8, 12;
// columns: 12, 16, 32 — 32 is not a multiple of 12, but NEON's 12-wide
// edge costs one partial tile per band).
const (
	gemmRowGrain = 24
	gemmColGrain = 32
)

type gemmTask struct {
	ws             []*Workspace
	ks             *kernelSet
	gemm           gemmFunc // what computes a band
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int
	byRows         bool
	shared         []float32 // op(B) packed for every row band, or nil
	kb0, kb1       int       // the k blocks of shared the bands compute
}

// extent is the number of rows (or columns) of C that bands cut.
func (t *gemmTask) extent() int {
	if t.byRows {
		return t.m
	}
	return t.n
}

// band is the rows (or columns) of one band: a multiple of the tile with
// at least gemmBandFlops of work (gemmCopyBandFlops when bands copy a
// shared operand). Row bands that each read or pack all of an op(B) past
// streamBBytes (a weight gradient's B is the layer's input read in place,
// 800 KB at batch 256 for 784 inputs) are instead one per active thread:
// every band streams that B from memory again, which 6-row bands did 22
// times per product, where one band holds each B micro-panel in L1 for
// all of its rows; so are column bands that each pack all of op(A)
// (streamsWideB's, and any where the path copies A into panels: a band of
// 32 columns would copy A for 64 flops a float). The bits depend on the
// cut's being at multiples of the tile only, never on the band or thread
// count.
func (t *gemmTask) band(threads int) int {
	grain, across := t.grain(), t.n
	if !t.byRows {
		across = t.m
	}
	if t.shared == nil && 4*t.k*t.n > streamBBytes && (t.byRows || streamsWideB(t.transA, t.transB, t.m, t.n, t.k)) {
		return t.perThread(threads)
	}
	if !t.byRows && t.ks.packsA != nil && t.ks.packsA(t.transA, t.grain(), t.lda) {
		return t.perThread(threads)
	}
	flops := gemmBandFlops
	if t.shared == nil && t.byRows && t.transB {
		flops = gemmCopyBandFlops
	}
	want := flops / max(2*across*t.k, 1)
	return max(grain, (want+grain-1)/grain*grain)
}

// grain is the multiple of rows (or columns) bands are cut at.
func (t *gemmTask) grain() int {
	rows, cols := gemmRowGrain, gemmColGrain
	if t.ks.rowGrain > 0 {
		rows, cols = t.ks.rowGrain, t.ks.colGrain
	}
	if t.byRows {
		return rows
	}
	return cols
}

// perThread is a band of one share per thread, in whole tiles.
func (t *gemmTask) perThread(threads int) int {
	grain := t.grain()
	tiles := (t.extent() + grain - 1) / grain
	return (tiles + threads - 1) / threads * grain
}

// streamBBytes is the size of op(B) from which row bands are one per
// thread: half a Zen 3 L2.
const streamBBytes = 256 << 10

// wideBBytes is the size of a B read in place past which streamsWideB
// cuts columns: half this core's L2 (cpuid), at least streamBBytes.
var wideBBytes = max(streamBBytes, l2Bytes()/2)

// streamsWideB reports whether C = op(A)·B, with A transposed and B read
// in place past wideBBytes, is cut into column bands, one per thread,
// rather than row bands: the weight gradient of a wide layer (dW₁ = δ₁ᵀ·X,
// 128×784 at batch 256, B 800 KB) where L2 cannot hold B. Each row band
// would read all of B from memory; a column band reads its own columns of
// B and packs all of op(A), which is smaller when C is wider than tall.
// Where B fits in L2 (a Xeon's 2 MiB), row bands read it from there, and
// each thread keeps the rows of C it writes: a layer's weights, which the
// thread's band of the forward product reads next (core's first layer by
// units).
func streamsWideB(transA, transB bool, m, n, k int) bool {
	return transA && !transB && n > m && 4*k*n > wideBBytes
}

// ColumnGrain is the multiple of columns at which C may be cut into bands
// that are computed apart (SgemmOn on each band's columns of op(B) and C)
// with the bits of the whole product: the active path's register tile
// width.
func ColumnGrain() int {
	if c := active.Load().colGrain; c > 0 {
		return c
	}
	return gemmColGrain
}

// CallKind tells the pool's policy apart the products that share this
// task, a band count and a band but not a cost (m rows of 256 columns or of
// 2048): each is measured on its own (pool.CallKind).
func (t *gemmTask) CallKind() uint64 {
	return pool.Kind(t.m, t.n, t.k, flags(t.transA, t.transB, t.byRows, t.shared != nil), t.kb0, t.kb1)
}

// flags packs booleans into the bits of an int, the first in bit 0.
func flags(bs ...bool) int {
	f := 0
	for i, b := range bs {
		if b {
			f |= 1 << i
		}
	}
	return f
}

// Run computes rows (or columns) [lo, hi) of C on thread w.
func (t *gemmTask) Run(w, lo, hi int) {
	if t.shared != nil {
		t.ks.sharedB.rowsSharedB(t.ws[w], t.shared, t.transA, t.transB, lo, hi, t.n, t.k, t.kb0, t.kb1,
			t.alpha, t.a, t.lda, t.beta, t.c, t.ldc)
		return
	}
	t.run(t.ws[w], lo, hi)
}

// run computes rows (or columns) [lo, hi) of C as a sub-product on
// sub-slices: rows of C need rows of op(A); columns need columns of op(B).
func (t *gemmTask) run(ws *Workspace, lo, hi int) {
	a, b, c := t.a, t.b, t.c
	m, n := t.m, t.n
	if t.byRows {
		m = hi - lo
		if t.transA {
			a = a[lo:]
		} else {
			a = a[lo*t.lda:]
		}
		c = c[lo*t.ldc:]
	} else {
		n = hi - lo
		if t.transB {
			b = b[lo*t.ldb:]
		} else {
			b = b[lo:]
		}
		c = c[lo:]
	}
	t.gemm(ws, t.transA, t.transB, m, n, t.k, t.alpha, a, t.lda, b, t.ldb, t.beta, c, t.ldc)
}
