"""Optimizers: SGD (with momentum) and Adam, and the strings that name them."""

from . import _enums
from .errors import SpecError


class SGD:
    """Stochastic gradient descent: w -= lr*g; with momentum > 0,
    v = momentum*v + g; w -= lr*v."""

    def __init__(self, lr=0.1, momentum=0.0, learning_rate=None):
        self.lr = float(learning_rate if learning_rate is not None else lr)
        self.momentum = float(momentum)

    @property
    def learning_rate(self):
        return self.lr

    def _apply(self, spec):
        spec.optimizer = _enums.MOMENTUM if self.momentum else _enums.SGD
        spec.learning_rate = self.lr
        spec.momentum = self.momentum

    def __repr__(self):
        return "SGD(lr=%g, momentum=%g)" % (self.lr, self.momentum)


class Adam:
    """Adam with beta1, beta2 and epsilon (Keras's beta_1 and beta_2 are
    accepted too)."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, learning_rate=None,
                 beta_1=None, beta_2=None):
        self.lr = float(learning_rate if learning_rate is not None else lr)
        self.beta1 = float(beta_1 if beta_1 is not None else beta1)
        self.beta2 = float(beta_2 if beta_2 is not None else beta2)
        self.epsilon = float(epsilon)

    @property
    def learning_rate(self):
        return self.lr

    def _apply(self, spec):
        spec.optimizer = _enums.ADAM
        spec.learning_rate = self.lr
        # 0 in the C struct means "the default"; -0.0 asks for an actual 0.
        spec.beta1, spec.beta2, spec.epsilon = (v if v != 0 else -0.0
                                                for v in (self.beta1, self.beta2, self.epsilon))

    def __repr__(self):
        return "Adam(lr=%g)" % self.lr


def get(opt):
    """An optimizer object for an object or a name ("sgd", "momentum", "adam")."""
    if isinstance(opt, (SGD, Adam)):
        return opt
    if isinstance(opt, str):
        name = opt.lower()
        if name == "sgd":
            return SGD()
        if name == "momentum":
            return SGD(momentum=0.9)
        if name == "adam":
            return Adam()
    raise SpecError("unknown optimizer %r (valid: 'sgd', 'momentum', 'adam', SGD(...), Adam(...))"
                    % (opt,))
