"""Python and Go give identical results for the same seed: same library, same
kernels, same order of operations -> bit-identical parameters (0 ulp)."""

import pytest

import entrena
from conftest import bits, flat, formula_data

CONFIGS = [
    # inputs, layers, loss, optimizer, lr, max_batch, samples, epochs, batch, shuffle, seed
    (5, [(8, "tanh"), (3, "softmax")], "cce", "adam", 0.01, 16, 50, 5, 8, True, 7),
    (4, [(6, "sigmoid"), (1, "sigmoid")], "mse", "sgd", 0.5, 10, 37, 4, 10, False, 3),
    (3, [(5, "relu"), (4, "linear"), (1, "sigmoid")], "bce", "momentum", 0.05, 8, 30, 3, 7, True, 11),
]


@pytest.mark.parametrize("cfg", CONFIGS, ids=["adam-cce-shuffle", "sgd-mse", "momentum-bce-shuffle"])
def test_same_results_as_go(goref, cfg):
    inputs, layers, loss, opt, lr, mb, samples, epochs, batch, shuffle, seed = cfg
    go = goref("ref", "-inputs", str(inputs), "-layers", ",".join("%d:%s" % l for l in layers),
               "-loss", loss, "-opt", opt, "-lr", repr(lr), "-maxbatch", str(mb),
               "-samples", str(samples), "-epochs", str(epochs), "-batch", str(batch),
               "-shuffle=%s" % str(shuffle).lower(), "-seed", str(seed))
    x, y = formula_data(samples, inputs, layers[-1][0])
    if opt == "adam":  # Go's default epsilon, not Python's (Keras's 1e-7)
        opt = entrena.optimizers.Adam(epsilon=1e-8)
    with entrena.Sequential([entrena.Dense(u, a) for u, a in layers], inputs=inputs, loss=loss,
                            optimizer=opt, learning_rate=lr, max_batch=mb, seed=seed) as m:
        h = m.fit(x, y, epochs=epochs, batch_size=batch, shuffle=shuffle, verbose=0)
        assert bits(h.cost) == go["history"]
        assert bits(flat(m.get_params())) == go["params"]
        assert bits(flat(m.predict(x))) == go["predict"]
