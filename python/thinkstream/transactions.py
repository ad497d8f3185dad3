"""Hides records of aborted transactions, even on a broker that delivers them (the embedded tansu broker does).

A port of the Swift `TransactionMarkerFilter`: a ThinkStream transactional producer tags each record of a
transaction with the header `thinkstream.txn` (`<transactional id>/<nonce>`) and, just before committing, writes one
end marker (empty value, header `thinkstream.txn.end`) to every partition the transaction touched. Tagged records
are held until their end marker arrives on the same partition, then released in offset order. Held records are
dropped as aborted when the same transactional id starts another transaction on that partition, or when a later
record is newer than the first held one by more than the transaction timeout. End markers are never delivered.
On a broker with working read_committed the broker already hides aborted records; the filter then only strips the
markers.
"""

from __future__ import annotations

TRANSACTION_HEADER = "thinkstream.txn"
END_MARKER_HEADER = "thinkstream.txn.end"


def header(message, name: str) -> str | None:
    for key, value in message.headers() or ():
        if key == name:
            return value.decode() if isinstance(value, (bytes, bytearray)) else value
    return None


class TransactionMarkerFilter:
    def __init__(self, transaction_timeout_ms: int = 60_000):
        self.transaction_timeout_ms = transaction_timeout_ms
        self._held: dict[int, dict[str, list]] = {}  # partition → transaction → [first timestamp, records]
        self._open: dict[int, dict[str, str]] = {}  # partition → producer → transaction
        self.dropped_records = 0

    def accept(self, message) -> list:
        """Feeds one record in offset order; returns the records to deliver now (possibly none)."""
        partition = message.partition()
        held = self._held.setdefault(partition, {})
        open_by_producer = self._open.setdefault(partition, {})
        timestamp = message.timestamp()[1]
        if timestamp is not None and timestamp >= 0:
            for transaction, (first, records) in list(held.items()):
                if first is not None and timestamp - first > self.transaction_timeout_ms:
                    self.dropped_records += len(records)
                    del held[transaction]
                    for producer in [p for p, t in open_by_producer.items() if t == transaction]:
                        del open_by_producer[producer]
        ended = header(message, END_MARKER_HEADER)
        if ended is not None:
            for producer in [p for p, t in open_by_producer.items() if t == ended]:
                del open_by_producer[producer]
            entry = held.pop(ended, None)
            return entry[1] if entry else []
        transaction = header(message, TRANSACTION_HEADER)
        if transaction is None:
            return [message]
        producer = transaction.rsplit("/", 1)[0] if "/" in transaction else transaction
        previous = open_by_producer.get(producer)
        if previous is not None and previous != transaction:
            self.dropped_records += len(held.pop(previous, (None, []))[1])
        open_by_producer[producer] = transaction
        held.setdefault(transaction, [timestamp if timestamp is not None and timestamp >= 0 else None, []])[1].append(message)
        return []

    def lowest_held_offset(self, partition: int) -> int | None:
        """The lowest offset held back on `partition`, or None: a resume must start there not to skip it."""
        offsets = [records[0].offset() for _, records in self._held.get(partition, {}).values() if records]
        return min(offsets) if offsets else None

    @property
    def held_records(self) -> int:
        return sum(len(records) for held in self._held.values() for _, records in held.values())
