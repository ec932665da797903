#!/usr/bin/env bash
# Medians of the last criterion run, with ratios, as a Markdown table.
#
#   benches/table.sh            # groups W1 W2 W3         (cargo bench --bench signing)
#   benches/table.sh peers-     # groups peers-W1 ...     (cargo bench -p awsig-peers)
#
# Reads target/criterion/<group>/<function>/new/estimates.json (or
# $CARGO_TARGET_DIR/criterion/...). "x floor" is the function's median over
# the group's floor; "aws-sigv4 / x" is aws-sigv4's median over the
# function's (how many times faster than aws-sigv4), when the group has it.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-}
root=${CARGO_TARGET_DIR:-target}/criterion
command -v python3 >/dev/null || { echo "table.sh: needs python3" >&2; exit 2; }
python3 - "$root" "$prefix" <<'PY'
import json, os, sys

root, prefix = sys.argv[1], sys.argv[2]
order = ["awsig_cached", "awsig_uncached", "awsig-v4presign_cached",
         "awsig-v4presign_uncached", "aws-sigv4", "rusty-s3", "floor"]

def fmt(ns):
    return f"{ns / 1000:.3f} µs" if ns >= 1000 else f"{ns:.0f} ns"

print("| group | function | median | x floor | aws-sigv4 / x |")
print("| --- | --- | --- | --- | --- |")
for w in ("W1", "W2", "W3"):
    group = f"{prefix}{w}"
    gdir = os.path.join(root, group)
    if not os.path.isdir(gdir):
        print(f"table.sh: no results for {group} under {root}", file=sys.stderr)
        continue
    med = {}
    for f in os.listdir(gdir):
        path = os.path.join(gdir, f, "new", "estimates.json")
        if os.path.isfile(path):
            with open(path) as fh:
                med[f] = json.load(fh)["median"]["point_estimate"]
    floor = med.get("floor")
    aws = med.get("aws-sigv4")
    for f in sorted(med, key=lambda f: order.index(f) if f in order else len(order)):
        x_floor = f"{med[f] / floor:.2f}" if floor else ""
        vs_aws = f"{aws / med[f]:.2f}" if aws and f != "aws-sigv4" else ""
        name = f.replace("_cached", "/cached").replace("_uncached", "/uncached")
        print(f"| {group} | {name} | {fmt(med[f])} | {x_floor} | {vs_aws} |")
PY
