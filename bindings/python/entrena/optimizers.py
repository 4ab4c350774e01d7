"""Optimizers: SGD (with momentum), Adam and RMSprop, with Keras's default
hyper-parameters, and the strings that name them."""

from . import _enums
from .errors import SpecError


class SGD:
    """Stochastic gradient descent: w -= lr*g; with momentum > 0,
    v = momentum*v + g; w -= lr*v. The learning rate's default is Keras's,
    0.01. (Keras's momentum is v = momentum*v - lr*g; w += v: the same steps
    while the learning rate stays constant.)"""

    def __init__(self, lr=0.01, momentum=0.0, learning_rate=None):
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
    accepted too), Keras's defaults: lr 0.001, 0.9, 0.999, epsilon 1e-7 (which must be positive)."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, epsilon=1e-7, learning_rate=None,
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


class RMSprop:
    """RMSprop as Keras defines it: v = rho*v + (1-rho)*g²;
    w -= lr*g/sqrt(v + epsilon), with Keras's defaults lr 0.001, rho 0.9,
    epsilon 1e-7 (which must be positive). Keras's momentum and centered
    variants are not supported."""

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                 lr=None):
        if momentum or centered:
            raise SpecError("RMSprop(momentum=, centered=) are not supported: entrena has plain RMSprop")
        self.lr = float(lr if lr is not None else learning_rate)
        self.rho = float(rho)
        self.epsilon = float(epsilon)

    @property
    def learning_rate(self):
        return self.lr

    def _apply(self, spec):
        spec.optimizer = _enums.RMSPROP
        spec.learning_rate = self.lr
        spec.rho = self.rho if self.rho != 0 else -0.0
        spec.epsilon = self.epsilon if self.epsilon != 0 else -0.0

    def __repr__(self):
        return "RMSprop(lr=%g, rho=%g)" % (self.lr, self.rho)


def get(opt):
    """An optimizer object for an object or a name ("sgd", "momentum",
    "adam", "rmsprop"), with Keras's default hyper-parameters."""
    if isinstance(opt, (SGD, Adam, RMSprop)):
        return opt
    if isinstance(opt, str):
        name = opt.lower()
        if name == "sgd":
            return SGD()
        if name == "momentum":
            return SGD(momentum=0.9)
        if name == "adam":
            return Adam()
        if name == "rmsprop":
            return RMSprop()
    raise SpecError("unknown optimizer %r (valid: 'sgd', 'momentum', 'adam', 'rmsprop', SGD(...), "
                    "Adam(...), RMSprop(...))" % (opt,))


def from_config(kind, lr, momentum, beta1, beta2, epsilon, rho):
    """The optimizer a network reports (its entrena_optimizer kind, rate and
    hyper-parameters as entrena_optimizer_config gives them), so that a
    rebuilt network steps as the old one did: an explicit 0 comes as -0.0,
    which the spec keeps as 0 rather than taking the default."""
    if kind == _enums.SGD:
        return SGD(lr=lr)
    if kind == _enums.MOMENTUM:
        return SGD(lr=lr, momentum=momentum)
    if kind == _enums.ADAM:
        return Adam(lr=lr, beta1=beta1, beta2=beta2, epsilon=epsilon)
    if kind == _enums.RMSPROP:
        return RMSprop(learning_rate=lr, rho=rho, epsilon=epsilon)
    raise SpecError("the library reports an unknown optimizer %r" % (kind,))
