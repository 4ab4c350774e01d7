#!/usr/bin/env bash
# Installs the peers of entrena's benchmark comparison (`make compare`,
# `go run ./bench -peers`) and builds the C ones. Idempotent: a second run
# reuses the virtual environment and the Debian packages.
#
#   bench/peers/setup.sh            # apt peers + venv (numpy, threadpoolctl, scipy, jax[cpu], keras)
#   PEERS_TORCH=pypi  setup.sh      # also PyPI's current torch into the venv (about 6 GB with its CUDA libraries)
#   PEERS_TORCH=debian (default)    # Debian's python3-torch 1.13 (runs with /usr/bin/python3)
#   PEERS_APT=0 setup.sh            # skip apt (not root, or no Debian)
#
# Every peer that cannot be had is skipped with the reason printed; the
# suite then reports it as skipped. Exit status is 0 unless nothing at all
# could be set up.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
venv="${ENTRENA_PEERS_VENV:-$here/../.venv}"
torch_from="${PEERS_TORCH:-debian}"
say() { printf 'peers: %s\n' "$*"; }

# --- Debian packages: C libraries, Debian's numpy (and torch) -----------------
apt_pkgs="libopenblas-dev libblis-dev libfann-dev python3-numpy python3-threadpoolctl python3-venv gcc"
[ "$torch_from" = debian ] && apt_pkgs="$apt_pkgs python3-torch"
if [ "${PEERS_APT:-1}" = 1 ] && command -v apt-get >/dev/null; then
	missing=""
	for p in $apt_pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
	if [ -n "$missing" ]; then
		if [ "$(id -u)" = 0 ]; then
			say "apt-get install$missing"
			{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing; } >/tmp/entrena-peers-apt.log 2>&1 ||
				say "SKIP some Debian peers: apt-get failed (see /tmp/entrena-peers-apt.log)"
		else
			say "SKIP Debian peers$missing: not root (run as root, or install them yourself)"
		fi
	else
		say "Debian packages present"
	fi
else
	say "SKIP Debian peers: apt not used (PEERS_APT=0 or no apt-get)"
fi

# --- C peers ------------------------------------------------------------------
mkdir -p "$here/bin"
build() { # name, source, flags...
	local out="$here/bin/$1" src="$here/$2"; shift 2
	if [ "$out" -nt "$src" ]; then return 0; fi
	if gcc -O2 -o "$out" "$src" "$@" 2>/tmp/entrena-peers-gcc.log; then say "built bin/$(basename "$out")"
	else say "SKIP $(basename "$out"): gcc failed: $(tail -1 /tmp/entrena-peers-gcc.log)"; rm -f "$out"; fi
}
if command -v gcc >/dev/null; then
	build gemm_openblas gemm_blas.c -lopenblas
	build gemm_blis gemm_blas.c -DUSE_BLIS -lblis
	build train_fann train_fann.c -lfann -lm
	# entrena from C: against build/ of this checkout (`make lib`; `make
	# compare` builds the library and this peer itself).
	root="$(cd "$here/../.." && pwd)"
	if [ -f "$root/build/include/entrena.h" ] && [ -f "$root/build/lib/libentrena.so" ]; then
		rm -f "$here/bin/train_entrena_c" # the header may have changed: always relink
		build train_entrena_c train_entrena_c.c -std=c11 -D_GNU_SOURCE -I"$root/build/include" \
			-L"$root/build/lib" -lentrena -lm -Wl,-rpath,"$root/build/lib"
	else
		say "SKIP entrena-from-C: build/lib/libentrena.so not built yet (make lib, or make compare)"
	fi
else
	say "SKIP C peers: gcc not found"
fi

# --- Python virtual environment -------------------------------------------------
py="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
	say "creating $venv"
	"$py" -m venv "$venv" || { say "SKIP PyPI peers: cannot create a venv with $py"; exit 0; }
fi
export KERAS_BACKEND=jax
pip() { "$venv/bin/python" -m pip --disable-pip-version-check -q "$@"; }
have() { "$venv/bin/python" -c "import $1" >/dev/null 2>&1; }
for spec in "numpy numpy" "threadpoolctl threadpoolctl" "scipy scipy" "jax jax[cpu]" "keras keras"; do
	mod=${spec%% *}; pkg=${spec#* }
	if have "$mod"; then continue; fi
	say "pip install $pkg"
	pip install "$pkg" || say "SKIP $pkg: pip install failed"
done
if [ "$torch_from" = pypi ] && ! have torch; then
	say "pip install torch (PyPI's wheel pulls CUDA libraries: several GB)"
	pip install torch || say "SKIP PyPI torch: pip install failed"
fi
"$venv/bin/python" - <<'PY'
import importlib
for m in ("numpy", "threadpoolctl", "scipy", "jax", "jaxlib", "keras", "torch"):
    try:
        v = importlib.import_module(m).__version__
        print("peers: venv %-13s %s" % (m, v))
    except Exception as e:
        print("peers: venv %-13s SKIP (%s)" % (m, str(e).splitlines()[0][:100]))
PY
/usr/bin/python3 -c 'import numpy; print("peers: Debian numpy      ", numpy.__version__)' 2>/dev/null || say "SKIP Debian numpy: python3-numpy not installed"
/usr/bin/python3 -c 'import torch; print("peers: Debian torch      ", torch.__version__)' 2>/dev/null || say "SKIP Debian torch: python3-torch not installed"
exit 0
