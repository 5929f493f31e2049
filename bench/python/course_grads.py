#!/usr/bin/env python3
"""The course's two-layer network in float64 numpy: the gradients of the mean cross-entropy on a few fixed
inputs, for comparison with `nabla gradcheck --dtype float64 --save-grads`.

Network (the course's, hidden size 8 to keep the fixtures small): x [N, 784] -> x W1 + b1 -> sigmoid
-> h W2 + b2 -> softmax cross-entropy, mean over the batch, no L2 term. Weights as the course draws them:
np.random.seed(1024); W1 = 0.001 * randn(784, 8); np.random.seed(1024); W2 = 0.001 * randn(8, 10); biases 0.
nabla keeps its initial weights in float32, so the draws are rounded to float32 (then computed in float64).

Writes into OUT (default: nabla-cli's test resources): X.npy (float32 inputs), y.npy (int64 labels) and
W1.npy, b1.npy, W2.npy, b2.npy (float64 gradients, the course's layout: W1 [784, 8]).
Run: /usr/bin/python3 bench/python/course_grads.py [OUT]
"""
import os
import sys

import numpy as np

HIDDEN, CLASSES, FEATURES, N = 8, 10, 784, 6


def init(rows, cols):
    np.random.seed(1024)
    return (0.001 * np.random.randn(rows, cols)).astype(np.float32).astype(np.float64)


def grads(x, y, W1, b1, W2, b2):
    n = x.shape[0]
    a = x @ W1 + b1
    h = 1 / (1 + np.exp(-a))
    z = h @ W2 + b2
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    dz = p.copy()
    dz[np.arange(n), y] -= 1
    dz /= n
    dW2 = h.T @ dz
    db2 = dz.sum(axis=0)
    dh = dz @ W2.T
    da = dh * h * (1 - h)
    dW1 = x.T @ da
    db1 = da.sum(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "..", "nabla-cli", "src", "test", "resources", "dev", "nabla", "cli", "course-grads")
    os.makedirs(out, exist_ok=True)
    rng = np.random.RandomState(7)
    x = rng.rand(N, FEATURES).astype(np.float32)  # pixel-like values in [0, 1), exact in float32
    y = rng.randint(0, CLASSES, size=N).astype(np.int64)
    W1, W2 = init(FEATURES, HIDDEN), init(HIDDEN, CLASSES)
    b1, b2 = np.zeros(HIDDEN), np.zeros(CLASSES)
    g = grads(x.astype(np.float64), y, W1, b1, W2, b2)
    np.save(os.path.join(out, "X.npy"), x)
    np.save(os.path.join(out, "y.npy"), y)
    for k, v in g.items():
        np.save(os.path.join(out, k + ".npy"), v.astype(np.float64))
    print("wrote", out, {k: v.shape for k, v in g.items()})


if __name__ == "__main__":
    main()
