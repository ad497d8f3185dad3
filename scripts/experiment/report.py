#!/usr/bin/env python3
"""Turns the train logs of scripts/experiment/run.sh into curves.json, a plot and a markdown table.

Reads OUT_DIR/config.json (written by run.sh) and OUT_DIR/logs/<arm>-seed<k>.out (train's stdout), where train printed
`eval step N maths loss X ppl … general loss Y ppl …` every --eval-every steps and one summary line at the end.
Trained tokens at step N are N × micro-batch × context × gradient accumulation: every arm trains full rows (the runs
end at --max-steps, never on a padded step), so equal steps are equal trained tokens.

Writes OUT_DIR/curves.json ({"config", "arms": {arm: {seed: [{step, trained_tokens, maths_loss, general_loss}]}},
"summaries"}), OUT_DIR/curves.png (held-out maths loss and general loss vs trained tokens; thin lines are seeds, thick
lines their mean) and prints the markdown table of final losses to stdout.
Usage: report.py OUT_DIR
"""
import json
import re
import sys

EVAL = re.compile(r"^eval step (\d+)(?: maths loss ([0-9.]+) ppl [0-9.]+ \(\d+ docs, \d+ tokens\))?"
                  r"(?: general loss ([0-9.]+) ppl [0-9.]+ \(\d+ docs, \d+ tokens\))?")
SUMMARY = re.compile(r"^trained steps (\d+)\.\.(\d+) \((\w+)\), loss ([0-9.]+), tokens (\d+), samples (\d+), "
                     r"duplicates (\d+), dead-lettered (\d+), seconds ([0-9.]+).*?(?:, epoch (\d+)/(\d+))?(?:, by level|$)")


def parse(path, tokens_per_step):
    points, summary = [], None
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if match := EVAL.match(line):
                step = int(match.group(1))
                points.append({"step": step, "trained_tokens": step * tokens_per_step,
                               "maths_loss": float(match.group(2)) if match.group(2) else None,
                               "general_loss": float(match.group(3)) if match.group(3) else None})
            elif match := SUMMARY.match(line):
                summary = {"last_step": int(match.group(2)), "stop_reason": match.group(3),
                           "train_loss": float(match.group(4)), "tokens_trained": int(match.group(5)),
                           "samples_trained": int(match.group(6)), "duplicates": int(match.group(7)),
                           "dead_lettered": int(match.group(8)), "seconds": float(match.group(9)),
                           "epoch": int(match.group(10)) if match.group(10) else 1}
    return points, summary


def mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def plot(arms, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    colors = {"vanilla": "tab:gray", "tpt-natural": "tab:blue", "tpt-tiered": "tab:orange"}
    for axis, key, title in ((axes[0], "maths_loss", "held-out maths loss (GSM8K test)"),
                             (axes[1], "general_loss", "held-out general loss (FineWeb-Edu)")):
        for arm, seeds in arms.items():
            color = colors.get(arm)
            for points in seeds.values():
                axis.plot([p["trained_tokens"] for p in points], [p[key] for p in points], color=color, alpha=0.35,
                          linewidth=0.8)
            steps = sorted(set.intersection(*(set(p["step"] for p in points) for points in seeds.values())))
            by_step = {s: [p[key] for points in seeds.values() for p in points if p["step"] == s] for s in steps}
            tokens = {p["step"]: p["trained_tokens"] for points in seeds.values() for p in points}
            axis.plot([tokens[s] for s in steps], [mean(by_step[s]) for s in steps], color=color, linewidth=2,
                      label=f"{arm} (mean of {len(seeds)} seed{'s' if len(seeds) > 1 else ''})")
        axis.set_xlabel("trained tokens")
        axis.set_ylabel("loss (nats/token)")
        axis.set_title(title)
        axis.grid(alpha=0.3)
        axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)


def fmt(value):
    return "—" if value is None else f"{value:.4f}"


def main():
    out = sys.argv[1]
    with open(f"{out}/config.json", encoding="utf-8") as handle:
        config = json.load(handle)
    tokens_per_step = config["micro_batch"] * config["context"] * config["gradient_accumulation"]
    arms, summaries = {}, {}
    for arm in config["arms"]:
        for seed in config["seeds"]:
            points, summary = parse(f"{out}/logs/{arm}-seed{seed}.out", tokens_per_step)
            arms.setdefault(arm, {})[str(seed)] = points
            summaries.setdefault(arm, {})[str(seed)] = summary
    with open(f"{out}/curves.json", "w", encoding="utf-8") as handle:
        json.dump({"config": config, "arms": arms, "summaries": summaries}, handle, indent=1)
    plot(arms, f"{out}/curves.png")

    print(f"TPT data-constrained A/B: trainer {config['trainer']}, {config['max_steps']} steps × {tokens_per_step} "
          f"tokens (context {config['context']}, micro-batch {config['micro_batch']}), generator "
          f"{config['generator_name']}, ≤ {config['max_thinking_tokens']} thinking tokens; held-out losses at the "
          f"last step (nats/token).\n")
    print("| arm | seed | steps | trained tokens | epochs | train loss | maths loss | general loss |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for arm, seeds in arms.items():
        finals = []
        for seed, points in seeds.items():
            summary = summaries[arm][seed] or {}
            final = points[-1] if points else {"step": None, "trained_tokens": None, "maths_loss": None,
                                               "general_loss": None}
            finals.append(final)
            print(f"| {arm} | {seed} | {summary.get('last_step', '—')} | {summary.get('tokens_trained', '—')} | "
                  f"{summary.get('epoch', '—')} | {fmt(summary.get('train_loss'))} | {fmt(final['maths_loss'])} | "
                  f"{fmt(final['general_loss'])} |")
        if len(seeds) > 1:
            print(f"| **{arm}** | mean | | | | | **{fmt(mean(f['maths_loss'] for f in finals))}** | "
                  f"**{fmt(mean(f['general_loss'] for f in finals))}** |")
    print(f"\ncurves: {out}/curves.json, plot: {out}/curves.png")


if __name__ == "__main__":
    main()
