"""Seconds per training epoch of LeNet-5 or the small cnn model in PyTorch (data load excluded), as JSON: the
counterpart of `nabla bench train --model lenet5|cnn`.

  OPENBLAS_NUM_THREADS=1 python3 torch_cnn_epoch.py --model lenet5 --epochs 2 --threads 2 [--data DIR]

The networks are nabla's (nabla.nn.Models): lenet5 is conv 5x5 6 (padding 2) -> ReLU -> max pool 2 -> conv 5x5 16
-> ReLU -> max pool 2 -> 120 -> ReLU -> 84 -> ReLU -> 10; cnn is, for 32 and 64 channels, conv 3x3 (padding 1) ->
ReLU -> max pool 2, then 128 -> ReLU -> 10. Adam, lr 0.001, batches of 64 over the 48,000 training images
(nabla's split), cross-entropy. --warmup epochs (1), then --epochs timed ones; prints the median and every
sample."""

import json
import os
import time

import mnist

t_start = time.perf_counter()
import torch  # noqa: E402  (timed: the import is part of what a user waits for)
from torch import nn  # noqa: E402
import course_torch  # noqa: E402  (its epoch loop: shuffled batches of 64, cross-entropy)

a = course_torch.epoch_args(["lenet5", "cnn"], 2, mnist.default_folder())
import_s = time.perf_counter() - t_start


def build(model):
    torch.manual_seed(1024)
    if model == "lenet5":
        return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))


t0 = time.perf_counter()
xtr, ytr, *_ = mnist.load(a.data)
x, y = torch.from_numpy(xtr).reshape(-1, 1, 28, 28), torch.from_numpy(ytr)
load_s = time.perf_counter() - t0

net = build(a.model)
opt = torch.optim.Adam(net.parameters(), lr=0.001)
warmup_s, secs, loss, acc = course_torch.timed_epochs(net, opt, x, y, a.warmup, a.epochs)

print(json.dumps({"impl": "pytorch", "model": a.model, "torch": torch.__version__,
                  "torch_threads": torch.get_num_threads(),
                  "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", ""),
                  "images": x.shape[0], "epoch_seconds": mnist.median(secs), "samples": secs,
                  "warmup_seconds": warmup_s, "warmup_epochs": a.warmup, "load_seconds": load_s,
                  "import_seconds": import_s, "train_loss": loss, "train_acc": acc}))
