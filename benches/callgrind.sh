#!/usr/bin/env bash
# Instructions per signature under callgrind, awsig against the SHA-256 floor.
#
#   benches/callgrind.sh                 # build, then W1 W2 W3
#   benches/callgrind.sh W2              # one workload
#   NO_BUILD=1 N1=0 N2=2000 benches/callgrind.sh
#   PROFILE=1 benches/callgrind.sh W1    # also callgrind_annotate awsig's run
#
# For each workload, runs under `valgrind --tool=callgrind`:
#   awsig: target/release/examples/conformance --repeat N < benches/workloads/W.jsonl
#          (the case is signed N more times, key derived once, one buffer)
#   floor: target/release/awsig-peers floor W N
#          (SHA-256 of the same canonical request, and of the body for W3,
#          then HMAC-SHA256 of the same string to sign with a pre-keyed state)
# at N = N1 and N = N2, and reports Ir per signature = (Ir(N2) - Ir(N1)) / (N2 - N1),
# which cancels start-up, parsing and the one traced signature.
#
# Valgrind hides CPU features it cannot emulate (SHA-NI among them), so
# under callgrind sha2 runs its portable code, in awsig and floor alike.
set -euo pipefail

cd "$(dirname "$0")/.."

N1=${N1:-0}
N2=${N2:-2000}
if [ "$N2" -le "$N1" ]; then
    echo "callgrind.sh: N2 ($N2) must exceed N1 ($N1)" >&2
    exit 2
fi
workloads=("$@")
[ ${#workloads[@]} -eq 0 ] && workloads=(W1 W2 W3)

command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 2; }

target_dir=${CARGO_TARGET_DIR:-target}
conformance=$target_dir/release/examples/conformance
peers=$target_dir/release/awsig-peers
if [ -z "${NO_BUILD:-}" ]; then
    cargo build --release --example conformance
    cargo build --release -p awsig-peers
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Ir of one command under callgrind (its stdout kept in "$work/stdout").
ir() {
    local out=$work/callgrind.out
    valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >"$work/stdout" 2>"$work/stderr" || {
        cat "$work/stderr" >&2
        echo "callgrind.sh: failed: $*" >&2
        exit 1
    }
    awk '/^summary:/ { print $2 }' "$out"
}

rows=()
for w in "${workloads[@]}"; do
    cases=benches/workloads/$w.jsonl
    [ -f "$cases" ] || { echo "callgrind.sh: no $cases" >&2; exit 2; }
    # The case file must be the workload the benches sign.
    "$peers" case "$w" | cmp -s - "$cases" || {
        echo "callgrind.sh: $cases is stale: $peers case $w > $cases" >&2
        exit 1
    }

    a1=$(ir "$conformance" --repeat "$N1" <"$cases")
    if command -v python3 >/dev/null; then
        # The runner must reproduce the workload's expected result.
        python3 tests/vectors/compare.py "$cases" "$work/stdout" >"$work/compare" ||
            { cat "$work/compare" >&2; exit 1; }
    fi
    a2=$(ir "$conformance" --repeat "$N2" <"$cases")
    f1=$(ir "$peers" floor "$w" "$N1")
    f2=$(ir "$peers" floor "$w" "$N2")

    awsig=$(( (a2 - a1) / (N2 - N1) ))
    floor=$(( (f2 - f1) / (N2 - N1) ))
    ratio=$(awk -v a="$awsig" -v f="$floor" 'BEGIN { printf "%.2f", a / f }')
    rows+=("| $w | $awsig | $floor | $ratio |")

    if [ -n "${PROFILE:-}" ]; then
        valgrind --tool=callgrind --dump-instr=no --callgrind-out-file="$work/profile.out" \
            "$conformance" --repeat "$N2" <"$cases" >/dev/null 2>&1
        echo "== $w: awsig, --repeat $N2, inclusive"
        callgrind_annotate --inclusive=yes "$work/profile.out" | sed -n '1,60p'
        echo "== $w: awsig, --repeat $N2, self"
        callgrind_annotate "$work/profile.out" | sed -n '1,40p'
    fi
done

echo "instructions per signature, callgrind, N = $N1 and $N2"
echo "| workload | awsig Ir/sign | floor Ir/sign | ratio |"
echo "| --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
