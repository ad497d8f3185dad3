"""Trainer-side mixing: per-level sampling weights.

A sample of a level with weight w is trained floor(w) times, plus once more with probability frac(w); w = 0 drops
the level, 0.5 keeps half, 2 trains each sample twice. The draw is a hash of (seed, sample id), not a random stream,
so a resumed run draws exactly as an uninterrupted one and the state holds only the pending repeats. A repeat is
deferred by `spacing` other samples, so the copies of a sample do not share a row.
"""

from __future__ import annotations

import hashlib
import math

from .errors import ShardStreamError


class LevelMix:
    def __init__(self, weights: dict[str, float] | None, seed: int = 0, spacing: int = 16):
        for level, weight in (weights or {}).items():
            if not (weight >= 0 and math.isfinite(weight)):
                raise ShardStreamError("invalid_configuration", f"level_weights[{level!r}] = {weight}: must be finite and >= 0")
        self.weights = dict(weights or {})
        self.seed = seed
        self.spacing = spacing

    @property
    def settings(self) -> dict:
        return {"weights": self.weights, "seed": self.seed, "spacing": self.spacing}

    def copies(self, sample_id: str, level: str) -> int:
        """How many times a sample is trained (1 for a level without a weight)."""
        weight = self.weights.get(level, 1.0)
        whole = math.floor(weight)
        fraction = weight - whole
        if fraction == 0:
            return whole
        digest = hashlib.sha256(f"{self.seed}/{sample_id}".encode()).digest()
        draw = int.from_bytes(digest[:8], "big") / 2**64
        return whole + (1 if draw < fraction else 0)
