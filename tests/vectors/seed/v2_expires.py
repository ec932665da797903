#!/usr/bin/env python3
"""Independent Signature Version 2 signer for the seed vectors (stdlib only).

Written from the SQS / EC2 Query API documentation of Signature Version 2,
not from botocore, so that it can be checked against the botocore oracle
(which only does SigV2 with `Timestamp` and only with the parameters in the
query string) and then produce what the oracle cannot:

  * `Expires` instead of `Timestamp` (case field `"v2_expires"`), and
  * POST with the parameters in an application/x-www-form-urlencoded body
    (scheme `"v2-form"`).

String to sign (HmacSHA256, SignatureVersion 2):

    METHOD \n lowercase(Host header) \n path (or "/") \n canonical query

The canonical query is every parameter of the request plus AWSAccessKeyId,
SignatureMethod=HmacSHA256, SignatureVersion=2, Timestamp=<time> or
Expires=<v2_expires> (both as YYYY-MM-DDThh:mm:ssZ), SecurityToken (when
there is a session token); each key and value percent-encoded per RFC 3986
(`quote(safe='-_.~')`, UTF-8, uppercase hex), sorted by encoded key (byte
order; then by encoded value), joined as `k=v` with `&`.  Signature =
base64(HMAC-SHA256(secret, string to sign)).

Results (PROTOCOL.md result fields, canonical_request/authorization/
added_headers null):
  * v2-query: signed_target = path "?" canonical query "&Signature=" enc(sig)
  * v2-form:  signed_target null (the request-target does not change);
              extra field "body" = canonical query "&Signature=" enc(sig),
              the exact bytes of the signed request body.

Parameters come from the target's query (v2-query: split on '&', first '=',
'%XX' decoded, '+' is a literal plus) or from the body (v2-form: the same,
except that '+' is a space, as in form decoding; the target must have no
query).

Usage:
    v2_expires.py CASES.jsonl > combined.jsonl   # {"case","expected"} lines
    v2_expires.py --check COMBINED.jsonl         # recompute, compare with
                                                 # "expected" byte for byte
Exit status: 0 fine, 1 mismatch (--check), 2 bad input.
"""

import argparse
import base64
import hashlib
import hmac
import json
import re
import sys
from datetime import datetime, timezone
from urllib.parse import quote, unquote_to_bytes

AUTH_PARAMS = {"awsaccesskeyid", "signature", "signaturemethod", "signatureversion",
               "timestamp", "expires", "securitytoken"}
_ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]00:00)$")


class BadCase(Exception):
    pass


def enc(text):
    """RFC 3986 percent-encoding: unreserved kept, UTF-8, uppercase hex."""
    return quote(text.encode("utf-8"), safe="-_.~")


def iso8601(value):
    """RFC 3339 UTC -> YYYY-MM-DDThh:mm:ssZ (fraction dropped)."""
    if not isinstance(value, str) or not _ISO_Z.match(value):
        raise BadCase(f"not an RFC 3339 UTC time: {value!r}")
    dt = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def decode_pairs(text, plus_is_space):
    pairs = []
    for seg in text.split("&"):
        if not seg:
            continue
        k, _, v = seg.partition("=")
        if plus_is_space:
            k, v = k.replace("+", " "), v.replace("+", " ")
        if re.search(r"%(?![0-9A-Fa-f]{2})", seg):
            raise BadCase(f"malformed escape in {seg!r}")
        pairs.append((unquote_to_bytes(k).decode("utf-8"), unquote_to_bytes(v).decode("utf-8")))
    return pairs


def sign_case(case):
    scheme = case["scheme"]
    if scheme not in ("v2-query", "v2-form"):
        raise BadCase(f"not a SigV2 scheme: {scheme!r}")
    req = case["request"]
    method = req["method"]
    target = req["target"]
    path, sep, query = target.partition("?")
    if not path.startswith("/"):
        raise BadCase("target must start with '/'")
    hosts = [v for n, v in req["headers"] if n.lower() == "host"]
    if len(hosts) != 1:
        raise BadCase("exactly one Host header is required")
    host = hosts[0].strip().lower()
    body = base64.b64decode(req.get("body_b64") or "", validate=True)
    if scheme == "v2-query":
        if body:
            raise BadCase("v2-query has no body")
        params = decode_pairs(query, plus_is_space=False)
    else:
        if sep:
            raise BadCase("v2-form: the parameters belong in the body, not the target")
        params = decode_pairs(body.decode("ascii"), plus_is_space=True)
    for k, _ in params:
        if k.lower() in AUTH_PARAMS:
            raise BadCase(f"request already carries auth parameter {k!r}")

    creds = case["credentials"]
    params.append(("AWSAccessKeyId", creds["access_key_id"]))
    params.append(("SignatureMethod", "HmacSHA256"))
    params.append(("SignatureVersion", "2"))
    if case.get("v2_expires") is not None:
        params.append(("Expires", iso8601(case["v2_expires"])))
    else:
        params.append(("Timestamp", iso8601(case["time"])))
    if creds.get("session_token"):
        params.append(("SecurityToken", creds["session_token"]))

    encoded = sorted((enc(k), enc(v)) for k, v in params)
    canonical_query = "&".join(f"{k}={v}" for k, v in encoded)
    string_to_sign = f"{method}\n{host}\n{path or '/'}\n{canonical_query}"
    mac = hmac.new(creds["secret_access_key"].encode("utf-8"),
                   string_to_sign.encode("utf-8"), hashlib.sha256)
    signature = base64.b64encode(mac.digest()).decode("ascii")
    signed = f"{canonical_query}&Signature={enc(signature)}"

    res = {
        "id": case.get("id"),
        "canonical_request": None,
        "string_to_sign": string_to_sign,
        "signature": signature,
        "authorization": None,
        "signed_target": f"{path}?{signed}" if scheme == "v2-query" else None,
        "added_headers": None,
        "error": None,
    }
    if scheme == "v2-form":
        res["body"] = signed
    return res


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input", help="cases (bare or {\"case\":...} lines)")
    ap.add_argument("--check", action="store_true",
                    help="compare own results with the lines' \"expected\"")
    args = ap.parse_args(argv)
    bad = 0
    n = 0
    try:
        for obj in read_jsonl(args.input):
            case = obj.get("case", obj)
            if args.check and case.get("scheme") not in ("v2-query", "v2-form"):
                continue
            n += 1
            res = sign_case(case)
            if args.check:
                exp = obj["expected"]
                diffs = [k for k in ("string_to_sign", "signature", "signed_target", "body")
                         if exp.get(k) != res.get(k)]
                if diffs:
                    bad += 1
                    print(f"MISMATCH {case['id']}: {', '.join(diffs)}", file=sys.stderr)
                    for k in diffs:
                        print(f"  expected {k}: {exp.get(k)!r}\n  v2_expires {k}: {res.get(k)!r}",
                              file=sys.stderr)
                else:
                    print(f"ok {case['id']} {res['signature']}", file=sys.stderr)
            else:
                sys.stdout.write(dumps({"case": case, "expected": res}) + "\n")
    except (BadCase, KeyError, ValueError) as e:
        print(f"v2_expires: {e}", file=sys.stderr)
        return 2
    if args.check:
        print(f"v2_expires --check: {n} SigV2 cases, {n - bad} identical, {bad} differ",
              file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
