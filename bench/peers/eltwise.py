"""Element-wise peers: sigmoid and Hadamard product in numpy or PyTorch, in
their out= forms (no allocation per call), on n float32 elements.

numpy has no sigmoid ufunc: the fastest allocation-free form is
np.negative, np.exp, +1, np.reciprocal with out= (four passes); scipy's
expit(out=) is used instead when scipy is importable (one pass).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peerlib  # noqa: E402

p = peerlib.parser(__doc__)
p.add_argument("--lib", required=True, choices=["numpy", "torch"])
p.add_argument("--sizes", required=True)
a = p.parse_args()
try:
    import numpy as np
except ImportError as e:
    peerlib.skip("numpy not importable: %s" % e)
sizes = [int(s) for s in a.sizes.split(",")]
versions = {"numpy": np.__version__, "python": sys.version.split()[0]}
rng = np.random.default_rng(3)
rows = []
if a.lib == "numpy":
    impl = peerlib.impl_name("numpy", a.tag)
    try:
        from scipy.special import expit
        versions["scipy"] = __import__("scipy").__version__
        sig_form = "scipy.special.expit(x, out=y)"

        def sigmoid(x, y):
            expit(x, out=y)
    except ImportError:
        sig_form = "np.negative/np.exp/+=1/np.reciprocal with out="

        def sigmoid(x, y):
            np.negative(x, out=y)
            np.exp(y, out=y)
            y += 1
            np.reciprocal(y, out=y)
    settings = "float32; sigmoid: %s; hadamard: np.multiply(a, b, out=c); %s" % (sig_form, peerlib.blas_info())
    for n in sizes:
        x = (rng.random(n, dtype=np.float32) * 2 - 1)
        y = np.empty_like(x)
        z = np.empty_like(x)
        per, ops = peerlib.measure(lambda: sigmoid(x, y), a.reps)
        rows.append(peerlib.row("eltwise", "sigmoid n=%d" % n, impl, per, ops, n / 1e9, "Gelem/s", version=np.__version__))
        per, ops = peerlib.measure(lambda: np.multiply(x, y, out=z), a.reps)
        rows.append(peerlib.row("eltwise", "hadamard n=%d" % n, impl, per, ops, n / 1e9, "Gelem/s", version=np.__version__))
else:
    try:
        import torch
    except Exception as e:
        peerlib.skip_torch(e)
    torch.set_num_threads(a.threads)
    impl = peerlib.impl_name("torch", a.tag)
    versions["torch"] = torch.__version__
    settings = "float32; torch.sigmoid(x, out=y), torch.mul(a, b, out=c); set_num_threads(%d)" % a.threads
    with torch.inference_mode():
        for n in sizes:
            x = torch.rand(n) * 2 - 1
            y = torch.empty(n)
            z = torch.empty(n)
            per, ops = peerlib.measure(lambda: torch.sigmoid(x, out=y), a.reps)
            rows.append(peerlib.row("eltwise", "sigmoid n=%d" % n, impl, per, ops, n / 1e9, "Gelem/s", version=torch.__version__))
            per, ops = peerlib.measure(lambda: torch.mul(x, y, out=z), a.reps)
            rows.append(peerlib.row("eltwise", "hadamard n=%d" % n, impl, per, ops, n / 1e9, "Gelem/s", version=torch.__version__))
peerlib.emit(rows, versions, settings)
