#!/usr/bin/env python3
"""Writes two models exported by torch.onnx (Debian's python3-torch, opset 17) to check that eqvae4j
builds training artifacts for graphs it did not write itself:
  small_cnn.onnx        conv, relu, strided conv, sigmoid, flatten, LayerNorm, linear
  groupnorm_cnn.onnx    uses nn.GroupNorm, which torch exports as Reshape, InstanceNormalization and a
                        Reshape to Shape(x) (shape arithmetic the artifact writer folds)
Run: python3 make_torch_model.py"""
import torch
import torch.nn as nn


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.norm = nn.LayerNorm(16 * 4 * 4)
        self.head = nn.Linear(16 * 4 * 4, 10)

    def forward(self, x):
        x = torch.relu(self.conv1(x))
        x = torch.sigmoid(self.conv2(x))
        return self.head(self.norm(torch.flatten(x, 1)))


class GroupNormCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 8, 3, padding=1)
        self.norm = nn.GroupNorm(2, 8)

    def forward(self, x):
        return self.norm(self.conv(x))


torch.manual_seed(0)
for name, model in [("small_cnn.onnx", SmallCnn()), ("groupnorm_cnn.onnx", GroupNormCnn())]:
    torch.onnx.export(model.eval(), torch.rand(2, 1, 8, 8), name, opset_version=17,
                      input_names=["image"], output_names=["output"], do_constant_folding=True)
    print("wrote", name)
