#!/bin/sh
# check_header.sh HEADER LIBRARY.so [LIBRARY.a]
# The functions declared in the public header must be exactly the entrena_*
# functions the libraries export, both ways.
set -eu
header=$1 so=$2 ar=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Declarations: a line starting with a return type, then entrena_name(.
grep -E '^[A-Za-z_][A-Za-z0-9_ ]*[ *]entrena_[a-z0-9_]+\(' "$header" |
	sed -E 's/^.*[ *](entrena_[a-z0-9_]+)\(.*$/\1/' | sort -u >"$tmp/header"
nm -D --defined-only "$so" | awk '$2 == "T" { print $3 }' | grep '^entrena_' | sort -u >"$tmp/so"

status=0
check() { # name file
	if ! cmp -s "$tmp/header" "$2"; then
		echo "check_header: $1 and $header differ:"
		comm -23 "$tmp/header" "$2" | sed "s/^/  declared, not exported by $1: /"
		comm -13 "$tmp/header" "$2" | sed "s/^/  exported by $1, not declared: /"
		status=1
	fi
}
check "$so" "$tmp/so"
if [ -n "$ar" ]; then
	nm --defined-only "$ar" 2>/dev/null | awk '$2 == "T" { print $3 }' | grep '^entrena_[a-z]' | grep -v '^entrena__' | sort -u >"$tmp/ar"
	check "$ar" "$tmp/ar"
fi
[ "$status" = 0 ] && echo "check_header: $(wc -l <"$tmp/header") functions declared and exported"
exit "$status"
