// Package pool runs one piece of work at a time over several cores, built
// to stay fast when the machine is shared: a laptop compiling, a CI runner,
// a notebook whose numpy also uses threads, or many networks in one process.
//
// # How a call is split
//
// For(n, unit, t) cuts [0, n) into units of unit items (the last may be
// shorter). The caller chooses unit from the shape of the work alone, never
// from the number of threads, so a unit's boundaries do not depend on who
// runs it; tasks must give the same result for any cut at multiples of unit
// (element-wise passes and products banded at register-tile multiples do).
// Calls with fewer than two units, on one thread, on a closed pool, or while
// the pool runs serially (below) run inline as t.Run(0, 0, n).
//
// # How units are claimed
//
// The caller writes the call into the pool, then publishes it in one atomic
// word (call number, unit count, next unclaimed unit) and starts claiming
// units itself at once. Workers claim the same way, by a compare-and-swap
// that fails if the call number changed, so a worker that wakes late finds
// nothing left, and never takes a unit of a later call. No unit belongs to a
// particular worker: a worker the operating system did not schedule only
// lowers the share of the work done by workers; the caller does the rest.
//
// # How the caller waits
//
// Completion is counted in units, not in workers: the caller waits only for
// units that a running worker claimed and has not finished. It polls briefly
// while they finish, then parks; whoever finishes the last unit wakes it,
// and only if it parked (one atomic add decides on each side).
//
// The park is a channel receive, for which the Go runtime takes a wait
// record (a sudog, 112 bytes) from a per-processor cache. When the caller
// parks on one processor and resumes on another, or after a garbage
// collection has emptied the runtime's shared cache, that cache can be
// empty, and the runtime allocates one: the only heap allocation a pool
// call can make. Rare: `go run ./bench -only epoch` shows one or two in
// some epochs of 1,875 two-thread steps on the 2-vCPU AMD EPYC of
// bench/results, none in most.
//
// # How idle workers wait
//
// A worker with nothing to claim polls for the next call for a short time
// budget (the gaps between the calls of a training step are microseconds),
// then parks until a caller wakes it (on Unix on a pipe, so that the
// runtime's poller hands it to an idle processor). A woken worker that
// finds itself on the CPU the caller ran on moves off it when another CPU
// idles (the kernel may wake it there, where the two would take turns).
// Only a few workers in
// the whole process may poll at once (half of GOMAXPROCS, at least one);
// the rest park at once. A pool whose process is given fewer cores than it
// has threads (CPU affinity, a cgroup CPU quota) uses only as many threads
// as there are cores, a call runs on its caller alone while calls of other
// pools hold every other processor, and an idle pool costs no CPU.
//
// # Self-correction
//
// Each kind of call (its task, length and unit, and the task's CallKind
// where it has one: a product's bands over more or fewer columns cost
// differently under the same cut) runs on the caller alone now and then,
// which measures what it costs without workers (the median of recent
// samples). When, over
// two windows of calls in a row, the parallel calls were not faster than
// that, or the caller's thread spent a noticeable share of the window
// waiting for a CPU (another process holds the cores), the pool runs
// serially for a while, then probes again,
// backing off from tens of milliseconds to about a second while the probes
// keep failing. Stats reports the threads in use and why.
package pool
