"""Loading libentrena and declaring its C API (capi/include/entrena.h) with ctypes.

Every C function is declared exactly once below, with argtypes and restype.
Functions that return an entrena_status get an errcheck that turns every
non-OK status into an exception from entrena.errors carrying the library's
message (entrena_errmsg for calls on a handle, entrena_last_error otherwise).

Library lookup order (the first that loads wins):

1. the ENTRENA_LIBRARY environment variable (a path to libentrena.so): when
   it is set, it is the only place tried;
2. the package folder (entrena/libentrena.so, put there by `make python` or
   `pip install` after `make lib`);
3. a source checkout's build output (<repo>/build/lib/libentrena.so), when the
   package is used in place with PYTHONPATH=bindings/python;
4. the system library path: ctypes.util.find_library("entrena"), then
   CDLL("libentrena.so") (LD_LIBRARY_PATH, ld.so.cache).

If none loads, LibraryNotFoundError lists every place tried and why it failed.
"""

import ctypes
import ctypes.util
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char_p, c_double, c_float, c_int,
                    c_int32, c_int64, c_size_t, c_uint32, c_uint64, c_void_p)

from . import errors

ABI_VERSION = 1  # ENTRENA_ABI_VERSION of the header these declarations follow
ERRMSG_MAX = 512

_HERE = os.path.dirname(os.path.abspath(__file__))
_LIBNAME = "libentrena.so"


class LibraryNotFoundError(ImportError):
    """libentrena could not be loaded; the message lists every place tried."""


def _candidates():
    yield "package folder", os.path.join(_HERE, _LIBNAME)
    repo_build = os.path.normpath(os.path.join(_HERE, "..", "..", "..", "build", "lib", _LIBNAME))
    yield "source checkout", repo_build
    found = ctypes.util.find_library("entrena")
    if found:
        yield "ctypes.util.find_library('entrena')", found
    yield "system library path", _LIBNAME


def _load():
    tried = []
    env = os.environ.get("ENTRENA_LIBRARY")
    candidates = [("ENTRENA_LIBRARY", env)] if env else list(_candidates())
    for where, path in candidates:
        if os.sep in path and not os.path.exists(path):
            tried.append("  %s: %s (no such file)" % (where, path))
            continue
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append("  %s: %s (%s)" % (where, path, e))
    raise LibraryNotFoundError(
        "entrena: cannot load %s. Looked in:\n%s\n"
        "Build it with `make python` (or `make lib` and set ENTRENA_LIBRARY=build/lib/%s)."
        % (_LIBNAME, "\n".join(tried), _LIBNAME))


lib, path = _load()

# ------------------------------------------------------------------ structs


class Spec(Structure):
    """entrena_spec."""
    _fields_ = [
        ("struct_size", c_uint32),
        ("inputs", c_int32),
        ("n_layers", c_int32),
        ("loss", c_int32),
        ("units", POINTER(c_int32)),
        ("activations", POINTER(c_int32)),
        ("optimizer", c_int32),
        ("learning_rate", c_float),
        ("momentum", c_float),
        ("beta1", c_float),
        ("beta2", c_float),
        ("epsilon", c_float),
        ("max_batch", c_int32),
        ("threads", c_int32),
        ("seed", c_uint64),
        ("l2", POINTER(c_float)),
        ("dropout", POINTER(c_float)),
        ("rho", c_float),
    ]


class Progress(Structure):
    """entrena_progress."""
    _fields_ = [
        ("epoch", c_int64),
        ("epochs", c_int64),
        ("batch", c_int64),
        ("batches", c_int64),
        ("samples", c_int64),
        ("cost", c_float),
        ("epoch_done", c_int32),
        ("val_loss", c_float),
        ("val_accuracy", c_float),
        ("elapsed_seconds", c_double),
    ]


PROGRESS_FN = CFUNCTYPE(c_int, POINTER(Progress), c_void_p)
# entrena_reduce_fn: (float *buf, int64_t n, void *user); buf as an address.
REDUCE_FN = CFUNCTYPE(c_int, c_void_p, c_int64, c_void_p)


class FitOptions(Structure):
    """entrena_fit_options."""
    _fields_ = [
        ("struct_size", c_uint32),
        ("epochs", c_int32),
        ("batch_size", c_int32),
        ("shuffle", c_int32),
        ("progress_every_batch", c_int32),
        ("progress", PROGRESS_FN),
        ("user_data", c_void_p),
        ("val_x", c_void_p),
        ("val_x_len", c_int64),
        ("val_y", c_void_p),
        ("val_y_len", c_int64),
        ("val_samples", c_int64),
        ("reduce", REDUCE_FN),
        ("reduce_user", c_void_p),
        ("rank", c_int32),
        ("size", c_int32),
    ]


# ------------------------------------------------------------------ errors

OK = 0
STATUS_HANDLE = 10
STATUS_BUSY = 11

_status_string = lib.entrena_status_string
_status_string.argtypes = [c_int]
_status_string.restype = c_char_p

_errmsg = lib.entrena_errmsg
_errmsg.argtypes = [c_void_p]
_errmsg.restype = c_char_p

_last_error = lib.entrena_last_error
_last_error.argtypes = []
_last_error.restype = c_char_p

last_errno = lib.entrena_last_errno
last_errno.argtypes = []
last_errno.restype = c_int
last_errno.__doc__ = "entrena_last_errno: the OS error behind the thread's last failure, 0 if none."


def _decode(b):
    return b.decode("utf-8", "replace") if b else ""


def status_string(status):
    """entrena_status_string: a short description of a status code."""
    return _decode(_status_string(status))


def last_error():
    """entrena_last_error: the calling thread's last failure message."""
    return _decode(_last_error())


def _check_global(result, func, args):
    if result != OK:
        raise errors.from_status(result, last_error() or status_string(result), func.__name__,
                                 last_errno())
    return result


def raise_net(result, handle, name):
    """Raise the exception for status result of the call name on handle:
    the handle's message, except for HANDLE and BUSY, which only set the
    thread's last error."""
    if result in (STATUS_HANDLE, STATUS_BUSY):
        msg = last_error()
    else:
        msg = _decode(_errmsg(handle))
    raise errors.from_status(result, msg or status_string(result), name, last_errno())


def _check_net(result, func, args):
    """errcheck for calls whose first argument is a handle (raise_net)."""
    if result != OK:
        raise_net(result, args[0], func.__name__)
    return result


FLOATP = POINTER(c_float)
# Float buffers (const float*, float*) are declared void*: the wrapper passes
# the integer address of memory it holds a reference to for the whole call
# (see _buffers.Floats) or a ctypes array. numpy's arr.ctypes.data_as() costs
# about 2-4 us per array, more than the whole single-sample predict budget.
FBUF = c_void_p
NETP = c_void_p  # entrena_net* is opaque: carried as an integer-valued void*

_P_I64 = POINTER(c_int64)
_P_I32 = POINTER(c_int32)
_P_SIZE = POINTER(c_size_t)


def _declare(name, argtypes, restype=c_int, check=None):
    f = getattr(lib, name)
    f.argtypes = argtypes
    f.restype = restype
    if check is not None:
        f.errcheck = check
    return f


G, N = _check_global, _check_net

version = _declare("entrena_version", [], c_char_p)
version_number = _declare("entrena_version_number", [], c_int)
abi_version = _declare("entrena_abi_version", [], c_int)

kernel_active = _declare("entrena_kernel_active", [c_char_p, c_size_t, _P_SIZE], check=G)
kernels_available = _declare("entrena_kernels_available", [c_char_p, c_size_t, _P_SIZE], check=G)
cpu_features = _declare("entrena_cpu_features", [c_char_p, c_size_t, _P_SIZE], check=G)
cpu_model = _declare("entrena_cpu_model", [c_char_p, c_size_t, _P_SIZE], check=G)
kernel_use = _declare("entrena_kernel_use", [c_char_p], check=G)

spec_init_sized = _declare("entrena_spec_init_sized", [POINTER(Spec), c_size_t], check=G)
create = _declare("entrena_create", [POINTER(Spec), POINTER(NETP)], check=G)
destroy = _declare("entrena_destroy", [NETP], check=G)
shape = _declare("entrena_shape", [NETP, _P_I64, _P_I64, _P_I64, _P_I64], check=N)
layer = _declare("entrena_layer", [NETP, c_int64, _P_I64, _P_I32], check=N)
layer_regularization = _declare("entrena_layer_regularization", [NETP, c_int64, FLOATP, FLOATP],
                                check=N)
training_config = _declare("entrena_training_config", [NETP, _P_I32, _P_I32, FLOATP], check=N)
optimizer_config = _declare("entrena_optimizer_config",
                            [NETP, FLOATP, FLOATP, FLOATP, FLOATP, FLOATP], check=N)
set_learning_rate = _declare("entrena_set_learning_rate", [NETP, c_float], check=N)
set_threads = _declare("entrena_set_threads", [NETP, c_int32], check=N)
thread_stats = _declare("entrena_thread_stats",
                        [NETP, _P_I32, _P_I32, _P_I32, POINTER(c_char_p)], check=N)
set_seed = _declare("entrena_set_seed", [NETP, c_uint64], check=N)

train_step = _declare("entrena_train_step",
                      [NETP, FBUF, c_int64, FBUF, c_int64, c_int64, FLOATP], check=N)
fit_options_init_sized = _declare("entrena_fit_options_init_sized",
                                  [POINTER(FitOptions), c_size_t], check=G)
fit = _declare("entrena_fit",
               [NETP, FBUF, c_int64, FBUF, c_int64, c_int64, POINTER(FitOptions), FLOATP],
               check=N)
predict = _declare("entrena_predict", [NETP, FBUF, c_int64, c_int64, FBUF, c_int64], check=N)
# The same function without errcheck, for Sequential.predict's single-sample
# fast path, which checks the status itself (raise_net): an errcheck costs a
# Python call and an argument tuple per call. lib[name] is a new function
# object; getattr(lib, name) would return (and reconfigure) `predict`.
predict_unchecked = lib["entrena_predict"]
predict_unchecked.argtypes = predict.argtypes
predict_unchecked.restype = c_int
evaluate = _declare("entrena_evaluate",
                    [NETP, FBUF, c_int64, FBUF, c_int64, c_int64, FLOATP, FLOATP], check=N)

param_count = _declare("entrena_param_count", [NETP, _P_I64], check=N)
get_params = _declare("entrena_get_params", [NETP, FBUF, c_int64], check=N)
set_params = _declare("entrena_set_params", [NETP, FBUF, c_int64], check=N)
history = _declare("entrena_history", [NETP, FBUF, c_int64, _P_I64], check=N)

def int32(v, what):
    """v as a C int32_t, or SpecError when it does not fit: ctypes would keep
    its low 32 bits (2**32 + 1 units would make a 1-unit layer)."""
    v = int(v)
    if not -2 ** 31 <= v < 2 ** 31:
        raise errors.SpecError("%s %d is out of range" % (what, v))
    return v


def path_arg(path):
    """A file path as the library takes it: bytes, refused with ValueError
    (as open() does) when it holds a NUL byte, where C would end the name."""
    b = os.fsencode(path)
    if b"\0" in b:
        raise ValueError("embedded null byte in path %r" % (path,))
    return b


save = _declare("entrena_save", [NETP, c_char_p], check=N)
save_onnx = _declare("entrena_save_onnx", [NETP, c_char_p], check=N)
load = _declare("entrena_load", [c_char_p, POINTER(NETP)], check=G)
model_size = _declare("entrena_model_size", [NETP, _P_SIZE], check=N)
save_buffer = _declare("entrena_save_buffer", [NETP, c_void_p, c_size_t, _P_SIZE], check=N)
load_buffer = _declare("entrena_load_buffer", [c_void_p, c_size_t, POINTER(NETP)], check=G)

schema_json = _declare("entrena_schema_json", [NETP, c_char_p, c_size_t, _P_SIZE], check=N)
set_schema_json = _declare("entrena_set_schema_json", [NETP, c_char_p], check=N)

debug_mallocs = _declare("entrena_debug_mallocs", [POINTER(c_uint64)], check=G)
debug_panic = _declare("entrena_debug_panic", [NETP], check=N)


def spec_init(spec):
    """entrena_spec_init(&spec): the header's macro, which passes the struct's size."""
    spec_init_sized(ctypes.byref(spec), ctypes.sizeof(spec))


def fit_options_init(opts):
    """entrena_fit_options_init(&opts), likewise."""
    fit_options_init_sized(ctypes.byref(opts), ctypes.sizeof(opts))


def get_string(fn):
    """Call a string-result function of entrena.h (size query, then fill)."""
    needed = c_size_t(0)
    fn(None, 0, ctypes.byref(needed))
    buf = ctypes.create_string_buffer(needed.value)
    fn(buf, needed.value, ctypes.byref(needed))
    return _decode(buf.value)


def _check_versions():
    abi = abi_version()
    if abi != ABI_VERSION:
        raise errors.VersionError(
            "entrena: %s has C ABI version %d, this package was written for %d"
            % (path, abi, ABI_VERSION))
    # The structs above are those of ABI 1; the library takes them whatever
    # its own sizes (entrena.h, CONVENTIONS, Versioned structs), or says why.
    for struct, init in ((Spec(), spec_init), (FitOptions(), fit_options_init)):
        try:
            init(struct)
        except errors.ArgumentError as e:
            raise errors.VersionError("entrena: %s does not take this package's %s: %s"
                                      % (path, type(struct).__name__, e))


_check_versions()
