"""Helpers for the tests that run the Swift `thinkstream` binary next to Python code.

- `thinkstream_binary()`, `smollm2_model()`: where the binary and the start model are (THINKSTREAM_BIN,
  THINKSTREAM_MODELS_DIR, else the paths `make` builds).
- `run_cli(args, env)`: runs the binary from the repository root and fails with its output when it exits non-zero.
- `EmbeddedBroker`: `thinkstream broker start/stop` on a free loopback port, its state in a private folder.
- `read_gguf_metadata(path)`: the key/value metadata of a GGUF file (arrays reduced to their length), to read
  the tokenizer's EOS id and the architecture the trainer starts from.
"""

from __future__ import annotations

import os
import signal
import socket
import struct
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any, BinaryIO, Sequence

REPO_ROOT = Path(__file__).resolve().parents[2]
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
# The range the Python tests take ports from, so they do not collide with the Swift tests (random free ports) or the
# demo and experiment brokers (19092, 19395).
PORT_RANGE = range(19400, 19451)


def thinkstream_binary() -> Path:
    """THINKSTREAM_BIN (relative paths are taken from the repository root), else `.build/release/thinkstream`."""
    path = Path(os.environ.get("THINKSTREAM_BIN", ".build/release/thinkstream"))
    return path if path.is_absolute() else REPO_ROOT / path


def smollm2_model() -> Path:
    """SmolLM2-135M-Instruct Q4_1 in THINKSTREAM_MODELS_DIR, else `.deps/models` (what `make deps` assembles)."""
    directory = Path(os.environ.get("THINKSTREAM_MODELS_DIR", REPO_ROOT / ".deps" / "models"))
    return (directory if directory.is_absolute() else REPO_ROOT / directory) / SMOLLM2_FILE


def cli_environment(**extra: str) -> dict[str, str]:
    """The process environment with the sgemm kernel pinned as the Makefile pins it, plus `extra`."""
    env = dict(os.environ)
    env.setdefault("OPENBLAS_CORETYPE", "Haswell")
    env.update(extra)
    return env


def run_cli(
    args: Sequence[str], env: dict[str, str] | None = None, timeout: float = 300, stdin: str | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Runs `thinkstream args...` from the repository root; raises AssertionError naming the command, exit code
    and the tail of its output when it runs past `timeout` seconds, or (with `check`) exits non-zero."""
    command = [str(thinkstream_binary()), *args]
    try:
        result = subprocess.run(
            command, cwd=REPO_ROOT, env=env or cli_environment(), input=stdin, capture_output=True, text=True,
            timeout=timeout)
    except subprocess.TimeoutExpired as error:
        raise AssertionError(f"{' '.join(command)}: no exit within {timeout} s\n{_tail(error.stderr)}") from error
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)}: exit {result.returncode}\nstdout:\n{_tail(result.stdout)}\n"
            f"stderr:\n{_tail(result.stderr)}")
    return result


def _tail(text: str | bytes | None, lines: int = 30) -> str:
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return "\n".join((text or "").splitlines()[-lines:])


def free_port(ports: range = PORT_RANGE) -> int:
    """The first port in `ports` nothing listens on or holds bound on 127.0.0.1."""
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError(f"no free port in {ports.start}..{ports.stop - 1} on 127.0.0.1")


class EmbeddedBroker:
    """`thinkstream broker start --port P` with THINKSTREAM_STATE_DIR=`state_directory`; use as a context manager,
    or call `start()` and always `stop()` (it stops only the broker this state folder recorded)."""

    def __init__(self, state_directory: Path, port: int | None = None) -> None:
        self.port = port if port is not None else free_port()
        self.state_directory = state_directory
        self.bootstrap_servers = f"127.0.0.1:{self.port}"

    def environment(self, **extra: str) -> dict[str, str]:
        """The environment that points every thinkstream command at this broker."""
        return cli_environment(
            THINKSTREAM_STATE_DIR=str(self.state_directory), THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS=self.bootstrap_servers,
            THINKSTREAM_KAFKA_PROFILE="embedded", **extra)

    def start(self) -> None:
        self.state_directory.mkdir(parents=True, exist_ok=True)
        try:
            run_cli(["broker", "start", "--port", str(self.port)], env=self.environment(), timeout=60)
        except BaseException:
            self._stop_quietly()  # a broker that started but never answered is still recorded: end it
            raise

    def stop(self) -> None:
        run_cli(["broker", "stop", "--port", str(self.port)], env=self.environment(), timeout=60)

    def __enter__(self) -> "EmbeddedBroker":
        self.start()
        return self

    def _stop_quietly(self) -> None:
        try:
            self.stop()
        except AssertionError as error:
            warnings.warn(f"stopping the broker on port {self.port} failed: {error}", stacklevel=2)

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        if exc_type is None:
            self.stop()
        else:
            self._stop_quietly()  # keep the error that ended the block, not a failed stop


TRAIN_DDP_EXAMPLE = REPO_ROOT / "python" / "examples" / "train_ddp.py"


def torchrun_train_ddp(args: Sequence[str], env: dict[str, str] | None = None, ranks: int = 2, timeout: float = 300):
    """`torchrun --nproc_per_node ranks python/examples/train_ddp.py args...` (gloo, one thread per rank). Returns
    (exit code, output); past `timeout` seconds torchrun and every process under it (each rank runs in a session
    of its own) are SIGKILLed."""
    command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", str(ranks), "--master_port",
               str(free_port()), str(TRAIN_DDP_EXAMPLE), *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO_ROOT,
                               env={**os.environ, "OMP_NUM_THREADS": "1", **(env or {})})
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_tree(process.pid)
        raise
    return process.returncode, output


def kill_tree(root: int) -> None:
    """SIGKILLs `root` and all its descendants (found through /proc), so no rank outlives a failed test."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    pending = [root]
    while pending:
        pid = pending.pop()
        pending += children.get(pid, [])
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# GGUF value types (ggml/docs/gguf.md): id -> struct format of a scalar; 8 is a string, 9 an array.
_GGUF_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_GGUF_STRING, _GGUF_ARRAY = 8, 9


def read_gguf_metadata(path: Path) -> dict[str, Any]:
    """Every metadata key of a GGUF (version 2 or 3) with its scalar or string value; an array becomes its length
    (the tokenizer's 49 152 tokens are skipped, not decoded)."""
    with open(path, "rb") as file:
        magic, version = struct.unpack("<4sI", file.read(8))
        if magic != b"GGUF" or version not in (2, 3):
            raise ValueError(f"{path}: not a GGUF v2/v3 file (magic {magic!r}, version {version})")
        _tensor_count, key_count = struct.unpack("<QQ", file.read(16))
        metadata: dict[str, Any] = {}
        for _ in range(key_count):
            key = _read_string(file)
            (value_type,) = struct.unpack("<I", file.read(4))
            metadata[key] = _read_value(file, value_type)
        return metadata


def _read_string(file: BinaryIO) -> str:
    (length,) = struct.unpack("<Q", file.read(8))
    return file.read(length).decode("utf-8", errors="replace")


def _read_value(file: BinaryIO, value_type: int) -> Any:
    if value_type in _GGUF_SCALARS:
        fmt = _GGUF_SCALARS[value_type]
        return struct.unpack(fmt, file.read(struct.calcsize(fmt)))[0]
    if value_type == _GGUF_STRING:
        return _read_string(file)
    if value_type == _GGUF_ARRAY:
        element_type, count = struct.unpack("<IQ", file.read(12))
        if element_type in _GGUF_SCALARS:
            file.seek(count * struct.calcsize(_GGUF_SCALARS[element_type]), os.SEEK_CUR)
        else:
            for _ in range(count):
                _read_value(file, element_type)
        return count
    raise ValueError(f"unknown GGUF value type {value_type}")
