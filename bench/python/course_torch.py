"""The course's two networks in idiomatic PyTorch, shared by torch_epoch.py and torch_train.py,
with the options of the epoch-timing scripts (torch_epoch.py, torch_cnn_epoch.py).

twolayer: x [N, 784] -> Linear(784, 128) -> sigmoid -> Linear(128, 10) -> logits [N, 10]
softmax:  x [N, 784] -> Linear(784, 10, no bias) -> ReLU -> logits [N, 10] (the course's softmax regression)
Weights 0.001 * randn, biases 0; loss: mean cross-entropy; SGD lr 0.1 with L2 (weight decay 0.001) on the
weight matrices only, never on biases, as the course adds reg * W to the weight gradients."""

import argparse
import time

import torch
import torch.nn.functional as F
from torch import nn

LR = 0.1
REG = 0.001
BATCH = 64


def epoch_args(models, epochs, default_folder):
    """The options every epoch-timing script takes (--model among `models`, the first the default; --epochs, --warmup,
    --threads, --data), parsed; torch's thread count is set from --threads."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=models[0], choices=models)
    ap.add_argument("--epochs", type=int, default=epochs)
    ap.add_argument("--warmup", type=int, default=1, help="untimed epochs first")
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    ap.add_argument("--data", default=default_folder)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    return a


def build(model, seed=1024):
    torch.manual_seed(seed)
    if model == "twolayer":
        net = nn.Sequential(nn.Linear(784, 128), nn.Sigmoid(), nn.Linear(128, 10))
    elif model == "softmax":
        net = nn.Sequential(nn.Linear(784, 10, bias=False), nn.ReLU())
    else:
        raise SystemExit(f"--model {model}: expected twolayer or softmax")
    with torch.no_grad():
        for m in net:
            if isinstance(m, nn.Linear):
                m.weight.copy_(0.001 * torch.randn(m.weight.shape))
                if m.bias is not None:
                    m.bias.zero_()
    return net


def optimizer(net):
    weights = [p for n, p in net.named_parameters() if n.endswith("weight")]
    biases = [p for n, p in net.named_parameters() if n.endswith("bias")]
    groups = [{"params": weights, "weight_decay": REG}]
    if biases:
        groups.append({"params": biases, "weight_decay": 0.0})
    return torch.optim.SGD(groups, lr=LR)


def train_epoch(net, opt, x, y, gen):
    """One epoch over (x, y) in shuffled batches of 64: returns (mean batch loss, accuracy)."""
    n = x.shape[0]
    order = torch.randperm(n, generator=gen)
    loss_sum, hits, batches = 0.0, 0, 0
    for i in range(0, n, BATCH):
        idx = order[i:i + BATCH]
        xb, yb = x[idx], y[idx]
        logits = net(xb)
        loss = F.cross_entropy(logits, yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        loss_sum += loss.item()
        hits += (logits.argmax(1) == yb).sum().item()
        batches += 1
    return loss_sum / batches, hits / n



def timed_epochs(net, opt, x, y, warmup, epochs):
    """warmup untimed epochs (the first one timed apart), then epochs timed ones, shuffled with seed 1024:
    returns (first epoch's seconds, [seconds of each timed epoch], last loss, last accuracy)."""
    gen = torch.Generator().manual_seed(1024)
    t0 = time.perf_counter()
    train_epoch(net, opt, x, y, gen)
    warmup_s = time.perf_counter() - t0
    for _ in range(warmup - 1):
        train_epoch(net, opt, x, y, gen)
    secs = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        loss, acc = train_epoch(net, opt, x, y, gen)
        secs.append(time.perf_counter() - t0)
    return warmup_s, secs, loss, acc

@torch.no_grad()
def evaluate(net, x, y, batch=1000):
    """(mean loss, accuracy) over (x, y)."""
    loss_sum, hits = 0.0, 0
    for i in range(0, x.shape[0], batch):
        logits = net(x[i:i + batch])
        loss_sum += F.cross_entropy(logits, y[i:i + batch], reduction="sum").item()
        hits += (logits.argmax(1) == y[i:i + batch]).sum().item()
    return loss_sum / x.shape[0], hits / x.shape[0]
