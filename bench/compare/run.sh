#!/usr/bin/env bash
# Compare benchmark: meshkit-obs diff against odiff (native) and pixelmatch (node) on generated
# dashboard-like screenshot pairs, timing whole processes (start, PNG decode, compare, exit).
#
#   bash bench/compare/run.sh [MESHKIT_OBS_BIN]     (default: target/release/meshkit-obs)
#   RUNS=25 bash bench/compare/run.sh ...           (timed runs per pair and tool, default 15)
#
# The binary must implement `diff EXPECTED ACTUAL [--diff-out PATH]`, exiting 0 on a match and 1
# on a difference. Prints one Markdown table (median ms) on stdout; progress and the machine on
# stderr. The npm packages come from package-lock.json (npm ci) on first use.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/target/release/meshkit-obs}
runs=${RUNS:-15}

if [[ ! -x $bin ]]; then
  echo "run.sh: no executable at $bin (build it with: cargo build --release)" >&2
  exit 2
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
# Hyperfine from npm is only an installer that downloads a binary; timing is done by time.mjs.
if [[ ! -d $here/node_modules/odiff-bin || ! -d $here/node_modules/pixelmatch || ! -d $here/node_modules/pngjs ]]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

pairs=$(mktemp -d)
trap 'rm -rf "$pairs"' EXIT
echo "writing pairs to $pairs" >&2
node "$here/make-pairs.mjs" "$pairs" >/dev/null
node "$here/time.mjs" "$pairs" "$bin" "$runs"
