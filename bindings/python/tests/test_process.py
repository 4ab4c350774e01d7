"""Process rules: multiprocessing with "spawn", the ENTRENA_NO_NUMPY switch,
one model shared by threads (calls serialised by the library), the cores a
process is given."""

import multiprocessing
import subprocess
import sys
import threading

import entrena
from conftest import child_env, flat, xor_data, xor_model


def _train_in_child(seed):
    import entrena as e
    from conftest import xor_data as data, xor_model as mk
    x, y = data()
    with mk(seed=seed) as m:
        return m.fit(x, y, epochs=50, batch_size=4, shuffle=False, verbose=0).cost[-1], e.version()


def test_multiprocessing_spawn():
    # fork() after loading the Go runtime is unsupported; "spawn" is the documented way.
    x, y = xor_data()
    with xor_model(seed=3) as m:
        want = m.fit(x, y, epochs=50, batch_size=4, shuffle=False, verbose=0).cost[-1]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        cost, ver = pool.apply(_train_in_child, (3,))
    assert cost == want and ver == entrena.version()


def test_no_numpy_switch():
    code = ("import array, entrena; assert not entrena.HAVE_NUMPY;"
            "m = entrena.Sequential([entrena.Dense(1)], inputs=2);"
            "out = m.predict([0.0, 1.0]); assert isinstance(out, array.array), type(out);"
            "print('ok')")
    r = subprocess.run([sys.executable, "-c", code], env=child_env(ENTRENA_NO_NUMPY="1"),
                       capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


def test_thread_stats_with_one_core():
    # The library's Go runtime reads GOMAXPROCS when it loads: a process
    # given one core runs a two-thread model on one, and says why.
    code = ("import entrena;"
            "m = entrena.Sequential([entrena.Dense(1)], inputs=2, threads=2);"
            "print(m.thread_stats())")
    r = subprocess.run([sys.executable, "-c", code], env=child_env(GOMAXPROCS="1"),
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("1 of 2 threads (this process can use 1 core: "), r.stdout


def test_one_model_many_threads():
    x, y = xor_data()
    with xor_model() as m:
        m.fit(x, y, epochs=100, batch_size=4, verbose=0)
        want = flat(m.predict(x))
        bad = []

        def work():
            for _ in range(300):
                if flat(m.predict(x)) != want:
                    bad.append(1)
        ts = [threading.Thread(target=work) for _ in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        assert not bad
