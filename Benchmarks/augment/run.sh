#!/usr/bin/env bash
# The augment throughput benchmark, three arms alternating on the same machine and the same documents:
#   sharing on   `thinkstream augment` as shipped: Kafka in and out, difficulty scoring, the tiered plan's
#                trajectories with their quality-gate retries, shards, transactions; a document's trajectories copy
#                the KV cache of its shared prompt prefix;
#   sharing off  the same with --no-prompt-prefix-sharing (every trajectory prefills its whole prompt);
#   bare engine  `InferenceMeasurement tpt-baseline`: the same requests augment plans for each document (the plan
#                from `thinkstream score --json`, the same prompts, sampling, seeds and budgets), all at once.
# Usage: Benchmarks/augment/run.sh [documents per source, 2] [max thinking tokens, 256] [rounds, 1] [model GGUF]
# COMPARE_BIN=path/to/thinkstream adds a fourth arm: augment from another build (an older commit), sharing on.
# The model defaults to augment's default generator; reads a mixed slice of ../shared/data (GSM8K, MATH-500, web,
# FineWeb-Edu, code); starts its own broker.
set -euo pipefail
cd "$(dirname "$0")/../.."
per_source="${1:-2}"
budget="${2:-256}"
rounds="${3:-1}"
model="${4:-.deps/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf}"
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
            if len(record["text"]) > 3000:  # keep prompts comparable in length across sources
                continue
            sink.write(json.dumps({"id": record["id"], "text": record["text"]}) + "\n")
            taken += 1
            if taken == per:
                break
PY
documents=$(wc -l < "$work/corpus.jsonl")
echo "# $(date -u +%FT%TZ) $(nproc) cores; $documents documents, max thinking tokens $budget, $(basename "$model")"
# augment's plan for each document, for the bare engine's requests.
$bin score --model "$model" --max-thinking-tokens "$budget" --json --no-probe "$work/corpus.jsonl" 2>/dev/null \
    > "$work/plan.jsonl"
python3 - "$work/corpus.jsonl" "$work/plan.jsonl" "$work/planned.jsonl" <<'PY'
import json, sys
plans = {}
for line in open(sys.argv[2]):
    row = json.loads(line)
    if "id" in row and "trajectories" in row:
        plans[row["id"]] = row
levels, trajectories = {}, 0
with open(sys.argv[3], "w") as sink:
    for line in open(sys.argv[1]):
        record = json.loads(line)
        plan = plans[record["id"]]
        record.update(trajectories=plan["trajectories"], maxThinkingTokens=plan["maxThinkingTokens"])
        levels[plan["level"]] = levels.get(plan["level"], 0) + 1
        trajectories += plan["trajectories"]
        sink.write(json.dumps(record) + "\n")
print(f"# plan: {trajectories} trajectories; levels {levels}")
PY
$bin broker start --port "$port" >/dev/null
$bin feed --topic-prefix bench "$work/corpus.jsonl" >/dev/null 2>&1
arm() {  # $1 label, $2 round, then augment flags; ARM_BIN overrides the binary
    local label=$1 round=$2
    shift 2
    echo "## round $round, $label (load $(cut -d' ' -f1 /proc/loadavg))"
    "${ARM_BIN:-$bin}" augment --model "$model" --topic-prefix bench --group "bench-$label-$round-$$" \
        --transactional-id "bench-$label-$round-$$" --max-thinking-tokens "$budget" --stop-when-idle 5 "$@" 2>/dev/null \
        | grep -E "throughput|prompt tokens|^augment|samples" | sed "s/^/$label: /"
}
for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) -eq 1 ]; then
        arm sharing-on "$round"
        arm sharing-off "$round" --no-prompt-prefix-sharing
    else
        arm sharing-off "$round" --no-prompt-prefix-sharing
        arm sharing-on "$round"
    fi
    if [ -n "${COMPARE_BIN:-}" ]; then ARM_BIN="$COMPARE_BIN" arm compared "$round"; fi
    echo "## round $round, bare engine (load $(cut -d' ' -f1 /proc/loadavg))"
    $measure tpt-baseline "$model" "$work/planned.jsonl" "$budget"
done
