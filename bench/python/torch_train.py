"""The PyTorch twin of `./nabla train` with its defaults, for whole-process timing: load the four MNIST files,
train the course's two-layer network (784-128-10, sigmoid, batch 64, lr 0.1, L2 0.001 on weights) for 10
epochs with validation after each, keep the best weights by validation accuracy, test them, and write the run's
files (metrics, weights, a loss/accuracy plot when matplotlib is installed) to --out.

  OPENBLAS_NUM_THREADS=2 python3 torch_train.py --threads 1 --out /tmp/run [--data DIR]

Prints one line per epoch, then a JSON summary line."""

import argparse
import copy
import json
import os
import time

import torch

import course_torch
import mnist

ap = argparse.ArgumentParser()
ap.add_argument("--data", default=mnist.default_folder())
ap.add_argument("--out", default="runs/torch-twolayer")
ap.add_argument("--epochs", type=int, default=10)
ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
a = ap.parse_args()
torch.set_num_threads(a.threads)
t_start = time.perf_counter()

xtr, ytr, xva, yva, xte, yte = (torch.from_numpy(v) for v in mnist.load(a.data))
net = course_torch.build("twolayer")
opt = course_torch.optimizer(net)
gen = torch.Generator().manual_seed(1024)
history, best_acc, best_state, best_epoch = [], -1.0, None, 0
for epoch in range(1, a.epochs + 1):
    t0 = time.perf_counter()
    train_loss, train_acc = course_torch.train_epoch(net, opt, xtr, ytr, gen)
    t1 = time.perf_counter()
    val_loss, val_acc = course_torch.evaluate(net, xva, yva)
    history.append({"epoch": epoch, "train_loss": train_loss, "train_acc": train_acc, "val_loss": val_loss,
                    "val_acc": val_acc, "train_seconds": t1 - t0, "eval_seconds": time.perf_counter() - t1})
    if val_acc > best_acc:
        best_acc, best_epoch, best_state = val_acc, epoch, copy.deepcopy(net.state_dict())
    print(f"epoch {epoch:2d}  train loss {train_loss:.4f} acc {train_acc:.4f}  val loss {val_loss:.4f} "
          f"acc {val_acc:.4f}  {t1 - t0:.2f}s", flush=True)
net.load_state_dict(best_state)
test_loss, test_acc = course_torch.evaluate(net, xte, yte)

os.makedirs(a.out, exist_ok=True)
torch.save(best_state, os.path.join(a.out, "best.pt"))
summary = {"impl": "pytorch", "best_epoch": best_epoch, "best_val_acc": best_acc, "test_acc": test_acc,
           "test_loss": test_loss, "history": history}
with open(os.path.join(a.out, "metrics.json"), "w") as f:
    json.dump(summary, f, indent=1)
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    ep = [h["epoch"] for h in history]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(ep, [h["train_loss"] for h in history], label="train")
    ax1.plot(ep, [h["val_loss"] for h in history], label="validation")
    ax1.set_xlabel("epoch"), ax1.set_ylabel("loss"), ax1.legend()
    ax2.plot(ep, [h["train_acc"] for h in history], label="train")
    ax2.plot(ep, [h["val_acc"] for h in history], label="validation")
    ax2.set_xlabel("epoch"), ax2.set_ylabel("accuracy"), ax2.legend()
    fig.savefig(os.path.join(a.out, "curves.png"), dpi=100)
    plots = "written"
except ImportError:
    plots = "skipped (matplotlib not installed)"
print(json.dumps({"impl": "pytorch", "test_acc": test_acc, "best_val_acc": best_acc, "best_epoch": best_epoch,
                  "plots": plots, "seconds_after_import": time.perf_counter() - t_start}))
