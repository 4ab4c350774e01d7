"""The Keras-like model API over the C library."""

import array
import collections
import contextlib
import ctypes
import json
import math
import os
import signal
import threading
import weakref
from ctypes import byref, c_char_p, c_float, c_int32, c_int64, c_size_t, c_void_p

from . import _lib
from . import schema as _schema
from ._buffers import data_pointer, floats_in, floats_out, new_flat, new_output, np
from ._progress import ProgressBar
from .errors import DataError, DivergedError, HandleError, ShapeError, SpecError, StoppedError

ACTIVATIONS = {"sigmoid": 0, "tanh": 1, "relu": 2, "linear": 3, "softmax": 4}
_ACT_NAMES = {v: k for k, v in ACTIVATIONS.items()}
LOSSES = {"mse": 0, "bce": 1, "cce": 2,
          "mean_squared_error": 0, "binary_crossentropy": 1, "categorical_crossentropy": 2}
_LOSS_NAMES = {0: "mse", 1: "bce", 2: "cce"}
_OPT_NAMES = {0: "sgd", 1: "momentum", 2: "adam"}
_F32 = np.dtype(np.float32) if np is not None else None
_NDARRAY = np.ndarray if np is not None else None
_EMPTY = np.empty if np is not None else None
_PREDICT = _lib.predict_unchecked
_ARRAY = array.array


class Dense:
    """A dense layer: ``units`` outputs with an activation ("sigmoid", "tanh",
    "relu", "linear", or "softmax" for the output layer with loss "cce")."""

    def __init__(self, units, activation="sigmoid"):
        if activation not in ACTIVATIONS:
            raise SpecError("unknown activation %r (valid: %s)" % (activation, ", ".join(ACTIVATIONS)))
        self.units = int(units)
        self.activation = activation

    def __repr__(self):
        return "Dense(%d, %r)" % (self.units, self.activation)

    def __eq__(self, other):
        return isinstance(other, Dense) and (self.units, self.activation) == (other.units, other.activation)


class SGD:
    """Stochastic gradient descent: w -= lr*g; with momentum > 0,
    v = momentum*v + g; w -= lr*v."""

    def __init__(self, lr=0.1, momentum=0.0, learning_rate=None):
        self.lr = float(learning_rate if learning_rate is not None else lr)
        self.momentum = float(momentum)

    def _apply(self, spec):
        spec.optimizer = 1 if self.momentum else 0
        spec.learning_rate = self.lr
        spec.momentum = self.momentum

    def __repr__(self):
        return "SGD(lr=%g, momentum=%g)" % (self.lr, self.momentum)


class Adam:
    """Adam with beta1, beta2 and epsilon."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, learning_rate=None):
        self.lr = float(learning_rate if learning_rate is not None else lr)
        self.beta1, self.beta2, self.epsilon = float(beta1), float(beta2), float(epsilon)

    def _apply(self, spec):
        spec.optimizer = 2
        spec.learning_rate = self.lr
        # 0 in the C struct means "the default"; -0.0 asks for an actual 0.
        spec.beta1, spec.beta2, spec.epsilon = (v if v != 0 else -0.0
                                                for v in (self.beta1, self.beta2, self.epsilon))

    def __repr__(self):
        return "Adam(lr=%g)" % self.lr


class ThreadStats(collections.namedtuple("ThreadStats", "threads cores in_use reason")):
    """What Sequential.thread_stats returns: ``threads``, the most a step may
    use (the ``threads`` of the model, or the cores when that is 0);
    ``cores``, the cores this process can use (GOMAXPROCS, CPU affinity,
    cgroup CPU quota); ``in_use``, the threads steps use now; ``reason``, why
    ``in_use`` is below ``threads`` ("" when it is not). str() gives
    "2 of 2 threads" or "1 of 2 threads (contended: ...)"."""

    __slots__ = ()

    def __str__(self):
        if not self.reason:
            return "%d of %d threads" % (self.in_use, self.threads)
        return "%d of %d threads (%s)" % (self.in_use, self.threads, self.reason)


def _optimizer(opt):
    if isinstance(opt, (SGD, Adam)):
        return opt
    if opt == "sgd":
        return SGD()
    if opt == "momentum":
        return SGD(momentum=0.9)
    if opt == "adam":
        return Adam()
    raise SpecError("unknown optimizer %r (valid: 'sgd', 'momentum', 'adam', SGD(...), Adam(...))" % (opt,))


class RegressionScores(collections.namedtuple("RegressionScores", "loss rmse mae r2")):
    """What evaluate returns for a regression model: the loss (on the
    network's scale), and RMSE, MAE and R² in the target's own units."""
    __slots__ = ()


class History:
    """What fit returns. ``history`` is Keras-style: {"loss": [...]} plus
    "val_loss" and "val_accuracy" when validation data was given (for a
    regression model "val_rmse" and "val_r2" in the target's units instead
    of an accuracy), one value per completed epoch; ``epoch`` lists the epoch
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
        """The mean training cost of each epoch (= history["loss"])."""
        return self.history["loss"]

    def __repr__(self):
        return "History(epochs=%d, loss=%s%s)" % (
            len(self.epoch), self.cost[-1:] or "[]", ", stopped" if self.stopped else "")


def _destroy(handle):
    try:
        _lib.destroy(handle)
    except Exception:  # noqa: BLE001 - finalisers must not raise
        pass


class _FitState:
    """Everything the progress callback needs; it never raises into C."""

    def __init__(self, history, epochs, verbose, callback, epoch_offset=0):
        self.history = history
        self.epochs = epochs
        self.bar = ProgressBar(epochs, verbose) if verbose else None
        self.callback = callback
        self.epoch_offset = epoch_offset
        self.interrupted = False
        self.user_stop = False
        self.exc = None

    def __call__(self, p, _user):
        try:
            p = p.contents
            if p.epoch_done:
                e = p.epoch + self.epoch_offset
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
            elif self.bar is not None:
                self.bar.batch(p.epoch + self.epoch_offset, p.batch, p.batches, p.cost,
                               p.elapsed_seconds)
            if self.callback is not None and not self.interrupted:
                info = {"epoch": p.epoch + self.epoch_offset, "epochs": self.epochs,
                        "batch": p.batch, "batches": p.batches, "samples": p.samples,
                        "cost": p.cost, "epoch_done": bool(p.epoch_done),
                        "elapsed": p.elapsed_seconds}
                if p.epoch_done and "val_loss" in self.history.history:
                    for k, v in self.history.history.items():
                        if k.startswith("val_"):
                            info[k] = v[-1]
                if self.callback(info):
                    self.user_stop = True
                    return 1
            return 1 if self.interrupted else 0
        except BaseException as e:  # noqa: BLE001 - re-raised after entrena_fit returns
            self.exc = e
            return 1


@contextlib.contextmanager
def _sigint_to_flag(state):
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


class Sequential:
    """A stack of dense layers over the C library's network.

    ``Sequential(layers, inputs=..., loss=..., optimizer=...)`` builds the
    network at once (weights initialised from ``seed``); without ``inputs``,
    call :meth:`compile` to build it. The model owns a C handle: use
    ``with Sequential(...) as m:`` or call :meth:`close`; a model that is
    garbage-collected is closed by a weakref.finalize, and closing twice is a
    no-op, so the handle is never freed twice.

    Arguments:
      layers     list of Dense
      inputs     features per sample
      loss       "mse", "bce" (sigmoid output) or "cce" (softmax output)
      optimizer  "sgd", "momentum", "adam", SGD(lr, momentum) or Adam(lr, ...)
      learning_rate  overrides the optimizer's rate
      max_batch  the largest batch of a training step (buffers are sized for it)
      seed       weight initialisation and shuffling
      threads    cores a step may use: None or 0 = all, 1 = the calling thread
    """

    def __init__(self, layers=(), inputs=None, loss="mse", optimizer="sgd", learning_rate=None,
                 max_batch=32, seed=1, threads=None):
        self._schema = self._fscale = self._tscale = None
        self._scaled = False
        self._handle = None
        self._hv = None  # the handle as a c_void_p (predict's fast path); None when closed
        self._finalizer = None
        self._layers = list(layers)
        self.history = None
        if inputs is not None:
            self.compile(optimizer=optimizer, loss=loss, inputs=inputs, learning_rate=learning_rate,
                         max_batch=max_batch, seed=seed, threads=threads)

    # -------------------------------------------------------------- lifecycle

    def compile(self, optimizer="sgd", loss="mse", inputs=None, learning_rate=None, max_batch=32,
                seed=1, threads=None):
        """Build the network (rebuilding re-initialises the weights from seed)."""
        if inputs is None:
            raise SpecError("compile: inputs (features per sample) is required")
        if not self._layers:
            raise SpecError("a model needs at least one layer")
        if loss not in LOSSES:
            raise SpecError("unknown loss %r (valid: %s)" % (loss, ", ".join(LOSSES)))
        for l in self._layers:
            if not isinstance(l, Dense):
                raise SpecError("layers must be entrena.Dense, not %r" % (l,))
        opt = _optimizer(optimizer)
        n = len(self._layers)
        units = (c_int32 * n)(*[l.units for l in self._layers])
        acts = (c_int32 * n)(*[ACTIVATIONS[l.activation] for l in self._layers])
        spec = _lib.Spec()
        _lib.spec_init(spec)
        spec.inputs = int(inputs)
        spec.n_layers = n
        spec.loss = LOSSES[loss]
        spec.units = units
        spec.activations = acts
        opt._apply(spec)
        if learning_rate is not None:
            spec.learning_rate = float(learning_rate)
        spec.max_batch = int(max_batch)
        spec.threads = int(threads or 0)
        spec.seed = int(seed)
        h = _lib.NETP()
        _lib.create(byref(spec), byref(h))
        self.close()
        self._adopt(h.value)
        return self

    def _adopt(self, handle):
        self._handle = handle
        self._finalizer = weakref.finalize(self, _destroy, handle)
        self._read_shape()
        self._hv = c_void_p(handle)
        self._read_schema()

    def _read_schema(self):
        h = self._handle
        text = _lib.get_string(lambda buf, n, needed: _lib.schema_json(h, buf, n, needed))
        self._schema = json.loads(text) if text else None
        s = self._schema or {}
        self._fscale = _schema.Scaling(s["feature_scaling"]) if s.get("feature_scaling") else None
        self._tscale = _schema.Scaling(s["target_scaling"]) if s.get("target_scaling") else None
        self._scaled = self._fscale is not None or self._tscale is not None

    def _read_shape(self):
        i, o, mb, nl = c_int64(), c_int64(), c_int64(), c_int64()
        _lib.shape(self._handle, byref(i), byref(o), byref(mb), byref(nl))
        self._inputs, self._outputs, self._max_batch = i.value, o.value, mb.value
        layers = []
        u, a = c_int64(), c_int32()
        for k in range(nl.value):
            _lib.layer(self._handle, k, byref(u), byref(a))
            layers.append(Dense(u.value, _ACT_NAMES.get(a.value, str(a.value))))
        self._layers = layers
        n = c_int64()
        _lib.param_count(self._handle, byref(n))
        self._param_count = n.value
        # predict's single-sample arguments, converted once: x_len, samples, out_len
        self._one = (c_int64(self._inputs), c_int64(1), c_int64(self._outputs))
        self._out1 = (1, self._outputs)
        self._zeros1 = array.array("f", bytes(4 * self._outputs))  # copied, never written

    @property
    def _h(self):
        h = self._handle
        if h is None:
            raise HandleError("the model is closed (or was never compiled)", status=10)
        return h

    def close(self):
        """Release the C network. Idempotent; the model is unusable afterwards."""
        f, self._finalizer, self._handle, self._hv = self._finalizer, None, None, None
        if f is not None:
            f()  # weakref.finalize runs its function at most once

    @property
    def closed(self):
        return self._handle is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __reduce__(self):
        return (from_bytes, (self.to_bytes(),))

    # ------------------------------------------------------------- properties

    @property
    def inputs(self):
        self._h
        return self._inputs

    @property
    def outputs(self):
        self._h
        return self._outputs

    @property
    def max_batch(self):
        self._h
        return self._max_batch

    @property
    def layers(self):
        return list(self._layers)

    def count_params(self):
        """Number of weights and biases."""
        self._h
        return self._param_count

    def _config(self):
        loss, opt, lr = c_int32(), c_int32(), c_float()
        _lib.training_config(self._h, byref(loss), byref(opt), byref(lr))
        return loss.value, opt.value, lr.value

    @property
    def loss(self):
        return _LOSS_NAMES[self._config()[0]]

    @property
    def optimizer(self):
        return _OPT_NAMES[self._config()[1]]

    @property
    def learning_rate(self):
        return self._config()[2]

    @learning_rate.setter
    def learning_rate(self, lr):
        _lib.set_learning_rate(self._h, float(lr))

    @property
    def schema(self):
        """The model's data schema as a dict (a copy), or None: see
        entrena.schema. ``entrena train`` saves one with a model trained on
        CSV data; set_schema attaches one."""
        return json.loads(json.dumps(self._schema)) if self._schema is not None else None

    def set_schema(self, schema):
        """Attach a data schema (a dict as ``schema`` returns it; None
        removes it). It is saved with the model, and predict, predict_labels,
        evaluate and fit then work in the data's own units: the feature
        scaling is applied to x, a regression target's scaling to y."""
        doc = None if schema is None else json.dumps(dict(schema, version=schema.get("version", 1)))
        _lib.set_schema_json(self._h, None if doc is None else doc.encode())
        self._read_schema()

    @property
    def task(self):
        """"classification", "regression" or "multi-label": the schema's, or
        for a model without one "regression" when the output layer is linear."""
        if self._schema is not None:
            return self._schema["task"]
        if self._layers and self._layers[-1].activation == "linear":
            return _schema.REGRESSION
        return _schema.CLASSIFICATION

    def set_threads(self, threads):
        """Cores later steps may use (0 = all, 1 = the calling thread only)."""
        _lib.set_threads(self._h, int(threads or 0))

    def thread_stats(self):
        """A ThreadStats: the threads steps use now and why fewer than they
        may (the process can use fewer cores, or the machine is busy and steps
        run on one thread for a while). Like every call on the model it waits
        for a fit running in another thread, and raises BusyError from a fit
        callback."""
        threads, cores, in_use, reason = c_int32(), c_int32(), c_int32(), c_char_p()
        # The reason is in this thread's storage until its next thread_stats
        # call, so other threads cannot rewrite it before it is copied.
        _lib.thread_stats(self._h, byref(threads), byref(cores), byref(in_use), byref(reason))
        return ThreadStats(threads.value, cores.value, in_use.value, _lib._decode(reason.value))

    def summary(self):
        """A text summary of the layers and parameter counts."""
        self._h
        lines = ["Sequential: %d inputs, loss %s, optimizer %s (lr %g), max_batch %d"
                 % (self._inputs, self.loss, self.optimizer, self.learning_rate, self._max_batch)]
        prev = self._inputs
        for i, l in enumerate(self._layers):
            lines.append("  dense_%d  %-8s units %-7d params %d"
                         % (i, l.activation, l.units, l.units * prev + l.units))
            prev = l.units
        lines.append("  total params %d" % self._param_count)
        return "\n".join(lines)

    def __repr__(self):
        if self._handle is None:
            return "<entrena.Sequential %r (closed)>" % (self._layers,)
        return "<entrena.Sequential %d -> %s>" % (
            self._inputs, " -> ".join("%d %s" % (l.units, l.activation) for l in self._layers))

    # --------------------------------------------------------------- training

    def _xy(self, x, y):
        if self._fscale is not None:
            x = self._fscale.apply(x, self._inputs)
        X = floats_in(x, self._inputs, "x")
        if self._schema is not None and self._schema.get("task") == _schema.CLASSIFICATION \
                and _length(y) == X.samples:
            y = self._label_targets(y)
        if self._tscale is not None:
            y = _schema.Scaling({"offset": self._tscale.offset, "scale": self._tscale.scale}).apply(y, 1)
        try:
            Y = floats_in(y, self._outputs, "y")
        except ShapeError:
            Y = None
        if (Y is None or Y.samples != X.samples) and self._outputs > 1 and self.loss == "cce" \
                and _length(y) == X.samples:
            raise DataError("y holds one value per sample, but categorical cross-entropy needs "
                            "one-hot rows of %d (entrena.to_categorical(y, %d) makes them)"
                            % (self._outputs, self._outputs), status=4)
        if Y is None:
            Y = floats_in(y, self._outputs, "y")
        if X.samples != Y.samples:
            raise ShapeError("x has %d samples but y has %d" % (X.samples, Y.samples), status=3)
        return X, Y

    def _label_targets(self, y):
        """Class labels (one per sample, as the training file wrote them) as
        the network's targets; y as given when it is not one label per sample."""
        classes = self._schema["classes"]
        if np is not None and isinstance(y, np.ndarray) and y.ndim == 2 and y.shape[1] > 1:
            return y  # one-hot rows
        values = y.ravel().tolist() if np is not None and isinstance(y, np.ndarray) else list(y)
        if values and isinstance(values[0], (list, tuple)):
            if all(len(v) == 1 for v in values):
                values = [v[0] for v in values]
            else:
                return y
        index = {_schema.label_key(c): i for i, c in enumerate(classes)}
        idx = []
        for v in values:
            i = index.get(_schema.label_key(v))
            if i is None:
                if self._outputs == 1 and all(u in (0, 1) for u in values):
                    return y  # 0/1 targets of the one output
                raise DataError("label %r is not one of the model's classes (%s)"
                                % (v, ", ".join(classes)), status=4)
            idx.append(i)
        if self._outputs == 1:
            return array.array("f", idx)
        return to_categorical(idx, self._outputs)

    def train_on_batch(self, x, y):
        """One gradient step on one batch (at most max_batch samples); returns
        the batch's cost before the update. A step that diverges (its cost,
        or a weight or optimizer value after its update, would be NaN or
        Inf) raises DataError and leaves the model exactly as it was."""
        h = self._h
        X, Y = self._xy(x, y)
        cost = c_float()
        _lib.train_step(h, X.ptr, X.size, Y.ptr, Y.size, X.samples, byref(cost))
        return cost.value

    def fit(self, x, y, epochs=1, batch_size=None, learning_rate=None, shuffle=True, seed=None,
            validation_data=None, verbose=1, callback=None):
        """Train for ``epochs`` passes over (x, y); returns a History.

        batch_size      samples per step, at most max_batch (None = max_batch;
                        more is a ShapeError, as for train_step)
        learning_rate   when given, the network's rate from now on
        shuffle         a new random order every epoch, from the network's own
                        seeded RNG (same seed, same order as the Go API)
        seed            when given, the shuffling generator restarts from it
                        first (entrena_set_seed): the same seed gives the same
                        order as the Go API's Network.Reseed(seed)
        validation_data (x_val, y_val): loss and accuracy after every epoch
        verbose         0 silent, 1 a progress bar per epoch, 2 one line per epoch
        callback        callback(info: dict) after every batch and epoch
                        (info["epoch_done"]); a true result stops training
                        after that batch and fit returns the partial history
                        with ``stopped`` set. It must not call this model
                        (BusyError).

        Ctrl-C (SIGINT) stops training after the current batch: the model
        keeps the updates made so far and stays usable, ``model.history``
        holds the completed epochs, and fit raises KeyboardInterrupt.
        DivergedError (cost NaN/Inf) restores the weights of the start of
        the failing epoch; its ``history`` attribute holds the epochs before.
        """
        h = self._h
        X, Y = self._xy(x, y)
        epochs = int(epochs)
        if learning_rate is not None:
            _lib.set_learning_rate(h, float(learning_rate))
        opts = _lib.FitOptions()
        _lib.fit_options_init(opts)
        opts.epochs = epochs
        opts.batch_size = int(batch_size or 0)
        opts.shuffle = 1 if shuffle else 0
        opts.progress_every_batch = 1
        if validation_data is not None:
            vx, vy = validation_data
            VX, VY = self._xy(vx, vy)
            opts.val_x, opts.val_x_len = VX.addr, VX.size
            opts.val_y, opts.val_y_len = VY.addr, VY.size
            opts.val_samples = VX.samples
        reg = None
        if validation_data is not None and self.task == _schema.REGRESSION and self._outputs == 1 \
                and self.loss == "mse":
            yv = (ctypes.c_float * VY.size).from_address(VY.addr)[:] if VY.size else []
            m = sum(yv) / len(yv) if yv else 0.0
            var = sum((v - m) ** 2 for v in yv) / len(yv) if yv else 0.0
            reg = (self._tscale.scale[0] if self._tscale is not None else 1.0, var)
        hist = History(validation_data is not None, reg)
        self.history = hist
        state = _FitState(hist, epochs, verbose, callback)
        cfun = _lib.PROGRESS_FN(state)  # kept alive by this frame during the call
        opts.progress = cfun
        cost = c_float()
        with _sigint_to_flag(state):
            try:
                if seed is not None:
                    _lib.set_seed(h, int(seed) & 0xFFFFFFFFFFFFFFFF)
                _lib.fit(h, X.ptr, X.size, Y.ptr, Y.size, X.samples, byref(opts), byref(cost))
            except StoppedError:
                hist.stopped = True
            except DivergedError as e:
                e.history = hist
                raise
        del cfun
        if state.exc is not None:
            raise state.exc
        if state.interrupted:
            hist.stopped = True
            raise KeyboardInterrupt("entrena: fit interrupted after %d epochs; the model keeps "
                                    "its updates (see model.history)" % len(hist.epoch))
        return hist

    # -------------------------------------------------------------- inference

    def predict(self, x, out=None):
        """Outputs for every row of x: a (samples, outputs) float32 numpy array
        (a flat array('f') without numpy). ``out``, when given, is a writable
        float32 buffer written in place and returned. A model whose schema
        scales its data (entrena train on CSV data) scales x as in training
        and returns a regression output in the target's units. A pandas
        DataFrame is read by column name when the model has a schema (see
        _by_name)."""
        if self._schema is not None and type(x) is not _NDARRAY:
            x = self._by_name(x)
        if self._scaled:
            return self._predict_scaled(x, out)
        return self._predict_unscaled(x, out)

    def _by_name(self, x):
        """x (a pandas DataFrame, or anything with columns and to_numpy) as
        the schema's features in the schema's order, so that a frame whose
        columns come in another order is not read positionally. The training
        label column, when present, is left out; a missing feature or a
        column the model does not know is a DataError naming it. Anything
        without named columns is returned as is."""
        cols = getattr(x, "columns", None)
        if cols is None or not hasattr(x, "to_numpy"):
            return x
        feats = self._schema["features"]
        names = [str(c) for c in cols]
        if names == feats:
            return x.to_numpy(dtype="float32")
        dup = sorted({n for n in names if names.count(n) > 1})
        label = self._schema.get("label")
        missing = [f for f in feats if f not in names]
        extra = [n for n in names if n not in feats and n != label]
        if dup or missing or extra:
            why = []
            if missing:
                why.append("missing %s" % ", ".join(repr(m) for m in missing))
            if extra:
                why.append("not features of the model: %s" % ", ".join(repr(e) for e in extra))
            if dup:
                why.append("named twice: %s" % ", ".join(repr(d) for d in dup))
            raise DataError("the columns do not match the model's %d features (%s): %s"
                            % (len(feats), ", ".join(feats[:8]) + (", ..." if len(feats) > 8 else ""),
                               "; ".join(why)))
        return x[[cols[names.index(f)] for f in feats]].to_numpy(dtype="float32")

    def _predict_unscaled(self, x, out=None):
        hv = self._hv
        if hv is not None and type(x) is _NDARRAY and x.dtype is _F32:
            # Fast path (single-sample latency): a (n, inputs) C-contiguous
            # float32 array in, a new array or a C-contiguous, aligned,
            # writable float32 `out` large enough, both zero-copy, with no
            # Floats objects and no errcheck. Anything else, errors included,
            # takes the general path below.
            shape = x.shape
            if len(shape) == 2 and shape[1] == self._inputs and shape[0] and x.flags.c_contiguous:
                n = shape[0]
                if out is None:
                    res = _EMPTY(self._out1 if n == 1 else (n, self._outputs), _F32)
                elif (type(out) is _NDARRAY and out.dtype is _F32 and out.flags.carray
                      and out.size >= n * self._outputs):
                    res = out
                else:
                    res = None
                if res is not None:
                    if n == 1 and res.size == self._outputs:
                        xlen, samples, outlen = self._one
                    else:
                        xlen, samples, outlen = x.size, n, res.size
                    st = _PREDICT(hv, data_pointer(x), xlen, samples, data_pointer(res), outlen)
                    if st:
                        _lib.raise_net(st, hv, "entrena_predict")
                    return res
        elif hv is not None and _NDARRAY is None and type(x) is _ARRAY and x.typecode == "f":
            # The same without numpy, for array('f') in and out. A memoryview
            # of each caller's array holds a buffer export for the call, so
            # the array cannot be resized (and its memory moved) meanwhile;
            # buffer_info() gives the address.
            k, inputs = len(x), self._inputs
            n = 1 if k == inputs else (k // inputs if k and k % inputs == 0 else 0)
            if n:
                need = n * self._outputs
                if out is None:
                    res = self._zeros1[:] if n == 1 else _ARRAY("f", bytes(4 * need))
                    hold_out = None
                elif type(out) is _ARRAY and out.typecode == "f" and len(out) >= need:
                    res, hold_out = out, memoryview(out)
                else:
                    res = None
                if res is not None:
                    hold_x = memoryview(x)
                    if n == 1 and len(res) == self._outputs:
                        xlen, samples, outlen = self._one
                    else:
                        xlen, samples, outlen = k, n, len(res)
                    st = _PREDICT(hv, x.buffer_info()[0], xlen, samples, res.buffer_info()[0],
                                  outlen)
                    hold_x.release()
                    if hold_out is not None:
                        hold_out.release()
                    if st:
                        _lib.raise_net(st, hv, "entrena_predict")
                    return res
        h = self._h
        X = floats_in(x, self._inputs, "x")
        if out is None:
            res, O = new_output(X.samples, self._outputs)
        else:
            res, O = out, floats_out(out, X.samples * self._outputs, "out")
        _lib.predict(h, X.ptr, X.size, X.samples, O.ptr, O.size)
        return res

    def _predict_scaled(self, x, out=None):
        """predict for a model whose schema scales its data: the features are
        scaled as in training, a regression output mapped back to the target's
        units."""
        if self._fscale is not None:
            x = self._fscale.apply(x, self._inputs)
        res = self._predict_unscaled(x, out)
        if self._tscale is not None:
            self._tscale.undo(res)
        return res

    def predict_labels(self, x):
        """What the model predicts for every row of x, as the training data
        said it: for a classifier the class labels as written in the training
        file (int or float for numbers, bool, str; class indices for a model
        without a schema), for a regression model the numbers in the target's
        units, for multi-label a list of the output names at >= 0.5 per row.
        A numpy array with numpy (a list of lists for multi-label), else a list."""
        res = self.predict(x)
        o = self._outputs
        vals = res.ravel().tolist() if np is not None else list(res)
        rows = [vals[i:i + o] for i in range(0, len(vals), o)]
        task = self.task
        s = self._schema or {}
        if task == _schema.REGRESSION:
            out = [r[0] for r in rows] if o == 1 else rows
        elif task == _schema.MULTI_LABEL:
            return [[s["classes"][j] for j, v in enumerate(r) if v >= 0.5] for r in rows]
        else:
            idx = [(1 if r[0] >= 0.5 else 0) if o == 1 else max(range(o), key=r.__getitem__) for r in rows]
            if "classes" in s:
                labels = [_schema.label_value(c, s.get("class_type", "string")) for c in s["classes"]]
                out = [labels[i] for i in idx]
            else:
                out = idx
        if np is not None:
            return np.asarray(out, dtype=object if out and isinstance(out[0], str) else None)
        return out

    def evaluate(self, x, y):
        """(loss, accuracy) over (x, y) for a classifier (multi-label: the
        share of outputs right at 0.5); for a regression model (see ``task``)
        RegressionScores(loss, rmse, mae, r2), in the target's units -- never
        an accuracy. With a schema, y may be the class
        labels as the training file wrote them, and x and y are in the
        data's own units (scaled as in training)."""
        h = self._h
        if self._schema is not None:
            x = self._by_name(x)
        X, Y = self._xy(x, y)
        loss, acc = c_float(), c_float()
        _lib.evaluate(h, X.ptr, X.size, Y.ptr, Y.size, X.samples, byref(loss), byref(acc))
        task = self.task
        if task == _schema.MULTI_LABEL:
            # Each output is its own yes/no: the share of outputs right at
            # 0.5, not the argmax match the library computes.
            p = flat_list(self.predict(x))
            t = flat_list(Y_values(Y))
            return loss.value, sum((a >= 0.5) == (b >= 0.5) for a, b in zip(p, t)) / len(t)
        if task != _schema.REGRESSION:
            return loss.value, acc.value
        pred = self.predict(x)
        p = pred.ravel().tolist() if np is not None else list(pred)
        t = y.ravel().tolist() if np is not None and isinstance(y, np.ndarray) else _schema._flat_floats(y)
        n = len(t)
        mean = sum(t) / n
        sse = sum((a - b) ** 2 for a, b in zip(p, t))
        sae = sum(abs(a - b) for a, b in zip(p, t))
        sst = sum((b - mean) ** 2 for b in t)
        r2 = 1 - sse / sst if sst > 0 else float("nan")
        return RegressionScores(loss.value, math.sqrt(sse / n), sae / n, r2)

    # ------------------------------------------------------------- parameters

    def get_params(self, out=None):
        """All weights and biases as one flat float32 array (per layer: its
        units x inputs weights row-major, then its biases). ``out``, when given,
        is a writable float32 buffer filled in place."""
        h = self._h
        n = self._param_count
        if out is None:
            res, O = new_flat(n)
        else:
            res, O = out, floats_out(out, n, "out")
        _lib.get_params(h, O.ptr, n)
        return res

    def set_params(self, values):
        """Replace all parameters (exactly count_params() floats; NaN/Inf raise
        DataError). Resets the optimizer state."""
        h = self._h
        P = floats_in(values, None, "params")
        _lib.set_params(h, P.ptr, P.size)

    def get_weights(self):
        """[W0, b0, W1, b1, ...]: with numpy W has shape (units, inputs) -- the
        transpose of Keras's kernel -- and b shape (units,); without numpy,
        flat array('f') slices."""
        flat = self.get_params()
        out, off, prev = [], 0, self._inputs
        for l in self._layers:
            nw = l.units * prev
            if np is not None:
                out.append(flat[off:off + nw].reshape(l.units, prev).copy())
                out.append(flat[off + nw:off + nw + l.units].copy())
            else:
                out.append(flat[off:off + nw])
                out.append(flat[off + nw:off + nw + l.units])
            off += nw + l.units
            prev = l.units
        return out

    def set_weights(self, weights):
        """The inverse of get_weights."""
        flat = array.array("f")
        prev = self._inputs
        if len(weights) != 2 * len(self._layers):
            raise ShapeError("set_weights needs %d arrays (W and b per layer), got %d"
                             % (2 * len(self._layers), len(weights)), status=3)
        for i, l in enumerate(self._layers):
            for part, n in ((weights[2 * i], l.units * prev), (weights[2 * i + 1], l.units)):
                P = floats_in(part, None, "weights[%d]" % i)
                if P.size != n:
                    raise ShapeError("layer %d: %d values where %d are needed" % (i, P.size, n),
                                     status=3)
                flat.frombytes(ctypes.string_at(P.addr, 4 * n))
            prev = l.units
        self.set_params(flat)

    def cost_history(self):
        """The cost of every epoch ever completed by fit on this model."""
        h = self._h
        n = c_int64()
        _lib.history(h, None, 0, byref(n))
        buf = (c_float * n.value)()
        _lib.history(h, buf, n.value, byref(n))
        return list(buf)

    # ------------------------------------------------------------ model files

    def save(self, path):
        """Save to a model file atomically (temporary file, fsync, rename,
        folder fsync). A symbolic link is followed and stays a link; a
        folder, device, FIFO or socket at the path raises EntrenaIOError (an
        OSError) and is left alone; a replaced file keeps its permissions,
        a new one gets 0666 less the umask."""
        _lib.save(self._h, os.fsencode(path))

    def to_onnx(self, path):
        """Write the model as an ONNX file (IR 7, opset 13) for any ONNX
        runtime: per layer a Gemm and its activation, input "input"
        [batch, inputs], output "output" [batch, outputs]. A model with a
        data schema (a CSV model) takes the raw features: the schema's
        feature scaling is in the graph, a regression's target scaling is
        undone on the output, and the schema's JSON (feature names, class
        labels) is the metadata entry "entrena.schema". Written atomically,
        like save."""
        _lib.save_onnx(self._h, os.fsencode(path))

    def to_bytes(self):
        """The model file as bytes (spec and parameters; not optimizer state)."""
        h = self._h
        size = c_size_t()
        _lib.model_size(h, byref(size))
        buf = ctypes.create_string_buffer(size.value)
        written = c_size_t()
        _lib.save_buffer(h, buf, size.value, byref(written))
        return buf.raw[:written.value]


def _wrap(handle):
    m = Sequential()
    m._adopt(handle)
    return m


def load_model(path):
    """Load a model file saved by save() (or by the Go/C APIs, or entrena
    train). Only a regular file is read (EntrenaIOError for a folder, device
    or FIFO), and a file whose header does not fit fails before the rest is
    read. A model trained on CSV data carries its data schema (see
    ``schema``), which predict and evaluate apply. A model without one that
    has a PATH.norm file beside it (written by entrena train before schemas
    existed) gets that scaling as its schema, so predict sees the features
    at the training scale; save() then keeps it inside the model file."""
    h = _lib.NETP()
    _lib.load(os.fsencode(path), byref(h))
    m = _wrap(h.value)
    if m._schema is None:
        try:
            _adopt_norm(m, os.fsdecode(path) + ".norm")
        except BaseException:
            m.close()
            raise
    return m


def _adopt_norm(m, norm_path):
    """Give a schema-less model the scaling of its .norm file, if any."""
    scaling = _schema.read_norm(norm_path, m.to_bytes(), m.inputs)
    if scaling is None:
        return
    task = m.task
    doc = {"task": task, "features": [str(j) for j in range(m.inputs)], "header": False,
           "label_column": -1, "columns": 0, "feature_scaling": scaling}
    if task == _schema.CLASSIFICATION:
        doc["classes"] = [str(j) for j in range(max(m.outputs, 2))]
        doc["class_type"] = "number"
    m.set_schema(doc)


def from_bytes(data):
    """A model from the bytes of a model file (to_bytes())."""
    data = bytes(data)
    h = _lib.NETP()
    _lib.load_buffer(data, len(data), byref(h))
    return _wrap(h.value)


Sequential.load = staticmethod(load_model)
Sequential.from_bytes = staticmethod(from_bytes)


def flat_list(a):
    """A flat list of floats from a numpy array or array('f')."""
    return a.ravel().tolist() if np is not None and isinstance(a, np.ndarray) else list(a)


def Y_values(Y):
    """The floats a Floats input holds."""
    return (ctypes.c_float * Y.size).from_address(Y.addr)[:] if Y.size else []


def _length(y):
    """The number of values y holds along its first axis (-1: unknown)."""
    try:
        if np is not None and isinstance(y, np.ndarray):
            return y.shape[0] if y.ndim == 2 and y.shape[1] == 1 else y.size
        return len(y)
    except TypeError:
        return -1


def to_categorical(labels, num_classes):
    """One-hot float32 targets for integer labels: (n, num_classes) with
    numpy, else a flat array('f')."""
    labels = list(labels) if np is None else np.asarray(labels).astype(np.int64).ravel()
    if np is not None:
        out = np.zeros((labels.size, num_classes), dtype=np.float32)
        out[np.arange(labels.size), labels] = 1
        return out
    out = array.array("f", bytes(4 * len(labels) * num_classes))
    for i, c in enumerate(labels):
        out[i * num_classes + int(c)] = 1
    return out

