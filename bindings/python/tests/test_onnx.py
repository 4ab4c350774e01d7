"""ONNX export: the file a model writes passes onnx's checker and, run by
onnxruntime on the raw features, gives the model's own predictions, scaling
and labels included. Needs numpy, onnx and onnxruntime (make test-python
installs them in its numpy venv and sets ENTRENA_EXPECT_ONNX=1 there, so
that a missing package fails instead of skipping)."""

import json
import os

import pytest

import entrena
from conftest import flat
from test_schema import DATA, read_csv


def _runtime():
    try:
        import numpy
        import onnx
        import onnxruntime
    except ImportError as e:
        if os.environ.get("ENTRENA_EXPECT_ONNX") == "1" and entrena.HAVE_NUMPY:
            raise
        pytest.skip("needs numpy, onnx and onnxruntime: %s" % e)
    return numpy, onnx, onnxruntime


def run_onnx(path, x):
    """(outputs, metadata) of the ONNX file at path on the rows x."""
    np, onnx, ort = _runtime()
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    s = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (out,) = s.run(None, {"input": np.asarray(x, dtype=np.float32)})
    return out, s.get_modelmeta().custom_metadata_map


def test_classifier_with_schema(tmp_path):
    x, y = read_csv("wine_index_1to3.csv", "target", drop_index=True)
    with entrena.load_model(os.path.join(DATA, "wine_1to3.entrena")) as m:
        path = tmp_path / "wine.onnx"
        m.to_onnx(path)
        out, meta = run_onnx(path, x)
        want = flat(m.predict(x))
        assert max(abs(a - b) for a, b in zip(out.ravel().tolist(), want)) < 1e-5
        schema = json.loads(meta["entrena.schema"])
        assert schema["classes"] == ["1", "2", "3"] and schema["features"] == m.schema["features"]
        labels = [schema["classes"][i] for i in out.argmax(axis=1)]
        assert labels == [str(v) for v in m.predict_labels(x)]


def test_regression_in_target_units(tmp_path):
    x, _ = read_csv("diabetes.csv", "target")
    with entrena.load_model(os.path.join(DATA, "diabetes.entrena")) as m:
        path = tmp_path / "diabetes.onnx"
        m.to_onnx(str(path))
        out, _ = run_onnx(path, x)
        want = flat(m.predict(x))
        assert 20 < min(want) and max(want) < 400, "target units"
        assert max(abs(a - b) / max(1.0, abs(b)) for a, b in zip(out.ravel().tolist(), want)) < 1e-5


def test_model_built_in_python(tmp_path):
    x = [[0, 0], [0, 1], [1, 0], [1, 1]]
    y = [[0], [1], [1], [0]]
    with entrena.Sequential([entrena.Dense(8, "tanh"), entrena.Dense(4, "relu"), entrena.Dense(1, "sigmoid")],
                            inputs=2, max_batch=4) as m:
        m.fit(x, y, epochs=50, batch_size=4, verbose=0)
        path = tmp_path / "xor.onnx"
        m.to_onnx(path)
        out, meta = run_onnx(path, x)
        assert "entrena.schema" not in meta
        assert max(abs(a - b) for a, b in zip(out.ravel().tolist(), flat(m.predict(x)))) < 1e-6
        with pytest.raises(entrena.EntrenaIOError):
            m.to_onnx(tmp_path)  # a folder


def test_dropout_and_l2_export_as_plain_layers(tmp_path):
    """Dropout is identity outside training and weight decay only shapes
    training: the ONNX graph is the same Gemm + activation per layer, and
    onnxruntime gives the model's predictions."""
    x = [[0.1 * i, 0.2 * (i % 3), 1 - 0.05 * i] for i in range(20)]
    y = [i % 2 for i in range(20)]
    with entrena.Sequential([entrena.layers.Dense(16, "relu", kernel_regularizer=entrena.regularizers.l2(1e-3)),
                             entrena.layers.Dropout(0.5), entrena.layers.Dense(2, "softmax")],
                            inputs=3, loss="sparse_categorical_crossentropy", optimizer="rmsprop") as m:
        m.fit(x, y, epochs=5, batch_size=4, verbose=0)
        path = tmp_path / "dropout.onnx"
        m.to_onnx(path)
        out, _ = run_onnx(path, x)
        np, onnx, _ = _runtime()
        ops = [n.op_type for n in onnx.load(str(path)).graph.node]
        assert "Dropout" not in ops and ops.count("Gemm") == 2
        assert max(abs(a - b) for a, b in zip(out.ravel().tolist(), flat(m.predict(x)))) < 1e-6
