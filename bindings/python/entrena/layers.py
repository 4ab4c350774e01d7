"""Layers: Dense, the one kind the library has."""

from ._enums import ACTIVATIONS
from .errors import SpecError


class Dense:
    """A dense layer: ``units`` outputs with an activation ("sigmoid", "tanh",
    "relu", "linear", or "softmax" for the output layer with loss "cce";
    None is "linear", as in Keras). ``input_dim`` or ``input_shape`` on the
    first layer gives the model its inputs (features per sample), as
    ``inputs=`` does."""

    def __init__(self, units, activation="sigmoid", input_dim=None, input_shape=None):
        if activation is None:
            activation = "linear"
        if activation not in ACTIVATIONS:
            raise SpecError("unknown activation %r (valid: %s)" % (activation, ", ".join(ACTIVATIONS)))
        self.units = int(units)
        self.activation = activation
        self.input_dim = None
        if input_dim is not None:
            self.input_dim = int(input_dim)
        elif input_shape is not None:
            n = 1
            for d in tuple(input_shape):
                n *= int(d)
            self.input_dim = n

    def __repr__(self):
        return "Dense(%d, %r)" % (self.units, self.activation)

    def __eq__(self, other):
        return isinstance(other, Dense) and (self.units, self.activation) == (other.units, other.activation)

    __hash__ = None


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
    return entries, inputs
