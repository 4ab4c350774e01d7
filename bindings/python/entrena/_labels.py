"""Integer class labels as one-hot target rows (sparse categorical
cross-entropy), written into a buffer that is reused while the shape stays."""

import array

from ._buffers import np
from .errors import DataError


def _label_list(y):
    """The labels of y (one per sample) as a flat list, without numpy."""
    values = list(y)
    if values and isinstance(values[0], (list, tuple)):
        if not all(len(v) == 1 for v in values):
            raise DataError("class labels must be one value per sample", status=4)
        values = [v[0] for v in values]
    return values


def _bad_label(v, classes):
    return DataError("class label %r is not an integer in 0..%d (the model has %d outputs)"
                     % (v, classes - 1, classes), status=4)


class OneHot:
    """Turns integer labels into (samples, classes) one-hot float32 rows.
    The last buffer is kept and rewritten in place when the next call has
    as many samples, so train_on_batch loops do not allocate per batch."""

    def __init__(self, classes):
        self.classes = classes
        self._buf = None

    def _buffer(self, n):
        k = self.classes
        b = self._buf
        if np is not None:
            if b is None or b.shape[0] != n:
                b = self._buf = np.zeros((n, k), dtype=np.float32)
            else:
                b.fill(0)
        else:
            if b is None or len(b) != n * k:
                b = self._buf = array.array("f", bytes(4 * n * k))
            else:
                b[:] = array.array("f", bytes(4 * n * k))
        return b

    def __call__(self, y):
        k = self.classes
        if np is not None:
            a = np.asarray(y)
            if a.ndim == 2 and a.shape[1] == 1:
                a = a[:, 0]
            if a.ndim != 1:
                raise DataError("class labels must be one value per sample, got shape %s"
                                % (a.shape,), status=4)
            if a.dtype.kind not in "iub":
                if a.dtype.kind != "f":
                    raise DataError("class labels must be integers, got %s values" % a.dtype,
                                    status=4)
                bad = ~np.isfinite(a) | (a != np.floor(a))
                if bad.any():
                    raise _bad_label(a[bad][0].item(), k)
            idx = a.astype(np.int64)
            bad = (idx < 0) | (idx >= k)
            if bad.any():
                raise _bad_label(a[bad][0].item(), k)
            out = self._buffer(idx.size)
            out[np.arange(idx.size), idx] = 1
            return out
        values = _label_list(y)
        out = self._buffer(len(values))
        for i, v in enumerate(values):
            try:
                c = int(v)
            except (TypeError, ValueError, OverflowError):
                raise _bad_label(v, k) from None
            if c != v or not 0 <= c < k:
                raise _bad_label(v, k)
            out[i * k + c] = 1
        return out
