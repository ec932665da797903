#!/usr/bin/env bash
# End-to-end check of awsig's S3 presigning against a real S3 implementation:
# s3s-fs 0.14.1 (https://crates.io/crates/s3s-fs) serves a temporary
# directory as S3 on 127.0.0.1 and verifies SigV4 itself.  Presigned URLs
# come from the repository's presigner (`tools/presign`, crate
# `awsig-presign`), aws-chunked uploads (signed chunks, with and without a
# signed CRC32 trailer) from the `chunked_upload` tool, and browser POST
# forms from `post_form`, S3 SigV2 presigned URLs and signed headers from
# `sigv2` (binaries of `awsig-tools`, in `tools/`); all are sent with curl.
#
#   bash tests/s3s_fs.sh
#
# Prints one line per check and ends with "N passed, M failed"; the exit
# status is 0 only when every check passed.  A check that the server cannot
# decide (it accepts something that should be refused) prints a
# "skip - ..." line instead and is neither passed nor failed.  Needs bash,
# curl, cmp, od, dd, grep, sed, awk, base64 and mktemp; reads nothing from
# stdin, so it can run unattended (CI=true).
#
# Environment (all optional):
#   PRESIGN_CMD  shell command used as the presigner instead of
#                awsig-presign; it gets the arguments
#                  --method M --region R --service s3 --expires SECS
#                  [--time RFC3339] URL
#                appended, reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
#                and prints one presigned URL.  Default:
#                  cargo run --quiet -p awsig-presign --
#                (run from the repository root, built once up front, in
#                the dev profile so that CI reuses the `cargo test` build).
#   CHUNKED_UPLOAD_CMD
#                shell command used instead of the chunked_upload tool
#                (awsig-tools); it gets
#                  --region R [--chunk-size N] [--trailer crc32] URL FILE OUTDIR
#                appended, writes OUTDIR/body (the aws-chunked body) and
#                OUTDIR/headers ("Name: value" lines, all headers to send)
#                and prints one curl command line that sends them.
#   POST_FORM_CMD
#                shell command used instead of the post_form tool
#                (awsig-tools); it gets
#                  --fields-only --region R [--key K | --key-prefix P]
#                  [--max-size BYTES] [--field NAME=VALUE] [--time RFC3339]
#                  [--expires SECS] BUCKET_URL
#                appended and prints the form fields, one name=value line
#                each, in the order they are to be sent.
#   SIGV2_CMD    shell command used instead of the sigv2 tool (awsig-tools);
#                it gets `presign METHOD EXPIRES URL [--header 'N: v']` or
#                `headers METHOD URL` appended and prints the presigned URL
#                or the headers to send ("Name: value" lines).
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
#   * aws-chunked uploads (header auth, x-amz-content-sha256:
#     STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) are verified: the seed
#     signature, then each chunk's signature (chained on the previous one),
#     the final zero-length chunk's and the trailer's, while the body
#     streams into a temporary file (s3s 0.14.1 src/http/aws_chunked_stream.rs).
#     A tampered chunk signature, a changed data byte, a tampered final-chunk
#     or trailer signature and a changed trailer value all give
#     **500 InternalError**, not 403: s3s-fs's copy_bytes turns the body
#     stream's error into an internal error.  Its log then has
#     "AwsChunkedStreamError: SignatureMismatch" (s3s-fs src/utils.rs:22)
#     and the temporary file is deleted, so nothing is stored; the script
#     checks all three (status, log line, no object).
#   * With a trailer, s3s-fs computes the CRC32 of the data only when
#     x-amz-sdk-checksum-algorithm: CRC32 is sent (as the AWS SDKs do, and
#     chunked_upload does), and compares it with the trailer's
#     x-amz-checksum-crc32 (400 BadDigest when they differ), so a 200 also
#     checks the tool's CRC32.  Without that header any CRC32 trailer is
#     refused with BadDigest "expected `X`, got ``" (from reading put_object
#     in s3s-fs src/s3.rs, not exercised here).
#   * s3s-fs keeps "Content-Encoding: aws-chunked" as the stored object's
#     content encoding (S3 removes aws-chunked).
#   * POST object (multipart/form-data to /BUCKET) is implemented: the
#     x-amz-signature field (HMAC of the base64 Policy field) is verified --
#     a changed Policy or signature gives 403 SignatureDoesNotMatch -- and
#     the policy is enforced: a key outside a starts-with condition gives
#     400 InvalidPolicyDocument, a file above content-length-range 400
#     EntityTooLarge, an expired policy 403 AccessDenied "Request has
#     expired", an x-amz-date more than 15 minutes off 403
#     RequestTimeTooSkewed; every form field needs a condition.  Success is
#     204, or 201 with a PostResponse XML body for success_action_status=201.
#   * POST object does not substitute ${filename} in the key field: the
#     object is stored under the literal key "prefix${filename}" (S3 puts
#     the uploaded file's name there).  The script sends a concrete key
#     under the signed prefix instead.
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
skipped=0
skip() { skipped=$((skipped + 1)); echo "skip - $*"; }
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

# --- presigner and the other tools ----------------------------------------
build() {  # build CARGO_BUILD_ARGS...
    echo "# building the tools (cargo build $*)"
    (cd "$repo" && timeout 1800 cargo build --quiet "$@" </dev/null) || die "cargo build $* failed"
}
[ -n "${PRESIGN_CMD:-}" ] || build -p awsig-presign
bins=()
[ -n "${CHUNKED_UPLOAD_CMD:-}" ] || bins+=(--bin chunked_upload)
[ -n "${POST_FORM_CMD:-}" ] || bins+=(--bin post_form)
[ -n "${SIGV2_CMD:-}" ] || bins+=(--bin sigv2)
[ "${#bins[@]}" -eq 0 ] || build -p awsig-tools "${bins[@]}"
presign() {  # presign METHOD EXPIRES URL [extra args...]
    local method=$1 expires=$2 url=$3
    shift 3
    if [ -n "${PRESIGN_CMD:-}" ]; then
        timeout 120 bash -c "$PRESIGN_CMD \"\$@\"" presign \
            --method "$method" --region "$REGION" --service s3 --expires "$expires" "$@" "$url" </dev/null
    else
        (cd "$repo" && timeout 120 cargo run --quiet -p awsig-presign -- \
            --method "$method" --region "$REGION" --service s3 --expires "$expires" "$@" "$url" </dev/null)
    fi
}

chunked_upload() {  # chunked_upload [options] URL FILE OUTDIR -> prints a curl command
    if [ -n "${CHUNKED_UPLOAD_CMD:-}" ]; then
        timeout 120 bash -c "$CHUNKED_UPLOAD_CMD \"\$@\"" chunked_upload --region "$REGION" "$@" </dev/null
    else
        (cd "$repo" && timeout 120 cargo run --quiet -p awsig-tools --bin chunked_upload -- \
            --region "$REGION" "$@" </dev/null)
    fi
}
post_form() {  # post_form [options] BUCKET_URL -> prints name=value lines
    if [ -n "${POST_FORM_CMD:-}" ]; then
        timeout 120 bash -c "$POST_FORM_CMD \"\$@\"" post_form --fields-only --region "$REGION" "$@" </dev/null
    else
        (cd "$repo" && timeout 120 cargo run --quiet -p awsig-tools --bin post_form -- \
            --fields-only --region "$REGION" "$@" </dev/null)
    fi
}

sigv2() {  # sigv2 presign METHOD EXPIRES URL | sigv2 headers METHOD URL [--header ...]
    if [ -n "${SIGV2_CMD:-}" ]; then
        timeout 120 bash -c "$SIGV2_CMD \"\$@\"" sigv2 "$@" </dev/null
    else
        (cd "$repo" && timeout 120 cargo run --quiet -p awsig-tools --bin sigv2 -- "$@" </dev/null)
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

# 8. aws-chunked uploads: signed chunks built by chunked_upload, sent by the
#    curl command it prints; then the same with one thing tampered in the
#    body, which the server must refuse (see the notes at the top).
CHUNK_SIZE=65536
CHUNKED_LEN=204800     # 200 KiB: 3 full chunks, one of 8 KiB, the final one
CHUNKS=5               # chunk signatures in the body
head -c "$CHUNKED_LEN" /dev/urandom >"$work/chunked.bin"

# build_chunked NAME DIR KEY_ENC [options] -> sets $chunked_cmd, or records a failure
build_chunked() {
    local name=$1 dir=$2 key_enc=$3 cl size sigs
    shift 3
    if ! chunked_cmd=$(chunked_upload --chunk-size "$CHUNK_SIZE" "$@" \
            "$base/$BUCKET/$key_enc" "$work/chunked.bin" "$dir" 2>"$work/chunked.err"); then
        bad "$name: chunked_upload failed: $(snippet "$work/chunked.err" 500)"; return 1
    fi
    chunked_cmd=$(printf '%s' "$chunked_cmd" | tr -d '\r' | sed -n '/./{p;q}')
    case "$chunked_cmd" in
        "curl "*) ;;
        *) bad "$name: chunked_upload printed no curl command: '$chunked_cmd'"; return 1 ;;
    esac
    if [ ! -s "$dir/body" ] || [ ! -s "$dir/headers" ]; then
        bad "$name: chunked_upload wrote no body or headers file"; return 1
    fi
    cl=$(tr -d '\r' <"$dir/headers" | sed -n 's/^[Cc]ontent-[Ll]ength: *\([0-9][0-9]*\)$/\1/p')
    size=$(wc -c <"$dir/body" | tr -d ' ')
    if [ "$cl" != "$size" ]; then
        bad "$name: Content-Length '$cl' but the body has $size bytes"; return 1
    fi
    sigs=$(LC_ALL=C grep -ao 'chunk-signature=[0-9a-f]\{64\}' "$dir/body" | wc -l | tr -d ' ')
    if [ "$sigs" != "$CHUNKS" ]; then
        bad "$name: $sigs chunk signatures in the body, want $CHUNKS"; return 1
    fi
    return 0
}
# send_chunked CMD -> runs the printed curl command; prints the status code, body in $work/resp
send_chunked() {
    rm -f "$work/resp"
    eval "$1"' -o "$work/resp" -w "%{http_code}" --max-time 30' 2>"$work/curl.err" || true
}
# offset_of DIR PATTERN PREFIX_LEN [first|last] -> byte offset just after PREFIX_LEN bytes of the match
offset_of() {
    local at
    at=$(LC_ALL=C grep -abo "$2" "$1/body" | sed -n "${4:-1}{s/:.*//;p;}" | tail -n 1)
    if [ -n "$at" ]; then echo $((at + $3)); fi
}
# flip_byte FILE OFFSET -> replaces one byte ('0' by '1', anything else by '0'); prints what changed
flip_byte() {
    local old new
    old=$(dd if="$1" bs=1 skip="$2" count=1 2>/dev/null | od -An -c | tr -d ' ')
    if [ "$old" = 0 ]; then new=1; else new=0; fi
    printf '%s' "$new" | dd of="$1" bs=1 seek="$2" count=1 conv=notrunc 2>/dev/null
    echo "byte $2: '$old' -> '$new'"
}
mismatches() { grep -c 'AwsChunkedStreamError: SignatureMismatch' "$work/server.log" 2>/dev/null || true; }
# chunked_ok NAME DIR KEY_ENC KEY_RAW [options]: upload, stored, read back
chunked_ok() {
    local name=$1 dir=$2 key_enc=$3 key_raw=$4 code
    shift 4
    build_chunked "$name" "$dir" "$key_enc" "$@" || return 0
    code=$(send_chunked "$chunked_cmd")
    if [ "$code" = 200 ]; then
        ok "$name: $CHUNKED_LEN bytes in $((CHUNKS - 1)) chunks of $CHUNK_SIZE, sent with the printed curl command (200)"
    else
        bad "$name: want 200, got $code: $(snippet "$work/resp") $(snippet "$work/curl.err")"
    fi
    if cmp -s "$work/chunked.bin" "$work/root/$BUCKET/$key_raw"; then
        ok "$name: stored as '$key_raw' with the original bytes"
    else
        bad "$name: no file '$BUCKET/$key_raw' with the uploaded bytes"
    fi
    if presign_ok "$name: get" GET 300 "$base/$BUCKET/$key_enc"; then
        code=$(http GET "$signed")
        if [ "$code" = 200 ] && cmp -s "$work/chunked.bin" "$work/resp"; then
            ok "$name: presigned GET returns the same bytes"
        else
            bad "$name: presigned GET: $code, $(wc -c <"$work/resp" | tr -d ' ') bytes"
        fi
    fi
}
# chunked_refused NAME DIR KEY_ENC KEY_RAW PATTERN PREFIX_LEN first|last [options]:
# build an upload, change the byte PREFIX_LEN bytes into the first or last
# match of PATTERN, send it: it must be refused and nothing stored.
chunked_refused() {
    local name=$1 dir=$2 key_enc=$3 key_raw=$4 pattern=$5 skip_len=$6 which=$7
    local at what code before after
    shift 7
    build_chunked "$name" "$dir" "$key_enc" "$@" || return 0
    if [ "$which" = last ]; then which='$'; else which=1; fi
    at=$(offset_of "$dir" "$pattern" "$skip_len" "$which")
    if [ -z "$at" ]; then bad "$name: no '$pattern' in the body"; return 0; fi
    what=$(flip_byte "$dir/body" "$at")
    before=$(mismatches)
    code=$(send_chunked "$chunked_cmd")
    after=$before
    for _ in $(seq 1 20); do   # the log line may trail the response a little
        after=$(mismatches)
        [ "$after" -gt "$before" ] && break
        sleep 0.1
    done
    if [ -e "$work/root/$BUCKET/$key_raw" ] || [ "${code#2}" != "$code" ]; then
        skip "$name ($what): s3s-fs ACCEPTED the tampered upload (status $code, stored: $([ -e "$work/root/$BUCKET/$key_raw" ] && echo yes || echo no)); not verified by this server"
    elif [ "$code" = 500 ] && grep -q '<Code>InternalError</Code>' "$work/resp" && [ "$after" -gt "$before" ]; then
        ok "$name ($what): refused, 500 InternalError, server log 'AwsChunkedStreamError: SignatureMismatch', nothing stored"
    else
        bad "$name ($what): want 500 InternalError and a SignatureMismatch log line, got $code (log lines $before -> $after): $(snippet "$work/resp") $(snippet "$work/curl.err")"
    fi
}

SIG='chunk-signature=[0-9a-f]\{64\}'
chunked_ok "aws-chunked PUT" "$work/cu-signed" 'chunked/multi%20chunk.bin' 'chunked/multi chunk.bin'
chunked_ok "aws-chunked PUT with a CRC32 trailer" "$work/cu-trailer" 'chunked/with%20trailer.bin' \
    'chunked/with trailer.bin' --trailer crc32
# the last hex digit of the first chunk's signature
chunked_refused "aws-chunked, first chunk signature tampered" "$work/cu-t1" chunked/t1.bin chunked/t1.bin \
    "$SIG" 79 first
# a data byte of the second chunk: 100 bytes after its header
chunked_refused "aws-chunked, one data byte of chunk 2 changed" "$work/cu-t2" chunked/t2.bin chunked/t2.bin \
    "$SIG" $((16 + 64 + 2 + CHUNK_SIZE + 2 + 88 + 100)) first
chunked_refused "aws-chunked, final chunk signature tampered" "$work/cu-t3" chunked/t3.bin chunked/t3.bin \
    "$SIG" 79 last
chunked_refused "aws-chunked, trailer signature tampered" "$work/cu-t4" chunked/t4.bin chunked/t4.bin \
    'x-amz-trailer-signature:[0-9a-f]\{64\}' 87 first --trailer crc32
chunked_refused "aws-chunked, trailer checksum value changed" "$work/cu-t5" chunked/t5.bin chunked/t5.bin \
    'x-amz-checksum-crc32:' 21 first --trailer crc32

# 9. POST forms: the fields of post_form --fields-only sent in order as
#    multipart/form-data (curl --form-string, the file last), then with a
#    tampered Policy or signature.
printf 'awsig POST form upload\r\n\xc3\xa9 +~\n' >"$work/post.txt"
head -c 2048 /dev/urandom >"$work/post-big.bin"
fields=
# fields_ok NAME [post_form options] -> sets $fields, or records a failure
fields_ok() {
    local name=$1
    shift
    if ! fields=$(post_form "$@" "$base/$BUCKET" 2>"$work/post_form.err"); then
        bad "$name: post_form failed: $(snippet "$work/post_form.err" 500)"; return 1
    fi
    fields=$(printf '%s\n' "$fields" | tr -d '\r' | sed '/^$/d')
    case "$fields" in
        *x-amz-signature=*) return 0 ;;
        *) bad "$name: post_form printed no x-amz-signature field: '$fields'"; return 1 ;;
    esac
}
field() { printf '%s\n' "$1" | sed -n "s/^$2=//p" | head -n 1; }
# with_field FIELDS NAME VALUE -> FIELDS with NAME's value replaced
with_field() { printf '%s\n' "$1" | awk -v n="$2=" -v v="$3" 'index($0, n) == 1 { print n v; next } { print }'; }
flip_last() { local s=$1; if [ "${s: -1}" = 0 ]; then echo "${s%?}1"; else echo "${s%?}0"; fi; }
# send_post FIELDS FILE -> status; every field as --form-string, in order, then the file
send_post() {
    local line args=()
    while IFS= read -r line; do
        [ -n "$line" ] && args+=(--form-string "$line")
    done <<<"$1"
    rm -f "$work/resp"
    curl -s -o "$work/resp" -w '%{http_code}' --max-time 30 "${args[@]}" -F "file=@$2" "$base/$BUCKET" || true
}
# post_refused NAME FIELDS FILE STATUS CODE KEY_RAW
post_refused() {
    local name=$1 code
    code=$(send_post "$2" "$3")
    if [ -e "$work/root/$BUCKET/$6" ] || [ "${code#2}" != "$code" ]; then
        skip "$name: s3s-fs ACCEPTED it (status $code); not verified by this server"
    elif [ "$code" = "$4" ] && grep -q "<Code>$5</Code>" "$work/resp"; then
        ok "$name: $code $5, nothing stored"
    else
        bad "$name: want $4 $5, got $code: $(snippet "$work/resp")"
    fi
}

post_key='post/form upload+é.txt'
if fields_ok "POST form" --key "$post_key" --max-size 1024; then
    post_fields=$fields
    code=$(send_post "$fields" "$work/post.txt")
    case "$code" in 2??) ok "POST form upload of '$post_key' ($code)" ;;
        *) bad "POST form upload of '$post_key': $code $(snippet "$work/resp")" ;; esac
    if cmp -s "$work/post.txt" "$work/root/$BUCKET/$post_key"; then
        ok "POST form: stored as '$post_key' with the original bytes"
    else
        bad "POST form: no file '$BUCKET/$post_key' with the uploaded bytes"
    fi
    if presign_ok "POST form: get" GET 300 "$base/$BUCKET/post/form%20upload%2B%C3%A9.txt"; then
        code=$(http GET "$signed")
        if [ "$code" = 200 ] && cmp -s "$work/post.txt" "$work/resp"; then
            ok "POST form: presigned GET returns the same bytes"
        else
            bad "POST form: presigned GET: $code $(snippet "$work/resp")"
        fi
    fi
    # the same form, for another key, with things changed
    tkey='post/tampered.txt'
    base_fields=$(with_field "$post_fields" key "$tkey")
    policy=$(field "$post_fields" policy)
    policy_json=$(printf '%s' "$policy" | base64 -d 2>/dev/null || true)
    changed_json=$(printf '%s' "$policy_json" | sed 's/"content-length-range", 0, 1024\]/"content-length-range", 0, 1048576]/')
    if [ -n "$policy_json" ] && [ "$changed_json" != "$policy_json" ]; then
        changed=$(printf '%s' "$changed_json" | base64 | tr -d '\n')
        post_refused "POST form, Policy changed (content-length-range 1024 -> 1048576, re-encoded)" \
            "$(with_field "$post_fields" policy "$changed")" \
            "$work/post-big.bin" 403 SignatureDoesNotMatch "$post_key.none"
        if cmp -s "$work/post.txt" "$work/root/$BUCKET/$post_key"; then
            ok "POST form, Policy changed: '$post_key' still holds the first upload"
        else
            bad "POST form, Policy changed: '$post_key' no longer holds the first upload"
        fi
    else
        bad "POST form: cannot decode the Policy or find its content-length-range: '$policy_json'"
    fi
    sig=$(field "$post_fields" x-amz-signature)
    post_refused "POST form, x-amz-signature tampered (last hex digit)" \
        "$(with_field "$base_fields" x-amz-signature "$(flip_last "$sig")")" "$work/post.txt" \
        403 SignatureDoesNotMatch "$tkey"
    post_refused "POST form, key changed outside the signed policy" "$base_fields" "$work/post.txt" \
        400 InvalidPolicyDocument "$tkey"
    post_refused "POST form, file larger than content-length-range" "$post_fields" "$work/post-big.bin" \
        400 EntityTooLarge "$post_key.none"
fi
if fields_ok "POST form, key prefix" --key-prefix 'post/prefix/' --field success_action_status=201; then
    want_key="post/prefix/\${filename}"   # literally
    if [ "$(field "$fields" key)" = "$want_key" ]; then
        ok "POST form, key prefix: key field is '$want_key'"
    else
        bad "POST form, key prefix: key field '$(field "$fields" key)', want '$want_key'"
    fi
    # s3s-fs does not substitute ${filename}: send the key a browser's S3 would make
    code=$(send_post "$(with_field "$fields" key 'post/prefix/post.txt')" "$work/post.txt")
    if [ "$code" = 201 ] && grep -q '<Key>post/prefix/post.txt</Key>' "$work/resp" \
        && cmp -s "$work/post.txt" "$work/root/$BUCKET/post/prefix/post.txt"; then
        ok "POST form, key prefix: 'post/prefix/post.txt' stored, 201 PostResponse (success_action_status)"
    else
        bad "POST form, key prefix: want 201 and the object, got $code: $(snippet "$work/resp")"
    fi
    post_refused "POST form, key outside the signed prefix" "$(with_field "$fields" key 'post/other.txt')" \
        "$work/post.txt" 400 InvalidPolicyDocument 'post/other.txt'
fi
if AWS_SECRET_ACCESS_KEY="x$SECRET_KEY" fields_ok "POST form, wrong secret" --key post/wrong-secret.txt; then
    post_refused "POST form signed with a wrong secret" "$fields" "$work/post.txt" \
        403 SignatureDoesNotMatch post/wrong-secret.txt
fi
recent_s=$(($(date +%s) - 10))
recent=$(date -u -d "@$recent_s" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -r "$recent_s" +%Y-%m-%dT%H:%M:%SZ)
if fields_ok "POST form, expired" --key post/expired.txt --time "$recent" --expires 1; then
    post_refused "POST form signed at $recent for 1 s (expired)" "$fields" "$work/post.txt" \
        403 AccessDenied post/expired.txt
fi

if [ "$skipped" -gt 0 ]; then echo "# $skipped skipped: the server accepted what it should refuse"; fi
# 10. S3's Signature Version 2 (awsig's s3::v2, the sigv2 tool): presigned
# PUT and GET, a header-signed GET, and a tampered signature refused.
v2_key='v2/sig%20v2+file.txt'
v2_url="$base/$BUCKET/$v2_key"
printf 'awsig sigv2 %s' "$(rand_hex 16)" >"$work/v2.bin"
# Content-Type is signed (curl would send its own for --data-binary).
if v2_put=$(sigv2 presign PUT 300 "$v2_url" --header 'Content-Type: text/plain' 2>"$work/v2.err"); then
    code=$(http PUT "$v2_put" --data-binary "@$work/v2.bin" -H 'Content-Type: text/plain')
    case "$code" in 2??) ok "SigV2 presigned PUT ($code)" ;;
        *) bad "SigV2 presigned PUT: $code $(snippet "$work/resp")" ;; esac
else
    bad "sigv2 presign PUT failed: $(snippet "$work/v2.err")"
fi
if v2_get=$(sigv2 presign GET 300 "$v2_url" 2>"$work/v2.err"); then
    code=$(http GET "$v2_get")
    if [ "$code" = 200 ] && cmp -s "$work/v2.bin" "$work/resp"; then
        ok "SigV2 presigned GET returns the uploaded bytes"
    else
        bad "SigV2 presigned GET: $code $(snippet "$work/resp")"
    fi
    sig=$(printf '%s' "$v2_get" | sed -n 's/.*[?&]Signature=\([^&]*\).*/\1/p')
    if [ -n "$sig" ]; then
        first=${sig:0:1}
        if [ "$first" = A ]; then flip=B; else flip=A; fi
        expect_403 "SigV2 presigned GET, Signature's first character $first -> $flip" \
            "${v2_get/Signature=$sig/Signature=$flip${sig:1}}" SignatureDoesNotMatch
    else
        bad "no Signature in '$v2_get'"
    fi
else
    bad "sigv2 presign GET failed: $(snippet "$work/v2.err")"
fi
if v2_headers=$(sigv2 headers GET "$v2_url" 2>"$work/v2.err"); then
    args=()
    while IFS= read -r line; do [ -n "$line" ] && args+=(-H "$line"); done <<<"$v2_headers"
    code=$(http GET "$v2_url" "${args[@]}")
    if [ "$code" = 200 ] && cmp -s "$work/v2.bin" "$work/resp"; then
        ok "SigV2 header-signed GET (Authorization: AWS ...)"
    else
        bad "SigV2 header-signed GET: $code $(snippet "$work/resp")"
    fi
    code=$(http GET "$base/$BUCKET/v2/other.txt" "${args[@]}")
    if [ "$code" = 403 ] && grep -q "<Code>SignatureDoesNotMatch</Code>" "$work/resp"; then
        ok "SigV2 header signature sent for another key: 403 SignatureDoesNotMatch"
    else
        bad "SigV2 header signature on another key: want 403 SignatureDoesNotMatch, got $code $(snippet "$work/resp")"
    fi
else
    bad "sigv2 headers failed: $(snippet "$work/v2.err")"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
