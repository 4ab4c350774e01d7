"""Run by test_distributed.py under `mpirun -np 2`: the ranks' side of the
MPI tests. Each rank prints one line per check; the job's status is 0 when
every rank passed.

    equal  2 ranks with batch_size b against 1 process with 2b over the same
           order, 100 steps (SGD, momentum, Adam): within 1e-5 relative
    fail   rank 1's allreduce raises on its third call: rank 1 gets
           ReduceError at once, rank 0 after its 2 s timeout
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mpi4py import MPI  # noqa: E402

import entrena  # noqa: E402
from conftest import formula_data  # noqa: E402

SAMPLES, BATCH, EPOCHS = 320, 16, 10
comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
failures = 0


def check(ok, what):
    global failures
    print("rank %d: %s: %s" % (rank, "ok" if ok else "FAILED", what), flush=True)
    failures += not ok


def model(opt, max_batch):
    return entrena.Sequential([entrena.Dense(24, "tanh"), entrena.Dense(16, "sigmoid"),
                               entrena.Dense(4, "softmax")], inputs=12, loss="cce",
                              optimizer=opt, max_batch=max_batch, seed=7, threads=1)


def equal():
    x, y = formula_data(SAMPLES, 12, 4)
    allreduce = entrena.distributed.mpi(comm)
    for name, opt in (("sgd", entrena.SGD(lr=0.1)), ("momentum", entrena.SGD(lr=0.1, momentum=0.9)),
                      ("adam", entrena.Adam(lr=0.01))):
        dist, one = model(opt, BATCH * size), model(opt, BATCH * size)
        start = list(dist.get_params())
        hd = dist.fit(x, y, epochs=EPOCHS, batch_size=BATCH, allreduce=allreduce, verbose=0)
        h1 = one.fit(x, y, epochs=EPOCHS, batch_size=BATCH * size, verbose=0)
        a, b = list(dist.get_params()), list(one.get_params())
        rel = max(abs(p - q) for p, q in zip(a, b)) / max(abs(q) for q in b)
        moved = max(abs(p - q) for p, q in zip(a, start))
        same = comm.allreduce(sum(v * (i % 5 + 1) for i, v in enumerate(a)), op=MPI.MIN) == \
            comm.allreduce(sum(v * (i % 5 + 1) for i, v in enumerate(a)), op=MPI.MAX)
        steps = EPOCHS * -(-SAMPLES // (BATCH * size))
        check(steps >= 100 and rel <= 1e-5 and moved > 1e-3 and same and
              abs(hd.history["loss"][-1] - h1.history["loss"][-1]) <= 1e-5 * h1.history["loss"][-1],
              "%s: %d ranks x batch %d vs 1 process x batch %d, %d steps: max relative difference "
              "%.2e, loss %.6f vs %.6f, ranks %s" % (name, size, BATCH, BATCH * size, steps, rel,
                                                      hd.history["loss"][-1], h1.history["loss"][-1],
                                                      "identical" if same else "DIFFERENT"))


def fail():
    x, y = formula_data(SAMPLES, 12, 4)
    inner = entrena.distributed.mpi(comm, timeout=2)
    calls = []

    class Failing:
        rank, size = inner.rank, inner.size

        def __call__(self, buf):
            calls.append(1)
            if len(calls) == 3 and rank == 1:
                raise RuntimeError("rank 1 broke")
            inner(buf)

    m = model(entrena.SGD(lr=0.1), BATCH)
    t = time.monotonic()
    try:
        m.fit(x, y, epochs=EPOCHS, batch_size=BATCH, allreduce=Failing(), verbose=0)
        check(False, "fit returned without an error")
    except entrena.ReduceError as e:
        took = time.monotonic() - t
        cause = type(e.__cause__).__name__
        want = "RuntimeError" if rank == 1 else "TimeoutError"
        check(cause == want and took < 10 and len(calls) == 3,
              "ReduceError after %.2f s, caused by %s: %s" % (took, cause, e.__cause__))


{"equal": equal, "fail": fail}[sys.argv[1]]()
total = comm.allreduce(failures)
if rank == 0:
    print("mpi_ranks %s: %d ranks, %d failures" % (sys.argv[1], size, total), flush=True)
if sys.argv[1] == "fail":
    # The timed-out request never completes, and MPI_Finalize (at exit) could
    # wait for it: end the job here, the verdict as its status.
    comm.Abort(1 if total else 0)
sys.exit(1 if total else 0)
