#!/usr/bin/env python3
"""Expected S3 presigned POST policies and signatures from botocore.

    python gen_post.py > post-policy.jsonl      # needs botocore (see ../seed/README.md)

Each line: {"case": {...}, "expected": {"policy": <base64>, "signature": <hex>,
"fields": [[name, value], ...]}} from botocore's `generate_presigned_post`
with the clock frozen at the case's time. The case fields: bucket, key
(ending in ${filename} for a key prefix), expires_in, time, credentials,
region, conditions (botocore's list form), fields (extra form fields).
"""
import datetime
import json
import sys
from unittest import mock

import botocore.auth
import botocore.config
import botocore.session
import botocore.signers

CASES = [
    {"id": "post/simple", "bucket": "examplebucket", "key": "uploads/photo.jpg", "expires_in": 3600,
     "time": "2015-12-29T00:00:00Z", "region": "us-east-1", "token": None, "conditions": [], "fields": []},
    {"id": "post/prefix-range-acl-token", "bucket": "sigv4examplebucket", "key": "user/user1/${filename}",
     "expires_in": 604800, "time": "2020-12-18T22:52:43Z", "region": "eu-west-3",
     "token": "IQoJb3JpZ2luX2VjEBoaCXVzLWVhc3QtMiJHMEUCIQAvFvx7/+TWScuT==",
     "conditions": [{"acl": "public-read"}, ["content-length-range", 1, 10485760],
                    ["starts-with", "$Content-Type", "image/"], {"success_action_status": "201"},
                    {"x-amz-meta-uuid": "14365123651274"}, ["starts-with", "$x-amz-meta-tag", ""]],
     "fields": [["acl", "public-read"], ["success_action_status", "201"], ["x-amz-meta-uuid", "14365123651274"]]},
    {"id": "post/unicode-quotes", "bucket": "bkt", "key": "dir/na\u00efve \"quoted\" \\ caf\u00e9 \U0001f600.txt",
     "expires_in": 60, "time": "2031-01-01T23:59:30Z", "region": "ap-southeast-2", "token": None,
     "conditions": [{"x-amz-meta-note": "tab\there \u2028 line"}], "fields": [["x-amz-meta-note", "tab\there \u2028 line"]]},
]

AKID, SECRET = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def main():
    session = botocore.session.get_session()
    for c in CASES:
        now = datetime.datetime.strptime(c["time"], "%Y-%m-%dT%H:%M:%SZ")
        client = session.create_client("s3", region_name=c["region"], aws_access_key_id=AKID,
                                       aws_secret_access_key=SECRET, aws_session_token=c["token"],
                                       config=botocore.config.Config(signature_version="s3v4"))
        with mock.patch.object(botocore.signers, "get_current_datetime", return_value=now), \
             mock.patch.object(botocore.auth, "get_current_datetime", return_value=now):
            post = client.generate_presigned_post(c["bucket"], c["key"], Fields=dict(c["fields"]) or None,
                                                  Conditions=c["conditions"] or None, ExpiresIn=c["expires_in"])
        case = {"id": c["id"], "bucket": c["bucket"], "key": c["key"], "expires_in": c["expires_in"],
                "time": c["time"], "region": c["region"],
                "credentials": {"access_key_id": AKID, "secret_access_key": SECRET, "session_token": c["token"]},
                "conditions": c["conditions"], "fields": c["fields"]}
        expected = {"url": post["url"], "policy": post["fields"]["policy"],
                    "signature": post["fields"]["x-amz-signature"], "fields": list(post["fields"].items())}
        print(json.dumps({"case": case, "expected": expected}))


if __name__ == "__main__":
    sys.exit(main())
