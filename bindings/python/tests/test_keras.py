"""The Keras vocabulary: integer labels, metrics, validation_split, batch
sizes over max_batch, callbacks objects, compile-later models, single-sample
predict, summary, and a Keras-style script run with only its import changed."""

import array
import os
import subprocess
import sys
import warnings

import pytest

import entrena
from conftest import REPO, bits, child_env, flat

CLASSES = 3


def blobs(samples=60, inputs=4, seed=0):
    """Three separable classes as (flat array('f') x, list of int labels),
    the same with or without numpy: class c has its features near c."""
    state = seed * 7919 + 17
    xs, ys = array.array("f"), []
    for i in range(samples):
        c = i % CLASSES
        ys.append(c)
        for j in range(inputs):
            state = (state * 1103515245 + 12345) % 2147483648
            noise = state / 2147483648 - 0.5
            xs.append(c + (j % 2) * 0.5 + 0.6 * noise)
    return xs, ys


def one_hot(labels, k=CLASSES):
    out = array.array("f", bytes(4 * len(labels) * k))
    for i, c in enumerate(labels):
        out[i * k + c] = 1
    return out


def clf(loss="sparse_categorical_crossentropy", inputs=4, **kw):
    args = dict(inputs=inputs, loss=loss, optimizer=entrena.Adam(lr=0.05), max_batch=8, seed=3)
    args.update(kw)
    return entrena.Sequential([entrena.Dense(6, "tanh"), entrena.Dense(CLASSES, "softmax")], **args)


# ------------------------------------------------------------------ labels


def test_sparse_labels_train_exactly_as_one_hot_rows():
    x, labels = blobs()
    with clf() as a, clf(loss="cce") as b:
        ha = a.fit(x, labels, epochs=5, batch_size=8, shuffle=False, verbose=0)
        hb = b.fit(x, one_hot(labels), epochs=5, batch_size=8, shuffle=False, verbose=0)
        assert bits(ha.history["loss"]) == bits(hb.history["loss"])
        assert bits(flat(a.get_params())) == bits(flat(b.get_params()))
        assert a.evaluate(x, labels) == b.evaluate(x, one_hot(labels))
        assert a.loss == "cce"  # the library's loss; the labels are converted in Python
        # train_on_batch reuses its one-hot buffer batch after batch
        c1 = a.train_on_batch(x[:32], labels[:8])
        c2 = a.train_on_batch(x[32:64], labels[8:16])
        d1 = b.train_on_batch(x[:32], one_hot(labels[:8]))
        d2 = b.train_on_batch(x[32:64], one_hot(labels[8:16]))
        assert bits([c1, c2]) == bits([d1, d2])


def test_sparse_labels_numpy(np):
    x, labels = blobs()
    xn = np.frombuffer(x, dtype=np.float32).reshape(-1, 4)
    with clf() as a, clf() as b:
        a.fit(xn, np.array(labels, dtype=np.int64), epochs=3, batch_size=8, shuffle=False, verbose=0)
        b.fit(xn, np.array(labels, dtype=np.float32).reshape(-1, 1), epochs=3, batch_size=8,
              shuffle=False, verbose=0)
        assert bits(flat(a.get_params())) == bits(flat(b.get_params()))
        with pytest.raises(entrena.DataError, match="not an integer in 0..2"):
            a.fit(xn, np.array(labels) + 0.5, verbose=0)


def test_bad_labels_are_clear_errors():
    x, labels = blobs(samples=6)
    with clf() as m:
        with pytest.raises(entrena.DataError, match=r"class label 3 is not an integer in 0\.\.2"):
            m.fit(x, [0, 1, 2, 3, 0, 1], verbose=0)
        with pytest.raises(entrena.DataError, match="not an integer"):
            m.fit(x, [0, 1, 2, -1, 0, 1], verbose=0)
        with pytest.raises(entrena.DataError, match="not an integer"):
            m.evaluate(x, [0, 1, 2, 1.5, 0, 1])
    with clf() as m:  # labels for fewer samples than x: a mismatch that says how y was read
        with pytest.raises(entrena.ShapeError, match=r"x has 6 samples but y has 1 \(y's 3 values "
                                                     r"read as rows of the model's 3 outputs"):
            m.fit(x, labels[:3], verbose=0)
    with clf(loss="cce") as m:
        with pytest.raises(entrena.DataError, match="sparse_categorical_crossentropy"):
            m.fit(x, labels, verbose=0)
    with entrena.Sequential([entrena.Dense(CLASSES, "sigmoid")], inputs=4, loss="mse") as m:
        with pytest.raises(entrena.ShapeError) as e:
            m.fit(x, labels, verbose=0)
        assert "sparse_categorical_crossentropy" in str(e.value)
        assert "samples but y has" not in str(e.value)


# ------------------------------------------------------- batch size, split


def test_batch_size_over_max_batch_grows_once_keeping_the_weights():
    x, labels = blobs()
    with clf(optimizer=entrena.SGD(lr=0.3), max_batch=4) as a, \
            clf(optimizer=entrena.SGD(lr=0.3), max_batch=16) as b:
        b.set_params(a.get_params())
        a.set_threads(1)
        ha = a.fit(x, labels, batch_size=16, epochs=3, shuffle=False, verbose=0)
        hb = b.fit(x, labels, batch_size=16, epochs=3, shuffle=False, verbose=0)
        assert a.max_batch == 16 and a.thread_stats().threads == 1
        assert bits(ha.history["loss"]) == bits(hb.history["loss"])
        assert bits(flat(a.get_params())) == bits(flat(b.get_params()))
        assert (a.optimizer, a.learning_rate) == ("sgd", pytest.approx(0.3))
        a.fit(x, labels, batch_size=8, epochs=1, verbose=0)  # smaller: no rebuild
        assert a.max_batch == 16


def test_grown_model_keeps_its_schema():
    x, labels = blobs(samples=12)
    with clf(max_batch=2) as m:
        m.set_schema({"task": "classification", "features": ["a", "b", "c", "d"], "header": True,
                      "label_column": 4, "columns": 5, "classes": ["x", "y", "z"],
                      "class_type": "string"})
        m.fit(x, ["x", "y", "z"] * 4, batch_size=12, epochs=1, verbose=0)
        assert m.max_batch == 12 and m.schema["classes"] == ["x", "y", "z"]


def test_validation_split_is_the_last_fraction():
    x, labels = blobs(samples=40)
    n_train = 36  # floor(40 * 0.9)
    with clf() as a, clf() as b:
        ha = a.fit(x, labels, validation_split=0.1, epochs=4, batch_size=8, shuffle=False, verbose=0)
        hb = b.fit(x[:n_train * 4], labels[:n_train], epochs=4, batch_size=8, shuffle=False,
                   validation_data=(x[n_train * 4:], labels[n_train:]), verbose=0)
        assert ha.history == hb.history
        assert set(ha.history) == {"loss", "val_loss", "val_accuracy"}
        with pytest.raises(ValueError, match="validation_split"):
            a.fit(x, labels, validation_split=1.0, verbose=0)
        with pytest.raises(ValueError, match="no training samples"):
            a.fit(x[:4], labels[:1], validation_split=0.5, verbose=0)


# ------------------------------------------------------------------ metrics


def test_metrics_accuracy_history_keys_and_values():
    x, labels = blobs()
    with clf(metrics=["accuracy"]) as m:
        h = m.fit(x, labels, epochs=4, batch_size=8, validation_split=0.2, verbose=0)
        assert list(h.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
        assert all(len(v) == 4 for v in h.history.values()) and h.epoch == [0, 1, 2, 3]
        # training accuracy: the model after the epoch on the training part
        assert h.history["accuracy"][-1] == m.evaluate(x[:48 * 4], labels[:48])[1]
        assert h.history["val_accuracy"][-1] == pytest.approx(m.evaluate(x[48 * 4:], labels[48:])[1])
        assert h.history["val_loss"][-1] == pytest.approx(m.evaluate(x[48 * 4:], labels[48:])[0],
                                                          rel=1e-5)
        h = m.fit(x, labels, epochs=2, batch_size=8, verbose=0)
        assert list(h.history) == ["loss", "accuracy"]
    with clf(metrics=["acc"]) as m:
        assert "accuracy" in m.fit(x, labels, epochs=1, verbose=0).history
    with pytest.raises(entrena.SpecError, match="unknown metric"):
        clf(metrics=["f1"])


def test_regression_metrics_mae_rmse():
    xs = array.array("f", [i / 20 for i in range(40)])
    ys = array.array("f", [3 * i / 20 + 1 for i in range(40)])
    with entrena.Sequential([entrena.Dense(8, "tanh"), entrena.Dense(1, "linear")], inputs=1,
                            loss="mse", optimizer="adam", max_batch=8) as m:
        m.compile(metrics=["mae", "rmse"])
        h = m.fit(xs, ys, epochs=5, batch_size=8, validation_data=(xs, ys), verbose=0)
        assert list(h.history) == ["loss", "mae", "rmse", "val_loss", "val_mae", "val_rmse"]
        r = entrena.RegressionScores(*m._evaluate(xs, ys))  # the scores of a model without metrics
        assert h.history["mae"][-1] == pytest.approx(r.mae, rel=1e-5)
        assert h.history["rmse"][-1] == pytest.approx(r.rmse, rel=1e-5)
        assert h.history["val_rmse"][-1] == pytest.approx(r.rmse, rel=1e-5)
        with entrena.Sequential([entrena.Dense(8, "tanh"), entrena.Dense(1, "linear")], inputs=1,
                                loss="mse") as plain:
            plain.set_params(m.get_params())
            r = plain.evaluate(xs, ys)
        # compiled with metrics: Keras's [loss, mae, rmse], so `loss, mae, rmse = ...` unpacks
        loss, mae, rmse = m.evaluate(xs, ys)
        assert loss == r.loss and mae == pytest.approx(r.mae, rel=1e-5)
        assert rmse == pytest.approx(r.rmse, rel=1e-5)
        assert m.evaluate(xs, ys, return_dict=True) == {"loss": loss, "mae": mae, "rmse": rmse}


def test_evaluate_and_predict_accept_keras_arguments():
    x, labels = blobs(samples=9)
    with clf() as m:
        loss, acc = m.evaluate(x, labels, batch_size=128, verbose=0)
        assert m.evaluate(x, labels, return_dict=True) == {"loss": loss, "accuracy": acc}
        assert flat(m.predict(x, batch_size=2, verbose=0)) == flat(m.predict(x))


# ---------------------------------------------------------------- callbacks


class Recorder(entrena.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.calls, self.params_at = [], []

    def on_train_begin(self, logs=None):
        self.calls.append("train_begin")

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append("begin %d" % epoch)

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append("end %d %s" % (epoch, ",".join(sorted(logs))))
        self.params_at.append(flat(self.model.get_params()))  # the model is usable here

    def on_train_end(self, logs=None):
        self.calls.append("train_end")


def test_callback_hooks_order_model_and_stop_training():
    x, labels = blobs()

    class StopAfterTwo(entrena.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                self.model.stop_training = True

    rec = Recorder()
    infos = []
    with clf() as m:
        h = m.fit(x, labels, epochs=5, batch_size=8, validation_split=0.2, verbose=0,
                  callbacks=[rec, StopAfterTwo()], callback=infos.append)
        assert rec.model is m and rec.params["epochs"] == 5
        assert rec.calls == ["train_begin", "begin 0", "end 0 loss,val_accuracy,val_loss", "begin 1",
                             "end 1 loss,val_accuracy,val_loss", "train_end"]
        assert h.stopped and len(h.history["loss"]) == 2 and m.history is h
        assert rec.params_at[-1] == flat(m.get_params())
        # the callback= function still sees every batch and epoch
        assert sum(1 for i in infos if i["epoch_done"]) == 2 and infos[-1]["epoch"] == 2
        assert len(infos) == 2 * 6 and infos[5]["batch"] == infos[5]["batches"] == 6


def test_callback_function_stops_a_fit_with_callbacks():
    x, labels = blobs()
    with clf() as m:
        h = m.fit(x, labels, epochs=5, batch_size=8, verbose=0, callbacks=[Recorder()],
                  callback=lambda info: info["epoch"] == 2 and info["batch"] == 3)
        assert h.stopped and len(h.history["loss"]) == 1


def test_early_stopping_patience_and_restore_best_weights():
    x, labels = blobs()
    flipped = [(c + 1) % CLASSES for c in labels]  # validation labels training gets worse on
    rec = Recorder()
    es = entrena.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    with clf() as m:
        h = m.fit(x, labels, epochs=100, batch_size=8, validation_data=(x, flipped), verbose=0,
                  callbacks=[rec, es])
        val = h.history["val_loss"]
        assert es.stopped_epoch == len(val) - 1 < 99 and h.stopped
        best = min(range(len(val)), key=val.__getitem__)
        assert es.best_epoch == best and es.best == val[best]
        assert len(val) - 1 - best == 2  # patience epochs without improvement, then stop
        assert flat(m.get_params()) == rec.params_at[best]
    # no improvement of more than min_delta: stops after patience + 1 epochs
    with clf(optimizer=entrena.SGD(lr=1e-9)) as m:
        es = entrena.callbacks.EarlyStopping(monitor="loss", patience=3, min_delta=0.5)
        h = m.fit(x, labels, epochs=50, batch_size=8, verbose=0, callbacks=[es])
        assert len(h.history["loss"]) == 4 and es.stopped_epoch == 3
        # a monitor not in the logs is a warning, not a silent no-op
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m.fit(x, labels, epochs=2, verbose=0,
                  callbacks=[entrena.callbacks.EarlyStopping(monitor="val_accuracy")])
        assert any("val_accuracy" in str(e.message) for e in w)


def test_early_stopping_mode_max_for_accuracy():
    x, labels = blobs()
    es = entrena.callbacks.EarlyStopping(monitor="val_accuracy", patience=1)
    with clf(metrics=["accuracy"]) as m:
        m.fit(x, labels, epochs=60, batch_size=8, validation_split=0.25, verbose=0, callbacks=[es])
        assert es.best == max(m.history.history["val_accuracy"])


def test_model_checkpoint(tmp_path):
    x, labels = blobs()
    flipped = [(c + 1) % CLASSES for c in labels]
    rec = Recorder()
    path = str(tmp_path / "best.entrena")
    every = str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.3f}.entrena")
    with clf() as m:
        h = m.fit(x, labels, epochs=8, batch_size=8, validation_data=(x, flipped), verbose=0,
                  callbacks=[rec, entrena.callbacks.ModelCheckpoint(path, save_best_only=True),
                             entrena.callbacks.ModelCheckpoint(every)])
    val = h.history["val_loss"]
    best = min(range(len(val)), key=val.__getitem__)
    with entrena.load_model(path) as saved:
        assert flat(saved.get_params()) == rec.params_at[best]
    names = sorted(os.listdir(str(tmp_path)))
    assert len(names) == 9 and names[0] == "best.entrena"
    assert names[1] == "ckpt-01-%.3f.entrena" % val[0]
    with entrena.load_model(str(tmp_path / names[-1])) as last:
        assert flat(last.get_params()) == rec.params_at[-1]


def test_learning_rate_scheduler():
    x, labels = blobs()
    seen = []

    def schedule(epoch, lr):
        seen.append(lr)
        return 0.1 / (epoch + 1)
    with clf() as m:
        h = m.fit(x, labels, epochs=3, verbose=0,
                  callbacks=[entrena.callbacks.LearningRateScheduler(schedule)])
        assert h.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.1 / 3])
        assert seen[0] == pytest.approx(0.05) and seen[1:] == pytest.approx([0.1, 0.05])
        assert m.learning_rate == pytest.approx(0.1 / 3)
        m.fit(x, labels, epochs=1, verbose=0,
              callbacks=[entrena.callbacks.LearningRateScheduler(lambda epoch: 0.25)])
        assert m.learning_rate == 0.25


# ----------------------------------------------------- compile, predict, summary


def test_compile_later_and_build_from_x():
    x, labels = blobs(samples=12)
    rows = [list(x[i * 4:(i + 1) * 4]) for i in range(12)]
    m = entrena.Sequential([entrena.layers.Dense(6, activation="tanh"),
                            entrena.layers.Dense(CLASSES, activation="softmax")])
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    assert m.closed  # nothing is built before the inputs are known
    h = m.fit(rows, labels, epochs=2, batch_size=64, verbose=0)
    assert m.max_batch == 64  # max_batch follows the fit's batch
    assert m.inputs == 4 and m.optimizer == "adam" and list(h.history) == ["loss", "accuracy"]
    m.close()
    # inputs given, loss later: the model is built with a provisional loss and
    # compile keeps its weights
    with entrena.Sequential([entrena.Dense(6, "tanh"), entrena.Dense(CLASSES, "softmax")],
                            inputs=4, seed=5) as m:
        w = flat(m.get_params())
        m.compile(optimizer=entrena.optimizers.SGD(learning_rate=0.2), loss="categorical_crossentropy")
        assert flat(m.get_params()) == w and (m.loss, m.optimizer) == ("cce", "sgd")
        assert m.learning_rate == pytest.approx(0.2)
    # Input / Flatten / input_shape give the inputs, as in Keras
    for first in ([entrena.Input(shape=(2, 2))], [entrena.Flatten(input_shape=(2, 2))],
                  [entrena.Input(shape=(4,)), entrena.layers.Flatten()]):
        with entrena.Sequential(first + [entrena.Dense(CLASSES, "softmax")]) as m:
            assert m.inputs == 4 and len(m.layers) == 1
    with entrena.Sequential([entrena.Dense(3, "relu", input_shape=(4,)), entrena.Dense(1)]) as m:
        assert m.inputs == 4 and m.layers[-1].activation == "linear"  # Keras's default
    assert entrena.Dense(2, activation=None).activation == "linear"
    m = entrena.Sequential()
    m.add(entrena.Input(shape=(4,)))
    m.add(entrena.Dense(CLASSES, "softmax"))
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    assert m.inputs == 4 and m.optimizer == "sgd"
    with pytest.raises(entrena.SpecError, match="already built"):
        m.add(entrena.Dense(2))
    m.close()
    with pytest.raises(entrena.SpecError, match="optimizer"):
        entrena.Sequential([entrena.Dense(1)]).compile(optimizer="adagrad", loss="mse")


def test_build_from_numpy_images(np):
    x = np.random.default_rng(0).random((8, 2, 3)).astype(np.float32)
    m = entrena.Sequential([entrena.Dense(2, "softmax")])
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    m.fit(x, np.arange(8) % 2, epochs=1, verbose=0)
    assert m.inputs == 6
    m.close()


def test_predict_one_sample_of_any_shape(np):
    with entrena.Sequential([entrena.Dense(3, "softmax")], inputs=6, loss="cce") as m:
        img = np.arange(6, dtype=np.float32).reshape(2, 3) / 6
        row = m.predict(img.reshape(1, 6))
        assert m.predict(img).shape == (1, 3)
        assert m.predict(img).tolist() == row.tolist()
        assert m.predict(img.astype(np.float64)).tolist() == row.tolist()
        assert m.predict(img.tolist()).tolist() == row.tolist()
        with pytest.raises(entrena.ShapeError):
            m.predict(np.zeros((2, 4), np.float32))  # 8 values: neither rows of 6 nor one sample


def test_predict_one_nested_sample_without_numpy():
    with entrena.Sequential([entrena.Dense(3, "softmax")], inputs=6, loss="cce") as m:
        flat_row = flat(m.predict([0.0, 0.1, 0.2, 0.3, 0.4, 0.5]))
        assert flat(m.predict([[0.0, 0.1, 0.2], [0.3, 0.4, 0.5]])) == flat_row


def test_summary_prints_a_table(capsys):
    with clf() as m:
        assert m.summary() is None
    out = capsys.readouterr().out
    assert "Layer (type)" in out and "Output Shape" in out and "Param #" in out
    assert "(None, 6)" in out and "(None, 3)" in out
    assert "30" in out and "21" in out and "Total params: 51" in out
    lines = []
    entrena.Sequential([entrena.Dense(4)]).summary(print_fn=lines.append)
    assert any("not built" in line for line in lines)


def test_fit_progress_line_with_metrics(capsys):
    x, labels = blobs()
    with clf(metrics=["accuracy"]) as m:
        m.fit(x, labels, epochs=2, batch_size=8, validation_split=0.2, verbose=2)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 2 and all("ETA" not in line and "cost" not in line for line in out)
    assert " - loss " in out[1] and " - accuracy " in out[1] and " - val_accuracy " in out[1]


def test_keras_names_importable_as_keras():
    keras = entrena
    assert keras.layers.Dense is entrena.Dense
    assert keras.optimizers.Adam is entrena.Adam and keras.optimizers.SGD is entrena.SGD
    assert keras.utils.to_categorical is entrena.to_categorical
    assert keras.models.load_model is entrena.load_model
    for name in ("Callback", "EarlyStopping", "ModelCheckpoint", "LearningRateScheduler"):
        assert getattr(keras.callbacks, name) is getattr(entrena, name)


# ---------------------------------------------------------- a Keras script


def test_keras_style_example_runs_unchanged(np, tmp_path):
    """examples/keras_style.py: integer labels, validation_split,
    EarlyStopping, ModelCheckpoint, batch_size 128, metrics, an L2
    kernel_regularizer, Dropout and "rmsprop", on synthetic images; only its
    import differs from Keras."""
    script = os.path.join(REPO, "bindings", "python", "examples", "keras_style.py")
    ckpt = str(tmp_path / "best.entrena")
    r = subprocess.run([sys.executable, script, "--epochs", "12", "--samples", "1500",
                        "--checkpoint", ckpt, "--min-accuracy", "0.8"],
                       capture_output=True, text=True, timeout=300, env=child_env())
    assert r.returncode == 0, r.stdout + r.stderr
    assert "history keys: ['accuracy', 'loss', 'val_accuracy', 'val_loss']" in r.stdout
    assert "Epoch  1/12 [" in r.stdout and "Total params: 101,770" in r.stdout
    with open(script) as f:
        text = f.read()
    keras_part = text.split("# ---- Keras:")[1].split("# ---- end of the Keras part")[0]
    assert "entrena" not in keras_part  # nothing but Keras's own names
    with entrena.load_model(ckpt) as m:
        assert (m.inputs, m.outputs) == (784, 10)
        assert m.optimizer == "rmsprop" and m.layers[0].dropout == pytest.approx(0.2)
        assert m.layers[0].l2 == pytest.approx(1e-4)


def test_growing_keeps_the_learning_rate_set_since_compile():
    x, labels = blobs()
    with clf(max_batch=4) as m:
        m.learning_rate = 0.125
        m.fit(x, labels, batch_size=16, epochs=1, verbose=0)
        assert m.max_batch == 16 and m.learning_rate == 0.125
        m.compile(optimizer=entrena.Adam(learning_rate=0.01))  # compile: its optimizer's rate
        assert m.learning_rate == pytest.approx(0.01) and m.max_batch == 16
    with clf(learning_rate=0.3) as m:
        assert m.learning_rate == pytest.approx(0.3)
        m.compile(optimizer=entrena.Adam(learning_rate=0.01))
        assert m.learning_rate == pytest.approx(0.01)


def test_initial_epoch():
    x, labels = blobs()
    with clf() as m:
        h = m.fit(x, labels, epochs=5, initial_epoch=3, verbose=0)
        assert h.epoch == [3, 4] and len(h.history["loss"]) == 2


def test_epoch_by_epoch_fit_matches_a_plain_fit():
    """A fit with callbacks runs one library fit per epoch: without
    shuffling, the same keys and the same numbers as one fit of all epochs.
    With shuffling each epoch's order differs from a single fit's (every
    library fit starts from the identity order), the same for the same seed."""
    shuffle = False
    x, labels = blobs()
    with clf() as a, clf() as b:
        ha = a.fit(x, labels, epochs=4, batch_size=8, shuffle=shuffle, validation_split=0.2,
                   verbose=0)
        hb = b.fit(x, labels, epochs=4, batch_size=8, shuffle=shuffle, validation_split=0.2,
                   verbose=0, callbacks=[entrena.callbacks.Callback()])
        assert ha.history == hb.history and list(hb.history) == ["loss", "val_loss", "val_accuracy"]
        assert bits(flat(a.get_params())) == bits(flat(b.get_params()))
    runs = []
    for _ in range(2):
        with clf() as m:
            runs.append(m.fit(x, labels, epochs=3, batch_size=8, seed=9, verbose=0,
                              callbacks=[entrena.callbacks.Callback()]).history)
    assert runs[0] == runs[1]
    xs = array.array("f", [i / 20 for i in range(40)])
    ys = array.array("f", [3 * i / 20 + 1 for i in range(40)])
    hs = []
    for cbs in (None, [entrena.callbacks.Callback()]):
        with entrena.Sequential([entrena.Dense(8, "tanh"), entrena.Dense(1, "linear")], inputs=1,
                                loss="mse", optimizer="adam", max_batch=8) as m:
            hs.append(m.fit(xs, ys, epochs=3, batch_size=8, shuffle=shuffle,
                            validation_data=(xs, ys), verbose=0, callbacks=cbs).history)
    assert hs[0] == hs[1] and set(hs[1]) == {"loss", "val_loss", "val_rmse", "val_r2"}
