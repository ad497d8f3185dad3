"""PyTorch CPU baseline for the ThinkStream trainer: one fp32 llama training step (forward, backward,
grad-norm clip 1.0, AdamW) repeated, reporting training tokens/s and peak RSS.

Same architecture as Sources/Training: RMSNorm, RoPE in llama.cpp's adjacent-pair form, GQA, SwiGLU, tied
embeddings, no biases. Attention uses F.scaled_dot_product_attention(is_causal=True), PyTorch's fastest CPU path.

Usage: pytorch_baseline.py {tiny|smol} B T STEPS [THREADS]
Prints one line: RESULT impl=pytorch config=... B=... T=... steps=... tokens_per_s=... s_per_step=... loss=...
peak_rss_mib=...
"""
import math
import resource
import sys
import time

import torch
import torch.nn.functional as F

CONFIGS = {
    # vocab, dModel, nLayers, nHeads, nKVHeads, headDim, ffnHidden, ropeBase
    "tiny": dict(V=256, C=64, L=2, nH=4, nKV=2, hd=16, F=128, base=10_000.0),
    "smol": dict(V=49_152, C=576, L=30, nH=9, nKV=3, hd=64, F=1536, base=100_000.0),
}


class RMSNorm(torch.nn.Module):
    def __init__(self, C, eps=1e-5):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(C))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(T, hd, base):
    inv = base ** (-torch.arange(0, hd, 2, dtype=torch.float64) / hd)  # [hd/2]
    theta = torch.arange(T, dtype=torch.float64)[:, None] * inv[None, :]  # [T, hd/2]
    return torch.cos(theta).float(), torch.sin(theta).float()


def apply_rope(x, cos, sin):
    # x: [B, T, nHeads, hd]; rotate adjacent pairs (2i, 2i+1) as llama.cpp's "normal" RoPE.
    x0, x1 = x[..., 0::2], x[..., 1::2]
    c, s = cos[None, :, None, :], sin[None, :, None, :]
    return torch.stack((x0 * c - x1 * s, x0 * s + x1 * c), dim=-1).flatten(-2)


class Block(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        C, nH, nKV, hd, Fh = c["C"], c["nH"], c["nKV"], c["hd"], c["F"]
        self.attn_norm = RMSNorm(C)
        self.q = torch.nn.Linear(C, nH * hd, bias=False)
        self.k = torch.nn.Linear(C, nKV * hd, bias=False)
        self.v = torch.nn.Linear(C, nKV * hd, bias=False)
        self.o = torch.nn.Linear(nH * hd, C, bias=False)
        self.ffn_norm = RMSNorm(C)
        self.gate = torch.nn.Linear(C, Fh, bias=False)
        self.up = torch.nn.Linear(C, Fh, bias=False)
        self.down = torch.nn.Linear(Fh, C, bias=False)

    def forward(self, x, cos, sin):
        B, T, _ = x.shape
        nH, nKV, hd = self.c["nH"], self.c["nKV"], self.c["hd"]
        h = self.attn_norm(x)
        q = apply_rope(self.q(h).view(B, T, nH, hd), cos, sin).transpose(1, 2)
        k = apply_rope(self.k(h).view(B, T, nKV, hd), cos, sin).transpose(1, 2)
        v = self.v(h).view(B, T, nKV, hd).transpose(1, 2)
        group = nH // nKV
        k = k.repeat_interleave(group, dim=1)
        v = v.repeat_interleave(group, dim=1)
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.o(a.transpose(1, 2).reshape(B, T, nH * hd))
        h = self.ffn_norm(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class Llama(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed = torch.nn.Embedding(c["V"], c["C"])
        self.blocks = torch.nn.ModuleList(Block(c) for _ in range(c["L"]))
        self.norm = RMSNorm(c["C"])
        for p in self.parameters():
            if p.dim() == 2:
                torch.nn.init.normal_(p, std=0.02)

    def forward(self, idx, targets, cos, sin):
        x = self.embed(idx)
        for block in self.blocks:
            x = block(x, cos, sin)
        logits = self.norm(x) @ self.embed.weight.t()  # tied LM head
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def main():
    name, B, T, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    c = CONFIGS[name]
    model = Llama(c)
    decay = [p for p in model.parameters() if p.dim() == 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
        lr=1e-4, betas=(0.9, 0.95), eps=1e-8)
    cos, sin = rope_tables(T, c["hd"], c["base"])
    tokens = torch.randint(0, c["V"], (B, T + 1), generator=torch.Generator().manual_seed(2))
    idx, targets = tokens[:, :-1].contiguous(), tokens[:, 1:].contiguous()

    def step():
        opt.zero_grad(set_to_none=False)
        loss = model(idx, targets, cos, sin)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    step()  # warm-up: allocations, AdamW state
    start = time.perf_counter()
    for _ in range(steps):
        loss = step()
    seconds = time.perf_counter() - start
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"RESULT impl=pytorch config={name} B={B} T={T} steps={steps} tokens_per_s={steps * B * T / seconds:.1f} "
        f"s_per_step={seconds / steps:.4f} loss={loss:.4f} peak_rss_mib={rss_mib:.0f} threads={threads} "
        f"torch={torch.__version__}")


if __name__ == "__main__":
    main()
