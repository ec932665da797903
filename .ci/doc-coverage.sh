#!/usr/bin/env bash
# Doc-example coverage of the public API, from rustdoc's (nightly-only)
# `--show-coverage`: of the items rustdoc counts as example-eligible, how many
# have a code example in their docs. Prints one line, and fails below
# MIN_PERCENT (default 90). Skips when no nightly toolchain is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "doc-example coverage: skipped - no nightly toolchain"
    exit 0
fi

json=$(cargo +nightly rustdoc --quiet --lib --all-features -- \
    -Z unstable-options --show-coverage --output-format json)

python3 -c '
import json, sys
files = json.loads(sys.argv[1])
have = sum(f["with_examples"] for f in files.values())
total = sum(f["total_examples"] for f in files.values())
pct = 100.0 * have / total if total else 100.0
least = float(sys.argv[2])
print(f"doc-example coverage: {have}/{total} ({pct:.1f}%, at least {least:.0f}% required)")
sys.exit(0 if pct >= least else 1)
' "$json" "${MIN_PERCENT:-90}"
