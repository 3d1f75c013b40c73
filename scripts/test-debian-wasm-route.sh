#!/usr/bin/env bash
# Checks the set-up script's fallback route: Debian's Rust toolchain, wrapped to build `core`
# and `alloc` for wasm32, compiles a no_std crate to WASM. Leaves the repository's own
# `.build-env` untouched.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

GONKA_WASM_TOOLCHAIN=debian GONKA_BUILD_ENV_FILE="$work/build-env" "$repo/scripts/setup.sh"
# shellcheck disable=SC1091
. "$work/build-env"
[ "${WASM_BUILD_TOOLCHAIN:-}" = gonka-debian-wasm ] || {
	echo "FAIL: the Debian route did not select its toolchain"; exit 1;
}

mkdir -p "$work/probe/src"
cat > "$work/probe/Cargo.toml" <<'TOML'
[package]
name = "wasm-probe"
version = "0.1.0"
edition = "2021"

[lib]
crate-type = ["cdylib"]

[profile.dev]
panic = "abort"

[workspace]
TOML
cat > "$work/probe/src/lib.rs" <<'RUST'
#![no_std]

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
	loop {}
}

#[no_mangle]
pub extern "C" fn sum(n: u32) -> u32 {
	(0..n).fold(0u32, |a, b| a.wrapping_add(b))
}
RUST
(cd "$work/probe" && CARGO_TARGET_DIR="$work/target" \
	cargo "+$WASM_BUILD_TOOLCHAIN" build -q --target wasm32-unknown-unknown)
wasm="$work/target/wasm32-unknown-unknown/debug/wasm_probe.wasm"
[ -s "$wasm" ] || { echo "FAIL: no WASM produced"; exit 1; }
echo "Debian toolchain route built $(stat -c %s "$wasm") bytes of WASM"
echo "setup: 1 passed, 0 failed"
