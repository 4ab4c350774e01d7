"""A peer of entrena's benchmark for one library (--lib, --threads): one JSON command per line on stdin, one JSON
answer per line on stdout, so the Go suite interleaves it with its own side.

hello: {"versions", "settings"} (the BLAS and kernel loaded). {"s": seconds per call}, the first call of a work
calibrating the calls per turn to "budget" seconds: gemm (ta, tb, m, n, k), eltwise (kernel sigmoid|hadamard, n),
xor (the 2-8-1 step at batch 4). {"s": seconds}: epoch (batch, samples: one epoch of 784-128-64-10, sigmoid, MSE,
SGD 0.1, in order), fashion (batch, lr: one more shuffled Fashion-MNIST epoch of 784-128-10), two_models (together,
samples: two entrena models fit from two threads or in turn). fashion_eval: {"accuracy": ...}. Otherwise
{"unsupported": true}, {"error": ...}, or {"skipped": why} for every command when the library is missing."""
import argparse, contextlib, gzip, json, os, sys, threading, time

p = argparse.ArgumentParser(description=__doc__)
p.add_argument("--lib", required=True, choices=["numpy", "torch", "jax", "keras", "entrena"])
p.add_argument("--threads", type=int, default=1)
a = p.parse_args()
LIB, T, LAYERS, LR = a.lib, a.threads, [784, 128, 64, 10], 0.1
settings = ["OPENBLAS_CORETYPE=%s" % os.environ.get("OPENBLAS_CORETYPE", "unset")]
if LIB in ("jax", "keras"):  # XLA's pools follow neither the thread variables nor its flags alone
    with contextlib.suppress(AttributeError, OSError):
        cpus = sorted(os.sched_getaffinity(0))[:max(T, 1)]
        os.sched_setaffinity(0, cpus)
        settings.append("pinned to CPUs %s" % cpus)
    os.environ.update(KERAS_BACKEND="jax", XLA_FLAGS="--xla_cpu_multi_thread_eigen=%s intra_op_parallelism_threads=%d" % (str(T > 1).lower(), T))
    settings.append("XLA_FLAGS=" + os.environ["XLA_FLAGS"])

def answer(obj):
    print(json.dumps(obj), flush=True)

versions = {"python": sys.version.split()[0]}
try:
    import numpy as np
    versions["numpy"] = np.__version__
    if LIB == "torch":
        import torch
        torch.set_num_threads(T)
        settings += [f.strip() for f in torch.__config__.show().replace("\n", ",").split(",") if "BLAS_INFO" in f or "CPU capability" in f]
    elif LIB in ("jax", "keras"):
        import jax
        import jax.numpy as jnp
        if LIB == "keras":
            import keras
    elif LIB == "entrena":
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bindings", "python"))
        import entrena
        settings.append("ctypes over %s, kernel %s" % (entrena.library_path, entrena.kernel_path()))
    versions.update({m: sys.modules[m].__version__ for m in ("torch", "jax", "keras", "entrena") if m in sys.modules})
    try:
        import threadpoolctl
        settings += ["%s %s kernel=%s threads=%s" % (i.get("internal_api"), i.get("version"), i.get("architecture"), i.get("num_threads"))
                     for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
    except ImportError:
        b = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        settings.append("%s %s (kernel unknown: no threadpoolctl)" % (b.get("name"), b.get("version")))
except Exception as e:  # not installed, a CUDA wheel without its libraries, an unbuilt libentrena
    why = "%s not importable for %s: %s" % (LIB, sys.executable, " ".join(str(e).split())[:300])
    skipfile = os.path.join(sys.prefix, "torch-pypi-skip.txt")
    if LIB == "torch" and isinstance(e, ImportError) and os.path.exists(skipfile):
        why += "; " + " ".join(open(skipfile).read().split())
    for _ in sys.stdin:
        answer({"skipped": why})
    sys.exit(0)
rng, calls, cache = np.random.default_rng(1), {}, {}
xp = torch if LIB == "torch" else np  # numpy and torch share matmul and multiply with out=
no_autograd = torch.inference_mode if LIB == "torch" else contextlib.nullcontext
sync = jax.block_until_ready if LIB == "jax" else None  # JAX dispatches asynchronously

def setup(key, make):
    if key not in cache:
        cache[key] = make()
    return cache[key]

def clock(fn, n=1):
    """Seconds that n calls of fn take."""
    t = time.perf_counter()
    for _ in range(n):
        fn()
    return time.perf_counter() - t

def timed(c, fn):
    """Seconds per call of fn; the first call of work c warms up and sets the calls per turn."""
    key = str(c)  # a new budget calibrates again
    if key not in calls:
        fn()
        n, el = 1, 0
        while el < c["budget"] / 4 and n < 1 << 24:  # blocks of 1, 4, 16 ... calls
            el, n = clock(fn, n), n * 4
        calls[key] = max(1, int(n / 4 * c["budget"] / max(el, 1e-9)))
    elif calls[key] == 1:
        fn()  # a turn of one call: not timed cold after the other sides' turns (the C peers warm up too)
    return {"s": clock(fn, calls[key]) / calls[key]}

def tensor(v):
    return torch.from_numpy(v) if LIB == "torch" else jnp.asarray(v) if LIB == "jax" else v

def gemm(c):
    ta, tb, m, n, k = c["ta"], c["tb"], c["m"], c["n"], c["k"]
    A, B = setup(("ab", ta, tb, m, n, k), lambda: (rng.random((k, m) if ta else (m, k), dtype=np.float32), rng.random((n, k) if tb else (k, n), dtype=np.float32)))
    if LIB == "jax":
        x, y, f = setup(str(c), lambda: (jnp.asarray(A), jnp.asarray(B), jax.jit(lambda p, q: (p.T if ta else p) @ (q.T if tb else q))))
        return timed(c, lambda: f(x, y).block_until_ready())
    # numpy, torch: transposes as views, so the BLAS call gets the flags entrena's Sgemm gets
    x, y, z = setup(str(c), lambda: (tensor(A).T if ta else tensor(A), tensor(B).T if tb else tensor(B), tensor(np.empty((m, n), np.float32))))
    with no_autograd():
        return timed(c, lambda: xp.matmul(x, y, out=z))

def eltwise(c):
    n = c["n"]
    x = setup(("x", n), lambda: rng.random(n, dtype=np.float32) * 2 - 1)  # once, not every turn
    # y: a sigmoid's outputs as on the Go side (Hadamard reads it; uninitialised memory may hold denormals)
    x, y, z = setup(str(c), lambda: (tensor(x), tensor(0.5 + x / 4), tensor(np.empty(n, np.float32))))
    sigmoid = torch.sigmoid if LIB == "torch" else setup("expit", numpy_sigmoid)
    with no_autograd():
        return timed(c, (lambda: xp.multiply(x, y, out=z)) if c["kernel"] == "hadamard" else lambda: sigmoid(x, out=y))

def numpy_sigmoid():
    try:
        from scipy.special import expit  # one pass; numpy alone needs four
        return expit
    except ImportError:
        return lambda x, out: (np.negative(x, out=out), np.exp(out, out=out), np.add(out, 1, out=out), np.reciprocal(out, out=out))

def synthetic(samples, seed=5):
    """Uniform [0,1) inputs and random one-hot targets, as on the Go side."""
    g = np.random.default_rng(seed)
    y = np.eye(10, dtype=np.float32)[g.integers(0, 10, samples)]
    return g.random((samples, 784), dtype=np.float32), y

def entrena_model(layers, lr, batch, acts=None, loss="mse", threads=T or None):
    return entrena.Sequential([entrena.Dense(u, f) for u, f in zip(layers[1:], acts or ["sigmoid"] * len(layers))], inputs=layers[0],
                              loss=loss, optimizer=entrena.SGD(lr=lr), max_batch=batch, seed=1, threads=threads)

def keras_model():
    m = keras.Sequential([keras.Input((784,))] + [keras.layers.Dense(u, activation="sigmoid") for u in LAYERS[1:]])
    m.compile(optimizer=keras.optimizers.SGD(learning_rate=LR), loss=lambda t, q: keras.ops.sum(keras.ops.square(t - q), axis=-1))
    return m

def trainer(layers, lr):
    """step(x, y): sigmoid layers, squared error summed over outputs and
    averaged over the batch, plain SGD, Glorot-uniform init; step.predict(x)."""
    g = np.random.default_rng(1)
    ws = [g.uniform(-np.sqrt(6 / (i + o)), np.sqrt(6 / (i + o)), (o, i)).astype(np.float32) for i, o in zip(layers, layers[1:])]
    bs = [np.zeros(o, np.float32) for o in layers[1:]]
    if LIB == "numpy":
        def forward(x):
            acts = [x]
            for w, b in zip(ws, bs):
                acts.append(1 / (1 + np.exp(-(acts[-1] @ w.T + b))))
            return acts
        def step(x, y):
            acts = forward(x)
            d = (2.0 / len(x)) * (acts[-1] - y) * acts[-1] * (1 - acts[-1])
            for i in reversed(range(len(ws))):
                gw, gb = d.T @ acts[i], d.sum(axis=0)
                if i > 0:
                    d = (d @ ws[i]) * acts[i] * (1 - acts[i])
                ws[i] -= lr * gw
                bs[i] -= lr * gb
        step.predict = lambda x: forward(x)[-1]
    elif LIB == "torch":
        model = torch.nn.Sequential(*[m for w in ws for m in (torch.nn.Linear(w.shape[1], w.shape[0]), torch.nn.Sigmoid())])
        with torch.no_grad():
            for lin, w in zip(model[::2], ws):
                lin.weight.copy_(torch.from_numpy(w))
                lin.bias.zero_()
        opt = torch.optim.SGD(model.parameters(), lr=lr)
        def step(x, y):
            opt.zero_grad(set_to_none=True)
            ((model(x) - y) ** 2).sum(dim=1).mean().backward()
            opt.step()
        step.predict = lambda x: model(torch.from_numpy(x)).detach().numpy()
    elif LIB == "jax":
        def forward(ps, x):
            for w, b in ps:
                x = jax.nn.sigmoid(x @ w.T + b)
            return x
        def grad_step(ps, x, y):
            gr = jax.grad(lambda q: jnp.mean(jnp.sum((forward(q, x) - y) ** 2, axis=1)))(ps)
            return jax.tree_util.tree_map(lambda q, h: q - lr * h, ps, gr)
        jstep = jax.jit(grad_step, donate_argnums=0)
        def step(x, y):
            step.ps = jstep(step.ps, x, y)
            return step.ps
        step.ps, step.grad_step = [(jnp.asarray(w), jnp.asarray(b)) for w, b in zip(ws, bs)], grad_step
        step.predict = lambda x: np.asarray(jax.jit(forward)(step.ps, jnp.asarray(x)))
    else:
        step = entrena_model(layers, lr, 256).train_on_batch
    return step

def epoch(c):
    """One epoch in batches in order (the last may be short, as in core.Fit); the first call per batch size warms up:
    keras and entrena a whole epoch (fit traces the short last batch), the others the first two batches and the last."""
    b, n = c["batch"], c["samples"]
    x, y = setup(("data", n), lambda: synthetic(n))
    first = ("epoch", b) not in cache
    if LIB in ("keras", "entrena"):  # the same fit call
        m = setup(("epoch", b), lambda: keras_model() if LIB == "keras" else entrena_model(LAYERS, LR, b))
        run = warm = lambda: m.fit(x, y, batch_size=b, epochs=1, shuffle=False, verbose=0)  # noqa: E731
    else:
        step = setup(("epoch", b), lambda: trainer(LAYERS, LR))
        batches = setup(("batches", b, n), lambda: [(tensor(x[i:i + b]), tensor(y[i:i + b])) for i in range(0, n, b)])
        def run(part=batches):
            for bx, by in part:
                out = step(bx, by)
            if sync:
                sync(out)
        warm = lambda: run(batches[:2] + batches[-1:])  # noqa: E731
    if first:
        warm()
    return {"s": clock(run)}

def xor(c):
    step = setup("xor", lambda: trainer([2, 8, 1], 2.0))
    x, y = setup("xordata", lambda: (tensor(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)), tensor(np.array([[0], [1], [1], [0]], np.float32))))
    return timed(c, (lambda: sync(step(x, y))) if sync else lambda: step(x, y))

def fashion_data():
    """Train images, train labels, test images, test labels from the IDX files, gzipped or not."""
    d, out = os.environ.get("ENTRENA_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist"), []
    for name in ("train-images-idx3", "train-labels-idx1", "t10k-images-idx3", "t10k-labels-idx1"):
        path = [f for f in (os.path.join(d, name + "-ubyte" + z) for z in (".gz", "")) if os.path.isfile(f)]
        if not path:
            raise FileNotFoundError("Fashion-MNIST not found in %s" % d)
        with (gzip.open if path[0].endswith(".gz") else open)(path[0], "rb") as f:
            raw = f.read()
        dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(raw[3])]  # a malformed file fails the reshape
        v = np.frombuffer(raw, np.uint8, offset=4 + 4 * raw[3]).reshape(dims)
        out.append(v.reshape(-1, 784).astype(np.float32) / np.float32(255) if "images" in name else v)
    return out

def fashion(c):
    """One more epoch of 784-128-10 on Fashion-MNIST, shuffled inside the timed epoch as in core.Fit; JAX as one jit (lax.scan)."""
    images, labels, _, _ = setup("fashion", fashion_data)
    x, y = setup("ftrain", lambda: (tensor(images), tensor(np.eye(10, dtype=np.float32)[labels])))  # one-hot targets
    b, n = c["batch"], len(x)
    step = setup("fstep", lambda: trainer([784, 128, 10], c["lr"]))
    order = setup("forder", lambda: np.random.default_rng(1))
    if LIB == "jax":
        nb = n // b
        def scan(ps, xa, ya, perm):
            xs, ys = xa[perm[:nb * b]].reshape(nb, b, 784), ya[perm[:nb * b]].reshape(nb, b, 10)
            return jax.lax.scan(lambda q, xy: (step.grad_step(q, xy[0], xy[1]), None), ps, (xs, ys))[0]
        jscan = setup("fjit", lambda: jax.jit(scan, donate_argnums=0))
        def run():
            step.ps = sync(jscan(step.ps, x, y, jnp.asarray(order.permutation(n))))
    else:
        def run():
            perm = order.permutation(n)
            for s in range(0, n, b):
                step(x[perm[s:s + b]], y[perm[s:s + b]])
    return {"s": clock(run)}

def fashion_eval(c):
    _, _, images, labels = setup("fashion", fashion_data)
    return {"accuracy": float((cache["fstep"].predict(images).argmax(axis=1) == labels).mean())}

def two_models(c):
    n = c["samples"]  # the MNIST demo's shape, default threads
    models = setup(("two", n), lambda: [(entrena_model([784, 128, 10], 0.5, 32, ["sigmoid", "softmax"], "cce", None), synthetic(n, s)) for s in (1, 2)])
    fits = [lambda m=m, d=d: m.fit(d[0], d[1], epochs=1, batch_size=32, shuffle=True, verbose=0) for m, d in models]
    if not c["together"]:
        return {"s": clock(lambda: [f() for f in fits])}
    ts = [threading.Thread(target=f) for f in fits]
    return {"s": clock(lambda: ([t.start() for t in ts], [t.join() for t in ts]))}

def hello(c):
    return {"versions": versions, "settings": "; ".join(settings)}

ops = {"numpy": "gemm eltwise epoch xor fashion", "torch": "gemm eltwise epoch xor fashion", "jax": "gemm epoch xor fashion",
       "keras": "epoch", "entrena": "epoch xor two_models"}[LIB].split() + ["hello", "fashion_eval"]
for line in sys.stdin:
    cmd = json.loads(line)
    try:
        answer(globals()[cmd["op"]](cmd) if cmd["op"] in ops else {"unsupported": True})
    except Exception as e:
        answer({"error": "%s: %s" % (type(e).__name__, " ".join(str(e).split())[:300])})
