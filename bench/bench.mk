# bench/ — benchmark program and peer comparison (included by the top Makefile).
#
#   make bench-all   every kernel on every path and the training steps, in
#                    interleaved rounds; writes bench/results/<cpu>/ (JSON, chart,
#                    COMPARISON.md) without peers (about 1½ minutes)
#   make compare     builds libentrena (capi's `lib`) and the Python package's copy
#                    of it (bindings' `python`), installs the peers (bench/peers/setup.sh,
#                    cached venv in bench/.venv), builds entrena's C peer, then the
#                    same run with -peers (about 14 minutes on 2 quiet cores)
#   make compare-pair  two `make compare` runs back to back (the first into
#                    <cpu>/first-run/), then both runs' ratios side by side and how
#                    many agree within ±7 % (<cpu>/agreement.txt; about 29 minutes)
#   make peers-entrena  bench/peers/bin/train_entrena_c against build/lib/libentrena.so
#   make test-bench  go test ./bench/..., a -quick smoke run, compare and goals on
#                    its result (part of `make test`)

BENCH_SLUG = $(shell $(GO) run ./bench slug 2>/dev/null || echo unknown-machine)
BENCH_OUT ?= bench/results/$(BENCH_SLUG)
BENCH_FLAGS ?=

.PHONY: bench-all compare compare-pair peers-setup peers-entrena test-bench

bench-all:
	$(GO) run ./bench -out $(BENCH_OUT) $(BENCH_FLAGS)

peers-setup:
	bash bench/peers/setup.sh

# entrena from C as a training peer, linked with the shared library of
# capi's `lib` (rpath to build/lib, so a rebuilt library is picked up).
peers-entrena: lib
	@mkdir -p bench/peers/bin
	$(CC) -O2 -Wall -std=c11 -D_GNU_SOURCE -I$(CAPI_INC) bench/peers/train_entrena_c.c \
		-L$(CAPI_LIB) -lentrena -lm -Wl,-rpath,$(abspath $(CAPI_LIB)) -o bench/peers/bin/train_entrena_c

# The library (capi's `lib`) and the Python package's copy of it (bindings'
# `python`) first, so that entrena (C) and entrena (Python) measure the tree
# as it is; then the other peers and the C peer.
compare: lib python peers-setup peers-entrena
	$(GO) run ./bench -peers -out $(BENCH_OUT) $(BENCH_FLAGS)

# Do the verdicts hold? Run on a quiet machine.
compare-pair:
	$(MAKE) compare BENCH_OUT=$(BENCH_OUT)/first-run
	$(MAKE) compare BENCH_OUT=$(BENCH_OUT)
	$(GO) run ./bench compare -ratio $(BENCH_OUT)/first-run/results.json $(BENCH_OUT)/results.json | tee $(BENCH_OUT)/agreement.txt

test-bench:
	@mkdir -p $(BUILD)
	$(GO) test -count=1 ./bench/...
	$(GO) run ./bench -quick -paths $$($(GO) run ./bench slug -best) -json $(BUILD)/bench-smoke.json >/dev/null
	$(GO) run ./bench compare $(BUILD)/bench-smoke.json $(BUILD)/bench-smoke.json >/dev/null
	$(GO) run ./bench compare >/dev/null
	$(GO) run ./bench goals $(BUILD)/bench-smoke.json >/dev/null || test $$? -eq 1

TEST_STEPS += test-bench
