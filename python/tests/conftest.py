"""Real shards for the loader's tests: an embedded broker, documents of ../shared/data fed and augmented by the real
engine on SmolLM2-135M, and the committed shards saved with `thinkstream shards export` as ground truth. Made once
per test session (about two minutes on 2 cores)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from support import REPO_ROOT, EmbeddedBroker, free_port, run_cli, smollm2_model
from thinkstream import read_export

REPO = REPO_ROOT
SHARED_DATA = REPO.parent / "shared" / "data"
PREFIX = "pyt"
PARTITIONS = 4
#: SmolLM2-135M's EOS (`<|im_end|>`), the id train puts between packed samples.
SMOLLM2_EOS = 2

__all__ = ["PARTITIONS", "PREFIX", "REPO", "SMOLLM2_EOS", "free_port", "thinkstream"]


def thinkstream(*args: str, env: dict | None = None, timeout: float = 600, check: bool = True):
    return run_cli(list(args), env=env, timeout=timeout, check=check)


def short_documents(per_corpus: int) -> list[str]:
    """Short documents of every shared corpus (maths, web, code, textbook prose), as JSONL lines."""
    lines = []
    for corpus in ["gsm8k_test.jsonl", "math500.jsonl", "web_docs.jsonl", "code_docs.jsonl", "fineweb_edu_excerpts.jsonl"]:
        taken = 0
        for line in (SHARED_DATA / corpus).read_text().splitlines():
            if taken == per_corpus:
                break
            if len(json.loads(line)["text"].encode()) < 700:
                lines.append(line)
                taken += 1
    return lines


@dataclass
class Broker:
    servers: str
    env: dict

    def kafka_args(self, prefix: str = PREFIX) -> list[str]:
        return ["--bootstrap-servers", self.servers, "--topic-prefix", prefix]


@dataclass
class ShardCorpus:
    broker: Broker
    prefix: str
    archive: str  # `shards export` of the topic: the committed shards, in topic order
    shards: list  # decoded, in topic order
    raw_sample_ids: list[str]  # every sample of every committed shard, before any de-duplication

    @property
    def sample_ids(self) -> set[str]:
        return set(self.raw_sample_ids)


@pytest.fixture(scope="session")
def broker(tmp_path_factory):
    with EmbeddedBroker(tmp_path_factory.mktemp("broker-state")) as embedded:
        yield Broker(embedded.bootstrap_servers, embedded.environment())


@pytest.fixture(scope="session")
def shard_corpus(broker, tmp_path_factory) -> ShardCorpus:
    folder = tmp_path_factory.mktemp("corpus")
    corpus = folder / "docs.jsonl"
    corpus.write_text("\n".join(short_documents(per_corpus=4)) + "\n")
    thinkstream("topics", "--create", "--partitions", str(PARTITIONS), *broker.kafka_args(), env=broker.env)
    thinkstream("feed", *broker.kafka_args(), str(corpus), env=broker.env)
    started = time.monotonic()
    augment = [
        "augment", *broker.kafka_args(), "--model", str(smollm2_model()), "--transactional-id", "pytest-augment",
        "--max-thinking-tokens", "16", "--max-documents-in-flight", "2", "--shard-max-samples", "2",
        "--shard-max-seconds", "5", "--stop-when-idle", "10"]
    # The first worker dies by SIGKILL inside its first transaction (shard and offsets sent, no end markers): the
    # embedded broker keeps those records, so the loader must hide them as the Swift consumers do.
    crashed = thinkstream(*augment, env={**broker.env, "THINKSTREAM_TEST_CRASH_AT": "after-offsets-sent"}, check=False)
    assert crashed.returncode == -9, f"augment was not killed by the crash hook: {crashed.stderr[-2000:]}"
    thinkstream(*augment, env=broker.env, timeout=900)
    print(f"augment: {time.monotonic() - started:.0f} s")
    archive = str(folder / "archive")
    thinkstream("shards", "export", *broker.kafka_args(), "--out", archive, env=broker.env)
    shards = list(read_export(archive))
    raw = [sample.sample_id for shard in shards for sample in shard.samples]
    assert len(shards) >= 8 and len(raw) >= 16, f"augment made only {len(shards)} shards / {len(raw)} samples"
    return ShardCorpus(broker, PREFIX, archive, shards, raw)
