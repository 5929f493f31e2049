"""Seconds to read the four MNIST files into float32 arrays (pixels / 255) and split them, in numpy: the first
read in a fresh process, then the median of --repeat further reads. Prints JSON."""

import argparse
import json
import time

import mnist

ap = argparse.ArgumentParser()
ap.add_argument("--data", default=mnist.default_folder())
ap.add_argument("--repeat", type=int, default=3)
a = ap.parse_args()
t0 = time.perf_counter()
mnist.load(a.data)
first = time.perf_counter() - t0
more = []
for _ in range(a.repeat):
    t0 = time.perf_counter()
    mnist.load(a.data)
    more.append(time.perf_counter() - t0)
print(json.dumps({"impl": "numpy", "first_seconds": first, "median_seconds": mnist.median(more) if more else first}))
