"""The data schema from Python: models trained by ``entrena train`` on
scikit-learn's data sets (tests/data, made by make_models.sh from the CSV
files of cmd/entrena/testdata/sklearn) predict in their own labels and
units, a model from before schemas gets its .norm scaling, and a regression
model never reports an accuracy."""

import array
import csv
import math
import os
import shutil

import pytest

import entrena
from conftest import REPO, flat

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
SKLEARN = os.path.join(REPO, "cmd", "entrena", "testdata", "sklearn")


def read_csv(name, label, drop_index=False):
    """(features as a list of rows, labels as written) of a committed CSV."""
    with open(os.path.join(SKLEARN, name), newline="") as f:
        rows = list(csv.reader(f))
    head, body = rows[0], rows[1:]
    j = head.index(label)
    skip = {j} | ({0} if drop_index else set())
    x = [[float(v) for k, v in enumerate(r) if k not in skip] for r in body]
    return x, [r[j] for r in body]


def agreement(pred, want):
    pred = list(pred)
    return sum(str(p) == w for p, w in zip(pred, want)) / len(want)


def test_classifier_predicts_its_labels_from_raw_features():
    x, y = read_csv("wine_index_1to3.csv", "target", drop_index=True)
    with entrena.load_model(os.path.join(DATA, "wine_1to3.entrena")) as m:
        s = m.schema
        assert s["task"] == "classification" and s["classes"] == ["1", "2", "3"]
        assert s["label"] == "target" and len(s["features"]) == 13 and s["features"][0] == "alcohol"
        assert s["feature_scaling"]["method"] == "minmax"
        labels = m.predict_labels(x)
        assert all(l in (1, 2, 3) for l in labels), "labels 1..3, no class 0"
        assert agreement(labels, y) > 0.95
        loss, acc = m.evaluate(x, y)  # the labels as the file wrote them
        assert acc > 0.95 and loss < 0.5
        # … or one-hot rows, flat or not, as for any model
        onehot = entrena.to_categorical([int(v) - 1 for v in y], 3)
        assert m.evaluate(x, onehot) == (loss, acc)
        assert m.evaluate(x, array.array("f", flat(onehot))) == (loss, acc)
        # Outputs are probabilities over the 3 classes; rows sum to 1.
        out = flat(m.predict(x[:2]))
        assert len(out) == 6 and abs(sum(out[:3]) - 1) < 1e-5


def test_string_labels_round_trip():
    x, y = read_csv("breast_cancer_index.csv", "target", drop_index=True)
    with entrena.load_model(os.path.join(DATA, "breast_cancer.entrena")) as m:
        assert m.schema["classes"] == ["benign", "malignant"] and m.outputs == 1
        labels = m.predict_labels(x)
        assert set(labels) <= {"benign", "malignant"}
        assert agreement(labels, y) > 0.93
        loss, acc = m.evaluate(x, y)
        assert acc > 0.93
        with pytest.raises(entrena.DataError, match="'maybe' is not one of the model's classes"):
            m.evaluate(x[:1], ["maybe"])


def test_regression_scores_never_an_accuracy():
    x, y = read_csv("diabetes.csv", "target")
    t = [float(v) for v in y]
    with entrena.load_model(os.path.join(DATA, "diabetes.entrena")) as m:
        assert m.task == "regression" and m.schema["target_scaling"]["method"] == "zscore"
        pred = flat(m.predict(x))
        assert 20 < min(pred) and max(pred) < 400 and max(pred) - min(pred) > 100, "target units"
        r = m.evaluate(x, t)
        assert isinstance(r, entrena.RegressionScores) and len(r) == 4
        assert 0.45 < r.r2 < 0.8 and 35 < r.rmse < 60 and 25 < r.mae < 50
        # the figures agree with the predictions
        n = len(t)
        assert r.rmse == pytest.approx(math.sqrt(sum((p - q) ** 2 for p, q in zip(pred, t)) / n), rel=1e-4)
        assert list(m.predict_labels(x[:3])) == pytest.approx(pred[:3])


def test_model_from_before_schemas_reads_its_norm_file(tmp_path):
    """A model saved with a .norm file beside it: before, the package
    ignored the file and predicted from raw features (breast cancer: far
    fewer right); now load_model applies it."""
    x, names = read_csv("breast_cancer_index.csv", "target", drop_index=True)
    y = ["1" if n == "malignant" else "0" for n in names]  # how the model was trained
    for f in ("cancer_legacy.entrena", "cancer_legacy.entrena.norm"):
        shutil.copy(os.path.join(DATA, f), tmp_path / f)
    path = tmp_path / "cancer_legacy.entrena"
    with open(path, "rb") as f:
        assert f.read(12)[8] == 1, "format version 1, no schema"
    with entrena.load_model(path) as m:
        assert m.schema["feature_scaling"]["method"] == "minmax"
        scaled = agreement(m.predict_labels(x), y)
        assert scaled > 0.93
        # Once saved, the model holds the scaling: the .norm file is not needed.
        m.save(tmp_path / "cancer_v2.entrena")
    os.remove(str(path) + ".norm")
    with entrena.load_model(path) as raw:
        assert raw.schema is None
        unscaled = agreement(raw.predict_labels(x), y)
    assert unscaled < scaled - 0.15, "without the scaling the features are at the wrong scale"
    with entrena.load_model(tmp_path / "cancer_v2.entrena") as m:
        assert agreement(m.predict_labels(x), y) == scaled
    # A .norm file of another model is refused, not applied.
    shutil.copy(os.path.join(DATA, "cancer_legacy.entrena.norm"), str(path) + ".norm")
    other = entrena.Sequential([entrena.Dense(1, "sigmoid")], inputs=30, loss="mse")
    other.save(path)
    with pytest.raises(entrena.ModelError, match="belongs to another model"):
        entrena.load_model(path)


def test_set_schema_round_trip_and_refusals():
    x = array.array("f", [0, 10, 5, 20, 10, 30])
    with entrena.Sequential([entrena.Dense(1, "linear")], inputs=2, loss="mse", optimizer="sgd",
                            seed=3) as m:
        assert m.schema is None and m.task == "regression"
        m.set_schema({"task": "regression", "features": ["a", "b"], "header": True, "label": "y",
                      "label_column": 2, "columns": 3,
                      "feature_scaling": {"method": "minmax", "offset": [0, 10], "scale": [10, 20]},
                      "target_scaling": {"method": "zscore", "offset": [100], "scale": [5]}})
        assert m.schema["target_scaling"]["offset"] == [100]
        raw = entrena.Sequential([entrena.Dense(1, "linear")], inputs=2, loss="mse", seed=3)
        want = [100 + 5 * v for v in flat(raw.predict(array.array("f", [0, 0, 0.5, 0.5, 1, 1])))]
        assert flat(m.predict(x)) == pytest.approx(want, rel=1e-6)
        copy = entrena.from_bytes(m.to_bytes())
        assert copy.schema == m.schema and flat(copy.predict(x)) == flat(m.predict(x))
        with pytest.raises(entrena.SpecError, match="1 feature names for a network of 2 inputs"):
            m.set_schema({"task": "regression", "features": ["a"], "header": False,
                          "label_column": -1, "columns": 0})
        assert m.schema["features"] == ["a", "b"], "a refused schema leaves the old one"
        m.set_schema(None)
        assert m.schema is None and m.to_bytes()[8] == 1


def test_regression_history_has_rmse_and_r2_not_accuracy():
    xs = array.array("f", [i / 20 for i in range(40)])
    ys = array.array("f", [3 * i / 20 + 1 for i in range(40)])
    with entrena.Sequential([entrena.Dense(8, "tanh"), entrena.Dense(1, "linear")], inputs=1,
                            loss="mse", optimizer=entrena.Adam(lr=0.05), max_batch=8) as m:
        h = m.fit(xs, ys, epochs=30, batch_size=8, validation_data=(xs, ys), verbose=0)
        assert "val_accuracy" not in h.history
        assert len(h.history["val_rmse"]) == 30 and len(h.history["val_r2"]) == 30
        r = m.evaluate(xs, ys)
        assert h.history["val_rmse"][-1] == pytest.approx(r.rmse, rel=1e-3)
        assert h.history["val_r2"][-1] == pytest.approx(r.r2, rel=1e-3) and r.r2 > 0.9


def test_class_indices_for_softmax_are_a_clear_error():
    x = array.array("f", [0, 1, 1, 0, 1, 1])
    with entrena.Sequential([entrena.Dense(3, "softmax")], inputs=2, loss="cce") as m:
        with pytest.raises(entrena.DataError, match="one-hot rows of 3"):
            m.fit(x, [0, 2, 1], epochs=1, verbose=0)
        with pytest.raises(entrena.DataError, match="not 1"):
            m.fit(x, array.array("f", [1, 0, 0, 0.5, 0, 0, 0, 0, 1]), epochs=1, verbose=0)
    with entrena.Sequential([entrena.Dense(1, "sigmoid")], inputs=2, loss="bce") as m:
        with pytest.raises(entrena.DataError, match=r"outside \[0, 1\]"):
            m.fit(x, [0, 2, 1], epochs=1, verbose=0)
    with pytest.raises(entrena.SpecError, match="softmax over 1 unit"):
        entrena.Sequential([entrena.Dense(1, "softmax")], inputs=2, loss="cce")


def test_multi_label_accuracy_counts_each_output():
    x = array.array("f", [0, 0, 1, 0, 0, 1, 1, 1])
    y = array.array("f", [0, 0, 1, 0, 0, 1, 1, 1])  # each output copies an input
    with entrena.Sequential([entrena.Dense(2, "sigmoid")], inputs=2, loss="bce",
                            optimizer=entrena.Adam(lr=0.1), max_batch=4) as m:
        m.fit(x, y, epochs=300, batch_size=4, verbose=0)
        m.set_schema({"task": "multi-label", "features": ["a", "b"], "header": True,
                      "label_column": -1, "columns": 0, "classes": ["has_a", "has_b"],
                      "class_type": "string"})
        loss, acc = m.evaluate(x, y)
        assert acc == 1.0
        assert m.predict_labels(x) == [[], ["has_a"], ["has_b"], ["has_a", "has_b"]]
        # Targets (1, 0) everywhere: each output is right on 2 of the 4 rows.
        loss, acc = m.evaluate(x, array.array("f", [1, 0, 1, 0, 1, 0, 1, 0]))
        assert acc == 0.5


class Frame:
    """The part of a pandas DataFrame that predict uses: named columns,
    selection by a list of names, to_numpy."""

    def __init__(self, columns, rows):
        self.columns, self.rows = list(columns), rows

    def __getitem__(self, names):
        idx = [self.columns.index(n) for n in names]
        return Frame(names, [[r[i] for i in idx] for r in self.rows])

    def to_numpy(self, dtype=None):
        import numpy
        return numpy.asarray(self.rows, dtype=dtype)

    # As a DataFrame: numpy reads its values, iteration gives its column names.
    def __array__(self, dtype=None, copy=None):
        return self.to_numpy(dtype)

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.columns)


def test_frames_are_read_by_column_name(np):
    x, y = read_csv("wine_index_1to3.csv", "target", drop_index=True)
    with entrena.load_model(os.path.join(DATA, "wine_1to3.entrena")) as m:
        feats = m.schema["features"]
        want = m.predict_labels(x).tolist()
        # Reversed columns, the label among them: matched by name, not position.
        cols = feats[::-1] + ["target"]
        rows = [r[::-1] + [int(l)] for r, l in zip(x, y)]
        frame = Frame(cols, rows)
        assert m.predict_labels(frame).tolist() == want
        assert m.evaluate(frame, y) == m.evaluate(x, y)
        # Positionally, the reversed features give other answers: the test
        # would not notice a frame read by position.
        assert m.predict_labels([r[::-1] for r in x]).tolist() != want
        with pytest.raises(entrena.DataError, match="missing 'alcohol'"):
            m.predict(Frame(feats[1:], [r[1:] for r in x]))
        with pytest.raises(entrena.DataError, match="not features of the model: 'extra'"):
            m.predict(Frame(feats + ["extra"], [r + [0.0] for r in x]))


def scaled_regressor(inputs=4):
    """A regression model whose schema scales its features (identity scaling)."""
    m = entrena.Sequential([entrena.Dense(3, "tanh"), entrena.Dense(1)], inputs=inputs,
                           loss="mse", optimizer=entrena.SGD(lr=0.01), seed=3)
    feats = ["f%d" % j for j in range(inputs)]
    m.set_schema({"task": "regression", "features": feats, "label": "y", "header": True,
                  "label_column": inputs, "columns": inputs + 1,
                  "feature_scaling": {"method": "standard", "offset": [0.0] * inputs,
                                      "scale": [1.0] * inputs}})
    return m


def test_scaled_model_checks_the_width_of_x():
    # The scaling used to reshape x into rows of the inputs before any check:
    # 2 rows of 6 values became 3 rows of 4.
    with scaled_regressor() as m:
        for x in ([[0.5] * 6] * 2, [[0.5] * 5] * 4, [0.5] * 6):
            with pytest.raises(entrena.ShapeError):
                m.predict(x)
            with pytest.raises(entrena.ShapeError):
                m.fit(x, [0.0] * 3, epochs=1, verbose=0)
            with pytest.raises(entrena.ShapeError):
                m.train_on_batch(x, [0.0] * 3)
            with pytest.raises(entrena.ShapeError):
                m.evaluate(x, [0.0] * 3)
        assert len(flat(m.predict([[0.5] * 4] * 2))) == 2
        assert len(flat(m.predict([0.5] * 8))) == 2  # flat rows, as without a schema


def test_scaled_model_takes_one_sample_of_any_shape(np):
    with scaled_regressor() as m:
        one = np.arange(4.0).reshape(2, 2)
        assert flat(m.predict(one)) == flat(m.predict(one.reshape(1, 4)))


def test_frames_train_by_column_name(np):
    x, y = read_csv("wine_index_1to3.csv", "target", drop_index=True)
    with entrena.load_model(os.path.join(DATA, "wine_1to3.entrena")) as m:
        feats = m.schema["features"]
        blob = m.to_bytes()

    def reversed_frame(rows, labels):
        return Frame(feats[::-1] + ["target"], [r[::-1] + [int(l)] for r, l in zip(rows, labels)])
    with entrena.from_bytes(blob) as a, entrena.from_bytes(blob) as b:
        assert a.train_on_batch(x[:32], y[:32]) == b.train_on_batch(reversed_frame(x[:32], y[:32]), y[:32])
        ha = a.fit(x, y, epochs=1, verbose=0, shuffle=False, validation_data=(x, y))
        frame = reversed_frame(x, y)
        hb = b.fit(frame, y, epochs=1, verbose=0, shuffle=False, validation_data=(frame, y))
        assert ha.history == hb.history
    # Read by position, the reversed features train differently.
    with entrena.from_bytes(blob) as a, entrena.from_bytes(blob) as b:
        assert a.train_on_batch([r[::-1] for r in x[:32]], y[:32]) != b.train_on_batch(x[:32], y[:32])


def test_regression_scores_of_a_frame_target(np):
    xs = [[0.1 * i, 0.2 * (i % 3), 1.0] for i in range(12)]
    ys = [0.3 * i - 1.0 for i in range(12)]
    with entrena.Sequential([entrena.Dense(1)], inputs=3, loss="mse", seed=2) as m:
        want = m.evaluate(xs, ys)
        for y in (Frame(["target"], [[v] for v in ys]), Frame([0], [[v] for v in ys]),
                  np.asarray(ys).reshape(-1, 1)):
            assert m.evaluate(xs, y) == want
