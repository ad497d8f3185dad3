#!/usr/bin/env python3
"""Writes the fixed corpora of the TPT data-constrained A/B (scripts/experiment/run.sh).

train.jsonl  the raw training documents, fed once and augmented by every TPT arm:
             GSM8K train (question + "\n" + answer: a maths problem with its worked solution), MATH train
             (problem + "\n" + solution), and general prose (FineWeb-Edu excerpts), each the first N records of its
             file, in that order.
eval.jsonl   held-out documents, never trained on and never tuned on: the first N GSM8K test problems with their
             solutions (domain "math"), and the last N FineWeb-Edu excerpts (domain "general"; the training slice
             comes from the start of the same file, and the two are checked to be disjoint).

Every record has `id`, `text` and `domain` (train's evaluation splits maths from general on `domain`).
Usage: corpus.py DATA_DIR OUT_DIR GSM8K_DOCS MATH_DOCS PROSE_DOCS EVAL_MATHS_DOCS EVAL_GENERAL_DOCS
"""
import hashlib
import json
import sys


def read(path, count, from_end=False):
    with open(path, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    if count > len(records):
        sys.exit(f"error: {path} has {len(records)} records; asked for {count}")
    return records[len(records) - count:] if from_end else records[:count]


def document(record, text, domain):
    return {"id": record["id"], "text": text, "domain": domain}


def main():
    data, out = sys.argv[1], sys.argv[2]
    gsm8k, maths, prose, eval_maths, eval_general = (int(value) for value in sys.argv[3:8])
    train = [document(r, r["question"] + "\n" + r["answer"], "math")
             for r in read(f"{data}/gsm8k_train_sample.jsonl", gsm8k)]
    train += [document(r, r["problem"] + "\n" + r["solution"], "math")
              for r in read(f"{data}/math_train_sample.jsonl", maths)]
    train += [document(r, r["text"], "general") for r in read(f"{data}/fineweb_edu_excerpts.jsonl", prose)]
    held_out = [document(r, r["question"] + "\n" + r["answer"], "math")
                for r in read(f"{data}/gsm8k_test.jsonl", eval_maths)]
    held_out += [document(r, r["text"], "general")
                 for r in read(f"{data}/fineweb_edu_excerpts.jsonl", eval_general, from_end=True)]
    overlap = {d["id"] for d in train} & {d["id"] for d in held_out}
    if overlap:
        sys.exit(f"error: held-out documents overlap the training corpus: {sorted(overlap)[:5]}; "
                 "lower PROSE_DOCS or EVAL_GENERAL_DOCS (FineWeb-Edu has 800 excerpts)")
    for name, records in (("train.jsonl", train), ("eval.jsonl", held_out)):
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        with open(f"{out}/{name}", "w", encoding="utf-8") as handle:
            handle.write(text)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        print(f"{name}: {len(records)} documents, {len(text.encode('utf-8'))} bytes, sha256 {digest[:16]}…")


if __name__ == "__main__":
    main()
