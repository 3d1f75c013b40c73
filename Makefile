# The two commands of this project:
#   make run   set up the machine, build, and start a development chain
#   make test  set up the machine, build, and run every test
#
# Builds go to $(CARGO_TARGET_DIR), outside the work tree, so that every clone (and CI)
# reuses the same compiled dependencies.

export CARGO_TARGET_DIR ?= $(HOME)/.cache/target
NODE_BIN := $(CARGO_TARGET_DIR)/debug/gonka-node
# The development and test node has the compute worker's fault-injection options (for the
# network tests' cheating host); a release build (`cargo build --release -p gonka-node`) has
# none. Every command below builds with the same features, so none rebuilds another's node.
FEATURES := --features gonka-node/test-cheats
# Every build step sources what scripts/setup.sh decided (e.g. the WASM toolchain).
WITH_ENV := set -a && . ./.build-env && set +a &&

.PHONY: setup build run local-net test test-rust test-js test-network test-setup test-faults chain-specs metadata bench bench-market lint weights llama-cpp-reference fuzz

setup:
	@scripts/setup.sh

build: setup
	$(WITH_ENV) cargo build --workspace --locked $(FEATURES)

# Alice's node computes and serves SmolLM2-135M-Instruct (fetched by setup) on
# http://127.0.0.1:8000/v1.
run: build
	$(WITH_ENV) $(NODE_BIN) --dev --rpc-cors all --inference-model "$$GONKA_SMOLLM2"

test: build lint test-rust test-js test-setup

# Every crate's tests, the zombienet networks included (they run the node just built, found
# on PATH). Cargo runs one test binary at a time, so the networks have the machine to
# themselves. Then, with the benchmarks compiled in: the pallets' benchmark tests, and every
# benchmark's storage work against its declared weight (runtime/tests/weights_hold.rs).
test-rust: build
	$(WITH_ENV) PATH=$(CARGO_TARGET_DIR)/debug:$$PATH cargo test --workspace --locked --no-fail-fast $(FEATURES)
	$(WITH_ENV) SKIP_WASM_BUILD=1 cargo test --locked -p pallet-sprint -p pallet-proof-of-compute -p pallet-host-reputation -p pallet-community-pool -p pallet-treasury-for-training -p pallet-inference -p gonka-runtime --features runtime-benchmarks --lib --test weights_hold

# The upgrade test (epoch.test.js) builds the upgrade rehearsal's runtime with cargo, hence the
# build environment.
test-js: build
	cd tests/js && npm ci --no-audit --no-fund --loglevel=error
	$(WITH_ENV) cd tests/js && GONKA_NODE=$(NODE_BIN) node --test

# Only the zombienet-sdk networks on loopback (zombienet/*.toml; part of test-rust), printing
# what the subxt example client (gonka-epoch-watch) reads of each epoch. --workspace keeps
# the features, and so the compiled crates, those of every other build.
test-network: build
	$(WITH_ENV) PATH=$(CARGO_TARGET_DIR)/debug:$$PATH cargo test --workspace --locked $(FEATURES) --test four_hosts -- --nocapture

test-setup:
	scripts/test-debian-wasm-route.sh

# A local network of three nodes on this machine, one a new host that registers with the
# node's `host` commands (docs/OPERATORS.md, section 8, whose commands it runs as written);
# ends with that host's first reward. 2 min 49 s measured here; not part of `make test`, which runs
# the same commands up to the registration (node/tests/operators_doc.rs).
local-net: build
	NODE=$(CARGO_TARGET_DIR)/debug/gonka-node scripts/local-net.sh

# The network under faults (zombienet/tests/network_faults.rs, zombienet/network-faults.toml):
# a partition that stops finality, two restarts in two phases of one epoch, a node syncing
# from scratch; prints the figures docs/PERFORMANCE.md quotes. About 12 minutes; not part of
# `make test`.
test-faults: build
	$(WITH_ENV) PATH=$(CARGO_TARGET_DIR)/debug:$$PATH cargo test --workspace --locked $(FEATURES) --test network_faults -- --ignored --nocapture

# The runtime fuzzer (runtime/tests/fuzz.rs) in release: CASES random sequences of 50 to 300
# transactions and block runs each (about 150 calls a case: 7,000 cases fuzzed 1,033,824
# calls in 18 min here, docs/SECURITY.md); `make test` runs 4 fixed ones. Prints the calls,
# blocks and outcomes fuzzed, every 500 cases and at the end.
CASES ?= 7000
fuzz: setup
	$(WITH_ENV) SKIP_WASM_BUILD=1 GONKA_FUZZ_CASES=$(CASES) cargo test --release --locked -p gonka-runtime --test fuzz -- --nocapture

# Formatting (rustfmt.toml), then clippy over every crate; runtime-facing crates deny unwrap,
# expect, indexing and unchecked arithmetic (workspace lints).
lint: setup
	cargo fmt --all --check
	$(WITH_ENV) SKIP_WASM_BUILD=1 cargo clippy --workspace --all-targets --locked $(FEATURES) -- -D warnings

# Side by side (docs/PERFORMANCE.md): the Proof-of-Compute engine against an independent numpy
# implementation, and the inference engine against llama.cpp on SmolLM2.
bench: setup
	$(WITH_ENV) cargo build --release --locked -p gonka-benchmarks --bin poc-throughput --bin llm-throughput
	python3 -c 'import numpy' 2>/dev/null || python3 -m pip install -q numpy
	python3 benchmarks/compare_numpy.py $(CARGO_TARGET_DIR)/release/poc-throughput 10
	cd benchmarks/llama-cpp && npm ci --no-audit --no-fund --loglevel=error
	$(WITH_ENV) node benchmarks/llama-cpp/compare.mjs $(CARGO_TARGET_DIR)/release/llm-throughput "$$GONKA_SMOLLM2"

# Rewrites what llama.cpp (node-llama-cpp, benchmarks/llama-cpp) makes of the engine's test
# corpus: the fixture inference-engine/tests/llama_cpp.rs compares the engine with.
llama-cpp-reference: setup
	cd benchmarks/llama-cpp && npm ci --no-audit --no-fund --loglevel=error
	$(WITH_ENV) node benchmarks/llama-cpp/reference.mjs "$$GONKA_SMOLLM2" inference-engine/tests/fixtures/llama-cpp/smollm2.json

chain-specs: build
	scripts/export-chain-specs.sh $(NODE_BIN)

# Rewrites the runtime metadata the subxt example client is generated from.
metadata: setup
	$(WITH_ENV) SKIP_WASM_BUILD=1 GONKA_WRITE_METADATA=1 cargo test --locked -p gonka-runtime --test metadata

# Regenerates the pallets' weights.rs with frame-omni-bencher (installs it when missing).
weights: setup
	$(WITH_ENV) scripts/generate-weights.sh

# The inference market measured (docs/PERFORMANCE.md): time to first token through the
# network against the engine's own, and 32 streaming clients for 60 s through one gateway
# and two nodes, reconciled to the unit. About 20 minutes; not part of `make test`.
bench-market: build
	$(WITH_ENV) cargo build --locked -p gonka-benchmarks --bin llm-ttft
	cd tests/js && npm ci --no-audit --no-fund --loglevel=error
	$(WITH_ENV) cd tests/js && GONKA_NODE=$(NODE_BIN) node market-bench.mjs $(CARGO_TARGET_DIR)/debug/llm-ttft 32 60
