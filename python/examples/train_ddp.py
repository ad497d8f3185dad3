"""Continue pre-training a llama model on ThinkStream's shards topic, data-parallel over torch.distributed (gloo on
CPU, nccl on GPUs), checkpointing the model, the optimizer and every rank's loader state together.

    torchrun --nproc_per_node 2 python/examples/train_ddp.py --bootstrap-servers 127.0.0.1:19092 \
        --model exported-smollm2/ --checkpoint-dir ckpt/ --context 512 --batch-size 4

--model is a Hugging Face llama folder (e.g. `thinkstream train export --safetensors DIR` of SmolLM2-135M);
--tiny trains a small seeded llama with SmolLM2's vocabulary instead. A restart with the same --checkpoint-dir
resumes from the newest complete checkpoint: each rank trains exactly the rows it had not trained. --step-log DIR
appends every step's completed sample ids per rank (rank-R.log); a resume drops the lines of steps it redoes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import time
from pathlib import Path

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

from thinkstream import IGNORE_INDEX, ShardLoader, ShardStream


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap-servers", default=os.environ.get("THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    parser.add_argument("--topic-prefix", default=os.environ.get("THINKSTREAM_TOPICS_PREFIX", "thinkstream"))
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", help="Hugging Face llama folder to start from")
    source.add_argument("--tiny", action="store_true", help="a seeded 2-layer llama with SmolLM2's vocabulary")
    parser.add_argument("--eos-token-id", type=int, help="separator between packed samples (default: the model's eos_token_id)")
    parser.add_argument("--tokenizer", action="append", help="manifest tokenizer names to accept (default: the first shard's)")
    parser.add_argument("--context", type=int, default=512, help="positions per row T")
    parser.add_argument("--batch-size", type=int, default=4, help="rows per rank per step")
    parser.add_argument("--num-workers", type=int, default=0, help="DataLoader workers per rank (each owns partitions)")
    parser.add_argument("--learning-rate", type=float, default=3e-4)
    parser.add_argument("--max-steps", type=int, default=1_000_000)
    parser.add_argument("--checkpoint-dir", required=True)
    parser.add_argument("--checkpoint-every", type=int, default=50, help="steps between checkpoints")
    parser.add_argument("--keep-checkpoints", type=int, default=2)
    parser.add_argument("--stop-at-end", action="store_true", help="stop when every partition is read to its end")
    parser.add_argument("--idle-timeout", type=float, help="stop after this many seconds without new shards")
    parser.add_argument("--level-weight", action="append", default=[], metavar="LEVEL=W", help="trainer-side mix, e.g. none=0.5")
    parser.add_argument("--step-log", help="directory for per-rank logs of each step's completed sample ids")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def build_model(args: argparse.Namespace):
    from transformers import LlamaConfig, LlamaForCausalLM

    if args.model:
        return LlamaForCausalLM.from_pretrained(args.model, torch_dtype=torch.float32)
    torch.manual_seed(args.seed)
    config = LlamaConfig(
        vocab_size=49152, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, max_position_embeddings=max(args.context, 128), tie_word_embeddings=True,
        bos_token_id=1, eos_token_id=2)
    return LlamaForCausalLM(config)


# --- checkpoints: step-NNNNNNNN/ holds model.pt (rank 0) and loader-rank-R.pt (each rank); complete once renamed ---
def latest_checkpoint(directory: Path) -> Path | None:
    complete = sorted(p for p in directory.glob("step-*") if p.is_dir() and not p.name.endswith(".partial"))
    return complete[-1] if complete else None


def save_checkpoint(directory: Path, step: int, rank: int, model, optimizer, loader: ShardLoader, keep: int) -> None:
    final = directory / f"step-{step:08d}"
    partial = directory / f"step-{step:08d}.partial"
    if rank == 0:
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
    dist.barrier()
    atomic_save(loader.state_dict(), partial / f"loader-rank-{rank}.pt")
    if rank == 0:
        atomic_save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step,
                     "world_size": dist.get_world_size()}, partial / "model.pt")
    dist.barrier()
    if rank == 0:
        os.replace(partial, final)
        for old in sorted(p for p in directory.glob("step-*") if not p.name.endswith(".partial"))[:-keep]:
            shutil.rmtree(old, ignore_errors=True)
    dist.barrier()


def atomic_save(value, path: Path) -> None:
    temporary = path.with_suffix(".tmp")
    with open(temporary, "wb") as file:
        torch.save(value, file)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


def kill_whole_job() -> None:
    """Crash tests (Linux): SIGKILL torchrun's agent, every rank it started and their DataLoader workers at once, as
    `kill -9` of the job would (torchrun starts each rank in its own session, so one process group is not enough)."""
    agent = os.getppid()
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    victims, pending = [], [agent]
    while pending:
        pid = pending.pop()
        victims.append(pid)
        pending += children.get(pid, [])
    for pid in sorted(victims, key=lambda pid: pid == os.getpid()):  # this process last
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def truncate_step_log(path: Path, before: int) -> None:
    """Drops the lines of steps at or after `before`: a resumed run trains them again."""
    if not path.exists():
        return
    kept = [line for line in path.read_text().splitlines(keepends=True) if int(line.split()[1]) < before]
    path.write_text("".join(kept))


def main() -> None:
    args = parse_arguments()
    dist.init_process_group(backend="nccl" if torch.cuda.is_available() else "gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}" if torch.cuda.is_available() else "cpu")
    model = build_model(args).to(device)
    eos = args.eos_token_id if args.eos_token_id is not None else model.config.eos_token_id
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate, weight_decay=0.1)
    stream = ShardStream(
        args.bootstrap_servers, topic_prefix=args.topic_prefix, context_tokens=args.context, eos_token_id=eos,
        tokenizer=args.tokenizer, vocab_size=model.config.vocab_size, stop_at_end=args.stop_at_end,
        idle_timeout=args.idle_timeout,
        level_weights={level: float(w) for level, w in (item.split("=", 1) for item in args.level_weight)})
    loader = ShardLoader(stream, batch_size=args.batch_size, num_workers=args.num_workers)

    directory = Path(args.checkpoint_dir)
    step = 0
    if (latest := latest_checkpoint(directory)) is not None:
        saved = torch.load(latest / "model.pt", map_location=device, weights_only=False)
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        step = saved["step"]
        loader.load_state_dict(torch.load(latest / f"loader-rank-{rank}.pt", weights_only=False))
        print(f"rank {rank}: resumed from {latest} at step {step}", flush=True)
    log_path = Path(args.step_log) / f"rank-{rank}.log" if args.step_log else None
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        truncate_step_log(log_path, step)
    ddp = DistributedDataParallel(model)
    kill_at = int(os.environ.get("THINKSTREAM_TEST_KILL_JOB_AT_STEP", "0"))  # crash tests: kill -9 of the whole job

    batches = iter(loader)
    started, tokens = time.monotonic(), 0
    while step < args.max_steps:
        batch = next(batches, None)
        more = torch.tensor([0 if batch is None else 1])
        dist.all_reduce(more, op=dist.ReduceOp.MAX)
        if more.item() == 0:
            break  # every rank has trained all of its partitions
        if batch is None:  # this rank is done, others are not: a step of padding keeps the collectives in step
            batch = {"input_ids": torch.full((1, args.context), eos), "labels": torch.full((1, args.context), IGNORE_INDEX),
                     "sample_ids": []}
        input_ids, labels = batch["input_ids"].to(device), batch["labels"].to(device)
        logits = ddp(input_ids=input_ids).logits
        loss_sum = F.cross_entropy(logits.flatten(0, 1).float(), labels.flatten(), ignore_index=IGNORE_INDEX, reduction="sum")
        targets = (labels != IGNORE_INDEX).sum()
        global_targets = targets.clone()
        dist.all_reduce(global_targets)
        # DDP averages gradients over ranks; scaling by world / global targets makes the step the mean over all targets.
        loss = loss_sum * world / global_targets.clamp(min=1)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        step += 1
        tokens += int(targets)
        if log_path is not None:
            with open(log_path, "a") as log:
                log.write(f"step {step - 1} " + " ".join(sid for row in batch["sample_ids"] for sid in row) + "\n")
        if rank == 0 and step % 10 == 0:
            elapsed = time.monotonic() - started
            print(f"step {step} loss {(loss_sum / targets.clamp(min=1)).item():.4f} {tokens / elapsed:.0f} tokens/s (rank 0)", flush=True)
        if kill_at and step == kill_at and rank == 0:
            kill_whole_job()
        if step % args.checkpoint_every == 0:
            save_checkpoint(directory, step, rank, ddp.module, optimizer, loader, args.keep_checkpoints)
    if not (directory / f"step-{step:08d}").exists():  # the directory is shared by the ranks
        save_checkpoint(directory, step, rank, ddp.module, optimizer, loader, args.keep_checkpoints)
    if rank == 0:
        print(f"done at step {step}", flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
