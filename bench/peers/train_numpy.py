"""The seed's training algorithm in plain numpy: 784-128-64-10, sigmoid
layers, MSE (summed over outputs, averaged over the batch), plain SGD,
mini-batches in order, one epoch over synthetic data. Also the tiny 2-8-1
network at batch 4 (one step's time)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peerlib  # noqa: E402

a = peerlib.train_parser(__doc__).parse_args()
try:
    import numpy as np
except ImportError as e:
    peerlib.skip("numpy not importable: %s" % e)


def init(layers, seed=1):
    rng = np.random.default_rng(seed)
    ws, bs = [], []
    for i, o in zip(layers[:-1], layers[1:]):
        lim = np.sqrt(6.0 / (i + o))
        ws.append(rng.uniform(-lim, lim, (o, i)).astype(np.float32))
        bs.append(np.zeros(o, dtype=np.float32))
    return ws, bs


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def step(ws, bs, x, y, lr):
    acts = [x]
    for w, b in zip(ws, bs):
        acts.append(sigmoid(acts[-1] @ w.T + b))
    m = x.shape[0]
    out = acts[-1]
    d = (2.0 / m) * (out - y) * out * (1 - out)
    for l in range(len(ws) - 1, -1, -1):
        gw = d.T @ acts[l]
        gb = d.sum(axis=0)
        if l > 0:
            d = (d @ ws[l]) * acts[l] * (1 - acts[l])
        ws[l] -= lr * gw
        bs[l] -= lr * gb


impl = peerlib.impl_name("numpy", a.tag)
x, y = peerlib.synthetic(a.samples, 784, 10)
ws, bs = init(peerlib.LAYERS)


def epoch(b, warm):
    n = b * 4 if warm else a.samples
    for s in range(0, n, b):  # the last batch may be short, as in core.Fit
        step(ws, bs, x[s:s + b], y[s:s + b], peerlib.LR)


rows = peerlib.time_epochs(epoch, a.samples, [int(b) for b in a.batches.split(",")], a.reps, impl, np.__version__,
                           "float32, allocating numpy expressions")
xw, xb = init([2, 8, 1])
xx = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
xy = np.array([[0], [1], [1], [0]], dtype=np.float32)
per, ops = peerlib.measure(lambda: step(xw, xb, xx, xy, 2.0), a.reps)
rows.append(peerlib.row("step", "2-8-1 b=4", impl, per, ops, 4, "samples/s", note="XOR, lr 2", version=np.__version__))
peerlib.emit(rows, {"numpy": np.__version__, "python": sys.version.split()[0]},
             "float32; " + peerlib.env_note() + "; " + peerlib.blas_info())
