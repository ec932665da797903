#!/usr/bin/env python3
"""Write the SQS seed cases (bare PROTOCOL.md cases, JSON Lines) on stdout.

The two requests are those of the SQS Developer Guide page "Making Query API
requests using temporary security credentials": CreateQueue and
SendMessageBatch, signed in us-east-2 for service sqs at 2020-12-18T22:52:43Z
with AWS's documented example credentials and a session token.

    make_cases.py              # 4 cases for oracle.py: per request a
                               # v4-query (X-Amz-Expires 3600) and a v2-query
                               # (SigV2, HmacSHA256, Timestamp) case
    make_cases.py --v2-expires # 2 v2-query cases with "v2_expires" (SigV2
                               # with Expires = time + 1 h, no Timestamp)
    make_cases.py --v2-form    # 1 v2-form case: SendMessageBatch as POST,
                               # parameters in a form-urlencoded body

Stdlib only.  Output order and bytes are fixed (re-running gives the same
file).
"""

import argparse
import base64
import json
import sys

ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
# A made-up STS-style session token (base64, 300 characters).  It contains
# '/', '+' and '=' on purpose: all three must be percent-encoded in the query.
SESSION_TOKEN = (
    "IQoJb3JpZ2luX2VjEBoaCXVzLWVhc3QtMiJHMEUCIQAvFvx7TWScuT/QLhFHpW/5yOBS4zND"
    "qLBrjjp8COfZEb23Gd3Q9jGMVF/X25vb46Zc75AwZ9JYJcsy1beVsR3aWaFJxlIB/NLQ2QpN"
    "5sgQbVhaOEme1EiP0Eask/dAkNZ36kX9SD6Ct3QMBBHW3icHewZt2PRWFEXeIsMyRDsrTknG"
    "VtBKuQ7lZSDejpvROHM/HAJN1hgR1dNN1H8NEWWFAJLZNCMRYtmHQwcuC1IToUPLez6mSKa+"
    "Fo5oY1ol/Q=="
)
HOST = "sqs.us-east-2.amazonaws.com"
REGION = "us-east-2"
SERVICE = "sqs"
TIME = "2020-12-18T22:52:43Z"
EXPIRES_IN = 3600
V2_EXPIRES = "2020-12-18T23:52:43Z"  # TIME + 1 h
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"

# (name, request-target) exactly as on the documentation page.
REQUESTS = [
    ("create-queue",
     "/?Action=CreateQueue&DefaultVisibilityTimeout=40&QueueName=MyQueue"
     "&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=40&Version=2012-11-05"),
    ("send-message-batch",
     "/123456789012/MyQueue/?Action=SendMessageBatch"
     "&SendMessageBatchRequestEntry.1.Id=test_msg_001"
     "&SendMessageBatchRequestEntry.1.MessageBody=test%20message%20body%201"
     "&SendMessageBatchRequestEntry.2.Id=test_msg_002"
     "&SendMessageBatchRequestEntry.2.MessageBody=test%20message%20body%202"
     "&SendMessageBatchRequestEntry.2.DelaySeconds=60&Version=2012-11-05"),
]

assert len(SESSION_TOKEN) == 300 and all(c in SESSION_TOKEN for c in "/+=")


def case(name, target, scheme):
    return {
        "id": f"sqs-seed/{name}/{scheme}",
        "scheme": scheme,
        "request": {
            "method": "GET",
            "target": target,
            "headers": [["Host", HOST]],
            "body_b64": "",
        },
        "credentials": {
            "access_key_id": ACCESS_KEY,
            "secret_access_key": SECRET_KEY,
            "session_token": SESSION_TOKEN,
        },
        "region": REGION,
        "service": SERVICE,
        "time": TIME,
        "expires_in": EXPIRES_IN if scheme == "v4-query" else None,
        "payload": None,
    }


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def main():
    ap = argparse.ArgumentParser(description="SQS seed cases")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--v2-expires", action="store_true")
    g.add_argument("--v2-form", action="store_true")
    args = ap.parse_args()
    out = []
    if args.v2_expires:
        for name, target in REQUESTS:
            c = case(name, target, "v2-query")
            c["id"] += "-expires"
            c["v2_expires"] = V2_EXPIRES
            out.append(c)
    elif args.v2_form:
        name, target = REQUESTS[1]
        path, _, query = target.partition("?")
        c = case(name, path, "v2-form")
        c["request"]["method"] = "POST"
        c["request"]["headers"].append(["Content-Type", FORM_CONTENT_TYPE])
        # the request's own parameters, in documentation order, as the body
        c["request"]["body_b64"] = base64.b64encode(query.encode("ascii")).decode("ascii")
        out.append(c)
    else:
        for name, target in REQUESTS:
            for scheme in ("v4-query", "v2-query"):
                out.append(case(name, target, scheme))
    for c in out:
        sys.stdout.write(dumps(c) + "\n")


if __name__ == "__main__":
    main()
