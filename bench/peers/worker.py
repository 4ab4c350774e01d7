"""A peer of entrena's benchmark as a persistent worker: one library
(--lib numpy|torch|jax|keras|entrena), started once, then one JSON command
per line on stdin and one JSON answer per line on stdout, so that the Go
suite can run it in rounds alternating with its own side.

Commands (every timed one answers {"s": seconds per op, "n": ops}):
  {"op": "hello"}                          versions, settings, the BLAS/kernel it loaded
  {"op": "gemm", "ta", "tb", "m", "n", "k", "budget"}    C = op(A)·op(B), out= forms
  {"op": "eltwise", "kernel": "sigmoid"|"hadamard", "n", "budget"}
  {"op": "epoch", "batch", "samples"}      one epoch of 784-128-64-10 (sigmoid, MSE, SGD 0.1)
  {"op": "xor", "budget"}                  the 2-8-1 step at batch 4 (lr 2)
  {"op": "fashion", "batch", "lr"}         one more shuffled Fashion-MNIST epoch (784-128-10)
  {"op": "fashion_eval"}                   {"accuracy": test accuracy}
A command the library does not do answers {"unsupported": true}; a failure
{"error": "..."}. The first timed command of a work calibrates the number of
ops to about its budget; later rounds of that work run the same number.

The suite starts it with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed (or
set on purpose) and OMP/OPENBLAS/MKL/BLIS_NUM_THREADS set to --threads.
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
p = argparse.ArgumentParser(description=__doc__)
p.add_argument("--lib", required=True, choices=["numpy", "torch", "jax", "keras", "entrena"])
p.add_argument("--threads", type=int, default=1)
p.add_argument("--fashion-dir", default=os.environ.get("ENTRENA_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist"))
a = p.parse_args()
LIB, T = a.lib, a.threads
LAYERS, LR = [784, 128, 64, 10], 0.1
settings = []

if LIB in ("jax", "keras"):
    # XLA's thread pools follow neither the thread variables nor its flags
    # alone: pin the process to its share of CPUs as well.
    try:
        cpus = sorted(os.sched_getaffinity(0))
        if T < len(cpus):
            os.sched_setaffinity(0, cpus[:T])
            settings.append("pinned to CPUs %s" % cpus[:T])
    except (AttributeError, OSError):
        pass
    os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=%s intra_op_parallelism_threads=%d" % (
        "true" if T > 1 else "false", T)
    os.environ["KERAS_BACKEND"] = "jax"
    settings.append("XLA_FLAGS=" + os.environ["XLA_FLAGS"])


def answer(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def fail_start(reason):
    """Answer every command with the reason this library cannot run."""
    for _ in sys.stdin:
        answer({"skipped": reason})
    sys.exit(0)


try:
    import numpy as np
except ImportError as e:
    if LIB != "entrena":
        fail_start("numpy not importable: %s" % e)
    np = None
versions = {"python": sys.version.split()[0]}
if np is not None:
    versions["numpy"] = np.__version__
try:
    if LIB == "torch":
        import torch
        torch.set_num_threads(T)
        torch.manual_seed(1)
        versions["torch"] = torch.__version__
        par = [ln.strip() for ln in torch.__config__.parallel_info().splitlines()
               if ln.strip().startswith(("ATen parallel backend", "MKL", "OpenMP", "oneDNN", "Intel(R)")) and " : " not in ln]
        blas = [ln.strip() for ln in torch.__config__.show().splitlines() if "BLAS_INFO" in ln or "LAPACK_INFO" in ln]
        settings.append("set_num_threads(%d); %s; %s" % (T, ", ".join(par), ", ".join(blas) or "BLAS unknown"))
    elif LIB in ("jax", "keras"):
        import jax
        import jax.numpy as jnp
        versions["jax"] = jax.__version__
        if LIB == "keras":
            import keras
            versions["keras"] = keras.__version__
    elif LIB == "entrena":
        sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "..", "bindings", "python")))
        import entrena
        versions["entrena"] = entrena.__version__
        settings.append("ctypes over %s, kernel %s, numpy %s" % (
            os.path.relpath(entrena.library_path, os.path.join(HERE, "..", "..")), entrena.kernel_path(),
            "yes" if entrena.HAVE_NUMPY else "no"))
except ModuleNotFoundError as e:
    reason = "%s not installed for %s" % (e.name, sys.executable)
    skipfile = os.path.join(sys.prefix, "torch-pypi-skip.txt")
    if e.name == "torch" and os.path.exists(skipfile):
        reason += ": " + " ".join(open(skipfile).read().split())
    fail_start(reason)
except Exception as e:  # missing CUDA libraries of a GPU wheel, an unbuilt libentrena, ...
    fail_start("%s not importable: %s" % (LIB, " ".join(str(e).split())[:300]))


def blas_info():
    """numpy's BLAS and the kernel it picked: threadpoolctl when installed,
    else numpy's build configuration."""
    try:
        import threadpoolctl
        return "; ".join("%s %s kernel=%s threads=%s" % (i.get("internal_api"), i.get("version"), i.get("architecture"),
                                                        i.get("num_threads")) for i in threadpoolctl.threadpool_info())
    except ImportError:
        pass
    try:
        cfg = np.show_config(mode="dicts")
        b = cfg["Build Dependencies"]["blas"]
        return "%s %s (threadpoolctl not installed: kernel unknown)" % (b.get("name"), b.get("version"))
    except Exception:
        return "BLAS unknown"


if np is not None and LIB in ("numpy", "entrena"):
    settings.append(blas_info())
settings.append("OPENBLAS_CORETYPE=%s" % os.environ.get("OPENBLAS_CORETYPE", "unset"))
rng = np.random.default_rng(1) if np is not None else None
calls = {}  # work key → ops per round, from the first round


def timed(key, fn, budget):
    """Seconds per call of fn over the round: the first round of key warms
    up and calibrates the call count to about budget seconds."""
    n = calls.get(key)
    if n is None:
        fn()
        n = 1
        while True:
            t = time.perf_counter()
            for _ in range(n):
                fn()
            el = time.perf_counter() - t
            if el >= budget / 4 or n >= 1 << 24:
                break
            n *= 4
        n = max(1, int(n * budget / max(el, 1e-9)))
        calls[key] = n
    t = time.perf_counter()
    for _ in range(n):
        fn()
    return {"s": (time.perf_counter() - t) / n, "n": n}


setups = {}


def setup(key, make):
    if key not in setups:
        setups[key] = make()
    return setups[key]


def gemm(c):
    ta, tb, m, n, k = c["ta"], c["tb"], c["m"], c["n"], c["k"]
    key = ("gemm", ta, tb, m, n, k)
    if LIB == "numpy":
        def make():
            A = rng.random((k, m) if ta else (m, k), dtype=np.float32)
            B = rng.random((n, k) if tb else (k, n), dtype=np.float32)
            return (A.T if ta else A), (B.T if tb else B), np.empty((m, n), np.float32)
        x, y, z = setup(key, make)
        return timed(key, lambda: np.matmul(x, y, out=z), c["budget"])
    if LIB == "torch":
        def make():
            A, B = torch.rand((k, m) if ta else (m, k)), torch.rand((n, k) if tb else (k, n))
            return (A.t() if ta else A), (B.t() if tb else B), torch.empty((m, n))
        x, y, z = setup(key, make)
        with torch.inference_mode():
            return timed(key, lambda: torch.matmul(x, y, out=z), c["budget"])
    if LIB == "jax":
        def make():
            A = jnp.asarray(rng.random((k, m) if ta else (m, k), dtype=np.float32))
            B = jnp.asarray(rng.random((n, k) if tb else (k, n), dtype=np.float32))
            return A, B, jax.jit(lambda p, q: (p.T if ta else p) @ (q.T if tb else q))
        x, y, f = setup(key, make)
        return timed(key, lambda: f(x, y).block_until_ready(), c["budget"])
    return {"unsupported": True}


def eltwise(c):
    n, kern = c["n"], c["kernel"]
    key = ("eltwise", kern, n)
    if LIB == "numpy":
        x, y, z = setup(("elt", n), lambda: (rng.random(n, dtype=np.float32) * 2 - 1, np.empty(n, np.float32),
                                             np.empty(n, np.float32)))
        if kern == "hadamard":
            return timed(key, lambda: np.multiply(x, y, out=z), c["budget"])
        try:
            from scipy.special import expit  # one pass; numpy alone needs four
            return timed(key, lambda: expit(x, out=y), c["budget"])
        except ImportError:
            def sig():
                np.negative(x, out=y)
                np.exp(y, out=y)
                y += 1
                np.reciprocal(y, out=y)
            return timed(key, sig, c["budget"])
    if LIB == "torch":
        x, y, z = setup(("elt", n), lambda: (torch.rand(n) * 2 - 1, torch.empty(n), torch.empty(n)))
        f = (lambda: torch.mul(x, y, out=z)) if kern == "hadamard" else (lambda: torch.sigmoid(x, out=y))
        with torch.inference_mode():
            return timed(key, f, c["budget"])
    return {"unsupported": True}


def synthetic(samples, inputs, outputs, seed=5):
    """Uniform [0,1) inputs and random one-hot targets, the distribution of
    the Go side's synthetic data."""
    if np is None:
        import array
        import random
        r = random.Random(seed)
        x = array.array("f", (r.random() for _ in range(samples * inputs)))
        y = array.array("f", bytes(4 * samples * outputs))
        for s in range(samples):
            y[s * outputs + r.randrange(outputs)] = 1
        return x, y
    g = np.random.default_rng(seed)
    x = g.random((samples, inputs), dtype=np.float32)
    y = np.zeros((samples, outputs), np.float32)
    y[np.arange(samples), g.integers(0, outputs, samples)] = 1
    return x, y


def glorot(i, o, g):
    lim = np.sqrt(6.0 / (i + o))
    return g.uniform(-lim, lim, (o, i)).astype(np.float32)


def sgd_trainer(layers, lr):
    """One training step (sigmoid layers, squared error summed over outputs
    and averaged over the batch, plain SGD) in this library: step(x, y)."""
    g = np.random.default_rng(1) if np is not None else None
    if LIB == "numpy":
        ws = [glorot(i, o, g) for i, o in zip(layers[:-1], layers[1:])]
        bs = [np.zeros(o, np.float32) for o in layers[1:]]

        def step(x, y):
            acts = [x]
            for w, b in zip(ws, bs):
                acts.append(1 / (1 + np.exp(-(acts[-1] @ w.T + b))))
            out = acts[-1]
            d = (2.0 / len(x)) * (out - y) * out * (1 - out)
            for i in range(len(ws) - 1, -1, -1):
                gw, gb = d.T @ acts[i], d.sum(axis=0)
                if i > 0:
                    d = (d @ ws[i]) * acts[i] * (1 - acts[i])
                ws[i] -= lr * gw
                bs[i] -= lr * gb
        step.predict = lambda x: acts_of(ws, bs, x)
        return step
    if LIB == "torch":
        mods = []
        for i, o in zip(layers[:-1], layers[1:]):
            lin = torch.nn.Linear(i, o)
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(glorot(i, o, g)))
                lin.bias.zero_()
            mods += [lin, torch.nn.Sigmoid()]
        model = torch.nn.Sequential(*mods)
        opt = torch.optim.SGD(model.parameters(), lr=lr)

        def step(x, y):
            opt.zero_grad(set_to_none=True)
            ((model(x) - y) ** 2).sum(dim=1).mean().backward()
            opt.step()
        step.predict = lambda x: model(torch.from_numpy(x)).detach().numpy()
        return step
    if LIB == "jax":
        state = {"ps": [(jnp.asarray(glorot(i, o, g)), jnp.zeros(o, jnp.float32)) for i, o in zip(layers[:-1], layers[1:])]}

        def forward(ps, x):
            for w, b in ps:
                x = jax.nn.sigmoid(x @ w.T + b)
            return x

        def jstep(ps, x, y):
            gr = jax.grad(lambda q: jnp.mean(jnp.sum((forward(q, x) - y) ** 2, axis=1)))(ps)
            return jax.tree_util.tree_map(lambda q, h: q - lr * h, ps, gr)
        jstep = jax.jit(jstep, donate_argnums=0)

        def step(x, y):
            state["ps"] = jstep(state["ps"], x, y)
        step.state, step.forward = state, forward
        step.predict = lambda x: np.asarray(jax.jit(forward)(state["ps"], jnp.asarray(x)))
        return step
    if LIB == "entrena":
        m = entrena.Sequential([entrena.Dense(u, "sigmoid") for u in layers[1:]], inputs=layers[0], loss="mse",
                               optimizer=entrena.SGD(lr=lr), max_batch=256, seed=1, threads=T or None)
        step = m.train_on_batch
        step.model = m
        return step
    return None


def acts_of(ws, bs, x):
    for w, b in zip(ws, bs):
        x = 1 / (1 + np.exp(-(x @ w.T + b)))
    return x


def epoch(c):
    """One epoch of synthetic samples, batches in order (the last may be
    short, as in core.Fit); the first call per batch size warms up on four
    batches (keras: a whole epoch, as fit traces the short last batch)."""
    b, samples = c["batch"], c["samples"]
    x, y = setup(("data", samples), lambda: synthetic(samples, 784, 10))
    first = ("epoch", b, samples) not in setups
    if LIB == "keras":
        def make():
            m = keras.Sequential([keras.Input((784,))] + [keras.layers.Dense(u, activation="sigmoid") for u in LAYERS[1:]])
            m.compile(optimizer=keras.optimizers.SGD(learning_rate=LR),
                      loss=lambda t, q: keras.ops.sum(keras.ops.square(t - q), axis=-1))
            return m
        m = setup(("epoch", b, samples), make)
        run = lambda: m.fit(x, y, batch_size=b, epochs=1, shuffle=False, verbose=0)  # noqa: E731
    elif LIB == "entrena":
        def make():
            return entrena.Sequential([entrena.Dense(u, "sigmoid") for u in LAYERS[1:]], inputs=784, loss="mse",
                                      optimizer=entrena.SGD(lr=LR), max_batch=b, seed=1, threads=T or None)
        m = setup(("epoch", b, samples), make)
        run = lambda: m.fit(x, y, epochs=1, batch_size=b, shuffle=False, verbose=0)  # noqa: E731
    else:
        step = setup(("epoch", b, samples), lambda: sgd_trainer(LAYERS, LR))
        if step is None:
            return {"unsupported": True}
        if LIB == "torch":
            x, y = setup(("tdata", samples), lambda: (torch.from_numpy(x), torch.from_numpy(y)))
        if LIB == "jax":
            x = setup(("jbatches", b, samples), lambda: [(jnp.asarray(x[i:i + b]), jnp.asarray(y[i:i + b]))
                                                         for i in range(0, samples, b)])

            def run():
                for bx, by in x:
                    step(bx, by)
                jax.block_until_ready(step.state["ps"])
        else:
            def run():
                for s in range(0, samples, b):
                    step(x[s:s + b], y[s:s + b])
    if first:
        run()  # warm-up: compilation, first-touch, thread start
    t = time.perf_counter()
    run()
    return {"s": time.perf_counter() - t, "n": 1}


def xor(c):
    if LIB in ("keras",):
        return {"unsupported": True}
    step = setup("xor", lambda: sgd_trainer([2, 8, 1], 2.0))
    if LIB == "entrena" and np is None:
        import array
        xx, xy = array.array("f", [0, 0, 0, 1, 1, 0, 1, 1]), array.array("f", [0, 1, 1, 0])
    else:
        xx = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
        xy = np.array([[0], [1], [1], [0]], np.float32)
        if LIB == "torch":
            xx, xy = torch.from_numpy(xx), torch.from_numpy(xy)
        if LIB == "jax":
            xx, xy = jnp.asarray(xx), jnp.asarray(xy)
            f = step

            def step():
                f(xx, xy)
                jax.block_until_ready(f.state["ps"])
            return timed("xor", step, c["budget"])
    return timed("xor", lambda: step(xx, xy), c["budget"])


def idx(path):
    """An unsigned-byte IDX file (gzip or plain) as a numpy array."""
    import gzip
    import struct
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        b = f.read()
    zero, kind, nd = struct.unpack(">HBB", b[:4])
    if zero != 0 or kind != 0x08:
        raise ValueError("%s: not an unsigned-byte IDX file" % path)
    dims = struct.unpack(">%dI" % nd, b[4:4 + 4 * nd])
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


def fashion_data():
    out = []
    for prefix in ("train", "t10k"):
        files = []
        for kind, n in (("images", 3), ("labels", 1)):
            names = ["%s-%s-idx%d-ubyte%s" % (prefix, kind, n, gz) for gz in (".gz", "")]
            found = [os.path.join(a.fashion_dir, f) for f in names if os.path.isfile(os.path.join(a.fashion_dir, f))]
            if not found:
                raise FileNotFoundError("Fashion-MNIST not found in %s" % a.fashion_dir)
            files.append(found[0])
        x = idx(files[0]).reshape(-1, 784).astype(np.float32) / np.float32(255)
        lab = idx(files[1]).astype(np.int64)
        y = np.zeros((len(lab), 10), np.float32)
        y[np.arange(len(lab)), lab] = 1
        out += [x, y, lab]
    return out


def fashion(c):
    """One more epoch of 784-128-10 on Fashion-MNIST, shuffled (the shuffle
    inside the timed epoch, as in core.Fit); JAX as one jit per epoch
    (lax.scan over the batches)."""
    if LIB not in ("numpy", "torch", "jax"):
        return {"unsupported": True}
    xtr, ytr, _, _, _, _ = setup("fashion", fashion_data)
    b, lr, n = c["batch"], c["lr"], len(xtr)
    step = setup("fstep", lambda: sgd_trainer([784, 128, 10], lr))
    order = setup("forder", lambda: np.random.default_rng(1))
    if LIB == "jax":
        nb = n // b  # whole batches only: 60,000 / 32 leaves none out

        def make():
            def body(ps, xy):
                gr = jax.grad(lambda q: jnp.mean(jnp.sum((step.forward(q, xy[0]) - xy[1]) ** 2, axis=1)))(ps)
                return jax.tree_util.tree_map(lambda q, h: q - lr * h, ps, gr), None

            def run(ps, x, y, perm):
                xs, ys = x[perm[:nb * b]].reshape(nb, b, 784), y[perm[:nb * b]].reshape(nb, b, 10)
                return jax.lax.scan(body, ps, (xs, ys))[0]
            return jax.jit(run, donate_argnums=0), jnp.asarray(xtr), jnp.asarray(ytr)
        run, jx, jy = setup("fjit", make)
        t = time.perf_counter()
        step.state["ps"] = run(step.state["ps"], jx, jy, jnp.asarray(order.permutation(n)))
        jax.block_until_ready(step.state["ps"])
        return {"s": time.perf_counter() - t, "n": 1}
    if LIB == "torch":
        xtr, ytr = setup("ftorch", lambda: (torch.from_numpy(xtr), torch.from_numpy(ytr)))
    t = time.perf_counter()
    perm = order.permutation(n)
    for s in range(0, n, b):
        i = perm[s:s + b]
        step(xtr[i], ytr[i])
    return {"s": time.perf_counter() - t, "n": 1}


def fashion_eval(c):
    _, _, _, xte, _, lte = setup("fashion", fashion_data)
    step = setups.get("fstep")
    if step is None:
        return {"error": "fashion_eval before any fashion epoch"}
    if LIB == "torch":
        with torch.no_grad():
            return {"accuracy": float((step.predict(xte).argmax(axis=1) == lte).mean())}
    return {"accuracy": float((step.predict(xte).argmax(axis=1) == lte).mean())}


def two_models(c):
    """Two entrena models (the MNIST demo's shape, default threads) trained
    one epoch each at once from two Python threads, or one after the other."""
    if LIB != "entrena":
        return {"unsupported": True}
    import threading
    n = c["samples"]

    def make():
        out = []
        for seed in (1, 2):
            m = entrena.Sequential([entrena.Dense(128, "sigmoid"), entrena.Dense(10, "softmax")], inputs=784, loss="cce",
                                   optimizer=entrena.SGD(lr=0.5), max_batch=32, seed=1)
            out.append((m, synthetic(n, 784, 10, seed)))
        return out
    pair = setup(("two", n), make)
    fits = [lambda m=m, d=d: m.fit(d[0], d[1], epochs=1, batch_size=32, shuffle=True, verbose=0) for m, d in pair]
    t = time.perf_counter()
    if c["together"]:
        ts = [threading.Thread(target=f) for f in fits]
        for th in ts:
            th.start()
        for th in ts:
            th.join()
    else:
        for f in fits:
            f()
    return {"s": time.perf_counter() - t, "n": 1}


ops = {"two_models": two_models, "gemm": gemm, "eltwise": eltwise, "epoch": epoch, "xor": xor, "fashion": fashion, "fashion_eval": fashion_eval,
       "hello": lambda c: {"versions": versions, "settings": "; ".join(settings)}}
for line in sys.stdin:
    cmd = json.loads(line)
    try:
        answer(ops.get(cmd.get("op"), lambda c: {"unsupported": True})(cmd))
    except Exception as e:
        answer({"error": "%s: %s" % (type(e).__name__, " ".join(str(e).split())[:300])})
