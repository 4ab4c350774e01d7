"""Layers: Dense, the one kind of layer the library has, and Dropout, which
the library applies to the outputs of the Dense layer before it."""

import copy
import math

from ._enums import ACTIVATIONS
from . import regularizers as _regularizers
from .errors import SpecError


class Dense:
    """A dense layer: ``units`` outputs with an activation ("sigmoid", "tanh",
    "relu", "linear", or "softmax" for the output layer with loss "cce").
    Without one (or None) it is "linear", as in Keras. ``input_dim`` or
    ``input_shape`` on the first layer gives the model its inputs (features
    per sample), as ``inputs=`` does. ``kernel_regularizer``
    (``entrena.regularizers.l2(1e-3)``) decays the layer's weights."""

    def __init__(self, units, activation=None, input_dim=None, input_shape=None,
                 kernel_regularizer=None):
        if activation is None:
            activation = "linear"
        if activation not in ACTIVATIONS:
            raise SpecError("unknown activation %r (valid: %s)" % (activation, ", ".join(ACTIVATIONS)))
        self.units = int(units)
        self.activation = activation
        self.l2 = _regularizers.get(kernel_regularizer)
        self.kernel_regularizer = _regularizers.L2(self.l2) if self.l2 else None
        self.dropout = 0.0  # set by the Dropout that follows it in a Sequential
        self.input_dim = None
        if input_dim is not None:
            self.input_dim = int(input_dim)
        elif input_shape is not None:
            n = 1
            for d in tuple(input_shape):
                n *= int(d)
            self.input_dim = n

    def __repr__(self):
        extra = ", kernel_regularizer=l2(%g)" % self.l2 if self.l2 else ""
        return "Dense(%d, %r%s)" % (self.units, self.activation, extra)

    def __eq__(self, other):
        return isinstance(other, Dense) and (self.units, self.activation, self.l2) == \
            (other.units, other.activation, other.l2)

    __hash__ = None


class Dropout:
    """Keras's ``Dropout(rate)`` after a Dense layer: while training, each
    output of that layer is zeroed with probability ``rate`` and the others
    scaled by 1/(1 − rate); predict and evaluate use every output. The
    library draws the masks from the model's seed and step count (the same
    run gives the same masks, whatever the threads). It must follow a hidden
    Dense layer: entrena has no dropout on the inputs or on the output
    layer."""

    def __init__(self, rate, noise_shape=None, seed=None, name=None):
        rate = float(rate)
        if not (0 <= rate < 1) or math.isnan(rate):
            raise SpecError("Dropout rate must be in [0, 1), got %r" % (rate,))
        if noise_shape is not None:
            raise SpecError("Dropout(noise_shape=) is not supported: entrena drops each output alone")
        self.rate = rate

    def __repr__(self):
        return "Dropout(%g)" % self.rate


def _size(shape):
    n = 1
    for d in tuple(shape):
        n *= int(d)
    return n


class Input:
    """Keras's ``Input(shape=(20,))`` as a model's first entry: it gives the
    inputs (the product of the shape) and is no layer of the network."""

    def __init__(self, shape, name=None):
        self.input_dim = _size(shape)

    def __repr__(self):
        return "Input(%d)" % self.input_dim


class Flatten:
    """Keras's ``Flatten(input_shape=(28, 28))`` as a model's first entry:
    entrena reads an (n, 28, 28) x as (n, 784) rows by itself, so it only
    gives the inputs (when input_shape is given) and is no layer."""

    def __init__(self, input_shape=None, name=None):
        self.input_dim = _size(input_shape) if input_shape is not None else None

    def __repr__(self):
        return "Flatten()"


def split_inputs(entries):
    """The layers of a Sequential's list and the inputs its leading Input or
    Flatten entries (or the first Dense's input_shape) give, or None."""
    entries = list(entries)
    inputs = None
    while entries and isinstance(entries[0], (Input, Flatten)):
        inputs = entries.pop(0).input_dim or inputs
    for e in entries:
        if isinstance(e, (Input, Flatten)):
            raise SpecError("%r must come first: entrena's models are stacks of Dense layers" % (e,))
    if inputs is None and entries and isinstance(entries[0], Dense):
        inputs = entries[0].input_dim
    return _fold_dropout(entries), inputs


def _fold_dropout(entries):
    """The Dense layers of entries, each Dropout made the rate of the Dense
    layer before it."""
    layers = []
    for e in entries:
        if not isinstance(e, Dropout):
            layers.append(e)
            continue
        if not layers or not isinstance(layers[-1], Dense):
            raise SpecError("%r must follow a Dense layer: entrena applies dropout to a layer's "
                            "outputs, not to the model's inputs" % (e,))
        if layers[-1].dropout:
            raise SpecError("two Dropouts after %r: give one rate" % (layers[-1],))
        layers[-1] = copy.copy(layers[-1])  # the caller's Dense stays as it was
        layers[-1].dropout = e.rate
    return layers
