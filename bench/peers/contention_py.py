"""Two entrena models trained at once from two Python threads, against the
same two trained one after the other (the contention group of the Go
suite runs this; each model with default threads). Rounds alternate the two
ways (A B, then B A) so that a phase of the machine covers both; each round
gives the ratio of samples/s together over apart.

The package is imported in place from bindings/python of this checkout,
with the library `make python` puts there. numpy is optional.

Prints one JSON object: {"ratios": [...], "together": [...], "apart": [...],
"threads": N, "settings": "..."} (samples/s per round), or {"skipped": reason}.
"""
import argparse
import json
import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "..", "bindings", "python")))

p = argparse.ArgumentParser(description=__doc__)
p.add_argument("--rounds", type=int, default=9)
p.add_argument("--samples", type=int, default=16384)
p.add_argument("--batch", type=int, default=32)
a = p.parse_args()

try:
    import entrena
except Exception as e:  # ImportError, or the library not found, with where it looked
    print(json.dumps({"skipped": "entrena (Python) not importable: %s" % " ".join(str(e).split())[:300]}))
    sys.exit(0)


def synthetic(samples, inputs, outputs, seed):
    import random
    r = random.Random(seed)
    if entrena.HAVE_NUMPY:
        import numpy as np
        g = np.random.default_rng(seed)
        x = g.random((samples, inputs), dtype=np.float32)
        y = np.zeros((samples, outputs), dtype=np.float32)
        y[np.arange(samples), g.integers(0, outputs, samples)] = 1
        return x, y
    import array
    x = array.array("f", (r.random() for _ in range(samples * inputs)))
    y = array.array("f", bytes(4 * samples * outputs))
    for s in range(samples):
        y[s * outputs + r.randrange(outputs)] = 1
    return x, y


def model():
    # The MNIST demo's shape: 784-128-10, sigmoid then softmax, cce, SGD 0.5.
    return entrena.Sequential([entrena.Dense(128, "sigmoid"), entrena.Dense(10, "softmax")], inputs=784,
                              loss="cce", optimizer=entrena.SGD(lr=0.5), max_batch=a.batch, seed=1)


models = [model(), model()]
data = [synthetic(a.samples, 784, 10, 1), synthetic(a.samples, 784, 10, 2)]


def fit(i):
    x, y = data[i]
    models[i].fit(x, y, epochs=1, batch_size=a.batch, shuffle=True, verbose=0)


def together():
    ts = [threading.Thread(target=fit, args=(i,)) for i in range(2)]
    t = time.perf_counter()
    for th in ts:
        th.start()
    for th in ts:
        th.join()
    return 2 * a.samples / (time.perf_counter() - t)


def apart():
    t = time.perf_counter()
    fit(0)
    fit(1)
    return 2 * a.samples / (time.perf_counter() - t)


fit(0)  # warm-up
tog, apa = [], []
for r in range(a.rounds):
    if r % 2 == 0:
        tog.append(together())
        apa.append(apart())
    else:
        apa.append(apart())
        tog.append(together())
stats = getattr(models[0], "thread_stats", None)
print(json.dumps({"ratios": [t / s for t, s in zip(tog, apa)], "together": tog, "apart": apa,
                  "threads": stats().threads if stats else 0,
                  "settings": "784-128-10 b=%d, %d samples per model per round, numpy %s" % (
                      a.batch, a.samples, "yes" if entrena.HAVE_NUMPY else "no")}))
for m in models:
    m.close()
