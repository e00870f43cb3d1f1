#!/usr/bin/python3
"""Writes the fixture zoo of outside-made ONNX graphs that eqvae4j must turn into training artifacts
(issue 14): small-weight torch.onnx exports of architectures people train, each with a reference file of
PyTorch float64 gradients for a fixed input.

For every fixture NAME this writes, next to this script:
  NAME.onnx              torch.onnx.export of the float32 model (opset as listed, do_constant_folding=False
                         so parameters keep their state-dict names; shape arithmetic stays in the graph)
  NAME.reference.safetensors
      input.<onnx input name>  the fixed input(s), F32
      target                   the loss target: F32 like the output (mse) or I64 labels (cross-entropy)
      loss                     F64 [1], the loss of the float64 model
      grad.<parameter name>    F64, d loss / d parameter of the float64 copy of the same model

Losses are those of `./eqvae artifacts --loss`: mse = mean((y - target)^2) over all elements,
cross-entropy = mean over the batch of -log softmax(logits)[label].

Run once with Debian's PyTorch (apt-get install -y python3-torch; torch 1.13 exports opsets up to 17):
    /usr/bin/python3 make_fixture_zoo.py
Never run by the tests or CI; the outputs are committed.
"""
import json
import math
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


# ----------------------------------------------------------------------------- TAEF2 (TAESD family)

class Block(nn.Module):
    """TAESD block with TAEF2's optional pool branch (1x1 conv, GroupNorm, ReLU, 1x1 conv)."""

    def __init__(self, c, pool, expansion=2, groups=2):
        super().__init__()
        self.pool = nn.Sequential(nn.Conv2d(c, c * expansion, 1, bias=False), nn.GroupNorm(groups, c * expansion),
                                  nn.ReLU(), nn.Conv2d(c * expansion, c, 1, bias=False)) if pool else None
        self.conv = nn.Sequential(nn.Conv2d(c, c, 3, padding=1), nn.ReLU(), nn.Conv2d(c, c, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(c, c, 3, padding=1))

    def forward(self, x):
        if self.pool is not None:
            x = x + self.pool(x)
        return F.relu(self.conv(x) + x)


class Clamp(nn.Module):
    def forward(self, x):
        return torch.tanh(x / 3) * 3


def taef2_encoder(c=8, z=4):
    return nn.Sequential(nn.Conv2d(3, c, 3, padding=1), Block(c, False),
                         nn.Conv2d(c, c, 3, stride=2, padding=1, bias=False), Block(c, False),
                         nn.Conv2d(c, c, 3, stride=2, padding=1, bias=False), Block(c, True),
                         nn.Conv2d(c, z, 3, padding=1))


def taef2_decoder(c=8, z=4):
    return nn.Sequential(Clamp(), nn.Conv2d(z, c, 3, padding=1), nn.ReLU(), Block(c, True),
                         nn.Upsample(scale_factor=2), nn.Conv2d(c, c, 3, padding=1, bias=False), Block(c, False),
                         nn.Upsample(scale_factor=2), nn.Conv2d(c, c, 3, padding=1, bias=False), Block(c, False),
                         nn.Conv2d(c, 3, 3, padding=1))


# ----------------------------------------------------------------------------- LDM KL-VAE (small config)

def norm(c):
    return nn.GroupNorm(4, c, eps=1e-6)


class ResnetBlock(nn.Module):
    def __init__(self, cin, cout, temb=0):
        super().__init__()
        self.norm1 = norm(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb_proj = nn.Linear(temb, cout) if temb else None
        self.norm2 = norm(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.nin_shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, temb=None):
        h = self.conv1(F.silu(self.norm1(x)))
        if temb is not None:
            h = h + self.temb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (x if self.nin_shortcut is None else self.nin_shortcut(x)) + h


class AttnBlock(nn.Module):
    """LDM's single-head spatial self-attention (1x1 convs, bmm, softmax)."""

    def __init__(self, c):
        super().__init__()
        self.norm = norm(c)
        self.q = nn.Conv2d(c, c, 1)
        self.k = nn.Conv2d(c, c, 1)
        self.v = nn.Conv2d(c, c, 1)
        self.proj_out = nn.Conv2d(c, c, 1)

    def forward(self, x):
        h = self.norm(x)
        q, k, v = self.q(h), self.k(h), self.v(h)
        b, c, hh, ww = q.shape
        q = q.reshape(b, c, hh * ww).permute(0, 2, 1)
        k = k.reshape(b, c, hh * ww)
        w = torch.softmax(torch.bmm(q, k) * (int(c) ** (-0.5)), dim=2)
        v = v.reshape(b, c, hh * ww)
        h = torch.bmm(v, w.permute(0, 2, 1)).reshape(b, c, hh, ww)
        return x + self.proj_out(h)


class Downsample(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, stride=2)

    def forward(self, x):
        return self.conv(F.pad(x, (0, 1, 0, 1)))


class Upsample(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class KlVae(nn.Module):
    """LDM AutoencoderKL, ch 8, ch_mult (1, 2), one res block per level, attention at the bottom, z 2:
    reconstruction through the posterior mode."""

    def __init__(self, ch=8, z=2):
        super().__init__()
        self.conv_in = nn.Conv2d(3, ch, 3, padding=1)
        self.down0 = ResnetBlock(ch, ch)
        self.downsample = Downsample(ch)
        self.down1 = ResnetBlock(ch, 2 * ch)
        self.mid_block_1 = ResnetBlock(2 * ch, 2 * ch)
        self.mid_attn_1 = AttnBlock(2 * ch)
        self.norm_out = norm(2 * ch)
        self.conv_out = nn.Conv2d(2 * ch, 2 * z, 3, padding=1)
        self.quant_conv = nn.Conv2d(2 * z, 2 * z, 1)
        self.post_quant_conv = nn.Conv2d(z, z, 1)
        self.dec_conv_in = nn.Conv2d(z, 2 * ch, 3, padding=1)
        self.dec_mid = ResnetBlock(2 * ch, 2 * ch)
        self.up1 = ResnetBlock(2 * ch, ch)
        self.upsample = Upsample(ch)
        self.up0 = ResnetBlock(ch, ch)
        self.dec_norm_out = norm(ch)
        self.dec_conv_out = nn.Conv2d(ch, 3, 3, padding=1)

    def forward(self, x):
        h = self.down1(self.downsample(self.down0(self.conv_in(x))))
        h = self.mid_attn_1(self.mid_block_1(h))
        moments = self.quant_conv(self.conv_out(F.silu(self.norm_out(h))))
        mean, logvar = torch.chunk(moments, 2, dim=1)
        z = self.post_quant_conv(mean)
        h = self.up1(self.dec_mid(self.dec_conv_in(z)))
        h = self.up0(self.upsample(h))
        return self.dec_conv_out(F.silu(self.dec_norm_out(h)))


# ----------------------------------------------------------------------------- ResNet-18-shaped classifier

class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout)) \
            if stride != 1 or cin != cout else None

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + (x if self.downsample is None else self.downsample(x)))


class ResNet18(nn.Module):
    """torchvision's resnet18 layout (7x7 stem, max pool, 4 stages of 2 basic blocks, global pool, fc) at
    widths 4-32; exported in training mode, so BatchNormalization normalises with batch statistics."""

    def __init__(self, widths=(4, 8, 16, 16), classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, widths[0], 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        layers = []
        cin = widths[0]
        for i, w in enumerate(widths):
            layers.append(nn.Sequential(BasicBlock(cin, w, 1 if i == 0 else 2), BasicBlock(w, w, 1)))
            cin = w
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


# ----------------------------------------------------------------------------- U-Net block with self-attention

class UNetAttentionBlock(nn.Module):
    """A diffusion U-Net level: ResBlock with a timestep embedding, multi-head self-attention over the
    pixels written with einsum, bilinear upsampling and a transposed convolution back down."""

    def __init__(self, c=8, temb=16, heads=2):
        super().__init__()
        self.res = ResnetBlock(c, c, temb)
        self.norm = norm(c)
        self.qkv = nn.Conv2d(c, 3 * c, 1)
        self.proj = nn.Conv2d(c, c, 1)
        self.heads = heads
        self.up = nn.Conv2d(c, c, 3, padding=1)
        self.down = nn.ConvTranspose2d(c, c, 4, stride=2, padding=1)
        self.pool = nn.AvgPool2d(4)

    def forward(self, x, temb):
        h = self.res(x, temb)
        b, c, hh, ww = h.shape
        qkv = self.qkv(self.norm(h)).reshape(b, 3, self.heads, c // self.heads, hh * ww)
        q, k, v = qkv[:, 0], qkv[:, 1], qkv[:, 2]
        w = torch.softmax(torch.einsum("bhdq,bhdk->bhqk", q, k) / math.sqrt(c // self.heads), dim=-1)
        a = torch.einsum("bhqk,bhdk->bhdq", w, v).reshape(b, c, hh, ww)
        h = h + self.proj(a)
        u = self.up(F.interpolate(h, scale_factor=2.0, mode="bilinear", align_corners=False))
        return self.down(self.pool(u)) + h


# ----------------------------------------------------------------------------- ViT and DiT blocks

class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, d = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        w = torch.softmax(q @ k.transpose(-2, -1) * (d // self.heads) ** -0.5, dim=-1)
        return self.proj((w @ v).transpose(1, 2).reshape(b, n, d))


class ViTBlock(nn.Module):
    def __init__(self, dim=16, heads=2):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class DiTBlock(nn.Module):
    """DiT block with adaLN modulation (randomly initialised here, not zero, so every weight has a gradient),
    tanh-approximated GELU, and conditioning c as a second input."""

    def __init__(self, dim=16, heads=2):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, elementwise_affine=False, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, elementwise_affine=False, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(approximate="tanh"), nn.Linear(2 * dim, dim))
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(dim, 6 * dim))

    def forward(self, x, c):
        shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = self.adaLN_modulation(c).chunk(6, dim=1)
        x = x + gate_msa.unsqueeze(1) * self.attn(self.norm1(x) * (1 + scale_msa.unsqueeze(1)) + shift_msa.unsqueeze(1))
        return x + gate_mlp.unsqueeze(1) * self.mlp(self.norm2(x) * (1 + scale_mlp.unsqueeze(1)) + shift_mlp.unsqueeze(1))


# ----------------------------------------------------------------------------- writing

def write_safetensors(path, tensors):
    codes = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}
    header = {}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        data = t.detach().contiguous().cpu().numpy().tobytes()
        header[name] = {"dtype": codes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)


def make(name, model, inputs, input_names, loss, opset, training=False):
    torch.manual_seed(1)
    model = model.float()
    # norm weights start as ones and biases as zeros; torch.onnx merges initializers with equal values, so
    # make every vector parameter distinct (and the test of its gradient meaningful)
    with torch.no_grad():
        noise = torch.Generator().manual_seed(11)
        for p in model.parameters():
            if p.dim() == 1:
                p.add_(torch.rand(p.shape, generator=noise) * 0.2 - 0.1)
    model.train(training)
    path = os.path.join(HERE, name + ".onnx")
    torch.onnx.export(model, tuple(inputs), path, opset_version=opset, input_names=input_names, output_names=["output"],
                      do_constant_folding=False,
                      training=torch.onnx.TrainingMode.TRAINING if training else torch.onnx.TrainingMode.EVAL)
    with torch.no_grad():
        out = model(*inputs)
    if loss == "mse":
        target = torch.rand(out.shape, generator=torch.Generator().manual_seed(7))
    else:
        target = torch.arange(out.shape[0], dtype=torch.int64) % out.shape[1]

    double = model.double()
    double.zero_grad()
    y = double(*[t.double() for t in inputs])
    value = F.mse_loss(y, target.double()) if loss == "mse" else F.cross_entropy(y, target)
    value.backward()
    ref = {"input." + n: t.float() for n, t in zip(input_names, inputs)}
    ref["target"] = target
    ref["loss"] = value.detach().reshape(1)
    for pname, p in double.named_parameters():
        ref["grad." + pname] = p.grad.detach().clone()
    write_safetensors(os.path.join(HERE, name + ".reference.safetensors"), ref)
    print("wrote %s.onnx (opset %d, %d parameters) and its reference, loss %.6f"
          % (name, opset, sum(p.numel() for p in model.parameters()), value.item()))


def image(*shape, seed=3):
    return torch.rand(*shape, generator=torch.Generator().manual_seed(seed))


def main():
    torch.manual_seed(0)
    make("taef2_encoder", taef2_encoder(), [image(2, 3, 16, 16)], ["image"], "mse", 17)
    torch.manual_seed(0)
    make("taef2_decoder", taef2_decoder(), [image(2, 4, 4, 4) * 2 - 1], ["latent"], "mse", 17)
    torch.manual_seed(0)
    make("ldm_kl_vae", KlVae(), [image(2, 3, 16, 16)], ["image"], "mse", 16)
    torch.manual_seed(0)
    make("resnet18_classifier", ResNet18(), [image(2, 3, 64, 64)], ["image"], "cross-entropy", 15, training=True)
    torch.manual_seed(0)
    make("unet_attention_block", UNetAttentionBlock(), [image(2, 8, 8, 8) * 2 - 1, image(2, 16, seed=4)],
         ["x", "temb"], "mse", 14)
    torch.manual_seed(0)
    make("vit_block", ViTBlock(), [image(2, 5, 16) * 2 - 1], ["tokens"], "mse", 17)
    torch.manual_seed(0)
    make("dit_block", DiTBlock(), [image(2, 5, 16) * 2 - 1, image(2, 16, seed=4)], ["x", "c"], "mse", 16)


if __name__ == "__main__":
    main()
