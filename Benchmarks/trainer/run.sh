#!/usr/bin/env bash
# Side-by-side training throughput: Swift (TrainerBenchmark) vs PyTorch CPU (pytorch_baseline.py), same shapes,
# same thread count, run alternately in one invocation so machine load hits both alike. Prints a table with the
# Swift/PyTorch tokens/s ratio and each process's max RSS from /usr/bin/time -v.
# Usage: Benchmarks/trainer/run.sh            (PYTHON=.venv/bin/python, the torch that make deps installs; THREADS=2, ROUNDS=1)
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-.venv/bin/python}
make --no-print-directory .deps/torch.stamp >/dev/null
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-1}
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-Haswell}
# PyTorch's OpenMP pool spin-waits by default, which collapses when other processes share the 2 cores; PASSIVE was
# 2-3x faster for it on the loaded machine, so the baseline gets it (TORCH_OMP_WAIT_POLICY=ACTIVE to compare).
TORCH_OMP_WAIT_POLICY=${TORCH_OMP_WAIT_POLICY:-PASSIVE}
swift build -c release --product TrainerBenchmark >/dev/null
SWIFT_BIN=.build/release/TrainerBenchmark
# config B T steps-swift steps-pytorch
SHAPES=("tiny 8 64 200 200" "smol 1 256 4 4" "smol 4 256 2 2")
LOG=$(mktemp)
run() {  # impl command...
    local impl=$1; shift
    local out
    out=$(/usr/bin/time -v "$@" 2>&1)
    local line rss
    line=$(grep '^RESULT' <<<"$out")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' <<<"$out")
    echo "$line max_rss_kib=$rss" | tee -a "$LOG" >&2
}
for _ in $(seq "$ROUNDS"); do
    for shape in "${SHAPES[@]}"; do
        read -r name B T swiftSteps torchSteps <<<"$shape"
        run swift "$SWIFT_BIN" "$name" "$B" "$T" "$swiftSteps" "$THREADS"
        run pytorch env OMP_WAIT_POLICY="$TORCH_OMP_WAIT_POLICY" "$PYTHON" -W ignore Benchmarks/trainer/pytorch_baseline.py "$name" "$B" "$T" "$torchSteps" "$THREADS"
    done
done
python3 - "$LOG" <<'PY'
import sys, collections
rows = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(sys.argv[1]):
    f = dict(kv.split("=", 1) for kv in line.split()[1:])
    rows[(f["config"], f["B"], f["T"])][f["impl"]].append((float(f["tokens_per_s"]), int(f["max_rss_kib"]) / 1024))
print(f"{'config':6} {'B':>2} {'T':>4} | {'swift tok/s':>11} {'torch tok/s':>11} {'ratio':>6} | {'swift RSS MiB':>13} {'torch RSS MiB':>13}")
for (name, B, T), impls in rows.items():
    s, p = impls["swift"], impls["pytorch"]
    st, pt = max(x[0] for x in s), max(x[0] for x in p)  # best of ROUNDS
    print(f"{name:6} {B:>2} {T:>4} | {st:11.1f} {pt:11.1f} {st / pt:6.2f} | {max(x[1] for x in s):13.0f} {max(x[1] for x in p):13.0f}")
PY
rm -f "$LOG"
