#!/usr/bin/env python3
"""A two-thread fit with numpy working in the same process between epochs.

After a multi-threaded call OpenBLAS's threads spin for a while on the cores
the model's threads would use, and the model's thread pool takes the machine
for busy. Each round times 3 epochs of fit alone, then 3 epochs each preceded
by a 512×512 `a @ a`; the ratio (with numpy / alone) is printed per round,
for numpy as it starts and with OPENBLAS_THREAD_TIMEOUT=4 (its threads sleep
at once), each setting in a fresh process, the two alternating.

    python3 bindings/python/bench_numpy_beside.py [--rounds 6] [--runs 2]

Needs numpy (the peers' venv has it: bench/.venv/bin/python).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SETTINGS = [("numpy as it starts", {}), ("OPENBLAS_THREAD_TIMEOUT=4", {"OPENBLAS_THREAD_TIMEOUT": "4"})]


def child(rounds):
    sys.path.insert(0, HERE)
    import numpy as np
    import entrena

    rng = np.random.default_rng(1)
    x = rng.random((20000, 784), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, len(x))]
    m = entrena.Sequential([entrena.Dense(128, activation="sigmoid", input_shape=(784,)),
                            entrena.Dense(64, activation="sigmoid"), entrena.Dense(10, activation="sigmoid")],
                           threads=2)
    m.compile(optimizer=entrena.SGD(0.1), loss="mse")
    a = rng.random((512, 512), dtype=np.float32)

    def epochs(with_numpy):
        t = time.perf_counter()
        for _ in range(3):
            if with_numpy:
                a @ a
            m.fit(x, y, batch_size=256, epochs=1, verbose=0, shuffle=False)
        return 3 * len(x) / (time.perf_counter() - t)

    epochs(False)
    for _ in range(rounds):
        alone, beside = epochs(False), epochs(True)
        print("%.0f %.0f %.4f" % (alone, beside, beside / alone), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--runs", type=int, default=2, help="processes per setting, alternating")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        return child(args.rounds)
    ratios = {name: [] for name, _ in SETTINGS}
    for _ in range(args.runs):
        for name, env in SETTINGS:
            out = subprocess.run([sys.executable, __file__, "--child", "--rounds", str(args.rounds)],
                                 env={**os.environ, "OPENBLAS_NUM_THREADS": "2", **env},
                                 check=True, capture_output=True, text=True).stdout
            for line in out.split("\n"):
                if line:
                    alone, beside, r = line.split()
                    ratios[name].append(float(r))
                    print("%-26s alone %7.0f  numpy before each epoch %7.0f samples/s  %.2f" %
                          (name, float(alone), float(beside), float(r)))
    for name, rs in ratios.items():
        print("%-26s with numpy / alone: median %.2f, range %.2f–%.2f over %d rounds" %
              (name, statistics.median(rs), min(rs), max(rs), len(rs)))


if __name__ == "__main__":
    main()
