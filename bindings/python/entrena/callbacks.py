"""Keras-style callback objects for ``fit(callbacks=[...])``.

A fit with callbacks runs one epoch at a time, so between epochs a callback
may use its model (``self.model``): read or set weights, save it, change its
learning rate, or set ``self.model.stop_training = True`` to end the fit
after this epoch. ``on_train_batch_end`` runs inside the library's training
loop, where calls on the model raise BusyError; it may only read its logs
(``{"loss": running mean of the epoch}``)."""

import math
import warnings

from .errors import SpecError


class Callback:
    """Base class: override the hooks you need. ``logs`` of on_epoch_end
    holds the epoch's history values ("loss", "accuracy", "val_loss", ...)."""

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_end(self, batch, logs=None):
        pass


def _better(mode, monitor):
    """A function telling whether a value improves on the best by more than a
    delta, and the starting best, for mode "min", "max" or "auto"."""
    if mode not in ("auto", "min", "max"):
        raise SpecError("mode must be 'auto', 'min' or 'max', not %r" % (mode,))
    if mode == "auto":
        mode = "max" if ("acc" in monitor or monitor.endswith("r2")) else "min"
    if mode == "max":
        return (lambda v, best, delta: v > best + delta), -math.inf
    return (lambda v, best, delta: v < best - delta), math.inf


def _monitored(cb, logs):
    v = (logs or {}).get(cb.monitor)
    if v is None:
        warnings.warn("%s: %r is not in the epoch's logs (%s); nothing is monitored"
                      % (type(cb).__name__, cb.monitor, ", ".join(sorted(logs or {}))),
                      RuntimeWarning, stacklevel=3)
    return v


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for
    ``patience`` epochs. With ``restore_best_weights`` the model gets the
    weights of its best epoch back when it stops (the last epoch's weights
    are kept when it ran to the end, as in Keras). ``stopped_epoch`` is the
    0-based epoch it stopped after (0 when it did not stop), ``best_epoch``
    the best one."""

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__()
        self.monitor = monitor
        self.min_delta = abs(float(min_delta))
        self.patience = int(patience)
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = int(start_from_epoch)
        self._improves, self._worst = _better(mode, monitor)

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = self._worst if self.baseline is None else float(self.baseline)
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        v = _monitored(self, logs)
        if v is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_params()  # something to go back to
        self.wait += 1
        if self._improves(v, self.best, self.min_delta):
            self.best, self.best_epoch = v, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_params()
            if self.baseline is None or self._improves(v, float(self.baseline), 0.0):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                if self.verbose:
                    print("Restoring model weights from the end of the best epoch: %d."
                          % (self.best_epoch + 1))
                self.model.set_params(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose:
            print("Epoch %d: early stopping" % (self.stopped_epoch + 1))


class ModelCheckpoint(Callback):
    """Save the model after every epoch to ``filepath`` (which may hold
    format fields such as ``"ckpt-{epoch:02d}-{val_loss:.3f}.entrena"``:
    epoch is 1-based, the rest come from the epoch's logs). With
    ``save_best_only`` only when ``monitor`` improved. The file is an
    entrena model file (``save_weights_only`` writes the same file: the
    weights with the layers they belong to); ``best`` is the best value
    seen."""

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__()
        if save_freq != "epoch":
            raise SpecError("ModelCheckpoint: only save_freq='epoch' is supported")
        self.filepath = filepath
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self._improves, worst = _better(mode, monitor)
        self.best = worst if initial_value_threshold is None else float(initial_value_threshold)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        path = str(self.filepath).format(epoch=epoch + 1, **logs)
        if self.save_best_only:
            v = _monitored(self, logs)
            if v is None or not self._improves(v, self.best, 0.0):
                return
            if self.verbose:
                print("Epoch %d: %s improved from %.5f to %.5f, saving model to %s"
                      % (epoch + 1, self.monitor, self.best, v, path))
            self.best = v
        elif self.verbose:
            print("Epoch %d: saving model to %s" % (epoch + 1, path))
        self.model.save(path)


class LearningRateScheduler(Callback):
    """Set the learning rate before every epoch to ``schedule(epoch, lr)``
    (or ``schedule(epoch)``), epoch 0-based; the rate is in the epoch's logs
    as "learning_rate"."""

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        lr = self.model.learning_rate
        try:
            new = self.schedule(epoch, lr)
        except TypeError:
            new = self.schedule(epoch)
        new = float(new)
        if not math.isfinite(new):
            raise ValueError("LearningRateScheduler: the schedule gave %r for epoch %d" % (new, epoch))
        self.model.learning_rate = new
        if self.verbose:
            print("Epoch %d: LearningRateScheduler setting learning rate to %g." % (epoch + 1, new))

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = self.model.learning_rate


class LambdaCallback(Callback):
    """A callback from functions: on_epoch_begin(epoch, logs),
    on_epoch_end(epoch, logs), on_train_begin(logs), on_train_end(logs)."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_end=None):
        super().__init__()
        for name, f in (("on_epoch_begin", on_epoch_begin), ("on_epoch_end", on_epoch_end),
                        ("on_train_begin", on_train_begin), ("on_train_end", on_train_end),
                        ("on_train_batch_end", on_train_batch_end)):
            if f is not None:
                setattr(self, name, f)
