"""ThinkStream for PyTorch: packed training rows from the shards topic, data-parallel over torch.distributed, with
exact resume. The repository's README, section "PyTorch trainer nodes", shows the loop; python/examples/train_ddp.py
a whole torchrun job."""

from .errors import ShardStreamError
from .packing import DOCUMENT, OTHER, PADDING, THINKING, PackedRow, SequencePacker
from .shard import Sample, Shard, decode_shard, read_export, read_shard_file
from .stream import IGNORE_INDEX, ShardLoader, ShardStream, collate_rows

__all__ = [
    "DOCUMENT", "IGNORE_INDEX", "OTHER", "PADDING", "THINKING", "PackedRow", "Sample", "SequencePacker", "Shard",
    "ShardLoader", "ShardStream", "ShardStreamError", "collate_rows", "decode_shard", "read_export", "read_shard_file",
]
