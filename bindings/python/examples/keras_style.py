#!/usr/bin/env python3
"""A Keras script run by entrena: only the import differs.

    python3 bindings/python/examples/keras_style.py                 # synthetic data, seconds
    python3 bindings/python/examples/keras_style.py --mnist --limit 20000

The block between the two "Keras" markers is written as for Keras (integer
labels, validation_split, EarlyStopping, ModelCheckpoint, batch_size 128,
metrics, an L2 kernel_regularizer, Dropout, "rmsprop"); with `import keras`
and `from keras import layers` in place of the two entrena imports it runs
under Keras 3 too (checked with Keras 3.15 on JAX). Needs numpy. --mnist
reads MNIST as examples/mnist.py finds it (the GoMNIST module,
$ENTRENA_MNIST_DIR or --data).
"""

import argparse
import os
import sys
import tempfile

import numpy as np

import entrena as keras
from entrena import layers


def synthetic(samples, seed=0):
    """Ten classes of 784-pixel "images": each class a blurred random
    template plus noise, as uint8 arrays (n, 28, 28), integer labels."""
    templates = np.random.default_rng(42).random((10, 28, 28)) ** 3  # the same for every set
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, samples)
    x = templates[y] + 1.5 * rng.standard_normal((samples, 28, 28))
    return (np.clip(x, 0, 1) * 255).astype(np.uint8), y.astype(np.uint8)


def mnist(data, limit):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import mnist as m  # the loader of examples/mnist.py
    d = m.find_data(data)
    out = []
    for prefix in ("train", "t10k"):
        (n, rows, cols), img = m.read_idx(os.path.join(d, prefix + "-images-idx3-ubyte.gz"), limit)
        _, lab = m.read_idx(os.path.join(d, prefix + "-labels-idx1-ubyte.gz"), limit)
        out.append((np.frombuffer(img, np.uint8).reshape(n, rows, cols), np.frombuffer(lab, np.uint8)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mnist", action="store_true", help="MNIST instead of synthetic data")
    ap.add_argument("--data", help="MNIST folder (with --mnist)")
    ap.add_argument("--limit", type=int, default=None, help="at most this many images per set")
    ap.add_argument("--samples", type=int, default=3000, help="synthetic training samples")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--checkpoint", default=os.path.join(tempfile.gettempdir(), "keras_style.keras"))
    ap.add_argument("--min-accuracy", type=float, default=0.0,
                    help="exit with status 1 when the test accuracy is lower (for CI)")
    args = ap.parse_args()
    if args.mnist:
        (x_train, y_train), (x_test, y_test) = mnist(args.data, args.limit)
    else:
        x_train, y_train = synthetic(args.samples, 0)
        x_test, y_test = synthetic(max(args.samples // 6, 100), 1)
    epochs, checkpoint_path = args.epochs, args.checkpoint

    # ---- Keras: from here on the code is as a Keras user writes it ----
    x_train = x_train.astype("float32") / 255
    x_test = x_test.astype("float32") / 255

    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Flatten(),
        layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.l2(1e-4)),
        layers.Dropout(0.2),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    callbacks = [
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True),
        keras.callbacks.ModelCheckpoint(checkpoint_path, monitor="val_accuracy", save_best_only=True),
    ]
    history = model.fit(x_train, y_train, batch_size=128, epochs=epochs, validation_split=0.1,
                        callbacks=callbacks, verbose=2)
    model.summary()
    test_loss, test_acc = model.evaluate(x_test, y_test, batch_size=128, verbose=0)
    print("test loss %.4f, test accuracy %.4f" % (test_loss, test_acc))
    probs = model.predict(x_test[:1], verbose=0)  # one (28, 28) image: one row of 10
    print("first test image: class %d (label %d)" % (int(np.argmax(probs)), int(y_test[0])))
    best = keras.models.load_model(checkpoint_path)
    # ---- end of the Keras part ----

    print("history keys:", sorted(history.history))
    print("epochs run: %d of %d; best val_accuracy %.4f in %s"
          % (len(history.history["loss"]), epochs, max(history.history["val_accuracy"]),
             checkpoint_path))
    best.close()
    if test_acc < args.min_accuracy:
        print("test accuracy %.4f is below --min-accuracy %.4f" % (test_acc, args.min_accuracy))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
