"""The Keras-like API: every call and every error path (with or without numpy)."""

import array
import errno
import gc
import math
import pickle
import struct
import weakref

import pytest

import entrena
from conftest import flat, xor_data, xor_model


def test_construct_properties_summary(capsys):
    with xor_model() as m:
        assert (m.inputs, m.outputs, m.max_batch) == (2, 1, 4)
        assert m.layers == [entrena.Dense(4, "sigmoid"), entrena.Dense(1, "sigmoid")]
        assert m.count_params() == 2 * 4 + 4 + 4 + 1
        assert (m.loss, m.optimizer) == ("mse", "sgd")
        assert m.learning_rate == 2.0
        m.learning_rate = 0.5
        assert m.learning_rate == 0.5
        m.set_threads(1)
        m.set_threads(None)
        assert m.summary() is None
        assert "Total params: 17" in capsys.readouterr().out
        assert "2 -> 4 sigmoid -> 1 sigmoid" in repr(m)


def test_thread_stats():
    with xor_model(threads=1) as m:
        s = m.thread_stats()
        assert isinstance(s, entrena.ThreadStats) and s.cores >= 1
        assert (s.threads, s.in_use, s.reason, str(s)) == (1, 1, "", "1 of 1 threads")
        # One thread more than the process can use: the cores are used, and
        # the reason says what limits them.
        m.set_threads(s.cores + 1)
        s = m.thread_stats()
        assert (s.threads, s.in_use) == (s.cores + 1, s.cores)
        assert s.reason.startswith("this process can use %d core" % s.cores)
        assert str(s) == "%d of %d threads (%s)" % (s.cores, s.cores + 1, s.reason)
        m.set_threads(None)
        s = m.thread_stats()
        assert (s.threads, s.in_use, s.reason) == (s.cores, s.cores, "")
    with pytest.raises(entrena.HandleError):
        m.thread_stats()


def test_optimizers_and_compile():
    layers = [entrena.Dense(3, "relu"), entrena.Dense(2, "softmax")]
    for opt, name in ((entrena.Adam(lr=0.01), "adam"), ("adam", "adam"), ("momentum", "momentum"),
                      (entrena.SGD(lr=0.3, momentum=0.8), "momentum"), ("sgd", "sgd")):
        with entrena.Sequential(layers, inputs=4, loss="cce", optimizer=opt) as m:
            assert m.optimizer == name
    m = entrena.Sequential(layers)
    assert m.closed
    with pytest.raises(entrena.HandleError):
        m.predict([0, 0, 0, 0])
    m.compile(optimizer="adam", loss="categorical_crossentropy", inputs=4, learning_rate=0.02)
    assert (m.loss, m.optimizer, m.inputs) == ("cce", "adam", 4)
    assert abs(m.learning_rate - 0.02) < 1e-7
    m.close()


def test_spec_errors():
    with pytest.raises(entrena.SpecError):
        entrena.Dense(3, "swish")
    with pytest.raises(entrena.SpecError):
        entrena.Sequential([entrena.Dense(1)], inputs=2, loss="hinge")
    with pytest.raises(entrena.SpecError):
        entrena.Sequential([entrena.Dense(1)], inputs=2, optimizer="adagrad")
    with pytest.raises(entrena.SpecError):
        entrena.Sequential([], inputs=2)
    with pytest.raises(entrena.SpecError, match="inputs are unknown"):
        # compiled without inputs, and a flat x cannot say them
        entrena.Sequential([entrena.Dense(1)]).compile().fit([0.0, 1.0], [1.0], verbose=0)
    # from the library, with its message
    with pytest.raises(entrena.SpecError) as e:
        entrena.Sequential([entrena.Dense(0)], inputs=2)
    assert e.value.function == "entrena_create" and "unit" in str(e.value).lower()
    with pytest.raises(entrena.SpecError):  # softmax needs cce
        entrena.Sequential([entrena.Dense(2, "softmax")], inputs=2, loss="mse")
    with pytest.raises(entrena.SpecError):
        xor_model(learning_rate=-1)
    with xor_model() as m, pytest.raises(entrena.SpecError):
        m.learning_rate = float("nan")


def test_fit_xor_matches_seed_chapter():
    x, y = xor_data()
    with xor_model() as m:
        h = m.fit(x, y, epochs=1000, batch_size=4, shuffle=False, verbose=0)
        assert len(h.cost) == 1000 and h.epoch == list(range(1000))
        assert h.history["loss"] is h.cost and not h.stopped
        assert h.cost[-1] < h.cost[0] and h.cost[-1] < 0.01
        assert m.history is h
        out = flat(m.predict(x))
        assert [round(v) for v in out] == [0, 1, 1, 0]
        loss, acc = m.evaluate(x, y)
        assert acc == 1.0 and loss < 0.01
        assert m.cost_history() == pytest.approx(h.cost)


def test_fit_validation_learning_rate_and_callback():
    x, y = xor_data()
    seen = []
    with xor_model() as m:
        h = m.fit(x, y, epochs=3, batch_size=2, learning_rate=1.5, validation_data=(x, y),
                  verbose=0, callback=seen.append)
        assert m.learning_rate == 1.5
        assert len(h.history["val_loss"]) == 3 and len(h.history["val_accuracy"]) == 3
        batches = [s for s in seen if not s["epoch_done"]]
        ends = [s for s in seen if s["epoch_done"]]
        # after every batch but the last of an epoch, whose report is the epoch_done one
        assert len(batches) == 3 and len(ends) == 3
        assert ends[-1]["val_loss"] == h.history["val_loss"][-1]
        assert ends[0]["epochs"] == 3 and ends[0]["batches"] == 2


def test_callback_stop_returns_partial_history():
    x, y = xor_data()
    with xor_model() as m:
        h = m.fit(x, y, epochs=50, batch_size=4, verbose=0,
                  callback=lambda p: p["epoch_done"] and p["epoch"] == 5)
        assert h.stopped and len(h.cost) == 5
        m.fit(x, y, epochs=1, verbose=0)  # usable


def test_callback_exception_is_reraised():
    x, y = xor_data()

    def boom(p):
        raise RuntimeError("from callback")
    with xor_model() as m:
        with pytest.raises(RuntimeError, match="from callback"):
            m.fit(x, y, epochs=3, verbose=0, callback=boom)
        m.predict(x)


def test_busy_error_when_callback_calls_the_model():
    x, y = xor_data()
    got = []
    with xor_model() as m:
        def cb(p):
            for call in (lambda: m.predict(x), m.thread_stats):
                try:
                    call()
                except entrena.BusyError as e:
                    got.append(e)
            return True
        m.fit(x, y, epochs=2, verbose=0, callback=cb)
        assert len(got) == 2 and all(e.status == 11 for e in got)
        assert got[1].function == "entrena_thread_stats"


def test_busy_error_from_the_numpy_predict_fast_path(np):
    x, y = xor_data()
    x1 = np.frombuffer(x, dtype=np.float32).reshape(4, 2)[:1].copy()
    got = []
    with xor_model() as m:
        def cb(p):
            for out in (None, np.empty((1, 1), dtype=np.float32)):
                try:
                    m.predict(x1, out=out)
                except entrena.BusyError as e:
                    got.append(e)
            return True
        m.fit(x, y, epochs=2, verbose=0, callback=cb)
        assert len(got) == 2 and all(e.status == 11 and "busy" in str(e) for e in got)


def test_seeded_shuffle_is_reproducible():
    x, y = xor_data()
    runs = []
    for _ in range(2):
        with xor_model() as m:
            h = m.fit(x, y, epochs=4, batch_size=2, seed=42, verbose=0)
            runs.append((list(h.cost), flat(m.get_params())))
    assert runs[0] == runs[1] and len(runs[0][0]) == 4
    with xor_model() as m:  # another seed, another order
        other = m.fit(x, y, epochs=4, batch_size=2, seed=43, verbose=0).cost
    assert list(other) != runs[0][0]
    with xor_model() as m:  # the network's own RNG gives the same across runs too
        a = m.fit(x, y, epochs=4, batch_size=2, verbose=0).cost
    with xor_model() as m:
        assert m.fit(x, y, epochs=4, batch_size=2, verbose=0).cost == a


def test_train_on_batch():
    x, y = xor_data()
    with xor_model() as m:
        c0 = m.train_on_batch(x, y)
        for _ in range(200):
            c = m.train_on_batch(x, y)
        assert c < c0
        with pytest.raises(entrena.ShapeError):  # more than max_batch samples
            m.train_on_batch(list(x) * 2, list(y) * 2)


def test_verbose_progress_lines(capsys):
    x, y = xor_data()
    with xor_model() as m:
        m.fit(x, y, epochs=3, batch_size=2, verbose=1, validation_data=(x, y))
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 3
    assert out[0].startswith("Epoch 1/3 [") and "loss " in out[0] and "cost" not in out[0]
    assert all("ETA" not in line for line in out)  # finished epochs show no ETA
    assert "val_loss" in out[2]
    with xor_model() as m:
        m.fit(x, y, epochs=2, verbose=2)
    assert len(capsys.readouterr().out.strip().splitlines()) == 2


def test_progress_bar_live_redraw():
    import io
    from entrena._progress import ProgressBar

    class TTY(io.StringIO):
        def isatty(self):
            return True
    s = TTY()
    b = ProgressBar(2, 1, s)
    b.batch(1, 1, 4, 0.5, 0.1)
    b.epoch_end(1, 4, 0.25, 0.4)
    text = s.getvalue()
    assert text.startswith("\r") and "ETA" in text and text.endswith("\n")
    assert "ETA" not in text.split("\r")[-1]  # the finished epoch's line


def test_shape_errors():
    x, y = xor_data()
    with xor_model() as m:
        with pytest.raises(entrena.ShapeError):
            m.predict([0.0, 1.0, 2.0])  # not a whole number of rows of 2
        with pytest.raises(entrena.ShapeError):
            m.predict([[0.0, 1.0, 2.0]])  # 3 columns
        with pytest.raises(entrena.ShapeError):
            m.fit(x, [0.0, 1.0], verbose=0)  # 4 samples vs 2
        with pytest.raises(entrena.ShapeError):
            m.predict([])  # zero samples: from the library
        with pytest.raises(entrena.ShapeError):
            m.set_params([0.0] * 16)
        with pytest.raises(entrena.ShapeError):
            m.set_weights([[0.0]])
        with pytest.raises(entrena.ShapeError):
            m.predict(None)


def test_data_errors_nan_inf():
    x, y = xor_data()
    with xor_model() as m:
        before = flat(m.get_params())
        bad = array.array("f", x)
        bad[3] = float("nan")
        with pytest.raises(entrena.DataError) as e:
            m.fit(bad, y, verbose=0)
        assert "NaN" in str(e.value) or "nan" in str(e.value).lower()
        with pytest.raises(entrena.DataError):
            m.train_on_batch(x, [0, 1, float("inf"), 0])
        with pytest.raises(entrena.DataError):
            m.set_params([float("nan")] * m.count_params())
        assert flat(m.get_params()) == before


def test_diverged_restores_weights():
    x = [1e3, -1e3, 2e3, 5e2] * 8
    y = [1e4, -1e4] * 8
    with entrena.Sequential([entrena.Dense(8, "linear"), entrena.Dense(1, "linear")], inputs=2,
                            optimizer=entrena.SGD(lr=1e3), max_batch=4) as m:
        with pytest.raises(entrena.DivergedError) as e:
            m.fit(x, y, epochs=50, batch_size=4, verbose=0)
        assert e.value.status == 5 and isinstance(e.value.history, entrena.History)
        assert all(math.isfinite(v) for v in flat(m.get_params()))


def test_params_and_weights_round_trip():
    with xor_model() as m:
        p = m.get_params()
        assert len(flat(p)) == 17
        w = m.get_weights()
        assert len(w) == 4
        m2 = xor_model(seed=99)
        assert flat(m2.get_params()) != flat(p)
        m2.set_weights(w)
        assert flat(m2.get_params()) == flat(p)
        m2.set_params([0.25] * 17)
        assert flat(m2.get_params()) == [0.25] * 17
        dst = array.array("f", bytes(4 * 20))
        assert m.get_params(out=dst) is dst
        assert list(dst[:17]) == flat(p)
        with pytest.raises(TypeError):
            m.get_params(out=array.array("d", [0.0] * 17))
        with pytest.raises(entrena.ShapeError):
            m.get_params(out=array.array("f", [0.0] * 3))
        with pytest.raises(TypeError):
            m.get_params(out=b"\0" * 68)
        with pytest.raises(TypeError):
            m.get_params(out=object())
        m2.close()


def test_save_load_file_and_bytes(tmp_path):
    x, y = xor_data()
    with xor_model() as m:
        m.fit(x, y, epochs=200, batch_size=4, verbose=0)
        path = tmp_path / "xor.entrena"
        m.save(path)
        m.save(str(tmp_path / "xor2.entrena"))
        data = m.to_bytes()
        assert data[:8] == b"ENTRENA\0" and len(data) == path.stat().st_size
        assert path.read_bytes() == data
        want = flat(m.predict(x))
        for m2 in (entrena.load_model(path), entrena.Sequential.load(str(path)),
                   entrena.from_bytes(data), entrena.from_bytes(bytearray(data)),
                   entrena.from_bytes(memoryview(data)), pickle.loads(pickle.dumps(m))):
            with m2:
                assert flat(m2.predict(x)) == want
                assert m2.layers == m.layers and m2.inputs == 2 and m2.loss == "mse"
                assert flat(m2.get_params()) == flat(m.get_params())
                m2.fit(x, y, epochs=1, verbose=0)  # trainable after load


def test_model_file_errors(tmp_path):
    with xor_model() as m:
        data = bytearray(m.to_bytes())
        with pytest.raises(entrena.EntrenaIOError) as e:
            m.save(tmp_path / "missing" / "dir" / "m.entrena")
        assert isinstance(e.value, OSError)
        assert e.value.errno == errno.ENOENT and "m.entrena" in str(e.value)
    with pytest.raises(entrena.EntrenaIOError) as e:
        entrena.load_model(tmp_path / "nope.entrena")
    assert e.value.errno == errno.ENOENT
    with pytest.raises(entrena.ModelError):
        entrena.from_bytes(b"not a model at all")
    corrupt = bytearray(data)
    corrupt[30] ^= 0xFF
    with pytest.raises(entrena.ModelError) as e:
        entrena.from_bytes(corrupt)
    assert "checksum" in str(e.value)
    with pytest.raises(entrena.ModelError):
        entrena.from_bytes(data[:-10])
    newer = bytearray(data)
    struct.pack_into("<I", newer, 8, 4)
    with pytest.raises(entrena.VersionError) as e:
        entrena.from_bytes(newer)
    assert "version 4" in str(e.value)
    (tmp_path / "newer.entrena").write_bytes(newer)
    with pytest.raises(entrena.VersionError):
        entrena.load_model(tmp_path / "newer.entrena")


def test_close_is_idempotent_and_finalizer_cannot_double_free():
    m = xor_model()
    h = m._handle
    m.close()
    m.close()
    assert m.closed and "closed" in repr(m)
    with pytest.raises(entrena.HandleError):
        m.predict([0, 0])
    with pytest.raises(entrena.HandleError):  # the library saw the handle destroyed
        entrena._lib.destroy(h)
    # garbage collection closes an unclosed model exactly once
    m = xor_model()
    h = m._handle
    r = weakref.ref(m)
    del m
    gc.collect()
    assert r() is None
    with pytest.raises(entrena.HandleError):
        entrena._lib.destroy(h)
    with xor_model() as m:
        pass
    assert m.closed
    m.close()


def test_many_models_no_leak_of_handles():
    for _ in range(200):
        with xor_model() as m:
            m.predict([0, 1])


def test_to_categorical():
    oh = entrena.to_categorical([2, 0, 1], 3)
    assert flat(oh) == [0, 0, 1, 1, 0, 0, 0, 1, 0]


def test_threads_gil_released():
    """Two Python threads train separate models at once (ctypes drops the GIL)."""
    import threading
    x, y = xor_data()
    results = {}

    def work(i):
        with xor_model(seed=1, threads=1) as m:
            results[i] = m.fit(x, y, epochs=300, batch_size=4, shuffle=False, verbose=0).cost[-1]
    ts = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert len(set(results.values())) == 1 and len(results) == 3


def test_plot_history(tmp_path, monkeypatch):
    x, y = xor_data()
    with xor_model() as m:
        h = m.fit(x, y, epochs=5, verbose=0, validation_data=(x, y))
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pip install matplotlib"):
            entrena.plot_history(h, tmp_path / "c.png")
    else:
        p = tmp_path / "c.png"
        entrena.plot_history(h, p)
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        entrena.plot_history({"a": h, "b": h}, tmp_path / "d.png")
    import sys
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        entrena.plot_history(h, tmp_path / "e.png")


def test_adam_zero_hyperparameters_mean_zero():
    """Adam(beta1=0.0) asks for an actual 0, not the library's default 0.9;
    the model file keeps it (as -0.0, the C API's explicit zero)."""
    def beta1_of(opt):
        with entrena.Sequential([entrena.Dense(3, "tanh"), entrena.Dense(1, "sigmoid")], inputs=2,
                                optimizer=opt) as m:
            data = m.to_bytes()
        off = 8 + 4 + 4 + 4 + 8 * 2 + 4 + 4 + 4  # header to beta1 (docs/MODEL_FORMAT.md)
        return struct.unpack_from("<f", data, off)[0]

    zero = beta1_of(entrena.Adam(beta1=0.0))
    assert zero == 0.0 and math.copysign(1.0, zero) < 0
    assert beta1_of(entrena.Adam()) == pytest.approx(0.9)


def test_rebuilt_loaded_model_keeps_its_optimizer():
    """Growing a loaded model's batch rebuilds its network: the optimizer's
    hyper-parameters are the model's, not the defaults of its name."""
    x = [[((3 * i + j) % 7) / 7 for j in range(5)] for i in range(64)]
    y = [sum(r) for r in x]
    for opt in (entrena.SGD(lr=0.01, momentum=0.5), entrena.Adam(lr=0.01, beta1=0.5, beta2=0.9),
                entrena.RMSprop(learning_rate=0.01, rho=0.5), entrena.Adam(lr=0.01, beta1=0.0)):
        def make():
            return entrena.Sequential([entrena.Dense(8, "tanh"), entrena.Dense(1)], inputs=5,
                                      loss="mse", optimizer=opt, max_batch=16, threads=1)
        with make() as built:
            blob = built.to_bytes()
            want = built.fit(x, y, epochs=2, batch_size=32, shuffle=False, verbose=0).history
        with entrena.from_bytes(blob) as loaded:
            assert loaded.fit(x, y, epochs=2, batch_size=32, shuffle=False, verbose=0).history == want, opt


def test_close_from_a_fit_callback_is_busy():
    """The library keeps a network in the middle of its fit: close() says so
    and the model stays usable (it used to drop the handle and leak it)."""
    x, y = xor_data()
    with xor_model() as m:
        errors = []

        def cb(info):
            try:
                m.close()
            except entrena.BusyError as e:
                errors.append(e)
            return True
        m.fit(x, y, epochs=1, batch_size=2, verbose=0, callback=cb)
        assert errors and not m.closed
        assert len(flat(m.predict([0, 1]))) == 1
    assert m.closed


def test_set_weights_checks_shapes(np):
    with entrena.Sequential([entrena.Dense(4, "tanh"), entrena.Dense(2)], inputs=3) as m:
        w0, b0, w1, b1 = m.get_weights()
        with pytest.raises(entrena.ShapeError, match=r"weights\[0\] has shape \(3, 4\).*transpose"):
            m.set_weights([w0.T, b0, w1.T, b1])
        with pytest.raises(entrena.ShapeError, match=r"weights\[0\] has shape \(2, 6\)"):
            m.set_weights([w0.reshape(2, 6), b0, w1, b1])
        with pytest.raises(entrena.ShapeError, match=r"weights\[2\]"):
            m.set_weights([w0, b0, w1.tolist()[::-1][:1] * 4, b1])
        m.set_weights([w0 * 2, b0, w1, b1])
        assert np.array_equal(m.get_weights()[0], w0 * 2)
        m.set_weights([w0.ravel(), b0, w1.ravel().tolist(), b1])  # flat data: counted only
        assert np.array_equal(m.get_weights()[0], w0)


def test_validation_data_must_hold_samples():
    x, y = xor_data()
    with xor_model() as m:
        with pytest.raises(entrena.ShapeError, match="no samples"):
            m.fit(x, y, epochs=1, verbose=0, validation_data=([], []))
        with pytest.raises(ValueError, match="sample weights"):
            m.fit(x, y, epochs=1, verbose=0, validation_data=(x, y, [1, 1, 1, 1]))
        assert m.cost_history() == []


def test_integers_past_int32_are_spec_errors():
    """ctypes keeps an int's low 32 bits: 2**32 + 1 units made a 1-unit layer."""
    x, y = xor_data()
    with pytest.raises(entrena.SpecError, match="units 4294967297"):
        entrena.Sequential([entrena.Dense(2 ** 32 + 1)], inputs=3)
    with pytest.raises(entrena.SpecError, match="inputs"):
        entrena.Sequential([entrena.Dense(2)], inputs=2 ** 32 + 2)
    with xor_model() as m:
        with pytest.raises(entrena.SpecError, match="threads"):
            m.set_threads(2 ** 40)
        with pytest.raises(entrena.SpecError, match="batch_size 2147483648"):
            m.fit(x, y, batch_size=2 ** 31, verbose=0)
        with pytest.raises(entrena.SpecError, match="epochs"):
            m.fit(x, y, epochs=2 ** 32 + 1, verbose=0)
        assert m.cost_history() == []


def test_compile_while_another_thread_predicts():
    """compile rebuilds the network: a thread predicting meanwhile never
    sees the model closed."""
    import threading
    m = entrena.Sequential([entrena.Dense(32, "relu"), entrena.Dense(1)], inputs=20, loss="mse",
                           threads=1)
    errors, stop = [], threading.Event()

    def predict_loop():
        while not stop.is_set():
            try:
                m.predict([0.0] * 20)
            except Exception as e:  # noqa: BLE001 - counted
                errors.append(e)
    t = threading.Thread(target=predict_loop)
    t.start()
    try:
        for _ in range(50):
            m.compile(optimizer="adam")
    finally:
        stop.set()
        t.join()
        m.close()
    assert errors == []


def test_to_categorical_checks_labels():
    assert flat(entrena.to_categorical([2, 0, 1])) == [0, 0, 1, 1, 0, 0, 0, 1, 0]
    assert flat(entrena.to_categorical([1.0, 0.0], 2)) == [0, 1, 1, 0]
    for labels, n in (([3, 0], 3), ([-1, 0], 3), ([0.5], 2)):
        with pytest.raises(entrena.DataError):
            entrena.to_categorical(labels, n)
