#!/usr/bin/env bash
# Regenerates the weights.rs of this project's pallets with frame-omni-bencher: builds the
# runtime with its benchmarks, runs every benchmark of each pallet in the WASM executor and
# writes the weights through scripts/weight-template.hbs. Installs frame-omni-bencher when it
# is missing (a long build). STEPS and REPEAT override the defaults (20 and 10); PALLETS names
# the pallets to regenerate (all six by default), e.g. PALLETS="inference sprint".
set -euo pipefail
cd "$(dirname "$0")/.."

target=${CARGO_TARGET_DIR:-target}
bencher_version=0.28.0

if ! command -v frame-omni-bencher >/dev/null; then
	echo "installing frame-omni-bencher $bencher_version (a long build)"
	cargo install frame-omni-bencher --version "$bencher_version" --locked
fi

cargo build -p gonka-runtime --features runtime-benchmarks
wasm="$target/debug/wbuild/gonka-runtime/gonka_runtime.wasm"

for pallet in ${PALLETS:-sprint proof-of-compute host-reputation community-pool treasury-for-training inference}; do
	frame-omni-bencher v1 benchmark pallet \
		--runtime "$wasm" \
		--pallet "pallet_${pallet//-/_}" \
		--extrinsic '*' \
		--steps "${STEPS:-20}" \
		--repeat "${REPEAT:-10}" \
		--template scripts/weight-template.hbs \
		--output "pallets/$pallet/src/weights.rs"
done
