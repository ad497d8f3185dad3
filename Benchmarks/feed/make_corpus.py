"""Writes a >=100 MB JSONL benchmark corpus from ../shared/data: each record repeated with a suffixed id and text,
so no copy is an exact duplicate. Usage: make_corpus.py <shared/data dir> <output.jsonl> [target MB]"""
import json, pathlib, sys

source, output = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
target = int(sys.argv[3]) if len(sys.argv) > 3 else 110
records = [json.loads(line) for path in sorted(source.glob("*.jsonl")) for line in open(path, encoding="utf-8")]
written, copy = 0, 0
with open(output, "w", encoding="utf-8") as out:
    while written < target * 1_000_000:
        for record in records:
            record = dict(record, id=f"{record['id']}#{copy}", text=f"{record['text']}\n[copy {copy}]")
            line = json.dumps(record, ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode())
        copy += 1
print(f"{output}: {written / 1e6:.1f} MB, {copy * len(records)} records")
