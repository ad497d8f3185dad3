#!/usr/bin/env python3
"""Compares two runs of scripts/experiment/run.sh that differ in one setting (e.g. TRAIN_ARGS="--shuffle-buffer 64").

Reads BASE_DIR/curves.json and VARIANT_DIR/curves.json (written by report.py), keeps the arms and seeds both have,
prints a markdown table of the final held-out losses (per seed, their mean, and variant − base), a second table of the
maths loss by trained tokens (means of seeds, every SAMPLE_EVERY-th evaluation), and writes PLOT_PATH: held-out maths
and general loss vs trained tokens, base dashed, variant solid, one colour per arm (means of the common seeds).
Usage: compare.py BASE_DIR VARIANT_DIR PLOT_PATH [BASE_LABEL VARIANT_LABEL] [SAMPLE_EVERY]
"""
import json
import sys

COLORS = {"vanilla": "tab:gray", "tpt-natural": "tab:blue", "tpt-tiered": "tab:orange"}


def load(directory):
    with open(f"{directory}/curves.json", encoding="utf-8") as handle:
        return json.load(handle)["arms"]


def common(base, variant):
    """{arm: [seed, ...]} present in both runs, in the base's arm order."""
    shared = {}
    for arm, seeds in base.items():
        both = [seed for seed in seeds if seed in variant.get(arm, {})]
        if both:
            shared[arm] = sorted(both, key=int)
    return shared


def mean_curve(seeds, runs, key):
    """[(trained_tokens, mean of key)] over the steps every seed evaluated."""
    by_step = [{p["step"]: p for p in runs[seed]} for seed in seeds]
    steps = sorted(set.intersection(*(set(points) for points in by_step)))
    return [(by_step[0][step]["trained_tokens"], step,
             sum(points[step][key] for points in by_step) / len(by_step)) for step in steps]


def final(runs, seed, key):
    return runs[seed][-1][key]


def main(argv):
    if len(argv) not in (4, 6, 7):
        sys.exit(__doc__)
    base_dir, variant_dir, plot_path = argv[1:4]
    base_label, variant_label = (argv[4], argv[5]) if len(argv) >= 6 else ("base", "variant")
    sample_every = int(argv[6]) if len(argv) == 7 else 4
    base, variant = load(base_dir), load(variant_dir)
    shared = common(base, variant)
    if not shared:
        sys.exit(f"error: {base_dir} and {variant_dir} have no arm and seed in common")

    print(f"| arm | seed | {base_label} maths | {variant_label} maths | Δ maths | {base_label} general | "
          f"{variant_label} general | Δ general |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for arm, seeds in shared.items():
        rows = []
        for seed in seeds:
            values = [final(base[arm], seed, "maths_loss"), final(variant[arm], seed, "maths_loss"),
                      final(base[arm], seed, "general_loss"), final(variant[arm], seed, "general_loss")]
            rows.append(values)
            print(f"| {arm} | {seed} | {values[0]:.4f} | {values[1]:.4f} | {values[1] - values[0]:+.4f} | "
                  f"{values[2]:.4f} | {values[3]:.4f} | {values[3] - values[2]:+.4f} |")
        means = [sum(row[i] for row in rows) / len(rows) for i in range(4)]
        print(f"| **{arm}** | mean | **{means[0]:.4f}** | **{means[1]:.4f}** | **{means[1] - means[0]:+.4f}** | "
              f"**{means[2]:.4f}** | **{means[3]:.4f}** | **{means[3] - means[2]:+.4f}** |")

    print()
    arms = list(shared)
    curves = {arm: (mean_curve(shared[arm], base[arm], "maths_loss"),
                    mean_curve(shared[arm], variant[arm], "maths_loss")) for arm in arms}
    print("| trained tokens | step | " + " | ".join(f"{arm} {base_label} / {variant_label}" for arm in arms) + " |")
    print("|---:|---:|" + "---:|" * len(arms))
    steps = [point[1] for point in curves[arms[0]][0]]
    for index, step in enumerate(steps):
        if (index + 1) % sample_every and index != len(steps) - 1:
            continue
        cells = []
        for arm in arms:
            base_points = {p[1]: p[2] for p in curves[arm][0]}
            variant_points = {p[1]: p[2] for p in curves[arm][1]}
            cells.append(f"{base_points.get(step, float('nan')):.3f} / {variant_points.get(step, float('nan')):.3f}")
        print(f"| {curves[arms[0]][0][index][0]:,} | {step} | " + " | ".join(cells) + " |")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    for axis, key, title in ((axes[0], "maths_loss", "held-out maths loss (GSM8K test)"),
                             (axes[1], "general_loss", "held-out general loss (FineWeb-Edu)")):
        for arm in arms:
            for runs, style, label in ((base, "--", base_label), (variant, "-", variant_label)):
                curve = mean_curve(shared[arm], runs[arm], key)
                axis.plot([p[0] for p in curve], [p[2] for p in curve], linestyle=style, color=COLORS.get(arm),
                          label=f"{arm} {label}")
        axis.set_title(title)
        axis.set_xlabel("trained tokens")
        axis.set_ylabel("nats per token")
        axis.grid(alpha=0.3)
    lows = [min(p[2] for p in mean_curve(shared[arm], runs[arm], "maths_loss")) for arm in arms for runs in (base, variant)]
    axes[0].set_ylim(min(lows) - 0.05, min(lows) + 0.8)
    axes[1].set_ylim(min(lows) + 0.1, min(lows) + 1.0)
    axes[0].legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(plot_path, dpi=110)


if __name__ == "__main__":
    main(sys.argv)
