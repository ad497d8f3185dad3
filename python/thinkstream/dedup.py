"""The duplicate filter in bounded memory: the 128-bit keys of the last `capacity` distinct sample ids, oldest
evicted first (the Swift trainer's RecentSampleFilter; same keys, same serialized form)."""

from __future__ import annotations

from collections import OrderedDict

from .shard import decode_keys, encode_keys, key_of

DEFAULT_CAPACITY = 1 << 20


class RecentSampleFilter:
    def __init__(self, capacity: int = DEFAULT_CAPACITY, serialized: str | None = None):
        if capacity < 1:
            raise ValueError("the duplicate window holds at least one id")
        self.capacity = capacity
        self._keys: OrderedDict[bytes, None] = OrderedDict()
        if serialized:
            for key in decode_keys(serialized):
                self.insert_key(key)

    def __len__(self) -> int:
        return len(self._keys)

    def insert(self, sample_id: str) -> bool:
        """Records `sample_id`; False when it is in the window already (a duplicate)."""
        return self.insert_key(key_of(sample_id))

    def insert_key(self, key: bytes) -> bool:
        if key in self._keys:
            return False
        self._keys[key] = None
        if len(self._keys) > self.capacity:
            self._keys.popitem(last=False)
        return True

    def serialized(self) -> str:
        """The keys oldest first, base64 (what a checkpoint stores)."""
        return encode_keys(self._keys.keys())
