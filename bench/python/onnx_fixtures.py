"""Writes the PyTorch fixtures of nabla-onnx's tests: small MLPs exported with torch.onnx.export (opset 13,
dynamic batch) and their outputs on fixed inputs, as .npy files next to them.

    /usr/bin/python3 bench/python/onnx_fixtures.py   # needs python3-torch and python3-numpy (Debian)

The outputs are committed; OnnxPyTorchTest imports each model into nabla and compares its outputs to these to
1e-5. The weights are drawn from a fixed seed, so a re-run writes the same models.
"""
import os

import numpy as np
import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "nabla-onnx", "src", "test", "resources", "onnx")


def models():
    torch.manual_seed(0)
    # Linear -> Gemm, ReLU, Dropout (dropped in eval mode), Tanh
    yield "torch_mlp", nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Dropout(0.2),
                                     nn.Linear(64, 32), nn.Tanh(), nn.Linear(32, 10))
    # LeakyReLU, Sigmoid and a Softmax at the end
    yield "torch_mlp_softmax", nn.Sequential(nn.Linear(784, 16), nn.LeakyReLU(0.1), nn.Linear(16, 16),
                                             nn.Sigmoid(), nn.Linear(16, 10), nn.Softmax(dim=1))


def main():
    os.makedirs(OUT, exist_ok=True)
    inputs = np.random.RandomState(0).rand(8, 784).astype(np.float32)
    np.save(os.path.join(OUT, "torch_inputs.npy"), inputs)
    for name, model in models():
        model.eval()
        with torch.no_grad():
            outputs = model(torch.from_numpy(inputs)).numpy()
        torch.onnx.export(model, torch.from_numpy(inputs[:1]), os.path.join(OUT, name + ".onnx"),
                          input_names=["input"], output_names=["output"], opset_version=13,
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
        np.save(os.path.join(OUT, name + "_outputs.npy"), outputs.astype(np.float32))
        print(name, "outputs", outputs.shape, "written to", OUT)


if __name__ == "__main__":
    main()
