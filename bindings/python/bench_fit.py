#!/usr/bin/env python3
"""Python vs Go: fit per epoch (784-128-64-10, batch 32 and 256) and the
overhead of a single-sample predict.

The Go side is tests/goref (`goref bench`): core.Network.Fit and Predict on
the same spec, sizes and thread count, timed in Go. The Python side is
entrena.Sequential.fit (verbose=0; the per-batch progress callback that
serves Ctrl-C stays on, as in any fit) and predict. The two alternate for
--rounds rounds and each side keeps its fastest epoch (and its fastest chunk
of 500 predicts), to damp the noise of a shared machine.

    python3 bindings/python/bench_fit.py [--samples 8192] [--epochs 5] [--threads 1]

ENTRENA_GOREF names a prebuilt goref binary (make bench-python builds one);
otherwise `go run ./bindings/python/tests/goref` is used from the repository.
"""

import argparse
import json
import os
import random
import subprocess
import time

import entrena

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
LAYERS = [(128, "sigmoid"), (64, "sigmoid"), (10, "softmax")]


def goref(args):
    exe = os.environ.get("ENTRENA_GOREF")
    cmd = [exe] if exe else ["go", "run", "./bindings/python/tests/goref"]
    out = subprocess.run(cmd + ["bench"] + args, cwd=REPO, check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out)


def data(samples):
    r = random.Random(1)
    if entrena.HAVE_NUMPY:
        import numpy as np
        g = np.random.default_rng(1)
        x = g.random((samples, 784), dtype=np.float32)
        y = entrena.to_categorical(g.integers(0, 10, samples), 10)
        return x, y
    import array
    x = array.array("f", (r.random() for _ in range(samples * 784)))
    y = entrena.to_categorical([r.randrange(10) for _ in range(samples)], 10)
    return x, y


def model(threads):
    return entrena.Sequential([entrena.Dense(u, a) for u, a in LAYERS], inputs=784, loss="cce",
                              optimizer=entrena.SGD(lr=0.1), max_batch=256, seed=1, threads=threads)


def py_fit(x, y, batch, epochs, threads):
    with model(threads) as m:
        m.fit(x, y, epochs=1, batch_size=batch, verbose=0)  # warm-up
        per = []
        for _ in range(epochs):
            t = time.perf_counter()
            m.fit(x, y, epochs=1, batch_size=batch, verbose=0)
            per.append(time.perf_counter() - t)
    return min(per)


def py_predict(m, x1, calls, out=None):
    """Best chunk of 500 calls, in ns per call."""
    for _ in range(500):
        m.predict(x1, out=out)
    best = float("inf")
    for _ in range(max(calls // 500, 1)):
        t = time.perf_counter()
        for _ in range(500):
            m.predict(x1, out=out)
        best = min(best, (time.perf_counter() - t) / 500 * 1e9)
    return best


def predict_overhead(layers, inputs, rounds, calls, threads):
    """(Go ns, Python ns, Python ns with out=) per single-sample predict,
    Go and Python alternating, the best of each."""
    args = ["-inputs", str(inputs), "-layers", ",".join("%d:%s" % l for l in layers),
            "-loss", "cce" if layers[-1][1] == "softmax" else "mse", "-opt", "sgd",
            "-maxbatch", "256", "-samples", "256", "-epochs", "1", "-batch", "256",
            "-threads", str(threads), "-predicts", str(calls)]
    loss = "cce" if layers[-1][1] == "softmax" else "mse"
    g, p, po = [], [], []
    with entrena.Sequential([entrena.Dense(u, a) for u, a in layers], inputs=inputs, loss=loss,
                            optimizer="sgd", max_batch=256, threads=threads) as m:
        if entrena.HAVE_NUMPY:
            import numpy as np
            x1 = np.full((1, inputs), 0.5, dtype=np.float32)
            out = np.empty((1, layers[-1][0]), dtype=np.float32)
        else:
            import array
            x1 = array.array("f", [0.5] * inputs)
            out = array.array("f", bytes(4 * layers[-1][0]))
        for _ in range(rounds):
            g.append(goref(args)["predict_ns"])
            p.append(py_predict(m, x1, calls))
            po.append(py_predict(m, x1, calls, out))
    return min(g), min(p), min(po)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=8192)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--predicts", type=int, default=10000)
    args = ap.parse_args()

    cpu = entrena.cpu_model()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print("machine: %s, %d CPUs; kernels %s; threads %d; numpy %s"
          % (cpu, os.cpu_count(), entrena.kernel_path(), args.threads, entrena.HAVE_NUMPY))
    x, y = data(args.samples)
    common = ["-inputs", "784", "-layers", ",".join("%d:%s" % l for l in LAYERS), "-loss", "cce",
              "-opt", "sgd", "-lr", "0.1", "-maxbatch", "256", "-samples", str(args.samples),
              "-epochs", str(args.epochs), "-threads", str(args.threads), "-shuffle=true"]
    results = {}
    for batch in (32, 256):
        go_best, py_best = float("inf"), float("inf")
        for _ in range(args.rounds):
            g = goref(common + ["-batch", str(batch), "-predicts", "500"])
            go_best = min(go_best, min(g["epoch_seconds"]))
            py_best = min(py_best, py_fit(x, y, batch, args.epochs, args.threads))
        results[batch] = (go_best, py_best)
    print("\nfit, %d samples, one epoch (fastest of %d rounds x %d epochs)"
          % (args.samples, args.rounds, args.epochs))
    print("%-6s %12s %12s %8s" % ("batch", "Go (ms)", "Python (ms)", "ratio"))
    for batch, (g, p) in results.items():
        print("%-6d %12.2f %12.2f %8.3f" % (batch, g * 1e3, p * 1e3, p / g))

    print("\nsingle-sample predict, Go core.Predict vs Python model.predict (best of %d rounds)"
          % args.rounds)
    print("%-22s %10s %12s %10s %16s" % ("network", "Go (us)", "Python (us)", "overhead",
                                         "with out= (us)"))
    for name, layers, inputs in (("784-128-64-10", LAYERS, 784),
                                 ("2-4-1 (overhead only)", [(4, "sigmoid"), (1, "sigmoid")], 2)):
        g, p, po = predict_overhead(layers, inputs, args.rounds, args.predicts, args.threads)
        print("%-22s %10.2f %12.2f %+10.2f %16.2f" % (name, g / 1e3, p / 1e3, (p - g) / 1e3, po / 1e3))


if __name__ == "__main__":
    main()
