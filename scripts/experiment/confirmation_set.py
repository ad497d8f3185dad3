#!/usr/bin/env python3
"""A second held-out file for the A/B, disjoint from the training corpus and from eval.jsonl, for checking a finding
made after looking at eval.jsonl's curves (so that the check itself is not tuned on the file it reports).

Writes OUT_DIR/confirm.jsonl: GSM8K test problems FIRST..FIRST+N (with their solutions, domain "math"; eval.jsonl
uses the first EVAL_MATHS_DOCS) and FineWeb-Edu excerpts from FIRST_PROSE on (domain "general"; the training corpus
uses the first PROSE_DOCS and eval.jsonl the last EVAL_GENERAL_DOCS). Score a checkpoint on it with
`thinkstream eval --checkpoint DIR --file OUT_DIR/confirm.jsonl`.
Usage: confirmation_set.py DATA_DIR OUT_DIR [FIRST=64 N=256 FIRST_PROSE=100 N_PROSE=128]
"""
import json
import sys


def main():
    data, out = sys.argv[1], sys.argv[2]
    first, count, first_prose, count_prose = (int(v) for v in (sys.argv[3:7] + ["64", "256", "100", "128"][len(sys.argv[3:7]):]))
    with open(f"{data}/gsm8k_test.jsonl", encoding="utf-8") as handle:
        gsm8k = [json.loads(line) for line in handle if line.strip()][first:first + count]
    with open(f"{data}/fineweb_edu_excerpts.jsonl", encoding="utf-8") as handle:
        prose = [json.loads(line) for line in handle if line.strip()][first_prose:first_prose + count_prose]
    records = [{"id": r["id"], "text": r["question"] + "\n" + r["answer"], "domain": "math"} for r in gsm8k]
    records += [{"id": r["id"], "text": r["text"], "domain": "general"} for r in prose]
    with open(f"{out}/confirm.jsonl", "w", encoding="utf-8") as handle:
        handle.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    print(f"confirm.jsonl: {len(gsm8k)} GSM8K test problems from #{first}, {len(prose)} FineWeb-Edu excerpts from #{first_prose}")


if __name__ == "__main__":
    main()
