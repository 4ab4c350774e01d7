"""Fashion-MNIST peer (issue 8): 784-128-10, sigmoid hidden and output
layers, MSE (summed over outputs, averaged over the batch), plain SGD at
batch 32 for 5 epochs, Glorot-uniform weights and zero biases (entrena's
initialisation family), a new random order every epoch (the shuffle is
inside the timed epoch, as in entrena's Fit), test accuracy on the 10,000
test images after the last epoch.

The IDX files are read with gzip + numpy from Debian's dataset-fashion-mnist
(/usr/share/datasets/fashion-mnist, or --dir / ENTRENA_FASHION_MNIST_DIR),
pixels scaled to [0, 1].

    train_fashion.py --lib numpy|torch|jax [--epochs 5] [--lr 1.0] [--threads N]

Row: group "fashion", name "784-128-10 b=32 5 epochs", median seconds per
epoch over the epochs (metric: samples/s), "accuracy": test accuracy."""
import gzip
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peerlib  # noqa: E402

p = peerlib.parser(__doc__)
p.add_argument("--lib", required=True, choices=["numpy", "torch", "jax"])
p.add_argument("--dir", default=os.environ.get("ENTRENA_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist"))
p.add_argument("--epochs", type=int, default=5)
p.add_argument("--batch", type=int, default=32)
p.add_argument("--lr", type=float, default=1.0)
p.add_argument("--train-samples", type=int, default=0, help="use only the first N training images (0: all)")
a = p.parse_args()
pinned = peerlib.pin(a.threads) if a.lib == "jax" else ""
if a.lib == "jax":
    os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=%s intra_op_parallelism_threads=%d" % (
        "true" if a.threads > 1 else "false", a.threads)
try:
    import numpy as np
except ImportError as e:
    peerlib.skip("numpy not importable: %s" % e)


def idx(path):
    """An unsigned-byte IDX file (gzip or plain) as a numpy array."""
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rb") as f:
        b = f.read()
    zero, kind, nd = struct.unpack(">HBB", b[:4])
    if zero != 0 or kind != 0x08:
        raise ValueError("%s: not an unsigned-byte IDX file" % path)
    dims = struct.unpack(">%dI" % nd, b[4:4 + 4 * nd])
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


def find(prefix, kind, n):
    for name in ("%s-%s-idx%d-ubyte.gz" % (prefix, kind, n), "%s-%s-idx%d-ubyte" % (prefix, kind, n)):
        path = os.path.join(a.dir, name)
        if os.path.isfile(path):
            return path
    peerlib.skip("Fashion-MNIST not found in %s (apt-get install dataset-fashion-mnist, or set ENTRENA_FASHION_MNIST_DIR)" % a.dir)


def load(prefix):
    x = idx(find(prefix, "images", 3)).reshape(-1, 784).astype(np.float32) / np.float32(255)
    lab = idx(find(prefix, "labels", 1)).astype(np.int64)
    y = np.zeros((len(lab), 10), dtype=np.float32)
    y[np.arange(len(lab)), lab] = 1
    return x, y, lab


xtr, ytr, _ = load("train")
xte, _, lte = load("t10k")
if a.train_samples > 0:
    xtr, ytr = xtr[:a.train_samples], ytr[:a.train_samples]
N, B, LR = len(xtr), a.batch, np.float32(a.lr)
rng = np.random.default_rng(1)


def glorot(i, o):
    lim = np.sqrt(6.0 / (i + o))
    return rng.uniform(-lim, lim, (o, i)).astype(np.float32)


W = [glorot(784, 128), glorot(128, 10)]
versions = {"python": sys.version.split()[0], "numpy": np.__version__}

if a.lib == "numpy":
    impl, version = peerlib.impl_name("numpy", a.tag), np.__version__
    ws, bs = W, [np.zeros(128, np.float32), np.zeros(10, np.float32)]

    def sig(z):
        return 1.0 / (1.0 + np.exp(-z))

    def epoch():
        perm = rng.permutation(N)
        for s in range(0, N, B):
            i = perm[s:s + B]
            x, y = xtr[i], ytr[i]
            h = sig(x @ ws[0].T + bs[0])
            o = sig(h @ ws[1].T + bs[1])
            d2 = (2.0 / len(i)) * (o - y) * o * (1 - o)
            d1 = (d2 @ ws[1]) * h * (1 - h)
            ws[1] -= LR * (d2.T @ h)
            bs[1] -= LR * d2.sum(axis=0)
            ws[0] -= LR * (d1.T @ x)
            bs[0] -= LR * d1.sum(axis=0)

    def predict(x):
        return sig(sig(x @ ws[0].T + bs[0]) @ ws[1].T + bs[1])
    settings = "float32 numpy expressions; " + peerlib.env_note() + "; " + peerlib.blas_info()

elif a.lib == "torch":
    try:
        import torch
    except Exception as e:
        peerlib.skip_torch(e)
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    impl, version = peerlib.impl_name("torch", a.tag), torch.__version__
    versions["torch"] = torch.__version__
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.Sigmoid(), torch.nn.Linear(128, 10), torch.nn.Sigmoid())
    with torch.no_grad():
        for lin, w in zip((model[0], model[2]), W):
            lin.weight.copy_(torch.from_numpy(w))
            lin.bias.zero_()
    opt = torch.optim.SGD(model.parameters(), lr=a.lr)
    tx, ty = torch.from_numpy(xtr), torch.from_numpy(ytr)
    gen = torch.Generator().manual_seed(1)

    def epoch():
        perm = torch.randperm(N, generator=gen)
        for s in range(0, N, B):
            i = perm[s:s + B]
            opt.zero_grad(set_to_none=True)
            loss = ((model(tx[i]) - ty[i]) ** 2).sum(dim=1).mean()
            loss.backward()
            opt.step()

    def predict(x):
        with torch.no_grad():
            return model(torch.from_numpy(x)).numpy()
    settings = "float32; eager, torch.optim.SGD; set_num_threads(%d); %s" % (
        a.threads, peerlib.torch_parallel(torch))

else:
    try:
        import jax
        import jax.numpy as jnp
        import jaxlib
    except Exception as e:
        peerlib.skip("jax not importable: %s" % e)
    impl, version = "jax", jax.__version__
    versions.update(jax=jax.__version__, jaxlib=jaxlib.__version__)
    params = [(jnp.asarray(W[0]), jnp.zeros(128, jnp.float32)), (jnp.asarray(W[1]), jnp.zeros(10, jnp.float32))]

    def forward(ps, x):
        for w, b in ps:
            x = jax.nn.sigmoid(x @ w.T + b)
        return x

    def loss(ps, x, y):
        return jnp.mean(jnp.sum((forward(ps, x) - y) ** 2, axis=1))

    def step(ps, xy):
        g = jax.grad(loss)(ps, xy[0], xy[1])
        return jax.tree_util.tree_map(lambda q, h: q - a.lr * h, ps, g), None

    nb = N // B  # 60,000 / 32: no short batch

    @jax.jit
    def run_epoch(ps, x, y, perm):
        xs = x[perm[:nb * B]].reshape(nb, B, 784)
        ys = y[perm[:nb * B]].reshape(nb, B, 10)
        return jax.lax.scan(step, ps, (xs, ys))[0]
    run_epoch = jax.jit(run_epoch.__wrapped__, donate_argnums=0)
    jx, jy = jnp.asarray(xtr), jnp.asarray(ytr)
    state = {"ps": params}
    if N % B:
        sys.stderr.write("jax: the last %d samples of each epoch are left out (scan over whole batches)\n" % (N % B))

    def epoch():
        state["ps"] = run_epoch(state["ps"], jx, jy, jnp.asarray(rng.permutation(N)))
        jax.block_until_ready(state["ps"])

    def predict(x):
        return np.asarray(jax.jit(forward)(state["ps"], jnp.asarray(x)))
    settings = "float32; one jax.jit per epoch (lax.scan over the batches, gather inside); XLA_FLAGS=%s; %s" % (
        os.environ["XLA_FLAGS"], pinned)

per = []
for e in range(a.epochs):
    t = time.perf_counter()
    epoch()
    per.append(time.perf_counter() - t)
acc = float((predict(xte).argmax(axis=1) == lte).mean())
first = per[0]
r = peerlib.row("fashion", "784-128-10 b=%d %d epochs" % (B, a.epochs), impl, per, 1, N, "samples/s",
                note="Fashion-MNIST %d train / %d test, lr %g, shuffled every epoch, Glorot-uniform init; "
                     "test accuracy %.2f%%; first epoch %.3f s (in the spread)" % (N, len(xte), a.lr, 100 * acc, first),
                version=version)
r["accuracy"] = acc
peerlib.emit([r], versions, settings)
