#!/usr/bin/env bash
# Regenerate the SQS seed vectors in this folder and run every cross-check.
# See README.md.  Environment:
#   PY      python with botocore 1.44.5 + awscrt 0.38.1
#           (default: $HOME/.cache/awsig-oracle-venv/bin/python)
#   ORACLE  shared/conformance/oracle.py (default: the shared/ checkout that
#           sits beside this repository, ../../../../shared from here)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PY=${PY:-$HOME/.cache/awsig-oracle-venv/bin/python}
ORACLE=${ORACLE:-$here/../../../../shared/conformance/oracle.py}
[ -x "$PY" ] || { echo "generate.sh: no python at $PY (set PY)" >&2; exit 2; }
[ -f "$ORACLE" ] || { echo "generate.sh: no oracle.py at $ORACLE (set ORACLE)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$here"

"$PY" -c 'import botocore, awscrt, importlib.metadata as m, sys; print("python", sys.version.split()[0], "botocore", botocore.__version__, "awscrt", m.version("awscrt"))'

# 1. v4-query + v2-query (Timestamp) cases -> botocore oracle
"$PY" make_cases.py > "$tmp/cases.jsonl"
"$PY" "$ORACLE" --combined "$tmp/cases.jsonl" > sqs-seed.jsonl

# 2. the v4 cases through aws-c-auth too; both engines must agree on every
#    field (canonical request and string to sign included)
grep '"scheme":"v4-query"' "$tmp/cases.jsonl" > "$tmp/v4.jsonl"
"$PY" "$ORACLE" --engine awscrt "$tmp/v4.jsonl" > "$tmp/v4-awscrt.jsonl"
grep '"scheme":"v4-query"' sqs-seed.jsonl > "$tmp/v4-botocore.jsonl"
"$PY" "$ORACLE" --diff "$tmp/v4-botocore.jsonl" "$tmp/v4-awscrt.jsonl"
"$PY" "$ORACLE" --compare "$tmp/cases.jsonl"

# 3. the independent SigV2 signer must reproduce the oracle's Timestamp cases
"$PY" v2_expires.py --check sqs-seed.jsonl

# 4. what the oracle cannot do: Expires, and POST with a form body
"$PY" make_cases.py --v2-expires > "$tmp/expires.jsonl"
"$PY" v2_expires.py "$tmp/expires.jsonl" > sqs-seed-v2-expires.jsonl
"$PY" make_cases.py --v2-form > "$tmp/form.jsonl"
"$PY" v2_expires.py "$tmp/form.jsonl" > sqs-seed-v2-post.jsonl

# 5. ... and those checked against botocore's own SigV2 code
"$PY" botocore_crosscheck.py sqs-seed-v2-expires.jsonl sqs-seed-v2-post.jsonl

sha256sum sqs-seed.jsonl sqs-seed-v2-expires.jsonl sqs-seed-v2-post.jsonl
