"""Library loading, process-wide functions and the status -> exception mapping."""

import ctypes
import os
import subprocess
import sys

import pytest

import entrena
from entrena import _lib, errors


def test_library_loaded_and_versions():
    assert os.path.exists(entrena.library_path) or entrena.library_path == "libentrena.so"
    assert entrena.version() == "0.1.0"
    assert _lib.version_number() == 100
    assert _lib.abi_version() == _lib.ABI_VERSION


@pytest.mark.skipif(not os.environ.get("ENTRENA_EXPECT_INSTALLED"), reason="only under make test-python")
def test_installed_package_uses_its_own_library():
    # pip install ./bindings/python put the package (and libentrena.so) in the venv
    assert sys.prefix in os.path.abspath(entrena.__file__)
    assert os.path.dirname(entrena.library_path) == os.path.dirname(os.path.abspath(entrena.__file__))


def test_missing_library_error_names_where_it_looked(tmp_path):
    from conftest import child_env
    env = child_env(ENTRENA_LIBRARY=str(tmp_path / "nope" / "libentrena.so"))
    r = subprocess.run([sys.executable, "-c", "import entrena"], env=env,
                       capture_output=True, text=True, cwd=str(tmp_path))
    assert r.returncode != 0
    assert "LibraryNotFoundError" in r.stderr
    assert "ENTRENA_LIBRARY" in r.stderr and "nope" in r.stderr and "no such file" in r.stderr


def test_lookup_order_lists_package_folder_then_system():
    where = [w for w, _ in _lib._candidates()]
    assert where[0] == "package folder"
    assert where[-1] == "system library path"


def test_kernels_and_cpu():
    kernels = entrena.available_kernels()
    assert kernels[0] == "generic"
    active = entrena.kernel_path()
    assert active in kernels
    assert isinstance(entrena.cpu_features(), list)
    assert isinstance(entrena.cpu_model(), str)
    try:
        for k in kernels:
            entrena.use_kernels(k)
            assert entrena.kernel_path() == k
    finally:
        entrena.use_kernels(active)


def test_kernel_error():
    with pytest.raises(entrena.KernelError) as e:
        entrena.use_kernels("bogus")
    assert e.value.status == 12
    assert "bogus" in str(e.value)
    assert e.value.function == "entrena_kernel_use"


def test_status_strings_and_classes():
    for status in range(1, 14):
        cls = type(errors.from_status(status, "m"))
        assert cls.status == status and issubclass(cls, entrena.EntrenaError)
        assert _lib.status_string(status)
    assert _lib.status_string(999) == "unknown status"
    assert type(errors.from_status(999, "m")) is entrena.EntrenaError
    assert issubclass(entrena.ShapeError, ValueError)
    assert issubclass(entrena.EntrenaIOError, OSError)


def test_argument_error_from_raw_call():
    # A negative length is ENTRENA_ERR_ARGUMENT; reached only through the raw layer.
    with xor() as m:
        with pytest.raises(entrena.ArgumentError) as e:
            _lib.get_params(m._handle, None, -1)
        assert "negative" in str(e.value) or "NULL" in str(e.value)


def test_handle_error_on_made_up_handle():
    with pytest.raises(entrena.HandleError):
        _lib.shape(12345, None, None, None, None)
    with pytest.raises(entrena.HandleError):
        _lib.destroy(12345)
    _lib.destroy(None)  # NULL is a no-op


def test_internal_error_from_recovered_panic():
    with xor() as m:
        with pytest.raises(entrena.InternalError) as e:
            _lib.debug_panic(m._handle)
        assert "panic" in str(e.value).lower()
        m.evaluate(*__import__("conftest").xor_data())  # still usable


def test_debug_mallocs_counter():
    n = ctypes.c_uint64()
    _lib.debug_mallocs(ctypes.byref(n))
    assert n.value > 0


def test_string_result_convention():
    needed = ctypes.c_size_t()
    _lib.kernel_active(None, 0, ctypes.byref(needed))
    with pytest.raises(entrena.ShapeError):
        _lib.kernel_active(ctypes.create_string_buffer(1), 1, ctypes.byref(needed))
    with pytest.raises(entrena.ArgumentError):
        _lib.kernel_active(None, 4, None)


def xor():
    from conftest import xor_model
    return xor_model()


def test_abi_or_struct_mismatch_raises_version_error(monkeypatch):
    """The import-time check: a library of another C ABI, or one that does
    not take the ctypes declarations' structs, is refused with VersionError.
    Structs of another size are fine within the header's versioning rules: a
    larger one (a newer header) whose extra fields are zero, a smaller one
    (an older header) that holds the required fields."""
    _lib._check_versions()  # the real library passes
    monkeypatch.setattr(_lib, "ABI_VERSION", _lib.ABI_VERSION + 1)
    with pytest.raises(entrena.VersionError, match="ABI version"):
        _lib._check_versions()
    monkeypatch.undo()

    class Bigger(ctypes.Structure):
        _fields_ = _lib.Spec._fields_ + [("extra", ctypes.c_int64)]

    class TooSmall(ctypes.Structure):
        _fields_ = _lib.Spec._fields_[:3]
    real_spec, real_argtypes = _lib.Spec, _lib.spec_init_sized.argtypes
    for struct, accepted in ((Bigger, True), (TooSmall, False)):
        monkeypatch.setattr(_lib, "Spec", struct)
        monkeypatch.setattr(_lib.spec_init_sized, "argtypes", [ctypes.POINTER(struct), ctypes.c_size_t])
        if accepted:
            _lib._check_versions()
        else:
            with pytest.raises(entrena.VersionError, match="does not take this package's TooSmall"):
                _lib._check_versions()
        monkeypatch.undo()
    assert _lib.Spec is real_spec and _lib.spec_init_sized.argtypes == real_argtypes
