"""fit's machinery: the History it returns, the progress callback the
library calls, Ctrl-C handling, validation_split, and the epoch-by-epoch
loop that runs Keras-style callbacks and metrics."""

import contextlib
import ctypes
import math
import signal
import threading
from ctypes import byref, c_float

from . import _lib
from . import metrics as _metrics
from . import schema as _schema
from ._buffers import Floats, new_output, np
from ._progress import ProgressBar
from .errors import DivergedError, ReduceError, StoppedError


class History:
    """What fit returns. ``history`` is Keras-style: {"loss": [...]} plus
    "val_loss" and "val_accuracy" when validation data was given (for a
    regression model "val_rmse" and "val_r2" in the target's units instead
    of an accuracy), one value per completed epoch; with compiled metrics
    or callbacks objects "loss", each metric, "val_loss" and "val_" each
    metric (and what callbacks add, such as "learning_rate"); ``epoch`` lists the epoch
    indices (0-based); ``stopped`` is True when a callback (or Ctrl-C) ended
    the fit early."""

    def __init__(self, validation, regression=None):
        self.history = {"loss": []}
        self._regression = regression  # (target scale, variance of the scaled validation targets)
        if validation:
            self.history["val_loss"] = []
            if regression is None:
                self.history["val_accuracy"] = []
            else:
                self.history["val_rmse"] = []
                self.history["val_r2"] = []
        self.epoch = []
        self.stopped = False

    @property
    def cost(self):
        """The mean training loss of each epoch (= history["loss"]; the name
        is kept from before Keras's vocabulary)."""
        return self.history["loss"]

    def __repr__(self):
        return "History(epochs=%d, loss=%s%s)" % (
            len(self.epoch), self.cost[-1:] or "[]", ", stopped" if self.stopped else "")


class _Progress:
    """A progress callback of entrena_fit: it records the report (record),
    then hands the user's callback its dict; it never raises into C."""

    def __init__(self, epochs, callback):
        self.epochs = epochs
        self.callback = callback
        self.interrupted = False
        self.user_stop = False
        self.exc = None

    def __call__(self, p, _user):
        try:
            p = p.contents
            epoch = self.record(p)
            if self.callback is not None and not self.interrupted:
                info = {"epoch": epoch, "epochs": self.epochs, "batch": p.batch,
                        "batches": p.batches, "samples": p.samples, "cost": p.cost,
                        "epoch_done": bool(p.epoch_done), "elapsed": p.elapsed_seconds}
                self.extend(info, p)
                if self.callback(info):
                    self.user_stop = True
                    return 1
            return 1 if self.interrupted else 0
        except BaseException as e:  # noqa: BLE001 - re-raised after entrena_fit returns
            self.exc = e
            return 1

    def extend(self, info, p):
        """Adds to the user callback's dict."""


class _FitState(_Progress):
    """The progress callback of a fit run in one entrena_fit call."""

    def __init__(self, history, epochs, verbose, callback, epoch_offset=0):
        super().__init__(epochs, callback)
        self.history = history
        self.bar = ProgressBar(epochs, verbose) if verbose else None
        self.epoch_offset = epoch_offset

    def record(self, p):
        e = p.epoch + self.epoch_offset
        if not p.epoch_done:
            if self.bar is not None:
                self.bar.batch(e, p.batch, p.batches, p.cost, p.elapsed_seconds)
            return e
        h = self.history
        h.epoch.append(e - 1)
        h.history["loss"].append(p.cost)
        val = None
        if "val_loss" in h.history:
            h.history["val_loss"].append(p.val_loss)
            if h._regression is None:
                val = (("val_loss", p.val_loss), ("val_accuracy", p.val_accuracy))
                h.history["val_accuracy"].append(p.val_accuracy)
            else:
                # MSE over one output: RMSE and R² follow from the loss exactly.
                scale, var = h._regression
                rmse = math.sqrt(max(p.val_loss, 0.0)) * scale
                r2 = 1 - p.val_loss / var if var > 0 else float("nan")
                h.history["val_rmse"].append(rmse)
                h.history["val_r2"].append(r2)
                val = (("val_loss", p.val_loss), ("val_rmse", rmse), ("val_r2", r2))
        if self.bar is not None:
            self.bar.epoch_end(e, p.batches, p.cost, p.elapsed_seconds, val)
        return e

    def extend(self, info, p):
        if p.epoch_done and "val_loss" in self.history.history:
            for k, v in self.history.history.items():
                if k.startswith("val_"):
                    info[k] = v[-1]


@contextlib.contextmanager
def sigint_to_flag(state):
    """While fit runs, Ctrl-C sets state.interrupted (checked by the progress
    callback after every batch) instead of raising inside the callback."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.getsignal(signal.SIGINT)
    if old in (signal.SIG_IGN, None):
        yield
        return

    def on_sigint(signum, frame):
        state.interrupted = True

    signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)



def split(X, Y, fraction):
    """The last ``fraction`` of the samples as validation data, as Keras's
    validation_split takes them (before any shuffling): four Floats viewing
    X's and Y's memory, nothing copied."""
    fraction = float(fraction)
    if not 0.0 < fraction < 1.0:
        raise ValueError("validation_split must be between 0 and 1, not %r" % (fraction,))
    n = X.samples
    train = int(math.floor(n * (1.0 - fraction)))
    if train < 1 or train >= n:
        raise ValueError("validation_split=%g of %d samples leaves no %s samples"
                         % (fraction, n, "training" if train < 1 else "validation"))
    xc, yc = X.size // n, Y.size // n

    def part(F, cols, first, count):
        return Floats(F.addr + 4 * first * cols, count * cols, count, F, False)
    return (part(X, xc, 0, train), part(Y, yc, 0, train),
            part(X, xc, train, n - train), part(Y, yc, train, n - train))


def metric_values(model, X, Y, names, want_accuracy_from_c):
    """The compiled metrics of the model on (X, Y), a dict by name."""
    out = {}
    if not names:
        return out
    h = model._h
    task = model.task
    need_pred = any(m != _metrics.ACCURACY for m in names) or task == _schema.MULTI_LABEL
    if _metrics.ACCURACY in names and task != _schema.MULTI_LABEL and want_accuracy_from_c:
        loss, acc = c_float(), c_float()
        _lib.evaluate(h, X.ptr, X.size, Y.ptr, Y.size, X.samples, byref(loss), byref(acc))
        out[_metrics.ACCURACY] = acc.value
    if not need_pred:
        return out
    res, O = new_output(X.samples, model._outputs)
    _lib.predict(h, X.ptr, X.size, X.samples, O.ptr, O.size)
    target = (ctypes.c_float * Y.size).from_address(Y.addr)
    if np is not None:
        p = res.ravel().astype(np.float64)
        t = np.frombuffer(target, dtype=np.float32).astype(np.float64)
        err = {_metrics.MAE: float(np.abs(p - t).mean()), _metrics.MSE: float(((p - t) ** 2).mean())}
        err[_metrics.RMSE] = math.sqrt(err[_metrics.MSE])
        ml_acc = float(((p >= 0.5) == (t >= 0.5)).mean())
    else:
        p, t = list(res), target[:]
        err = _metrics.errors(p, t)
        ml_acc = sum((a >= 0.5) == (b >= 0.5) for a, b in zip(p, t)) / len(t)
    scale = 1.0
    if model._tscale is not None and model._outputs == 1:
        scale = abs(model._tscale.scale[0])  # errors in the target's own units
    for m in names:
        if m == _metrics.ACCURACY:
            if task == _schema.MULTI_LABEL:
                out[m] = ml_acc
        elif m == _metrics.MSE:
            out[m] = err[m] * scale * scale
        else:
            out[m] = err[m] * scale
    return out


class _EpochState(_Progress):
    """The progress callback of a fit run epoch by epoch."""

    def __init__(self, bar, epochs, callbacks, callback):
        super().__init__(epochs, callback)
        self.bar = bar
        self.callbacks = callbacks
        self.epoch = 0  # 1-based, set before each epoch
        self.done = None  # (cost, batches, elapsed, val_loss, val_accuracy) of the finished epoch

    def record(self, p):
        if p.epoch_done:
            self.done = (p.cost, p.batches, p.elapsed_seconds, p.val_loss, p.val_accuracy)
            return self.epoch
        if self.bar is not None:
            self.bar.batch(self.epoch, p.batch, p.batches, p.cost, p.elapsed_seconds)
        for cb in self.callbacks:
            cb.on_train_batch_end(p.batch - 1, {"loss": p.cost})
        return self.epoch


class Reducer:
    """The reduce callback of a data-parallel fit (see entrena.distributed):
    hands allreduce a ctypes float array over the library's buffer and keeps
    the exception it raises, which becomes the ReduceError's __cause__."""

    def __init__(self, allreduce):
        try:
            self.rank, self.size = int(allreduce.rank), int(allreduce.size)
        except AttributeError:
            raise TypeError("allreduce must have rank and size attributes and sum a float32 "
                            "buffer in place when called (see entrena.distributed), not %r"
                            % (allreduce,)) from None
        if not callable(allreduce):
            raise TypeError("allreduce must be callable: allreduce(buf) sums buf over the ranks")
        self.allreduce = allreduce
        self.exc = None
        self._arrays = {}  # buffer length -> ctypes array type
        self.cfun = _lib.REDUCE_FN(self)

    def __call__(self, addr, n, _user):
        try:
            t = self._arrays.get(n)
            if t is None:
                t = self._arrays[n] = ctypes.c_float * n
            self.allreduce(t.from_address(addr))
            return 0
        except BaseException as e:  # noqa: BLE001 - the ReduceError's cause
            self.exc = e
            return 1

    @contextlib.contextmanager
    def errors(self):
        """Gives a ReduceError the allreduce's own exception as its cause."""
        try:
            yield
        except ReduceError as e:
            if self.exc is not None:
                raise e from self.exc
            raise


@contextlib.contextmanager
def _no_reducer():
    yield


def reduce_errors(reducer):
    """reducer.errors(), or nothing to do without a reducer."""
    return reducer.errors() if reducer is not None else _no_reducer()


def fit_options(epochs, batch_size, shuffle, VX, VY, reducer=None):
    """entrena_fit_options for a fit: progress after every batch, the
    validation buffers when given (VX, VY: floats_in results or None), and
    a data-parallel fit's reduce callback, rank and size (reducer: a
    Reducer or None)."""
    opts = _lib.FitOptions()
    _lib.fit_options_init(opts)
    opts.epochs = _lib.int32(epochs, "epochs")
    opts.batch_size = _lib.int32(batch_size, "batch_size")
    opts.shuffle = 1 if shuffle else 0
    opts.progress_every_batch = 1
    if VX is not None:
        opts.val_x, opts.val_x_len = VX.addr, VX.size
        opts.val_y, opts.val_y_len = VY.addr, VY.size
        opts.val_samples = VX.samples
    if reducer is not None:
        opts.reduce = reducer.cfun
        opts.rank, opts.size = reducer.rank, reducer.size
    return opts


def run_by_epoch(model, X, Y, VX, VY, reg, epochs, initial_epoch, batch_size, shuffle, verbose,
                 callbacks, callback, reducer=None):
    """fit with callbacks objects or compiled metrics: one library fit per
    epoch, so that between epochs the metrics are computed and callbacks may
    use the model. Returns the History: with compiled metrics its keys are
    theirs; without, those of a plain fit (val_accuracy, or for regression
    val_rmse and val_r2, as ``reg`` of the plain fit gives them)."""
    h = model._h
    names = model._metric_names
    cbs = list(callbacks or [])
    hist = History(False)
    keys = ["loss"] + names
    if VX is not None:
        keys += ["val_loss"] + ["val_" + m for m in names]
        if not names:
            keys += ["val_accuracy"] if reg is None else ["val_rmse", "val_r2"]
    hist.history = {k: [] for k in keys}
    model.history = hist
    model.stop_training = False
    bs = int(batch_size or model._max_batch)
    for cb in cbs:
        cb.set_model(model)
        cb.set_params({"epochs": epochs, "steps": -(-X.samples // bs), "verbose": verbose})
    bar = ProgressBar(epochs, verbose) if verbose else None
    state = _EpochState(bar, epochs, cbs, callback)
    opts = fit_options(1, bs, shuffle, VX, VY, reducer)
    cfun = _lib.PROGRESS_FN(state)  # kept alive by this frame during the calls
    opts.progress = cfun
    cost = c_float()
    logs = {}
    for cb in cbs:
        cb.on_train_begin(logs)
    with sigint_to_flag(state):
        for epoch in range(int(initial_epoch), int(epochs)):
            logs = {}
            for cb in cbs:
                cb.on_epoch_begin(epoch, logs)
            state.epoch, state.done = epoch + 1, None
            try:
                with reduce_errors(reducer):
                    _lib.fit(h, X.ptr, X.size, Y.ptr, Y.size, X.samples, byref(opts), byref(cost))
            except StoppedError:
                pass
            except DivergedError as e:
                e.history = hist
                raise
            if state.exc is not None:
                raise state.exc
            if state.interrupted:
                hist.stopped = True
                raise KeyboardInterrupt("entrena: fit interrupted after %d epochs; the model "
                                        "keeps its updates (see model.history)" % len(hist.epoch))
            if state.done is None:  # a callback stopped the epoch before its end
                hist.stopped = True
                break
            loss, batches, elapsed, val_loss, val_acc = state.done
            logs["loss"] = loss
            logs.update(metric_values(model, X, Y, names, True))
            if VX is not None:
                logs["val_loss"] = val_loss
                # the library measured the validation accuracy already
                vals = metric_values(model, VX, VY, names, False)
                if _metrics.ACCURACY in names and _metrics.ACCURACY not in vals:
                    vals[_metrics.ACCURACY] = val_acc
                logs.update(("val_" + k, v) for k, v in vals.items())
                if not names and reg is None:
                    logs["val_accuracy"] = val_acc
                elif not names:
                    scale, var = reg  # as _FitState computes them
                    mse = val_loss
                    if any(l.l2 for l in model._layers):
                        # the loss holds the weight decay's penalty too
                        mse = metric_values(model, VX, VY, [_metrics.MSE], False)[_metrics.MSE] \
                            / (scale * scale)
                    logs["val_rmse"] = math.sqrt(max(mse, 0.0)) * scale
                    logs["val_r2"] = 1 - mse / var if var > 0 else float("nan")
            if bar is not None:
                bar.epoch_end(epoch + 1, batches, loss, elapsed,
                              [(k, logs[k]) for k in keys[1:] if k in logs])
            for cb in cbs:
                cb.on_epoch_end(epoch, logs)
            hist.epoch.append(epoch)
            for k, v in logs.items():
                hist.history.setdefault(k, []).append(v)
            if state.user_stop or model.stop_training:
                hist.stopped = True
                break
    del cfun
    for cb in cbs:
        cb.on_train_end(logs)
    return hist
