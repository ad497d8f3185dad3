#!/usr/bin/env python3
"""Tabulates GeneratorBakeoff runs (one JSONL file per model and configuration) as the BENCHMARKS.md tables.

    python3 Benchmarks/generators/summarize.py .build/bench-generators/*.jsonl

Rates are shares of the sample's trajectories: natural end (the model closed `</think>` or ended its turn), cap hit
(stopped at the budget), loop (> 30 % repeated word 4-grams), copy (> 60 % of word 8-grams from the document), too
short (< 32 tokens), accepted (passes every gate). Answer recovery: the share of GSM8K and MATH trajectories that
state the reference answer as a result (reached) and whose final stated answer is it (final). Kept thinking tokens
are the tokens of accepted trajectories; generated / kept is what one attempt per trajectory wastes; kept tokens per
CPU-second divides them by the process CPU time of the whole batch (prefill and decode, 2 threads).
"""
import json
import math
import sys
from collections import defaultdict

LEVELS = ["none", "basic", "intermediate", "advanced"]


def p95(values):
    if not values:
        return 0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def pct(part, whole):
    return f"{100 * part / whole:.0f} %" if whole else "–"


def main(paths):
    runs = {}
    trajectories = defaultdict(list)
    for path in paths:
        for line in open(path):
            record = json.loads(line)
            key = (record["model"], record["label"])
            if record.get("run"):
                runs[key] = record
            else:
                trajectories[key].append(record)
    keys = sorted(trajectories, key=lambda k: (runs.get(k, {}).get("cpuSeconds", 0), k))
    print("| generator | prompt / sampling | n | natural end | cap hit | loop | copy | too short | accepted "
          "| answer reached (GSM8K / MATH) | final answer right | generated ÷ kept tokens | CPU s "
          "| kept thinking tokens / CPU s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for key in keys:
        rows = trajectories[key]
        run = runs.get(key, {})
        n = len(rows)
        count = lambda field: sum(1 for r in rows if r[field])
        graded = [r for r in rows if r.get("answerReached") is not None]
        gsm = [r for r in graded if r["stratum"] == "gsm8k"]
        maths = [r for r in graded if r["stratum"].startswith("math-L")]
        generated = sum(r["generatedTokens"] for r in rows)
        kept = sum(r["generatedTokens"] for r in rows if r["accepted"])
        cpu = run.get("cpuSeconds", float("nan"))
        waste = f"{generated / kept:.2f}" if kept else "∞"
        print(f"| {key[0]} | {key[1]} | {n} | {pct(count('naturalEnd'), n)} | {pct(count('capHit'), n)} "
              f"| {pct(count('loop'), n)} | {pct(count('copy'), n)} | {pct(count('tooShort'), n)} "
              f"| {pct(count('accepted'), n)} "
              f"| {pct(sum(r['answerReached'] for r in graded), len(graded))} "
              f"({sum(r['answerReached'] for r in gsm)}/{len(gsm)} / {sum(r['answerReached'] for r in maths)}/{len(maths)}) "
              f"| {pct(sum(r['answerFinalCorrect'] for r in graded), len(graded))} "
              f"| {waste} | {cpu:.0f} | {kept / cpu:.1f} |")
    print()
    print("Thinking tokens by reference level (mean / p95), budget "
          + str(next(iter(runs.values()), {}).get("budget", "?")) + ":")
    print()
    print("| generator | prompt / sampling | " + " | ".join(LEVELS) + " |")
    print("|---|---|" + "---:|" * len(LEVELS))
    for key in keys:
        cells = []
        for level in LEVELS:
            values = [r["generatedTokens"] for r in trajectories[key] if r["level"] == level]
            cells.append(f"{sum(values) / len(values):.0f} / {p95(values)}" if values else "–")
        print(f"| {key[0]} | {key[1]} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
