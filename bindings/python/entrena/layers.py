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
