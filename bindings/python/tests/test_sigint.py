"""Ctrl-C during fit: training stops at the next batch, the model stays
usable, fit raises KeyboardInterrupt with the partial history kept."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import child_env

CHILD = textwrap.dedent("""
    import json, signal, sys, time, array
    import entrena
    n, inputs = 4000, 64
    x = array.array("f", [((7 * i + 13 * j) % 17) / 16 for i in range(n) for j in range(inputs)])
    y = array.array("f", [float(i % 2) for i in range(n)])
    m = entrena.Sequential([entrena.Dense(256, "sigmoid"), entrena.Dense(1, "sigmoid")],
                           inputs=inputs, max_batch=8, threads=1)
    started = []
    def cb(p):
        if not started:
            started.append(1)
            print("STARTED", flush=True)
    t = time.monotonic()
    try:
        # argv[1] "callbacks": the epoch-by-epoch fit of callbacks objects
        cbs = [entrena.callbacks.Callback()] if sys.argv[1:] == ["callbacks"] else None
        m.fit(x, y, epochs=100000, batch_size=8, verbose=0, callback=cb, callbacks=cbs)
        res = {"outcome": "finished"}
    except KeyboardInterrupt as e:
        res = {"outcome": "interrupted", "msg": str(e)}
    res["seconds_after_signal"] = None
    res["epochs_done"] = len(m.history.cost)
    res["stopped"] = m.history.stopped
    res["handler_restored"] = signal.getsignal(signal.SIGINT) is signal.default_int_handler
    res["predict"] = list(m.predict(x[:inputs]))[:1] if not entrena.HAVE_NUMPY else m.predict(x[:inputs]).ravel().tolist()
    m.fit(x[:64 * inputs], y[:64], epochs=1, verbose=0)   # still trains
    res["usable"] = True
    print(json.dumps(res), flush=True)
""")


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize("mode", ["plain", "callbacks"])
def test_ctrl_c_stops_fit_cleanly(mode):
    # The child starts with Ctrl-C's default action, as from a terminal: a suite run in the
    # background of a non-interactive shell inherits SIGINT ignored, and fit keeps it ignored.
    p = subprocess.Popen([sys.executable, "-c", CHILD, mode], env=child_env(), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        line = p.stdout.readline()
        assert line.strip() == "STARTED", p.stderr.read()
        time.sleep(0.3)  # well inside the first (long) epoch
        t = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        elapsed = time.monotonic() - t
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0, err
    res = json.loads(out.strip().splitlines()[-1])
    assert res["outcome"] == "interrupted" and "interrupted" in res["msg"]
    assert res["stopped"] and res["handler_restored"] and res["usable"]
    assert len(res["predict"]) == 1
    assert elapsed < 10, "fit took %.1fs to stop after SIGINT" % elapsed
