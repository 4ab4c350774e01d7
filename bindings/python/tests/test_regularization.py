"""Weight decay (kernel_regularizer l2), Dropout and RMSprop through the
Keras vocabulary, and Keras's defaults. Runs with and without numpy."""

import array
import math

import pytest

import entrena
from conftest import flat, formula_data

keras = entrena  # the names a Keras script reaches for


def _penalty(model, lams):
    ws = model.get_weights()
    return sum(lam * sum(float(v) ** 2 for v in flat(ws[2 * i])) for i, lam in enumerate(lams))


def test_l2_adds_its_penalty_to_the_loss():
    x, y = formula_data(40, 5, 3)
    lams = [1e-2, 0.0, 5e-3]

    def model(reg):
        return keras.Sequential([
            keras.layers.Dense(8, "tanh", kernel_regularizer=keras.regularizers.l2(lams[0]) if reg else None),
            keras.layers.Dense(6, "relu"),
            keras.layers.Dense(3, "softmax", kernel_regularizer=keras.regularizers.l2(lams[2]) if reg else None),
        ], inputs=5, loss="cce", optimizer="sgd", seed=4)
    with model(True) as m, model(False) as plain:
        assert [l.l2 for l in m.layers] == [pytest.approx(1e-2), 0, pytest.approx(5e-3)]
        loss, _ = m.evaluate(x, y, verbose=0)
        plain_loss, _ = plain.evaluate(x, y, verbose=0)
        assert loss - plain_loss == pytest.approx(_penalty(m, lams), rel=1e-4)
        # The decayed model's weights shrink relative to the plain one's.
        m.fit(x, y, epochs=20, batch_size=8, verbose=0)
        plain.fit(x, y, epochs=20, batch_size=8, verbose=0)
        assert _penalty(m, lams) < _penalty(plain, lams)
        copy = entrena.from_bytes(m.to_bytes())
        assert [l.l2 for l in copy.layers] == [l.l2 for l in m.layers]
        assert copy.evaluate(x, y, verbose=0) == m.evaluate(x, y, verbose=0)
        copy.close()


def test_l2_spellings_and_errors():
    assert keras.layers.Dense(3, kernel_regularizer="l2").l2 == pytest.approx(0.01)  # Keras's default
    assert keras.layers.Dense(3, kernel_regularizer=keras.regularizers.L2(0.5)).l2 == 0.5
    with pytest.raises(entrena.SpecError, match="non-negative"):
        keras.regularizers.l2(-1e-3)
    with pytest.raises(entrena.SpecError, match="kernel_regularizer"):
        keras.layers.Dense(3, kernel_regularizer="l1")


def test_dropout_folds_into_the_dense_before_it():
    x, y = formula_data(64, 5, 3)
    drop = keras.Sequential([keras.layers.Dense(16, "relu"), keras.layers.Dropout(0.5),
                             keras.layers.Dense(3, "softmax")], inputs=5, loss="cce", seed=2)
    same = keras.Sequential([keras.layers.Dense(16, "relu"), keras.layers.Dense(3, "softmax")],
                            inputs=5, loss="cce", seed=2)
    with drop, same:
        assert len(drop.layers) == 2 and drop.layers[0].dropout == 0.5 and drop.layers[1].dropout == 0
        drop.fit(x, y, epochs=3, batch_size=16, verbose=0)
        same.set_params(drop.get_params())
        # predict and evaluate use every unit, unscaled
        assert flat(drop.predict(x)) == flat(same.predict(x))
        assert drop.evaluate(x, y, verbose=0) == same.evaluate(x, y, verbose=0)
        lines = []
        drop.summary(print_fn=lines.append)
        assert any("Dropout, 0.5" in line for line in lines)
        copy = entrena.from_bytes(drop.to_bytes())
        assert copy.layers[0].dropout == 0.5
        copy.close()


def test_dropout_is_reproducible():
    x, y = formula_data(64, 5, 3)

    def run():
        with keras.Sequential([keras.layers.Dense(16, "relu"), keras.layers.Dropout(0.3),
                               keras.layers.Dense(3, "softmax")], inputs=5, loss="cce", seed=9) as m:
            h = m.fit(x, y, epochs=4, batch_size=16, verbose=0)
            return flat(m.get_params()), h.history["loss"]
    assert run() == run()


def test_dropout_errors():
    with pytest.raises(entrena.SpecError, match=r"\[0, 1\)"):
        keras.layers.Dropout(1.0)
    with pytest.raises(entrena.SpecError, match="must follow a Dense"):
        keras.Sequential([keras.layers.Dropout(0.2), keras.layers.Dense(1)], inputs=2)
    with pytest.raises(entrena.SpecError, match="two Dropouts"):
        keras.Sequential([keras.layers.Dense(4), keras.layers.Dropout(0.2), keras.layers.Dropout(0.1),
                          keras.layers.Dense(1)], inputs=2)
    with pytest.raises(entrena.SpecError, match="output layer"):
        keras.Sequential([keras.layers.Dense(4), keras.layers.Dense(1), keras.layers.Dropout(0.2)],
                         inputs=2, loss="mse")
    # a layer list used for two models is not changed by the first
    layers = [keras.layers.Dense(4, "relu"), keras.layers.Dropout(0.2), keras.layers.Dense(1)]
    for _ in range(2):
        keras.Sequential(layers, inputs=2, loss="mse").close()
    assert layers[0].dropout == 0


def test_rmsprop_step_matches_keras_rule():
    """One RMSprop step on a linear MSE model, whose gradient is known in
    closed form, against Keras's rule in float64."""
    x = array.array("f", [0.5, -1.0, 2.0, 0.25, -0.75, 1.5])
    y = array.array("f", [1.0, -2.0, 0.5])
    lr, rho, eps = 0.01, 0.8, 1e-7
    with keras.Sequential([keras.layers.Dense(1)], inputs=2, loss="mse",
                          optimizer=keras.optimizers.RMSprop(learning_rate=lr, rho=rho)) as m:
        assert m.optimizer == "rmsprop" and m.learning_rate == pytest.approx(lr)
        w0, b0 = [float(v) for v in flat(m.get_weights()[0])], float(flat(m.get_weights()[1])[0])
        rows = [(x[2 * i], x[2 * i + 1]) for i in range(3)]
        err = [w0[0] * a + w0[1] * b + b0 - t for (a, b), t in zip(rows, y)]
        grads = [2 / 3 * sum(e * r[k] for e, r in zip(err, rows)) for k in (0, 1)] + [2 / 3 * sum(err)]
        want = [p - lr * g / math.sqrt((1 - rho) * g * g + eps) for p, g in zip(w0 + [b0], grads)]
        m.train_on_batch(x, y)
        got = flat(m.get_weights()[0]) + flat(m.get_weights()[1])
        assert got == pytest.approx(want, abs=1e-6)


def test_keras_defaults():
    assert keras.layers.Dense(4).activation == "linear"
    assert keras.optimizers.get("sgd").learning_rate == pytest.approx(0.01)
    assert keras.optimizers.SGD().learning_rate == pytest.approx(0.01)
    assert keras.optimizers.Adam().epsilon == pytest.approx(1e-7)
    r = keras.optimizers.get("rmsprop")
    assert (r.learning_rate, r.rho, r.epsilon) == (pytest.approx(0.001), pytest.approx(0.9), pytest.approx(1e-7))
    with keras.Sequential([keras.layers.Dense(2, "softmax")], inputs=3) as m:
        m.compile(loss="categorical_crossentropy")  # no optimizer: Keras's "rmsprop"
        assert m.optimizer == "rmsprop" and m.learning_rate == pytest.approx(0.001)
    with keras.Sequential([keras.layers.Dense(2, "softmax")], inputs=3, optimizer="sgd") as m:
        assert m.learning_rate == pytest.approx(0.01)
    with pytest.raises(entrena.SpecError, match="not supported"):
        keras.optimizers.RMSprop(momentum=0.9)


def test_regression_validation_scores_leave_out_the_penalty():
    """With weight decay the validation loss holds the penalty; val_rmse and
    val_r2 are the errors of the predictions, as evaluate gives them."""
    x = [[((5 * i + 3 * j) % 11) / 11 for j in range(5)] for i in range(80)]
    y = [2 * r[0] - r[3] + 0.5 for r in x]
    with entrena.Sequential([entrena.Dense(8, "tanh", kernel_regularizer=entrena.regularizers.l2(0.05)),
                             entrena.Dense(1)], inputs=5, loss="mse", optimizer="adam", seed=4) as m:
        h = m.fit(x[:60], y[:60], epochs=3, verbose=0, validation_data=(x[60:], y[60:]))
        scores = m.evaluate(x[60:], y[60:])
        assert h.history["val_rmse"][-1] == pytest.approx(scores.rmse, rel=1e-6)
        assert h.history["val_r2"][-1] == pytest.approx(scores.r2, rel=1e-6)
        assert h.history["val_loss"][-1] > scores.rmse ** 2  # the penalty is in the loss
