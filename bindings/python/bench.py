#!/usr/bin/env python3
"""Per-URL cost of presigning the same S3 GET, in one run on one machine:

  awsig       Signer.presign_s3 (one call per URL; the key cached)
  awsig batch Signer.presign_s3_many (one call for 10,000 URLs; GIL
              released), on one thread and on the default thread count
  boto3       client.generate_presigned_url("get_object", ...)
  botocore    botocore.auth.S3SigV4QueryAuth used directly (add_auth on
              an AWSRequest)
  libpresign  libpresign.get (1.2.0; C++), when installed

First it checks that they give the same URL: awsig, boto3 and botocore
byte for byte at a frozen time; libpresign (which reads its own clock) by
signing the same request with awsig at libpresign's X-Amz-Date and
comparing, and by verifying libpresign's URL with awsig.verify. Then it
times each (the median of --repeat runs of --number URLs) and prints the
table and the ratios.

    python bench.py [--number N] [--repeat R]
"""

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
import timeit
from unittest import mock
from urllib.parse import quote

import awsig

AKID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"
BUCKET = "examplebucket"
KEY = "photos/2026/12/03/IMG_0001.jpg"
EXPIRES = 3600
BATCH = 10_000


def boto3_client():
    import boto3
    import botocore.auth
    from botocore.config import Config

    # With awscrt installed botocore swaps in its CRT signers; time the
    # pure-Python ones, which a plain `pip install boto3` uses.
    botocore.auth.AUTH_TYPE_MAPS["s3v4-query"] = botocore.auth.S3SigV4QueryAuth
    return boto3.client("s3", region_name=REGION, aws_access_key_id=AKID, aws_secret_access_key=SECRET,
                        config=Config(signature_version="s3v4"))


def botocore_signer():
    from botocore.auth import S3SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    auth = S3SigV4QueryAuth(Credentials(AKID, SECRET), "s3", REGION, expires=EXPIRES)

    def presign(key):
        request = AWSRequest(method="GET", url=f"https://{BUCKET}.s3.amazonaws.com/{quote(key, safe='/~')}")
        auth.add_auth(request)
        return request.url

    return presign


def frozen(when):
    patch = mock.patch.object(datetime, "datetime", mock.Mock(wraps=datetime.datetime))
    return patch, when


def check_same_url(signer, client, botocore_presign, libpresign):
    when = datetime.datetime(2026, 12, 3, 12, 0, 0, tzinfo=datetime.timezone.utc)
    with mock.patch.object(datetime, "datetime", mock.Mock(wraps=datetime.datetime)) as m:
        m.now.return_value = when
        m.utcnow.return_value = when.replace(tzinfo=None)
        boto = client.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": KEY}, ExpiresIn=EXPIRES)
        direct = botocore_presign(KEY)
    ours = signer.presign_s3(BUCKET, KEY, expires_in=EXPIRES, time=when)
    batch = signer.presign_s3_many(BUCKET, [KEY], expires_in=EXPIRES, time=when)[0]
    assert ours == boto == direct == batch, (ours, boto, direct, batch)
    print(f"same URL (awsig, awsig batch, boto3, botocore; frozen at {when:%Y-%m-%dT%H:%M:%SZ}):\n  {ours}")
    if libpresign is None:
        return
    theirs = libpresign.get(AKID, SECRET, REGION, BUCKET, KEY, EXPIRES)
    stamp = theirs.split("X-Amz-Date=", 1)[1][:16]
    at = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    again = signer.presign_s3(BUCKET, KEY, expires_in=EXPIRES, time=at)
    assert theirs == again, (theirs, again)
    ok = awsig.verify("GET", theirs, [], {AKID: SECRET}, payload="UNSIGNED-PAYLOAD", now=at, service="s3")
    assert ok.access_key_id == AKID
    print(f"libpresign: byte-identical to awsig at its own X-Amz-Date ({stamp}), and awsig.verify accepts it")


def per_url(fn, number, repeat, urls=1):
    runs = timeit.repeat(fn, number=number, repeat=repeat)
    return statistics.median(runs) / number / urls


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=20_000, help="calls per timing run (single calls)")
    parser.add_argument("--repeat", type=int, default=7, help="timing runs (the median is reported)")
    args = parser.parse_args()

    try:
        import libpresign
    except ImportError:
        libpresign = None
        print("libpresign is not installed (pip install libpresign==1.2.0): its row is left out")
    signer = awsig.Signer(AKID, SECRET, REGION, "s3")
    client = boto3_client()
    botocore_presign = botocore_signer()
    check_same_url(signer, client, botocore_presign, libpresign)

    keys = [KEY] * BATCH
    n, r = args.number, args.repeat
    slow = max(n // 50, 200)  # boto3 and botocore are ~100x slower
    rows = [
        ("awsig presign_s3", per_url(lambda: signer.presign_s3(BUCKET, KEY), n, r)),
        ("awsig presign_s3_many, 1 thread", per_url(
            lambda: signer.presign_s3_many(BUCKET, keys, threads=1), max(n // BATCH, 2), r, BATCH)),
        (f"awsig presign_s3_many, {os.cpu_count()} threads", per_url(
            lambda: signer.presign_s3_many(BUCKET, keys), max(n // BATCH, 2), r, BATCH)),
        ("boto3 generate_presigned_url", per_url(
            lambda: client.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": KEY},
                                                  ExpiresIn=EXPIRES), slow, r)),
        ("botocore S3SigV4QueryAuth", per_url(lambda: botocore_presign(KEY), slow, r)),
    ]
    if libpresign is not None:
        rows.append(("libpresign 1.2.0 get", per_url(
            lambda: libpresign.get(AKID, SECRET, REGION, BUCKET, KEY, EXPIRES), n // 4, r)))

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nPython {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, "
          f"load average {load:.2f}; median of {r} runs\n")
    single = rows[0][1]
    print(f"| {'what (same S3 GET, per URL)':40} | {'time':>10} | {'vs awsig presign_s3':>20} |")
    print(f"|{'-' * 42}|{'-' * 12}|{'-' * 22}|")
    for name, t in rows:
        print(f"| {name:40} | {t * 1e6:7.2f} µs | {t / single:19.2f}x |")
    by = dict(rows)
    print()
    print(f"boto3 / awsig:      {by['boto3 generate_presigned_url'] / single:7.1f}x  (target >= 100x)")
    if libpresign is not None:
        print(f"libpresign / awsig: {by['libpresign 1.2.0 get'] / single:7.1f}x  (target >= 10x)")
    print(f"botocore / awsig:   {by['botocore S3SigV4QueryAuth'] / single:7.1f}x")
    print(f"awsig single / batch (1 thread):   {single / rows[1][1]:5.2f}x")
    print(f"awsig single / batch ({os.cpu_count()} threads):  {single / rows[2][1]:5.2f}x  (target >= 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
