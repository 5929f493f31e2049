"""GFLOP/s of float32 GEMM in numpy or PyTorch (both call the system BLAS, OpenBLAS here) at 2048^3 and at the
shapes of the 784-128-10 network trained at batch 64; the same shapes and method as `nabla bench gemm`.

  OPENBLAS_NUM_THREADS=1 python3 gemm.py --lib numpy [--repeat 7]

The thread count is the BLAS's: set OPENBLAS_NUM_THREADS (and --threads for torch.set_num_threads).
Each figure: the median of --repeat samples of at least 50 ms, after about 0.3 s of warm-up. Prints JSON."""

import argparse
import json
import os
import time

import numpy as np

import mnist

# (m, k, n, op): op(A) [m, k] times op(B) [k, n]; op "TN": A is stored [k, m] (the weight gradient x^T dH),
# "NT": B is stored [n, k] (the forward x W^T of a weight stored [out, in], PyTorch's layout)
SHAPES = [(2048, 2048, 2048, "NN"), (64, 784, 128, "NN"), (784, 64, 128, "TN"), (64, 128, 10, "NN"),
          (64, 784, 128, "NT"), (128, 64, 784, "TN"), (64, 128, 10, "NT")]

ap = argparse.ArgumentParser()
ap.add_argument("--lib", choices=["numpy", "torch"], default="numpy")
ap.add_argument("--repeat", type=int, default=7)
ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (torch only)")
a = ap.parse_args()

rng = np.random.default_rng(1)
if a.lib == "torch":
    import torch
    torch.set_num_threads(a.threads)


def operands(m, k, n, op):
    trans_a, trans_b = op[0] == "T", op[1] == "T"
    a_ = rng.uniform(-1, 1, (k, m) if trans_a else (m, k)).astype(np.float32)
    b_ = rng.uniform(-1, 1, (n, k) if trans_b else (k, n)).astype(np.float32)
    c_ = np.zeros((m, n), np.float32)
    if a.lib == "numpy":
        # transposed views: numpy passes the transpose flags to sgemm, no copy
        at, bt = (a_.T if trans_a else a_), (b_.T if trans_b else b_)
        return lambda: np.matmul(at, bt, out=c_)
    ta, tb, tc = torch.from_numpy(a_), torch.from_numpy(b_), torch.from_numpy(c_)
    ta = ta.t() if trans_a else ta
    tb = tb.t() if trans_b else tb
    return lambda: torch.mm(ta, tb, out=tc)


def measure(call, flop):
    warm_end = time.perf_counter() + 0.3
    calls = 0
    t0 = time.perf_counter()
    while time.perf_counter() < warm_end or calls < 2:
        call()
        calls += 1
    per_call = (time.perf_counter() - t0) / calls
    n = max(1, int(0.05 / per_call + 0.999))
    rates = []
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        for _ in range(n):
            call()
        rates.append(flop * n / (time.perf_counter() - t0) / 1e9)
    return mnist.median(rates)


threads = int(os.environ.get("OPENBLAS_NUM_THREADS", "0")) or os.cpu_count()
out = []
for m, k, n, op in SHAPES:
    out.append({"m": m, "k": k, "n": n, "op": op, "threads": threads,
                "gflops": round(measure(operands(m, k, n, op), 2.0 * m * n * k), 2)})
print(json.dumps(out))
