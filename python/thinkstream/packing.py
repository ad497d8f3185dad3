"""Packs samples into fixed-length training rows exactly as `thinkstream train` does (its SequencePacker).

One token stream [EOS] s1 EOS s2 EOS ... is cut into rows of T + 1 tokens that overlap by one: row r reads
stream[rT : rT + T] and predicts stream[rT + 1 : rT + T + 1], so every token after the leading EOS is a target exactly
once. Rows come one at a time; the Swift trainer's step of R rows is the next R rows. What is not yet a row stays in
the carry-over, whose whole state is a small dict saved in checkpoints.
Legend: T = positions per row.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from .errors import ShardStreamError
from .shard import Sample

#: Target kinds (the Swift `PackedTokenKind` raw values).
DOCUMENT, THINKING, OTHER, PADDING = 0, 1, 2, 3


@dataclass
class PackedRow:
    tokens: list[int]  # [T + 1]
    kinds: list[int]  # kind of each target  [T]
    levels: list[str]  # level of each target's sample ("" for padding and the leading EOS)  [T]
    completed_sample_ids: list[str] = field(default_factory=list)  # closing EOS is a target here, stream order
    completed_levels: list[str] = field(default_factory=list)


class SequencePacker:
    def __init__(self, context_tokens: int, eos_token_id: int, state: dict | None = None):
        if context_tokens < 1:
            raise ShardStreamError("invalid_configuration", f"context_tokens = {context_tokens}: must be at least 1")
        self.context_tokens = context_tokens
        self.eos_token_id = eos_token_id
        if state is None:
            self._tokens = array("q", [eos_token_id])
            self._kinds = array("b", [OTHER])
            self._owners = array("q", [-1])
            self._samples: list[tuple[int, str, str]] = []  # (ordinal, sample id, level)
            self._next_ordinal = 0
        else:
            self.load_state(state)

    @property
    def pending_targets(self) -> int:
        return max(0, len(self._tokens) - 1)

    def append(self, sample: Sample) -> None:
        """Appends a sample's tokens and a closing EOS."""
        ordinal = self._next_ordinal
        self._next_ordinal += 1
        self._samples.append((ordinal, sample.sample_id, sample.level))
        ids = sample.token_ids
        n = len(ids)
        kinds = [OTHER] * n
        d, t = sample.document_span, sample.thinking_span
        for index in range(max(0, d.token_start), min(n, max(d.token_start, d.token_end))):
            kinds[index] = DOCUMENT
        for index in range(max(0, t.token_start), min(n, max(t.token_start, t.token_end))):
            kinds[index] = THINKING  # thinking wins where the spans overlap, as in Swift
        self._tokens.extend(ids)
        self._tokens.append(self.eos_token_id)
        self._kinds.extend(kinds)
        self._kinds.append(OTHER)
        self._owners.extend([ordinal] * (n + 1))

    def next_row(self, padding: bool = False) -> PackedRow | None:
        """The next row, or None when fewer than T targets are pending. With `padding`, a partial row is returned
        instead, its missing tokens EOS of kind PADDING (None only when nothing is pending)."""
        T = self.context_tokens
        if not (self.pending_targets >= T or (padding and self.pending_targets > 0)):
            return None
        while len(self._tokens) < T + 1:
            self._tokens.append(self.eos_token_id)
            self._kinds.append(PADDING)
            self._owners.append(-1)
        level_of = {ordinal: level for ordinal, _, level in self._samples}
        owners = self._owners
        last_token_of: dict[int, int] = {}
        for index in range(1, T + 1):
            if owners[index] >= 0:
                last_token_of[owners[index]] = index
        row = PackedRow(
            tokens=self._tokens[: T + 1].tolist(),
            kinds=self._kinds[1 : T + 1].tolist(),
            levels=[level_of.get(owner, "") for owner in owners[1 : T + 1]],
        )
        for ordinal, sample_id, level in self._samples:
            last = last_token_of.get(ordinal)
            if last is None or (last + 1 < len(owners) and owners[last + 1] == ordinal):
                continue
            row.completed_sample_ids.append(sample_id)
            row.completed_levels.append(level)
        del self._tokens[:T]
        del self._kinds[:T]
        del self._owners[:T]
        first_owner = next((owner for owner in self._owners if owner >= 0), self._next_ordinal)
        self._samples = [entry for entry in self._samples if entry[0] >= first_owner]
        if all(kind == PADDING for kind in self._kinds):
            # Only padding (the last row's context token) is left: start the next stream from one EOS.
            self._tokens = array("q", [self.eos_token_id])
            self._kinds = array("b", [OTHER])
            self._owners = array("q", [-1])
        return row

    def state(self) -> dict:
        """The carry-over, compact (bytes of machine arrays), for checkpoints."""
        return {
            "tokens": self._tokens.tobytes(),
            "kinds": self._kinds.tobytes(),
            "owners": self._owners.tobytes(),
            "samples": list(self._samples),
            "next_ordinal": self._next_ordinal,
            "eos_token_id": self.eos_token_id,
            "context_tokens": self.context_tokens,
        }

    def load_state(self, state: dict) -> None:
        if state.get("context_tokens") != self.context_tokens or state.get("eos_token_id") != self.eos_token_id:
            raise ShardStreamError(
                "invalid_state",
                f"the saved carry-over was packed with context {state.get('context_tokens')} and EOS "
                f"{state.get('eos_token_id')}; this loader uses {self.context_tokens} and {self.eos_token_id}; resume "
                "with the same settings",
            )
        self._tokens = array("q")
        self._tokens.frombytes(state["tokens"])
        self._kinds = array("b")
        self._kinds.frombytes(state["kinds"])
        self._owners = array("q")
        self._owners.frombytes(state["owners"])
        self._samples = [tuple(entry) for entry in state["samples"]]
        self._next_ordinal = state["next_ordinal"]
        if not (len(self._tokens) == len(self._kinds) == len(self._owners) >= 1):
            raise ShardStreamError("invalid_state", "the saved carry-over's token, kind and owner arrays differ in length")
