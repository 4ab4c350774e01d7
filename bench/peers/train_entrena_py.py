"""entrena driven from Python (the ctypes package of bindings/python over
libentrena.so) as a training peer: the same work as train_numpy.py and the
Go suite's epoch rows — 784-128-64-10, sigmoid, MSE, plain SGD (lr 0.1),
one epoch of synthetic samples per repetition with batches in order
(Sequential.fit(shuffle=False, verbose=0); fit's per-batch progress
callback, which serves Ctrl-C, stays on as for any user) after a warm-up of
four batches — and the 2-8-1 XOR step at batch 4 (train_on_batch).

The package is imported in place from bindings/python of this checkout
(the library from entrena/libentrena.so, put there by `make python`, or
build/lib/libentrena.so from `make lib`). numpy is optional: without it the
data are array('f') buffers (zero-copy as well)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "..", "bindings", "python")))
import peerlib  # noqa: E402

a = peerlib.train_parser(__doc__).parse_args()
try:
    import entrena
except Exception as e:  # ImportError, or LibraryNotFoundError listing where it looked
    peerlib.skip("entrena (Python) not importable: %s" % " ".join(str(e).split())[:300])

impl = peerlib.impl_name("entrena (Python)", a.tag)


def synthetic(samples, inputs, outputs):
    if entrena.HAVE_NUMPY:
        return peerlib.synthetic(samples, inputs, outputs)
    import array
    import random
    r = random.Random(5)
    x = array.array("f", (r.random() for _ in range(samples * inputs)))
    y = array.array("f", bytes(4 * samples * outputs))
    for s in range(samples):
        y[s * outputs + r.randrange(outputs)] = 1
    return x, y


def model(layers, inputs, lr, batch):
    return entrena.Sequential([entrena.Dense(u, "sigmoid") for u in layers], inputs=inputs, loss="mse",
                              optimizer=entrena.SGD(lr=lr), max_batch=batch, seed=1, threads=a.threads)


x, y = synthetic(a.samples, 784, 10)
if entrena.HAVE_NUMPY:
    rows_of = lambda n: (x[:n], y[:n])  # noqa: E731  (views: zero-copy)
else:
    rows_of = lambda n: (memoryview(x)[:n * 784], memoryview(y)[:n * 10])  # noqa: E731
models = {}


def epoch(b, warm):
    if b not in models:
        models[b] = model(peerlib.LAYERS[1:], 784, peerlib.LR, b)
    m = models[b]
    if warm:
        wx, wy = rows_of(min(4 * b, a.samples))
        m.fit(wx, wy, epochs=1, batch_size=b, shuffle=False, verbose=0)
    else:
        m.fit(x, y, epochs=1, batch_size=b, shuffle=False, verbose=0)


rows = peerlib.time_epochs(epoch, a.samples, [int(b) for b in a.batches.split(",")], a.reps, impl,
                           entrena.__version__, "Python, Sequential.fit(shuffle=False), threads=%d, kernel %s, numpy %s" % (
                               a.threads, entrena.kernel_path(), "yes" if entrena.HAVE_NUMPY else "no"))
for m in models.values():
    m.close()

xm = model([8, 1], 2, 2.0, 4)
if entrena.HAVE_NUMPY:
    import numpy as np
    xx = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    xy = np.array([[0], [1], [1], [0]], dtype=np.float32)
else:
    import array
    xx, xy = array.array("f", [0, 0, 0, 1, 1, 0, 1, 1]), array.array("f", [0, 1, 1, 0])
per, ops = peerlib.measure(lambda: xm.train_on_batch(xx, xy), a.reps)
rows.append(peerlib.row("step", "2-8-1 b=4", impl, per, ops, 4, "samples/s", note="XOR, train_on_batch, lr 2",
                        version=entrena.__version__))
xm.close()
versions = {"entrena": entrena.__version__, "python": sys.version.split()[0]}
if entrena.HAVE_NUMPY:
    import numpy as np
    versions["numpy"] = np.__version__
peerlib.emit(rows, versions, "float32; ctypes over %s; threads=%d; kernel %s" % (
    os.path.relpath(entrena.library_path, os.path.join(HERE, "..", "..")), a.threads, entrena.kernel_path()))
