# entrena — make targets. Each area adds its own targets and test steps in a
# fragment (*.mk) included below, so the areas stay independent:
#   TEST_STEPS += <target>   runs as part of `make test`
#   APT_PACKAGES += <pkg>    installed by `make deps` (CI runs it first)

GO       ?= go
STATICCHECK_VERSION ?= v0.8.2
STATICCHECK ?= $(abspath $(BUILD))/tools/staticcheck
PREFIX   ?= /usr/local
BUILD    ?= build
TEST_STEPS :=
APT_PACKAGES :=

.PHONY: all test test-go vet demo bench deps tools check-deps fuzz clean

all: vet test

-include capi/capi.mk
-include capi/mpi.mk
-include bindings/python/python.mk
-include cmd/entrena/cli.mk
-include bench/bench.mk
-include asm/arm64.mk

## test: every test suite of the project (the command CI runs). As root it
## first installs what is missing (make deps); otherwise it stops at once,
## naming the command that would.
test: check-deps
	@$(MAKE) --no-print-directory vet test-go $(TEST_STEPS)
	@echo "make test: all suites passed"

# The Debian packages of APT_PACKAGES not installed (none where dpkg-query
# does not exist: another system's packages are its own business), and
# staticcheck when it is missing.
missing_deps = $(strip $(if $(shell command -v dpkg-query),$(foreach p,$(sort $(APT_PACKAGES)),$(if $(findstring ok installed,$(shell dpkg-query -W -f='$${Status}' $(p) 2>/dev/null)),,$(p)))) $(if $(wildcard $(STATICCHECK)),,staticcheck))

## check-deps: install what make test needs when run as root, else name it.
check-deps:
	@m="$(missing_deps)"; if [ -n "$$m" ]; then \
		if [ "$$(id -u)" = 0 ]; then echo "make test: installing $$m (make deps)"; $(MAKE) --no-print-directory deps; \
		else echo "make test needs: $$m"; echo "run once: sudo make deps   (or: sudo make deps GO=$$(command -v $(GO)))"; exit 1; fi; fi

## test-go: Go unit tests (they replay the committed fuzz corpora), the noasm
## build, core on every other SIMD path, the race detector over core and the
## pool, and a short fuzz of each core target.
test-go:
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -tags noasm ./asm ./core
	@# GOAMD64=v3 lets the compiler fuse Go's x*y+z into FMAs: the bit-identity
	@# tests (bands, swapped products, threads) must hold there too.
	@if [ "$$($(GO) env GOARCH)" = amd64 ] && grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then \
		echo "GOAMD64=v3 $(GO) test -count=1 ./asm ./core"; GOAMD64=v3 $(GO) test -count=1 ./asm ./core; fi
	@# core's whole suite on each SIMD path besides the default one (generic is
	@# covered by -tags noasm): on an AVX-512 CPU asm picks avx512, so avx2
	@# runs here; the features are those asm's dispatch_amd64.go requires.
	@# 5-7 s on the 2-core Xeon. (On arm64, neon is the only SIMD path.)
	@if [ "$$($(GO) env GOARCH)" = amd64 ] && (for f in avx2 fma avx512f avx512dq avx512bw avx512vl; do grep -qw $$f /proc/cpuinfo || exit 1; done); then \
		echo "ENTRENA_KERNELS=avx2 $(GO) test -count=1 ./core"; ENTRENA_KERNELS=avx2 $(GO) test -count=1 ./core; fi
	@# The race detector over the whole core and pool suites (-short: 12-18 s
	@# on the 2-core Xeon). asm runs only its parallel-product tests under
	@# -race: the whole package takes about 110 s there (its kernel sweeps are
	@# long single-goroutine loops), and its concurrency lives in the pool.
	$(GO) test -count=1 -race -short ./core ./pool
	$(GO) test -count=1 -race -short ./asm -run 'Thread|Concurren|Parallel'
	$(GO) test ./core -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime 10s
	$(GO) test ./asm -run '^$$' -fuzz '^FuzzSgemm$$' -fuzztime 10s
	$(GO) test ./capi -run '^$$' -fuzz '^FuzzEntryPoints$$' -fuzztime 10s
	$(GO) test -count=1 -race ./capi

## vet: gofmt, go vet (with asmdecl) for every GOARCH that has assembly,
## and staticcheck (installed by `make tools`).
vet:
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	@test -x $(STATICCHECK) || { echo "staticcheck missing: run make tools"; exit 1; }
	$(STATICCHECK) ./...
	$(STATICCHECK) -tags noasm ./asm ./core
	$(GO) vet ./...
	$(GO) vet -tags noasm ./asm ./core
	GOARCH=arm64 $(GO) vet ./...
	GOOS=darwin GOARCH=arm64 $(GO) vet ./...
	GOOS=darwin GOARCH=arm64 $(GO) build ./...

## demo: the main job on a built-in default (see README).
demo:
	$(GO) run ./cmd/entrena train

## bench: go test benchmarks of the kernels and the training step.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./asm ./core

## fuzz: longer fuzzing of every target (FUZZTIME each).
FUZZTIME ?= 60s
fuzz:
	$(GO) test ./asm -run '^$$' -fuzz '^FuzzSgemm$$' -fuzztime $(FUZZTIME)
	$(GO) test ./asm -run '^$$' -fuzz '^FuzzSigmoid$$' -fuzztime $(FUZZTIME)
	$(GO) test ./core -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME)
	$(GO) test ./core -run '^$$' -fuzz '^FuzzNew$$' -fuzztime $(FUZZTIME)
	$(GO) test ./capi -run '^$$' -fuzz '^FuzzEntryPoints$$' -fuzztime $(FUZZTIME)
	$(GO) test ./asm -run '^$$' -fuzz '^FuzzHadamard$$' -fuzztime $(FUZZTIME)
	$(GO) test ./asm -run '^$$' -fuzz '^FuzzSigmoidBackward$$' -fuzztime $(FUZZTIME)
	$(GO) test ./asm -run '^$$' -fuzz '^FuzzAdam$$' -fuzztime $(FUZZTIME)
	$(GO) test ./data -run '^$$' -fuzz '^FuzzIDXImages$$' -fuzztime $(FUZZTIME)
	$(GO) test ./data -run '^$$' -fuzz '^FuzzIDXLabels$$' -fuzztime $(FUZZTIME)
	$(GO) test ./data -run '^$$' -fuzz '^FuzzCSV$$' -fuzztime $(FUZZTIME)
	$(GO) test ./data -run '^$$' -fuzz '^FuzzNorm$$' -fuzztime $(FUZZTIME)
	$(GO) test ./asm -run '^$$' -fuzz '^FuzzVecKernels$$' -fuzztime $(FUZZTIME)
	$(GO) test ./cmd/entrena -run '^$$' -fuzz '^FuzzSpec$$' -fuzztime $(FUZZTIME)

## deps: system packages the test suites need (Debian; run as root), and
## the Go tools of `make tools`.
deps: tools
	@if [ -n "$(strip $(APT_PACKAGES))" ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(sort $(APT_PACKAGES)); \
	fi

## tools: Go programs the checks run (staticcheck), with go install into
## $(BUILD)/tools (the same place whoever runs it, sudo included).
tools:
	GOBIN=$(abspath $(BUILD))/tools $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

clean:
	rm -rf $(BUILD)
