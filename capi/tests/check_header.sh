#!/bin/sh
# check_header.sh HEADER LIBRARY.so [LIBRARY.a]
# The libraries export exactly what the public header declares: the same
# entrena_* functions both ways, and no other defined global symbol (the
# libc and pthread functions they call are undefined in them, so they do
# not count). The .so's SONAME is libentrena.so.ENTRENA_ABI_VERSION.
set -eu
header=$1 so=$2 ar=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Declarations: a line starting with a return type, then entrena_name(.
grep -E '^[A-Za-z_][A-Za-z0-9_ ]*[ *]entrena_[a-z0-9_]+\(' "$header" |
	sed -E 's/^.*[ *](entrena_[a-z0-9_]+)\(.*$/\1/' | sort -u >"$tmp/header"

status=0
check() { # name file
	if ! cmp -s "$tmp/header" "$2"; then
		echo "check_header: $1 and $header differ:"
		comm -23 "$tmp/header" "$2" | sed "s/^/  declared, not exported by $1: /"
		comm -13 "$tmp/header" "$2" | sed "s/^/  exported by $1, not declared: /"
		status=1
	fi
}
only_public() { # name file-of-"type name"-lines
	if grep -Ev ' entrena_[a-z][a-z0-9_]*$' "$2" >"$tmp/others"; then
		echo "check_header: $1 defines global symbols besides entrena.h's functions:"
		sed 's/^/  /' "$tmp/others"
		status=1
	fi
}

nm -D --defined-only "$so" | awk 'NF == 3 { print $2, $3 }' >"$tmp/so-all"
only_public "$so" "$tmp/so-all"
awk '$1 == "T" { print $2 }' "$tmp/so-all" | sort -u >"$tmp/so"
check "$so" "$tmp/so"

abi=$(sed -n 's/^#define ENTRENA_ABI_VERSION \([0-9]*\).*/\1/p' "$header")
soname=$(readelf -d "$so" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
if [ "$soname" != "libentrena.so.$abi" ]; then
	echo "check_header: $so has SONAME '$soname', want libentrena.so.$abi"
	status=1
fi

if [ -n "$ar" ]; then
	nm --defined-only -g "$ar" | awk 'NF == 3 { print $2, $3 }' >"$tmp/ar-all"
	only_public "$ar" "$tmp/ar-all"
	awk '$1 == "T" { print $2 }' "$tmp/ar-all" | sort -u >"$tmp/ar"
	check "$ar" "$tmp/ar"
fi
[ "$status" = 0 ] && echo "check_header: $(wc -l <"$tmp/header") functions declared and exported, nothing else; SONAME $soname"
exit "$status"
