"""What reaches C: zero-copy proofs, one-time conversions, shapes, the no-numpy paths."""

import array
import ctypes

import pytest

import entrena
from entrena import _buffers
from conftest import flat, xor_data, xor_model


def _addr(F):
    return F.addr


def test_numpy_float32_c_contiguous_is_zero_copy(np):
    a = np.arange(8, dtype=np.float32).reshape(4, 2)
    F = _buffers.floats_in(a, 2, "x")
    assert _addr(F) == a.ctypes.data and not F.copied and F.samples == 4
    # read-only arrays are read in place too
    a.flags.writeable = False
    assert _addr(_buffers.floats_in(a, 2, "x")) == a.ctypes.data


def test_zero_copy_observed_by_the_model(np):
    """The model reads the caller's memory: mutating the array between calls
    changes the prediction, with no re-conversion in between."""
    with xor_model() as m:
        x = np.zeros((1, 2), dtype=np.float32)
        p0 = m.predict(x)[0, 0]
        x[0, 0] = 1.0  # mutate in place
        p1 = m.predict(x)[0, 0]
        assert p0 != p1
        assert p1 == m.predict(np.array([[1.0, 0.0]], dtype=np.float32))[0, 0]


def test_params_written_into_numpy_destination(np):
    with xor_model() as m:
        dst = np.full(17, -1.0, dtype=np.float32)
        assert m.get_params(out=dst) is dst
        assert (dst != -1.0).all()
        out = np.empty((4, 1), dtype=np.float32)
        x, _ = xor_data()
        assert m.predict(np.frombuffer(x, dtype=np.float32).reshape(4, 2), out=out) is out
        with pytest.raises(TypeError):
            m.get_params(out=np.zeros(17, dtype=np.float64))
        with pytest.raises(TypeError):
            m.get_params(out=np.zeros(34, dtype=np.float32)[::2])
        ro = np.zeros(17, dtype=np.float32)
        ro.flags.writeable = False
        with pytest.raises(TypeError):
            m.get_params(out=ro)
        with pytest.raises(entrena.ShapeError):
            m.get_params(out=np.zeros(3, dtype=np.float32))


def test_data_pointer_is_the_array_address(np):
    """The address read from the array object (predict's fast path and every
    numpy input) is numpy's own, for arrays, views and read-only arrays."""
    import platform
    if platform.python_implementation() == "CPython":
        assert _buffers._DATA_OFFSET is not None  # the fast variant is the one tested
    base = np.arange(30, dtype=np.float32)
    ro = base[4:10].reshape(2, 3)
    ro.flags.writeable = False
    for a in (base, base[7:], base.reshape(5, 6)[2:], ro, np.empty((1, 784), np.float32)):
        assert _buffers.data_address(a) == a.ctypes.data
        assert _buffers.data_pointer(a).value == a.ctypes.data


def test_predict_fast_path_in_and_out(np):
    """Single-sample and batch predict on C-contiguous float32 arrays, with
    and without out=: the same results as the general path, out= written in
    place, and every rejected out= still rejected."""
    x, _ = xor_data()
    with xor_model() as m:
        want = flat(m.predict(list(x)))  # the general path (a list)
        x2 = np.frombuffer(x, dtype=np.float32).reshape(4, 2).copy()
        assert flat(m.predict(x2)) == want
        for i in range(4):
            r = m.predict(x2[i:i + 1])
            assert r.shape == (1, 1) and r.dtype == np.float32 and flat(r) == want[i:i + 1]
            out = np.full((1, 1), -1.0, dtype=np.float32)
            assert m.predict(x2[i:i + 1], out=out) is out and flat(out) == want[i:i + 1]
        big = np.full(7, -1.0, dtype=np.float32)  # larger than needed: the first 4 written
        assert m.predict(x2, out=big) is big and flat(big) == want + [-1.0] * 3
        ro = x2.copy()
        ro.flags.writeable = False  # read-only input: read in place
        assert flat(m.predict(ro)) == want
        with pytest.raises(entrena.ShapeError):
            m.predict(x2, out=np.empty(3, dtype=np.float32))
        with pytest.raises(TypeError):
            m.predict(x2, out=np.empty(4, dtype=np.float64))
        with pytest.raises(TypeError):
            m.predict(x2, out=np.empty(8, dtype=np.float32)[::2])
        rout = np.empty(4, dtype=np.float32)
        rout.flags.writeable = False
        with pytest.raises(TypeError):
            m.predict(x2, out=rout)
        with pytest.raises(entrena.ShapeError):
            m.predict(np.empty((0, 2), dtype=np.float32))  # zero samples: from the library
        bad = x2[:1].copy()
        bad[0, 1] = np.nan
        with pytest.raises(entrena.DataError) as e:
            m.predict(bad)  # a status from the fast path's own check
        assert e.value.status == 4 and "entrena_predict" in str(e.value)
        with pytest.raises(entrena.DataError):
            m.predict(bad, out=np.empty((1, 1), dtype=np.float32))
    with pytest.raises(entrena.HandleError):
        m.predict(x2[:1])  # closed


def test_numpy_conversions_once(np):
    with xor_model() as m:
        x64 = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
        want = m.predict(x64.astype(np.float32))
        F = _buffers.floats_in(x64, 2, "x")
        assert F.copied
        for variant in (x64, np.asfortranarray(x64), x64.astype(np.int32),
                        np.ascontiguousarray(np.repeat(x64, 2, axis=0)[::2]),  # strided view
                        x64.tolist(), x64.ravel().tolist(), x64.astype(np.float32).T.copy().T):
            assert (m.predict(variant) == want).all()
        assert m.predict(x64).dtype == np.float32 and m.predict(x64).shape == (4, 1)
        # images: (n, a, b) with a*b == inputs are viewed as rows
        with entrena.Sequential([entrena.Dense(3, "sigmoid")], inputs=6) as m3:
            imgs = np.arange(12, dtype=np.float32).reshape(2, 2, 3)
            assert (m3.predict(imgs) == m3.predict(imgs.reshape(2, 6))).all()
            with pytest.raises(entrena.ShapeError):
                m3.predict(np.zeros((2, 2, 2), dtype=np.float32))
        with pytest.raises(entrena.ShapeError):
            m.predict(np.float32(1.0))


def test_fit_reads_numpy_inputs_and_validation(np):
    x, y = xor_data()
    X = np.frombuffer(bytes(x), dtype=np.float32).reshape(4, 2)  # read-only (bytes)
    Y = np.frombuffer(y, dtype=np.float32).reshape(4, 1)
    assert not X.flags.writeable
    with xor_model() as m:
        h = m.fit(X, Y, epochs=10, batch_size=4, validation_data=(X, Y), verbose=0)
        assert len(h.history["val_accuracy"]) == 10
        w = m.get_weights()
        assert w[0].shape == (4, 2) and w[1].shape == (4,) and w[2].shape == (1, 4)
        nan = X.copy()
        nan[2, 1] = np.nan
        with pytest.raises(entrena.DataError):
            m.predict(nan)
        with pytest.raises(entrena.ShapeError):
            m.predict(np.zeros((4, 3), dtype=np.float32))
        with pytest.raises(entrena.ShapeError):
            m.fit(X, Y[:3], verbose=0)
        oh = entrena.to_categorical(np.array([1, 0]), 2)
        assert oh.dtype == np.float32 and oh.tolist() == [[0, 1], [1, 0]]


def test_array_f_writable_is_zero_copy():
    a = array.array("f", [0, 0, 1, 1])
    F = _buffers.floats_in(a, 2, "x")
    addr, _ = a.buffer_info()
    if entrena.HAVE_NUMPY:
        assert _addr(F) == addr  # numpy views the buffer
    else:
        assert _addr(F) == addr and not F.copied
    with xor_model() as m:
        x = array.array("f", [0, 0])
        p0 = flat(m.predict(x))
        x[1] = 1.0
        assert flat(m.predict(x)) != p0


def test_predict_array_f_in_and_out():
    """array('f') in and out= (without numpy: predict's own fast path): the
    same results as the general path, out= written in place, the arrays
    cannot be resized meanwhile, rejected outputs still rejected."""
    x, _ = xor_data()
    with xor_model() as m:
        want = flat(m.predict(list(x)))
        assert flat(m.predict(x)) == want
        for i in range(4):
            x1 = x[2 * i:2 * i + 2]
            assert flat(m.predict(x1)) == want[i:i + 1]
            out = array.array("f", [-1.0])
            assert m.predict(x1, out=out) is out and list(out) == want[i:i + 1]
        big = array.array("f", [-1.0] * 6)
        assert m.predict(x, out=big) is big and list(big) == want + [-1.0] * 2
        x.append(0.5)  # no export left behind: still resizable
        x.pop()
        big.append(0.5)
        with pytest.raises(entrena.ShapeError):
            m.predict(x[:3])  # not a whole number of rows
        with pytest.raises(entrena.ShapeError):
            m.predict(array.array("f"))  # zero samples
        with pytest.raises(entrena.ShapeError):
            m.predict(x, out=array.array("f", [0.0] * 3))
        with pytest.raises(TypeError):
            m.predict(x, out=array.array("d", [0.0] * 4))
        bad = array.array("f", [0.0, float("nan")])
        with pytest.raises(entrena.DataError) as e:
            m.predict(bad)
        assert e.value.status == 4 and "entrena_predict" in str(e.value)
        with pytest.raises(entrena.DataError):
            m.predict(bad, out=array.array("f", [0.0]))
    with pytest.raises(entrena.HandleError):
        m.predict(x)  # closed


def test_memoryview_and_readonly_buffers():
    x, y = xor_data()
    with xor_model() as m:
        want = flat(m.predict(x))
        ro = memoryview(bytes(x)).cast("f")  # read-only float32 buffer
        assert ro.readonly
        assert flat(m.predict(ro)) == want
        two_d = memoryview(x).cast("B").cast("f", (4, 2))
        assert flat(m.predict(two_d)) == want
        doubles = array.array("d", x)  # converted once
        assert flat(m.predict(doubles)) == want
        assert flat(m.predict(memoryview(doubles))) == want
        assert flat(m.predict([[0, 0], [0, 1], [1, 0], [1, 1]])) == want
        assert flat(m.predict(((0, 0), (0, 1), (1, 0), (1, 1)))) == want
        assert flat(m.predict(iter([0.0, 0.0]))) == want[:1]
        assert flat(m.predict((ctypes.c_float * 8)(*x))) == want
        strided = memoryview(array.array("f", [v for v in x for _ in (0, 1)]))[::2]
        assert flat(m.predict(strided)) == want
        with pytest.raises(entrena.ShapeError):
            m.predict([[0, 0, 0]])
        # Outputs must be writable float32 memory: a converted copy would lose the result.
        with pytest.raises(TypeError):
            m.predict(x, out=memoryview(bytes(16)).cast("f"))  # read-only
        with pytest.raises(TypeError):
            m.predict(x, out=array.array("d", [0.0] * 4))  # wrong type
        with pytest.raises(entrena.ShapeError):
            m.predict(x, out=array.array("f", [0.0] * 3))  # too short


def test_pure_mode_buffers_directly():
    """The no-numpy code paths, exercised even when numpy is installed."""
    x, _ = xor_data()
    F = _buffers._pure_in(x, 2, "x")
    assert _addr(F) == x.buffer_info()[0] and not F.copied and F.samples == 4
    R = _buffers._pure_in(memoryview(bytes(x)).cast("f"), 2, "x")
    assert R.copied and R.samples == 4
    D = _buffers._pure_in(array.array("d", x), 2, "x")
    assert D.copied and list(D.keep[:8]) == list(x)
    L = _buffers._pure_in([[1, 2], [3, 4]], 2, "x")
    assert L.samples == 2 and list(L.keep[:4]) == [1, 2, 3, 4]
    G = _buffers._pure_in((v for v in [1.0, 2.0]), 2, "x")
    assert G.samples == 1
    M = _buffers._pure_in(memoryview(x).cast("B").cast("f", (4, 2)), 2, "x")
    assert M.samples == 4 and not M.copied
    with pytest.raises(entrena.ShapeError):
        _buffers._pure_in(memoryview(x).cast("B").cast("f", (2, 2, 2)), 2, "x")
    with pytest.raises(entrena.ShapeError):
        _buffers._pure_in([[1, 2, 3]], 2, "x")
    with pytest.raises(entrena.ShapeError):
        _buffers._pure_in([1, 2, 3], 2, "x")
    assert _buffers._pure_in([1, 2, 3], None, "p").samples == 3


def test_outputs_type():
    with xor_model() as m:
        out = m.predict([0, 1])
        if entrena.HAVE_NUMPY:
            import numpy
            assert isinstance(out, numpy.ndarray) and out.shape == (1, 1)
        else:
            assert isinstance(out, array.array) and out.typecode == "f" and len(out) == 1
            assert isinstance(m.get_params(), array.array)
            assert all(isinstance(w, array.array) for w in m.get_weights())


def _fit_sees_a_change_made_during_the_call(m, x, y, poison):
    """fit(shuffle=False) reads each batch straight from x: a NaN written into
    the second batch's rows by the callback, after the first batch has
    trained, must reach the library (DataError). A copy taken when fit was
    called would not contain it."""
    seen = []

    def cb(p):
        if not p["epoch_done"] and p["batch"] == 1:
            poison()
            seen.append(p["batch"])
    with pytest.raises(entrena.DataError) as e:
        m.fit(x, y, epochs=1, batch_size=2, shuffle=False, verbose=0, callback=cb)
    assert seen == [1] and "NaN" in str(e.value)


def test_fit_reads_array_f_in_place_during_the_call():
    x, y = xor_data()
    with xor_model() as m:
        _fit_sees_a_change_made_during_the_call(m, x, y, lambda: x.__setitem__(5, float("nan")))


def test_fit_reads_numpy_in_place_during_the_call(np):
    x, y = xor_data()
    X = np.array(x, dtype=np.float32).reshape(4, 2)
    Y = np.array(y, dtype=np.float32).reshape(4, 1)
    with xor_model() as m:
        _fit_sees_a_change_made_during_the_call(m, X, Y, lambda: X.__setitem__((2, 1), np.nan))
