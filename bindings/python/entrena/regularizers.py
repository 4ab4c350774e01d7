"""Weight regularizers, as Keras spells them: ``Dense(units, activation,
kernel_regularizer=entrena.regularizers.l2(1e-3))``.

L2(λ) adds λ·Σw² over the layer's weights (its kernel, not its biases) to
the loss, so the weights' gradient gains 2λ·w; the library does it (the
same in Go, C and the CLI). The loss fit, evaluate and the history report
includes the penalty, as Keras's does."""

import math

from .errors import SpecError


class L2:
    """Keras's ``L2(l2=0.01)``: λ·Σw² over the layer's weights."""

    def __init__(self, l2=0.01):
        l2 = float(l2)
        if not math.isfinite(l2) or l2 < 0:
            raise SpecError("l2 must be non-negative and finite, got %r" % (l2,))
        self.l2 = l2

    def __repr__(self):
        return "L2(%g)" % self.l2

    def __eq__(self, other):
        return isinstance(other, L2) and other.l2 == self.l2

    __hash__ = None


def l2(l2=0.01):
    """Keras's ``regularizers.l2(l2=0.01)``."""
    return L2(l2)


def get(reg):
    """The weight decay λ of a kernel_regularizer: None (0), an L2, "l2"
    (Keras's default 0.01) or a number."""
    if reg is None:
        return 0.0
    if isinstance(reg, L2):
        return reg.l2
    if isinstance(reg, str) and reg.lower() == "l2":
        return L2().l2
    if isinstance(reg, (int, float)) and not isinstance(reg, bool):
        return L2(reg).l2
    raise SpecError("unknown kernel_regularizer %r (entrena has L2 only: "
                    "entrena.regularizers.l2(1e-3), or 'l2')" % (reg,))
