#!/usr/bin/env python3
"""PyTorch peer for `eqvae bench-train`: times one TAEF2 training step (forward, L1 reconstruction
loss, backward, AdamW) on CPU, the same work the Java benchmark times through ONNX Runtime.

Needs Debian's python3-torch (offline) and numpy; reads the published safetensors weights itself, so
no other package is required. Prints one JSON object per crop size on stdout.
"""
import argparse
import json
import struct
import time

import numpy as np
import torch
import torch.nn as nn


def conv(cin, cout, stride=1, bias=True):
    return nn.Conv2d(cin, cout, 3, stride, 1, bias=bias)


class Block(nn.Module):
    def __init__(self, c, pool):
        super().__init__()
        self.conv = nn.Sequential(conv(c, c), nn.ReLU(), conv(c, c), nn.ReLU(), conv(c, c))
        self.pool = nn.Sequential(nn.Conv2d(c, 4 * c, 1, bias=False), nn.GroupNorm(4, 4 * c), nn.ReLU(),
                                  nn.Conv2d(4 * c, c, 1, bias=False)) if pool else None
        self.fuse = nn.ReLU()

    def forward(self, x):
        if self.pool is not None:
            x = x + self.pool(x)
        return self.fuse(self.conv(x) + x)


class Clamp(nn.Module):
    def forward(self, x):
        return torch.tanh(x / 3) * 3


def encoder():
    return nn.Sequential(conv(3, 64), Block(64, False),
                         conv(64, 64, 2, False), Block(64, False), Block(64, False), Block(64, False),
                         conv(64, 64, 2, False), Block(64, False), Block(64, False), Block(64, False),
                         conv(64, 64, 2, False), Block(64, True), Block(64, True), Block(64, True),
                         conv(64, 32))


def decoder():
    return nn.Sequential(Clamp(), conv(32, 64), nn.ReLU(),
                         Block(64, True), Block(64, True), Block(64, True), nn.Upsample(scale_factor=2),
                         conv(64, 64, bias=False), Block(64, False), Block(64, False), Block(64, False),
                         nn.Upsample(scale_factor=2),
                         conv(64, 64, bias=False), Block(64, False), Block(64, False), Block(64, False),
                         nn.Upsample(scale_factor=2),
                         conv(64, 64, bias=False), Block(64, False), conv(64, 3))


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        dtype = {"F16": np.float16, "F32": np.float32, "BF16": None}[info["dtype"]]
        arr = np.frombuffer(raw[8 + n + b:8 + n + e], dtype=dtype).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.astype(np.float32))
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--encoder", required=True)
    p.add_argument("--decoder", required=True)
    p.add_argument("--sizes", default="64,128")
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    enc, dec = encoder(), decoder()
    enc.load_state_dict(read_safetensors(a.encoder))
    dec.load_state_dict(read_safetensors(a.decoder))
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.AdamW(params, lr=1e-5, betas=(0.5, 0.9), weight_decay=0.0)
    for size in [int(s) for s in a.sizes.split(",")]:
        x = torch.rand(a.batch, 3, size, size)
        times = []
        for i in range(a.warmup + a.steps):
            t0 = time.perf_counter()
            opt.zero_grad(set_to_none=True)
            loss = (dec(enc(x)) - x).abs().mean()
            loss.backward()
            opt.step()
            if i >= a.warmup:
                times.append(time.perf_counter() - t0)
        ms = 1000 * float(np.median(times))
        print(json.dumps({"peer": "pytorch " + torch.__version__, "size": size, "batch": a.batch,
                          "ms_per_step": ms, "images_per_s": a.batch * 1000 / ms, "threads": a.threads}), flush=True)


if __name__ == "__main__":
    main()
