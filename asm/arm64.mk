# arm64 (NEON) checks on an x86 machine: cross vet (asmdecl), the asm and
# core suites run under qemu-user, macOS/arm64 cross build and vet, and the
# C API cross-built as an arm64 shared library driving the C example under
# qemu. Included by the top Makefile; see asm/NEON.md.
#
# binfmt_misc is usually not registered (containers, CI runners), so arm64
# binaries are started through `go test -exec`, and a test that re-executes
# its own binary cannot start the child: such tests skip themselves when the
# exec fails with ENOEXEC, and run natively in test-go.

QEMU_ARM64   ?= qemu-aarch64-static
ARM64_CC     ?= aarch64-linux-gnu-gcc
ARM64_SYSROOT ?= /usr/aarch64-linux-gnu
ARM64_BUILD  ?= $(BUILD)/arm64
# Extra tests to skip under qemu (none needed now).
ARM64_SKIP   ?= ^$$

TEST_STEPS   += test-arm64 test-arm64-capi
APT_PACKAGES += qemu-user-static gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu

.PHONY: test-arm64 test-arm64-capi

## test-arm64: arm64 vet, the asm and core suites under qemu (generic and
## neon paths, WORD encodings checked against GNU as), darwin/arm64 build+vet.
test-arm64:
	GOARCH=arm64 $(GO) vet ./asm ./core ./bench/peak
	@start=$$(date +%s); \
	GOARCH=arm64 ENTRENA_NEON_WORDS=require $(GO) test -count=1 -exec $(QEMU_ARM64) \
		-skip '$(ARM64_SKIP)' ./asm ./core ./bench/peak || exit 1; \
	echo "test-arm64: qemu stage took $$(( $$(date +%s) - start )) s"
	GOOS=darwin GOARCH=arm64 $(GO) build ./...
	GOOS=darwin GOARCH=arm64 $(GO) vet ./asm ./core ./bench/peak

## test-arm64-capi: libentrena.so cross-built for arm64 (cgo with
## aarch64-linux-gnu-gcc, the same version script and SONAME as the native
## library), the C example linked against it and run under qemu.
test-arm64-capi:
	@mkdir -p $(ARM64_BUILD)/models
	rm -f $(ARM64_BUILD)/libentrena.so
	CGO_ENABLED=1 GOARCH=arm64 CC=$(ARM64_CC) $(GO) build -buildmode=c-shared \
		-ldflags="$(CAPI_SO_LDFLAGS)" -o $(ARM64_BUILD)/$(CAPI_SONAME) ./capi
	ln -s $(CAPI_SONAME) $(ARM64_BUILD)/libentrena.so
	aarch64-linux-gnu-readelf -d $(ARM64_BUILD)/$(CAPI_SONAME) | grep -q 'SONAME.*\[$(CAPI_SONAME)\]'
	test -z "$$(aarch64-linux-gnu-nm -D --defined-only $(ARM64_BUILD)/$(CAPI_SONAME) | awk '$$2 ~ /[TDBR]/ && $$3 !~ /^entrena_/')"
	$(ARM64_CC) -O2 -Wall -Icapi/include -o $(ARM64_BUILD)/example capi/examples/example.c \
		-L$(ARM64_BUILD) -lentrena -lm
	@start=$$(date +%s); \
	$(QEMU_ARM64) -L $(ARM64_SYSROOT) -E LD_LIBRARY_PATH=$(abspath $(ARM64_BUILD)) \
		$(ARM64_BUILD)/example $(ARM64_BUILD)/models || exit 1; \
	echo "test-arm64-capi: qemu run took $$(( $$(date +%s) - start )) s"
