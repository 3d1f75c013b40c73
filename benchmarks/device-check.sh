#!/usr/bin/env bash
# The GPU check (issue 22), in two halves, because the lent device machine has no Rust
# toolchain and no network:
#
#   benchmarks/device-check.sh build   # here: release builds of the CUDA tests and the
#                                      # `poc` example into .device/ (ignored by git)
#   benchmarks/device-check.sh run     # there (device tool, `carry: [".device"]`): the
#                                      # correctness tests with GONKA_REQUIRE_GPU=1 over
#                                      # 100,000 nonces, then nonces/s on every profile,
#                                      # with CUDA graphs and without, side by side
#
# `run` should take under 8 minutes on one GPU (15 s measurements: per profile with graphs
# and without, and on GPU 0 alone where there are several; the CPU's side of the 100,000-nonce
# comparison on the machine's cores; not yet timed on a device) and prints everything
# docs/PERFORMANCE.md quotes. A failing step does not stop the later ones: the device time
# is scarce; the script's status is that of the first failure.
set -uo pipefail
cd "$(dirname "$0")/.."
out=.device

case "${1:-}" in
build)
	set -e
	export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/target}
	mkdir -p "$out"
	grep -qx "/$out/" .git/info/exclude 2>/dev/null || echo "/$out/" >>.git/info/exclude
	cargo build --release --locked -p gonka-offchain-worker --features cuda --example poc
	tests=$(cargo test --release --locked -p gonka-offchain-worker --features cuda --test cuda \
		--no-run --message-format=json | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
	cp "$CARGO_TARGET_DIR/release/examples/poc" "$out/poc"
	cp "$tests" "$out/cuda-tests"
	strip "$out/poc" "$out/cuda-tests"
	du -sh "$out"
	;;
run)
	status=0
	step() { "$@" || { echo "FAILED ($?): $*"; [ "$status" -ne 0 ] || status=1; }; }
	# cuBLAS and NVRTC: the toolkit's, or the PyPI wheels' where the machine has them.
	for lib in cublas cuda_nvrtc; do
		dir=$(python3 -c "import nvidia, os; print(next(p for p in (os.path.join(d, '$lib', 'lib') for d in nvidia.__path__) if os.path.isdir(p)))" 2>/dev/null || true)
		[ -z "$dir" ] || export LD_LIBRARY_PATH=$dir:${LD_LIBRARY_PATH:-}
	done
	nvidia-smi --query-gpu=index,name,memory.total,clocks.max.sm --format=csv
	gpus=$(nvidia-smi --query-gpu=index --format=csv,noheader | paste -sd, -)
	echo "== correctness: GPU against the CPU reference (GONKA_REQUIRE_GPU=1)"
	step env GONKA_REQUIRE_GPU=1 GONKA_GPU_CHECK_NONCES="${GONKA_GPU_CHECK_NONCES:-100000}" \
		timeout 300 "$out/cuda-tests" --test-threads=1 --nocapture
	for profile in dev testnet; do
		echo "== $profile on GPU(s) $gpus"
		step timeout 60 "$out/poc" bench --params "$profile" --backend cuda --devices "$gpus" --seconds 15
		echo "== $profile on GPU(s) $gpus, launch by launch (GONKA_CUDA_GRAPHS=0: the graphs' gain)"
		step env GONKA_CUDA_GRAPHS=0 timeout 60 "$out/poc" bench --params "$profile" --backend cuda \
			--devices "$gpus" --seconds 15
		if [[ "$gpus" == *,* ]]; then
			echo "== $profile on GPU 0 alone (for the per-device scaling)"
			step timeout 60 "$out/poc" bench --params "$profile" --backend cuda --devices 0 --seconds 15
		fi
	done
	exit "$status"
	;;
*)
	echo "usage: $0 build|run" >&2
	exit 2
	;;
esac
