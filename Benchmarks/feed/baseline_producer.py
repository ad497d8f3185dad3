"""Baseline for `thinkstream feed`: the same work with the confluent-kafka Python client on the same librdkafka.

Reads JSONL, parses each line, hashes the normalized text (sha256), builds the same raw-document JSON and produces
it keyed by id with acks=all, idempotence, zstd, linger.ms=5, batch.size=1000000, then flushes.
Usage: baseline_producer.py <bootstrap> <topic> <file.jsonl>"""
import hashlib, json, sys, time
from confluent_kafka import Producer

bootstrap, topic, path = sys.argv[1:4]
producer = Producer({
    "bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all", "compression.type": "zstd",
    "linger.ms": 5, "batch.size": 1_000_000, "queue.buffering.max.messages": 500_000,
})
failed = 0
def on_delivery(error, message):
    global failed
    if error is not None:
        failed += 1

start = time.perf_counter()
count, size = 0, 0
with open(path, "rb") as f:
    for number, line in enumerate(f, 1):
        size += len(line)
        record = json.loads(line)
        text = record.pop("text")
        given = record.pop("id", None)
        normalized = text.replace("\r\n", "\n").replace("\r", "\n").strip(" \t\n\x0b\x0c").encode()
        digest = hashlib.sha256(normalized).hexdigest()
        doc_id = given if given is not None else digest
        value = json.dumps({"id": doc_id, "text": text, "source": {"file": path, "line": number}, "metadata": record},
                           ensure_ascii=False, separators=(",", ":")).encode()
        while True:
            try:
                producer.produce(topic, value=value, key=doc_id.encode(), headers=[("schema", b"raw-document/1")],
                                 on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.01)
        producer.poll(0)
        count += 1
producer.flush(120)
seconds = time.perf_counter() - start
print(f"baseline-python docs={count} failed={failed} seconds={seconds:.2f} docs_per_s={count / seconds:.0f} "
      f"MB_per_s={size / 1e6 / seconds:.1f}")
