"""The loader against real shards: same rows as the Swift packer, every sample once, refusals that name the input."""

from __future__ import annotations

import json

import pytest
import zstandard

from conftest import PREFIX, SMOLLM2_EOS, thinkstream
from thinkstream import DOCUMENT, OTHER, PADDING, THINKING, ShardStream, ShardStreamError, decode_shard, read_export, read_shard_file


def swift_rows(inputs: list[str], context: int) -> list[dict]:
    out = thinkstream("shards", "pack", "--context", str(context), "--eos-token-id", str(SMOLLM2_EOS), *inputs)
    return [json.loads(line) for line in out.stdout.splitlines()]


def stream_for(corpus, topic_prefix=PREFIX, **options) -> ShardStream:
    return ShardStream(
        corpus.broker.servers, topic_prefix=topic_prefix, eos_token_id=SMOLLM2_EOS, stop_at_end=True, rank=0,
        world_size=1, **options)


@pytest.fixture(scope="module")
def parity(shard_corpus) -> str:
    """The archive imported into a one-partition topic, so the topic's order is the archive's."""
    thinkstream("shards", "import", "--topic-prefix", "parity", "--bootstrap-servers", shard_corpus.broker.servers,
                "--partitions", "1", shard_corpus.archive, env=shard_corpus.broker.env)
    return "parity"


def test_rows_equal_the_swift_trainers_rows(shard_corpus, parity):
    """The loader's rows are `thinkstream shards pack`'s (train's packer) token for token, kind for kind, with the
    same completed sample ids."""
    context = 48
    expected = swift_rows([shard_corpus.archive], context)
    rows = list(stream_for(shard_corpus, topic_prefix=parity, context_tokens=context))
    assert len(rows) == len(expected) > 10
    for row, reference in zip(rows, expected):
        tokens = reference["tokens"]
        assert row["input_ids"].tolist() == tokens[:context]
        labels = [IGNORE if kind == PADDING else token for token, kind in zip(tokens[1:], reference["kinds"])]
        assert row["labels"].tolist() == labels
        assert row["sample_ids"] == reference["completed_sample_ids"]
    completed = [sid for row in rows for sid in row["sample_ids"]]
    assert completed == list(dict.fromkeys(shard_corpus.raw_sample_ids))


def test_loss_weights_and_document_starts_follow_the_swift_kinds(shard_corpus, parity):
    """Loss weights by target kind (train's --document-loss-weight / --thinking-loss-weight) and, per position,
    where its document starts (train's document-boundary masking: the last EOS input at or before it)."""
    context = 48
    expected = swift_rows([shard_corpus.archive], context)
    weights = {DOCUMENT: 0.5, THINKING: 2.0, OTHER: 1.0, PADDING: 0.0}
    rows = list(stream_for(shard_corpus, topic_prefix=parity, context_tokens=context, document_loss_weight=0.5,
                           thinking_loss_weight=2.0, return_loss_weights=True, return_document_starts=True))
    kinds_seen = set()
    for row, reference in zip(rows, expected, strict=True):
        kinds_seen |= set(reference["kinds"])
        assert row["loss_weights"].tolist() == [weights[kind] for kind in reference["kinds"]]
        starts, start = [], 0
        for t, token in enumerate(reference["tokens"][:context]):
            start = t if token == SMOLLM2_EOS else start
            starts.append(start)
        assert row["document_starts"].tolist() == starts
    assert {DOCUMENT, THINKING, OTHER, PADDING} <= kinds_seen


IGNORE = -100


def test_every_sample_once_across_partitions(shard_corpus):
    rows = list(stream_for(shard_corpus, context_tokens=64))
    completed = [sid for row in rows for sid in row["sample_ids"]]
    assert sorted(completed) == sorted(shard_corpus.sample_ids)
    real_targets = sum(int((row["labels"] != IGNORE).sum()) for row in rows)
    trainer_tokens = sum(len(s.token_ids) + 1 for shard in shard_corpus.shards for s in shard.samples
                         if s.sample_id in shard_corpus.sample_ids)
    assert real_targets == trainer_tokens


def test_a_wrong_tokenizer_is_refused_with_the_shard_named(shard_corpus):
    stream = stream_for(shard_corpus, context_tokens=64, tokenizer="Qwen2.5-Coder-1.5B-Instruct")
    with pytest.raises(ShardStreamError) as raised:
        next(iter(stream))
    assert raised.value.code == "unknown_tokenizer"
    assert f"{PREFIX}.shards[" in raised.value.message and "Qwen2.5-Coder-1.5B-Instruct" in raised.value.message


def test_the_manifests_tokenizer_is_accepted(shard_corpus):
    name = shard_corpus.shards[0].tokenizer
    rows = list(stream_for(shard_corpus, context_tokens=64, tokenizer=[name, "other"], vocab_size=49152))
    assert len(rows) > 0


def test_decoder_refuses_a_changed_sample_line(shard_corpus):
    value = open(f"{shard_corpus.archive}/manifest.json").read()
    first = json.loads(value)["records"][0]["file"]
    raw = zstandard.ZstdDecompressor().decompress(open(f"{shard_corpus.archive}/{first}", "rb").read())
    tampered = raw.replace(b'"level":"', b'"level":"X', 1)
    with pytest.raises(ShardStreamError) as raised:
        decode_shard(zstandard.ZstdCompressor().compress(tampered), "tampered.shard")
    assert raised.value.code == "checksum_mismatch" and "tampered.shard" in raised.value.message
    with pytest.raises(ShardStreamError) as raised:
        decode_shard(zstandard.ZstdCompressor().compress(raw)[:-9], "cut.shard")
    assert raised.value.code in ("truncated_compressed_data", "corrupt_compressed_data")
    bomb = zstandard.ZstdCompressor().compress(b"\n" * (3 << 20))
    with pytest.raises(ShardStreamError) as raised:
        decode_shard(bomb, "bomb.shard", max_decompressed_bytes=1 << 20)
    assert raised.value.code == "decompressed_too_large"


def test_export_reader_matches_the_topic(shard_corpus):
    first = json.loads(open(f"{shard_corpus.archive}/manifest.json").read())["records"][0]["file"]
    alone = read_shard_file(f"{shard_corpus.archive}/{first}")
    assert alone.shard_id == shard_corpus.shards[0].shard_id and alone.samples == shard_corpus.shards[0].samples
    with pytest.raises(ShardStreamError) as raised:
        read_shard_file(f"{shard_corpus.archive}/missing.shard")
    assert raised.value.code == "unreadable_input" and "missing.shard" in raised.value.message
    shards = list(read_export(shard_corpus.archive))
    assert [s.shard_id for s in shards] == [s.shard_id for s in shard_corpus.shards]
    assert all(s.manifest["sample_count"] == len(s.samples) for s in shards)
