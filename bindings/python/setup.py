"""setuptools hooks: the metadata is in pyproject.toml.

1. `pip install ./bindings/python` works right after `make lib`: when
   entrena/libentrena.so (put there by `make python`) is missing, the build
   takes the repository's build/lib/libentrena.so instead, so the installed
   package carries its library either way. Without either, it warns and
   installs the pure-Python package, which then looks for the library
   through ENTRENA_LIBRARY and the system path (see entrena/_lib.py).
2. A wheel that bundles the library is platform-specific: tagged
   py3-none-<platform> (e.g. py3-none-linux_x86_64), not py3-none-any. The
   Python code is plain ctypes, so any Python 3 and no particular ABI; the
   shared library is what ties it to one OS and CPU. Without the library the
   wheel stays py3-none-any, which is then what it is.
"""

import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

try:
    from setuptools.command.bdist_wheel import bdist_wheel  # setuptools >= 70.1
except ImportError:  # older setuptools: the `wheel` package's command, if installed
    try:
        from wheel.bdist_wheel import bdist_wheel
    except ImportError:
        bdist_wheel = None

HERE = os.path.dirname(os.path.abspath(__file__))
LIB = "libentrena.so"
IN_PACKAGE = os.path.join(HERE, "entrena", LIB)
BUILT = os.path.join(HERE, "..", "..", "build", "lib", LIB)


def bundled_library():
    """The library the package will carry, or None."""
    for path in (IN_PACKAGE, BUILT):
        if os.path.exists(path):
            return path
    return None


class build_py_with_lib(build_py):
    def run(self):
        super().run()
        if os.path.exists(IN_PACKAGE):
            return  # package data, copied by build_py itself
        built = BUILT
        dest = os.path.join(self.build_lib, "entrena", LIB)
        if os.path.exists(built):
            self.mkpath(os.path.dirname(dest))
            shutil.copyfile(built, dest)
            self.announce("entrena: bundled %s" % os.path.normpath(built), level=2)
        else:
            self.warn("entrena: no %s in entrena/ or in build/lib/ (run `make lib` or "
                      "`make python` first); installing without the library" % LIB)


class DistributionWithLib(Distribution):
    """A distribution that carries libentrena.so counts as binary: it builds
    and installs into platlib, and bdist_wheel gives it a platform tag."""

    def has_ext_modules(self):
        return bundled_library() is not None


cmdclass = {"build_py": build_py_with_lib}

if bdist_wheel is not None:
    class bdist_wheel_py3(bdist_wheel):
        """py3-none-<platform> rather than cpXY-cpXY-<platform>: the package
        has no extension module, only a C library loaded through ctypes."""

        def get_tag(self):
            python, abi, plat = super().get_tag()
            if not self.root_is_pure:
                python, abi = "py3", "none"
            return python, abi, plat

    cmdclass["bdist_wheel"] = bdist_wheel_py3

setup(distclass=DistributionWithLib, cmdclass=cmdclass)
