#!/usr/bin/env python3
"""PyTorch peer for `eqvae bench-infer`: times TAEF2 encode + decode of one image on the CPU in eager
PyTorch (inference mode), the same work the Java benchmark times through ONNX Runtime.

Same model (bench/torch_taef2_step.py builds it from the published safetensors), same input (the formula
of InferenceBenchmark.pattern), and for tiled cases the same tiling as eqvae4j's TiledAutoencoder: the
whole-image parts (the GroupNorm blocks at latent resolution) run once, the local parts window by
window (tile + halo on each side, windows spread evenly, linear blending ramps). Prints one JSON object
per case on stdout, with the peak RSS of this process during the case (VmHWM, reset per case).

With --export-onnx DIR it instead writes the same encoder and decoder as DIR/encoder.onnx and DIR/decoder.onnx
with torch.onnx.export (opset 17, dynamic batch and size; input "image"/"latent", output "latent"/"image")
and prints {"exported": DIR}: the benchmark's second peer, the PyTorch export run on plain ONNX Runtime.
"""
import argparse
import json
import math
import os
import re
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_taef2_step import decoder, encoder, read_safetensors  # noqa: E402


def peak_rss():
    with open("/proc/self/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1)) * 1024


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def pattern(size):
    y, x = np.meshgrid(np.arange(size, dtype=np.float64), np.arange(size, dtype=np.float64), indexing="ij")
    chans = [0.5 + 0.4 * np.sin(0.031 * (c + 1) * x + 0.017 * y) * np.cos(0.023 * y - 0.011 * c * x) for c in range(3)]
    return torch.from_numpy(np.stack(chans)[None].astype(np.float32))


class Layout:
    """TileLayout: windows of `window` latent units, first at 0, last at the end, starts spread evenly."""

    def __init__(self, length, window, overlap):
        self.length = length
        if length <= window:
            self.window, self.starts = length, [0]
            return
        self.window = window
        stride = window - overlap
        count = (length - window + stride - 1) // stride + 1
        self.starts = [int(math.floor(i * (length - window) / (count - 1) + 0.5)) for i in range(count)]

    def ramp(self, i, scale):
        size = self.window * scale
        w = np.ones(size, dtype=np.float32)
        p = np.arange(size, dtype=np.float32)
        if i > 0:
            ov = (self.starts[i - 1] + self.window - self.starts[i]) * scale
            w[:ov] = np.minimum(w[:ov], (p[:ov] + 0.5) / ov)
        if i < len(self.starts) - 1:
            ov = (self.starts[i] + self.window - self.starts[i + 1]) * scale
            w[size - ov:] = np.minimum(w[size - ov:], ((p[:ov] + 0.5) / ov)[::-1])
        return w

    def weights(self, i, scale):
        total = np.zeros(self.length * scale, dtype=np.float32)
        for j, s in enumerate(self.starts):
            total[s * scale:(s + self.window) * scale] += self.ramp(j, scale)
        s = self.starts[i] * scale
        return self.ramp(i, scale) / total[s:s + self.window * scale]


def tiled(fn, x, in_scale, out_scale, window, overlap):
    lh, lw = x.shape[2] // in_scale, x.shape[3] // in_scale
    rows, cols = Layout(lh, window, overlap), Layout(lw, window, overlap)
    out = None
    for i, ys in enumerate(rows.starts):
        wy = torch.from_numpy(rows.weights(i, out_scale))[:, None]
        for j, xs in enumerate(cols.starts):
            wx = torch.from_numpy(cols.weights(j, out_scale))[None, :]
            r = fn(x[:, :, ys * in_scale:(ys + rows.window) * in_scale, xs * in_scale:(xs + cols.window) * in_scale])
            if out is None:
                out = torch.zeros(x.shape[0], r.shape[1], lh * out_scale, lw * out_scale)
            out[:, :, ys * out_scale:ys * out_scale + r.shape[2], xs * out_scale:xs * out_scale + r.shape[3]] += r * wy * wx
    return out, len(rows.starts) * len(cols.starts)


def export_onnx(enc, dec, folder):
    os.makedirs(folder, exist_ok=True)
    dims = {0: "batch", 2: "height", 3: "width"}
    for model, x, name, inp, out in ((enc, torch.rand(1, 3, 64, 64), "encoder", "image", "latent"),
                                     (dec, torch.rand(1, 32, 8, 8), "decoder", "latent", "image")):
        torch.onnx.export(model, x, os.path.join(folder, name + ".onnx"), input_names=[inp], output_names=[out],
                          dynamic_axes={inp: dims, out: dims}, opset_version=17)
    print(json.dumps({"exported": folder, "peer": "pytorch " + torch.__version__}), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--encoder", required=True)
    p.add_argument("--decoder", required=True)
    p.add_argument("--cases", default="256,512,2048t", help="sizes; a trailing t means tiled")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--large", type=int, default=1024, help="from this size: --large-reps runs, no warm-up")
    p.add_argument("--large-reps", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--tile", type=int, default=256)
    p.add_argument("--halo", type=int, default=32)
    p.add_argument("--export-onnx", metavar="DIR", help="write the models with torch.onnx.export and exit")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    enc, dec = encoder().eval(), decoder().eval()
    enc.load_state_dict(read_safetensors(a.encoder))
    dec.load_state_dict(read_safetensors(a.decoder))
    if a.export_onnx:
        export_onnx(enc, dec, a.export_onnx)
        return
    f = 8
    window, overlap = (a.tile + 2 * a.halo) // f, 2 * a.halo // f
    pool_block = dec[5]  # the export cuts the decoder inside this block: its GroupNorm branch is whole-image

    def enc_local(x):
        return enc[:11](x)

    def enc_global(h):
        return enc[11:](h)

    def dec_global(z):
        h = dec[:5](z)
        return h + pool_block.pool(h)

    def dec_local(h):
        return dec[6:](pool_block.fuse(pool_block.conv(h) + h))

    for spec in a.cases.split(","):
        is_tiled = spec.endswith("t")
        size = int(spec.rstrip("t"))
        x = pattern(size)
        warmup, reps = (0, a.large_reps) if size >= a.large else (a.warmup, a.reps)
        reset_peak()
        times, encs, decs, tiles, y = [], [], [], 1, None
        with torch.inference_mode():
            for i in range(warmup + reps):
                t0 = time.perf_counter()
                if is_tiled:
                    h, tiles = tiled(enc_local, x, f, 1, window, overlap)
                    z = enc_global(h)
                    t1 = time.perf_counter()
                    y, _ = tiled(dec_local, dec_global(z), 1, f, window, overlap)
                else:
                    z = enc(x)
                    t1 = time.perf_counter()
                    y = dec(z)
                t2 = time.perf_counter()
                if i >= warmup:
                    times.append(1000 * (t2 - t0))
                    encs.append(1000 * (t1 - t0))
                    decs.append(1000 * (t2 - t1))
        print(json.dumps({"peer": "pytorch " + torch.__version__, "case": spec, "size": size, "tiled": is_tiled,
                          "reps": reps, "ms_per_image": float(np.median(times)), "min_ms": min(times), "max_ms": max(times),
                          "encode_ms": float(np.median(encs)), "decode_ms": float(np.median(decs)), "tiles": tiles,
                          "peak_rss_bytes": peak_rss(), "output_mean": float(y.double().mean()),
                          "threads": a.threads}), flush=True)


if __name__ == "__main__":
    main()
