#!/usr/bin/env python3
"""The figures of docs/DISTRIBUTED.md (`make mpi-scaling` runs this).

1. Measured on this machine: the time per step of capi/examples/mpi_fit
   (MNIST, 784-64-10, SGD, no validation) as 1 process × 2 threads against
   2 ranks × 1 thread over the same global batch, and 1 process × 1 thread
   at two batch sizes for the per-step compute model. The runs alternate,
   round after round, and the median of each is reported: other processes
   on the machine shift all of them alike.

2. On paper, for N machines on 10/25/100 GbE: a ring all-reduce of the
   network's gradients takes 2·(N−1)/N · bytes / bandwidth plus 2·(N−1)
   message latencies; against the step's compute c(b) = c0 + b·cs (fitted
   from the 1-thread runs), the local batch b each machine needs for a
   scaling efficiency c(b) / (c(b) + all-reduce) of at least 90%.

    python3 docs/distributed_scaling.py --mpi-fit build/capi/mpi_fit --mnist DIR [--rounds 5]
    python3 docs/distributed_scaling.py --model-only --c0-ms 0.05 --cs-us 8.9
"""

import argparse
import os
import platform
import re
import statistics
import subprocess

PARAMS = 784 * 64 + 64 + 64 * 10 + 10  # the example's 784-64-10
BYTES = 4 * PARAMS
LATENCY_US = 25.0  # one message over TCP on Ethernet, switch included (an assumption)
LINKS = (("10 GbE", 10e9), ("25 GbE", 25e9), ("100 GbE", 100e9))
MACHINES = (2, 4, 8, 16, 32, 64)
MPIRUN = ["mpirun", "--oversubscribe"]
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_btl": "self,vader,tcp", "OMPI_MCA_btl_tcp_if_include": "lo",
           "OMPI_MCA_oob_tcp_if_include": "lo", "OMPI_MCA_btl_vader_single_copy_mechanism": "none"}


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def run(mpi_fit, mnist, ranks, threads, batch, epochs, limit):
    """ms per step of one mpi_fit run."""
    cmd = MPIRUN + ["-np", str(ranks), mpi_fit, mnist, "--no-validation", "--epochs", str(epochs),
                    "--limit", str(limit), "--batch", str(batch), "--threads", str(threads)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, **MPI_ENV))
    m = re.search(r"([0-9.]+) ms per step", r.stdout)
    if r.returncode != 0 or m is None:
        raise SystemExit("%s failed:\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
    return float(m.group(1))


def measure(args):
    # (label, ranks, threads, batch per rank), for global batches g and 4g
    g = args.batch
    cases = []
    for b in (g, 4 * g):
        cases += [("1 process x 2 threads, batch %d" % b, 1, 2, b),
                  ("2 ranks x 1 thread, batch %d each (%d a step)" % (b // 2, b), 2, 1, b // 2),
                  ("1 process x 1 thread, batch %d" % b, 1, 1, b)]
    times = {c[0]: [] for c in cases}
    loads = []
    for _ in range(args.rounds):
        loads.append(os.getloadavg()[0])
        for label, ranks, threads, batch in cases:
            times[label].append(run(args.mpi_fit, args.mnist, ranks, threads, batch, args.epochs,
                                    args.limit))
    print("Measured: %s, %d logical CPUs; %d rounds, runs alternating; 1-minute load average "
          "%.1f-%.1f during the rounds" % (cpu_model(), os.cpu_count(), args.rounds, min(loads),
                                           max(loads)))
    print()
    print("| run | ms per step (median) | min-max |")
    print("| --- | ---: | ---: |")
    med = {}
    for label, *_ in cases:
        t = times[label]
        med[label] = statistics.median(t)
        print("| %s | %.3f | %.3f-%.3f |" % (label, med[label], min(t), max(t)))
    print()
    for i in (0, 3):
        two_threads, two_ranks, one = (med[c[0]] for c in cases[i:i + 3])
        print("Batch %d a step: 2 ranks x 1 thread take %.2fx the time per step of 1 process x 2 "
              "threads; against 1 thread, 2 threads speed a step up %.2fx and 2 ranks %.2fx."
              % (cases[i][3], two_ranks / two_threads, one / two_threads, one / two_ranks))
    one_small, one_large = med[cases[2][0]], med[cases[5][0]]
    cs = (one_large - one_small) / (3 * g)  # ms per sample
    c0 = max(one_small - g * cs, 0.0)
    return c0, cs


def model(c0_ms, cs_ms):
    print()
    print("On paper: %d parameters (%.1f kB of float32 gradients) a step; ring all-reduce "
          "2(N-1)/N x bytes / bandwidth + 2(N-1) x %g us latency; compute per machine "
          "c(b) = %.3f ms + b x %.2f us (one thread, as measured); efficiency c(b) / (c(b) + "
          "all-reduce), no overlap of the two." % (PARAMS, BYTES / 1e3, LATENCY_US, c0_ms,
                                                   cs_ms * 1e3))
    print()
    print("| machines N | link | all-reduce: bandwidth term | b for >= 90% (N x b) | "
          "+ latency term | b for >= 90% with it (N x b) |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")

    def batch(ar):  # the least b with c(b) >= 9 x all-reduce
        return int(max(1, -(-(9 * ar - c0_ms) // cs_ms)))
    for n in MACHINES:
        for name, bits in LINKS:
            bw = 2 * (n - 1) / n * BYTES / (bits / 8) * 1e3  # ms
            lat = 2 * (n - 1) * LATENCY_US / 1e3
            b1, b2 = batch(bw), batch(bw + lat)
            print("| %d | %s | %.3f ms | %d (%d) | %.3f ms | %d (%d) |"
                  % (n, name, bw, b1, n * b1, lat, b2, n * b2))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mpi-fit", default="build/capi/mpi_fit")
    ap.add_argument("--mnist", default=os.environ.get("ENTRENA_MNIST_DIR"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--batch", type=int, default=64, help="global batch of the 2-way runs")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--limit", type=int, default=10000)
    ap.add_argument("--model-only", action="store_true", help="skip the measurements")
    ap.add_argument("--c0-ms", type=float, help="per-step compute overhead, ms (with --model-only)")
    ap.add_argument("--cs-us", type=float, help="compute per sample, us (with --model-only)")
    args = ap.parse_args()
    if args.model_only:
        if args.c0_ms is None or args.cs_us is None:
            ap.error("--model-only needs --c0-ms and --cs-us")
        model(args.c0_ms, args.cs_us / 1e3)
        return
    if not args.mnist:
        ap.error("give the MNIST folder (--mnist or ENTRENA_MNIST_DIR)")
    c0, cs = measure(args)
    model(c0, cs)


if __name__ == "__main__":
    main()
