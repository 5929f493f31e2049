"""Seconds per training epoch of the course's networks in PyTorch (data load excluded), as JSON.

  OPENBLAS_NUM_THREADS=2 python3 torch_epoch.py --model twolayer --epochs 3 --threads 1 [--data DIR]

--warmup epochs (1), then --epochs timed ones; prints the median and every sample."""

import json
import os
import time

import mnist

t_start = time.perf_counter()
import torch  # noqa: E402  (timed: the import is part of what a user waits for)
import course_torch  # noqa: E402

a = course_torch.epoch_args(["twolayer", "softmax"], 3, mnist.default_folder())
import_s = time.perf_counter() - t_start

t0 = time.perf_counter()
xtr, ytr, *_ = mnist.load(a.data)
x, y = torch.from_numpy(xtr), torch.from_numpy(ytr)
load_s = time.perf_counter() - t0

net = course_torch.build(a.model)
opt = course_torch.optimizer(net)
warmup_s, secs, loss, acc = course_torch.timed_epochs(net, opt, x, y, a.warmup, a.epochs)

print(json.dumps({"impl": "pytorch", "model": a.model, "torch": torch.__version__,
                  "torch_threads": torch.get_num_threads(),
                  "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", ""),
                  "epoch_seconds": mnist.median(secs), "samples": secs, "warmup_seconds": warmup_s, "warmup_epochs": a.warmup, "load_seconds": load_s,
                  "import_seconds": import_s, "train_loss": loss, "train_acc": acc}))
