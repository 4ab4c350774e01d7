#!/usr/bin/env bash
# Installs the peers of entrena's benchmark comparison (`make compare`,
# `go run ./bench -peers`) and builds the C ones. Idempotent: a second run
# reuses the virtual environment and the Debian packages.
#
#   bench/peers/setup.sh            # apt peers + venv (numpy, threadpoolctl, scipy, jax[cpu], keras, mkl)
#   PEERS_TORCH=auto (default)      # Debian's python3-torch 1.13 (runs with /usr/bin/python3), and PyPI's
#                                   # torch in the venv where its wheel for this platform is CPU-only
#   PEERS_TORCH=pypi  setup.sh      # PyPI's torch in any case (on Linux x86-64 with its CUDA libraries, about 5 GB)
#   PEERS_TORCH=debian setup.sh     # Debian's python3-torch only
#   PEERS_APT=0 setup.sh            # skip apt (not root, or no Debian)
#
# Every peer that cannot be had is skipped with the reason printed; the
# suite then reports it as skipped. Exit status is 0 unless nothing at all
# could be set up.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
venv="${ENTRENA_PEERS_VENV:-$here/../.venv}"
torch_from="${PEERS_TORCH:-auto}"
case "$torch_from" in auto | pypi | debian) ;; *) say "PEERS_TORCH=$torch_from: want auto, pypi or debian"; exit 2 ;; esac
say() { printf 'peers: %s\n' "$*"; }

# --- Debian packages: C libraries, Debian's numpy (and torch) -----------------
apt_pkgs="libopenblas-dev libblis-dev libfann-dev python3-numpy python3-threadpoolctl python3-venv gcc"
[ "$torch_from" != pypi ] && apt_pkgs="$apt_pkgs python3-torch"
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
	if [ "$out" -nt "$src" ] && [ "$out" -nt "$here/data_floats.h" ]; then return 0; fi
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

# --- PyPI torch -------------------------------------------------------------------
# PyPI has no CPU-only torch for Linux x86-64: its wheel (torch 2.15: 539 MB)
# is a CUDA build that depends on the nvidia-* CUDA libraries, cuda-toolkit
# and triton (about 5 GB installed in all) and loads them when it is imported,
# also on a machine without a GPU — installed with --no-deps, `import torch`
# fails (libtorch_cuda.so needs libcudart.so). The CPU-only builds are on
# PyTorch's own index, which not every machine reaches. So by default
# (auto) pip's resolver is asked first what `pip install torch` would bring
# (--dry-run --report, nothing installed): torch goes into the venv only when
# that is no CUDA package (a CPU-only wheel, as PyPI's Linux aarch64 one has
# been); otherwise the reason is kept in $venv/torch-pypi-skip.txt (asked
# once), the `torch (PyPI)` peers are skipped with it, and Debian's
# python3-torch runs (rows torch-debian). PEERS_TORCH=pypi installs it anyway.
skipfile="$venv/torch-pypi-skip.txt"
if have torch; then
	rm -f "$skipfile"
elif [ "$torch_from" = pypi ]; then
	say "pip install torch (on Linux x86-64 with its CUDA libraries: about 5 GB)"
	if pip install torch; then rm -f "$skipfile"; else say "SKIP PyPI torch: pip install failed"; fi
elif [ "$torch_from" = debian ]; then
	echo "PEERS_TORCH=debian: only Debian's python3-torch was set up (rows torch-debian)" >"$skipfile"
	say "SKIP PyPI torch: PEERS_TORCH=debian"
elif [ -f "$skipfile" ] && ! grep -q '^PEERS_TORCH=debian' "$skipfile"; then
	say "SKIP PyPI torch: $(cat "$skipfile")"
else
	say "asking pip what PyPI's torch needs on $(uname -m) (pip install --dry-run)"
	report="$(mktemp)"
	if pip install --dry-run --ignore-installed --report "$report" torch >/tmp/entrena-peers-torch.log 2>&1; then
		verdict="$("$venv/bin/python" - "$report" <<'PY'
import json, sys
inst = json.load(open(sys.argv[1]))["install"]
names = [i["metadata"]["name"].lower() for i in inst]
ver = next((i["metadata"]["version"] for i in inst if i["metadata"]["name"].lower() == "torch"), "?")
cuda = sorted(n for n in names if n.startswith(("nvidia-", "cuda-")))
if cuda:
    print("PyPI's torch %s for this platform is a CUDA build: pip would install %d CUDA packages with it (%s; "
          "about 5 GB with triton), which torch loads at import even on a CPU-only machine (with --no-deps, "
          "import torch fails for want of libcudart.so), and PyPI has no CPU-only torch wheel for it. Opt in with "
          "PEERS_TORCH=pypi bench/peers/setup.sh; Debian's python3-torch runs instead (rows torch-debian)."
          % (ver, len(cuda), ", ".join(cuda)))
else:
    print("cpu-only")
PY
)"
		if [ "$verdict" = cpu-only ]; then
			say "pip install torch (PyPI's wheel here is CPU-only)"
			if pip install torch; then rm -f "$skipfile"; else say "SKIP PyPI torch: pip install failed"; fi
		elif [ -n "$verdict" ]; then
			echo "$verdict" >"$skipfile"
			say "SKIP PyPI torch: $verdict"
		else
			say "SKIP PyPI torch: could not read pip's report"
		fi
	else
		say "SKIP PyPI torch: pip install --dry-run torch failed: $(tail -1 /tmp/entrena-peers-torch.log)"
	fi
	rm -f "$report"
fi
# --- MKL from C --------------------------------------------------------------------
# Intel's oneMKL, as PyPI's torch wheels ship it for torch.matmul: PyPI's mkl
# wheel (about 300 MB with intel-openmp and tbb) puts libmkl_rt into the
# venv's lib/, and gemm_blas.c links it as the mkl-c peer. The wheel is
# pinned: gemm_blas.c declares this oneMKL's MKLVersion itself.
if ! ls "$venv"/lib/libmkl_rt.so.* >/dev/null 2>&1; then
	say "pip install mkl (oneMKL for the mkl-c peer)"
	pip install "mkl==2026.*" || say "SKIP mkl-c: pip install mkl failed"
fi
mkl_rt="$(ls "$venv"/lib/libmkl_rt.so.* 2>/dev/null | head -1)"
if [ -z "$mkl_rt" ]; then
	say "SKIP mkl-c: no libmkl_rt in $venv/lib"
elif command -v gcc >/dev/null; then
	build gemm_mkl gemm_blas.c -DUSE_MKL "$mkl_rt" -Wl,-rpath,"$(cd "$venv/lib" && pwd)"
fi

"$venv/bin/python" - "$skipfile" <<'PY'
import importlib, sys
for m in ("numpy", "threadpoolctl", "scipy", "jax", "jaxlib", "keras", "torch"):
    try:
        v = importlib.import_module(m).__version__
        print("peers: venv %-13s %s" % (m, v))
    except Exception as e:
        why = str(e).splitlines()[0][:100]
        if m == "torch":
            try:
                why = " ".join(open(sys.argv[1]).read().split())[:160] + "..."
            except OSError:
                pass
        print("peers: venv %-13s SKIP (%s)" % (m, why))
PY
/usr/bin/python3 -c 'import numpy; print("peers: Debian numpy      ", numpy.__version__)' 2>/dev/null || say "SKIP Debian numpy: python3-numpy not installed"
/usr/bin/python3 -c 'import torch; print("peers: Debian torch      ", torch.__version__)' 2>/dev/null || say "SKIP Debian torch: python3-torch not installed"
exit 0
