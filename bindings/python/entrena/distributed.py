"""Data-parallel training across processes (ranks): every rank holds the
same data and the same model (same seed, or parameters broadcast from rank
0), fits with ``allreduce=``, and each step sums the ranks' gradients, so
that every rank applies the same update; N ranks with batch_size b train
as one process with batch N·b over the same sample order. Loss and
validation figures are those of the whole data on every rank.

    from mpi4py import MPI
    import entrena
    allreduce = entrena.distributed.mpi(MPI.COMM_WORLD)
    allreduce.broadcast_parameters(model)          # start from rank 0's weights
    model.fit(x, y, epochs=3, batch_size=32, allreduce=allreduce,
              verbose=1 if allreduce.rank == 0 else 0)

    mpirun -np 2 python examples/mpi_mnist.py

Any object with ``rank``, ``size`` and a call ``allreduce(buf)`` that sums
the float32 buffer ``buf`` element-wise over every rank, in place, serves
as ``allreduce``: :func:`mpi` makes one on mpi4py (an optional
dependency). A call that raises stops fit on that rank with ReduceError
(its ``__cause__`` the exception), the step not applied. Each rank must
make the same fit calls with the same options, and a fit callback must
decide alike on every rank (stop on all or none).
"""

import time

__all__ = ["mpi", "MPIAllreduce"]


def mpi(comm=None, timeout=60.0):
    """An allreduce for fit(..., allreduce=) over the mpi4py communicator
    comm (MPI.COMM_WORLD when None); see MPIAllreduce."""
    return MPIAllreduce(comm, timeout)


class MPIAllreduce:
    """Sums fit's buffers over the ranks of an MPI communicator, with a
    timeout. It works on a duplicate of comm, so that a failure leaves comm
    itself usable.

    MPI_Allreduce would wait forever for a rank that has failed (its fit
    raised, it is stuck elsewhere): the sum is started with Iallreduce and
    polled until it completes or ``timeout`` seconds pass; then the call
    raises TimeoutError and fit ReduceError on this rank too, so that no
    rank hangs. The timeout bounds one step plus the ranks' skew (with
    validation data, one rank's share of the validation), not the whole
    fit. The unfinished request stays behind: after a failure, end the job
    (``comm.Abort()``) rather than using this object again."""

    def __init__(self, comm=None, timeout=60.0):
        try:
            from mpi4py import MPI
        except ImportError as e:
            raise ImportError("entrena.distributed.mpi needs mpi4py (pip install mpi4py, with an "
                              "MPI library installed, e.g. Debian's libopenmpi-dev)") from e
        self._MPI = MPI
        self.comm = (MPI.COMM_WORLD if comm is None else comm).Dup()
        self.rank = self.comm.Get_rank()
        self.size = self.comm.Get_size()
        self.timeout = float(timeout)
        self.timed_out = False

    def __call__(self, buf):
        MPI = self._MPI
        req = self.comm.Iallreduce(MPI.IN_PLACE, [buf, MPI.FLOAT], op=MPI.SUM)
        deadline = time.monotonic() + self.timeout
        while not req.Test():
            if time.monotonic() > deadline:
                self.timed_out = True
                raise TimeoutError("entrena: rank %d of %d waited %.3g s in an all-reduce for the "
                                   "other ranks (one failed or is stuck?)"
                                   % (self.rank, self.size, self.timeout))

    def broadcast_parameters(self, model, root=0):
        """Give model, on every rank, the parameters it has on rank root
        (the optimizer state restarts, as with set_params)."""
        p = model.get_params()
        self.comm.Bcast([p, self._MPI.FLOAT], root=root)
        model.set_params(p)

    def __repr__(self):
        return "MPIAllreduce(rank=%d, size=%d, timeout=%g)" % (self.rank, self.size, self.timeout)
