"""Exact resume from a state_dict, aborted transactions and duplicates hidden, and the trainer-side level mix."""

from __future__ import annotations

import collections

import pytest
from confluent_kafka import Consumer, TopicPartition

from conftest import PARTITIONS, PREFIX, SMOLLM2_EOS, thinkstream
from thinkstream import ShardLoader, ShardStream, ShardStreamError


def stream_for(corpus, topic_prefix=PREFIX, **options) -> ShardStream:
    return ShardStream(corpus.broker.servers, topic_prefix=topic_prefix, eos_token_id=SMOLLM2_EOS, stop_at_end=True,
                       rank=0, world_size=1, **options)


def import_archive(corpus, prefix: str, partitions: int, times: int = 1) -> None:
    for _ in range(times):
        thinkstream("shards", "import", "--topic-prefix", prefix, "--bootstrap-servers", corpus.broker.servers,
                    "--partitions", str(partitions), corpus.archive, env=corpus.broker.env)


def raw_shard_records(corpus) -> int:
    """Every shard record physically on the topic, read uncommitted, nothing filtered or de-duplicated."""
    consumer = Consumer({"bootstrap.servers": corpus.broker.servers, "group.id": "pytest-raw", "enable.partition.eof": True,
                         "isolation.level": "read_uncommitted", "enable.auto.commit": False})
    consumer.assign([TopicPartition(f"{PREFIX}.shards", p, 0) for p in range(PARTITIONS)])
    ended, count = set(), 0
    for _ in range(10_000):
        message = consumer.poll(1.0)
        if message is None:
            continue
        if message.error():
            ended.add(message.partition())
            if len(ended) == PARTITIONS:
                break
            continue
        if dict(message.headers() or []).get("schema") == b"shard/1":
            count += 1
    consumer.close()
    return count


def test_records_of_an_aborted_transaction_are_hidden(shard_corpus):
    assert raw_shard_records(shard_corpus) > len(shard_corpus.shards), "the crashed transaction left no records"
    stream = stream_for(shard_corpus, context_tokens=64)
    completed = [sid for row in stream for sid in row["sample_ids"]]
    assert collections.Counter(completed) == collections.Counter(shard_corpus.raw_sample_ids)
    assert stream.state_dict()["slots"]["0"]["duplicates"] == 0


def test_duplicate_sample_ids_are_dropped(shard_corpus):
    import_archive(shard_corpus, "dups", partitions=2, times=2)
    stream = stream_for(shard_corpus, topic_prefix="dups", context_tokens=64)
    completed = [sid for row in stream for sid in row["sample_ids"]]
    assert collections.Counter(completed) == collections.Counter(shard_corpus.raw_sample_ids)
    assert stream.state_dict()["slots"]["0"]["duplicates"] == len(shard_corpus.raw_sample_ids)


def test_resume_from_state_dict_gives_the_same_rows(shard_corpus):
    """One partition, so the order is the topic's: rows before the state plus rows after a resume are exactly the
    uninterrupted rows (tokens, labels, sample ids)."""
    import_archive(shard_corpus, "resume", partitions=1)
    whole = [(r["input_ids"].tolist(), r["labels"].tolist(), r["sample_ids"])
             for r in stream_for(shard_corpus, topic_prefix="resume", context_tokens=40)]
    first = stream_for(shard_corpus, topic_prefix="resume", context_tokens=40)
    head = []
    for row in first:
        head.append((row["input_ids"].tolist(), row["labels"].tolist(), row["sample_ids"]))
        if len(head) == len(whole) // 3:
            break
    state = first.state_dict()
    second = stream_for(shard_corpus, topic_prefix="resume", context_tokens=40)
    second.load_state_dict(state)
    tail = [(r["input_ids"].tolist(), r["labels"].tolist(), r["sample_ids"]) for r in second]
    assert head + tail == whole
    wrong = stream_for(shard_corpus, topic_prefix="resume", context_tokens=48)
    with pytest.raises(ShardStreamError) as raised:
        wrong.load_state_dict(state)
    assert raised.value.code == "invalid_state" and "context_tokens" in raised.value.message


def test_loader_with_workers_resumes_exactly(shard_corpus):
    """Two DataLoader workers prefetching: the state covers exactly the batches handed out."""
    loader = ShardLoader(stream_for(shard_corpus, context_tokens=64), batch_size=2, num_workers=2)
    head = []
    for batch in loader:
        head += [sid for row in batch["sample_ids"] for sid in row]
        if len(head) >= len(shard_corpus.sample_ids) // 3:
            break
    state = loader.state_dict()
    resumed = ShardLoader(stream_for(shard_corpus, context_tokens=64), batch_size=2, num_workers=2)
    resumed.load_state_dict(state)
    tail = [sid for batch in resumed for row in batch["sample_ids"] for sid in row]
    assert collections.Counter(head + tail) == collections.Counter(shard_corpus.raw_sample_ids)
    with pytest.raises(ShardStreamError):
        ShardLoader(stream_for(shard_corpus, context_tokens=64), batch_size=2, num_workers=3).load_state_dict(state)


def test_level_weights_mix_the_levels(shard_corpus):
    levels = {s.sample_id: s.level for shard in shard_corpus.shards for s in shard.samples}
    present = sorted(set(levels.values()))
    assert len(present) >= 2, f"the corpus has one level only: {present}"
    dropped, doubled = present[0], present[1:]
    weights = {dropped: 0.0, **{level: 2.0 for level in doubled}}
    stream = stream_for(shard_corpus, context_tokens=64, level_weights=weights, mix_seed=7)
    rows = list(stream)
    counts = collections.Counter(sid for row in rows for sid in row["sample_ids"])
    assert all(levels[sid] != dropped for sid in counts)
    assert set(counts) == {sid for sid, level in levels.items() if level != dropped}
    assert all(n == 2 for n in counts.values())
    assert all(len(row["sample_ids"]) == len(set(row["sample_ids"])) for row in rows), "copies share a row"
    assert stream.state_dict()["mix"]["weights"] == weights
    half = stream_for(shard_corpus, context_tokens=64, level_weights={level: 0.5 for level in present}, mix_seed=7)
    kept = {sid for row in half for sid in row["sample_ids"]}
    assert 0 < len(kept) < len(levels)
    again = stream_for(shard_corpus, context_tokens=64, level_weights={level: 0.5 for level in present}, mix_seed=7)
    assert {sid for row in again for sid in row["sample_ids"]} == kept, "the draw is not reproducible"
