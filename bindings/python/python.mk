# bindings/python — the ctypes package `entrena`: copy the library into the
# package, install it into a fresh virtual environment exactly as a user
# would, and run its tests with numpy and again without numpy.
# Included by the top-level Makefile (paths are relative to the repo root).

PY_DIR          := bindings/python
PY_SO           := $(PY_DIR)/entrena/libentrena.so
PY_BUILD        := $(BUILD)/python
PY_VENV         := $(BUILD)/venv-python
PY_VENV_NONUMPY := $(BUILD)/venv-python-nonumpy
PYTHON3         ?= python3
PY_PIP_FLAGS    ?= --quiet --disable-pip-version-check
# Where MPI is installed (make deps installs OpenMPI), the venvs get mpi4py
# and the data-parallel tests must run rather than skip.
PY_HAVE_MPI     := $(if $(shell command -v mpirun),1,0)
PY_MPI4PY       := $(if $(filter 1,$(PY_HAVE_MPI)),mpi4py)
# The suites' environment: never a library from the caller's environment,
# the Go reference binary prebuilt once.
PY_TEST_ENV     := env -u ENTRENA_LIBRARY -u ENTRENA_NO_NUMPY -u PYTHONPATH \
	ENTRENA_EXPECT_INSTALLED=1 ENTRENA_EXPECT_ONNX=1 ENTRENA_GOREF=$(abspath $(PY_BUILD))/goref \
	ENTRENA_EXPECT_MPI=$(PY_HAVE_MPI)

APT_PACKAGES += python3-venv python3-pip
TEST_STEPS += test-python test-python-wheel test-python-mpi
PY_DIST         := $(BUILD)/dist
PY_VENV_WHEEL   := $(BUILD)/venv-wheel

.PHONY: python test-python test-python-wheel test-python-mpi wheel python-examples bench-python

## python: build the library (capi's `lib`) and copy it into the package folder
python: lib
	cp $(CAPI_SO) $(PY_SO)

$(PY_BUILD)/goref: FORCE_PY
	@mkdir -p $(PY_BUILD)
	$(GO) build -o $@ ./$(PY_DIR)/tests/goref

.PHONY: FORCE_PY
FORCE_PY:

# $(call py_venv,DIR,PACKAGES): create DIR if missing, install PACKAGES and the
# package itself (reinstalled every time, from the tree, like a user would).
define py_venv
	@test -x $(1)/bin/python || $(PYTHON3) -m venv $(1)
	$(1)/bin/pip install $(PY_PIP_FLAGS) $(2)
	$(1)/bin/pip install $(PY_PIP_FLAGS) --force-reinstall --no-deps ./$(PY_DIR)
endef

## test-python: pytest with numpy, then again in a venv without numpy
## (pytest's exit status 5, "no tests collected", fails the target like any other)
test-python: python $(PY_BUILD)/goref
	@echo "== python: venv with numpy ($(PY_VENV))"
	$(call py_venv,$(PY_VENV),numpy pytest matplotlib onnx onnxruntime $(PY_MPI4PY))
	cd $(PY_BUILD) && $(PY_TEST_ENV) $(abspath $(PY_VENV))/bin/python -m pytest -q -p no:cacheprovider $(abspath $(PY_DIR))/tests
	@echo "== python: venv without numpy ($(PY_VENV_NONUMPY))"
	$(call py_venv,$(PY_VENV_NONUMPY),pytest $(PY_MPI4PY))
	@! $(PY_VENV_NONUMPY)/bin/python -c 'import numpy' 2>/dev/null || { echo "numpy is importable in $(PY_VENV_NONUMPY)"; exit 1; }
	cd $(PY_BUILD) && $(PY_TEST_ENV) $(abspath $(PY_VENV_NONUMPY))/bin/python -m pytest -q -p no:cacheprovider $(abspath $(PY_DIR))/tests
	@echo "== python: the examples (installed package; without numpy, then with numpy and matplotlib; the Keras-style script on MNIST)"
	$(PY_TEST_ENV) $(PY_VENV_NONUMPY)/bin/python $(PY_DIR)/examples/lr_sweep.py --epochs 300 --out $(PY_BUILD)/lr_sweep-nonumpy.png
	rm -f $(PY_BUILD)/lr_sweep.png $(PY_BUILD)/mnist_cost.png
	$(PY_TEST_ENV) $(PY_VENV)/bin/python $(PY_DIR)/examples/lr_sweep.py --epochs 300 --out $(PY_BUILD)/lr_sweep.png
	$(PY_TEST_ENV) $(PY_VENV)/bin/python $(PY_DIR)/examples/mnist.py --epochs 3 --limit 10000 \
		--min-accuracy 0.85 --out $(PY_BUILD)/mnist_cost.png
	$(PY_TEST_ENV) $(PY_VENV)/bin/python $(PY_DIR)/examples/keras_style.py --mnist --limit 10000 --epochs 10 \
		--min-accuracy 0.9 --checkpoint $(PY_BUILD)/keras_style.entrena
	@for f in $(PY_BUILD)/lr_sweep.png $(PY_BUILD)/mnist_cost.png; do \
		head -c 8 $$f | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a' || { echo "$$f: no PNG written"; exit 1; }; done
	@echo "test-python: all Python tests passed"

## test-python-mpi: the MPI example on 2 ranks (mpirun, loopback; MPIRUN is
## capi/mpi.mk's), MNIST 10,000 images, 2 epochs (part of `make test`)
test-python-mpi: python
	$(call py_venv,$(PY_VENV),numpy mpi4py)
	$(PY_TEST_ENV) $(MPIRUN) -np $(MPI_NP) $(PY_VENV)/bin/python $(PY_DIR)/examples/mpi_mnist.py \
		--epochs 2 --limit 10000 --min-accuracy 0.85
	@echo "test-python-mpi: passed"

## python-examples: the full learning-rate sweep and MNIST from the installed package
## (test-python runs shorter versions of both)
python-examples: test-python
	$(PY_VENV)/bin/python $(PY_DIR)/examples/lr_sweep.py --out $(PY_BUILD)/lr_sweep.png
	$(PY_VENV)/bin/python $(PY_DIR)/examples/mnist.py --epochs 3 --out $(PY_BUILD)/mnist_cost.png

## bench-python: fit per epoch and single-sample predict, Python vs Go
bench-python: python $(PY_BUILD)/goref
	@test -x $(PY_VENV)/bin/python || $(MAKE) --no-print-directory test-python
	ENTRENA_GOREF=$(abspath $(PY_BUILD))/goref $(PY_VENV)/bin/python $(PY_DIR)/bench_fit.py

## wheel: build/dist/entrena-*-py3-none-<platform>.whl with libentrena.so
## built from this checkout by Go (what pip does on a machine without `make`)
wheel:
	@test -x $(PY_VENV_WHEEL)/bin/python || $(PYTHON3) -m venv $(PY_VENV_WHEEL)
	rm -rf $(PY_DIST) && mkdir -p $(PY_DIST)
	ENTRENA_BUILD_LIBRARY=1 $(PY_VENV_WHEEL)/bin/pip wheel $(PY_PIP_FLAGS) --no-deps -w $(PY_DIST) ./$(PY_DIR)

## test-python-wheel: the wheel carries a library with the C API's SONAME,
## installs into a fresh venv and trains; without Go (and no library) the
## build stops with a message saying what to do.
test-python-wheel: wheel
	ls $(PY_DIST)/entrena-*-py3-none-linux_*.whl
	rm -rf $(PY_BUILD)/wheel-check && mkdir -p $(PY_BUILD)/wheel-check
	cd $(PY_BUILD)/wheel-check && $(abspath $(PY_VENV_WHEEL))/bin/python -m zipfile -e $(abspath $(PY_DIST))/entrena-*.whl . && \
		readelf -d entrena/libentrena.so | grep -q 'Library soname: \[libentrena.so.$(CAPI_ABI)\]'
	rm -rf $(PY_BUILD)/venv-wheel-install && $(PYTHON3) -m venv $(PY_BUILD)/venv-wheel-install
	$(PY_BUILD)/venv-wheel-install/bin/pip install $(PY_PIP_FLAGS) $(PY_DIST)/entrena-*.whl
	cd / && env -u ENTRENA_LIBRARY -u PYTHONPATH $(abspath $(PY_BUILD))/venv-wheel-install/bin/python -c \
		'import entrena, os; m = entrena.Sequential([entrena.Dense(4, "tanh"), entrena.Dense(1, "sigmoid")], inputs=2, max_batch=4); \
		h = m.fit([[0,0],[0,1],[1,0],[1,1]], [[0],[1],[1],[0]], epochs=5, batch_size=4, verbose=0); \
		assert len(h.history["loss"]) == 5, h; assert entrena.library_path == os.path.join(os.path.dirname(entrena.__file__), "libentrena.so"), entrena.library_path'
	@nogo=$$(echo "$$PATH" | tr : '\n' | while read -r d; do [ -x "$$d/go" ] || printf '%s:' "$$d"; done); \
	if ENTRENA_BUILD_LIBRARY=1 PATH="$$nogo" $(PY_VENV_WHEEL)/bin/pip wheel $(PY_PIP_FLAGS) --no-deps -w $(PY_BUILD)/wheel-nogo ./$(PY_DIR) >$(PY_BUILD)/wheel-nogo.log 2>&1; then \
		echo "a wheel was built without Go and without a library"; exit 1; fi; \
	grep -q 'no libentrena.so to install, and no Go to build it' $(PY_BUILD)/wheel-nogo.log || { cat $(PY_BUILD)/wheel-nogo.log; exit 1; }
	@echo "test-python-wheel: passed"
