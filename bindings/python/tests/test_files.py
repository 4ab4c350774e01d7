"""Model files and divergence through the C library: loading reads only
regular files and fails fast on large ones, saving follows symbolic links,
refuses special files and keeps modes, and a diverging train_on_batch leaves
the model as it was."""

import os
import signal
import socket
import stat
import time

import pytest

import entrena
from conftest import flat, xor_data, xor_model

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and symbolic links")


@pytest.fixture
def no_hang():
    """Turns a call that blocks (a FIFO opened without a writer) into a failure."""
    def alarm(signum, frame):
        raise TimeoutError("the call blocked")
    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def test_load_refuses_special_files(tmp_path, no_hang):
    fifo = tmp_path / "m.fifo"
    os.mkfifo(fifo)
    link = tmp_path / "zero.entrena"
    link.symlink_to("/dev/zero")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "m.sock"))
    try:
        for path in ("/dev/zero", "/dev/null", fifo, tmp_path, link, tmp_path / "m.sock"):
            with pytest.raises(entrena.EntrenaIOError) as e:
                entrena.load_model(path)
            assert isinstance(e.value, OSError)
            assert "not a regular file" in str(e.value) and str(path) in str(e.value)
    finally:
        sock.close()
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_load_huge_files_fail_fast(tmp_path):
    with xor_model() as m:
        header = m.to_bytes()[:60]
    for name, head, size, error in (("zeros.entrena", b"", 8 << 30, entrena.ModelError),
                                    ("wrong-size.entrena", header, 3 << 30, entrena.ModelError),
                                    ("newer.entrena", b"ENTRENA\0\x07\0\0\0", 3 << 30, entrena.VersionError)):
        path = tmp_path / name
        with open(path, "wb") as f:
            f.write(head)
            f.truncate(size)  # a hole: nothing written to disk
        start = time.monotonic()
        with pytest.raises(error):
            entrena.load_model(path)
        assert time.monotonic() - start < 5


def test_save_follows_symbolic_links(tmp_path):
    x, y = xor_data()
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "m.entrena"
    target.write_bytes(b"old")
    target.chmod(0o640)
    link = tmp_path / "m.entrena"
    link.symlink_to("real/m.entrena")
    dangling = tmp_path / "new.entrena"
    dangling.symlink_to("real/new.entrena")
    with xor_model() as m:
        m.fit(x, y, epochs=20, batch_size=4, verbose=0)
        m.save(link)
        m.save(dangling)
        data = m.to_bytes()
    assert os.readlink(link) == "real/m.entrena" and os.readlink(dangling) == "real/new.entrena"
    assert target.read_bytes() == data and (tmp_path / "real" / "new.entrena").read_bytes() == data
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    with entrena.load_model(link) as m2:
        assert m2.to_bytes() == data


def test_save_refuses_special_files(tmp_path, no_hang):
    fifo = tmp_path / "m.fifo"
    os.mkfifo(fifo)
    (tmp_path / "folder").mkdir()
    (tmp_path / "fifo-link").symlink_to("m.fifo")
    with xor_model() as m:
        for path in (fifo, tmp_path / "folder", tmp_path / "fifo-link"):
            with pytest.raises(entrena.EntrenaIOError) as e:
                m.save(path)
            assert isinstance(e.value, OSError) and "not a regular file" in str(e.value)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert stat.S_ISDIR(os.lstat(tmp_path / "folder").st_mode)
    assert os.path.islink(tmp_path / "fifo-link")
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_save_modes(tmp_path):
    with xor_model() as m:
        old = os.umask(0o027)
        try:
            m.save(tmp_path / "new.entrena")
            (tmp_path / "kept.entrena").write_bytes(b"old")
            (tmp_path / "kept.entrena").chmod(0o604)
            m.save(tmp_path / "kept.entrena")
        finally:
            os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.entrena").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "kept.entrena").stat().st_mode) == 0o604


def test_train_on_batch_divergence_keeps_the_model(tmp_path):
    x = [1.0, -2.0, 3.0, 0.5] * 2
    y = [4.0, -4.0] * 2
    with entrena.Sequential([entrena.Dense(8, "linear"), entrena.Dense(1, "linear")], inputs=2,
                            optimizer=entrena.SGD(lr=0.01), max_batch=4) as m:
        for _ in range(5):
            m.train_on_batch(x, y)
        m.learning_rate = 3e38
        with pytest.raises(entrena.DataError) as e:
            for _ in range(4):  # one step may survive on a kernel path that rounds otherwise
                before = flat(m.get_params())
                m.train_on_batch(x, y)
        assert isinstance(e.value, ValueError) and "diverged" in str(e.value)
        assert flat(m.get_params()) == before
        m.save(tmp_path / "m.entrena")
    with entrena.load_model(tmp_path / "m.entrena") as m2:
        assert flat(m2.get_params()) == before


def test_paths_with_nul_bytes_are_refused(tmp_path):
    """C would end the name at the NUL: save would write another file."""
    x, y = xor_data()
    with xor_model() as m:
        target = tmp_path / "model"
        for call in (m.save, m.to_onnx, entrena.load_model):
            with pytest.raises(ValueError, match="null byte"):
                call(str(target) + "\0.entrena")
        assert list(tmp_path.iterdir()) == []
