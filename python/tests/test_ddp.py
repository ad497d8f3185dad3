"""torchrun with 2 gloo ranks of python/examples/train_ddp.py on the real shards: every sample once over the ranks,
and a job killed with SIGKILL and restarted from its checkpoint trains the same multiset as an uninterrupted one."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from conftest import PREFIX
from support import torchrun_train_ddp


def torchrun(corpus, checkpoints: Path, logs: Path, *extra: str, env: dict | None = None):
    return torchrun_train_ddp([
        "--bootstrap-servers", corpus.broker.servers, "--topic-prefix", PREFIX, "--tiny", "--context", "64",
        "--batch-size", "2", "--stop-at-end", "--checkpoint-dir", str(checkpoints), "--checkpoint-every", "3",
        "--step-log", str(logs), *extra], env=env)


def trained(logs: Path) -> dict[int, list[str]]:
    """Per rank, every completed sample id of every logged step, repeats kept."""
    result = {}
    for rank in (0, 1):
        path = logs / f"rank-{rank}.log"
        result[rank] = [sid for line in path.read_text().splitlines() for sid in line.split()[2:]]
    return result


@pytest.fixture(scope="module")
def uninterrupted(shard_corpus, tmp_path_factory):
    folder = tmp_path_factory.mktemp("ddp-uninterrupted")
    code, output = torchrun(shard_corpus, folder / "checkpoints", folder / "logs")
    assert code == 0, output[-3000:]
    return trained(folder / "logs")


def test_two_ranks_train_every_sample_exactly_once(shard_corpus, uninterrupted):
    rank0, rank1 = uninterrupted[0], uninterrupted[1]
    assert rank0 and rank1, "a rank trained nothing"
    assert not set(rank0) & set(rank1), "samples trained by both ranks"
    everything = rank0 + rank1
    assert len(everything) == len(set(everything)), [s for s, n in collections.Counter(everything).items() if n > 1]
    assert set(everything) == shard_corpus.sample_ids


def test_two_workers_per_rank_own_disjoint_partitions(shard_corpus, tmp_path):
    code, output = torchrun(shard_corpus, tmp_path / "checkpoints", tmp_path / "logs", "--num-workers", "2")
    assert code == 0, output[-3000:]
    logs = trained(tmp_path / "logs")
    everything = logs[0] + logs[1]
    assert collections.Counter(everything) == collections.Counter(shard_corpus.sample_ids)


def test_kill_9_and_restart_trains_the_same_multiset(shard_corpus, uninterrupted, tmp_path):
    checkpoints, logs = tmp_path / "checkpoints", tmp_path / "logs"
    code, output = torchrun(shard_corpus, checkpoints, logs, env={"THINKSTREAM_TEST_KILL_JOB_AT_STEP": "5"})
    assert code != 0, "the job was not killed"
    killed = trained(logs)
    assert len(killed[0]) > 0 and not (checkpoints / "step-00000005").exists()
    assert (checkpoints / "step-00000003").is_dir(), "no checkpoint before the kill"
    code, output = torchrun(shard_corpus, checkpoints, logs)
    assert code == 0, output[-3000:]
    assert "resumed from" in output and "step-00000003" in output
    resumed = trained(logs)
    assert collections.Counter(resumed[0] + resumed[1]) == collections.Counter(uninterrupted[0] + uninterrupted[1])
