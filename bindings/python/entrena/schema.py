"""A model's data schema: what its inputs and outputs mean.

A model trained with ``entrena train`` on a CSV file holds, inside the model
file, a JSON document (see docs/MODEL_FORMAT.md, "Schema section"): the task
("classification", "regression" or "multi-label"), the feature names in
input order, the label column, the class labels in output order, the feature
scaling and, for regression, the target scaling. ``Sequential.predict``
applies the feature scaling to its input and maps a regression output back
to the target's units; ``Sequential.predict_labels`` returns the class
labels as they were written in the training file.
"""

import array
import math

from ._buffers import np
from .errors import ModelError, ShapeError

CLASSIFICATION, REGRESSION, MULTI_LABEL = "classification", "regression", "multi-label"


class Scaling:
    """An affine map per column: x becomes (x - offset[j]) / scale[j]."""

    __slots__ = ("method", "offset", "scale", "_np")

    def __init__(self, d):
        self.method = d.get("method", "")
        self.offset = [float(v) for v in d["offset"]]
        self.scale = [float(v) for v in d["scale"]]
        self._np = None
        if np is not None:
            self._np = (np.asarray(self.offset, dtype=np.float64), np.asarray(self.scale, dtype=np.float64))

    def as_dict(self):
        return {"method": self.method, "offset": self.offset, "scale": self.scale}

    def apply(self, x, cols, one_sample=False):
        """x scaled: a new float32 (n, cols) numpy array, or a flat array('f').
        x must have the shape an unscaled model takes (see _buffers), else
        ShapeError; with one_sample, a single sample of any shape holding
        cols values (predict's one image for a flat input layer) too."""
        if self._np is not None:
            a = np.asarray(x, dtype=np.float64)
            if not (one_sample and a.size == cols):
                _check_rows(a.shape if a.ndim >= 2 else None, a.size, a.ndim, cols)
            a = a.reshape(-1, cols)
            return ((a - self._np[0]) / self._np[1]).astype(np.float32)
        flat = _flat_floats(x)
        if not (one_sample and len(flat) == cols):
            rows = list(x) if isinstance(x, (list, tuple)) else None
            nested = rows is not None and rows and hasattr(rows[0], "__len__") \
                and not isinstance(rows[0], (str, bytes))
            if nested:
                for i, r in enumerate(rows):
                    if len(r) != cols:
                        raise ShapeError("x row %d has %d values, the model needs %d" % (i, len(r), cols))
            else:
                _check_rows(None, len(flat), 1, cols)
        out = array.array("f", flat)
        for i, v in enumerate(flat):
            j = i % cols
            out[i] = (v - self.offset[j]) / self.scale[j]
        return out

    def undo(self, y):
        """y (one column) back in its own units, in place: y*scale + offset."""
        s, o = self.scale[0], self.offset[0]
        if np is not None and isinstance(y, np.ndarray):
            y *= s
            y += o
            return y
        for i, v in enumerate(y):
            y[i] = v * s + o
        return y


def _check_rows(shape, size, ndim, cols):
    """ShapeError unless data of this shape (None: flat) is rows of cols
    values, with the wording of the unscaled path (_buffers)."""
    if ndim == 0:
        raise ShapeError("x is a scalar, not an array of samples")
    if shape is None:
        if size % cols != 0:
            raise ShapeError("x: %d values are not a whole number of rows of %d" % (size, cols))
        return
    tail = 1
    for d in shape[1:]:
        tail *= d
    if tail != cols:
        if len(shape) == 2:
            raise ShapeError("x has %d columns, the model needs %d" % (shape[1], cols))
        raise ShapeError("x has shape %s, the model needs (samples, %d)" % (tuple(shape), cols))


def _flat_floats(x):
    out = []
    for v in x:
        if isinstance(v, (list, tuple)) or hasattr(v, "__len__") and not isinstance(v, (str, bytes)):
            out.extend(float(u) for u in v)
        else:
            out.append(float(v))
    return out


def label_value(text, class_type):
    """A class label as the training file wrote it, as a Python value:
    int or float for numbers, bool for booleans, str otherwise."""
    if class_type == "number":
        v = float(text)
        return int(v) if v == math.floor(v) and "." not in text and "e" not in text.lower() else v
    if class_type == "boolean":
        return text.strip().lower() == "true"
    return text


def label_key(v):
    """A label's identity, as the CSV reader decides it: numbers by value,
    booleans regardless of case, text as written."""
    if isinstance(v, bool) or (np is not None and isinstance(v, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, float)) or (np is not None and isinstance(v, np.number)):
        f = float(v)
        return repr(int(f)) if f == math.floor(f) and abs(f) < 2 ** 53 else repr(f)
    t = str(v).strip()
    try:
        f = float(t)
        if math.isfinite(f):
            return repr(int(f)) if f == math.floor(f) and abs(f) < 2 ** 53 else repr(f)
    except ValueError:
        pass
    if t.lower() in ("true", "false"):
        return t.lower()
    return t


def read_norm(path, model_bytes, features):
    """The feature scaling of a MODEL.norm file written by an entrena that
    kept it beside the model (before schemas); None when there is none.
    A file of another model, or for another feature count, is a ModelError."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    except FileNotFoundError:
        return None
    try:
        if not lines or not lines[0].startswith("entrena-norm,"):
            raise ValueError("not an entrena normalisation file")
        kv = {}
        rows = []
        in_rows = False
        for l in lines[1:]:
            cells = l.split(",")
            if cells[0] == "feature":
                in_rows = True
                continue
            if in_rows:
                rows.append((float(cells[1]), float(cells[2])))
            else:
                kv[cells[0]] = cells[1]
        n = int(kv["features"])
    except (ValueError, KeyError, IndexError) as e:
        raise ModelError("%s: %s" % (path, e))
    if n != features or len(rows) != n:
        raise ModelError("%s scales %d features, the model takes %d inputs: it belongs to another model"
                         % (path, n, features))
    want = kv.get("model", "")
    if want:
        have = "crc32:%08x" % int.from_bytes(model_bytes[-4:], "little")
        if have != want:
            raise ModelError("%s belongs to another model (%s; the model is %s)" % (path, want, have))
    return {"method": kv.get("method", ""), "offset": [r[0] for r in rows], "scale": [r[1] for r in rows]}
