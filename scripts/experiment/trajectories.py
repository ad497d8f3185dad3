#!/usr/bin/env python3
"""What the A/B's saved shards hold: per up-sampling mode, the samples, documents, thinking lengths, how trajectories
ended, and how often a GSM8K trajectory states the document's own final answer.

Reads OUT_DIR/shards/<mode>/*.shard (saved by `thinkstream shards export`; each file is one zstd frame of the
manifest line and one JSON sample per line) with the `zstd` command, and prints a markdown table, also written to
OUT_DIR/trajectories.md. Token counts are the generator's (thinking) and the shard's (document) tokens.
Usage: trajectories.py OUT_DIR
"""
import glob
import json
import os
import re
import subprocess
import sys

GSM8K_ANSWER = re.compile(r"####\s*([-0-9.,]+)\s*$")
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def samples(folder):
    for path in sorted(glob.glob(os.path.join(folder, "*.shard"))):
        lines = subprocess.run(["zstd", "-dcq", path], check=True, capture_output=True).stdout.decode().splitlines()
        for line in lines[1:]:
            if line:
                yield json.loads(line)


def number(text):
    try:
        return float(text.replace(",", "").rstrip("."))
    except ValueError:
        return None


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0


def summarize(mode, records):
    documents = {}
    thinking, document_tokens, natural_end, cap_hits, attempts = [], [], 0, 0, []
    gsm8k_total = gsm8k_stated = 0
    for record in records:
        text = record["text"]
        doc_span, think_span = record["document_span"], record["thinking_span"]
        document = text.encode()[doc_span["byte_start"]:doc_span["byte_end"]].decode(errors="replace")
        trajectory = text.encode()[think_span["byte_start"]:think_span["byte_end"]].decode(errors="replace")
        documents.setdefault(record["document_id"], record["level"])
        thinking.append(record["thinking_token_count"])
        document_tokens.append(doc_span["token_end"] - doc_span["token_start"])
        natural_end += record["finish_reason"] != "length"
        cap_hits += bool(record.get("cap_hit"))
        attempts.append(record.get("attempts", 1))
        if record["document_id"].startswith("gsm8k") and (match := GSM8K_ANSWER.search(document.strip())):
            reference = number(match.group(1))
            gsm8k_total += 1
            gsm8k_stated += reference is not None and any(number(n) == reference for n in NUMBER.findall(trajectory))
    count = len(thinking)
    levels = {}
    for level in documents.values():
        levels[level] = levels.get(level, 0) + 1
    return {
        "mode": mode, "samples": count, "documents": len(documents),
        "levels": " ".join(f"{k} {levels[k]}" for k in sorted(levels)),
        "thinking_mean": sum(thinking) / count if count else 0, "thinking_p95": percentile(thinking, 0.95),
        "thinking_total": sum(thinking), "document_total": sum(document_tokens),
        "natural_end": natural_end / count if count else 0, "cap_hit": cap_hits / count if count else 0,
        "attempts_mean": sum(attempts) / count if count else 0,
        "gsm8k_answer_stated": f"{gsm8k_stated}/{gsm8k_total}",
    }


def main():
    out = sys.argv[1]
    rows = []
    for mode in ("natural", "tiered"):
        folder = os.path.join(out, "shards", mode)
        if os.path.isdir(folder):
            rows.append(summarize(mode, samples(folder)))
    lines = [
        "| mode | documents (by level) | samples | thinking tokens mean / p95 / total | document tokens (all samples) "
        "| ended naturally | kept at the cap | attempts per sample | GSM8K trajectories stating the answer |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['mode']} | {row['documents']} ({row['levels']}) | {row['samples']} "
            f"| {row['thinking_mean']:.0f} / {row['thinking_p95']} / {row['thinking_total']} | {row['document_total']} "
            f"| {row['natural_end']:.0%} | {row['cap_hit']:.0%} | {row['attempts_mean']:.2f} "
            f"| {row['gsm8k_answer_stated']} |")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    with open(os.path.join(out, "trajectories.md"), "w", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    main()
