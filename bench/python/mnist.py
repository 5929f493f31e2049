"""Reads MNIST the way nabla does: the four idx files (raw or .gz) from one folder, pixels / 255, the course's
split (first 48,000 training images train, last 12,000 validate, the 10,000 test images test).

Standard library and numpy only; every reference program imports this so that all of them load the same data."""

import gzip
import os
import struct

import numpy as np

STEMS = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
TRAIN_COUNT = 48_000


def _path(folder, stem):
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        p = os.path.join(folder, name)
        if os.path.isfile(p):
            return p
    raise SystemExit(f"{folder}: no {stem} or {stem}.gz (pass --data with the folder of the four MNIST files)")


def _read(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def read_raw(folder):
    """The four files as uint8 arrays: train images [60000, 28, 28], labels [60000], test images, test labels."""
    return [_read(_path(folder, s)) for s in STEMS]


def load(folder, dtype=np.float32):
    """(x_train, y_train, x_val, y_val, x_test, y_test); x: [count, 784] of dtype in [0, 1], y: int64 [count]."""
    tri, trl, tei, tel = read_raw(folder)
    xtr = tri.reshape(len(tri), -1).astype(dtype) / dtype(255)
    xte = tei.reshape(len(tei), -1).astype(dtype) / dtype(255)
    ytr = trl.astype(np.int64)
    yte = tel.astype(np.int64)
    return (xtr[:TRAIN_COUNT], ytr[:TRAIN_COUNT], xtr[TRAIN_COUNT:], ytr[TRAIN_COUNT:], xte, yte)


def default_folder():
    """$NABLA_DATA, else a shared/data/mnist folder beside one of the working folder's parents, else nabla's cache."""
    env = os.environ.get("NABLA_DATA")
    if env:
        return env
    d = os.path.abspath(os.getcwd())
    while True:
        cand = os.path.join(d, "shared", "data", "mnist")
        if os.path.isdir(cand):
            return cand
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    return os.path.join(os.path.expanduser("~"), ".cache", "nabla", "mnist")


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
