"""JAX peer: the same network and algorithm as train_numpy.py, as one
jax.jit-compiled training step (value_and_grad + SGD, parameters donated),
called per batch from Python on batches already on the device."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peerlib  # noqa: E402

a = peerlib.train_parser(__doc__).parse_args()
pinned = peerlib.pin(a.threads)
os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=%s intra_op_parallelism_threads=%d" % (
    "true" if a.threads > 1 else "false", a.threads)
try:
    import jax
    import jax.numpy as jnp
    import jaxlib
except Exception as e:
    peerlib.skip("jax not importable: %s" % e)


def init(layers, seed=1):
    import numpy as np
    rng = np.random.default_rng(seed)
    ps = []
    for i, o in zip(layers[:-1], layers[1:]):
        lim = np.sqrt(6.0 / (i + o))
        ps.append((jnp.asarray(rng.uniform(-lim, lim, (o, i)).astype(np.float32)), jnp.zeros(o, jnp.float32)))
    return ps


def loss(ps, x, y):
    for w, b in ps:
        x = jax.nn.sigmoid(x @ w.T + b)
    return jnp.mean(jnp.sum((x - y) ** 2, axis=1))


@jax.jit
def step(ps, x, y):
    g = jax.grad(loss)(ps, x, y)
    return jax.tree_util.tree_map(lambda p, q: p - peerlib.LR * q, ps, g)


step = jax.jit(step.__wrapped__ if hasattr(step, "__wrapped__") else step, donate_argnums=0)
xn, yn = peerlib.synthetic(a.samples, 784, 10)
state = {"ps": init(peerlib.LAYERS)}
splits = {}


def epoch(b, warm):
    if b not in splits:
        # The last batch may be short, as in core.Fit (a second compiled shape).
        splits[b] = [(jnp.asarray(xn[i:i + b]), jnp.asarray(yn[i:i + b])) for i in range(0, a.samples, b)]
    batches = splits[b][:4] + splits[b][-1:] if warm else splits[b]
    ps = state["ps"]
    for bx, by in batches:
        ps = step(ps, bx, by)
    jax.block_until_ready(ps)
    state["ps"] = ps


rows = peerlib.time_epochs(epoch, a.samples, [int(b) for b in a.batches.split(",")], a.reps, "jax", jax.__version__,
                           "jit step, %s" % pinned)
peerlib.emit(rows, {"jax": jax.__version__, "jaxlib": jaxlib.__version__, "python": sys.version.split()[0]},
             "float32; jit(value_and_grad step, donate params); XLA_FLAGS=%s; %s" % (os.environ["XLA_FLAGS"], pinned))
