#!/usr/bin/env python3
"""Fit the difficulty scorer's weights from DifficultyFeatureDump output (numpy only).

    python3 scripts/difficulty/fit.py features.jsonl [--out-dir Sources/Augmentation]

Standardized features; a class-balanced, L2-regularized cumulative-logit (ordinal logistic) model over ordinal
targets: prose (web-cc, encyclopedia, FineWeb-Edu) -> none, GSM8K and MATH 1-2 -> basic, MATH 3-4 and
textbook-math -> intermediate, MATH 5 and forum-math -> advanced. Its first logit, P(level >= basic), is the
logistic score (reasoning vs prose); the other cut points become the level thresholds on that score, so the
thresholds are calibrated for MATH levels to map upward. Textbook-physics and code are not fitted on; their
scores are reported. A plain binary logistic regression (reasoning vs prose) is fitted for comparison.
Writes Resources/difficulty-weights.v1.json and DifficultyWeights+Fitted.swift, and prints AUC (maths vs prose)
and Spearman correlation with MATH level, in-sample and 5-fold cross-validated.
"""
import json
import sys

import numpy as np

FEATURES = [
    "digitFraction", "mathSymbolsPerThousand", "latexCommandsPerThousand", "equationsPerThousand",
    "codeMarkersPerThousand", "averageWordLength", "questionMarksPerThousand", "meanTokenLoss",
    "ratingExpectedLevel", "ratingLabelMass",
]
PROSE_DOMAINS = {"web-cc", "encyclopedia", "fineweb_edu_excerpts", "fineweb-edu"}
LEVEL_NAMES = ["none", "basic", "intermediate", "advanced"]
L2 = 1.0
FOLDS = 5


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


def fit_ordinal(x, targets, l2=L2, iterations=4000, rate=0.05):
    """Cumulative-logit model P(level >= k) = sigmoid(x.w - theta_k), k = 1..3, fitted by Adam on the
    class-balanced, L2-penalized negative log-likelihood. Returns (w, theta)."""
    n, d = x.shape
    counts = np.array([max((targets == c).sum(), 1) for c in range(4)])
    weight = (n / (4 * counts))[targets]
    params = np.concatenate([np.zeros(d), [-1.0, 0.0, 1.0]])
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
        for k in range(3):
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


def main():
    path = sys.argv[1]
    out_dir = sys.argv[sys.argv.index("--out-dir") + 1] if "--out-dir" in sys.argv else "Sources/Augmentation"
    records = [json.loads(line) for line in open(path) if line.strip()]
    x_all = np.array([[r["features"][f] for f in FEATURES] for r in records])
    groups = np.array([group(r) for r in records])
    targets = np.array([-1 if ordinal_target(r) is None else ordinal_target(r) for r in records])
    fit_mask = targets >= 0
    y = (targets >= 1).astype(float)
    means = x_all[fit_mask].mean(axis=0)
    stds = x_all[fit_mask].std(axis=0)
    stds[stds == 0] = 1.0
    z = (x_all - means) / stds

    # Committed: the ordinal model. Comparison: binary logistic, reasoning vs prose. Folds by id hash.
    fold = np.array([fnv1a(r["id"]) % FOLDS for r in records])
    cv_ordinal, cv_binary = np.zeros(len(records)), np.zeros(len(records))
    for k in range(FOLDS):
        train = fit_mask & (fold != k)
        w_k, theta_k = fit_ordinal(z[train], targets[train])
        cv_ordinal[fold == k] = z[fold == k] @ w_k - theta_k[0]
        wb, bb = fit_logistic(z[train], y[train])
        cv_binary[fold == k] = z[fold == k] @ wb + bb
    w, theta = fit_ordinal(z[fit_mask], targets[fit_mask])
    logit = z @ w - theta[0]
    score = sigmoid(logit)
    t = [0.5, float(sigmoid(theta[1] - theta[0])), float(sigmoid(theta[2] - theta[0]))]
    wb, bb = fit_logistic(z[fit_mask], y[fit_mask])
    binary_logit = z @ wb + bb

    auc_mask = (groups == "math") | (groups == "prose")
    math_mask = np.array([r.get("level") is not None for r in records])
    levels = np.array([r.get("level") or 0 for r in records])
    print(f"documents: {len(records)}; fitted on {fit_mask.sum()} with ordinal targets "
          + ", ".join(f"{n}={(targets == c).sum()}" for c, n in enumerate(LEVEL_NAMES)))
    for name in sorted(set(groups)):
        print(f"  {name}: {(groups == name).sum()}")
    for name, fitted, cv in [("ordinal (committed)", logit, cv_ordinal), ("binary logistic", binary_logit, cv_binary)]:
        print(f"{name}: AUC maths (GSM8K+MATH) vs prose (web-cc+encyclopedia+FineWeb) in-sample "
              f"{auc(fitted[auc_mask], y[auc_mask]):.4f}, {FOLDS}-fold CV {auc(cv[auc_mask], y[auc_mask]):.4f} "
              f"(n={auc_mask.sum()}); Spearman(score, MATH level) in-sample "
              f"{spearman(fitted[math_mask], levels[math_mask]):.4f}, "
              f"CV {spearman(cv[math_mask], levels[math_mask]):.4f} (n={math_mask.sum()})")
    for idx, name in enumerate(FEATURES):
        single = auc(x_all[auc_mask, idx], y[auc_mask])
        rho = spearman(x_all[math_mask, idx], levels[math_mask])
        print(f"  {name:26s} coef {w[idx]:+.3f}  mean {means[idx]:.4g}  std {stds[idx]:.4g}  "
              f"single-feature AUC {single:.3f}  Spearman/level {rho:+.3f}")
    print(f"intercept {-theta[0]:+.3f}; cut points {theta}; score thresholds {t}")
    predicted = (score >= t[0]).astype(int) + (score >= t[1]) + (score >= t[2])
    accuracy = np.mean([np.mean(predicted[targets == c] == c) for c in range(4) if (targets == c).any()])
    print(f"balanced ordinal accuracy (in-sample): {accuracy:.3f}")
    for name in sorted(set(groups)) + [f"MATH level {v}" for v in range(1, 6)]:
        mask = (groups == name) if not name.startswith("MATH") else (levels == int(name[-1]))
        if not mask.any():
            continue
        counts = [int((predicted[mask] == c).sum()) for c in range(4)]
        print(f"  {name:22s} mean score {score[mask].mean():.3f}  levels "
              + " ".join(f"{LEVEL_NAMES[c]}={counts[c]}" for c in range(4)))

    weights = {
        "version": 1, "generator": "SmolLM2-135M-Instruct.Q4_1", "scoringTokens": 128, "ratingPromptVersion": 1,
        "features": FEATURES, "means": [float(v) for v in means], "standardDeviations": [float(v) for v in stds],
        "coefficients": [float(v) for v in w], "intercept": float(-theta[0]), "levelThresholds": t,
    }
    text = json.dumps(weights, indent=2) + "\n"
    open(f"{out_dir}/Resources/difficulty-weights.v1.json", "w").write(text)
    open(f"{out_dir}/DifficultyWeights+Fitted.swift", "w").write(
        "// Generated by scripts/difficulty/fit.py from Resources/difficulty-weights.v1.json; do not edit.\n\n"
        "extension DifficultyWeights {\n    /// The committed weights file, verbatim.\n    static let fittedJSON = #\"\"\"\n"
        + text + "\"\"\"#\n}\n")


if __name__ == "__main__":
    main()
