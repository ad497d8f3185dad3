"""ShardStream: a torch IterableDataset of packed training rows over the shards topic, and ShardLoader, the
DataLoader around it that keeps the resume state of the rows the training loop has consumed."""

from __future__ import annotations

import os
from typing import Iterator

import torch
from torch.utils.data import DataLoader, IterableDataset, get_worker_info

from .dedup import DEFAULT_CAPACITY, RecentSampleFilter
from .errors import ShardStreamError
from .mixing import LevelMix
from .packing import DOCUMENT, OTHER, PADDING, THINKING, PackedRow
from .shard import DEFAULT_MAX_DECOMPRESSED_BYTES
from .slot_reader import SlotReader, SlotSettings

STATE_FORMAT_VERSION = 1
STATE_KEY = "_thinkstream_state"
IGNORE_INDEX = -100


def _rank_and_world(rank: int | None, world_size: int | None) -> tuple[int, int]:
    if rank is not None and world_size is not None:
        return rank, world_size
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return torch.distributed.get_rank(), torch.distributed.get_world_size()
    return int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))


class _StateTracker:
    """The resume state of each slot as of the last row consumed: the slot's state, with its duplicate window
    rebuilt from the keys each row added."""

    def __init__(self, capacity: int, slots: dict | None = None):
        self.capacity = capacity
        self.slots: dict[int, dict] = {}
        self.windows: dict[int, RecentSampleFilter] = {}
        for slot, state in (slots or {}).items():
            self.slots[int(slot)] = {k: v for k, v in state.items() if k != "seen"}
            self.windows[int(slot)] = RecentSampleFilter(capacity, state.get("seen"))

    def apply(self, delta: dict) -> None:
        slot = delta["slot"]
        window = self.windows.setdefault(slot, RecentSampleFilter(self.capacity))
        for key in delta["seen_added"]:
            window.insert_key(key)
        self.slots[slot] = {k: v for k, v in delta.items() if k not in ("seen_added", "slot")}

    def export(self) -> dict:
        return {str(slot): {**state, "seen": self.windows[slot].serialized()} for slot, state in sorted(self.slots.items())}


class ShardStream(IterableDataset):
    """Packed rows of `<topic_prefix>.shards`, read committed (aborted transactions hidden), each shard's checksum
    and tokenizer verified, duplicate sample ids dropped, packed as `thinkstream train` packs.

    Each torch.distributed rank, and each DataLoader worker inside it, owns a disjoint set of partitions (partition p
    belongs to slot p mod (world_size × workers), slot = rank × workers + worker), so over all ranks every sample is
    read exactly once; use at least as many partitions as slots. Each item is a dict:
      input_ids [T] (long), labels [T] (long; labels[t] is the target of input_ids[t], already shifted;
      -100 on padding), sample_ids (samples whose last token is a target of this row),
      and with return_loss_weights: loss_weights [T] (float; by kind: document, thinking, other 1, padding 0),
      with return_document_starts: document_starts [T] (long; per position, the last position at or before it whose
      input is EOS, i.e. where its document starts — for document-boundary masking or position ids).

    Resume: iterate through ShardLoader (any num_workers) and save its state_dict() with the model; or, iterating
    this dataset directly in one process, its own state_dict().
    """

    def __init__(
        self,
        bootstrap_servers: str,
        *,
        topic_prefix: str = "thinkstream",
        topic: str | None = None,
        context_tokens: int = 2048,
        eos_token_id: int,
        tokenizer: str | list[str] | None = None,
        vocab_size: int | None = None,
        level_weights: dict[str, float] | None = None,
        mix_seed: int = 0,
        duplicate_window: int = DEFAULT_CAPACITY,
        stop_at_end: bool = False,
        idle_timeout: float | None = None,
        document_loss_weight: float = 1.0,
        thinking_loss_weight: float = 1.0,
        return_loss_weights: bool = False,
        return_document_starts: bool = False,
        rank: int | None = None,
        world_size: int | None = None,
        group_id: str | None = None,
        kafka_config: dict | None = None,
        max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES,
        topic_timeout: float = 30.0,
    ):
        super().__init__()
        if context_tokens < 1:
            raise ShardStreamError("invalid_configuration", f"context_tokens = {context_tokens}: must be at least 1")
        self.topic = topic or f"{topic_prefix}.shards"
        self.bootstrap_servers = bootstrap_servers
        self.context_tokens = context_tokens
        self.eos_token_id = eos_token_id
        names = [tokenizer] if isinstance(tokenizer, str) else tokenizer
        self.tokenizers = frozenset(names) if names else None
        self.vocab_size = vocab_size
        self.mix = LevelMix(level_weights, seed=mix_seed)
        self.duplicate_window = duplicate_window
        self.stop_at_end = stop_at_end
        self.idle_timeout = idle_timeout
        self.kind_weights = {DOCUMENT: document_loss_weight, THINKING: thinking_loss_weight, OTHER: 1.0, PADDING: 0.0}
        self.return_loss_weights = return_loss_weights
        self.return_document_starts = return_document_starts
        self._rank, self._world_size = rank, world_size
        self.group_id = group_id or f"thinkstream-torch-{self.topic}"
        self.kafka_config = dict(kafka_config or {})
        self.max_decompressed_bytes = max_decompressed_bytes
        self.topic_timeout = topic_timeout
        self._resume_slots: dict = {}
        self._tracker = _StateTracker(duplicate_window)
        self._workers_seen = 1

    # --- identity of the run, checked on resume ---------------------------------------------------------------
    def rank_and_world(self) -> tuple[int, int]:
        return _rank_and_world(self._rank, self._world_size)

    def _settings(self) -> dict:
        return {"topic": self.topic, "context_tokens": self.context_tokens, "eos_token_id": self.eos_token_id,
                "mix": self.mix.settings, "duplicate_window": self.duplicate_window}

    def make_state(self, tracker: _StateTracker, workers: int) -> dict:
        rank, world = self.rank_and_world()
        return {"format_version": STATE_FORMAT_VERSION, **self._settings(), "rank": rank, "world_size": world,
                "workers": workers, "slots": {**self._resume_slots, **tracker.export()}}

    def check_state(self, state: dict, workers: int) -> None:
        if state.get("format_version") != STATE_FORMAT_VERSION:
            raise ShardStreamError("invalid_state", f"loader state format {state.get('format_version')}; supported: {STATE_FORMAT_VERSION}")
        rank, world = self.rank_and_world()
        expected = {**self._settings(), "rank": rank, "world_size": world, "workers": workers}
        for key, value in expected.items():
            if state.get(key) != value:
                raise ShardStreamError(
                    "invalid_state",
                    f"the saved loader state has {key} = {state.get(key)!r}, this run {value!r}; partitions and "
                    "carry-overs belong to one layout: resume with the same ranks, workers and settings",
                )

    # --- direct use in one process ----------------------------------------------------------------------------
    def state_dict(self) -> dict:
        """Resume state after the last row this process took from the dataset (iterate it directly, or through a
        DataLoader with num_workers=0; with workers, use ShardLoader.state_dict())."""
        return self.make_state(self._tracker, self._workers_seen)

    def load_state_dict(self, state: dict, workers: int = 1) -> None:
        self.check_state(state, workers)
        self._resume_slots = dict(state["slots"])
        self._tracker = _StateTracker(self.duplicate_window, self._resume_slots)

    # --- reading ----------------------------------------------------------------------------------------------
    def _consumer(self):
        from confluent_kafka import Consumer

        config = {
            "bootstrap.servers": self.bootstrap_servers,
            "group.id": self.group_id,
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "isolation.level": "read_committed",
            "enable.partition.eof": True,
            "auto.offset.reset": "earliest",
            "fetch.message.max.bytes": 16 << 20,
            **self.kafka_config,
        }
        return Consumer(config)

    def slot_reader(self, slot: int, slots: int) -> SlotReader:
        settings = SlotSettings(
            topic=self.topic, context_tokens=self.context_tokens, eos_token_id=self.eos_token_id,
            tokenizers=self.tokenizers, vocab_size=self.vocab_size, duplicate_window=self.duplicate_window,
            mix=self.mix, stop_at_end=self.stop_at_end, idle_timeout=self.idle_timeout,
            max_decompressed_bytes=self.max_decompressed_bytes, topic_timeout=self.topic_timeout)
        return SlotReader(settings, self._consumer, slot, slots, self._resume_slots.get(str(slot)))

    def __iter__(self) -> Iterator[dict]:
        info = get_worker_info()
        worker, workers = (info.id, info.num_workers) if info is not None else (0, 1)
        rank, world = self.rank_and_world()
        self._workers_seen = workers
        reader = self.slot_reader(rank * workers + worker, world * workers)
        for row, delta in reader.rows_iter():
            if info is None:
                self._tracker.apply(delta)
            yield self.item(row, delta)

    def item(self, row: PackedRow, delta: dict) -> dict:
        T = self.context_tokens
        tokens = torch.tensor(row.tokens, dtype=torch.long)
        kinds = torch.tensor(row.kinds, dtype=torch.long)
        labels = tokens[1:].clone()
        labels[kinds == PADDING] = IGNORE_INDEX
        item = {"input_ids": tokens[:T], "labels": labels, "sample_ids": row.completed_sample_ids, STATE_KEY: delta}
        if self.return_loss_weights:
            item["loss_weights"] = torch.tensor([self.kind_weights[kind] for kind in row.kinds], dtype=torch.float32)
        if self.return_document_starts:
            starts, start = [], 0
            for t, token in enumerate(row.tokens[:T]):
                if token == self.eos_token_id:
                    start = t
                starts.append(start)
            item["document_starts"] = torch.tensor(starts, dtype=torch.long)
        return item


def collate_rows(items: list[dict]) -> dict:
    """Stacks rows into a batch; sample_ids becomes a list per row, and the slots' states merge into one delta per
    slot (the last row's state, with every row's added duplicate keys in order)."""
    batch = {key: torch.stack([item[key] for item in items]) for key in items[0] if isinstance(items[0][key], torch.Tensor)}
    batch["sample_ids"] = [item["sample_ids"] for item in items]
    merged: dict[int, dict] = {}
    for item in items:
        delta = item[STATE_KEY]
        previous = merged.get(delta["slot"])
        added = (previous["seen_added"] if previous else []) + delta["seen_added"]
        merged[delta["slot"]] = {**delta, "seen_added": added}
    batch[STATE_KEY] = list(merged.values())
    return batch


class ShardLoader:
    """A DataLoader over a ShardStream whose state_dict() is the resume state of exactly the batches it has handed
    out, whatever num_workers and prefetching do: each batch carries its slot's state, applied when it is yielded.

    Save `loader.state_dict()` with the model checkpoint; after a restart, `loader.load_state_dict(saved)` before
    iterating, and each rank trains exactly the rows it had not trained.
    """

    def __init__(self, stream: ShardStream, batch_size: int, num_workers: int = 0, **dataloader_options):
        self.stream = stream
        self.batch_size = batch_size
        self.num_workers = num_workers
        self.workers = max(1, num_workers)
        self.options = dataloader_options
        self._tracker = _StateTracker(stream.duplicate_window)

    def __iter__(self) -> Iterator[dict]:
        loader = DataLoader(
            self.stream, batch_size=self.batch_size, num_workers=self.num_workers, collate_fn=collate_rows,
            persistent_workers=False, **self.options)
        for batch in loader:
            for delta in batch.pop(STATE_KEY):
                self._tracker.apply(delta)
            yield batch

    def state_dict(self) -> dict:
        return self.stream.make_state(self._tracker, self.workers)

    def load_state_dict(self, state: dict) -> None:
        self.stream.load_state_dict(state, workers=self.workers)
        self._tracker = _StateTracker(self.stream.duplicate_window, state["slots"])
