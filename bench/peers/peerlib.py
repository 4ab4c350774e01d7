"""Shared helpers of the Python peer programs of entrena's benchmark suite.

Each peer program prints, as the last line of stdout, one JSON object:
{"versions": {...}, "settings": "...", "rows": [...]} or {"skipped": "reason"}.
Rows use the field names of bench/suite Row (group, name, impl, reps,
ops_rep, median_s, min_s, max_s, metric, unit, note, version); the suite adds
the thread count and the share of the FMA peak.

The suite starts every peer with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
removed and OMP/OPENBLAS/MKL/BLIS_NUM_THREADS set to --threads, so the
thread count is fixed before any library loads.
"""
import argparse
import json
import os
import statistics
import sys
import time


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--tag", default="", help="suffix of the impl name, e.g. debian")
    return p


def skip(reason):
    """Print the skip record and exit 0: the suite reports the reason."""
    print(json.dumps({"skipped": reason}))
    sys.exit(0)


# The file bench/peers/setup.sh writes into the peers' venv when it leaves
# PyPI's torch out, with the reason (read by skip_torch).
TORCH_SKIP_FILE = "torch-pypi-skip.txt"


def skip_torch(e):
    """Skip a torch peer whose `import torch` raised e, with the reason: in
    the peers' venv, the one setup.sh recorded for leaving PyPI's torch out
    (its x86-64 wheel needs the CUDA libraries); for the system python,
    Debian's python3-torch missing; else the import error."""
    msg = (str(e).splitlines() or [type(e).__name__])[0][:200]
    if isinstance(e, ModuleNotFoundError) and e.name == "torch":
        if sys.prefix != sys.base_prefix:  # the peers' virtual environment
            try:
                with open(os.path.join(sys.prefix, TORCH_SKIP_FILE)) as f:
                    reason = " ".join(f.read().split())
            except OSError:
                reason = "run bench/peers/setup.sh (PEERS_TORCH=pypi installs it in any case)"
            skip("PyPI torch not installed in %s: %s" % (sys.prefix, reason))
        skip("Debian's python3-torch not installed for %s: bench/peers/setup.sh installs it as root" % sys.executable)
    skip("torch not importable: %s" % msg)


def emit(rows, versions, settings):
    print(json.dumps({"versions": versions, "settings": settings, "rows": rows}))


def impl_name(base, tag):
    return base + ("-" + tag if tag else "")


def measure(fn, reps, min_rep=0.02):
    """Time fn: calibrate calls per repetition to about min_rep seconds, then
    reps repetitions. Returns (per-call seconds list, calls per repetition)."""
    fn()
    n = 1
    while True:
        t = time.perf_counter()
        for _ in range(n):
            fn()
        el = time.perf_counter() - t
        if el >= min_rep or n >= 1 << 24:
            break
        n = max(n + 1, min(100 * n, int(n * 1.2 * min_rep / max(el, 1e-9))))
    per = []
    for _ in range(max(reps, 1)):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        per.append((time.perf_counter() - t) / n)
    return per, n


def row(group, name, impl, per, ops_rep, metric_per_op, unit, note="", version=""):
    med = statistics.median(per)
    return {"group": group, "name": name, "impl": impl, "reps": len(per), "ops_rep": ops_rep,
            "median_s": med, "min_s": min(per), "max_s": max(per),
            "metric": metric_per_op / med, "unit": unit, "note": note, "version": version}


def blas_info():
    """Which BLAS numpy loaded and the kernel (architecture) it picked, via
    threadpoolctl when installed."""
    try:
        import threadpoolctl
    except ImportError:
        return "threadpoolctl not installed: BLAS kernel unknown"
    parts = []
    for i in threadpoolctl.threadpool_info():
        s = "%s %s" % (i.get("internal_api"), i.get("version"))
        if i.get("architecture"):
            s += " kernel=%s" % i["architecture"]
        s += " threads=%s" % i.get("num_threads")
        parts.append(s)
    return "; ".join(parts) or "no BLAS thread pool found"


def torch_parallel(torch):
    """The parallel backend lines of torch.__config__.parallel_info() (its
    first line, "ATen/Parallel:", is only a heading)."""
    keep = []
    for line in torch.__config__.parallel_info().splitlines():
        line = line.strip()
        if " : " in line:  # thread counts and environment variables
            continue
        if line.startswith(("ATen parallel backend", "OpenMP", "MKL", "Intel(R)", "oneDNN")):
            keep.append(line)
    return ", ".join(keep) or "parallel backend unknown"


def gemm_shapes(arg):
    """Parse "NT:m:n:k,..." (op(A) m×k, op(B) k×n)."""
    out = []
    for part in arg.split(","):
        t, m, n, k = part.split(":")
        out.append((t[0] == "T", t[1] == "T", int(m), int(n), int(k)))
    return out


def gemm_name(ta, tb, m, n, k):
    return "sgemm %s%s %dx%dx%d" % ("T" if ta else "N", "T" if tb else "N", m, n, k)


def synthetic(samples, inputs, outputs, seed=5):
    """Uniform [0,1) inputs and random one-hot targets (float32), like the
    Go side's synthetic data (same distribution, not the same numbers)."""
    import numpy as np
    rng = np.random.default_rng(seed)
    x = rng.random((samples, inputs), dtype=np.float32)
    y = np.zeros((samples, outputs), dtype=np.float32)
    y[np.arange(samples), rng.integers(0, outputs, samples)] = 1
    return x, y


def env_note():
    return "OPENBLAS_CORETYPE=%s OPENBLAS_L2_SIZE=%s" % (
        os.environ.get("OPENBLAS_CORETYPE", "unset"), os.environ.get("OPENBLAS_L2_SIZE", "unset"))


def pin(threads):
    """Restrict the process to the first `threads` CPUs (Linux), for
    libraries whose thread pools ignore the *_NUM_THREADS variables (XLA)."""
    try:
        cpus = sorted(os.sched_getaffinity(0))
        if threads < len(cpus):
            os.sched_setaffinity(0, cpus[:threads])
            return "pinned to CPUs %s" % cpus[:threads]
    except (AttributeError, OSError):
        pass
    return "not pinned"


def train_parser(description):
    p = parser(description)
    p.add_argument("--samples", type=int, default=60000)
    p.add_argument("--batches", default="32,256")
    return p


LAYERS = [784, 128, 64, 10]
LR = 0.1


def time_epochs(run_epoch, samples, batches, reps, impl, version, note):
    """Rows for one epoch per repetition at each batch size. run_epoch(b)
    trains one epoch at batch size b; the first call is a warm-up."""
    rows = []
    for b in batches:
        run_epoch(b, warm=True)
        per = []
        for _ in range(max(reps, 1)):
            t = time.perf_counter()
            run_epoch(b, warm=False)
            per.append(time.perf_counter() - t)
        rows.append(row("epoch", "784-128-64-10 b=%d" % b, impl, per, 1, samples, "samples/s",
                        note="%s; %d synthetic samples, lr %g, no shuffle" % (note, samples, LR), version=version))
    return rows
