#!/usr/bin/env bash
# `make local-net`: the rehearsal of docs/OPERATORS.md, section 8, read from that file and
# run as written: Alice and Bob validating and computing on the `local` chain, and a new
# host that is funded, started and registered with the node's own commands; it ends with the
# new host's first reward and stops the nodes. The commands are the file's `sh rehearsal`
# blocks (then `sh rehearsal-reward`), so the document and the rehearsal cannot differ.
#
#   scripts/local-net.sh                      # the whole rehearsal (2 min 49 s measured here)
#   scripts/local-net.sh --until-registered   # up to the registration (node/tests/operators_doc.rs)
#
# NODE (the binary) and DIR (where the nodes keep their data and logs) may be set.
set -euo pipefail
cd "$(dirname "$0")/.."

blocks='rehearsal|rehearsal-reward'
case "${1:-}" in
--until-registered) blocks='rehearsal' ;;
"") ;;
*)
	echo "usage: $0 [--until-registered]" >&2
	exit 2
	;;
esac

script=$(awk -v wanted="^(${blocks})\$" '
	/^```sh / { if ($2 ~ wanted) { inside = 1; next } }
	/^```$/ { if (inside) { inside = 0; print "" } next }
	inside { print }
' docs/OPERATORS.md)
if [ -z "$script" ]; then
	echo "docs/OPERATORS.md has no \`sh rehearsal\` blocks" >&2
	exit 1
fi

trap 'status=$?; kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; [ $status -eq 0 ] || echo "the rehearsal failed; the nodes'"'"' logs are in ${DIR:-/tmp/gonka-local-net}" >&2' EXIT
trap 'exit 143' TERM INT
PS4='$ '
set -x
eval "$script"
