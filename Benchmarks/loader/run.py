"""Throughput of the PyTorch loader alone (python/thinkstream): rows/s and shards/s at 1 and 2 ranks, and at 1 rank
with 2 DataLoader workers, on an embedded broker.

The shards are real ones (a `thinkstream shards export` directory, default the A/B's tiered shards or make test's
smoke shards), re-emitted with fresh sample ids until the topic holds --samples samples, so packing and
de-duplication do their full work. Each configuration reads the whole topic (stop_at_end) and is timed end to end,
consumer start included.

    .venv/bin/python Benchmarks/loader/run.py [--archive DIR] [--samples 20000] [--context 2048]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import zstandard
from confluent_kafka import Producer

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))
from thinkstream import ShardLoader, ShardStream, read_export  # noqa: E402

BIN = os.environ.get("THINKSTREAM_BIN", str(REPO / ".build/release/thinkstream"))
PARTITIONS = 4


def encode(manifest: dict, samples: list[dict]) -> bytes:
    """The shard wire format: manifest line + sample lines, compact sorted JSON, sha256 checksum, zstd level 3."""
    lines = b"".join(json.dumps(s, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() + b"\n" for s in samples)
    manifest = {**manifest, "sample_count": len(samples), "checksum": "sha256:" + hashlib.sha256(lines).hexdigest(),
                "shard_id": hashlib.sha256("".join(sorted(s["sample_id"] for s in samples)).encode()).hexdigest()}
    payload = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode() + b"\n" + lines
    return zstandard.ZstdCompressor(level=3).compress(payload)


def fill_topic(servers: str, topic: str, archive: str, target_samples: int) -> tuple[int, int, int]:
    shards = list(read_export(archive))
    producer = Producer({"bootstrap.servers": servers, "linger.ms": 20, "message.max.bytes": 16 << 20})
    produced_shards = produced_samples = tokens = 0
    copy = 0
    while produced_samples < target_samples:
        for shard in shards:
            samples = [{**s.fields, "sample_id": f"{s.sample_id}#{copy}"} for s in shard.samples]
            value = encode(shard.manifest, samples)
            producer.produce(topic, value=value, key=f"{shard.shard_id}#{copy}".encode(),
                             headers=[("schema", b"shard/1")], partition=produced_shards % PARTITIONS)
            producer.poll(0)
            produced_shards += 1
            produced_samples += len(samples)
            tokens += sum(len(s.token_ids) + 1 for s in shard.samples)
            if produced_samples >= target_samples:
                break
        copy += 1
    producer.flush(60)
    return produced_shards, produced_samples, tokens


def read_rank(servers: str, prefix: str, context: int, eos: int, rank: int, world: int, workers: int, queue) -> None:
    stream = ShardStream(servers, topic_prefix=prefix, context_tokens=context, eos_token_id=eos, stop_at_end=True,
                         rank=rank, world_size=world)
    started = time.perf_counter()
    rows = 0
    if workers == 0:
        for _ in stream:
            rows += 1
    else:
        for batch in ShardLoader(stream, batch_size=8, num_workers=workers):
            rows += batch["input_ids"].shape[0]
    queue.put((rank, rows, time.perf_counter() - started))


def measure(servers: str, prefix: str, context: int, eos: int, world: int, workers: int) -> tuple[int, float]:
    context_ = multiprocessing.get_context("fork")
    queue = context_.Queue()
    started = time.perf_counter()
    processes = [context_.Process(target=read_rank, args=(servers, prefix, context, eos, r, world, workers, queue)) for r in range(world)]
    for process in processes:
        process.start()
    results = [queue.get(timeout=1800) for _ in processes]
    for process in processes:
        process.join()
    return sum(r[1] for r in results), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = next((p for p in [".build/experiment/shards/tiered", ".build/experiment-smoke/shards/natural"] if (REPO / p).is_dir()), None)
    parser.add_argument("--archive", default=default and str(REPO / default))
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--context", type=int, default=2048)
    parser.add_argument("--eos-token-id", type=int, default=2)
    parser.add_argument("--port", type=int, default=19460)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    if not args.archive:
        sys.exit("no shard archive: run `make test` (its smoke run saves one) or pass --archive")
    state = tempfile.mkdtemp(prefix="bench-loader-")
    env = {**os.environ, "THINKSTREAM_STATE_DIR": state, "THINKSTREAM_KAFKA_PROFILE": "embedded"}
    servers = f"127.0.0.1:{args.port}"
    subprocess.run([BIN, "broker", "start", "--port", str(args.port)], env=env, check=True)
    try:
        prefix = "bench"
        subprocess.run([BIN, "topics", "--create", "--partitions", str(PARTITIONS), "--bootstrap-servers", servers,
                        "--topic-prefix", prefix], env=env, check=True, capture_output=True)
        shards, samples, tokens = fill_topic(servers, f"{prefix}.shards", args.archive, args.samples)
        print(f"topic {prefix}.shards: {shards} shards, {samples} samples, {tokens} trainer tokens "
              f"({tokens / samples:.0f} per sample) from {args.archive}; T = {args.context}; {os.cpu_count()} cores")
        print(f"{'configuration':32} {'rows':>7} {'seconds':>8} {'rows/s':>8} {'shards/s':>9} {'tokens/s':>10}")
        for _ in range(args.rounds):
            for name, world, workers in [("1 rank", 1, 0), ("1 rank, 2 DataLoader workers", 1, 2), ("2 ranks", 2, 0)]:
                rows, seconds = measure(servers, prefix, args.context, args.eos_token_id, world, workers)
                print(f"{name:32} {rows:7d} {seconds:8.1f} {rows / seconds:8.1f} {shards / seconds:9.1f} "
                      f"{rows * args.context / seconds:10.0f}", flush=True)
    finally:
        subprocess.run([BIN, "broker", "stop", "--port", str(args.port)], env=env, capture_output=True)


if __name__ == "__main__":
    main()
