#!/usr/bin/env bash
# Regenerates chain-specs/ from the node's built-in presets (plain and raw).
# Usage: scripts/export-chain-specs.sh [path/to/gonka-node]
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
node=${1:-${CARGO_TARGET_DIR:-$HOME/.cache/target}/debug/gonka-node}
[ -x "$node" ] || { echo "no node binary at $node: run 'make build' first"; exit 1; }

for chain in dev local; do
	"$node" export-chain-spec --chain "$chain" --output "$repo/chain-specs/$chain.json" >/dev/null
	"$node" export-chain-spec --chain "$chain" --raw --output "$repo/chain-specs/$chain-raw.json" >/dev/null
done
echo "chain-specs/: exported dev and local (plain and raw) from $node"
