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
# The suites' environment: never a library from the caller's environment,
# the Go reference binary prebuilt once.
PY_TEST_ENV     := env -u ENTRENA_LIBRARY -u ENTRENA_NO_NUMPY -u PYTHONPATH \
	ENTRENA_EXPECT_INSTALLED=1 ENTRENA_GOREF=$(abspath $(PY_BUILD))/goref

APT_PACKAGES += python3-venv python3-pip
TEST_STEPS += test-python

.PHONY: python test-python python-examples bench-python

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
	$(call py_venv,$(PY_VENV),numpy pytest matplotlib)
	cd $(PY_BUILD) && $(PY_TEST_ENV) $(abspath $(PY_VENV))/bin/python -m pytest -q -p no:cacheprovider $(abspath $(PY_DIR))/tests
	@echo "== python: venv without numpy ($(PY_VENV_NONUMPY))"
	$(call py_venv,$(PY_VENV_NONUMPY),pytest)
	@! $(PY_VENV_NONUMPY)/bin/python -c 'import numpy' 2>/dev/null || { echo "numpy is importable in $(PY_VENV_NONUMPY)"; exit 1; }
	cd $(PY_BUILD) && $(PY_TEST_ENV) $(abspath $(PY_VENV_NONUMPY))/bin/python -m pytest -q -p no:cacheprovider $(abspath $(PY_DIR))/tests
	@echo "== python: the examples (installed package; without numpy, then with numpy and matplotlib)"
	$(PY_TEST_ENV) $(PY_VENV_NONUMPY)/bin/python $(PY_DIR)/examples/lr_sweep.py --epochs 300 --out $(PY_BUILD)/lr_sweep-nonumpy.png
	rm -f $(PY_BUILD)/lr_sweep.png $(PY_BUILD)/mnist_cost.png
	$(PY_TEST_ENV) $(PY_VENV)/bin/python $(PY_DIR)/examples/lr_sweep.py --epochs 300 --out $(PY_BUILD)/lr_sweep.png
	$(PY_TEST_ENV) $(PY_VENV)/bin/python $(PY_DIR)/examples/mnist.py --epochs 3 --limit 10000 \
		--min-accuracy 0.85 --out $(PY_BUILD)/mnist_cost.png
	@for f in $(PY_BUILD)/lr_sweep.png $(PY_BUILD)/mnist_cost.png; do \
		head -c 8 $$f | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a' || { echo "$$f: no PNG written"; exit 1; }; done
	@echo "test-python: all Python tests passed"

## python-examples: the full learning-rate sweep and MNIST from the installed package
## (test-python runs shorter versions of both)
python-examples: test-python
	$(PY_VENV)/bin/python $(PY_DIR)/examples/lr_sweep.py --out $(PY_BUILD)/lr_sweep.png
	$(PY_VENV)/bin/python $(PY_DIR)/examples/mnist.py --epochs 3 --out $(PY_BUILD)/mnist_cost.png

## bench-python: fit per epoch and single-sample predict, Python vs Go
bench-python: python $(PY_BUILD)/goref
	@test -x $(PY_VENV)/bin/python || $(MAKE) --no-print-directory test-python
	ENTRENA_GOREF=$(abspath $(PY_BUILD))/goref $(PY_VENV)/bin/python $(PY_DIR)/bench_fit.py
