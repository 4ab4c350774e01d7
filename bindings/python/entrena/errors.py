"""Exceptions: one class per entrena_status (capi/include/entrena.h).

Every non-OK status of the C library is raised as a subclass of EntrenaError
whose message is the library's own (entrena_errmsg / entrena_last_error).
The status code is in ``err.status`` and the C function in ``err.function``.
Where a Python built-in fits, the class also derives from it, so
``except ValueError`` catches bad shapes and data and ``except OSError``
catches file errors.
"""


class EntrenaError(Exception):
    """Base class of every error the entrena library reports."""

    status = None

    def __init__(self, message, status=None, function=None):
        super().__init__(message)
        if status is not None:
            self.status = status
        self.function = function


class ArgumentError(EntrenaError, ValueError):
    """ENTRENA_ERR_ARGUMENT: NULL pointer, negative count, bad enum value."""
    status = 1


class SpecError(EntrenaError, ValueError):
    """ENTRENA_ERR_SPEC: invalid network spec or training option."""
    status = 2


class ShapeError(EntrenaError, ValueError):
    """ENTRENA_ERR_SHAPE: sizes or buffer lengths that do not match the network."""
    status = 3


class DataError(EntrenaError, ValueError):
    """ENTRENA_ERR_DATA: NaN or Inf in inputs, targets or parameters, or a
    target out of range for the loss (a BCE target outside [0, 1], a CCE
    row that does not sum to 1)."""
    status = 4


class DivergedError(EntrenaError, ArithmeticError):
    """ENTRENA_ERR_DIVERGED: the loss became NaN/Inf; weights restored to the
    start of the failing epoch."""
    status = 5


class StoppedError(EntrenaError):
    """ENTRENA_ERR_STOPPED: the progress callback asked to stop."""
    status = 6


class ModelError(EntrenaError, ValueError):
    """ENTRENA_ERR_MODEL: model file or bytes truncated, corrupted or not a model."""
    status = 7


class VersionError(EntrenaError):
    """ENTRENA_ERR_VERSION: model of an unsupported format version (also raised
    at import when the library's ABI does not match this package)."""
    status = 8


class EntrenaIOError(EntrenaError, OSError):
    """ENTRENA_ERR_IO: a file could not be opened, read or written."""
    status = 9


class HandleError(EntrenaError):
    """ENTRENA_ERR_HANDLE: NULL, unknown or destroyed handle (a closed model)."""
    status = 10


class BusyError(EntrenaError):
    """ENTRENA_ERR_BUSY: the model was called from inside its own fit callback."""
    status = 11


class KernelError(EntrenaError):
    """ENTRENA_ERR_KERNEL: unknown or unavailable kernel path (or bad ENTRENA_KERNELS)."""
    status = 12


class InternalError(EntrenaError):
    """ENTRENA_ERR_INTERNAL: a bug in entrena (a recovered Go panic)."""
    status = 13


class ReduceError(EntrenaError):
    """ENTRENA_ERR_REDUCE: the all-reduce of a data-parallel fit failed (on
    this rank, or it timed out waiting for another); the step was not
    applied. Its __cause__ is the allreduce's own exception, when it raised one."""
    status = 14


_BY_STATUS = {c.status: c for c in (
    ArgumentError, SpecError, ShapeError, DataError, DivergedError, StoppedError, ModelError,
    VersionError, EntrenaIOError, HandleError, BusyError, KernelError, InternalError, ReduceError)}


def from_status(status, message, function=None, os_errno=0):
    """The exception for a non-OK status. os_errno (entrena_last_errno) becomes
    the errno of file errors, which are OSErrors; the message stays the
    library's."""
    cls = _BY_STATUS.get(status, EntrenaError)
    e = cls(message, status=status, function=function)
    if os_errno and isinstance(e, OSError):
        e.errno = os_errno
    return e
