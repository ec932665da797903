"""Generates tests/vectors/verify-raw/findings.jsonl: for each of the ten
findings of the verifier's security review (issue "Verification a server
can trust"), requests as a server receives them, in the `--verify-raw`
format of the conformance protocol ("Receiving side"), each with what the
server must answer: a refused attack and a valid control.

Every signature comes from botocore (1.44.5; SigV4a through awscrt), or from
AWS's documentation (the aws-chunked example), never from awsig. The
expected answers are the rules, written by hand below. Run from the
repository root with a Python that has botocore and awscrt:

    python tests/vectors/verify-raw/gen.py > tests/vectors/verify-raw/findings.jsonl
"""

import base64
import datetime
import json
import sys
from unittest import mock
from urllib.parse import quote

from botocore.auth import (
    S3SigV4Auth,
    S3SigV4PostAuth,
    S3SigV4QueryAuth,
    SigV2Auth,
    SigV4Auth,
)
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TEMP_AKID = "ASIAEXAMPLE"
TOKEN = "FwoGZXIvYXdzEXAMPLETOKEN//+=="
NOW = datetime.datetime(2015, 8, 30, 12, 36, 0)
NOW_TEXT = "2015-08-30T12:36:00Z"


def frozen():
    """botocore's clock, frozen at NOW (as botocore's tests do)."""
    patch = mock.patch.object(datetime, "datetime", mock.Mock(wraps=datetime.datetime))

    class Ctx:
        def __enter__(self):
            m = patch.start()
            m.now.return_value = NOW
            m.utcnow.return_value = NOW

        def __exit__(self, *exc):
            patch.stop()

    return Ctx()


def creds(temp=False):
    if temp:
        return Credentials(TEMP_AKID, SECRET, TOKEN)
    return Credentials(AKID, SECRET)


def split(url):
    """The request-target of a URL."""
    rest = url.split("://", 1)[1]
    return "/" + rest.split("/", 1)[1] if "/" in rest else "/"


def header_signed(auth_cls, service, method, url, headers, body=b"", temp=False, region="us-east-1"):
    req = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
    with frozen():
        auth_cls(creds(temp), service, region).add_auth(req)
    return {
        "method": method,
        "target": split(url),
        "headers": [[k, v if isinstance(v, str) else v.decode()] for k, v in req.headers.items()],
        "body_b64": base64.b64encode(body).decode(),
    }


def presigned(auth_cls, service, method, url, headers, expires=300, temp=False):
    req = AWSRequest(method=method, url=url, headers=dict(headers))
    with frozen():
        auth_cls(creds(temp), service, "us-east-1", expires=expires).add_auth(req)
    return {
        "method": method,
        "target": split(req.url),
        "headers": [[k, v] for k, v in headers.items()],
        "body_b64": "",
    }


def sigv2_form(params, host="sqs.us-east-1.amazonaws.com", path="/123456789012/queue", temp=False):
    req = AWSRequest(method="POST", url=f"https://{host}{path}", data=dict(params))
    gm = NOW.utctimetuple()
    with frozen(), mock.patch("botocore.auth.time.gmtime", mock.Mock(return_value=gm)):
        SigV2Auth(creds(temp)).add_auth(req)
    # botocore form-encodes the body with `+` for spaces (urlencode).
    from urllib.parse import urlencode

    body = urlencode(req.data)
    return {
        "method": "POST",
        "target": path,
        "headers": [["Host", host], ["Content-Type", "application/x-www-form-urlencoded; charset=utf-8"]],
        "body_b64": base64.b64encode(body.encode()).decode(),
    }


def sigv2_query(params, host="sqs.us-east-1.amazonaws.com", path="/"):
    """SigV2 in the query (GET): botocore signs the params, which go in the URL."""
    req = AWSRequest(method="GET", url=f"https://{host}{path}", params=dict(params))
    gm = NOW.utctimetuple()
    with frozen(), mock.patch("botocore.auth.time.gmtime", mock.Mock(return_value=gm)):
        SigV2Auth(creds()).add_auth(req)
    query = "&".join(f"{quote(k, safe='-_~')}={quote(str(v), safe='-_~')}" for k, v in req.params.items())
    return {"method": "GET", "target": f"{path}?{query}", "headers": [["Host", host]], "body_b64": ""}


def sigv2_expires_only(params, expires, host="sqs.us-east-1.amazonaws.com", path="/"):
    """SigV2 with `Expires` (botocore's SigV2Auth always adds `Timestamp`):
    signed here as the SQS documentation describes, HMAC-SHA256 of
    `GET\nhost\npath\n` and the parameters sorted by name, RFC 3986-encoded."""
    import hashlib
    import hmac

    p = dict(params, AWSAccessKeyId=AKID, SignatureMethod="HmacSHA256", SignatureVersion="2", Expires=expires)
    enc = lambda v: quote(str(v), safe="-_.~")
    query = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(p.items()))
    to_sign = f"GET\n{host}\n{path}\n{query}"
    sig = base64.b64encode(hmac.new(SECRET.encode(), to_sign.encode(), hashlib.sha256).digest()).decode()
    return {"method": "GET", "target": f"{path}?{query}&Signature={enc(sig)}", "headers": [["Host", host]], "body_b64": ""}


SECRETS = [
    {"access_key_id": AKID, "secret_access_key": SECRET, "session_token": None},
    {"access_key_id": TEMP_AKID, "secret_access_key": SECRET, "session_token": TOKEN},
]


def line(id_, received, service, accepted, payload=None, **policy):
    p = {"now": NOW_TEXT, "service": service}
    p.update(policy)
    body = p.pop("body", "known")
    secrets = p.pop("secrets", SECRETS)
    return {
        "case": {"id": id_, "received": received, "secrets": secrets, "policy": p, "body": body},
        "expected": {"id": id_, "accepted": accepted, "payload": payload},
    }


def with_query(received, extra):
    r = dict(received)
    r["target"] = received["target"] + extra
    return r


def with_headers(received, extra):
    r = dict(received)
    r["headers"] = received["headers"] + extra
    return r


def replace_in(received, field, old, new):
    r = dict(received)
    assert old in r[field], (old, r[field])
    r[field] = r[field].replace(old, new)
    return r


def findings():
    out = []
    s3_host = {"Host": "examplebucket.s3.amazonaws.com"}
    api_host = {"Host": "example.execute-api.us-east-1.amazonaws.com"}

    # 1. Hostile sizes, refused before the work (limits) and in linear time.
    url = presigned(S3SigV4QueryAuth, "s3", "GET", "https://examplebucket.s3.amazonaws.com/key", s3_host)
    out.append(line("1-presigned-s3-control", url, "s3", True, "unsigned"))
    extra = "".join(f"&p{i}=v" for i in range(12_000))
    out.append(line("1-presigned-s3-12000-extra-params", with_query(url, extra), "s3", False))
    deep = "/" + "/".join(f"s{i}" for i in range(5_000)) + "/."
    signed = header_signed(SigV4Auth, "execute-api", "GET", "https://example.execute-api.us-east-1.amazonaws.com" + deep, api_host)
    out.append(line("1-deep-path-5000-segments", signed, "execute-api", False))
    many = [[f"x-h{i}", "v"] for i in range(1_100)]
    signed = header_signed(SigV4Auth, "execute-api", "GET", "https://example.execute-api.us-east-1.amazonaws.com/", {**api_host, **dict(many)})
    out.append(line("1-1100-signed-headers", signed, "execute-api", False))
    few = [[f"x-h{i}", "v"] for i in range(200)]
    signed = header_signed(SigV4Auth, "execute-api", "GET", "https://example.execute-api.us-east-1.amazonaws.com/", {**api_host, **dict(few)})
    out.append(line("1-200-signed-headers-control", signed, "execute-api", True, "checked"))

    # 2. The server's policy decides the rules, not the request.
    signed = header_signed(SigV4Auth, "execute-api", "GET", "https://examplebucket.s3.amazonaws.com/bucket/x/../b", s3_host)
    out.append(line("2-execute-api-signature-at-s3", signed, "s3", False))
    out.append(line("2-execute-api-signature-at-execute-api-control", signed, "execute-api", True, "checked"))
    v2 = sigv2_query({"Action": "ListQueues", "Version": "2012-11-05"})
    out.append(line("2-sigv2-refused-by-default", v2, "sqs", False))
    out.append(line("2-sigv2-refused-under-s3-eu-west-1", v2, "s3", False, region="eu-west-1"))
    out.append(line("2-sigv2-accepted-when-enabled-control", v2, "sqs", True, "checked", sigv2={"max_lifetime": 900}))
    far = sigv2_expires_only({"Action": "ListQueues", "Version": "2012-11-05"}, "9999-12-31T23:59:59Z")
    out.append(line("2-sigv2-expires-in-an-hour-control", sigv2_expires_only({"Action": "ListQueues", "Version": "2012-11-05"}, "2015-08-30T13:36:00Z"), "sqs", True, "checked", sigv2={"max_lifetime": 3600}))
    out.append(line("2-sigv2-expires-9999", far, "sqs", False, sigv2={"max_lifetime": 3600}))

    # 3. Unsigned x-amz-* headers.
    signed = header_signed(S3SigV4Auth, "s3", "PUT", "https://examplebucket.s3.amazonaws.com/dest", s3_host)
    out.append(line("3-copy-control", signed, "s3", True, "checked"))
    out.append(line("3-x-amz-copy-source-added", with_headers(signed, [["x-amz-copy-source", "/examplebucket/secret"]]), "s3", False))
    url = presigned(S3SigV4QueryAuth, "s3", "PUT", "https://examplebucket.s3.amazonaws.com/dest", s3_host)
    out.append(line("3-presigned-x-amz-acl-added", with_headers(url, [["x-amz-acl", "public-read"]]), "s3", False))

    # 4. The body accounted for.
    sts_host = {"Host": "sts.amazonaws.com"}
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    form_ct = {"Content-Type": "application/x-www-form-urlencoded"}
    signed = header_signed(SigV4Auth, "sts", "POST", "https://sts.amazonaws.com/", {**sts_host, **form_ct}, body)
    out.append(line("4-sts-body-control", signed, "sts", True, "checked"))
    out.append(line("4-sts-body-unread-no-declared-hash", signed, "sts", False, body="unread"))
    unsigned = header_signed(SigV4Auth, "sts", "POST", "https://sts.amazonaws.com/", {**sts_host, **form_ct, "X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"}, body)
    out.append(line("4-sts-unsigned-payload", unsigned, "sts", False))
    s3put = header_signed(S3SigV4Auth, "s3", "PUT", "https://examplebucket.s3.amazonaws.com/k", s3_host, b"hello")
    out.append(line("4-s3-put-body-checked-control", s3put, "s3", True, "checked"))
    out.append(line("4-s3-put-body-unread", s3put, "s3", True, "unread", body="unread"))
    tampered = dict(s3put, body_b64=base64.b64encode(b"jello").decode())
    out.append(line("4-s3-put-body-changed", tampered, "s3", False))
    out.append(line("4-s3-unsigned-refused-by-policy", url, "s3", False, allow_unsigned_payload=False))

    # 5. SigV2 form POST with an unsigned query.
    form = sigv2_form({"Action": "SendMessage", "MessageBody": "hello", "Version": "2012-11-05"})
    out.append(line("5-sigv2-form-control", form, "sqs", True, "checked", sigv2={"max_lifetime": 900}))
    out.append(line("5-sigv2-form-with-query", with_query(form, "?Action=DeleteQueue"), "sqs", False, sigv2={"max_lifetime": 900}))

    # 6. A received `+` is a space.
    form = sigv2_form({"Action": "SendMessage", "MessageBody": "a b", "Version": "2012-11-05"})
    out.append(line("6-sigv2-form-plus-is-space-control", form, "sqs", True, "checked", sigv2={"max_lifetime": 900}))
    url = presigned(SigV4QueryAuthWithParams, "sqs", "GET", "https://sqs.us-east-1.amazonaws.com/?Action=SendMessage&MessageBody=a%2Bb", {"Host": "sqs.us-east-1.amazonaws.com"})
    out.append(line("6-presigned-a%2Bb-control", url, "sqs", True, "checked"))
    out.append(line("6-presigned-a%2Bb-sent-as-a+b", replace_in(url, "target", "a%2Bb", "a+b"), "sqs", False))

    # 7. aws-chunked completeness: AWS's documented example (sigv4-streaming).
    doc = json.loads(open("tests/vectors/aws-docs-chunked.jsonl").readline())
    case, exp = doc["case"], doc["expected"]
    data = base64.b64decode(case["request"]["body_b64"])
    sigs = exp["chunk_signatures"]
    framed = b""
    for chunk, sig in zip([data[:65536], data[65536:], b""], sigs):
        framed += f"{len(chunk):x};chunk-signature={sig}\r\n".encode() + chunk + b"\r\n"
    received = {
        "method": case["request"]["method"],
        "target": case["request"]["target"],
        "headers": case["request"]["headers"] + exp["added_headers"],
        "body_b64": base64.b64encode(framed).decode(),
    }
    doc_secrets = [{"access_key_id": case["credentials"]["access_key_id"],
                    "secret_access_key": case["credentials"]["secret_access_key"], "session_token": None}]
    at = {"now": "2013-05-24T00:00:00Z"}
    out.append(line("7-aws-chunked-control", received, "s3", True, "chunks", secrets=doc_secrets, **at))
    cut = framed[: framed.index(b"\r\n", framed.index(b"\r\n") + 65538) + 2]  # without the final chunk
    out.append(line("7-aws-chunked-without-final-chunk", dict(received, body_b64=base64.b64encode(cut).decode()), "s3", False, secrets=doc_secrets, **at))
    lying = framed.replace(b"400;chunk-signature", b"3ff;chunk-signature", 1)
    out.append(line("7-aws-chunked-size-line-lies", dict(received, body_b64=base64.b64encode(lying).decode()), "s3", False, secrets=doc_secrets, **at))
    out.append(line("7-aws-chunked-at-sts", received, "sts", False, secrets=doc_secrets, **at))

    # 8. POST form uploads against their policy.
    out.extend(post_forms())

    # 9. SigV4a: the region set header must be signed.
    out.extend(sigv4a())

    # 10. Smaller rules: credentials and authentication kinds.
    signed = header_signed(SigV4Auth, "execute-api", "GET", "https://example.execute-api.us-east-1.amazonaws.com/", api_host, temp=True)
    out.append(line("10-temporary-key-control", signed, "execute-api", True, "checked"))
    long_term_with_token = [dict(SECRETS[0], access_key_id=TEMP_AKID)]
    out.append(line("10-long-term-key-presented-with-token", signed, "execute-api", False, secrets=long_term_with_token))
    url = presigned(SigV4QueryAuthWithParams, "execute-api", "GET", "https://example.execute-api.us-east-1.amazonaws.com/", api_host)
    signed = header_signed(SigV4Auth, "execute-api", "GET", "https://example.execute-api.us-east-1.amazonaws.com/", api_host)
    both = dict(url, headers=signed["headers"])
    out.append(line("10-authorization-and-presigned", both, "execute-api", False))
    out.append(line("10-presigned-control", url, "execute-api", True, "checked"))
    return out


class SigV4QueryAuthWithParams(S3SigV4QueryAuth.__mro__[1]):  # SigV4QueryAuth
    """botocore's SigV4QueryAuth with the URL's own query kept as params
    (its `parse_qs` reading of a raw query would turn `%2B` into `+`)."""


def post_forms():
    out = []
    fields = {"acl": "private", "key": "uploads/photo.jpg", "Content-Type": "image/jpeg"}
    conditions = [
        {"acl": "private"},
        ["starts-with", "$key", "uploads/"],
        ["starts-with", "$Content-Type", "image/"],
        ["content-length-range", 1, 1024],
    ]
    req = AWSRequest(method="POST", url="https://examplebucket.s3.amazonaws.com/")
    req.context["s3-presign-post-fields"] = dict(fields)
    req.context["s3-presign-post-policy"] = {
        "expiration": "2015-08-30T13:36:00Z",
        "conditions": conditions + [{"bucket": "examplebucket"}],
    }
    with frozen():
        S3SigV4PostAuth(creds(), "s3", "us-east-1").add_auth(req)
    signed_fields = req.context["s3-presign-post-fields"]
    file_b64 = base64.b64encode(b"x" * 100).decode()

    def form(overrides=None, extra=(), file=file_b64):
        f = dict(signed_fields)
        f.update(overrides or {})
        pairs = [[k, v] for k, v in f.items()] + [list(e) for e in extra]
        return {
            "method": "POST",
            "target": "/",
            "headers": [["Host", "examplebucket.s3.amazonaws.com"]],
            "form": pairs + [["file", file]],
        }

    out.append(line("8-post-control", form(), "s3", True, "unsigned"))
    out.append(line("8-post-key-outside-prefix", form({"key": "other/photo.jpg"}), "s3", False))
    out.append(line("8-post-acl-changed", form({"acl": "public-read"}), "s3", False))
    out.append(line("8-post-uncovered-field", form(extra=[("x-amz-meta-evil", "1")]), "s3", False))
    out.append(line("8-post-x-ignore-field-control", form(extra=[("x-ignore-tracking", "1")]), "s3", True, "unsigned"))
    out.append(line("8-post-file-too-large", form(file=base64.b64encode(b"x" * 2000).decode()), "s3", False))
    late = line("8-post-expired", form(), "s3", False)
    late["case"]["policy"]["now"] = "2015-08-30T13:37:00Z"
    out.append(late)
    return out


def sigv4a():
    from botocore.crt.auth import CrtSigV4AsymAuth

    out = []
    host = {"Host": "example.amazonaws.com"}
    req = AWSRequest(method="GET", url="https://example.amazonaws.com/", headers=dict(host))
    with frozen():
        CrtSigV4AsymAuth(creds(), "service", "us-east-1").add_auth(req)
    received = {"method": "GET", "target": "/", "body_b64": "",
                "headers": [[k, v if isinstance(v, str) else v.decode()] for k, v in req.headers.items()]}
    secrets = [{"access_key_id": AKID, "secret_access_key": SECRET, "session_token": None, "v4a": True}]
    out.append(line("9-sigv4a-control", received, "service", True, "checked", secrets=secrets, region="us-east-1"))
    auth = next(v for k, v in received["headers"] if k.lower() == "authorization")
    if ";x-amz-region-set" in auth:
        unsigned = dict(received, headers=[[k, v.replace(";x-amz-region-set", "") if k.lower() == "authorization" else v] for k, v in received["headers"]])
        out.append(line("9-sigv4a-region-set-not-signed", unsigned, "service", False, secrets=secrets, region="us-east-1"))
    return out


if __name__ == "__main__":
    for l in findings():
        sys.stdout.write(json.dumps(l, separators=(",", ":")) + "\n")
