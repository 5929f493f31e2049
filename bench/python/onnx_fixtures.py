"""Writes the PyTorch fixtures of nabla-onnx's tests: small models exported with torch.onnx.export (opset 13,
dynamic batch), their outputs on fixed inputs as .npy files, and safetensors state dicts.

    /usr/bin/python3 bench/python/onnx_fixtures.py [--out DIR] [--data MNIST_FOLDER]

needs python3-torch and python3-numpy (Debian). Fixtures (in nabla-onnx's test resources unless --out):
  torch_inputs.npy                     fixed inputs [8, 784] in [0, 1)
  torch_mlp, torch_mlp_softmax         MLPs (Gemm, Relu, Dropout, Tanh, LeakyRelu, Sigmoid, Softmax): .onnx, _outputs.npy
  torch_cnn                            a CNN (Conv with padding and groups, BatchNormalization, MaxPool, LeakyRelu,
                                       AveragePool, GlobalAveragePool, Flatten, Gemm) on [N, 1, 28, 28]: .onnx,
                                       .safetensors (its state dict), _outputs.npy
  torch_trained                        a small CNN trained for one pass over 12,000 MNIST training images: .onnx,
                                       .safetensors, _outputs.npy, _accuracy.json (PyTorch's accuracy on the 10,000
                                       MNIST test images)
The weights come from fixed seeds and training runs on one thread in a fixed order, so a re-run writes the same
outputs on a CPU of the same kind. On another vector width PyTorch's kernels round differently and the trained
model comes out different (an AVX2 CPU's re-run: 9,446 test images right against the committed 9,530).
OnnxPyTorchTest re-runs this script into a temporary folder when PyTorch is present: the untrained models must
equal the committed ones, and nabla must give each re-run model's outputs and the trained one's accuracy.
"""
import argparse
import json
import os

import numpy as np
import torch
from torch import nn

import mnist
from torch_interop import write_safetensors

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "nabla-onnx", "src", "test", "resources", "onnx")
TRAIN_IMAGES = 12_000


def dense_models():
    torch.manual_seed(0)
    # Linear -> Gemm, ReLU, Dropout (dropped in eval mode), Tanh
    yield "torch_mlp", nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Dropout(0.2),
                                     nn.Linear(64, 32), nn.Tanh(), nn.Linear(32, 10))
    # LeakyReLU, Sigmoid and a Softmax at the end
    yield "torch_mlp_softmax", nn.Sequential(nn.Linear(784, 16), nn.LeakyReLU(0.1), nn.Linear(16, 16),
                                             nn.Sigmoid(), nn.Linear(16, 10), nn.Softmax(dim=1))


def cnn():
    """The CNN layers nabla reads; batch norm after the ReLU so the exporter keeps it (it folds one after a conv)."""
    torch.manual_seed(1)
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(4), nn.MaxPool2d(2),
                         nn.Conv2d(4, 8, 3, padding=1, groups=2), nn.LeakyReLU(0.1), nn.AvgPool2d(2),
                         nn.Conv2d(8, 16, 3, dilation=2), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(16, 10))


def trained_model():
    torch.manual_seed(2)
    return nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 12, 5), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(12 * 4 * 4, 10))


def export(model, example, out, name, inputs):
    model.eval()
    with torch.no_grad():
        outputs = model(inputs).numpy()
    torch.onnx.export(model, example, os.path.join(out, name + ".onnx"), input_names=["input"],
                      output_names=["output"], opset_version=13,
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    np.save(os.path.join(out, name + "_outputs.npy"), outputs.astype(np.float32))
    print(name, "outputs", outputs.shape, "written to", out)


def state_dict(model, out, name):
    """The state dict as safetensors, float32; batch norm's num_batches_tracked counter is not a weight."""
    tensors = {k: v.numpy() for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
    write_safetensors(os.path.join(out, name + ".safetensors"), tensors, {"format": "pt"})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", default=OUT)
    p.add_argument("--data", default=None, help="MNIST folder (default: as nabla finds it)")
    args = p.parse_args()
    out = args.out
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    inputs = np.random.RandomState(0).rand(8, 784).astype(np.float32)
    np.save(os.path.join(out, "torch_inputs.npy"), inputs)
    x = torch.from_numpy(inputs)
    for name, model in dense_models():
        export(model, x[:1], out, name, x)

    images = x.reshape(8, 1, 28, 28)
    model = cnn()
    model.train()
    with torch.no_grad():  # move batch norm's running statistics off their start
        for i in range(3):
            model(torch.rand(16, 1, 28, 28, generator=torch.Generator().manual_seed(10 + i)))
    export(model, images[:1], out, "torch_cnn", images)
    state_dict(model, out, "torch_cnn")

    xtr, ytr, _, _, xte, yte = mnist.load(args.data or mnist.default_folder())
    model = trained_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    order = np.random.RandomState(3).permutation(TRAIN_IMAGES)
    model.train()
    for start in range(0, TRAIN_IMAGES, 50):
        idx = order[start:start + 50]
        xb = torch.from_numpy(xtr[idx]).reshape(-1, 1, 28, 28)
        loss = nn.functional.cross_entropy(model(xb), torch.from_numpy(ytr[idx]))
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        predicted = model(torch.from_numpy(xte).reshape(-1, 1, 28, 28)).argmax(1).numpy()
    correct = int((predicted == yte).sum())
    export(model, images[:1], out, "torch_trained", images)
    state_dict(model, out, "torch_trained")
    with open(os.path.join(out, "torch_trained_accuracy.json"), "w") as f:
        json.dump({"test_images": int(len(yte)), "correct": correct, "accuracy": correct / len(yte),
                   "train_images": TRAIN_IMAGES}, f, indent=1)
        f.write("\n")
    print("torch_trained: test accuracy", correct / len(yte), "(", correct, "of", len(yte), ")")


if __name__ == "__main__":
    main()
