"""llama.cpp through llama-cpp-python, measured the way ThinkStream's InferenceMeasurement measures the engine.

Usage: python llama_cpp_baseline.py MODEL.gguf [threads]

Prints pp512 (one 512-token prefill), tg128 (decode at batch 1 after a 16-token prompt) and, for 1/4/8/16
parallel sequences of prompt 256 + 128 generated tokens, the generation-only aggregate tokens/s (llama-batched-
bench's S_TG: all sequences decoding together, prefill excluded). Token ids are the same deterministic
pseudo-random ids InferenceMeasurement uses; generation is greedy.
"""
import sys
import time

import numpy

import llama_cpp as L


def prompt(count, seed, vocab):
    return [1000 + (i * 7919 + seed * 104_729) % (vocab - 2000) for i in range(count)]


def main():
    path = sys.argv[1]
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    L.llama_backend_init()
    mparams = L.llama_model_default_params()
    model = L.llama_model_load_from_file(path.encode(), mparams)
    vocab_n = L.llama_vocab_n_tokens(L.llama_model_get_vocab(model))

    def context(n_ctx, n_seq):
        cparams = L.llama_context_default_params()
        cparams.n_ctx = n_ctx
        cparams.n_batch = 512
        cparams.n_ubatch = 512
        cparams.n_seq_max = n_seq
        cparams.n_threads = threads
        cparams.n_threads_batch = threads
        return L.llama_init_from_model(model, cparams)

    batch = L.llama_batch_init(512, 0, 16)

    def decode(ctx, items):
        """items: list of (token, position, sequence, wants_logits); split into 512-token batches."""
        for start in range(0, len(items), 512):
            chunk = items[start:start + 512]
            batch.n_tokens = len(chunk)
            for i, (token, position, sequence, logits) in enumerate(chunk):
                batch.token[i] = token
                batch.pos[i] = position
                batch.n_seq_id[i] = 1
                batch.seq_id[i][0] = sequence
                batch.logits[i] = logits
            if L.llama_decode(ctx, batch) != 0:
                raise RuntimeError("llama_decode failed")

    def argmax(ctx, index):
        logits = L.llama_get_logits_ith(ctx, index)
        return int(numpy.ctypeslib.as_array(logits, shape=(vocab_n,)).argmax())

    ctx = context(1024, 1)
    memory = L.llama_get_memory(ctx)
    decode(ctx, [(t, i, 0, False) for i, t in enumerate(prompt(64, 0, vocab_n))])  # warm-up
    L.llama_memory_clear(memory, True)
    tokens = prompt(512, 1, vocab_n)
    start = time.perf_counter()
    decode(ctx, [(t, i, 0, i == 511) for i, t in enumerate(tokens)])
    print(f"llama.cpp pp512: {512 / (time.perf_counter() - start):.1f} tokens/s", flush=True)

    L.llama_memory_clear(memory, True)
    tokens = prompt(16, 2, vocab_n)
    decode(ctx, [(t, i, 0, i == 15) for i, t in enumerate(tokens)])
    token = argmax(ctx, 15)
    start = time.perf_counter()
    for step in range(127):
        decode(ctx, [(token, 16 + step, 0, True)])
        token = argmax(ctx, 0)
    print(f"llama.cpp tg128: {127 / (time.perf_counter() - start):.1f} tokens/s", flush=True)
    L.llama_free(ctx)

    for parallel in (1, 4, 8, 16):
        ctx = context(parallel * 384, parallel)
        items = []
        for s in range(parallel):
            items += [(t, i, s, i == 255) for i, t in enumerate(prompt(256, 10 + s, vocab_n))]
        start = time.perf_counter()
        decode(ctx, items)
        prefill = time.perf_counter() - start
        # A fixed first token per sequence (generation costs the same whichever token is fed), then greedy.
        next_tokens = [1000 + s for s in range(parallel)]
        start = time.perf_counter()
        for step in range(127):
            decode(ctx, [(next_tokens[s], 256 + step, s, True) for s in range(parallel)])
            next_tokens = [argmax(ctx, s) for s in range(parallel)]
        generation = time.perf_counter() - start
        print(
            f"llama.cpp batched {parallel:2d} x (256 + 128): {parallel * 127 / generation:.1f} generation tokens/s "
            f"(prefill {parallel * 256 / prefill:.1f} tokens/s)", flush=True)
        L.llama_free(ctx)


main()
