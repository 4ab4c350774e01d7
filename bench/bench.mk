# bench/ — benchmark program and peer comparison (included by the top Makefile).
#
#   make bench-all   every kernel on every path and the training steps; writes
#                    bench/results/<machine>/ (JSON, chart, COMPARISON.md) without peers
#   make compare     installs the peers (bench/peers/setup.sh, cached venv in
#                    bench/.venv), then the same run with -peers (about 10 minutes)
#   make test-bench  go test ./bench/... and a -quick smoke run (part of `make test`)

BENCH_SLUG = $(shell $(GO) run ./bench/slug 2>/dev/null || echo unknown-machine)
BENCH_OUT ?= bench/results/$(BENCH_SLUG)
BENCH_FLAGS ?=

.PHONY: bench-all compare peers-setup test-bench

bench-all:
	$(GO) run ./bench -out $(BENCH_OUT) $(BENCH_FLAGS)

peers-setup:
	bash bench/peers/setup.sh

compare: peers-setup
	$(GO) run ./bench -peers -out $(BENCH_OUT) $(BENCH_FLAGS)

test-bench:
	@mkdir -p $(BUILD)
	$(GO) test -count=1 ./bench/...
	$(GO) run ./bench -quick -paths $$($(GO) run ./bench/slug -best) -json $(BUILD)/bench-smoke.json >/dev/null
	$(GO) run ./bench compare $(BUILD)/bench-smoke.json $(BUILD)/bench-smoke.json >/dev/null

TEST_STEPS += test-bench
