"""fit(..., allreduce=): one process with an in-process allreduce, and two
MPI ranks under mpirun (tests/mpi_ranks.py) when MPI and mpi4py are there;
`make test-python` sets ENTRENA_EXPECT_MPI=1 where mpirun exists, so that a
missing mpi4py fails instead of skipping."""

import os
import re
import shutil
import subprocess
import sys

import pytest

import entrena
from conftest import flat, formula_data

HERE = os.path.dirname(os.path.abspath(__file__))


class OneRank:
    """The sum over a single rank: the buffer as it is. It counts the calls
    and the buffer lengths, and raises on call number fail_at."""
    rank, size = 0, 1

    def __init__(self, fail_at=None):
        self.calls, self.lengths, self.fail_at = 0, set(), fail_at

    def __call__(self, buf):
        self.calls += 1
        self.lengths.add(len(buf))
        if self.calls == self.fail_at:
            raise ConnectionError("link down")


def net(**kw):
    args = dict(inputs=12, loss="cce", optimizer=entrena.SGD(lr=0.1), max_batch=32, seed=3, threads=1)
    args.update(kw)
    return entrena.Sequential([entrena.Dense(16, "tanh"), entrena.Dense(4, "softmax")], **args)


def test_one_rank_trains_as_without():
    x, y = formula_data(96, 12, 4)
    plain, hooked = net(), net()
    hp = plain.fit(x, y, epochs=4, batch_size=16, verbose=0)
    r = OneRank()
    hh = hooked.fit(x, y, epochs=4, batch_size=16, verbose=0, allreduce=r)
    assert r.calls == 4 * 6
    assert min(r.lengths) > hooked.count_params()  # the gradients and the step's bookkeeping
    a, b = flat(plain.get_params()), flat(hooked.get_params())
    assert max(abs(p - q) for p, q in zip(a, b)) <= 1e-5 * max(abs(p) for p in a)
    assert hh.history["loss"] == pytest.approx(hp.history["loss"], rel=1e-5)


def test_one_rank_with_validation_and_callbacks():
    x, y = formula_data(96, 12, 4)
    r = OneRank()
    h = net().fit(x, y, epochs=2, batch_size=32, verbose=0, allreduce=r,
                  validation_data=(x, y), callbacks=[entrena.EarlyStopping(patience=5)])
    assert len(h.history["val_loss"]) == 2
    assert r.calls == 2 * (3 + 1)  # per epoch: 3 steps and the validation sums


def test_allreduce_error_is_reduce_error():
    x, y = formula_data(96, 12, 4)
    m, ref = net(), net()
    with pytest.raises(entrena.ReduceError) as e:
        m.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0, allreduce=OneRank(fail_at=3))
    assert isinstance(e.value.__cause__, ConnectionError)
    assert e.value.status == 14
    # Two steps applied, the third not: as two steps on the first two batches.
    ref.fit(x[:32 * 12], y[:32 * 4], epochs=1, batch_size=16, shuffle=False, verbose=0)
    a, b = flat(m.get_params()), flat(ref.get_params())
    assert max(abs(p - q) for p, q in zip(a, b)) <= 1e-5 * max(abs(p) for p in a)


def test_allreduce_bad_arguments():
    x, y = formula_data(32, 12, 4)
    with pytest.raises(TypeError, match="rank and size"):
        net().fit(x, y, verbose=0, allreduce=lambda buf: None)
    r = OneRank()
    r.rank, r.size = 2, 2
    with pytest.raises(entrena.SpecError):
        net().fit(x, y, verbose=0, allreduce=r)


def _mpi_or_skip():
    missing = []
    if shutil.which("mpirun") is None:
        missing.append("mpirun")
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        missing.append("mpi4py")
    if missing:
        if os.environ.get("ENTRENA_EXPECT_MPI") == "1":
            pytest.fail("ENTRENA_EXPECT_MPI=1 but %s missing" % " and ".join(missing))
        pytest.skip("%s not available" % " and ".join(missing))


def _mpirun(mode):
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_btl="self,vader,tcp", OMPI_MCA_btl_tcp_if_include="lo",
               OMPI_MCA_oob_tcp_if_include="lo", OMPI_MCA_btl_vader_single_copy_mechanism="none")
    r = subprocess.run(["mpirun", "--oversubscribe", "-np", "2", sys.executable,
                        os.path.join(HERE, "mpi_ranks.py"), mode],
                       capture_output=True, text=True, timeout=120, env=env)
    print(r.stdout)
    return r


def test_mpi_two_ranks_match_one_process():
    _mpi_or_skip()
    r = _mpirun("equal")
    assert r.returncode == 0, r.stdout + r.stderr
    # mpirun forwards the ranks' output as it comes: lines may run together.
    oks = re.findall(r"rank ([01]): ok: (sgd|momentum|adam):", r.stdout)
    assert sorted(oks) == sorted((k, o) for k in "01" for o in ("sgd", "momentum", "adam")), r.stdout
    assert "FAILED" not in r.stdout and "mpi_ranks equal: 2 ranks, 0 failures" in r.stdout


def test_mpi_failing_rank_fails_every_rank():
    _mpi_or_skip()
    r = _mpirun("fail")
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"rank 0: ok: ReduceError after [0-9.]+ s, caused by TimeoutError", r.stdout), r.stdout
    assert re.search(r"rank 1: ok: ReduceError after [0-9.]+ s, caused by RuntimeError", r.stdout), r.stdout
    assert "FAILED" not in r.stdout
