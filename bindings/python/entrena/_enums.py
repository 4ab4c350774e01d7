"""The C library's enum values (capi/include/entrena.h), in one place, with
the names Python accepts for them."""

ACTIVATIONS = {"sigmoid": 0, "tanh": 1, "relu": 2, "linear": 3, "softmax": 4}
ACTIVATION_NAMES = {v: k for k, v in ACTIVATIONS.items()}

MSE, BCE, CCE = 0, 1, 2
LOSS_NAMES = {MSE: "mse", BCE: "bce", CCE: "cce"}
SPARSE_CCE = "sparse_categorical_crossentropy"
# Keras's spellings next to the short ones. Sparse categorical cross-entropy
# is the library's cce; Python turns integer labels into one-hot rows.
LOSSES = {"mse": MSE, "bce": BCE, "cce": CCE,
          "mean_squared_error": MSE, "binary_crossentropy": BCE, "categorical_crossentropy": CCE,
          SPARSE_CCE: CCE}

SGD, MOMENTUM, ADAM, RMSPROP = 0, 1, 2, 3
OPTIMIZER_NAMES = {SGD: "sgd", MOMENTUM: "momentum", ADAM: "adam", RMSPROP: "rmsprop"}
