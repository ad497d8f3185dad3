#!/usr/bin/env python3
"""Checks what scripts/experiment/run.sh left in OUT_DIR: every arm of config.json trained every seed to the same
number of tokens, each run's held-out losses are finite at every evaluation, and the curves, plot, table, checkpoints
and saved shards exist. Exits 1 naming each problem; `make test` runs it on a MICRO=1 run from scratch.
Usage: check_outputs.py OUT_DIR
"""
import json
import math
import os
import sys


def main():
    out = sys.argv[1]
    problems = []
    config = json.load(open(f"{out}/config.json", encoding="utf-8"))
    curves = json.load(open(f"{out}/curves.json", encoding="utf-8"))
    arms, seeds = config["arms"], [str(seed) for seed in config["seeds"]]
    if sorted(curves["arms"]) != sorted(arms):
        problems.append(f"curves.json arms {sorted(curves['arms'])}, config.json {sorted(arms)}")
    final_tokens = set()
    for arm in arms:
        for seed in seeds:
            points = curves["arms"].get(arm, {}).get(seed, [])
            if len(points) < 2:
                problems.append(f"{arm} seed {seed}: {len(points)} evaluations (expected every {config['eval_every']} steps)")
                continue
            for point in points:
                for key in ("maths_loss", "general_loss"):
                    value = point.get(key)
                    if value is None or not math.isfinite(value) or value <= 0:
                        problems.append(f"{arm} seed {seed} step {point['step']}: {key} {value}")
            final_tokens.add(points[-1]["trained_tokens"])
            if points[-1]["step"] != config["max_steps"]:
                problems.append(f"{arm} seed {seed}: last evaluation at step {points[-1]['step']}, not {config['max_steps']}")
            checkpoints = f"{out}/checkpoints/{arm}-seed{seed}"
            if not os.path.isdir(checkpoints) or not any(name.endswith(".tsck") for name in os.listdir(checkpoints)):
                problems.append(f"{arm} seed {seed}: no final checkpoint in {checkpoints}")
    if len(final_tokens) > 1:
        problems.append(f"the arms trained different token counts: {sorted(final_tokens)}")
    modes = {"vanilla": "natural", "tpt-natural": "natural", "tpt-tiered": "tiered"}
    for mode in sorted({modes[arm] for arm in arms}):
        if not os.path.isfile(f"{out}/shards/{mode}/manifest.json"):
            problems.append(f"no saved {mode} shards in {out}/shards/{mode}")
    for name in ("curves.png", "table.md", "trajectories.md"):
        if not os.path.isfile(f"{out}/{name}") or os.path.getsize(f"{out}/{name}") == 0:
            problems.append(f"{out}/{name} is missing or empty")
    table = open(f"{out}/table.md", encoding="utf-8").read() if os.path.isfile(f"{out}/table.md") else ""
    for arm in arms:
        if f"| {arm} |" not in table and f"| **{arm}** |" not in table:
            problems.append(f"table.md has no row for {arm}")
    for problem in problems:
        print(f"experiment check: {problem}", file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"experiment check: {len(arms)} arms × {len(seeds)} seeds, {final_tokens.pop()} trained tokens each, outputs complete")


if __name__ == "__main__":
    main()
