"""Passing arrays to the C library: zero-copy where possible, one conversion otherwise.

Inputs (x, y, parameters) -- the library reads them in place during the call:

* numpy (when importable and ENTRENA_NO_NUMPY is not set):
  - a C-contiguous float32 ndarray is passed zero-copy: its address goes
    straight to C, while a reference to the array is held for the whole
    call. The address is read from the array object itself (see
    ``data_pointer``: the ``data`` field of numpy's PyArrayObject, which
    follows the object header; about 0.15 us), the layout verified against
    ``arr.ctypes.data`` at import. Where that check fails (not CPython, or an
    unknown layout) it comes from ``c_char.from_buffer(arr)`` (about 0.35
    us), or ``arr.ctypes.data`` for a read-only array, which from_buffer
    refuses. ``arr.ctypes.data_as(...)`` would cost 2-4 us per array, too
    slow for single-sample predict;
  - any other dtype, a Fortran-ordered or strided array is converted once with
    ``np.ascontiguousarray(a, dtype=np.float32)`` (one copy per call);
  - read-only arrays are read in place (the library never writes inputs);
  - array('f'), memoryviews and other buffer objects go through
    ``np.asarray`` (zero-copy for float32 buffers), lists are converted.
* without numpy:
  - a writable, C-contiguous float32 buffer (``array('f')``, a writable
    memoryview of format 'f', a ctypes c_float array) is passed zero-copy via
    ``(c_float * n).from_buffer(obj)``;
  - a read-only float32 buffer is copied once (``from_buffer_copy``), since
    ctypes cannot take the address of read-only memory;
  - other formats (doubles, ints, bytes), non-contiguous memoryviews, lists
    and nested lists are converted once element by element.

Shapes: a 2-D input must have ``cols`` columns; an N-D numpy array whose
trailing dimensions multiply to ``cols`` (e.g. (n, 28, 28) images for 784
inputs) is viewed as (n, cols); a 1-D input is read as flat row-major data
(its length must be a multiple of ``cols``). Anything else raises ShapeError.

Outputs are numpy float32 arrays of shape (samples, cols) with numpy, else a
flat ``array('f')`` of samples*cols values (row-major).
"""

import array
import ctypes
import os
import sys
from ctypes import POINTER, addressof, c_char, c_float, c_void_p

from .errors import ShapeError

np = None
if not os.environ.get("ENTRENA_NO_NUMPY"):
    try:
        import numpy as np  # noqa: F811
    except ImportError:  # pragma: no cover - depends on the environment
        np = None

FLOATP = POINTER(c_float)
HAVE_NUMPY = np is not None


class Floats:
    """A float buffer ready for a C call: ``ptr`` (an integer address, a ctypes
    array or None, for a void* argument), ``size`` (floats), ``samples`` and
    ``keep`` (what owns the memory; the Floats object must stay referenced
    until the call returns, which the wrappers do by holding it in a local)."""

    __slots__ = ("ptr", "size", "samples", "keep", "copied")

    def __init__(self, ptr, size, samples, keep, copied):
        self.ptr = ptr
        self.size = size
        self.samples = samples
        self.keep = keep
        self.copied = copied

    @property
    def addr(self):
        """The address as an integer (for struct fields)."""
        p = self.ptr
        if p is None or isinstance(p, int):
            return p
        return addressof(p)


if np is not None:
    _F32 = np.dtype(np.float32)


def _slow_data_pointer(a):
    """The address of a's first element (a non-empty C-contiguous array)."""
    try:
        return addressof(c_char.from_buffer(a))
    except TypeError:  # read-only memory: ctypes will not export it
        return a.ctypes.data


def _data_offset():
    """Where numpy's array object keeps its data pointer: PyArrayObject's
    ``data`` field, right after the object header (numpy's C API struct,
    the same in numpy 1.x and 2.x), or None when that cannot be relied on.
    CPython only (id() is the object's address there); the offset is
    checked against ``ctypes.data`` on arrays, views and read-only arrays."""
    if np is None or sys.implementation.name != "cpython":
        return None
    off = object.__basicsize__  # sizeof(PyObject)
    try:
        base = np.arange(24, dtype=np.float32)
        ro = base[3:9]
        ro.flags.writeable = False
        probes = (base, base[5:], base.reshape(4, 6)[1:], ro, np.empty((1, 3), np.float32))
        for a in probes:
            if c_void_p.from_address(id(a) + off).value != a.ctypes.data:
                return None
    except Exception:  # noqa: BLE001 - any surprise means: do not use it
        return None
    return off


_DATA_OFFSET = _data_offset()

if _DATA_OFFSET is not None:
    _at = c_void_p.from_address

    def data_pointer(a, _at=_at, _off=_DATA_OFFSET):
        """A numpy array's data address as a c_void_p, ready to pass to a
        void* argument. The c_void_p is a view of the array object's own
        data field: use it only while a reference to the array is held."""
        return _at(id(a) + _off)

    def data_address(a, _at=_at, _off=_DATA_OFFSET):
        """A numpy array's data address as an integer."""
        return _at(id(a) + _off).value
else:
    data_pointer = data_address = _slow_data_pointer


def _np_floats(a, samples, copied):
    """Floats for a C-contiguous float32 ndarray, zero-copy."""
    if a.size == 0:
        return Floats(None, 0, samples, a, copied)
    return Floats(data_address(a), a.size, samples, a, copied)


def _samples_of(name, length, ndim_shape, cols):
    if cols is None:  # flat data of any shape (parameters)
        return length
    if ndim_shape is not None:
        if ndim_shape[-1] != cols:
            raise ShapeError("%s has %d columns, the model needs %d" % (name, ndim_shape[-1], cols))
        return ndim_shape[0]
    if cols <= 0 or length % cols != 0:
        raise ShapeError("%s: %d values are not a whole number of rows of %d" % (name, length, cols))
    return length // cols


def _numpy_in(obj, cols, name):
    a = obj
    # fast path: a 2-D float32 C-contiguous array of the right width
    if (type(a) is np.ndarray and a.dtype is _F32 and a.ndim == 2 and cols is not None
            and a.shape[1] == cols and a.flags.c_contiguous):
        return _np_floats(a, a.shape[0], False)
    if not isinstance(a, np.ndarray):
        if hasattr(a, "__next__"):  # iterators and generators
            a = list(a)
        a = np.asarray(a, dtype=np.float32)
    copied = False
    if a.dtype != np.float32 or not a.flags.c_contiguous:
        a = np.ascontiguousarray(a, dtype=np.float32)
        copied = a is not obj
    if a.ndim == 0:
        raise ShapeError("%s is a scalar, not an array of samples" % name)
    if a.ndim == 1 or cols is None:
        a = a.reshape(-1)
        samples = _samples_of(name, a.size, None, cols)
    else:
        if a.ndim > 2:
            tail = 1
            for d in a.shape[1:]:
                tail *= d
            if tail != cols:
                raise ShapeError("%s has shape %s, the model needs (samples, %d)"
                                 % (name, a.shape, cols))
            a = a.reshape(a.shape[0], cols)
        samples = _samples_of(name, a.size, a.shape, cols)
    return _np_floats(a, samples, copied)


def _flatten(obj, name, cols):
    """Lists and nested lists (and other iterables) into a flat list plus the
    row structure, if any."""
    seq = list(obj)
    if seq and hasattr(seq[0], "__len__") and not isinstance(seq[0], (str, bytes)):
        flat = []
        for i, row in enumerate(seq):
            row = list(row)
            if cols is not None and len(row) != cols:
                raise ShapeError("%s row %d has %d values, the model needs %d"
                                 % (name, i, len(row), cols))
            flat.extend(row)
        return flat, (len(seq), cols) if cols is not None else None
    return seq, None


def _pure_in(obj, cols, name):
    if isinstance(obj, (list, tuple)):
        flat, shp = _flatten(obj, name, cols)
        samples = _samples_of(name, len(flat), shp, cols)
        buf = (c_float * len(flat))(*flat)
        return Floats(buf, len(flat), samples, buf, True)
    try:
        m = memoryview(obj)
    except TypeError:
        flat, shp = _flatten(obj, name, cols)
        samples = _samples_of(name, len(flat), shp, cols)
        buf = (c_float * len(flat))(*flat)
        return Floats(buf, len(flat), samples, buf, True)
    shp = tuple(m.shape) if m.ndim >= 2 and cols is not None else None
    if m.ndim > 2:
        raise ShapeError("%s has %d dimensions; without numpy pass 1-D or 2-D data" % (name, m.ndim))
    n = 1
    for d in m.shape:
        n *= d
    samples = _samples_of(name, n, shp, cols)
    if m.format in ("f", "<f", "=f") and m.c_contiguous:
        if not m.readonly:
            buf = (c_float * n).from_buffer(m)
            return Floats(buf, n, samples, (buf, m, obj), False)
        buf = (c_float * n).from_buffer_copy(m)
        return Floats(buf, n, samples, buf, True)
    vals = m.tolist()
    if m.ndim == 2:
        vals = [v for row in vals for v in row]
    buf = (c_float * n)(*vals)
    return Floats(buf, n, samples, buf, True)


def floats_in(obj, cols, name):
    """Prepare an input array with ``cols`` values per sample (see the module
    doc); cols=None takes data of any shape as one flat run of floats."""
    if obj is None:
        raise ShapeError("%s is None" % name)
    if np is not None:
        return _numpy_in(obj, cols, name)
    return _pure_in(obj, cols, name)


def new_output(samples, cols):
    """A fresh output buffer: (result object, Floats)."""
    n = samples * cols
    if np is not None:
        a = np.empty((samples, cols), dtype=np.float32)
        return a, _np_floats(a, samples, False)
    a = array.array("f", bytes(4 * n))
    buf = (c_float * n).from_buffer(a)
    return a, Floats(buf, n, samples, (buf, a), False)


def new_flat(n):
    """A fresh 1-D output of n floats: (result object, Floats)."""
    if np is not None:
        a = np.empty(n, dtype=np.float32)
        return a, _np_floats(a, n, False)
    a = array.array("f", bytes(4 * n))
    buf = (c_float * n).from_buffer(a)
    return a, Floats(buf, n, n, (buf, a), False)


def floats_out(obj, n, name):
    """A caller-provided destination of at least n floats, written in place.

    It must be writable, C-contiguous float32 memory (a numpy float32 array,
    array('f'), a writable memoryview of format 'f'); anything else raises
    TypeError, because writing into a converted copy would lose the result."""
    if np is not None and isinstance(obj, np.ndarray):
        if obj.dtype != np.float32 or not obj.flags.c_contiguous or not obj.flags.writeable:
            raise TypeError("%s must be a writable C-contiguous float32 array (got %s, %s%s)"
                            % (name, obj.dtype, "C order" if obj.flags.c_contiguous else
                               "not C-contiguous",
                               "" if obj.flags.writeable else ", read-only"))
        if obj.size < n:
            raise ShapeError("%s has %d floats, need %d" % (name, obj.size, n))
        return _np_floats(obj, None, False)
    try:
        m = memoryview(obj)
    except TypeError:
        raise TypeError("%s must be a writable float32 buffer, not %s" % (name, type(obj).__name__))
    if m.format not in ("f", "<f", "=f") or not m.c_contiguous or m.readonly:
        raise TypeError("%s must be a writable C-contiguous float32 buffer (format %r%s)"
                        % (name, m.format, ", read-only" if m.readonly else ""))
    size = m.nbytes // 4
    if size < n:
        raise ShapeError("%s has %d floats, need %d" % (name, size, n))
    buf = (c_float * size).from_buffer(m)
    return Floats(buf, size, None, (buf, m, obj), False)
