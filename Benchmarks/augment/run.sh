#!/usr/bin/env bash
# The augment throughput benchmark: `thinkstream augment` (Kafka in and out, difficulty scoring, trajectories with
# their quality-gate retries, shards, transactions) against the bare engine generating the same documents' TPT
# prompts with the same sampling and budget (`InferenceMeasurement tpt-baseline`), alternating, same machine.
# Usage: Benchmarks/augment/run.sh [documents per source, default 4] [max thinking tokens, default 256] [rounds, 2]
# Reads a mixed slice of ../shared/data (GSM8K, MATH-500, web, FineWeb-Edu, code); starts its own broker.
set -euo pipefail
cd "$(dirname "$0")/../.."
per_source="${1:-4}"
budget="${2:-256}"
rounds="${3:-2}"
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"
bin=.build/release/thinkstream
measure=.build/release/InferenceMeasurement
[ -n "${SKIP_BUILD:-}" ] || swift build -c release --product thinkstream >/dev/null
[ -n "${SKIP_BUILD:-}" ] || swift build -c release --product InferenceMeasurement >/dev/null
work=$(mktemp -d)
port=19392
export THINKSTREAM_STATE_DIR="$work/state" THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$port" THINKSTREAM_KAFKA_PROFILE=embedded
trap '$bin broker stop --port $port >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
python3 - "$per_source" "$work/corpus.jsonl" <<'PY'
import json, sys
per, out = int(sys.argv[1]), sys.argv[2]
sources = ["gsm8k_test", "math500", "web_docs", "fineweb_edu_excerpts", "code_docs"]
with open(out, "w") as sink:
    for source in sources:
        taken = 0
        for line in open(f"../shared/data/{source}.jsonl"):
            record = json.loads(line)
            if len(record["text"]) > 6000:  # keep prompts comparable in length across sources
                continue
            sink.write(json.dumps({"id": record["id"], "text": record["text"]}) + "\n")
            taken += 1
            if taken == per:
                break
PY
documents=$(wc -l < "$work/corpus.jsonl")
$bin broker start --port "$port" >/dev/null
$bin feed --topic-prefix bench "$work/corpus.jsonl" >/dev/null 2>&1
echo "# $(date -u +%FT%TZ) $(nproc) cores; $documents documents, max thinking tokens $budget, SmolLM2-135M-Instruct Q4_1"
for round in $(seq 1 "$rounds"); do
    echo "## round $round (load $(cut -d' ' -f1 /proc/loadavg))"
    $bin augment --topic-prefix bench --group "bench-$round-$$" --transactional-id "bench-$round-$$" \
        --max-thinking-tokens "$budget" --stop-when-idle 5 2>/dev/null | sed 's/^/augment /'
    $measure tpt-baseline .deps/models/SmolLM2-135M-Instruct.Q4_1.gguf "$work/corpus.jsonl" "$budget"
done
