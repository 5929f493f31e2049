"""Seconds per training epoch of the course's numpy implementation (float64, backward by hand), as JSON.

  OPENBLAS_NUM_THREADS=1 python3 numpy_epoch.py --model twolayer --epochs 3 [--data DIR]

Mirrors the course's starter code: forward, hand-written backward, then SGD with reg * W added to the weight
gradients (biases not decayed). --warmup epochs (1), then --epochs timed ones."""

import argparse
import json
import os
import time

import numpy as np

import mnist

LR, REG, BATCH = 0.1, 0.001, 64


def init(model):
    # the course re-seeds before each weight matrix: np.random.seed(1024); W = 0.001 * randn(in, out)
    np.random.seed(1024)
    if model == "softmax":
        return {"W1": 0.001 * np.random.randn(784, 10)}
    w = {"W1": 0.001 * np.random.randn(784, 128), "b1": np.zeros(128)}
    np.random.seed(1024)
    w["W2"] = 0.001 * np.random.randn(128, 10)
    w["b2"] = np.zeros(10)
    return w


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(p, y):
    return -np.mean(np.log(p[np.arange(len(y)), y]))


def step_softmax(w, x, y):
    """x [N, 784] -> z = x W1 [N, 10] -> a = relu(z) -> p = softmax(a); returns loss, hits, gradients."""
    z = x @ w["W1"]
    a = np.maximum(z, 0)
    p = softmax(a)
    loss = cross_entropy(p, y)
    hits = int((p.argmax(1) == y).sum())
    d = p.copy()
    d[np.arange(len(y)), y] -= 1
    d /= len(y)                       # dL/da [N, 10]
    dz = d * (z > 0)                  # through the ReLU
    return loss, hits, {"W1": x.T @ dz}


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def step_twolayer(w, x, y):
    """x [N, 784] -> z1 = x W1 + b1 [N, 128] -> a1 = sigmoid -> z2 = a1 W2 + b2 [N, 10] -> softmax."""
    z1 = x @ w["W1"] + w["b1"]
    a1 = sigmoid(z1)
    z2 = a1 @ w["W2"] + w["b2"]
    p = softmax(z2)
    loss = cross_entropy(p, y)
    hits = int((p.argmax(1) == y).sum())
    d2 = p.copy()
    d2[np.arange(len(y)), y] -= 1
    d2 /= len(y)                      # dL/dz2 [N, 10]
    g = {"W2": a1.T @ d2, "b2": d2.sum(0)}
    da1 = d2 @ w["W2"].T              # [N, 128]
    d1 = da1 * a1 * (1 - a1)          # sigmoid'(z1) = a1 (1 - a1)
    g["W1"] = x.T @ d1
    g["b1"] = d1.sum(0)
    return loss, hits, g


def train_epoch(w, step, x, y, rng):
    n = len(x)
    order = rng.permutation(n)
    loss_sum, hits, batches = 0.0, 0, 0
    for i in range(0, n, BATCH):
        idx = order[i:i + BATCH]
        loss, h, g = step(w, x[idx], y[idx])
        for k in g:
            if k.startswith("W"):
                g[k] += REG * w[k]    # the course: gradients[k] += reg * weights[k]
            w[k] -= LR * g[k]
        loss_sum += loss
        hits += h
        batches += 1
    return loss_sum / batches, hits / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="twolayer", choices=["twolayer", "softmax"])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1, help="untimed epochs first")
    ap.add_argument("--data", default=mnist.default_folder())
    a = ap.parse_args()
    t0 = time.perf_counter()
    x, y, *_ = mnist.load(a.data, dtype=np.float64)
    load_s = time.perf_counter() - t0
    w = init(a.model)
    step = step_twolayer if a.model == "twolayer" else step_softmax
    rng = np.random.RandomState(1024)
    t0 = time.perf_counter()
    train_epoch(w, step, x, y, rng)  # warm-up; its time is reported
    warmup_s = time.perf_counter() - t0
    for _ in range(a.warmup - 1):
        train_epoch(w, step, x, y, rng)
    secs = []
    for _ in range(a.epochs):
        t0 = time.perf_counter()
        loss, acc = train_epoch(w, step, x, y, rng)
        secs.append(time.perf_counter() - t0)
    print(json.dumps({"impl": "numpy", "model": a.model, "numpy": np.__version__,
                      "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", ""),
                      "epoch_seconds": mnist.median(secs), "samples": secs, "warmup_seconds": warmup_s, "warmup_epochs": a.warmup,
                      "load_seconds": load_s,
                      "train_loss": loss, "train_acc": acc}))


if __name__ == "__main__":
    main()
