#!/usr/bin/env python3
"""Fit the difficulty scorer's weights (numpy only): the generator-independent structural weights, and per
generator the weights that add its model features (loss and rating).

    python3 scripts/difficulty/fit.py --structural structural.jsonl \
        [--model-features features.jsonl --generator NAME --sha256 HEX]... [--out-dir Sources/Augmentation]

Two stages on standardized features (see DifficultyWeights.swift):
- reasoning: class-balanced, L2-regularized logistic regression of reasoning documents (GSM8K, MATH, textbook-math,
  forum-math) against prose (web-cc, encyclopedia, FineWeb-Edu);
- depth: class-balanced cumulative-logit model over the reasoning documents only (GSM8K and MATH 1-2 basic,
  MATH 3-4 and textbook-math intermediate, MATH 5 and forum-math advanced); its logit is that of
  P(level >= intermediate), its second cut point gives the advanced threshold.
score = sigmoid(reasoning) below 0.5, else 0.5 + 0.5 sigmoid(depth); thresholds 0.5, 0.75, 0.5 + 0.5 sigmoid(theta2 -
theta1). Textbook-physics and code are not fitted on; their scores are reported.

Reports AUC maths (GSM8K + MATH) vs prose (web-cc + encyclopedia + FineWeb-Edu), Spearman(score, MATH level), the
mean score of web-cc and encyclopedia against the `none` threshold, each in-sample, 5-fold cross-validated (folds by
FNV-1a of the id) and split-half (fit on the even-hash half, report on the odd half). Writes
Resources/difficulty-weights/<generator>.json (structural.json for '*') and DifficultyWeights+Fitted.swift.
"""
import json
import os
import sys

import numpy as np

STRUCTURAL = [
    "digitFraction", "mathSymbolsPerThousand", "latexCommandsPerThousand", "equationsPerThousand",
    "codeMarkersPerThousand", "averageWordLength", "questionMarksPerThousand", "logNonWhitespaceCount",
    "logWordCount", "logMathSymbolCount", "logLatexCommandCount", "logEquationCount", "challengeKeywordCount",
]
MODEL = ["meanTokenLoss", "ratingExpectedLevel", "ratingLabelMass"]
# Counts grow with length: only the depth stage sees them. In the reasoning stage they would make every short
# text (a two-sentence paragraph) look like a maths problem, because the shared prose is long and the problems short.
LENGTH_DEPENDENT = {"logNonWhitespaceCount", "logWordCount", "logMathSymbolCount", "logLatexCommandCount",
                    "logEquationCount", "challengeKeywordCount"}
PROSE_DOMAINS = {"web-cc", "encyclopedia", "fineweb_edu_excerpts", "fineweb-edu"}
LEVEL_NAMES = ["none", "basic", "intermediate", "advanced"]
L2 = 1.0
FOLDS = 5
DEPTH_EXTRA = {}


def group(r):
    if r["label"] == "math":
        return "math"
    if r["domain"] in PROSE_DOMAINS or r["label"] == "prose":
        return "prose"
    return r["domain"]


def ordinal_target(r):
    if r["label"] == "math":
        level = r.get("level")
        if level is None:
            return 1
        return 1 if level <= 2 else 2 if level <= 4 else 3
    if r["domain"] == "forum-math":
        return 3
    if r["domain"] == "textbook-math":
        return 2
    if group(r) == "prose":
        return 0
    return None


def depth_target(r):
    """Depth among reasoning documents on MATH's 1-5 scale: GSM8K 1, MATH its level, textbook-math 3,
    forum-math 5; None for the rest."""
    if r["label"] == "math":
        return r.get("level") or 1
    return DEPTH_EXTRA.get(r["domain"])


def stratum(r):
    if r["label"] == "math":
        return f"math-{r.get('level') or 'gsm8k'}"
    return r["domain"]


def stratum_weights(records):
    """1 / (records in the stratum), scaled to mean 1: every stratum weighs the same in the fit."""
    names = [stratum(r) for r in records]
    counts = {n: names.count(n) for n in set(names)}
    w = np.array([1.0 / counts[n] for n in names])
    return w * len(w) / w.sum()


def fnv1a(text):
    h = 0xcbf29ce484222325
    for b in text.encode():
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def fit_logistic(x, y, l2=L2, iterations=50):
    """Newton's method on the class-balanced, L2-penalized log-likelihood. Returns (w, b)."""
    n, d = x.shape
    weight = np.where(y == 1, n / (2 * max(y.sum(), 1)), n / (2 * max((1 - y).sum(), 1)))
    a = np.hstack([x, np.ones((n, 1))])
    theta = np.zeros(d + 1)
    penalty = np.diag([l2] * d + [0.0])
    for _ in range(iterations):
        p = sigmoid(a @ theta)
        gradient = a.T @ (weight * (p - y)) + penalty @ theta
        hessian = (a * (weight * p * (1 - p))[:, None]).T @ a + penalty
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-10:
            break
    return theta[:d], theta[d]


def fit_ordinal(x, targets, l2=L2, iterations=3000, rate=0.05, classes=4, weight=None):
    """Cumulative-logit model P(level >= k) = sigmoid(x.w - theta_k), k = 1..classes-1, fitted by Adam on the
    L2-penalized negative log-likelihood, weighted per record (default: class-balanced). Returns (w, theta)."""
    n, d = x.shape
    cuts = classes - 1
    if weight is None:
        counts = np.array([max((targets == c).sum(), 1) for c in range(classes)])
        weight = (n / (classes * counts))[targets]
    params = np.concatenate([np.zeros(d), np.linspace(-1.0, 1.0, cuts)])
    m, v = np.zeros_like(params), np.zeros_like(params)
    for step in range(1, iterations + 1):
        w, theta = params[:d], np.sort(params[d:])
        eta = x @ w
        upper = np.concatenate([[-np.inf], theta, [np.inf]])
        a = sigmoid(eta - upper[targets])  # P(level >= y)
        c = sigmoid(eta - upper[targets + 1])  # P(level >= y + 1)
        p = np.maximum(a - c, 1e-12)
        da, dc = a * (1 - a), c * (1 - c)
        grad = np.zeros_like(params)
        grad[:d] = x.T @ (-weight * (da - dc) / p) + l2 * w
        for k in range(cuts):
            grad[d + k] = np.sum(weight * (da * (targets == k + 1) - dc * (targets == k)) / p)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        params -= rate * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return params[:d], np.sort(params[d:])


def ranks(v):
    """Average ranks (1-based), ties shared."""
    order = np.argsort(v, kind="mergesort")
    r = np.empty(len(v))
    sorted_v = v[order]
    i = 0
    while i < len(v):
        j = i
        while j + 1 < len(v) and sorted_v[j + 1] == sorted_v[i]:
            j += 1
        r[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return r


def auc(scores, y):
    r = ranks(np.asarray(scores, float))
    pos = y == 1
    n1, n0 = pos.sum(), (~pos).sum()
    return (r[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)


def spearman(a, b):
    return float(np.corrcoef(ranks(np.asarray(a, float)), ranks(np.asarray(b, float)))[0, 1])



class Scorer:
    """The two stages fitted on standardized features."""

    def __init__(self, x, targets, records, rcols):
        self.rcols = rcols
        fit = targets >= 0
        self.means = x[fit].mean(axis=0)
        self.stds = x[fit].std(axis=0)
        self.stds[self.stds == 0] = 1.0
        z = (x - self.means) / self.stds
        y = (targets >= 1).astype(float)
        self.wr, self.br = fit_logistic(z[fit][:, rcols], y[fit])
        depth = np.array([depth_target(r) or 0 for r in records])
        deep = fit & (depth >= 1)
        deep_records = [r for r, keep in zip(records, deep) if keep]
        self.wd, theta = fit_ordinal(z[deep], depth[deep] - 1, classes=5, weight=stratum_weights(deep_records))
        # Depth logit: P(level >= 3) (intermediate); advanced from P(level >= 5).
        self.bd = -theta[1]
        self.thresholds = [0.5, 0.75, float(0.5 + 0.5 * sigmoid(theta[3] - theta[1]))]

    def score(self, x):
        z = (x - self.means) / self.stds
        p = sigmoid(z[:, self.rcols] @ self.wr + self.br)
        return np.where(p < 0.5, p, 0.5 + 0.5 * sigmoid(z @ self.wd + self.bd))

    def levels(self, x):
        s = self.score(x)
        return sum((s >= t).astype(int) for t in self.thresholds)


def evaluate(name, records, scores, out):
    groups = np.array([group(r) for r in records])
    levels = np.array([r.get("level") or 0 for r in records])
    auc_mask = (groups == "math") | (groups == "prose")
    y = (groups == "math").astype(float)
    math_mask = levels > 0
    web = np.array([r["domain"] in ("web-cc", "encyclopedia") for r in records])
    result = {
        "auc": float(auc(scores[auc_mask], y[auc_mask])), "n_auc": int(auc_mask.sum()),
        "spearman": spearman(scores[math_mask], levels[math_mask]), "n_math": int(math_mask.sum()),
        "web_mean": float(scores[web].mean()) if web.any() else float("nan"), "n_web": int(web.sum()),
    }
    out[name] = result
    print(f"  {name:12s} AUC maths vs prose {result['auc']:.4f} (n={result['n_auc']}); Spearman(score, MATH level) "
          f"{result['spearman']:.4f} (n={result['n_math']}); web-cc + encyclopedia mean score {result['web_mean']:.3f} "
          f"(n={result['n_web']}, none threshold 0.5)")


def fit_one(records, features, generator, sha256, scoring_tokens, out_dir):
    x = np.array([[r["features"][f] for f in features] for r in records], float)
    rcols = [i for i, f in enumerate(features) if f not in LENGTH_DEPENDENT]
    targets = np.array([-1 if ordinal_target(r) is None else ordinal_target(r) for r in records])
    ids = [r["id"] for r in records]
    hashes = np.array([fnv1a(i) for i in ids], dtype=np.uint64)
    print(f"\n== {generator}: {len(records)} documents, features {', '.join(features)}")
    print("   ordinal targets " + ", ".join(f"{n}={(targets == c).sum()}" for c, n in enumerate(LEVEL_NAMES))
          + f", not fitted {(targets < 0).sum()}")
    figures = {}
    full = Scorer(x, targets, records, rcols)
    evaluate("in-sample", records, full.score(x), figures)
    fold = (hashes % FOLDS).astype(int)
    cv = np.zeros(len(records))
    for k in range(FOLDS):
        train = fold != k
        part = Scorer(x[train], targets[train], [r for r, t in zip(records, train) if t], rcols)
        cv[fold == k] = part.score(x[fold == k])
    evaluate(f"{FOLDS}-fold CV", records, cv, figures)
    half = ((hashes >> np.uint64(7)) % np.uint64(2)).astype(int)
    first = Scorer(x[half == 0], targets[half == 0], [r for r, h in zip(records, half) if h == 0], rcols)
    held = [r for r, h in zip(records, half) if h == 1]
    evaluate("split-half", held, first.score(x[half == 1]), figures)
    predicted = full.levels(x)
    groups = np.array([group(r) for r in records])
    levels = np.array([r.get("level") or 0 for r in records])
    print("   levels assigned (in-sample):")
    names = sorted(set(groups)) + [f"MATH level {v}" for v in range(1, 6)]
    for name in names:
        mask = (groups == name) if not name.startswith("MATH") else (levels == int(name[-1]))
        if not mask.any():
            continue
        counts = [int((predicted[mask] == c).sum()) for c in range(4)]
        print(f"     {name:22s} n={mask.sum():5d} mean score {full.score(x)[mask].mean():.3f}  "
              + " ".join(f"{LEVEL_NAMES[c]}={counts[c]}" for c in range(4)))

    def linear(w, b, cols):
        return {"features": [features[i] for i in cols], "means": [float(full.means[i]) for i in cols],
                "standardDeviations": [float(full.stds[i]) for i in cols], "coefficients": [float(v) for v in w],
                "intercept": float(b)}

    weights = {"version": 2, "generator": generator}
    if sha256:
        weights["generatorSHA256"] = sha256
    weights.update({"scoringTokens": scoring_tokens, "ratingPromptVersion": 1,
                    "reasoning": linear(full.wr, full.br, rcols), "depth": linear(full.wd, full.bd, range(len(features))),
                    "levelThresholds": full.thresholds})
    name = "structural" if generator == "*" else generator
    os.makedirs(f"{out_dir}/Resources/difficulty-weights", exist_ok=True)
    with open(f"{out_dir}/Resources/difficulty-weights/{name}.json", "w") as sink:
        sink.write(json.dumps(weights, indent=2) + "\n")
    return figures


def write_swift(out_dir):
    folder = f"{out_dir}/Resources/difficulty-weights"
    texts = [open(f"{folder}/{f}").read() for f in sorted(os.listdir(folder)) if f.endswith(".json")]
    with open(f"{out_dir}/DifficultyWeights+Fitted.swift", "w") as sink:
        sink.write("// Generated by scripts/difficulty/fit.py from Resources/difficulty-weights/*.json; do not edit.\n\n"
                   "extension DifficultyWeights {\n    /// The committed weights files, verbatim.\n"
                   "    static let fittedJSON: [String] = [\n")
        for text in texts:
            sink.write('        #"""\n' + text + '"""#,\n')
        sink.write("    ]\n}\n")


def main():
    args = sys.argv[1:]
    out_dir = args[args.index("--out-dir") + 1] if "--out-dir" in args else "Sources/Augmentation"
    structural = [json.loads(line) for line in open(args[args.index("--structural") + 1]) if line.strip()]
    by_id = {r["id"]: r for r in structural}
    summary = {"*": fit_one(structural, STRUCTURAL, "*", None, 0, out_dir)}
    positions = [i for i, a in enumerate(args) if a == "--model-features"]
    for i in positions:
        path, generator = args[i + 1], args[args.index("--generator", i) + 1]
        sha256 = args[args.index("--sha256", i) + 1]
        records = []
        for line in open(path):
            if not line.strip():
                continue
            r = json.loads(line)
            merged = dict(by_id[r["id"]])
            merged["features"] = {**by_id[r["id"]]["features"], **{m: r["features"][m] for m in MODEL}}
            records.append(merged)
        summary[generator] = fit_one(records, STRUCTURAL + MODEL, generator, sha256, 128, out_dir)
    write_swift(out_dir)
    print("\n" + json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
