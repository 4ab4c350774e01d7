"""setuptools hooks: the metadata is in pyproject.toml.

1. `pip install ./bindings/python` installs a package that carries
   libentrena.so, found or made in this order:
   - entrena/libentrena.so (put there by `make python`);
   - the repository's build/lib/libentrena.so (from `make lib`);
   - built here with `go build -buildmode=c-shared` from the repository's
     capi/ when Go is on the PATH (with the SONAME and exported-symbol
     list of `make lib`); ENTRENA_BUILD_LIBRARY=1 forces this step.
   With none of them the install fails and says what to do, unless
   ENTRENA_LIBRARY names a library to load at run time (then the package
   is installed without one; see entrena/_lib.py).
2. A wheel that bundles the library is platform-specific: tagged
   py3-none-<platform> (e.g. py3-none-linux_x86_64), not py3-none-any. The
   Python code is plain ctypes, so any Python 3 and no particular ABI; the
   shared library is what ties it to one OS and CPU.
"""

import os
import re
import shutil
import subprocess

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
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
LIB = "libentrena.so"
IN_PACKAGE = os.path.join(HERE, "entrena", LIB)
BUILT = os.path.join(REPO, "build", "lib", LIB)
HEADER = os.path.join(REPO, "capi", "include", "entrena.h")
EXPORTS_MAP = os.path.join(REPO, "capi", "libentrena.map")


def forced_build():
    return os.environ.get("ENTRENA_BUILD_LIBRARY", "") not in ("", "0")


def go_command():
    """The go command when the library can be built from this checkout."""
    go = shutil.which("go")
    if go and os.path.exists(HEADER) and os.path.exists(EXPORTS_MAP):
        return go
    return None


def library_plan():
    """('copy', path), ('go', go) or None: where the package's library comes from."""
    if not forced_build():
        for path in (IN_PACKAGE, BUILT):
            if os.path.exists(path):
                return "copy", path
    go = go_command()
    return ("go", go) if go else None


def build_library(go, dest):
    """go build -buildmode=c-shared as capi's `make lib` does."""
    with open(HEADER) as f:
        abi = re.search(r"^#define ENTRENA_ABI_VERSION (\d+)", f.read(), re.M).group(1)
    ldflags = "-extldflags '-Wl,--version-script=%s -Wl,-soname,libentrena.so.%s'" % (EXPORTS_MAP, abi)
    cmd = [go, "build", "-buildmode=c-shared", "-ldflags=" + ldflags, "-o", dest, "./capi"]
    subprocess.run(cmd, cwd=REPO, check=True)
    header = os.path.splitext(dest)[0] + ".h"  # cgo's generated header; entrena.h is the real one
    if os.path.exists(header):
        os.remove(header)


class build_py_with_lib(build_py):
    def run(self):
        super().run()
        dest = os.path.join(self.build_lib, "entrena", LIB)
        plan = library_plan()
        if plan is None:
            if os.environ.get("ENTRENA_LIBRARY"):
                self.warn("entrena: installing without libentrena.so; it will be loaded from "
                          "ENTRENA_LIBRARY=%s" % os.environ["ENTRENA_LIBRARY"])
                return
            raise SystemExit(
                "entrena: no libentrena.so to install, and no Go to build it: install Go 1.26 or "
                "newer (https://go.dev/dl/) and run this again from the entrena repository, or run "
                "`make python` there first, or set ENTRENA_LIBRARY to a libentrena.so to load at run time")
        self.mkpath(os.path.dirname(dest))
        kind, src = plan
        if kind == "copy":
            if os.path.abspath(src) != os.path.abspath(dest):
                shutil.copyfile(src, dest)
            self.announce("entrena: bundled %s" % os.path.normpath(src), level=2)
        else:
            self.announce("entrena: building libentrena.so with %s" % src, level=2)
            build_library(src, os.path.abspath(dest))


class DistributionWithLib(Distribution):
    """A distribution that carries libentrena.so counts as binary: it builds
    and installs into platlib, and bdist_wheel gives it a platform tag."""

    def has_ext_modules(self):
        return library_plan() is not None


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
