#!/usr/bin/env python3
"""Writes tiny.pth, tiny_wrapped.ckpt and tiny_protocol4.pth, test fixtures laid out exactly as torch.save writes them.

torch is not needed: stand-in torch / torch._utils modules give the pickler the same globals
(torch.HalfStorage, torch._utils._rebuild_tensor_v2, ...), and the zip mirrors torch's records
(<archive>/data.pkl, byteorder, data/<key>, version...). torch.save pickles with protocol 2 unless given
pickle_protocol; the protocol 4 copy covers the opcodes that brings (STACK_GLOBAL, MEMOIZE, FRAME).
Run from this folder; output is deterministic.

Contents (values asserted in TorchCheckpointReaderTest):
  conv.weight          F16 [2, 3]  = [0.5, -1.25, 2, 3.5, -0.125, 1024]            storage 0
  linear.weight        F32 [2, 2]  = [1.5, -2.5, 3.25, 4e-3], an nn.Parameter       storage 1
  transposed           F32 [3, 2]  = transpose of [[0,1,2],[3,4,5]], stride (1, 3)   storage 2
  shared.head          F32 [4]     = storage 3 elements 0..3
  shared.tail          F32 [2, 3]  = storage 3 elements 4..9 (storage offset 4)
  bn.num_batches_tracked I64 []    = 7                                               storage 4
"""
import collections
import io
import pickle
import sys
import types
import zipfile

import numpy as np


def stand_in(module_name, **members):
    module = types.ModuleType(module_name)
    for name, member in members.items():
        member.__module__, member.__qualname__, member.__name__ = module_name, name, name
        setattr(module, name, member)
    sys.modules[module_name] = module
    return module


# only their names are pickled; nothing here is ever called
torch = stand_in("torch", HalfStorage=type("HalfStorage", (), {}), FloatStorage=type("FloatStorage", (), {}),
                 LongStorage=type("LongStorage", (), {}))
torch_utils = stand_in("torch._utils", _rebuild_tensor_v2=lambda *args: None, _rebuild_parameter=lambda *args: None)


class Storage:
    def __init__(self, key, storage_type, array):
        self.key, self.storage_type, self.array = key, storage_type, array


class Tensor:
    """Reduces the way torch.Tensor does: _rebuild_tensor_v2(storage, offset, size, stride, grad, hooks)."""

    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, tuple(size), tuple(stride), False, collections.OrderedDict())

    def __reduce_ex__(self, protocol):
        return torch_utils._rebuild_tensor_v2, self.args


class Parameter:
    def __init__(self, data):
        self.data = data

    def __reduce_ex__(self, protocol):
        return torch_utils._rebuild_parameter, (self.data, True, collections.OrderedDict())


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", obj.storage_type, obj.key, "cpu", obj.array.size)
        return None


def save(obj, path, storages, protocol=2):
    archive = path.rsplit(".", 1)[0]
    buf = io.BytesIO()
    TorchPickler(buf, protocol=protocol).dump(obj)
    records = [("data.pkl", buf.getvalue()), (".format_version", b"1"), (".storage_alignment", b"64"),
               ("byteorder", b"little")]
    records += [("data/" + s.key, s.array.astype(s.array.dtype.newbyteorder("<")).tobytes()) for s in storages]
    records += [("version", b"3\n"), (".data/serialization_id", b"0000000000000000000000000000000000000000")]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in records:
            z.writestr(zipfile.ZipInfo(archive + "/" + name, date_time=(1980, 1, 1, 0, 0, 0)), data)


half = Storage("0", torch.HalfStorage, np.array([0.5, -1.25, 2, 3.5, -0.125, 1024], np.float16))
single = Storage("1", torch.FloatStorage, np.array([1.5, -2.5, 3.25, 4e-3], np.float32))
matrix = Storage("2", torch.FloatStorage, np.arange(6, dtype=np.float32))  # [[0,1,2],[3,4,5]]
shared = Storage("3", torch.FloatStorage, np.arange(10, dtype=np.float32) * 0.5)
count = Storage("4", torch.LongStorage, np.array([7], np.int64))
storages = [half, single, matrix, shared, count]

state = collections.OrderedDict()
state["conv.weight"] = Tensor(half, 0, [2, 3], [3, 1])
state["linear.weight"] = Parameter(Tensor(single, 0, [2, 2], [2, 1]))
state["transposed"] = Tensor(matrix, 0, [3, 2], [1, 3])
state["shared.head"] = Tensor(shared, 0, [4], [1])
state["shared.tail"] = Tensor(shared, 4, [2, 3], [3, 1])
state["bn.num_batches_tracked"] = Tensor(count, 0, [], [])
# nn.Module.state_dict() attaches per-module versions; pickled as BUILD state of the OrderedDict
state._metadata = collections.OrderedDict([("", {"version": 1})])

save(state, "tiny.pth", storages)
save({"state_dict": state, "global_step": 1234, "epoch": 3}, "tiny_wrapped.ckpt", storages)
save(state, "tiny_protocol4.pth", storages, protocol=4)
