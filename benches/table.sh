#!/usr/bin/env bash
# Medians of the last criterion run, with ratios, as a Markdown table.
#
#   benches/table.sh            # groups W1 W2 W3         (cargo bench --bench signing)
#   benches/table.sh peers-     # groups peers-W1 ...     (cargo bench -p awsig-peers)
#
# Reads target/criterion/<group>/<function>/new/estimates.json (or
# $CARGO_TARGET_DIR/criterion/...). "x floor" is the function's median over
# the group's floor. When the group has them, "aws-sigv4 sign / x" is the
# median of aws-sigv4/sign (sign only: signature and instructions, no URL
# or header produced) over the function's, and "aws-sigv4 sign+apply / x"
# that of aws-sigv4/sign+apply (the instructions applied to an http::Request,
# which then holds the finished URL or headers, as awsig's output does):
# how many times faster than aws-sigv4, either way. Results of older runs,
# where the sign-only function was named plain "aws-sigv4", are read as
# aws-sigv4/sign (and ignored when an aws-sigv4/sign result exists).
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-}
root=${CARGO_TARGET_DIR:-target}/criterion
command -v python3 >/dev/null || { echo "table.sh: needs python3" >&2; exit 2; }
python3 - "$root" "$prefix" <<'PY'
import json, os, sys

root, prefix = sys.argv[1], sys.argv[2]
order = ["awsig_cached", "awsig_uncached", "awsig-v4presign_cached",
         "awsig-v4presign_uncached", "aws-sigv4_sign", "aws-sigv4_sign+apply",
         "rusty-s3", "floor"]
# criterion's directory names ("/" becomes "_") and the names printed
names = {"awsig_cached": "awsig/cached", "awsig_uncached": "awsig/uncached",
         "awsig-v4presign_cached": "awsig-v4presign/cached",
         "awsig-v4presign_uncached": "awsig-v4presign/uncached",
         "aws-sigv4_sign": "aws-sigv4/sign",
         "aws-sigv4_sign+apply": "aws-sigv4/sign+apply"}

def fmt(ns):
    return f"{ns / 1000:.3f} µs" if ns >= 1000 else f"{ns:.0f} ns"

print("| group | function | median | x floor | aws-sigv4 sign / x | aws-sigv4 sign+apply / x |")
print("| --- | --- | --- | --- | --- | --- |")
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
    if "aws-sigv4" in med:  # the sign-only function's name before the split
        if "aws-sigv4_sign" in med:
            print(f"table.sh: ignoring {group}/aws-sigv4 (an older run's "
                  "aws-sigv4/sign)", file=sys.stderr)
            del med["aws-sigv4"]
        else:
            med["aws-sigv4_sign"] = med.pop("aws-sigv4")
    floor = med.get("floor")
    sign = med.get("aws-sigv4_sign")
    applied = med.get("aws-sigv4_sign+apply")

    def vs(ref, ref_name, f):
        return f"{ref / med[f]:.2f}" if ref and f != ref_name else ""

    for f in sorted(med, key=lambda f: order.index(f) if f in order else len(order)):
        x_floor = f"{med[f] / floor:.2f}" if floor else ""
        vs_sign = vs(sign, "aws-sigv4_sign", f)
        vs_applied = vs(applied, "aws-sigv4_sign+apply", f)
        name = names.get(f, f)
        print(f"| {group} | {name} | {fmt(med[f])} | {x_floor} | {vs_sign} | {vs_applied} |")
PY
