#!/usr/bin/env bash
# Builds the upgrade rehearsal's runtime (gonka-runtime with `upgrade-rehearsal`: spec_version
# one higher, 3 proposals per proposer instead of 2) and writes its compressed code to $1, for
# System::apply_authorized_upgrade. Only the runtime crate is compiled again (about three
# minutes here); see runtime/rehearsal/build.rs.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -ne 1 ]; then
	echo "usage: $0 <file to write the runtime code to>" >&2
	exit 2
fi
target=${CARGO_TARGET_DIR:-target}
GONKA_BUILD_REHEARSAL=1 cargo build --locked -p gonka-runtime-rehearsal
"$target/debug/gonka-runtime-rehearsal" "$1"
