// Command capi is entrena's C ABI. Build it as a library, not a program:
//
//	go build -buildmode=c-shared  -o build/lib/libentrena.so ./capi
//	go build -buildmode=c-archive -o build/lib/libentrena.a  ./capi
//
// (or `make lib`). The public header is the hand-written
// capi/include/entrena.h, not the one cgo generates. See capi/README.md.
//
// Layout: entrena.c holds the C-only functions (status strings, versions,
// thread-local last error, struct initialisers, the progress trampoline);
// exports.go the //export functions, which take only Go-typed arguments so
// that cgo's generated prototypes never meet the public header's (and
// header_test.go checks each against its prototype in entrena.h);
// handle.go the handle table, per-handle locking and error reporting.
package main

func main() {}
