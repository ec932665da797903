#!/usr/bin/env python3
"""SigV4a: awsig against aws-c-auth (through awscrt), in one run.

The request is W2 (benches/README.md): S3 GET of
`photos/2020/12/my holiday+file.jpg`, presigned for an hour,
`UNSIGNED-PAYLOAD`, AWS's example keys, 2020-12-18T22:52:43Z, region set
`*`. Timed in turns, round after round:

  awsig        the conformance runner signing the case N times with a
               cached key (`--repeat N`, release build, feature `sigv4a`):
               (time(N) - time(0)) / N, so that process start-up cancels
  crt-v4a      awscrt.auth.aws_sign_request, algorithm V4_ASYMMETRIC
  crt-v4       the same call with algorithm V4 (SigV4)

aws-c-auth's own cost of a SigV4a signature is estimated as crt-v4a minus
crt-v4 (the Python call, the request object and the SigV4 part are common
to both), as the issue that asked for this measurement allows.

Before timing: the runner's URL must equal the one it expects for the case
structure (same credential, signed headers, region set), and both URLs,
awsig's and aws-c-auth's, must verify under awsig's verifier
(`conformance --verify-raw`, which checks the ECDSA signature with the
public key derived from the secret).

    python benches/sigv4a_crt.py [--rounds R] [--repeat N] [--crt-calls C]

Needs `pip install awscrt` and builds nothing itself: run
`cargo build --release --example conformance` first.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from urllib.parse import parse_qsl, urlsplit

from awscrt import auth, http

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNNER = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")),
                      "release", "examples", "conformance")
AKID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
HOST = "examplebucket.s3.amazonaws.com"
TARGET = "/photos/2020/12/my%20holiday%2Bfile.jpg"
WHEN = datetime.datetime(2020, 12, 18, 22, 52, 43, tzinfo=datetime.timezone.utc)
REGION_SET = "*"

CASE = {
    "id": "bench/W2-sigv4a",
    "scheme": "v4a-query",
    "request": {"method": "GET", "target": TARGET, "headers": [["Host", HOST]], "body_b64": ""},
    "credentials": {"access_key_id": AKID, "secret_access_key": SECRET, "session_token": None},
    "region": REGION_SET,
    "region_set": REGION_SET,
    "service": "s3",
    "time": WHEN.strftime("%Y-%m-%dT%H:%M:%SZ"),
    "expires_in": 3600,
    "payload": "UNSIGNED-PAYLOAD",
    "normalize_path": False,
    "double_encode_path": False,
}


def run_awsig(repeat):
    """Seconds the runner takes for the case with `--repeat repeat`, and
    its result."""
    line = json.dumps(CASE) + "\n"
    start = time.perf_counter()
    out = subprocess.run([RUNNER, "--repeat", str(repeat)], input=line, capture_output=True,
                         text=True, check=True).stdout
    return time.perf_counter() - start, json.loads(out)


def crt_signer(algorithm):
    config = auth.AwsSigningConfig(
        algorithm=algorithm,
        signature_type=auth.AwsSignatureType.HTTP_REQUEST_QUERY_PARAMS,
        credentials_provider=auth.AwsCredentialsProvider.new_static(AKID, SECRET),
        region=REGION_SET if algorithm == auth.AwsSigningAlgorithm.V4_ASYMMETRIC else "us-east-1",
        service="s3",
        date=WHEN,
        use_double_uri_encode=False,
        should_normalize_uri_path=False,
        signed_body_value=auth.AwsSignedBodyValue.UNSIGNED_PAYLOAD,
        expiration_in_seconds=3600,
    )

    def sign():
        request = http.HttpRequest("GET", TARGET, http.HttpHeaders([("Host", HOST)]))
        return auth.aws_sign_request(request, config).result().path

    return sign


def verify_raw(target):
    """awsig's verifier on a received presigned URL (at its signing time)."""
    line = {
        "id": "check",
        "received": {"method": "GET", "target": target, "headers": [["Host", HOST]], "body_b64": ""},
        "secrets": [{"access_key_id": AKID, "secret_access_key": SECRET, "session_token": None,
                     "v4a": True}],
        "policy": {"now": CASE["time"], "service": "s3"},
        "body": "unread",
    }
    out = subprocess.run([RUNNER, "--verify-raw"], input=json.dumps(line) + "\n", capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out)


def check(crt_v4a):
    _, ours = run_awsig(0)
    theirs = crt_v4a()
    if ours.get("error"):
        sys.exit(f"awsig refused the case: {ours['error']}")
    params = [dict(parse_qsl(urlsplit(t).query)) for t in (ours["signed_target"], theirs)]
    for name in ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
                 "X-Amz-SignedHeaders", "X-Amz-Region-Set"):
        if params[0].get(name) != params[1].get(name):
            sys.exit(f"{name} differs: awsig {params[0].get(name)!r}, aws-c-auth {params[1].get(name)!r}")
    for who, target in (("awsig", ours["signed_target"]), ("aws-c-auth", theirs)):
        result = verify_raw(target)
        if not result.get("accepted"):
            sys.exit(f"awsig's verifier refuses {who}'s URL: {result}")
    print(f"same request: {params[0]['X-Amz-Algorithm']}, credential {params[0]['X-Amz-Credential']}, "
          f"region set {params[0]['X-Amz-Region-Set']!r}; both URLs verify (public key)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=2000, help="awsig signatures per round")
    parser.add_argument("--crt-calls", type=int, default=2000, help="aws-c-auth signatures per round")
    args = parser.parse_args()
    crt_v4a = crt_signer(auth.AwsSigningAlgorithm.V4_ASYMMETRIC)
    crt_v4 = crt_signer(auth.AwsSigningAlgorithm.V4)
    check(crt_v4a)

    rows = {"awsig (cached key)": [], "aws-c-auth SigV4a (awscrt)": [], "aws-c-auth SigV4 (awscrt)": []}
    for _ in range(args.rounds):
        base, _ = run_awsig(0)
        full, _ = run_awsig(args.repeat)
        rows["awsig (cached key)"].append((full - base) / args.repeat)
        for name, sign in (("aws-c-auth SigV4a (awscrt)", crt_v4a), ("aws-c-auth SigV4 (awscrt)", crt_v4)):
            start = time.perf_counter()
            for _ in range(args.crt_calls):
                sign()
            rows[name].append((time.perf_counter() - start) / args.crt_calls)
    # The estimate, per round: SigV4a minus SigV4 through the same path.
    rows["aws-c-auth SigV4a, estimated (v4a - v4)"] = [
        a - b for a, b in zip(rows["aws-c-auth SigV4a (awscrt)"], rows["aws-c-auth SigV4 (awscrt)"])]
    ratios = [a / c for a, c in zip(rows["awsig (cached key)"], rows["aws-c-auth SigV4a, estimated (v4a - v4)"])]

    load = os.getloadavg()[0]
    print(f"\n{args.rounds} rounds, load average {load:.2f}; per signature\n")
    print("| W2 presigned with SigV4a | best | median |")
    print("| --- | ---: | ---: |")
    for name, times in rows.items():
        print(f"| {name} | {min(times) * 1e6:.1f} µs | {statistics.median(times) * 1e6:.1f} µs |")
    print(f"\nawsig / aws-c-auth's estimated SigV4a cost: median of the per-round ratios "
          f"{statistics.median(ratios):.2f} (best round {min(ratios):.2f}; target <= 2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
