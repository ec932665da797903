#!/usr/bin/env python3
"""Cross-check the vectors that oracle.py cannot produce against botocore.

oracle.py signs SigV2 only with Timestamp and only with the parameters in the
query string.  This script checks the other two SigV2 files with botocore's
own SigV2Auth (needs botocore; run it with the oracle virtualenv):

  * sqs-seed-v2-expires.jsonl: botocore's SigV2Auth.calc_signature is called
    directly with the request's parameters plus AWSAccessKeyId,
    SignatureVersion, SignatureMethod, Expires and SecurityToken (no
    Timestamp); its string to sign (captured from botocore's debug log) and
    signature must equal the file's.
  * sqs-seed-v2-post.jsonl: SigV2Auth.add_auth on a POST request whose
    `data` is the dict of body parameters, with time.gmtime frozen at the
    case time, i.e. botocore's own POST path.  String to sign and signature
    must be identical; the body is compared as a multiset of decoded
    (key, value) pairs, because botocore later form-encodes request.data
    with urlencode() (quote_plus: ' ' -> '+', unsorted), not with the
    RFC 3986 encoding and sort order that the vector records.

    botocore_crosscheck.py FILE.jsonl...
Exit status 0 when everything matches, 1 otherwise.
"""

import base64
import calendar
import json
import logging
import sys
import time
from datetime import datetime
from unittest import mock
from urllib.parse import parse_qsl, unquote

import botocore
from botocore.auth import SigV2Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


class _Tap(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.sts = []

    def emit(self, record):
        if record.msg == "String to sign: %s":
            self.sts.append(record.args[0])


_real_gmtime = time.gmtime
TAP = _Tap()
_log = logging.getLogger("botocore.auth")
_log.setLevel(logging.DEBUG)
_log.addHandler(TAP)
_log.propagate = False


def pairs_of(text):
    out = []
    for seg in text.split("&"):
        if seg:
            k, _, v = seg.partition("=")
            out.append((unquote(k), unquote(v)))
    return out


def check(obj):
    case, exp = obj["case"], obj["expected"]
    creds = Credentials(case["credentials"]["access_key_id"],
                        case["credentials"]["secret_access_key"],
                        case["credentials"]["session_token"])
    signer = SigV2Auth(creds)
    req = case["request"]
    host = [v for n, v in req["headers"] if n.lower() == "host"][0]
    path, _, query = req["target"].partition("?")
    del TAP.sts[:]
    body_pairs = None
    if case["scheme"] == "v2-query":
        params = dict(pairs_of(query))
        params.update(AWSAccessKeyId=creds.access_key, SignatureVersion="2",
                      SignatureMethod="HmacSHA256",
                      Expires=case["v2_expires"].replace("+00:00", "Z"))
        if creds.token:
            params["SecurityToken"] = creds.token
        request = AWSRequest(method=req["method"], url=f"https://{host}{path}")
        _, sig = signer.calc_signature(request, params)
    elif case["scheme"] == "v2-form":
        body = base64.b64decode(req["body_b64"]).decode("ascii")
        data = dict(pairs_of(body.replace("+", " ")))
        request = AWSRequest(method=req["method"], url=f"https://{host}{path}", data=data)
        t = calendar.timegm(datetime.strptime(case["time"], "%Y-%m-%dT%H:%M:%SZ").timetuple())
        with mock.patch("time.gmtime", lambda *a: _real_gmtime(t)):
            signer.add_auth(request)
        sig = request.data["Signature"]
        body_pairs = sorted(request.data.items())
    else:
        raise SystemExit(f"{case['id']}: scheme {case['scheme']} is oracle.py's job")
    problems = []
    if len(TAP.sts) != 1 or TAP.sts[0] != exp["string_to_sign"]:
        problems.append("string_to_sign")
    if sig != exp["signature"]:
        problems.append(f"signature (botocore {sig})")
    if body_pairs is not None:
        if sorted(parse_qsl(exp["body"], keep_blank_values=True)) != body_pairs:
            problems.append("body")
        # what botocore itself would send, for information
        prepared = request.prepare()
        print(f"  botocore's own body for {case['id']}: {prepared.body[:80]!r}...",
              file=sys.stderr)
    return problems, sig


def main(paths):
    bad = 0
    for p in paths:
        with open(p, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                obj = json.loads(line)
                problems, sig = check(obj)
                if problems:
                    bad += 1
                    print(f"MISMATCH {obj['case']['id']}: {', '.join(problems)}", file=sys.stderr)
                else:
                    print(f"ok {obj['case']['id']} {sig}", file=sys.stderr)
    print(f"botocore_crosscheck: botocore {botocore.__version__}, {bad} mismatches", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
