#!/usr/bin/env bash
# End-to-end check of awsig's S3 presigning against a real S3 implementation:
# s3s-fs 0.14.1 (https://crates.io/crates/s3s-fs) serves a temporary
# directory as S3 on 127.0.0.1 and verifies SigV4 itself.  Presigned URLs
# come from the crate's `presign` example and are sent with curl.
#
#   bash tests/s3s_fs.sh
#
# Prints one line per check and ends with "N passed, M failed"; the exit
# status is 0 only when every check passed.  Needs bash, curl, cmp, od and
# mktemp; reads nothing from stdin, so it can run unattended (CI=true).
#
# Environment (all optional):
#   PRESIGN_CMD  shell command used as the presigner instead of the crate's
#                example; it gets the arguments
#                  --method M --region R --service s3 --expires SECS
#                  [--time RFC3339] URL
#                appended, reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
#                and prints one presigned URL.  Default:
#                  cargo run --quiet --example presign --
#                (run from the repository root, built once up front, in
#                the dev profile so that CI reuses the `cargo test` build).
#   S3S_FS       the s3s-fs binary (default: s3s-fs on PATH, installed with
#                `cargo install s3s-fs@0.14.1 --features binary --locked`
#                when it is missing or another version).
#
# What s3s-fs 0.14.1 does, as found while writing this script:
#   * CLI: s3s-fs --host H --port P --access-key K --secret-key S [--domain D] ROOT
#     (defaults localhost:8014; without --domain only path-style requests
#     are understood, which is what this script uses:
#     http://127.0.0.1:PORT/BUCKET/KEY).  It prints nothing when it is
#     ready, hence the curl polling.
#   * The region in the credential scope is not checked (any region
#     verifies); the script signs for us-east-1.
#   * The Host header is signed and checked: a URL presigned for
#     127.0.0.1:PORT fails with SignatureDoesNotMatch when sent as
#     localhost:PORT.  The port is part of the signed Host value.
#   * X-Amz-Expires is checked: an expired URL gives 403 AccessDenied
#     "Request has expired"; an X-Amz-Date too far in the future gives 403
#     RequestTimeTooSkewed.  A changed X-Amz-Expires gives 403
#     SignatureDoesNotMatch (it is part of the canonical query).
#   * UNSIGNED-PAYLOAD presigned PUTs with a body are accepted.
#   * Keys are decoded once from the path: the object of
#     /BUCKET/dir/my%20holiday%2Bfile~%C3%A9.txt is stored as the file
#     ROOT/BUCKET/dir/my holiday+file~é.txt ('+' stays a plus).
#   * Unsigned requests get 403 AccessDenied "Signature is required".
#   * Headers listed in X-Amz-SignedHeaders are checked: a PUT presigned
#     with Content-Type: text/plain and sent with another Content-Type gives
#     403 SignatureDoesNotMatch.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
S3S_VERSION=0.14.1
REGION=us-east-1
BUCKET=awsig-e2e
KEY_ENC='dir/my%20holiday%2Bfile~%C3%A9.txt'   # RFC 3986, '/' kept
KEY_RAW='dir/my holiday+file~é.txt'

pass=0
fail=0
ok()  { pass=$((pass + 1)); echo "ok   - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
die() { echo "s3s_fs.sh: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

# --- s3s-fs ---------------------------------------------------------------
S3S_FS=${S3S_FS:-s3s-fs}
if ! "$S3S_FS" --version 2>/dev/null | grep -qx "s3s-fs $S3S_VERSION"; then
    echo "# installing s3s-fs $S3S_VERSION (cargo install, may take a few minutes)"
    timeout 1800 cargo install "s3s-fs@$S3S_VERSION" --features binary --locked \
        || die "cargo install s3s-fs@$S3S_VERSION failed"
    S3S_FS=s3s-fs
    export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
    "$S3S_FS" --version 2>/dev/null | grep -qx "s3s-fs $S3S_VERSION" \
        || die "s3s-fs $S3S_VERSION not found after install"
fi

# --- presigner ------------------------------------------------------------
if [ -z "${PRESIGN_CMD:-}" ]; then
    echo "# building the presign example"
    (cd "$repo" && timeout 1800 cargo build --quiet --example presign </dev/null) \
        || die "cargo build --example presign failed"
fi
presign() {  # presign METHOD EXPIRES URL [extra args...]
    local method=$1 expires=$2 url=$3
    shift 3
    if [ -n "${PRESIGN_CMD:-}" ]; then
        timeout 120 bash -c "$PRESIGN_CMD \"\$@\"" presign \
            --method "$method" --region "$REGION" --service s3 --expires "$expires" "$@" "$url" </dev/null
    else
        (cd "$repo" && timeout 120 cargo run --quiet --example presign -- \
            --method "$method" --region "$REGION" --service s3 --expires "$expires" "$@" "$url" </dev/null)
    fi
}

# --- server ---------------------------------------------------------------
work=$(mktemp -d)   # honours TMPDIR
server_pid=
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

rand_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    else
        local p
        for _ in $(seq 1 50); do
            p=$((20000 + RANDOM % 40000))
            if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
        done
        return 1
    fi
}

ACCESS_KEY="AKIA$(rand_hex 8 | tr 'a-f' 'A-F')"
SECRET_KEY=$(rand_hex 20)
mkdir -p "$work/root"

port=
for attempt in 1 2 3; do
    p=$(free_port) || die "no free port"
    "$S3S_FS" --host 127.0.0.1 --port "$p" --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" \
        "$work/root" </dev/null >"$work/server.log" 2>&1 &
    server_pid=$!
    # wait (at most 30 s) until it answers HTTP; any status code will do
    for _ in $(seq 1 60); do
        kill -0 "$server_pid" 2>/dev/null || break
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$p/" || true)
        if [ "$code" != "000" ]; then port=$p; break 2; fi
        sleep 0.5
    done
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
    echo "# s3s-fs did not come up on port $p (attempt $attempt)"; tail -5 "$work/server.log" || true
done
[ -n "$port" ] || die "s3s-fs did not start"
base="http://127.0.0.1:$port"
echo "# s3s-fs $S3S_VERSION on $base (pid $server_pid)"

export AWS_ACCESS_KEY_ID=$ACCESS_KEY AWS_SECRET_ACCESS_KEY=$SECRET_KEY
unset AWS_SESSION_TOKEN

# the first bytes of a file, printable ASCII only (for messages)
snippet() { head -c "${2:-300}" "$1" 2>/dev/null | LC_ALL=C tr -c '[:print:]' '.'; }
# http METHOD URL [curl args...] -> prints status code; body in $work/resp
http() {
    local method=$1 url=$2
    shift 2
    rm -f "$work/resp"
    curl -s -g -o "$work/resp" -w '%{http_code}' --max-time 30 -X "$method" "$@" "$url" || true
}
# presign_ok NAME METHOD EXPIRES URL [args] -> sets $signed or records a failure
presign_ok() {
    local name=$1
    shift
    if ! signed=$(presign "$@" 2>"$work/presign.err"); then
        bad "$name: presigner failed: $(snippet "$work/presign.err" 500)"; return 1
    fi
    signed=$(printf '%s' "$signed" | tr -d '\r' | sed -n '/./{p;q}')
    case "$signed" in
        "$base/"*X-Amz-Signature=*) return 0 ;;
        *) bad "$name: presigner printed no presigned URL for $base: '$signed'"; return 1 ;;
    esac
}
# expect_403 NAME URL ERROR-CODE
expect_403() {
    local name=$1 url=$2 want=$3 code
    code=$(http GET "$url")
    if [ "$code" = 403 ] && grep -q "<Code>$want</Code>" "$work/resp"; then
        ok "$name: 403 $want"
    else
        bad "$name: want 403 $want, got $code: $(snippet "$work/resp")"
    fi
}

# 1. create the bucket
if presign_ok "create bucket" PUT 300 "$base/$BUCKET"; then
    code=$(http PUT "$signed")
    case "$code" in 2??) ok "presigned PUT /$BUCKET creates the bucket ($code)" ;;
        *) bad "presigned PUT /$BUCKET: $code $(snippet "$work/resp")" ;; esac
fi

# 2. upload bytes under a key with space, '+', '~' and UTF-8
{ printf 'awsig e2e \0\r\n\xc3\xa9 +~ '; head -c 4096 /dev/urandom; } >"$work/upload.bin"
object_url="$base/$BUCKET/$KEY_ENC"
if presign_ok "put object" PUT 300 "$object_url"; then
    code=$(http PUT "$signed" --data-binary "@$work/upload.bin" -H 'Content-Type: application/octet-stream')
    case "$code" in 2??) ok "presigned PUT of '$KEY_RAW' ($code)" ;;
        *) bad "presigned PUT of '$KEY_RAW': $code $(snippet "$work/resp")" ;; esac
fi
if cmp -s "$work/upload.bin" "$work/root/$BUCKET/$KEY_RAW"; then
    ok "object stored under its decoded key '$KEY_RAW'"
else
    bad "no file '$BUCKET/$KEY_RAW' with the uploaded bytes; server has: $(cd "$work/root" && find . -type f ! -name '.*' | head -5 | tr '\n' ' ')"
fi

# 3. read it back
get_url=
if presign_ok "get object" GET 300 "$object_url"; then
    get_url=$signed
    code=$(http GET "$get_url")
    if [ "$code" = 200 ] && cmp -s "$work/upload.bin" "$work/resp"; then
        ok "presigned GET returns the same $(wc -c <"$work/upload.bin") bytes"
    else
        bad "presigned GET: $code, $(wc -c <"$work/resp") bytes, same=$(cmp -s "$work/upload.bin" "$work/resp" && echo yes || echo no)"
    fi
fi

# 4. refusals (each one on the object that the GET above just read)
if [ -n "$get_url" ]; then
    sig=$(printf '%s' "$get_url" | sed -n 's/.*X-Amz-Signature=\([0-9a-f]\{64\}\).*/\1/p')
    if [ -n "$sig" ]; then
        last=${sig: -1}
        if [ "$last" = 0 ]; then flip=1; else flip=0; fi
        tampered=${get_url/X-Amz-Signature=$sig/X-Amz-Signature=${sig%?}$flip}
        expect_403 "tampered X-Amz-Signature (last hex digit $last -> $flip)" "$tampered" SignatureDoesNotMatch
    else
        bad "no 64-hex X-Amz-Signature in '$get_url'"
    fi
    changed=$(printf '%s' "$get_url" | sed 's/X-Amz-Expires=300\([&]\|$\)/X-Amz-Expires=299\1/')
    if [ "$changed" != "$get_url" ]; then
        expect_403 "X-Amz-Expires changed 300 -> 299" "$changed" SignatureDoesNotMatch
    else
        bad "no X-Amz-Expires=300 in '$get_url'"
    fi
else
    bad "tampered X-Amz-Signature: no presigned GET URL"
    bad "X-Amz-Expires changed: no presigned GET URL"
fi
if AWS_SECRET_ACCESS_KEY="x$SECRET_KEY" presign_ok "wrong secret" GET 300 "$object_url"; then
    expect_403 "URL presigned with a wrong secret" "$signed" SignatureDoesNotMatch
fi
past_s=$(($(date +%s) - 3600))
past=$(date -u -d "@$past_s" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -r "$past_s" +%Y-%m-%dT%H:%M:%SZ)
if presign_ok "expired" GET 60 "$object_url" --time "$past"; then
    expect_403 "URL signed at $past for 60 s (expired)" "$signed" AccessDenied
fi

# 5. a presigned query: ListObjectsV2 with a percent-encoded prefix
prefix_enc='dir%2Fmy%20holiday'
if presign_ok "list objects" GET 300 "$base/$BUCKET?list-type=2&prefix=$prefix_enc"; then
    code=$(http GET "$signed")
    if [ "$code" = 200 ] && grep -qF "<Key>$KEY_RAW</Key>" "$work/resp"; then
        ok "presigned ListObjectsV2 (prefix=$prefix_enc) lists '$KEY_RAW'"
    else
        bad "presigned ListObjectsV2: $code $(snippet "$work/resp")"
    fi
fi

# 6. a signed header: Content-Type is part of the signature
text_url="$base/$BUCKET/notes.txt"
if presign_ok "put with content-type" PUT 300 "$text_url" --header 'Content-Type: text/plain'; then
    case "$signed" in
        *X-Amz-SignedHeaders=content-type%3Bhost*) ok "content-type listed in X-Amz-SignedHeaders" ;;
        *) bad "content-type not in X-Amz-SignedHeaders: '$signed'" ;;
    esac
    code=$(http PUT "$signed" --data-binary 'hello' -H 'Content-Type: text/plain')
    case "$code" in 2??) ok "presigned PUT sent with the signed Content-Type ($code)" ;;
        *) bad "presigned PUT with the signed Content-Type: $code $(snippet "$work/resp")" ;; esac
    code=$(http PUT "$signed" --data-binary 'hello' -H 'Content-Type: text/html')
    if [ "$code" = 403 ] && grep -q "<Code>SignatureDoesNotMatch</Code>" "$work/resp"; then
        ok "same URL sent with another Content-Type: 403 SignatureDoesNotMatch"
    else
        bad "same URL sent with another Content-Type: want 403 SignatureDoesNotMatch, got $code: $(snippet "$work/resp")"
    fi
fi

# 7. no signature at all
code=$(http GET "$object_url")
if [ "$code" = 403 ]; then
    ok "unsigned GET refused (403)"
else
    bad "unsigned GET: want 403, got $code: $(snippet "$work/resp")"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
