"""entrena: Python bindings (pure ctypes) for the entrena training core.

    import entrena
    model = entrena.Sequential([entrena.Dense(128, "sigmoid"), entrena.Dense(10, "softmax")],
                               inputs=784, loss="cce", optimizer=entrena.SGD(lr=0.5),
                               max_batch=256, seed=1)
    history = model.fit(x, y, epochs=5, batch_size=64, validation_data=(xv, yv))
    probs = model.predict(xv)
    loss, accuracy = model.evaluate(xv, yv)
    model.save("model.entrena")

Rules that come from the C library (capi/include/entrena.h):

* The library contains a Go runtime: do not fork() after importing entrena
  (use multiprocessing's "spawn" or "forkserver" start method), and load only
  one Go-built shared library per process.
* ctypes releases the GIL during every library call, so other Python threads
  run while a model trains. Separate models may be used from different
  threads at once; calls on one model are serialised by the library. From
  inside a fit callback, any call on the same model raises BusyError.
* numpy is optional (set ENTRENA_NO_NUMPY=1 to run without it even when it
  is installed); see entrena._buffers for what is passed zero-copy.
"""

from . import _lib
from ._buffers import HAVE_NUMPY
from .errors import (ArgumentError, BusyError, DataError, DivergedError, EntrenaError,
                     EntrenaIOError, HandleError, InternalError, KernelError, ModelError,
                     ReduceError, ShapeError, SpecError, StoppedError, VersionError)
from .model import (Adam, Dense, History, RegressionScores, SGD, Sequential, ThreadStats,
                    from_bytes, load_model, to_categorical)
from .plot import plot_history
from .layers import Dropout, Flatten, Input
from .optimizers import RMSprop
from .callbacks import Callback, EarlyStopping, LearningRateScheduler, ModelCheckpoint
# Keras's module names, so that `import entrena as keras` scripts find
# keras.layers.Dense, keras.callbacks.EarlyStopping, keras.optimizers.Adam ...
from . import callbacks, distributed, layers, metrics, optimizers, regularizers, utils  # noqa: E402,F401
from . import model as models  # noqa: E402 - keras.models.load_model

__version__ = "0.1.0"

#: Path of the loaded libentrena.so.
library_path = _lib.path
LibraryNotFoundError = _lib.LibraryNotFoundError


def version():
    """The library's version string (ENTRENA_VERSION_STRING)."""
    return _lib.version().decode()


def kernel_path():
    """The kernel path in use now: "generic", "avx2", "avx512" or "neon"."""
    return _lib.get_string(_lib.kernel_active)


def available_kernels():
    """The kernel paths this CPU and build can run, generic first, best last."""
    return _lib.get_string(_lib.kernels_available).split(",")


def cpu_features():
    """The CPU features entrena looks at, as cpuid names them."""
    s = _lib.get_string(_lib.cpu_features)
    return s.split(",") if s else []


def cpu_model():
    """The CPU brand string (possibly empty)."""
    return _lib.get_string(_lib.cpu_model)


def use_kernels(path):
    """Make `path` the kernel path of the whole process (KernelError if this
    CPU cannot run it). Results do not depend on the path beyond rounding."""
    _lib.kernel_use(path.encode())


__all__ = [
    "Sequential", "Dense", "SGD", "Adam", "History", "RegressionScores", "ThreadStats", "load_model",
    "from_bytes",
    "to_categorical", "plot_history", "version", "kernel_path", "available_kernels",
    "cpu_features", "cpu_model", "use_kernels", "library_path", "HAVE_NUMPY",
    "EntrenaError", "ArgumentError", "SpecError", "ShapeError", "DataError", "DivergedError",
    "StoppedError", "ModelError", "VersionError", "EntrenaIOError", "HandleError", "BusyError",
    "KernelError", "InternalError", "ReduceError", "LibraryNotFoundError",
    "Input", "Flatten", "Dropout", "RMSprop", "Callback", "EarlyStopping", "ModelCheckpoint", "LearningRateScheduler",
    "callbacks", "distributed", "layers", "metrics", "optimizers", "regularizers", "utils", "models",
]
