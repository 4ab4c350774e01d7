#!/bin/sh
# archive.sh CGO_ARCHIVE OUT_ARCHIVE
# Turns the archive `go build -buildmode=c-archive` writes into one whose
# only global symbols are entrena.h's functions: its objects (the Go code,
# the runtime's cgo glue, entrena.c) are linked into one relocatable object,
# which resolves their references to each other, and every other global
# symbol of it is then made local, so that a program defining its own
# crosscall2, fatalf or _cgo_* links. CC picks the linker; OBJCOPY and AR
# may be set.
set -eu
in=$1 out=$2
ld=$("${CC:-cc}" -print-prog-name=ld)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
case $in in /*) ;; *) in=$PWD/$in ;; esac
(cd "$tmp" && "${AR:-ar}" x "$in")
# -d: common symbols get their space here, so that they can be made local.
"$ld" -r -d -o "$tmp/all.o" "$tmp"/*.o
"${OBJCOPY:-objcopy}" --wildcard --keep-global-symbol='entrena_[a-z]*' "$tmp/all.o" "$tmp/libentrena.o"
rm -f "$out"
"${AR:-ar}" rcs "$out" "$tmp/libentrena.o"
