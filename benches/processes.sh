#!/usr/bin/env bash
# awsig's speed differs from one process to the next: the same binary, on
# an idle machine, signs W1 in ~1.6 µs in some processes and ~2.1 µs in
# others (W2 ~0.67 / ~0.92 µs, W3 ~1.56 / ~1.9 µs), while the floor keeps
# its time. This runs `awsig-peers interleaved ROUNDS` in N fresh
# processes and prints each one's medians, then the spread across them.
#
#   benches/processes.sh            # N=12, ROUNDS=31
#   N=20 ROUNDS=61 benches/processes.sh
#
# A single `cargo bench` or `interleaved` run is one process, so it shows
# one of the two speeds; compare numbers across runs only with this in mind.
# See benches/README.md ("Two speeds per process").
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-12}
ROUNDS=${ROUNDS:-31}
peers=${CARGO_TARGET_DIR:-target}/release/awsig-peers
[ -n "${NO_BUILD:-}" ] || cargo build --quiet --release -p awsig-peers
command -v python3 >/dev/null || { echo "processes.sh: needs python3" >&2; exit 2; }
for _ in $(seq 1 "$N"); do
    "$peers" interleaved "$ROUNDS" | grep '^| W'
done | python3 -c '
import statistics as st, sys
rows = {}
print("| process | workload | awsig cached | floor | cached x floor | aws-sigv4 sign+apply / cached |")
print("| --- | --- | --- | --- | --- | --- |")
for i, line in enumerate(sys.stdin):
    c = [x.strip() for x in line.strip().strip("|").split("|")]
    w, cached, floor, xf, sa = c[0], float(c[1].split()[0]), float(c[7].split()[0]), float(c[8]), float(c[11])
    rows.setdefault(w, []).append((cached, floor, xf, sa))
    print(f"| {i // 3 + 1} | {w} | {cached:.0f} ns | {floor:.0f} ns | {xf:.2f} | {sa:.2f} |")
print()
print("| workload | processes | awsig cached fastest / median / slowest | floor median | x floor fastest / median / slowest | aws-sigv4 sign+apply / cached, best / median / worst |")
print("| --- | --- | --- | --- | --- | --- |")
for w, v in rows.items():
    a = sorted(r[0] for r in v); x = sorted(r[2] for r in v); s = sorted(r[3] for r in v)
    f = st.median(r[1] for r in v)
    print(f"| {w} | {len(v)} | {a[0]:.0f} / {st.median(a):.0f} / {a[-1]:.0f} ns | {f:.0f} ns | {x[0]:.2f} / {st.median(x):.2f} / {x[-1]:.2f} | {s[-1]:.2f} / {st.median(s):.2f} / {s[0]:.2f} |")
'
