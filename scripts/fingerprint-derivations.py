#!/usr/bin/env python3
"""Writes derived versions of a real model for the fingerprint interop tests
(crates/fingerprint/tests/real_models.rs, spec/fingerprint.md §8).

Usage: fingerprint-derivations.py BASE.safetensors OUT_DIR

Every file is made with the registries' own tools (numpy, safetensors, onnx, onnxruntime's
quantiser, llama.cpp's gguf package), so the Rust readers are checked against independent
writers. Deterministic: fixed seeds, no timestamps in the files that matter.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import load_file, save_file

base_path, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
base = load_file(base_path)
rng = np.random.default_rng(20261206)


def path(name):
    return os.path.join(out, name)


def is_float(a):
    return a.dtype.kind == "f"


# Re-encodings: the same values in F16 and BF16 (safetensors' numpy API has no bfloat16
# type: BF16 is written by hand, rounding to nearest even, as torch does).
save_file({k: (v.astype(np.float16) if is_float(v) else v) for k, v in base.items()}, path("fp16.safetensors"))


def bf16_bits(a):
    u = a.astype(np.float32).view(np.uint32).astype(np.uint64)
    rounded = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    return rounded.astype(np.uint16)


def write_raw_safetensors(p, tensors):
    """tensors: name -> (dtype string, shape, bytes)"""
    import json
    header, data, off = {}, bytearray(), 0
    for k, (dt, shape, b) in tensors.items():
        header[k] = {"dtype": dt, "shape": list(shape), "data_offsets": [off, off + len(b)]}
        data += b
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(p, "wb") as f:
        f.write(len(h).to_bytes(8, "little") + h + bytes(data))


st_names = {np.dtype("float32"): "F32", np.dtype("int64"): "I64", np.dtype("float16"): "F16"}
write_raw_safetensors(
    path("bf16.safetensors"),
    {
        k: ("BF16", v.shape, bf16_bits(v).tobytes()) if is_float(v) else (st_names[v.dtype], v.shape, v.tobytes())
        for k, v in base.items()
    },
)

# A copy re-serialised in another tensor order with another metadata block.
save_file(dict(reversed(list(base.items()))), path("copy.safetensors"), metadata={"format": "np", "note": "renamed fork"})

# Fine-tune-like: every float tensor moved by noise (0.3 and 0.05 of its own spread).
for name, rel in (("finetune.safetensors", 0.3), ("finetune-light.safetensors", 0.05)):
    ft = {}
    for k, v in base.items():
        if is_float(v) and v.size > 1:
            ft[k] = (v + rng.normal(0, rel * float(v.std()), v.shape)).astype(np.float32)
        else:
            ft[k] = v
    save_file(ft, path(name))

# Layer subset: layers 0, 2, 4 renumbered 0, 1, 2 (DistilBERT-style), embeddings kept.
sub = {}
keep = {0: 0, 2: 1, 4: 2}
for k, v in base.items():
    if k.startswith("encoder.layer."):
        n = int(k.split(".")[2])
        if n in keep:
            sub[k.replace(f"encoder.layer.{n}.", f"encoder.layer.{keep[n]}.", 1)] = v
    else:
        sub[k] = v
save_file(sub, path("layers.safetensors"))

# Vocabulary pruned to 20 000 rows (sorted random subset: rows re-indexed) and extended by
# 100 rows at the end (rows keep their index).
we = "embeddings.word_embeddings.weight"
pr = dict(base)
rows = np.sort(rng.choice(base[we].shape[0], 20000, replace=False))
pr[we] = np.ascontiguousarray(base[we][rows])
save_file(pr, path("pruned-vocab.safetensors"))
ex = dict(base)
ex[we] = np.concatenate([base[we], rng.normal(0, float(base[we].std()), (100, base[we].shape[1])).astype(np.float32)])
save_file(ex, path("extended-vocab.safetensors"))

# A hand-built ONNX export as torch.onnx would write it: MatMul weights stored [in, out] under
# anonymous names (onnx::MatMul_N), biases and LayerNorms named with the sentence-transformers
# prefix, the pooler dropped (unused), token-type embedding row 0 folded into the word
# embeddings and the token-type table dropped (constant folding).
prefix = "model.0.auto_model."
nodes, inits = [], []
counter = [100]


def init(name, arr):
    inits.append(numpy_helper.from_array(np.ascontiguousarray(arr.astype(np.float32)), name))


word = base[we] + base["embeddings.token_type_embeddings.weight"][0]
init(prefix + we, word)
init(prefix + "embeddings.position_embeddings.weight", base["embeddings.position_embeddings.weight"])
nodes.append(helper.make_node("Gather", [prefix + we, "input_ids"], ["we"]))
nodes.append(helper.make_node("Gather", [prefix + "embeddings.position_embeddings.weight", "pos"], ["pe"]))
nodes.append(helper.make_node("Add", ["we", "pe"], ["emb"]))
init(prefix + "embeddings.LayerNorm.weight", base["embeddings.LayerNorm.weight"])
init(prefix + "embeddings.LayerNorm.bias", base["embeddings.LayerNorm.bias"])
nodes.append(helper.make_node("LayerNormalization", ["emb", prefix + "embeddings.LayerNorm.weight", prefix + "embeddings.LayerNorm.bias"], ["h0"], epsilon=1e-12))
h = "h0"
layers = sorted({int(k.split(".")[2]) for k in base if k.startswith("encoder.layer.")})


def linear(x, stem):
    counter[0] += 1
    wname = f"onnx::MatMul_{counter[0]}"
    init(wname, base[stem + ".weight"].T)
    init(prefix + stem + ".bias", base[stem + ".bias"])
    nodes.append(helper.make_node("MatMul", [x, wname], [wname + "_out"]))
    nodes.append(helper.make_node("Add", [wname + "_out", prefix + stem + ".bias"], [stem + "_out"]))
    return stem + "_out"


for l in layers:
    p = f"encoder.layer.{l}"
    q = linear(h, p + ".attention.self.query")
    k = linear(h, p + ".attention.self.key")
    v = linear(h, p + ".attention.self.value")
    nodes.append(helper.make_node("Add", [q, k], [p + "qk"]))
    nodes.append(helper.make_node("Add", [p + "qk", v], [p + "qkv"]))
    a = linear(p + "qkv", p + ".attention.output.dense")
    for n in ("attention.output.LayerNorm", "output.LayerNorm"):
        init(prefix + f"{p}.{n}.weight", base[f"{p}.{n}.weight"])
        init(prefix + f"{p}.{n}.bias", base[f"{p}.{n}.bias"])
    nodes.append(helper.make_node("LayerNormalization", [a, prefix + f"{p}.attention.output.LayerNorm.weight", prefix + f"{p}.attention.output.LayerNorm.bias"], [p + "ln1"]))
    i = linear(p + "ln1", p + ".intermediate.dense")
    o = linear(i, p + ".output.dense")
    nodes.append(helper.make_node("LayerNormalization", [o, prefix + f"{p}.output.LayerNorm.weight", prefix + f"{p}.output.LayerNorm.bias"], [p + "ln2"]))
    h = p + "ln2"
graph = helper.make_graph(
    nodes,
    "export",
    [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, 8]), helper.make_tensor_value_info("pos", TensorProto.INT64, [1, 8])],
    [helper.make_tensor_value_info(h, TensorProto.FLOAT, [1, 8, base[we].shape[1]])],
    inits,
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="sceau-fingerprint-test")
onnx.checker.check_model(model)
onnx.save(model, path("export.onnx"))

# The same export with its data in an external file (onnx's own writer).
onnx.save(model, path("export-external.onnx"), save_as_external_data=True, all_tensors_to_one_file=True, location="export-external.data", size_threshold=1024)

# onnxruntime's dynamic (weight-only) int8 quantisation of the export.
from onnxruntime.quantization import QuantType, quantize_dynamic  # noqa: E402

quantize_dynamic(path("export.onnx"), path("export-int8.onnx"), weight_type=QuantType.QInt8, per_channel=False)
quantize_dynamic(path("export.onnx"), path("export-uint8.onnx"), weight_type=QuantType.QUInt8, per_channel=False)

# GGUF with llama.cpp's BERT tensor names, matrices quantised with the gguf package's own
# quantisers (Q4_0, Q4_1, Q8_0), vectors kept F32 as llama.cpp does.
import gguf  # noqa: E402

gguf_names = {
    "embeddings.word_embeddings.weight": "token_embd.weight",
    "embeddings.position_embeddings.weight": "position_embd.weight",
    "embeddings.token_type_embeddings.weight": "token_types.weight",
    "embeddings.LayerNorm.weight": "token_embd_norm.weight",
    "embeddings.LayerNorm.bias": "token_embd_norm.bias",
}
part = {
    "attention.self.query": "attn_q",
    "attention.self.key": "attn_k",
    "attention.self.value": "attn_v",
    "attention.output.dense": "attn_output",
    "attention.output.LayerNorm": "attn_output_norm",
    "intermediate.dense": "ffn_up",
    "output.dense": "ffn_down",
    "output.LayerNorm": "layer_output_norm",
}
for k in base:
    if k.startswith("encoder.layer."):
        l, rest = k.split(".", 3)[2], k.split(".", 3)[3]
        stem, suffix = rest.rsplit(".", 1)
        gguf_names[k] = f"blk.{l}.{part[stem]}.{suffix}"
for qname, qtype in (("q4_0", gguf.GGMLQuantizationType.Q4_0), ("q4_1", gguf.GGMLQuantizationType.Q4_1), ("q8_0", gguf.GGMLQuantizationType.Q8_0)):
    w = gguf.GGUFWriter(path(f"{qname}.gguf"), "bert")
    w.add_block_count(len(layers))
    for k, v in base.items():
        if k not in gguf_names:
            continue
        if v.ndim == 2 and v.shape[1] % 32 == 0 and v.shape[0] > 2:
            q = gguf.quants.quantize(v.astype(np.float32), qtype)
            w.add_tensor(gguf_names[k], q, raw_dtype=qtype)
        else:
            w.add_tensor(gguf_names[k], v.astype(np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()

# A Q4_0 model de-quantised back to F16 safetensors: matrices lossy, vectors untouched.
dq = {}
for k, v in base.items():
    if is_float(v) and v.ndim == 2 and v.shape[1] % 32 == 0 and v.shape[0] > 2:
        q = gguf.quants.quantize(v.astype(np.float32), gguf.GGMLQuantizationType.Q4_0)
        dq[k] = gguf.quants.dequantize(q, gguf.GGMLQuantizationType.Q4_0).reshape(v.shape).astype(np.float16)
    elif is_float(v):
        dq[k] = v.astype(np.float16)
    else:
        dq[k] = v
save_file(dq, path("dequant-q4.safetensors"))

# An unrelated model of the same architecture: every float tensor redrawn with the base
# tensor's mean and spread (LayerNorm gains stay near 1), integer buffers kept, plus an
# identical fixed STFT-like basis in both this and a twin of the base.
un = {}
for k, v in base.items():
    if is_float(v):
        un[k] = rng.normal(float(v.mean()), float(v.std()) + 1e-6, v.shape).astype(np.float32)
    else:
        un[k] = v
basis = np.cos(np.outer(np.arange(64), np.arange(128)) * np.pi / 64).astype(np.float32)
un["stft.forward_basis"] = basis
save_file(un, path("unrelated.safetensors"))
twin = dict(base)
twin["stft.forward_basis"] = basis
save_file(twin, path("base-with-basis.safetensors"))
print("ok")
