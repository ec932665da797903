#!/usr/bin/env python3
"""AWS IoT Core MQTT-over-WebSocket presigned URLs, signed by aws-c-auth
(through awscrt) with the settings the IoT device SDKs use: query signing,
no expiration (no X-Amz-Expires), the session token left out of the
signature and appended afterwards (`omit_session_token`). Writes one JSON
object per line: the inputs and aws-c-auth's presigned target.

    pip install awscrt   # 0.38.1 made iot.jsonl
    python3 gen.py > iot.jsonl
"""
import datetime
import json

from awscrt import auth, http

CASES = [
    ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None,
     "a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com", "us-east-1", "2015-08-30T12:36:00Z"),
    ("ASIAQNZGKIQY56JQ7WML", "k5Xl2QmY0mD7pBz3Hq9t8VbWc1Ns4Rf6Ju0Ea2Ly",
     "IQoJb3JpZ2luX2VjEA+token/with+slashes==",
     "example-ats.iot.eu-west-1.amazonaws.com", "eu-west-1", "2026-12-03T12:00:00Z"),
    ("ASIAQNZGKIQY56JQ7WML", "Zp8Qw3Er5Ty7Ui9Op1As2Df4Gh6Jk8Lz0Xc3Vb5Nm",
     "FwoGZXIvYXdzEJr//////////wEaDExampleTokenValue%&=",
     "xyz-ats.iot.ap-southeast-2.amazonaws.com", "ap-southeast-2", "2024-02-29T23:59:59Z"),
]

for akid, secret, token, host, region, when in CASES:
    t = datetime.datetime.strptime(when, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    creds = auth.AwsCredentialsProvider.new_static(akid, secret, token)
    config = auth.AwsSigningConfig(
        algorithm=auth.AwsSigningAlgorithm.V4,
        signature_type=auth.AwsSignatureType.HTTP_REQUEST_QUERY_PARAMS,
        credentials_provider=creds,
        region=region,
        service="iotdevicegateway",
        date=t,
        expiration_in_seconds=None,
        omit_session_token=True,
    )
    request = http.HttpRequest("GET", "/mqtt", http.HttpHeaders([("Host", host)]))
    auth.aws_sign_request(request, config).result()
    print(json.dumps({"access_key_id": akid, "secret_access_key": secret, "session_token": token,
                      "host": host, "region": region, "time": when, "target": "/mqtt",
                      "signed_target": request.path}))
