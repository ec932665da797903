#!/usr/bin/env python3
"""The `s3-v2-header` / `s3-v2-query` corpus (`tests/vectors/s3-v2.jsonl`):
generated cases signed by botocore's own S3 Signature Version 2 signers,
`botocore.auth.HmacV1Auth` (header) and `HmacV1QueryAuth` (presigned), in
the conformance protocol's format (`{"case": ..., "expected": ...}` lines).

    python3 tests/vectors/s3-v2/gen.py > tests/vectors/s3-v2.jsonl
    python3 tests/vectors/s3-v2/gen.py --post > tests/vectors/s3-v2-post.jsonl

`--post` writes browser POST forms signed by `HmacV1PostAuth` (through
`generate_presigned_post` of an S3 client configured with
`signature_version='s3'`): `{"id", "credentials", "fields"}` lines, the
form fields as botocore returns them (`policy`, `signature`,
`AWSAccessKeyId`, `x-amz-security-token` ...).

Needs botocore (1.44.5 wrote the committed file). Like the shared
`oracle.py`, the signer runs at the case's time (`time.time` patched while
it signs: botocore reads the clock for `Date` and `Expires`) and its string
to sign is captured from `sign_string`; nothing is reimplemented. Case
choices follow the protocol's `s3-v2-*` schemes: path-style targets with
keys encoded as SDKs encode them, sub-resources and other query
parameters, `Content-Type` / `Content-MD5` / `x-amz-*` headers (repeated,
mixed case; repeated only in header cases: see make_case), session
tokens or not. No case carries `Date`, `x-amz-date`
or `Authorization` (botocore replaces the first and ignores the rule S3
has for the second). The output is the same on every run (fixed seed).
"""
import base64
import calendar
import hashlib
import json
import random
import sys
from unittest import mock
from urllib.parse import quote, urlsplit

import botocore
from botocore.auth import HmacV1Auth, HmacV1QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = ("IQoJb3JpZ2luX2VjEBoaCXVzLWVhc3QtMiJHMEUCIQAvFvx7TWScuT/QLhFHpW/5yOBS4zNDqLBrjjp8COfZEb23Gd3Q9jGMVF/X25vb46Zc75AwZ9JYJcsy1beVsR3aWaFJxlIB"
         "/NLQ2QpN5sgQbVhaOEme1EiP0Eask/dAkNZ36kX9SD6Ct3QMBBHW3icHewZt2PRWFEXeIsMyRDsrTknGVtBKuQ7lZSDejpvROHM/HAJN1hgR1dNN1H8NEWWFAJLZNCMRYtmHQwcuC1IToUPLez6mSKa+Fo5oY1ol/Q==")
HOSTS = ["s3.amazonaws.com", "s3.us-west-2.amazonaws.com", "127.0.0.1:9000", "minio.example.com"]
KEYS = ["photos/puppy.jpg", "a b+c.txt", "dir/sub/é.bin", "~tilde/(1)!.txt", "k", "deep/" * 5 + "x", "with%percent", "2026/12/03 report.pdf"]
QUERIES = ["", "acl", "acl=", "versionId=3HL4kqtJlcpXroDTDmJ%2BrmSpXd3dIbrHY", "uploads", "uploadId=VXBsb2FkIElE&partNumber=3",
           "tagging", "response-content-type=text%2Fplain&response-content-disposition=attachment%3B%20filename%3D%22a.txt%22",
           "prefix=photos%2F&delimiter=%2F", "list-type=2&max-keys=10", "torrent&x-id=GetObjectTorrent", "delete",
           "versioning", "lifecycle", "select&select-type=2", "website", "cors", "policy"]
AMZ = [("x-amz-meta-author", "Jane Doe"), ("X-Amz-Meta-Case", "  padded  "), ("x-amz-acl", "public-read"),
       ("x-amz-storage-class", "STANDARD_IA"), ("x-amz-meta-author", "John"), ("x-amz-server-side-encryption", "AES256"),
       ("X-AMZ-META-UPPER", "v"), ("x-amz-tagging", "a=b&c=d")]


def rfc3339(ts):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def make_case(rng, i, scheme):
    method = rng.choice(["GET", "PUT", "HEAD", "DELETE", "POST", "GET", "PUT"])
    bucket = rng.choice(["examplebucket", "my.bucket", "b-1"])
    key = rng.choice(KEYS)
    target = "/" + bucket + "/" + quote(key, safe="/~")
    query = rng.choice(QUERIES)
    if query:
        target += "?" + query
    headers = [["Host", rng.choice(HOSTS)]]
    if rng.random() < 0.5:
        headers.append(["Content-Type", rng.choice(["text/plain", "application/octet-stream", " image/jpeg "])])
    if rng.random() < 0.3:
        md5 = base64.b64encode(hashlib.md5(str(i).encode()).digest()).decode()
        headers.append(["Content-MD5", md5])
    for h in rng.sample(AMZ, rng.randrange(0, 4)):
        # botocore's presigner puts one value of a repeated header in the
        # URL (a dict) but signs all of them: such a URL cannot verify, so
        # repeated names are for header signing only.
        if scheme == "s3-v2-query" and any(n.lower() == h[0].lower() for n, _ in headers):
            continue
        headers.append(list(h))
    if rng.random() < 0.2:
        headers.append(["User-Agent", "curl/8.0"])
    ts = 1_764_763_200 + rng.randrange(0, 400 * 86400)
    token = TOKEN if rng.random() < 0.35 else None
    case = {
        "id": f"{scheme}-{i}", "scheme": scheme,
        "request": {"method": method, "target": target, "headers": headers, "body_b64": ""},
        "credentials": {"access_key_id": AKID, "secret_access_key": SECRET, "session_token": token},
        "region": "us-east-1", "service": "s3", "time": rfc3339(ts),
        "expires_in": rng.choice([1, 60, 900, 3600, 86400, 604800]) if scheme == "s3-v2-query" else None,
        "payload": None,
    }
    return case, ts


def sign(case, ts):
    req = case["request"]
    creds = Credentials(case["credentials"]["access_key_id"], case["credentials"]["secret_access_key"],
                        case["credentials"]["session_token"])
    host = next(v for n, v in req["headers"] if n.lower() == "host")
    request = AWSRequest(method=req["method"], url="https://" + host + req["target"])
    for n, v in req["headers"]:
        request.headers[n] = v  # HTTPHeaders appends: repeated names kept
    before = [n.lower() for n, _ in req["headers"]]
    query = case["scheme"] == "s3-v2-query"
    signer = HmacV1QueryAuth(creds, expires=case["expires_in"]) if query else HmacV1Auth(creds)
    captured = []
    original = signer.sign_string

    def capture(string_to_sign):
        captured.append(string_to_sign)
        return original(string_to_sign)

    signer.sign_string = capture
    with mock.patch("time.time", return_value=float(ts)):
        signer.add_auth(request)
    signature = original(captured[0])
    result = {"id": case["id"], "canonical_request": None, "string_to_sign": captured[0], "signature": signature,
              "authorization": None, "signed_target": None, "added_headers": None, "error": None}
    if query:
        p = urlsplit(request.url)
        result["signed_target"] = p.path + ("?" + p.query if p.query else "")
    else:
        result["authorization"] = request.headers["Authorization"]
        result["added_headers"] = [[n, v] for n, v in request.headers.items() if n.lower() not in before]
    return result


def post_forms():
    import datetime

    import boto3
    from botocore.config import Config
    rows = []
    for i, (token, conditions, fields) in enumerate([
        (None, None, None),
        (TOKEN, [["content-length-range", 1, 1048576]], None),
        (None, [{"acl": "public-read"}, ["starts-with", "$Content-Type", "image/"]], {"acl": "public-read"}),
        (TOKEN, [{"success_action_status": "201"}], {"success_action_status": "201"}),
    ]):
        session = boto3.session.Session(aws_access_key_id=AKID, aws_secret_access_key=SECRET,
                                        aws_session_token=token, region_name="us-east-1")
        client = session.client("s3", config=Config(signature_version="s3"))
        now = datetime.datetime(2025, 12, 3, 12, 0, 0)
        with mock.patch("botocore.signers.get_current_datetime", return_value=now):
            post = client.generate_presigned_post("examplebucket", f"uploads/{i}/${{filename}}",
                                                  Fields=fields, Conditions=conditions, ExpiresIn=3600)
        rows.append({"id": f"s3-v2-post-{i}",
                     "credentials": {"access_key_id": AKID, "secret_access_key": SECRET, "session_token": token},
                     "fields": post["fields"]})
    return rows


def main():
    if sys.argv[1:] == ["--post"]:
        for row in post_forms():
            print(json.dumps(row, sort_keys=True))
        return
    rng = random.Random(18)
    out = []
    for i in range(60):
        for scheme in ("s3-v2-header", "s3-v2-query"):
            case, ts = make_case(rng, i, scheme)
            out.append({"case": case, "expected": sign(case, ts)})
    for row in out:
        print(json.dumps(row, ensure_ascii=False, sort_keys=True))
    print(f"botocore {botocore.__version__}: {len(out)} cases", file=sys.stderr)


if __name__ == "__main__":
    main()
