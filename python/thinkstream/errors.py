"""The one error type of the package: a code, and a message naming the input, the reason and the fix."""


class ShardStreamError(Exception):
    """Raised for a shard or a loader state that cannot be used.

    `code` is one of: corrupt_compressed_data, truncated_compressed_data, decompressed_too_large, malformed_shard,
    checksum_mismatch, unknown_tokenizer, unreadable_input, invalid_state, invalid_configuration, broker.
    """

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
