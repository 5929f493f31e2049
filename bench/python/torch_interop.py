#!/usr/bin/env python3
"""PyTorch interop fixture for nabla's model files.

Default: builds a small MLP in PyTorch (nn.Sequential(Linear(6, 5), ReLU(), Linear(5, 3)), seeded), and writes
into OUT (default: nabla-core's test resources, dev/nabla/models/torch/):
  mlp.safetensors     its state_dict (0.weight [5, 6], 0.bias, 2.weight [3, 5], 2.bias), float32
  io.safetensors      fixed inputs x [4, 6] and the model's logits [4, 3], float32
nabla's TorchInteropTest loads mlp.safetensors into the same architecture and must reproduce the logits.

--check FILE: loads FILE (a model file nabla wrote, e.g. by TorchInteropTest into
nabla-core/target/torch-interop/nabla-mlp.safetensors) into the same PyTorch architecture with
load_state_dict(strict=True) and checks its logits on the fixed inputs against io.safetensors to 1e-5.

safetensors files are written and read by hand (8-byte little-endian header length, JSON header, raw
little-endian data), so only torch and numpy are needed. Run: /usr/bin/python3 bench/python/torch_interop.py
"""
import json
import os
import struct
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "nabla-core", "src", "test", "resources", "dev", "nabla", "models", "torch")
DTYPES = {"F32": np.float32, "F64": np.float64}


def write_safetensors(path, tensors, metadata=None):
    header, offset, blobs = {}, 0, []
    if metadata:
        header["__metadata__"] = metadata
    for name, a in tensors.items():
        a = np.ascontiguousarray(a, dtype=np.float32)
        b = a.astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        s, e = t["data_offsets"]
        out[name] = np.frombuffer(body[s:e], dtype=np.dtype(DTYPES[t["dtype"]]).newbyteorder("<")).reshape(t["shape"])
    return out


def model():
    return torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))


def main():
    out = OUT
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        io = read_safetensors(os.path.join(out, "io.safetensors"))
        state = {k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in read_safetensors(sys.argv[2]).items()
                 if not k.startswith("optimizer.")}
        m = model()
        m.load_state_dict(state, strict=True)
        with torch.no_grad():
            logits = m(torch.from_numpy(np.array(io["x"]))).numpy()
        diff = float(np.abs(logits - io["logits"]).max())
        print("max |logits - expected| =", diff)
        sys.exit(0 if diff <= 1e-5 else 1)
    torch.manual_seed(11)
    m = model()
    x = torch.randn(4, 6, generator=torch.Generator().manual_seed(12))
    with torch.no_grad():
        logits = m(x)
    os.makedirs(out, exist_ok=True)
    write_safetensors(os.path.join(out, "mlp.safetensors"), {k: v.numpy() for k, v in m.state_dict().items()},
                      {"format": "pt"})
    write_safetensors(os.path.join(out, "io.safetensors"), {"x": x.numpy(), "logits": logits.numpy()})
    print("wrote", out)


if __name__ == "__main__":
    main()
