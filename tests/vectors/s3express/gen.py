#!/usr/bin/env python3
"""The S3 Express One Zone session auth corpora, signed by botocore's own
signers for directory buckets:

    python3 tests/vectors/s3express/gen.py > tests/vectors/s3express.jsonl
    python3 tests/vectors/s3express/gen.py --post > tests/vectors/s3express-post.jsonl

The first writes `s3express-v4-header` / `s3express-v4-query` cases (the
conformance protocol's schemes, `{"case": ..., "expected": ...}` lines)
signed by `botocore.auth.S3ExpressAuth` (header: the session token as the
signed header `x-amz-s3session-token`) and `S3ExpressQueryAuth`
(presigned: the signed parameter `X-Amz-S3session-Token`). `--post` writes
browser POST forms signed by `S3ExpressPostAuth` (the token as the field
and condition `X-Amz-S3session-Token`), in the format of
`tests/vectors/post/post-policy.jsonl`: the case (bucket, key, expires_in,
time, region, credentials, conditions, fields) and the expected base64
policy, signature and form fields.

Source: the way botocore is driven (the clock frozen as botocore's tests
do it, the canonical request, string to sign and signature captured from
the signer's own methods, the query passed as decoded `params`, added
headers as the headers present after signing that were not before) is
adapted from the shared conformance oracle (`shared/conformance/oracle.py`,
`BotocoreEngine._sign_v4`); the POST policy is built as botocore's
`S3PostPresigner.generate_presigned_post` builds it (user conditions, then
the bucket, then the key) and signed by `S3ExpressPostAuth.add_auth`, since
a client for a directory bucket would first call `CreateSession` over the
network. Nothing of the signing is reimplemented.

Needs botocore (1.44.5 wrote the committed files). Cases: virtual-hosted
directory bucket endpoints (and a few path-style / local hosts), GET, PUT,
POST, DELETE, HEAD, keys encoded as SDKs encode them (RFC 3986, `/` kept,
uppercase hex), sub-resources and other query parameters, extra headers
(`Content-Type`, `x-amz-meta-*`, checksums, repeated and mixed-case
names), payload hashed, `UNSIGNED-PAYLOAD` or a given hash (header
scheme; presigned URLs always sign `UNSIGNED-PAYLOAD`), session tokens of
several shapes (with `+`, `/`, `=` that a URL must encode), expiries from 1
second to 7 days. No case carries `Date`, `X-Amz-Date`, `Authorization`,
a token header or a token parameter already. The output is the same on
every run (fixed seed).
"""
import base64
import datetime
import hashlib
import json
import random
import sys
import types
from unittest import mock
from urllib.parse import quote, urlsplit

import botocore.auth as A
import botocore.compat
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

# Session credentials as CreateSession returns them (made up).
AKIDS = ["ASIARXYZSESSIONEXMPL", "ASIAQ3EGRSN4EXAMPLE7", "AKIDEXAMPLE"]
SECRETS = ["wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "s3xSecret/with+plus=Q", "b4Kq7Zb1xv0yM4oYlQn2Zr9XH0EXAMPLESECRET"]
TOKENS = [
    "AgAAAHnSrDf2Mk4XyTiP0aRkA3Q8Y6gZ1sUvWmEnLhJcIbFdOqKpN5tBzGy7xV2C9uHwMiA0e1f3j4k6l8m2n5p7r9s1t3v5w7y9AQIDBAUGBwgJCgsMDQ4P",
    "IQoJb3JpZ2luX2VjEBoaCXVzLWVhc3QtMiJHMEUCIQAvFvx7/+TWScuT/QLhFHpW/5yOBS4zNDqLBrjjp8COfZEb23Gd3Q9jGMVF==",
    "session-token",
    "a+b/c=d+e/f==",
    "tok%25en~with.unreserved_and-escape",
    "X" * 600,
]
REGIONS = [("us-west-2", "usw2-az1"), ("us-east-1", "use1-az4"), ("eu-north-1", "eun1-az3"), ("ap-northeast-1", "apne1-az4")]
KEYS = ["photos/puppy.jpg", "a b+c.txt", "dir/sub/\u00e9.bin", "~tilde/(1)!.txt", "k", "deep/" * 5 + "x",
        "with%percent", "2026/12/03 report.pdf", "emoji/\U0001f600.png", "q?mark&amp=eq.txt", "semi;colon,comma",
        "dots/./and/../kept", "double//slash", "unicode/\u65e5\u672c\u8a9e/\u30d5\u30a1\u30a4\u30eb", "*star*'quote'"]
QUERIES = [[], [("acl", "")], [("versionId", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY")], [("uploads", "")],
           [("uploadId", "VXBsb2FkIElE"), ("partNumber", "3")], [("tagging", "")],
           [("response-content-type", "text/plain"), ("response-content-disposition", 'attachment; filename="a.txt"')],
           [("prefix", "photos/"), ("delimiter", "/"), ("list-type", "2")], [("x-id", "GetObject")],
           [("continuation-token", "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")], [("attributes", "")],
           [("b", "2"), ("a", "1"), ("a", "0")], [("renameObject", ""), ("x-id", "RenameObject")], [("session", "")]]
EXTRA = [("Content-Type", "application/octet-stream"), ("x-amz-meta-author", "Jane Doe"),
         ("X-Amz-Meta-Case", "  padded   value  "), ("x-amz-checksum-crc32", "AAAAAA=="),
         ("x-amz-storage-class", "EXPRESS_ONEZONE"), ("x-amz-meta-author", "John"), ("Content-Encoding", "gzip"),
         ("x-amz-server-side-encryption", "AES256"), ("If-None-Match", "*"), ("Cache-Control", "max-age=60"),
         ("x-amz-sdk-checksum-algorithm", "CRC32"), ("Range", "bytes=0-99"), ("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==")]
EXPIRES = [1, 60, 300, 900, 3600, 86400, 604800]
UNSIGNED = "UNSIGNED-PAYLOAD"


def frozen(when):
    """botocore's tests' FreezeTime: datetime.datetime patched so that now()
    (read by botocore.compat.get_current_datetime) is the case time."""
    patch = mock.patch.object(datetime, "datetime", mock.Mock(wraps=datetime.datetime))

    class Ctx:
        def __enter__(self):
            m = patch.start()
            m.now.return_value = when
            m.utcnow.return_value = when

        def __exit__(self, *exc):
            patch.stop()

    return Ctx()


def rfc3339(when):
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def enc(text):
    return quote(text, safe="-_.~")


def make_case(rng, i, scheme):
    region, az = rng.choice(REGIONS)
    bucket = f"{rng.choice(['logs', 'media', 'bkt-1', 'a1'])}--{az}--x-s3"
    style = rng.random()
    key_path = "/" + quote(rng.choice(KEYS), safe="/~")
    if style < 0.8:
        host, path = f"{bucket}.s3express-{az}.{region}.amazonaws.com", key_path
    elif style < 0.9:
        host, path = f"s3express-{az}.{region}.amazonaws.com", f"/{bucket}{key_path}"
    else:
        host, path = rng.choice(["127.0.0.1:9000", "localhost:8014"]), f"/{bucket}{key_path}"
    if rng.random() < 0.05:
        path = f"/{bucket}" if style >= 0.8 else "/"
    query = [] if rng.random() < 0.3 else rng.choice(QUERIES)
    target = path + ("?" + "&".join(f"{enc(k)}={enc(v)}" if v or rng.random() < 0.5 else enc(k)
                                    for k, v in query) if query else "")
    header = scheme == "s3express-v4-header"
    method = rng.choice(["GET", "GET", "PUT", "PUT", "POST", "DELETE", "HEAD"])
    headers = [["Host", host]]
    for _ in range(rng.choice([0, 0, 1, 2, 3, 4])):
        n, v = rng.choice(EXTRA)
        if rng.random() < 0.2:
            n = n.upper() if rng.random() < 0.5 else n.lower()
        headers.append([n, v])
    body = b""
    payload = None
    if header and method in ("PUT", "POST"):
        body = rng.choice([b"", b"hello", b"x" * 1000, bytes(range(256)), "\u00e9t\u00e9\n".encode()])
    if header:
        r = rng.random()
        if r < 0.25:
            payload = UNSIGNED
        elif r < 0.35:
            payload = hashlib.sha256(body + b"!").hexdigest()
    start = datetime.datetime(2023, 11, 28, tzinfo=datetime.timezone.utc)
    when = start + datetime.timedelta(seconds=rng.randrange(0, 7 * 365 * 86400))
    return {
        "id": f"{scheme}-{i}",
        "scheme": scheme,
        "request": {"method": method, "target": target, "headers": headers,
                    "body_b64": base64.b64encode(body).decode()},
        "credentials": {"access_key_id": rng.choice(AKIDS), "secret_access_key": rng.choice(SECRETS),
                        "session_token": rng.choice(TOKENS)},
        "region": region,
        "service": "s3express",
        "time": rfc3339(when),
        "expires_in": None if header else rng.choice(EXPIRES),
        "payload": payload,
    }, query


def sign(case, pairs):
    creds = case["credentials"]
    creds = Credentials(creds["access_key_id"], creds["secret_access_key"], creds["session_token"])
    req_in = case["request"]
    header = case["scheme"] == "s3express-v4-header"
    path = req_in["target"].partition("?")[0]
    host = req_in["headers"][0][1]
    url = f"https://{host}{path}"
    body = base64.b64decode(req_in["body_b64"])
    if header:
        signer = A.S3ExpressAuth(creds, case["service"], case["region"], identity_cache=None)
        req = AWSRequest(method=req_in["method"], url=url, data=body, params=list(pairs))
    else:
        signer = A.S3ExpressQueryAuth(creds, case["service"], case["region"], identity_cache=None,
                                      expires=case["expires_in"])
        params = {}
        for k, v in pairs:
            params.setdefault(k, []).append(v)
        req = AWSRequest(method=req_in["method"], url=url, data=b"", params=params)
    assert urlsplit(url).path == path, path
    for n, v in req_in["headers"]:
        req.headers[n] = v
    if header:
        if case["payload"] == UNSIGNED:
            enabled = False
        else:
            enabled = True
            if case["payload"] is not None:
                fixed = case["payload"]
                signer.payload = lambda request: fixed
        req.context["client_config"] = types.SimpleNamespace(s3={"payload_signing_enabled": enabled})
    got = {}
    for name in ("canonical_request", "string_to_sign", "signature"):
        original = getattr(signer, name)

        def wrapper(*args, _name=name, _original=original, **kwargs):
            got[_name] = _original(*args, **kwargs)
            return got[_name]

        setattr(signer, name, wrapper)
    when = datetime.datetime.strptime(case["time"], "%Y-%m-%dT%H:%M:%SZ")
    before = {n.lower(): v for n, v in req_in["headers"]}
    with frozen(when):
        signer.add_auth(req)
    expected = {"canonical_request": got["canonical_request"], "string_to_sign": got["string_to_sign"],
                "signature": got["signature"], "authorization": None, "signed_target": None,
                "added_headers": None, "error": None}
    if header:
        expected["authorization"] = req.headers["Authorization"]
        expected["added_headers"] = [[n, v] for n, v in req.headers.items() if n.lower() not in before]
        assert not any(n.lower() == "x-amz-security-token" for n, _ in req.headers.items())
    else:
        parts = urlsplit(req.url)
        assert parts.path == path
        expected["signed_target"] = path + "?" + parts.query
        assert "X-Amz-S3session-Token=" in parts.query and "X-Amz-Security-Token" not in parts.query
    return expected


POST_CASES = [
    {"bucket": "media--usw2-az1--x-s3", "key": "uploads/photo.jpg", "expires_in": 300, "region": "us-west-2",
     "conditions": [], "fields": []},
    {"bucket": "logs--use1-az4--x-s3", "key": "user/user1/${filename}", "expires_in": 604800, "region": "us-east-1",
     "conditions": [["content-length-range", 1, 10485760], ["starts-with", "$Content-Type", "image/"],
                    {"success_action_status": "201"}, {"x-amz-meta-uuid": "14365123651274"},
                    ["starts-with", "$x-amz-meta-tag", ""]],
     "fields": [["success_action_status", "201"], ["x-amz-meta-uuid", "14365123651274"]]},
    {"bucket": "bkt-1--eun1-az3--x-s3", "key": "dir/na\u00efve \"quoted\" \\ caf\u00e9 \U0001f600.txt",
     "expires_in": 60, "region": "eu-north-1", "conditions": [{"x-amz-meta-note": "tab\there \u2028 line"}],
     "fields": [["x-amz-meta-note", "tab\there \u2028 line"]]},
    {"bucket": "a1--apne1-az4--x-s3", "key": "k", "expires_in": 3600, "region": "ap-northeast-1",
     "conditions": [{"acl": "private"}, {"Content-Type": "text/plain"}],
     "fields": [["acl", "private"], ["Content-Type", "text/plain"]]},
]


def post_lines(rng):
    for i, c in enumerate(POST_CASES * 3):
        token = TOKENS[i % len(TOKENS)]
        akid, secret = AKIDS[i % len(AKIDS)], SECRETS[i % len(SECRETS)]
        start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
        when = start + datetime.timedelta(seconds=rng.randrange(0, 6 * 365 * 86400))
        fields = dict(c["fields"])
        conditions = list(c["conditions"])
        with frozen(when.replace(tzinfo=None)):
            # S3PostPresigner.generate_presigned_post and its caller.
            policy = {"expiration": (botocore.compat.get_current_datetime()
                                     + datetime.timedelta(seconds=c["expires_in"])).strftime(A.ISO8601)}
            conditions.append({"bucket": c["bucket"]})
            if c["key"].endswith("${filename}"):
                conditions.append(["starts-with", "$key", c["key"][: -len("${filename}")]])
            else:
                conditions.append({"key": c["key"]})
            fields["key"] = c["key"]
            policy["conditions"] = conditions
            req = AWSRequest(method="POST", url=f"https://{c['bucket']}.s3express.example/")
            req.context["s3-presign-post-fields"] = fields
            req.context["s3-presign-post-policy"] = policy
            A.S3ExpressPostAuth(Credentials(akid, secret, token), "s3express", c["region"],
                                identity_cache=None).add_auth(req)
        fields = req.context["s3-presign-post-fields"]
        case = {"id": f"s3express-post-{i}", "bucket": c["bucket"], "key": c["key"], "expires_in": c["expires_in"],
                "time": rfc3339(when), "region": c["region"], "service": "s3express",
                "credentials": {"access_key_id": akid, "secret_access_key": secret, "session_token": token},
                "conditions": c["conditions"], "fields": c["fields"]}
        expected = {"policy": fields["policy"], "signature": fields["x-amz-signature"],
                    "fields": list(fields.items())}
        assert "X-Amz-S3session-Token" in fields and "x-amz-security-token" not in fields
        yield {"case": case, "expected": expected}


def main(argv):
    rng = random.Random(18)
    if argv[1:] == ["--post"]:
        for line in post_lines(rng):
            print(json.dumps(line))
        return 0
    for i in range(360):
        scheme = "s3express-v4-header" if i % 2 == 0 else "s3express-v4-query"
        case, pairs = make_case(rng, i, scheme)
        print(json.dumps({"case": case, "expected": sign(case, pairs)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
