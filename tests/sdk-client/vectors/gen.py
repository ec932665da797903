#!/usr/bin/env python3
"""Cases for the SDK-client test: one client signing across a UTC day change
and a credential rotation. Writes protocol cases (../../shared/conformance/
PROTOCOL.md) to stdout; expected values come from botocore through the
shared oracle:

    python3 gen.py > cases.jsonl
    python3 ../../../../shared/conformance/oracle.py --combined cases.jsonl > client.jsonl

Phases, in the order the test runs them:
  day1     credentials A, 2026-12-03 between 23:00 and 23:59:59 UTC
  day2     credentials A, 2026-12-04 (the next UTC day: a new signing key)
  rotated  credentials B (same access key id, new secret and token), 2026-12-04
"""
import json
import random
from urllib.parse import quote

R = random.Random(20261203)
AKID = "ASIAQNZGKIQY56JQ7WML"
CREDS = {
    "A": {"access_key_id": AKID,
          "secret_access_key": "k5Xl2QmY0mD7pBz3Hq9t8VbWc1Ns4Rf6Ju0Ea2Ly",
          "session_token": "IQoJb3JpZ2luX2VjEA" + "".join(R.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/") for _ in range(600))},
    "B": {"access_key_id": AKID,
          "secret_access_key": "Zp8Qw3Er5Ty7Ui9Op1As2Df4Gh6Jk8Lz0Xc3Vb5Nm",
          "session_token": "IQoJb3JpZ2luX2VjEB" + "".join(R.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/") for _ in range(700))},
}
PHASES = [("day1", "A", "2026-12-03T23:%02d:%02dZ"), ("day2", "A", "2026-12-04T00:%02d:%02dZ"),
          ("rotated", "B", "2026-12-04T01:%02d:%02dZ")]
HOST = "sqs.eu-west-1.amazonaws.com"
ACTIONS = ["SendMessage", "ReceiveMessage", "DeleteMessage", "GetQueueAttributes", "ListQueues"]

for phase, creds, clock in PHASES:
    for i in range(40):
        action = R.choice(ACTIONS)
        body = "".join(R.choice("abc xyz+/=%&é") for _ in range(R.randint(0, 40)))
        target = f"/123456789012/queue-{R.randint(1, 9)}?Action={action}&MessageBody=" + \
            quote(body, safe="") + "&Version=2012-11-05"
        scheme = "v4-query" if i % 2 == 0 else "v4-header"
        case = {
            "id": f"sdk-client/{phase}/{i:02d}",
            "scheme": scheme,
            "request": {"method": "GET", "target": target, "headers": [["Host", HOST]], "body_b64": ""},
            "credentials": CREDS[creds],
            "region": "eu-west-1",
            "service": "sqs",
            "time": clock % (R.randint(0, 59), R.randint(0, 59)),
            "expires_in": R.choice([60, 300, 3600]) if scheme == "v4-query" else None,
            "payload": None,
        }
        print(json.dumps(case))
