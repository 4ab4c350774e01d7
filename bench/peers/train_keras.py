"""Keras 3 peer on the JAX backend: Sequential Dense(sigmoid) 784-128-64-10,
loss = squared error summed over outputs (averaged over the batch by fit),
SGD(learning_rate=0.1), model.fit(batch_size=b, epochs=1, shuffle=False)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peerlib  # noqa: E402

a = peerlib.train_parser(__doc__).parse_args()
pinned = peerlib.pin(a.threads)
os.environ["KERAS_BACKEND"] = "jax"
os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=%s intra_op_parallelism_threads=%d" % (
    "true" if a.threads > 1 else "false", a.threads)
try:
    import keras
    import jax
except Exception as e:
    peerlib.skip("keras/jax not importable: %s" % e)

keras.utils.set_random_seed(1)
xn, yn = peerlib.synthetic(a.samples, 784, 10)
models = {}


def sse(yt, yp):
    return keras.ops.sum(keras.ops.square(yt - yp), axis=-1)


def epoch(b, warm):
    if b not in models:
        m = keras.Sequential([keras.Input((784,))] + [keras.layers.Dense(u, activation="sigmoid") for u in peerlib.LAYERS[1:]])
        m.compile(optimizer=keras.optimizers.SGD(learning_rate=peerlib.LR), loss=sse)
        models[b] = m
    # The warm-up is a whole epoch: fit traces a second step for the short last batch.
    models[b].fit(xn, yn, batch_size=b, epochs=1, shuffle=False, verbose=0)


rows = peerlib.time_epochs(epoch, a.samples, [int(b) for b in a.batches.split(",")], a.reps, "keras", keras.__version__,
                           "fit on the jax backend, %s" % pinned)
peerlib.emit(rows, {"keras": keras.__version__, "jax": jax.__version__, "python": sys.version.split()[0]},
             "float32; backend %s; jit_compile default; XLA_FLAGS=%s; %s" % (
                 keras.backend.backend(), os.environ["XLA_FLAGS"], pinned))
