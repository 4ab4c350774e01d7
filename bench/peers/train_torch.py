"""PyTorch peer: 784-128-64-10 nn.Sequential of Linear+Sigmoid, MSE summed
over outputs and averaged over the batch, torch.optim.SGD (no momentum),
batches in order; and the 2-8-1 XOR step at batch 4."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peerlib  # noqa: E402

a = peerlib.train_parser(__doc__).parse_args()
try:
    import torch
except Exception as e:
    peerlib.skip_torch(e)
torch.set_num_threads(a.threads)
torch.manual_seed(1)


def net(layers):
    mods = []
    for i, o in zip(layers[:-1], layers[1:]):
        mods += [torch.nn.Linear(i, o), torch.nn.Sigmoid()]
    return torch.nn.Sequential(*mods)


def trainer(model, lr):
    opt = torch.optim.SGD(model.parameters(), lr=lr)

    def step(x, y):
        opt.zero_grad(set_to_none=True)
        loss = ((model(x) - y) ** 2).sum(dim=1).mean()
        loss.backward()
        opt.step()
    return step


impl = peerlib.impl_name("torch", a.tag)
xn, yn = peerlib.synthetic(a.samples, 784, 10)
x, y = torch.from_numpy(xn), torch.from_numpy(yn)
step = trainer(net(peerlib.LAYERS), peerlib.LR)


def epoch(b, warm):
    n = b * 4 if warm else a.samples
    for s in range(0, n, b):  # the last batch may be short, as in core.Fit
        step(x[s:s + b], y[s:s + b])


rows = peerlib.time_epochs(epoch, a.samples, [int(b) for b in a.batches.split(",")], a.reps, impl, torch.__version__,
                           "eager mode, set_num_threads(%d)" % a.threads)
xstep = trainer(net([2, 8, 1]), 2.0)
xx = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=torch.float32)
xy = torch.tensor([[0], [1], [1], [0]], dtype=torch.float32)
per, ops = peerlib.measure(lambda: xstep(xx, xy), a.reps)
rows.append(peerlib.row("step", "2-8-1 b=4", impl, per, ops, 4, "samples/s", note="XOR, lr 2", version=torch.__version__))
peerlib.emit(rows, {"torch": torch.__version__, "python": sys.version.split()[0]},
             "float32; eager; torch.set_num_threads(%d), interop threads %d; %s" % (
                 a.threads, torch.get_num_interop_threads(), peerlib.torch_parallel(torch)))
