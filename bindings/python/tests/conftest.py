"""Shared fixtures. The suite runs twice under `make test-python`: with numpy
and in a virtual environment without it (tests that need numpy skip there)."""

import array
import json
import os
import shutil
import subprocess

import pytest

import entrena

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))


@pytest.fixture
def np():
    """numpy, or skip when the package runs without it."""
    if not entrena.HAVE_NUMPY:
        pytest.skip("numpy not available to entrena")
    import numpy
    return numpy


def xor_data():
    """XOR as flat array('f') buffers, usable with or without numpy."""
    return array.array("f", [0, 0, 0, 1, 1, 0, 1, 1]), array.array("f", [0, 1, 1, 0])


def xor_model(**kw):
    args = dict(inputs=2, loss="mse", optimizer=entrena.SGD(lr=2.0), max_batch=4, seed=1)
    args.update(kw)
    return entrena.Sequential([entrena.Dense(4, "sigmoid"), entrena.Dense(1, "sigmoid")], **args)


def formula_data(samples, inputs, outputs):
    """The data set of tests/goref/main.go, bit for bit (k/16 is exact in float32)."""
    x = array.array("f", [((7 * i + 13 * j) % 17) / 16 for i in range(samples) for j in range(inputs)])
    y = array.array("f", bytes(4 * samples * outputs))
    for i in range(samples):
        if outputs == 1:
            y[i] = float(i % 2)
        else:
            y[i * outputs + i % outputs] = 1.0
    return x, y


def flat(a):
    """A flat list of floats from a result (numpy array or array('f'))."""
    if hasattr(a, "ravel"):
        return a.ravel().tolist()
    return list(a)


def bits(values):
    return list(array.array("I", array.array("f", values).tobytes()))


@pytest.fixture(scope="session")
def goref():
    """Run tests/goref (ENTRENA_GOREF: a prebuilt binary; else `go run`)."""
    exe = os.environ.get("ENTRENA_GOREF")
    if exe:
        cmd = [exe]
    elif shutil.which("go") and os.path.exists(os.path.join(REPO, "go.mod")):
        cmd = ["go", "run", "./bindings/python/tests/goref"]
    else:
        pytest.skip("neither ENTRENA_GOREF nor go available")

    def run(mode, *args):
        out = subprocess.run(cmd + [mode] + list(args), cwd=REPO, check=True,
                             capture_output=True, text=True, timeout=300).stdout
        return json.loads(out)
    return run


def child_env(**extra):
    """Environment for a child Python that imports the same entrena package."""
    env = dict(os.environ)
    pkg_parent = os.path.dirname(os.path.dirname(os.path.abspath(entrena.__file__)))
    env["PYTHONPATH"] = os.pathsep.join([pkg_parent] + [p for p in [env.get("PYTHONPATH")] if p])
    env.update(extra)
    return env
