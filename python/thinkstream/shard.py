"""The shard wire format (version 1), decoded without Kafka.

A shard is one record value of `<prefix>.shards`: a zstd frame of
    line 1:  the manifest, compact JSON (snake_case keys)
    line 2…: one sample per line, compact JSON
The manifest's `checksum` is `sha256:<hex>` of the bytes after the manifest line. JSON Schemas:
`schemas/shard-manifest.v1.json` and `schemas/shard-sample.v1.json` in the repository.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
from dataclasses import dataclass
from typing import Iterator

import zstandard

from .errors import ShardStreamError

FORMAT_VERSION = 1
#: The `schema` header value of shard records.
SHARD_SCHEMA = "shard/1"
#: The default cap on a shard's decompressed size (the Swift decoder's): 256 MiB.
DEFAULT_MAX_DECOMPRESSED_BYTES = 256 << 20


@dataclass(frozen=True)
class Span:
    """A half-open range of UTF-8 bytes and of trainer tokens."""

    byte_start: int
    byte_end: int
    token_start: int
    token_end: int

    @staticmethod
    def from_json(value: dict) -> "Span":
        return Span(value["byte_start"], value["byte_end"], value["token_start"], value["token_end"])


@dataclass(frozen=True)
class Sample:
    """One training sample: `text` = document + thinking, `token_ids` in the manifest's tokenizer."""

    sample_id: str
    document_id: str
    level: str
    token_ids: list[int]
    document_span: Span
    thinking_span: Span
    fields: dict  # every field of the sample line, as decoded

    @staticmethod
    def from_json(value: dict) -> "Sample":
        return Sample(
            sample_id=value["sample_id"],
            document_id=value["document_id"],
            level=value["level"],
            token_ids=value["token_ids"],
            document_span=Span.from_json(value["document_span"]),
            thinking_span=Span.from_json(value["thinking_span"]),
            fields=value,
        )


@dataclass(frozen=True)
class Shard:
    manifest: dict
    samples: list[Sample]
    source: str

    @property
    def shard_id(self) -> str:
        return self.manifest["shard_id"]

    @property
    def tokenizer(self) -> str:
        return self.manifest["tokenizer"]


def _decompress(value: bytes, source: str, max_bytes: int) -> bytes:
    """Decompresses one zstd frame, reading at most `max_bytes + 1` bytes of output (a decompression bomb stops there)."""
    try:
        reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(value), read_across_frames=False)
        chunks, total = [], 0
        while True:
            chunk = reader.read(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise ShardStreamError(
                    "decompressed_too_large",
                    f"{source}: expands beyond {max_bytes} bytes; refused as a decompression bomb "
                    "(raise max_decompressed_bytes if such shards are expected)",
                )
    except zstandard.ZstdError as error:
        raise ShardStreamError("corrupt_compressed_data", f"{source}: not a zstd frame ({error})") from error
    payload = b"".join(chunks)
    # A truncated frame ends the stream early without an error; its content size, when present, tells.
    try:
        params = zstandard.get_frame_parameters(value)
    except zstandard.ZstdError as error:
        raise ShardStreamError("corrupt_compressed_data", f"{source}: not a zstd frame ({error})") from error
    if params.content_size not in (0, zstandard.CONTENTSIZE_UNKNOWN) and params.content_size != len(payload):
        raise ShardStreamError(
            "truncated_compressed_data",
            f"{source}: {len(payload)} of {params.content_size} bytes decompressed; the record is truncated",
        )
    return payload


def decode_shard(value: bytes, source: str, max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES) -> Shard:
    """Decompresses a record value, checks its format version, checksum and sample count, and decodes it.

    `source` names the record in error messages (`topic[partition]@offset` or a file).
    Raises `ShardStreamError` (corrupt_compressed_data, truncated_compressed_data, decompressed_too_large,
    malformed_shard, checksum_mismatch).
    """
    payload = _decompress(bytes(value), source, max_decompressed_bytes)
    newline = payload.find(b"\n")
    if newline < 0:
        raise ShardStreamError("malformed_shard", f"{source}: no manifest line")
    try:
        manifest = json.loads(payload[:newline])
    except ValueError as error:
        raise ShardStreamError("malformed_shard", f"{source}: manifest: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        version = manifest.get("format_version") if isinstance(manifest, dict) else None
        raise ShardStreamError(
            "malformed_shard", f"{source}: shard format version {version}; supported: {FORMAT_VERSION}"
        )
    lines = payload[newline + 1 :]
    actual = "sha256:" + hashlib.sha256(lines).hexdigest()
    if actual != manifest.get("checksum"):
        raise ShardStreamError(
            "checksum_mismatch", f"{source}: checksum {actual} does not match the manifest's {manifest.get('checksum')}"
        )
    samples = []
    for line in lines.split(b"\n"):
        if not line:
            continue
        try:
            samples.append(Sample.from_json(json.loads(line)))
        except (ValueError, KeyError, TypeError) as error:
            raise ShardStreamError("malformed_shard", f"{source}: sample {len(samples) + 1}: {error!r}") from error
    if len(samples) != manifest.get("sample_count"):
        raise ShardStreamError(
            "malformed_shard", f"{source}: {len(samples)} samples, manifest says {manifest.get('sample_count')}"
        )
    return Shard(manifest=manifest, samples=samples, source=source)


def read_shard_file(path: str, max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES) -> Shard:
    """One shard from a file holding a record value (as `thinkstream shards inspect --file` reads)."""
    try:
        with open(path, "rb") as file:
            value = file.read()
    except OSError as error:
        raise ShardStreamError("unreadable_input", f"{path}: {error.strerror}") from error
    return decode_shard(value, path, max_decompressed_bytes)


def read_export(directory: str, max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES) -> Iterator[Shard]:
    """The shards of a `thinkstream shards export` directory in its manifest's order (topic order), each file
    checked against the manifest's size and sha256 first."""
    manifest_path = os.path.join(directory, "manifest.json")
    try:
        with open(manifest_path, "rb") as file:
            archive = json.load(file)
    except (OSError, ValueError) as error:
        raise ShardStreamError(
            "unreadable_input", f"{manifest_path}: not a shard archive manifest ({error}); write one with `thinkstream shards export`"
        ) from error
    if archive.get("format_version") != 1:
        raise ShardStreamError("unreadable_input", f"{manifest_path}: format version {archive.get('format_version')}; supported: 1")
    for record in archive["records"]:
        path = os.path.join(directory, record["file"])
        try:
            with open(path, "rb") as file:
                value = file.read()
        except OSError as error:
            raise ShardStreamError("unreadable_input", f"{path}: listed in the manifest but unreadable ({error.strerror})") from error
        digest = hashlib.sha256(value).hexdigest()
        if len(value) != record["bytes"] or digest != record["sha256"]:
            raise ShardStreamError(
                "unreadable_input",
                f"{path}: {len(value)} bytes with sha256 {digest[:12]}…, the manifest says {record['bytes']} bytes and "
                f"{record['sha256'][:12]}…; the file changed after export; export the archive again",
            )
        yield decode_shard(value, path, max_decompressed_bytes)


def key_of(sample_id: str) -> bytes:
    """The duplicate filter's 128-bit key of a sample id: the first 16 bytes of its SHA-256 (as the Swift trainer)."""
    return hashlib.sha256(sample_id.encode()).digest()[:16]


def encode_keys(keys) -> str:
    return base64.b64encode(b"".join(keys)).decode()


def decode_keys(text: str) -> list[bytes]:
    data = base64.b64decode(text.encode())
    if len(data) % 16:
        raise ShardStreamError("invalid_state", "the duplicate window is not a whole number of 16-byte keys")
    return [data[index : index + 16] for index in range(0, len(data), 16)]
