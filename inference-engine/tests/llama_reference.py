"""An independent Llama forward pass in numpy, the reference of tests/numpy_reference.rs.

Usage: llama_reference.py <model folder> <token> [<token> ...]
Prints, as JSON, the logits at every position of the sequence. It runs the whole sequence at
once with a causal mask (no KV cache), rotates (i, i + d/2) pairs as Hugging Face's Llama does,
and reads safetensors itself.
"""
import json
import struct
import sys

import numpy as np

DTYPES = {"F32": np.float32, "F16": np.float16}


def read_safetensors(path):
    with open(path, "rb") as file:
        data = file.read()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_len])
    base = 8 + header_len
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(data[base + start : base + end], dtype=DTYPES[info["dtype"]])
        tensors[name] = array.astype(np.float64).reshape(info["shape"])
    return tensors


def rms_norm(x, scale, eps):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * scale


def rotate(x, positions, theta):
    # x: (seq, heads, head_dim)
    half = x.shape[-1] // 2
    frequencies = theta ** (-np.arange(0, half) * 2.0 / (2 * half))
    angles = positions[:, None] * frequencies[None, :]
    cos, sin = np.cos(angles)[:, None, :], np.sin(angles)[:, None, :]
    first, second = x[..., :half], x[..., half:]
    return np.concatenate([first * cos - second * sin, second * cos + first * sin], axis=-1)


def forward(folder, tokens):
    config = json.load(open(f"{folder}/config.json"))
    w = read_safetensors(f"{folder}/model.safetensors")
    heads = config["num_attention_heads"]
    kv_heads = config.get("num_key_value_heads") or heads
    dim = config["hidden_size"]
    head_dim = dim // heads
    eps, theta = config["rms_norm_eps"], config["rope_theta"]
    seq = len(tokens)
    positions = np.arange(seq, dtype=np.float64)
    mask = np.triu(np.full((seq, seq), -np.inf), k=1)
    x = w["model.embed_tokens.weight"][tokens]
    for i in range(config["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = (h @ w[p + "self_attn.q_proj.weight"].T).reshape(seq, heads, head_dim)
        k = (h @ w[p + "self_attn.k_proj.weight"].T).reshape(seq, kv_heads, head_dim)
        v = (h @ w[p + "self_attn.v_proj.weight"].T).reshape(seq, kv_heads, head_dim)
        q, k = rotate(q, positions, theta), rotate(k, positions, theta)
        group = heads // kv_heads
        k, v = np.repeat(k, group, axis=1), np.repeat(v, group, axis=1)
        scores = np.einsum("qhd,khd->hqk", q, k) / np.sqrt(head_dim) + mask
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        attended = np.einsum("hqk,khd->qhd", scores, v).reshape(seq, dim)
        x = x + attended @ w[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate = h @ w[p + "mlp.gate_proj.weight"].T
        up = h @ w[p + "mlp.up_proj.weight"].T
        x = x + (gate / (1.0 + np.exp(-gate)) * up) @ w[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, w["model.norm.weight"], eps)
    output = w.get("lm_head.weight", w["model.embed_tokens.weight"])
    return x @ output.T


if __name__ == "__main__":
    logits = forward(sys.argv[1], [int(t) for t in sys.argv[2:]])
    json.dump(logits.tolist(), sys.stdout)
