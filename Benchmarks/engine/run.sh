#!/usr/bin/env bash
# The engine benchmark: ThinkStream's InferenceMeasurement and llama.cpp (through llama-cpp-python) side by side,
# alternating, on the same GGUF with 2 threads. Usage: Benchmarks/engine/run.sh [rounds] [model.gguf ...]
# llama-cpp-python builds llama.cpp from source, so it lives in its own virtual environment
# (.venv-bench, created on first use; never needed by `make test`).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-2}"
shift || true
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(.deps/models/SmolLM2-135M-Instruct.Q4_1.gguf)
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"
if [ ! -x .venv-bench/bin/python ] || ! .venv-bench/bin/python -c "import llama_cpp" 2>/dev/null; then
    python3 -m venv .venv-bench
    .venv-bench/bin/pip install --quiet numpy llama-cpp-python
fi
[ -n "${SKIP_BUILD:-}" ] || swift build -c release --product InferenceMeasurement >/dev/null
echo "# $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
    "OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE, llama-cpp-python $(.venv-bench/bin/python -c 'import llama_cpp; print(llama_cpp.__version__)')"
for model in "${models[@]}"; do
    for round in $(seq 1 "$rounds"); do
        echo "## $(basename "$model") round $round (load $(cut -d' ' -f1 /proc/loadavg))"
        .build/release/InferenceMeasurement speed "$model" | sed 's/^/thinkstream /'
        .venv-bench/bin/python Benchmarks/engine/llama_cpp_baseline.py "$model" 2 2>/dev/null
    done
done
