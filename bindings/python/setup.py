"""setuptools hook: the metadata is in pyproject.toml.

It only makes `pip install ./bindings/python` work right after `make lib`:
when entrena/libentrena.so (put there by `make python`) is missing, the
build takes the repository's build/lib/libentrena.so instead, so the
installed package carries its library either way. Without either, it warns
and installs the pure-Python package, which then looks for the library
through ENTRENA_LIBRARY and the system path (see entrena/_lib.py).
"""

import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
LIB = "libentrena.so"


class build_py_with_lib(build_py):
    def run(self):
        super().run()
        if os.path.exists(os.path.join(HERE, "entrena", LIB)):
            return  # package data, copied by build_py itself
        built = os.path.join(HERE, "..", "..", "build", "lib", LIB)
        dest = os.path.join(self.build_lib, "entrena", LIB)
        if os.path.exists(built):
            self.mkpath(os.path.dirname(dest))
            shutil.copyfile(built, dest)
            self.announce("entrena: bundled %s" % os.path.normpath(built), level=2)
        else:
            self.warn("entrena: no %s in entrena/ or in build/lib/ (run `make lib` or "
                      "`make python` first); installing without the library" % LIB)


setup(cmdclass={"build_py": build_py_with_lib})
