#!/usr/bin/env python3
"""Independent numpy forward of a tiny random-weight qwen3 model, for Qwen3ReferenceTests.swift.

Writes qwen3_reference.json next to this file: hyperparameters, every weight (F32, row-major [rows, cols]; the GGUF
dimensions are ggml order [cols, rows]), the token ids and the logits at every position. The Swift test writes the
weights to a GGUF file with GGUFWriter, runs the engine's forward, and compares logits.

Qwen3 as llama.cpp builds it: RMSNorm -> Q,K,V projections (no biases) -> per-head RMSNorm on Q and K
(attn_q_norm / attn_k_norm) -> RoPE NeoX (rotate halves) -> causal GQA softmax(QK^T / sqrt(hd)) V -> output
projection -> residual; RMSNorm -> down(silu(gate(x)) * up(x)) -> residual; final RMSNorm -> output (tied to the
token embedding when output.weight is absent; here it is present). K and V are rounded through float16 like
llama.cpp's F16 KV cache. Everything else is computed in float64.

Run: python3 qwen3_reference.py   (numpy only)
"""
import json
import os

import numpy as np

V, D, FF, N_HEAD, N_KV, HD, LAYERS = 64, 32, 48, 4, 2, 8, 2
EPS = 1e-6
ROPE_BASE = 10000.0
# 40 tokens: at 32 or more query rows llama.cpp (and the engine) use the F32 tiled attention kernel.
TOKENS = [(7 * i + 3) % V for i in range(40)]


def make_weights(rng):
    w = {}

    def mat(name, rows, cols, scale):
        w[name] = (rng.standard_normal((rows, cols)) * scale).astype(np.float32)

    def vec(name, n, around=1.0):
        w[name] = (around + 0.1 * rng.standard_normal(n)).astype(np.float32)

    mat("token_embd.weight", V, D, 0.5)
    for layer in range(LAYERS):
        p = f"blk.{layer}."
        vec(p + "attn_norm.weight", D)
        mat(p + "attn_q.weight", N_HEAD * HD, D, 0.3)
        mat(p + "attn_k.weight", N_KV * HD, D, 0.3)
        mat(p + "attn_v.weight", N_KV * HD, D, 0.3)
        vec(p + "attn_q_norm.weight", HD)
        vec(p + "attn_k_norm.weight", HD)
        mat(p + "attn_output.weight", D, N_HEAD * HD, 0.3)
        vec(p + "ffn_norm.weight", D)
        mat(p + "ffn_gate.weight", FF, D, 0.3)
        mat(p + "ffn_up.weight", FF, D, 0.3)
        mat(p + "ffn_down.weight", D, FF, 0.3)
    vec("output_norm.weight", D)
    mat("output.weight", V, D, 0.3)
    return w


def rms_norm(x, weight):
    x = x.astype(np.float64)
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + EPS) * weight.astype(np.float64)


def rope_neox(x, positions):
    # x: [T, heads, HD]; rotates (x[i], x[i + HD/2]) by p * base^(-2i/HD)
    half = HD // 2
    inv = ROPE_BASE ** (-np.arange(half) * 2.0 / HD)
    angles = positions[:, None] * inv[None, :]
    cos, sin = np.cos(angles)[:, None, :], np.sin(angles)[:, None, :]
    a, b = x[..., :half], x[..., half:]
    return np.concatenate([a * cos - b * sin, a * sin + b * cos], axis=-1)


def forward(w, tokens):
    T = len(tokens)
    positions = np.arange(T, dtype=np.float64)
    x = w["token_embd.weight"][tokens].astype(np.float64)  # [T, D]
    group = N_HEAD // N_KV
    for layer in range(LAYERS):
        p = f"blk.{layer}."
        h = rms_norm(x, w[p + "attn_norm.weight"])
        q = (h @ w[p + "attn_q.weight"].T.astype(np.float64)).reshape(T, N_HEAD, HD)
        k = (h @ w[p + "attn_k.weight"].T.astype(np.float64)).reshape(T, N_KV, HD)
        v = (h @ w[p + "attn_v.weight"].T.astype(np.float64)).reshape(T, N_KV, HD)
        q = rope_neox(rms_norm(q, w[p + "attn_q_norm.weight"]), positions)
        k = rope_neox(rms_norm(k, w[p + "attn_k_norm.weight"]), positions)
        k = k.astype(np.float16).astype(np.float64)  # F16 KV cache
        v = v.astype(np.float16).astype(np.float64)
        out = np.zeros((T, N_HEAD, HD))
        mask = np.triu(np.full((T, T), -np.inf), k=1)
        for head in range(N_HEAD):
            kv = head // group
            scores = q[:, head, :] @ k[:, kv, :].T / np.sqrt(HD) + mask
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            out[:, head, :] = scores @ v[:, kv, :]
        x = x + out.reshape(T, N_HEAD * HD) @ w[p + "attn_output.weight"].T.astype(np.float64)
        h = rms_norm(x, w[p + "ffn_norm.weight"])
        gate = h @ w[p + "ffn_gate.weight"].T.astype(np.float64)
        up = h @ w[p + "ffn_up.weight"].T.astype(np.float64)
        x = x + (gate / (1 + np.exp(-gate)) * up) @ w[p + "ffn_down.weight"].T.astype(np.float64)
    h = rms_norm(x, w["output_norm.weight"])
    return h @ w["output.weight"].T.astype(np.float64)  # [T, V]


def main():
    w = make_weights(np.random.default_rng(20240607))
    logits = forward(w, TOKENS)
    out = {
        "hyperparameters": {"vocab": V, "embedding_length": D, "feed_forward_length": FF, "head_count": N_HEAD,
                            "head_count_kv": N_KV, "key_length": HD, "block_count": LAYERS, "rms_epsilon": EPS,
                            "rope_freq_base": ROPE_BASE},
        "tensors": [{"name": name, "dimensions": [int(a.shape[-1]), int(a.shape[0])] if a.ndim == 2 else [int(a.shape[0])],
                     "values": [float(f) for f in a.reshape(-1)]} for name, a in w.items()],
        "tokens": TOKENS,
        "logits": [[float(f) for f in row] for row in logits],
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "qwen3_reference.json")
    with open(path, "w") as f:
        json.dump(out, f)
    print(f"wrote {path}: logits[0][:4] = {logits[0][:4]}")


if __name__ == "__main__":
    main()
