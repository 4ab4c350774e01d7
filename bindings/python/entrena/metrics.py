"""Metrics for compile(metrics=[...]): their names and how they are computed.

"accuracy" (Keras's "acc" too) is the library's accuracy (argmax for a
softmax output, 0.5 for one sigmoid output); "mae" and "rmse" (and "mse")
are in the target's units for a model whose schema scales the target."""

import math

from .errors import SpecError

ACCURACY, MAE, RMSE, MSE = "accuracy", "mae", "rmse", "mse"
_ALIASES = {"accuracy": ACCURACY, "acc": ACCURACY, "categorical_accuracy": ACCURACY,
            "sparse_categorical_accuracy": ACCURACY, "binary_accuracy": ACCURACY,
            "mae": MAE, "mean_absolute_error": MAE,
            "rmse": RMSE, "root_mean_squared_error": RMSE,
            "mse": MSE, "mean_squared_error": MSE}


def names(metrics):
    """The canonical names of compile's metrics list (None: no metrics)."""
    if metrics is None:
        return []
    if isinstance(metrics, str):
        metrics = [metrics]
    out = []
    for m in metrics:
        key = _ALIASES.get(m.lower() if isinstance(m, str) else m)
        if key is None:
            raise SpecError("unknown metric %r (valid: %s)" % (m, ", ".join(sorted(_ALIASES))))
        if key not in out:
            out.append(key)
    return out


def errors(pred, target):
    """{"mae", "rmse", "mse"} of two flat lists of floats."""
    n = len(target)
    if n == 0:
        return {MAE: float("nan"), RMSE: float("nan"), MSE: float("nan")}
    sse = sae = 0.0
    for a, b in zip(pred, target):
        d = a - b
        sse += d * d
        sae += abs(d)
    return {MAE: sae / n, RMSE: math.sqrt(sse / n), MSE: sse / n}
