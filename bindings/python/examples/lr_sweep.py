#!/usr/bin/env python3
"""The seed's learning-rate sweep from Python: XOR with a 2-4-1 sigmoid network
and MSE, one training per rate (same seed, same initial weights), a table of
final losses, and the loss curves saved as a PNG when matplotlib is installed.

    python3 bindings/python/examples/lr_sweep.py [--epochs 1000] [--out lr_sweep.png]

Works with or without numpy (the data are array('f') buffers).
"""

import argparse
import array

import entrena


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=1000)
    ap.add_argument("--rates", default="0.001,0.01,0.1,1.0")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="lr_sweep.png", help="PNG of the loss curves")
    args = ap.parse_args()

    x = array.array("f", [0, 0, 0, 1, 1, 0, 1, 1])  # 4 samples x 2 features
    y = array.array("f", [0, 1, 1, 0])
    histories = {}
    print("%-8s %-12s %s" % ("rate", "final loss", "XOR outputs"))
    for lr in [float(r) for r in args.rates.split(",")]:
        with entrena.Sequential([entrena.Dense(4, "sigmoid"), entrena.Dense(1, "sigmoid")],
                                inputs=2, loss="mse", optimizer=entrena.SGD(lr=lr),
                                max_batch=4, seed=args.seed) as model:
            try:
                h = model.fit(x, y, epochs=args.epochs, batch_size=4, shuffle=False, verbose=0)
            except entrena.DivergedError as e:
                print("%-8g diverged: %s" % (lr, e))
                continue
            out = model.predict(x)
            outs = " ".join("%.2f" % v for v in (out.ravel() if hasattr(out, "ravel") else out))
            print("%-8g %-12.6f %s" % (lr, h.cost[-1], outs))
            histories["lr=%g" % lr] = h
    try:
        entrena.plot_history(histories, args.out, title="XOR loss per epoch by learning rate")
        print("loss plot:", args.out)
    except ImportError as e:
        print("no plot:", e)


if __name__ == "__main__":
    main()
