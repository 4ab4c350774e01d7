"""SGEMM peers: numpy (OpenBLAS), PyTorch or JAX matmul on entrena's shapes.

usage: gemm.py --lib numpy|torch|jax --shapes NN:m:n:k,... --threads N
Transposes are views (a.T), as a training step would pass them, so each
library's BLAS call sees the same transpose flags as entrena's Sgemm.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peerlib  # noqa: E402

p = peerlib.parser(__doc__)
p.add_argument("--lib", required=True, choices=["numpy", "torch", "jax"])
p.add_argument("--shapes", required=True)
a = p.parse_args()

pinned = ""
if a.lib == "jax":
    # XLA's CPU thread pools do not follow the thread-count variables or
    # flags alone (one "thread" ran above one core's FMA peak): pin as
    # train_jax.py does.
    pinned = "; " + peerlib.pin(a.threads)
    os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=%s intra_op_parallelism_threads=%d" % (
        "true" if a.threads > 1 else "false", a.threads)
try:
    import numpy as np
except ImportError as e:
    peerlib.skip("numpy not importable: %s" % e)

versions = {"numpy": np.__version__, "python": sys.version.split()[0]}
settings = "float32; " + peerlib.env_note()
rng = np.random.default_rng(1)
rows = []

if a.lib == "numpy":
    impl = peerlib.impl_name("numpy", a.tag)
    blas = peerlib.blas_info()
    settings += "; np.matmul(out=); " + blas
    for ta, tb, m, n, k in peerlib.gemm_shapes(a.shapes):
        A = rng.random((k, m) if ta else (m, k), dtype=np.float32)
        B = rng.random((n, k) if tb else (k, n), dtype=np.float32)
        opA, opB = (A.T if ta else A), (B.T if tb else B)
        C = np.empty((m, n), dtype=np.float32)
        per, ops = peerlib.measure(lambda: np.matmul(opA, opB, out=C), a.reps)
        # The note names numpy's BLAS and the kernel it picked (read by the
        # suite's kernel-target table: which rows are OpenBLAS, which kernel).
        rows.append(peerlib.row("gemm", peerlib.gemm_name(ta, tb, m, n, k), impl, per, ops, 2.0 * m * n * k / 1e9, "GFLOPS",
                                note=blas, version=np.__version__))
elif a.lib == "torch":
    try:
        import torch
    except Exception as e:  # ImportError, or missing CUDA libraries of a GPU wheel
        peerlib.skip_torch(e)
    torch.set_num_threads(a.threads)
    impl = peerlib.impl_name("torch", a.tag)
    versions["torch"] = torch.__version__
    settings += "; torch.matmul(out=), set_num_threads(%d); %s" % (a.threads, peerlib.torch_parallel(torch))
    for ta, tb, m, n, k in peerlib.gemm_shapes(a.shapes):
        A = torch.rand((k, m) if ta else (m, k))
        B = torch.rand((n, k) if tb else (k, n))
        opA, opB = (A.t() if ta else A), (B.t() if tb else B)
        C = torch.empty((m, n))
        with torch.inference_mode():
            per, ops = peerlib.measure(lambda: torch.matmul(opA, opB, out=C), a.reps)
        rows.append(peerlib.row("gemm", peerlib.gemm_name(ta, tb, m, n, k), impl, per, ops, 2.0 * m * n * k / 1e9, "GFLOPS",
                                version=torch.__version__))
else:
    try:
        import jax
        import jax.numpy as jnp
    except Exception as e:
        peerlib.skip("jax not importable: %s" % e)
    impl = "jax"
    versions["jax"] = jax.__version__
    import jaxlib
    versions["jaxlib"] = jaxlib.__version__
    settings += "; jit(a @ b) with the transposes inside the jitted function; XLA_FLAGS=" + os.environ["XLA_FLAGS"] + pinned
    for ta, tb, m, n, k in peerlib.gemm_shapes(a.shapes):
        A = jnp.asarray(rng.random((k, m) if ta else (m, k), dtype=np.float32))
        B = jnp.asarray(rng.random((n, k) if tb else (k, n), dtype=np.float32))
        f = jax.jit(lambda x, y, ta=ta, tb=tb: (x.T if ta else x) @ (y.T if tb else y))
        per, ops = peerlib.measure(lambda: f(A, B).block_until_ready(), a.reps)
        rows.append(peerlib.row("gemm", peerlib.gemm_name(ta, tb, m, n, k), impl, per, ops, 2.0 * m * n * k / 1e9, "GFLOPS",
                                version=jax.__version__))

peerlib.emit(rows, versions, settings)
