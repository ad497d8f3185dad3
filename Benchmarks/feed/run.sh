#!/usr/bin/env bash
# Side-by-side feed benchmark: `thinkstream feed` vs a confluent-kafka Python producer on the same librdkafka,
# same broker, same corpus, alternating runs. Usage: Benchmarks/feed/run.sh <thinkstream binary> [rounds]
set -euo pipefail
bin=$(realpath "$1"); rounds=${2:-2}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d); trap 'THINKSTREAM_STATE_DIR=$work "$bin" broker stop --port $port >/dev/null; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
corpus="$work/corpus.jsonl"
python3 "$root/Benchmarks/feed/make_corpus.py" "$root/../shared/data" "$corpus" 110
export THINKSTREAM_STATE_DIR=$work THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$port THINKSTREAM_KAFKA_PROFILE=embedded
"$bin" broker start --port "$port" >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F)"
"$bin" version | tail -1
for round in $(seq 1 "$rounds"); do
    "$bin" feed --topic-prefix "swift$round" "$corpus" 2>/dev/null | sed "s/^/thinkstream-feed round $round: /"
    "$bin" topics --create --topic-prefix "python$round" >/dev/null
    "$root/.venv/bin/python" "$root/Benchmarks/feed/baseline_producer.py" "127.0.0.1:$port" "python$round.raw" "$corpus" \
        | sed "s/^/round $round: /"
done
