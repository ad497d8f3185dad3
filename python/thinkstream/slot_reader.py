"""One reader slot of a ShardStream: the partitions one (rank, DataLoader worker) owns, read committed, verified,
de-duplicated, mixed and packed into rows. Every row comes with the slot's state after it, so whoever consumes the
row (the training loop) can checkpoint exactly up to it."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from .dedup import RecentSampleFilter
from .errors import ShardStreamError
from .mixing import LevelMix
from .packing import PackedRow, SequencePacker
from .shard import SHARD_SCHEMA, Sample, Span, decode_shard, key_of
from .transactions import TransactionMarkerFilter, header

log = logging.getLogger("thinkstream")


def owned_partitions(partitions: list[int], slot: int, slots: int) -> list[int]:
    """Partition p belongs to slot p mod slots: disjoint across slots, their union every partition."""
    return [p for p in sorted(partitions) if p % slots == slot]


@dataclass
class SlotSettings:
    topic: str
    context_tokens: int
    eos_token_id: int
    tokenizers: frozenset[str] | None
    vocab_size: int | None
    duplicate_window: int
    mix: LevelMix
    stop_at_end: bool
    idle_timeout: float | None
    max_decompressed_bytes: int
    topic_timeout: float


def _sample_to_state(sample: Sample) -> list:
    d, t = sample.document_span, sample.thinking_span
    return [sample.sample_id, sample.level, list(sample.token_ids),
            [d.byte_start, d.byte_end, d.token_start, d.token_end], [t.byte_start, t.byte_end, t.token_start, t.token_end]]


def _sample_from_state(entry: list) -> Sample:
    sample_id, level, token_ids, d, t = entry
    return Sample(sample_id, "", level, token_ids, Span(*d), Span(*t), {})


class SlotReader:
    def __init__(self, settings: SlotSettings, consumer_factory, slot: int, slots: int, resume: dict | None):
        self.settings = settings
        self.slot = slot
        self.slots = slots
        self._consumer_factory = consumer_factory
        resume = resume or {}
        self.offsets: dict[int, int] = {int(p): o for p, o in resume.get("offsets", {}).items()}
        self.packer = SequencePacker(settings.context_tokens, settings.eos_token_id, resume.get("packer"))
        self.seen = RecentSampleFilter(settings.duplicate_window, resume.get("seen"))
        self.repeats: list[list] = [list(entry) for entry in resume.get("repeats", [])]  # [due, sample state]
        self.accepted = resume.get("accepted", 0)
        self.rows = resume.get("rows", 0)
        self.tokenizer = resume.get("tokenizer")
        self.duplicates = resume.get("duplicates", 0)
        self._seen_added: list[bytes] = []
        self._filter = TransactionMarkerFilter()

    # --- state ------------------------------------------------------------------------------------------------
    def _resume_offsets(self) -> dict[int, int]:
        """Next offset per partition, never past a record the filter still holds."""
        result = {}
        for partition, offset in self.offsets.items():
            held = self._filter.lowest_held_offset(partition)
            result[partition] = offset if held is None else min(offset, held)
        return result

    def delta(self) -> dict:
        """The slot's state after the row just made, with the duplicate keys added since the previous row."""
        added, self._seen_added = self._seen_added, []
        return {
            "slot": self.slot, "offsets": self._resume_offsets(), "packer": self.packer.state(),
            "seen_added": added, "repeats": [list(entry) for entry in self.repeats], "accepted": self.accepted,
            "rows": self.rows, "tokenizer": self.tokenizer, "duplicates": self.duplicates,
        }

    # --- reading ----------------------------------------------------------------------------------------------
    def _verify(self, shard, source: str) -> None:
        expected = self.settings.tokenizers
        if expected is not None and shard.tokenizer not in expected:
            raise ShardStreamError(
                "unknown_tokenizer",
                f"{source}: shard {shard.shard_id[:12]} uses tokenizer {shard.tokenizer!r}; this loader expects "
                f"{' or '.join(repr(name) for name in sorted(expected))}; train with that tokenizer or pass its name",
            )
        if expected is None:
            if self.tokenizer is None:
                self.tokenizer = shard.tokenizer
            elif shard.tokenizer != self.tokenizer:
                raise ShardStreamError(
                    "unknown_tokenizer",
                    f"{source}: shard {shard.shard_id[:12]} uses tokenizer {shard.tokenizer!r}, earlier shards "
                    f"{self.tokenizer!r}; one model cannot train on both; pass tokenizer= to choose",
                )
        vocab = self.settings.vocab_size
        if vocab is not None:
            for sample in shard.samples:
                if any(not 0 <= token < vocab for token in sample.token_ids):
                    raise ShardStreamError(
                        "unknown_tokenizer",
                        f"{source}: sample {sample.sample_id[:12]} has token ids outside the vocabulary 0..<{vocab}; "
                        f"tokenizer {shard.tokenizer!r} does not match the model",
                    )

    def _accept(self, message) -> None:
        source = f"{message.topic()}[{message.partition()}]@{message.offset()}"
        schema = header(message, "schema")
        if schema is not None and schema != SHARD_SCHEMA:
            log.warning("skipping a record that is not a shard", extra={"kafka.source": source, "schema": schema})
        else:
            shard = decode_shard(message.value() or b"", source, self.settings.max_decompressed_bytes)
            self._verify(shard, source)
            for sample in shard.samples:
                key = key_of(sample.sample_id)
                if not self.seen.insert_key(key):
                    self.duplicates += 1
                    continue
                self._seen_added.append(key)
                self.accepted += 1
                copies = self.settings.mix.copies(sample.sample_id, sample.level)
                if copies >= 1:
                    self.packer.append(sample)
                for k in range(1, copies):
                    self.repeats.append([self.accepted + self.settings.mix.spacing * k, _sample_to_state(sample)])
                self._release_repeats(everything=False)
        self.offsets[message.partition()] = message.offset() + 1

    def _release_repeats(self, everything: bool) -> None:
        due = [entry for entry in self.repeats if everything or entry[0] <= self.accepted]
        if due:
            self.repeats = [entry for entry in self.repeats if not (everything or entry[0] <= self.accepted)]
            for _, sample in sorted(due, key=lambda entry: entry[0]):
                self.packer.append(_sample_from_state(sample))

    def rows_iter(self):
        """Yields (PackedRow, state delta) until the owned partitions end (stop_at_end) or idle_timeout."""
        from confluent_kafka import KafkaError, OFFSET_BEGINNING, TopicPartition

        consumer = self._consumer_factory()
        try:
            partitions = self._wait_for_partitions(consumer)
            owned = owned_partitions(partitions, self.slot, self.slots)
            if owned:
                consumer.assign([TopicPartition(self.settings.topic, p, self.offsets.get(p, OFFSET_BEGINNING)) for p in owned])
            at_end = {p: False for p in owned}
            last_input = time.monotonic()
            while owned:
                messages = consumer.consume(num_messages=64, timeout=0.2)
                for message in messages:
                    error = message.error()
                    if error is not None:
                        if error.code() == KafkaError._PARTITION_EOF:
                            at_end[message.partition()] = True
                            continue
                        if error.fatal():
                            raise ShardStreamError("broker", f"{self.settings.topic}: {error.str()}")
                        log.warning("kafka: %s (retrying)", error.str())
                        continue
                    at_end[message.partition()] = False
                    last_input = time.monotonic()
                    for released in self._filter.accept(message):
                        self._accept(released)
                    while (row := self.packer.next_row()) is not None:
                        self.rows += 1
                        yield row, self.delta()
                ended = self.settings.stop_at_end and all(at_end.values())
                idle = self.settings.idle_timeout is not None and time.monotonic() - last_input >= self.settings.idle_timeout
                if ended or idle:
                    break
            self._release_repeats(everything=True)
            while (row := self.packer.next_row(padding=True)) is not None:
                self.rows += 1
                yield row, self.delta()
        finally:
            consumer.close()

    def _wait_for_partitions(self, consumer) -> list[int]:
        deadline = time.monotonic() + self.settings.topic_timeout
        while True:
            try:
                metadata = consumer.list_topics(self.settings.topic, timeout=5)
                topic = metadata.topics.get(self.settings.topic)
                if topic is not None and topic.error is None and topic.partitions:
                    return sorted(topic.partitions)
            except Exception as error:  # KafkaException: the broker did not answer in time
                log.warning("kafka: metadata of %s: %s (retrying)", self.settings.topic, error)
            if time.monotonic() >= deadline:
                raise ShardStreamError(
                    "broker",
                    f"topic {self.settings.topic} not found within {self.settings.topic_timeout:.0f} s; check "
                    "bootstrap_servers and the topic prefix, or create it with `thinkstream topics --create`",
                )
            time.sleep(0.5)
