"""The loader against real shards: same rows as the Swift packer, every sample once, refusals that name the input."""

from __future__ import annotations

import json

import pytest
import zstandard

from conftest import PREFIX, SMOLLM2_EOS, thinkstream
from thinkstream import PADDING, ShardStream, ShardStreamError, decode_shard, read_export


def swift_rows(inputs: list[str], context: int) -> list[dict]:
    out = thinkstream("shards", "pack", "--context", str(context), "--eos-token-id", str(SMOLLM2_EOS), *inputs)
    return [json.loads(line) for line in out.stdout.splitlines()]


def stream_for(corpus, topic_prefix=PREFIX, **options) -> ShardStream:
    return ShardStream(
        corpus.broker.servers, topic_prefix=topic_prefix, eos_token_id=SMOLLM2_EOS, stop_at_end=True, rank=0,
        world_size=1, **options)


def test_rows_equal_the_swift_trainers_rows(shard_corpus, tmp_path):
    """One partition holds the archive's order; the loader's rows are `thinkstream shards pack`'s (train's packer)
    token for token, kind for kind, with the same completed sample ids."""
    thinkstream("shards", "import", "--topic-prefix", "parity", "--bootstrap-servers", shard_corpus.broker.servers,
                "--partitions", "1", shard_corpus.archive, env=shard_corpus.broker.env)
    context = 48
    expected = swift_rows([shard_corpus.archive], context)
    rows = list(stream_for(shard_corpus, topic_prefix="parity", context_tokens=context))
    assert len(rows) == len(expected) > 10
    for row, reference in zip(rows, expected):
        tokens = reference["tokens"]
        assert row["input_ids"].tolist() == tokens[:context]
        labels = [IGNORE if kind == PADDING else token for token, kind in zip(tokens[1:], reference["kinds"])]
        assert row["labels"].tolist() == labels
        assert row["sample_ids"] == reference["completed_sample_ids"]
    completed = [sid for row in rows for sid in row["sample_ids"]]
    assert completed == list(dict.fromkeys(shard_corpus.raw_sample_ids))


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
    shards = list(read_export(shard_corpus.archive))
    assert [s.shard_id for s in shards] == [s.shard_id for s in shard_corpus.shards]
    assert all(s.manifest["sample_count"] == len(s.samples) for s in shards)
