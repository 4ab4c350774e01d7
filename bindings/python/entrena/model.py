"""The Keras-like model API over the C library."""

import array
import collections
import ctypes
import functools
import json
import math
import os
import weakref
from ctypes import byref, c_char_p, c_float, c_int32, c_int64, c_size_t, c_void_p

from . import _lib
from . import schema as _schema
from ._buffers import data_pointer, floats_in, floats_out, new_flat, new_output, np
from . import _fit, _summary
from ._fit import History, _FitState, sigint_to_flag
from . import _enums, metrics as _metrics, optimizers as _optimizers
from ._enums import ACTIVATIONS, LOSSES
from ._labels import OneHot
from .errors import DataError, DivergedError, HandleError, ShapeError, SpecError, StoppedError
from . import layers as _layers
from .layers import Dense
from .optimizers import SGD, Adam, RMSprop  # noqa: F401 - entrena.model.SGD/Adam stay importable

_F32 = np.dtype(np.float32) if np is not None else None
_NDARRAY = np.ndarray if np is not None else None
_EMPTY = np.empty if np is not None else None
_PREDICT = _lib.predict_unchecked
_ARRAY = array.array


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


class RegressionScores(collections.namedtuple("RegressionScores", "loss rmse mae r2")):
    """What evaluate returns for a regression model: the loss (on the
    network's scale), and RMSE, MAE and R² in the target's own units."""
    __slots__ = ()


def _retrying(method):
    """method, run again when it failed with HandleError because another
    thread replaced the model's network meanwhile (compile, or a fit that
    grew the batch: _replace destroys the old network after the swap), for
    as long as that happens. The failed call did nothing: a call on a
    destroyed handle fails first."""
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        while True:
            generation = self._generation
            try:
                return method(self, *args, **kwargs)
            except HandleError:
                if self._generation == generation or self._handle is None:
                    raise
    return call


def _destroy(handle):
    try:
        _lib.destroy(handle)
    except Exception:  # noqa: BLE001 - finalisers must not raise
        pass


class Sequential:
    """A stack of dense layers over the C library's network.

    ``Sequential(layers, inputs=..., loss=..., optimizer=...)`` builds the
    network at once (weights initialised from ``seed``). As in Keras, loss,
    optimizer and metrics may come later in :meth:`compile`, and ``inputs``
    may come from the first layer (``Dense(..., input_shape=(20,))``) or,
    when nothing gives it, from x at the first :meth:`fit`; the model is
    only checked once it is built. The model owns a C handle: use
    ``with Sequential(...) as m:`` or call :meth:`close`; a model that is
    garbage-collected is closed by a weakref.finalize, and closing twice is a
    no-op, so the handle is never freed twice.

    Arguments:
      layers     list of Dense
      inputs     features per sample
      loss       "mse", "bce" (sigmoid output), "cce" (softmax output, one-hot
                 targets) or "sparse_categorical_crossentropy" (softmax
                 output, integer class labels); Keras's long names too.
                 None: "cce" for a softmax output, else "mse", until compile
      optimizer  "sgd", "momentum", "adam", "rmsprop", SGD(lr, momentum),
                 Adam(lr, ...) or RMSprop(lr, ...), Keras's defaults; none:
                 "rmsprop", as Keras's compile
      learning_rate  overrides the optimizer's rate
      max_batch  the largest batch of a training step (buffers are sized for
                 it); a fit with a larger batch_size grows it
      seed       weight initialisation and shuffling
      threads    cores a step may use: None or 0 = all, 1 = the calling thread
      metrics    as for compile: ["accuracy"], ["mae", "rmse"], ...
    """

    def __init__(self, layers=(), inputs=None, loss=None, optimizer=None, learning_rate=None,
                 max_batch=32, seed=1, threads=None, metrics=None, name=None):
        self._schema = self._fscale = self._tscale = None
        self._scaled = False
        self._handle = None
        self._hv = None  # the handle as a c_void_p (predict's fast path); None when closed
        self._finalizer = None
        self._generation = 0  # networks adopted so far (_retrying)
        self._layers, self._given_inputs = _layers.split_inputs(layers)
        self._cfg = {"loss": None, "optimizer": None, "learning_rate": None, "max_batch": 32,
                     "seed": 1, "threads": None}
        self._metric_names = []
        self._pending = False  # compiled, waiting for x to give the inputs
        self._one_hot = None
        self.name = name or "sequential"
        self.history = None
        self.stop_training = False
        if inputs is None:
            inputs = self._given_inputs
        if inputs is not None or loss is not None or optimizer is not None or metrics is not None:
            self.compile(optimizer=optimizer, loss=loss, metrics=metrics, inputs=inputs,
                         learning_rate=learning_rate, max_batch=max_batch, seed=seed,
                         threads=threads)

    # -------------------------------------------------------------- lifecycle

    def compile(self, optimizer=None, loss=None, metrics=None, inputs=None, learning_rate=None,
                max_batch=None, seed=None, threads=None):
        """Set the loss, optimizer and metrics (Keras's names), and build the
        network when its inputs are known: from ``inputs``, the model's
        earlier build, or the first layer's ``input_shape``; else the first
        fit builds it from x. Compiling a built model again keeps its weights
        (the optimizer state starts afresh); giving other ``inputs`` builds
        a new network, its weights initialised from ``seed``.

        metrics: a list of "accuracy" (Keras's "acc" too), "mae", "rmse",
        "mse". fit's history then has each of them per epoch (on the
        training data after the epoch) and, with validation data, "val_"
        each of them."""
        if loss is not None and loss not in LOSSES:
            raise SpecError("unknown loss %r (valid: %s)" % (loss, ", ".join(LOSSES)))
        opt = _optimizers.get(optimizer) if optimizer is not None else None
        names = _metrics.names(metrics) if metrics is not None else None
        if not self._layers:
            raise SpecError("a model needs at least one layer")
        for l in self._layers:
            if not isinstance(l, Dense):
                raise SpecError("layers must be entrena.Dense, not %r" % (l,))
        if inputs is None and self._handle is None:
            inputs = self._given_inputs
        cfg = dict(self._cfg)
        if opt is not None and learning_rate is None:
            cfg["learning_rate"] = None  # a new optimizer brings its own rate
        for k, v in (("loss", loss), ("optimizer", opt), ("learning_rate", learning_rate),
                     ("max_batch", max_batch), ("seed", seed), ("threads", threads)):
            if v is not None:
                cfg[k] = v
        self._cfg = cfg
        if names is not None:
            self._metric_names = names
        if self._handle is not None and (inputs is None or int(inputs) == self._inputs):
            self._rebuild()
        elif inputs is not None:
            self._build(int(inputs))
        else:
            self._pending = True
        return self

    def add(self, layer):
        """Append a layer (Keras's model.add), before the model is built."""
        if self._handle is not None:
            raise SpecError("add: the model is already built; layers cannot change")
        entries = ([_layers.Input((self._given_inputs,))] if self._given_inputs else []) \
            + self._layers + [layer]
        self._layers, self._given_inputs = _layers.split_inputs(entries)
        if self._pending and self._given_inputs is not None:
            self._build(self._given_inputs)

    def _spec_build(self, inputs, max_batch, learning_rate=None):
        """Create a network from the configuration; returns its handle."""
        cfg = self._cfg
        loss = cfg["loss"]
        if loss is None:
            loss = "cce" if self._layers[-1].activation == "softmax" else "mse"
        # Without an optimizer, Keras's compile default: "rmsprop".
        opt = cfg["optimizer"] if cfg["optimizer"] is not None else _optimizers.get("rmsprop")
        n = len(self._layers)
        units = (c_int32 * n)(*[_lib.int32(l.units, "units") for l in self._layers])
        acts = (c_int32 * n)(*[ACTIVATIONS[l.activation] for l in self._layers])
        spec = _lib.Spec()
        _lib.spec_init(spec)
        spec.inputs = _lib.int32(inputs, "inputs")
        spec.n_layers = n
        spec.loss = LOSSES[loss]
        spec.units = units
        spec.activations = acts
        # Weight decay and dropout per layer (the arrays live until create returns).
        l2 = (c_float * n)(*[l.l2 for l in self._layers])
        dropout = (c_float * n)(*[l.dropout for l in self._layers])
        if any(l2):
            spec.l2 = l2
        if any(dropout):
            spec.dropout = dropout
        opt._apply(spec)
        lr = learning_rate if learning_rate is not None else cfg["learning_rate"]
        if lr is not None:
            spec.learning_rate = float(lr)
        spec.max_batch = _lib.int32(max_batch, "max_batch")
        spec.threads = _lib.int32(cfg["threads"] or 0, "threads")
        spec.seed = int(cfg["seed"])
        h = _lib.NETP()
        _lib.create(byref(spec), byref(h))
        return h.value

    def _build(self, inputs):
        self._replace(self._spec_build(inputs, self._cfg["max_batch"]))

    def _replace(self, handle):
        """Make handle the model's network and release the old one. The new
        one is in place before the old is destroyed, so a call from another
        thread finds a network throughout (one that read the old handle just
        before is retried: see _retrying); a call on the old one that is
        still running finishes first (the library waits for it). When the
        old one cannot be released (BusyError: from a fit callback), the new
        one is, and the model stays as it was."""
        old, old_finalizer = self._handle, self._finalizer
        self._adopt(handle)
        if old_finalizer is None:
            return
        try:
            _lib.destroy(old)
        except BaseException:
            new_finalizer = self._finalizer
            self._adopt(old, old_finalizer)
            new_finalizer()
            raise
        old_finalizer.detach()

    def _rebuild(self, max_batch=None):
        """A new network with this one's layers and the configuration, the
        weights, schema and threads carried over (the optimizer state starts
        afresh): compile of a built model, and a batch over max_batch."""
        cfg = self._cfg
        loss_code, opt_code, lr = self._config()
        if cfg["loss"] is None:
            cfg["loss"] = _enums.LOSS_NAMES[loss_code]
        if cfg["optimizer"] is None:
            # A loaded model: its optimizer as the library has it, not the
            # defaults of its name.
            hyper = [c_float() for _ in range(5)]
            _lib.optimizer_config(self._h, *[byref(v) for v in hyper])
            cfg["optimizer"] = _optimizers.from_config(opt_code, lr, *[v.value for v in hyper])
            cfg["learning_rate"] = lr
        params = self.get_params()
        schema = self._schema
        mb = max_batch or max(self._max_batch, int(cfg["max_batch"] or 0))
        cfg["max_batch"] = mb
        # Growing keeps the rate the network has now (set by learning_rate=,
        # the property or a scheduler); compile takes the configured one.
        handle = self._spec_build(self._inputs, mb, learning_rate=lr if max_batch else None)
        try:
            _lib.set_params(handle, floats_in(params, None, "params").ptr, self._param_count)
            if schema is not None:
                doc = json.dumps(dict(schema, version=schema.get("version", 1)))
                _lib.set_schema_json(handle, doc.encode())
        except BaseException:
            _destroy(handle)
            raise
        self._replace(handle)

    def _build_from(self, x):
        """Build a compiled model whose inputs were not given from x: the
        features of one sample (Keras builds at the first fit, too)."""
        if self._handle is not None or not self._pending:
            return
        shape = getattr(x, "shape", None)
        if shape is not None and len(shape) >= 2:
            n = 1
            for d in shape[1:]:
                n *= int(d)
        elif isinstance(x, (list, tuple)) and x and isinstance(x[0], (list, tuple)):
            n = len(_flatten_nested(x[0]))
        else:
            raise SpecError("the model's inputs are unknown: give inputs= (or input_shape= on the "
                            "first layer), or x with one row per sample")
        self._build(n)

    def _adopt(self, handle, finalizer=None):
        self._pending = False
        self._one_hot = None
        self._handle = handle
        self._finalizer = finalizer or weakref.finalize(self, _destroy, handle)
        self._generation += 1
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
        u, a, l2, rate = c_int64(), c_int32(), c_float(), c_float()
        for k in range(nl.value):
            _lib.layer(self._handle, k, byref(u), byref(a))
            _lib.layer_regularization(self._handle, k, byref(l2), byref(rate))
            d = Dense(u.value, _enums.ACTIVATION_NAMES.get(a.value, str(a.value)),
                      kernel_regularizer=l2.value or None)
            d.dropout = rate.value
            layers.append(d)
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
            raise HandleError("the model is closed (or not built yet: give inputs=, or fit it)",
                              status=10)
        return h

    def close(self):
        """Release the C network. Idempotent; the model is unusable afterwards.
        From a fit callback (this thread's or another's) it raises BusyError
        and the model stays open: the library does not free a network in
        the middle of its fit. Called from another thread while a fit runs
        between callbacks, it waits for the fit to end."""
        self._pending = False
        f, h = self._finalizer, self._handle
        if f is None:
            return
        try:
            _lib.destroy(h)
        except HandleError:
            pass  # already gone: nothing left to release
        f.detach()
        self._finalizer, self._handle, self._hv = None, None, None

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
        return _enums.LOSS_NAMES[self._config()[0]]

    @property
    def optimizer(self):
        return _enums.OPTIMIZER_NAMES[self._config()[1]]

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

    @_retrying
    def set_threads(self, threads):
        """Cores later steps may use (0 = all, 1 = the calling thread only)."""
        _lib.set_threads(self._h, _lib.int32(threads or 0, "threads"))
        self._cfg["threads"] = threads  # kept when the network is rebuilt

    @_retrying
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

    def summary(self, print_fn=None):
        """Print a Keras-like table of the layers (name, output shape,
        parameters) and the totals; returns None. ``print_fn`` (print by
        default) receives each line."""
        for line in _summary.lines(self):
            (print_fn or print)(line)

    def __repr__(self):
        if self._handle is None:
            return "<entrena.Sequential %r (closed)>" % (self._layers,)
        return "<entrena.Sequential %d -> %s>" % (
            self._inputs, " -> ".join("%d %s" % (l.units, l.activation) for l in self._layers))

    # --------------------------------------------------------------- training

    def _xy(self, x, y, reuse_labels=False):
        if self._schema is not None:
            x = self._by_name(x)
        if self._fscale is not None:
            x = self._fscale.apply(x, self._inputs)
        X = floats_in(x, self._inputs, "x")
        if self._schema is not None and self._schema.get("task") == _schema.CLASSIFICATION \
                and _length(y) == X.samples:
            y = self._label_targets(y)
        if self._tscale is not None:
            y = _schema.Scaling({"offset": self._tscale.offset, "scale": self._tscale.scale}).apply(y, 1)
        if self._outputs > 1 and _length(y) == X.samples and not _one_hot_rows(y, self._outputs):
            y = self._labels_to_one_hot(y, reuse_labels)
        Y = floats_in(y, self._outputs, "y")
        if X.samples != Y.samples:
            why = ""
            if self._outputs > 1:
                why = (" (y's %d values read as rows of the model's %d outputs; class labels "
                       "would be one value per sample)" % (Y.size, self._outputs))
            raise ShapeError("x has %d samples but y has %d%s" % (X.samples, Y.samples, why),
                             status=3)
        return X, Y

    def _labels_to_one_hot(self, y, reuse=False):
        """y holds one value per sample for a model of several outputs:
        integer class labels. With sparse categorical cross-entropy they
        become one-hot rows (in a buffer reused while the batch size stays);
        with any other loss that is a clear error, not a shape mismatch."""
        k = self._outputs
        if self._cfg["loss"] == _enums.SPARSE_CCE:
            if not reuse:
                return OneHot(k)(y)
            if self._one_hot is None:
                self._one_hot = OneHot(k)
            return self._one_hot(y)
        if self.loss == "cce":
            raise DataError("y holds one value per sample (class labels?), but categorical "
                            "cross-entropy needs one-hot rows of %d: compile with "
                            "loss='sparse_categorical_crossentropy' for integer labels, or "
                            "give entrena.to_categorical(y, %d)" % (k, k), status=4)
        raise ShapeError("y holds one value per sample, but the model has %d outputs (loss %s): "
                         "for integer class labels use a softmax output with "
                         "loss='sparse_categorical_crossentropy'" % (k, self.loss), status=3)

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

    @_retrying
    def train_on_batch(self, x, y):
        """One gradient step on one batch (at most max_batch samples); returns
        the batch's loss before the update. A step that diverges (its loss,
        or a weight or optimizer value after its update, would be NaN or
        Inf) raises DataError and leaves the model exactly as it was."""
        h = self._h
        X, Y = self._xy(x, y, reuse_labels=True)
        cost = c_float()
        _lib.train_step(h, X.ptr, X.size, Y.ptr, Y.size, X.samples, byref(cost))
        return cost.value

    @_retrying
    def fit(self, x=None, y=None, *, batch_size=None, epochs=1, verbose=1, callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, initial_epoch=0,
            learning_rate=None, seed=None, callback=None, allreduce=None):
        """Train for ``epochs`` passes over (x, y); returns a History.
        Everything after y is a keyword, as Keras scripts write it.

        batch_size      samples per step (None = max_batch); a larger one than
                        max_batch rebuilds the network once with buffers for
                        it, keeping the weights (the optimizer state starts
                        afresh)
        validation_split  the last fraction of (x, y) (before shuffling, as
                        Keras takes it) is held out as validation data;
                        validation_data wins when both are given
        validation_data (x_val, y_val): loss and accuracy after every epoch
        callbacks       entrena.callbacks objects (EarlyStopping,
                        ModelCheckpoint, LearningRateScheduler, Callback)
        learning_rate   when given, the network's rate from now on
        shuffle         a new random order every epoch, from the network's own
                        seeded RNG (same seed, same order as the Go API)
        seed            when given, the model's seed from now on, as if it had
                        been built with it (entrena_set_seed): the shuffling
                        and dropout's masks follow it (the weights stay), the
                        same seed gives the same order as the Go API's
                        Network.Reseed(seed), and save() keeps it
        verbose         0 silent, 1 a progress bar per epoch, 2 one line per epoch
        callback        callback(info: dict) after every batch and epoch
                        (info["epoch_done"]); a true result stops training
                        after that batch and fit returns the partial history
                        with ``stopped`` set. It must not call this model
                        (BusyError), nor change x or y: the next batch may
                        already be gathered.
        allreduce       data-parallel training across processes (see
                        entrena.distributed): each step takes batch_size
                        samples on each of allreduce.size ranks and sums
                        their gradients with allreduce(buf); x and y must be
                        the same on every rank. ReduceError when it fails.

        With ``callbacks`` or compiled ``metrics`` the fit runs one epoch at
        a time (callbacks may use the model between epochs) and the history
        has "loss", each metric, "val_loss" and "val_" each metric; the
        training metrics are measured on the training data after each
        epoch. Integer class labels need loss "sparse_categorical_crossentropy".
        Such a fit shuffles each epoch from the identity order (a plain fit
        reshuffles the last epoch's order), so with shuffle its batches
        differ from a plain fit's of the same seed; without, they are the same.

        Ctrl-C (SIGINT) stops training after the current batch: the model
        keeps the updates made so far and stays usable, ``model.history``
        holds the completed epochs, and fit raises KeyboardInterrupt.
        DivergedError (loss NaN/Inf) restores the weights of the start of
        the failing epoch; its ``history`` attribute holds the epochs before.
        """
        if verbose == "auto":  # Keras's default
            verbose = 1
        if batch_size is not None:
            batch_size = _lib.int32(batch_size, "batch_size")
        if self._handle is None and self._pending and batch_size is not None:
            # built here from x: with buffers for the batch at once
            self._cfg["max_batch"] = max(int(self._cfg["max_batch"] or 0), int(batch_size))
        self._build_from(x)
        h = self._h
        if batch_size is not None and int(batch_size) > self._max_batch:
            self._rebuild(max_batch=int(batch_size))
            h = self._h
        X, Y = self._xy(x, y)
        epochs = int(epochs)
        if learning_rate is not None:
            _lib.set_learning_rate(h, float(learning_rate))
        VX = VY = None
        if validation_data is not None:
            if len(validation_data) != 2:
                raise ValueError("validation_data must be (x_val, y_val); sample weights are not "
                                 "supported (got %d items)" % len(validation_data))
            VX, VY = self._xy(validation_data[0], validation_data[1])
            if VX.samples == 0:
                raise ShapeError("validation_data has no samples", status=3)
        elif validation_split:
            X, Y, VX, VY = _fit.split(X, Y, validation_split)
        if seed is not None:
            _lib.set_seed(h, int(seed) & 0xFFFFFFFFFFFFFFFF)
        reg = None
        if VX is not None and self.task == _schema.REGRESSION and self._outputs == 1 \
                and self.loss == "mse":
            yv = (ctypes.c_float * VY.size).from_address(VY.addr)[:] if VY.size else []
            m = sum(yv) / len(yv) if yv else 0.0
            var = sum((v - m) ** 2 for v in yv) / len(yv) if yv else 0.0
            reg = (self._tscale.scale[0] if self._tscale is not None else 1.0, var)
        reducer = _fit.Reducer(allreduce) if allreduce is not None else None
        # With weight decay the loss holds the penalty too, so a regression's
        # val_rmse and val_r2 come from predictions, between epochs.
        decays = reg is not None and any(l.l2 for l in self._layers)
        if callbacks or self._metric_names or initial_epoch or decays:
            return _fit.run_by_epoch(self, X, Y, VX, VY, reg, epochs, initial_epoch, batch_size,
                                     shuffle, verbose, callbacks, callback, reducer)
        opts = _fit.fit_options(epochs, int(batch_size or 0), shuffle, VX, VY, reducer)
        hist = History(VX is not None, reg)
        self.history = hist
        state = _FitState(hist, epochs, verbose, callback)
        cfun = _lib.PROGRESS_FN(state)  # kept alive by this frame during the call
        opts.progress = cfun
        cost = c_float()
        with sigint_to_flag(state):
            try:
                with _fit.reduce_errors(reducer):
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

    def predict(self, x, out=None, *, batch_size=None, verbose=0):
        """Outputs for every row of x: a (samples, outputs) float32 numpy array
        (a flat array('f') without numpy). ``out``, when given, is a writable
        float32 buffer written in place and returned. A model whose schema
        scales its data (entrena train on CSV data) scales x as in training
        and returns a regression output in the target's units. A pandas
        DataFrame is read by column name when the model has a schema (see
        _by_name). One sample of any shape that flattens to the inputs (one
        (28, 28) image for 784 inputs) gives one row. ``batch_size`` and
        ``verbose`` are accepted for Keras scripts; the library batches by
        itself and predict prints nothing."""
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
        # Scaled from the values as given (float64), as for a list or array.
        dtype = "float32" if self._fscale is None else "float64"
        if names == feats:
            return x.to_numpy(dtype=dtype)
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
        return x[[cols[names.index(f)] for f in feats]].to_numpy(dtype=dtype)

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
                        if self._hv is not hv and self._hv is not None:
                            return self._predict_unscaled(x, out)  # replaced meanwhile
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
                        if self._hv is not hv and self._hv is not None:
                            return self._predict_unscaled(x, out)  # replaced meanwhile
                        _lib.raise_net(st, hv, "entrena_predict")
                    return res
        h = self._h
        X = self._one_sample_or_rows(x)
        if out is None:
            res, O = new_output(X.samples, self._outputs)
        else:
            res, O = out, floats_out(out, X.samples * self._outputs, "out")
        while True:
            try:
                _lib.predict(h, X.ptr, X.size, X.samples, O.ptr, O.size)
                return res
            except HandleError:
                if self._handle is h or self._handle is None:
                    raise
                h = self._handle  # replaced meanwhile

    def _one_sample_or_rows(self, x):
        """x as rows of the inputs; one sample of another shape whose values
        number the inputs (an image for a flat input layer) as one row."""
        try:
            return floats_in(x, self._inputs, "x")
        except ShapeError:
            n = self._inputs
            if np is not None and isinstance(x, np.ndarray):
                if x.size == n and x.ndim >= 2:
                    return floats_in(x.reshape(1, n), n, "x")
            elif isinstance(x, (list, tuple)):
                flat = _flatten_nested(x)
                if len(flat) == n:
                    return floats_in(flat, n, "x")
            raise

    def _predict_scaled(self, x, out=None):
        """predict for a model whose schema scales its data: the features are
        scaled as in training, a regression output mapped back to the target's
        units."""
        if self._fscale is not None:
            x = self._fscale.apply(x, self._inputs, one_sample=True)
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

    @_retrying
    def evaluate(self, x, y, *, batch_size=None, verbose=0, return_dict=False):
        """(loss, accuracy) over (x, y) for a classifier (multi-label: the
        share of outputs right at 0.5); for a regression model (see ``task``)
        RegressionScores(loss, rmse, mae, r2), in the target's units -- never
        an accuracy. With a schema, y may be the class
        labels as the training file wrote them, and x and y are in the
        data's own units (scaled as in training). ``batch_size`` and
        ``verbose`` are accepted for Keras scripts (the library batches by
        itself, nothing is printed); ``return_dict=True`` gives
        {"loss": ..., "accuracy": ...} (or the regression scores by name).
        A model compiled with metrics returns, as Keras does, [loss, each
        metric in compile's order] (the dict: by those names)."""
        if self._metric_names:
            return self._evaluate_metrics(x, y, return_dict)
        res = self._evaluate(x, y)
        if return_dict:
            return dict(res._asdict()) if isinstance(res, RegressionScores) else \
                {"loss": res[0], "accuracy": res[1]}
        return res

    def _evaluate_metrics(self, x, y, return_dict):
        """evaluate of a model compiled with metrics, as Keras gives it:
        [loss, metric, ...] in compile's order (or a dict by name)."""
        h = self._h
        X, Y = self._xy(x, y)
        loss, acc = c_float(), c_float()
        _lib.evaluate(h, X.ptr, X.size, Y.ptr, Y.size, X.samples, byref(loss), byref(acc))
        vals = _fit.metric_values(self, X, Y, self._metric_names, True)
        if return_dict:
            return dict([("loss", loss.value)] + [(m, vals[m]) for m in self._metric_names])
        return [loss.value] + [vals[m] for m in self._metric_names]

    def _evaluate(self, x, y):
        h = self._h
        if self._schema is not None:
            x = self._by_name(x)  # once, for predict below too
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
        if np is not None:
            t = np.asarray(y, dtype=np.float64).ravel().tolist()  # a frame's values, not its names
        else:
            t = _schema._flat_floats(y)
        if len(t) != len(p):
            raise ShapeError("y has %d values for %d predictions" % (len(t), len(p)), status=3)
        n = len(t)
        mean = sum(t) / n
        sse = sum((a - b) ** 2 for a, b in zip(p, t))
        sae = sum(abs(a - b) for a, b in zip(p, t))
        sst = sum((b - mean) ** 2 for b in t)
        r2 = 1 - sse / sst if sst > 0 else float("nan")
        return RegressionScores(loss.value, math.sqrt(sse / n), sae / n, r2)

    # ------------------------------------------------------------- parameters

    @_retrying
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

    @_retrying
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
            for j, part, want in ((2 * i, weights[2 * i], (l.units, prev)),
                                  (2 * i + 1, weights[2 * i + 1], (l.units,))):
                _check_weight_shape(j, part, want)
                n = l.units * prev if len(want) == 2 else l.units
                P = floats_in(part, None, "weights[%d]" % j)
                if P.size != n:
                    raise ShapeError("weights[%d] (layer %d): %d values where %d are needed"
                                     % (j, i, P.size, n), status=3)
                flat.frombytes(ctypes.string_at(P.addr, 4 * n))
            prev = l.units
        self.set_params(flat)

    @_retrying
    def cost_history(self):
        """The loss of every epoch ever completed by fit on this model."""
        h = self._h
        n = c_int64()
        _lib.history(h, None, 0, byref(n))
        buf = (c_float * n.value)()
        _lib.history(h, buf, n.value, byref(n))
        return list(buf)

    # ------------------------------------------------------------ model files

    @_retrying
    def save(self, path):
        """Save to a model file atomically (temporary file, fsync, rename,
        folder fsync). A symbolic link is followed and stays a link; a
        folder, device, FIFO or socket at the path raises EntrenaIOError (an
        OSError) and is left alone; a replaced file keeps its permissions,
        a new one gets 0666 less the umask."""
        _lib.save(self._h, _lib.path_arg(path))

    @_retrying
    def to_onnx(self, path):
        """Write the model as an ONNX file (IR 7, opset 13) for any ONNX
        runtime: per layer a Gemm and its activation, input "input"
        [batch, inputs], output "output" [batch, outputs]. A model with a
        data schema (a CSV model) takes the raw features: the schema's
        feature scaling is in the graph, a regression's target scaling is
        undone on the output, and the schema's JSON (feature names, class
        labels) is the metadata entry "entrena.schema". Written atomically,
        like save."""
        _lib.save_onnx(self._h, _lib.path_arg(path))

    @_retrying
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
    _lib.load(_lib.path_arg(path), byref(h))
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


def _check_weight_shape(j, part, want):
    """ShapeError unless weights[j] has shape want (units, inputs) or
    (units,); flat data (1-D, or without a shape: what get_weights gives
    without numpy) is checked by its count alone. Keras's kernels are
    (inputs, units): the transpose of entrena's W."""
    shape = getattr(part, "shape", None)
    if shape is None and isinstance(part, (list, tuple)) and part \
            and isinstance(part[0], (list, tuple)):
        shape = (len(part), len(part[0]))
    if shape is None:
        return
    shape = tuple(int(d) for d in shape)
    if len(shape) == 1 or shape == want:
        return  # flat data: counted by the caller
    hint = ""
    if len(want) == 2 and shape == want[::-1]:
        hint = " (a Keras kernel is (inputs, units): pass its transpose, W.T)"
    raise ShapeError("weights[%d] has shape %s, the model needs %s%s"
                     % (j, shape, want, hint), status=3)


def _one_hot_rows(y, k):
    """Whether y is already given as rows of k values (2-D with k columns)."""
    shape = getattr(y, "shape", None)
    if shape is not None:
        return len(shape) == 2 and shape[1] == k
    try:
        return len(y) > 0 and isinstance(y[0], (list, tuple)) and len(y[0]) == k
    except TypeError:
        return False


def _flatten_nested(v):
    """The numbers of nested lists and tuples, in row-major order."""
    if isinstance(v, (list, tuple)):
        out = []
        for e in v:
            out.extend(_flatten_nested(e))
        return out
    return [v]


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


def to_categorical(labels, num_classes=None):
    """One-hot float32 targets for integer labels 0 … num_classes−1 (by
    default the largest label plus one, as Keras): (n, num_classes) with
    numpy, else a flat array('f'). A label outside that range, or one that
    is not a whole number, is a DataError."""
    if np is not None:
        a = np.asarray(labels).ravel()
        if a.dtype.kind not in "iub":
            a = a.astype(np.float64)
            whole = np.isfinite(a) & (a == np.floor(a))
            if not whole.all():
                raise DataError("label %r is not a whole number" % (a[~whole][0],), status=4)
        idx = a.astype(np.int64)
    else:
        idx = []
        for v in _flatten_nested(list(labels)):
            f = float(v)
            if not math.isfinite(f) or f != math.floor(f):
                raise DataError("label %r is not a whole number" % (v,), status=4)
            idx.append(int(f))
    n = len(idx)
    if num_classes is None:
        num_classes = int(max(idx)) + 1 if n else 0
    num_classes = int(num_classes)
    bad = [int(c) for c in (idx[(idx < 0) | (idx >= num_classes)][:1] if np is not None
                            else [c for c in idx if not 0 <= c < num_classes][:1])]
    if bad:
        raise DataError("label %d is outside 0 … %d (num_classes %d)"
                        % (bad[0], num_classes - 1, num_classes), status=4)
    if np is not None:
        out = np.zeros((n, num_classes), dtype=np.float32)
        out[np.arange(n), idx] = 1
        return out
    out = array.array("f", bytes(4 * n * num_classes))
    for i, c in enumerate(idx):
        out[i * num_classes + c] = 1
    return out
