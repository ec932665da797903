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

The machine's load moves every timing; the contenders are timed in turns
(R rounds), and the table gives each one's best and median round.
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


def time_interleaved(contenders, rounds):
    """Per-URL seconds of each contender in every round; each round times
    every contender once, in turn, so that a change of the machine's load
    touches them all alike."""
    times = {name: [] for name, _, _, _ in contenders}
    for _ in range(rounds):
        for name, fn, number, urls in contenders:
            times[name].append(timeit.timeit(fn, number=number) / number / urls)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=20_000, help="URLs per round for awsig (fewer for the slower)")
    parser.add_argument("--repeat", type=int, default=15, help="interleaved rounds")
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
    n = args.number
    slow = max(n // 50, 100)  # boto3 and botocore are ~100x slower
    batch_calls = max(n // BATCH, 1)
    threads = os.cpu_count()
    contenders = [
        ("awsig presign_s3", lambda: signer.presign_s3(BUCKET, KEY), n, 1),
        ("awsig presign_s3_many, 1 thread", lambda: signer.presign_s3_many(BUCKET, keys, threads=1),
         batch_calls, BATCH),
        (f"awsig presign_s3_many, {threads} threads", lambda: signer.presign_s3_many(BUCKET, keys),
         batch_calls, BATCH),
        ("boto3 generate_presigned_url", lambda: client.generate_presigned_url(
            "get_object", Params={"Bucket": BUCKET, "Key": KEY}, ExpiresIn=EXPIRES), slow, 1),
        ("botocore S3SigV4QueryAuth", lambda: botocore_presign(KEY), slow, 1),
    ]
    if libpresign is not None:
        contenders.append(("libpresign 1.2.0 get", lambda: libpresign.get(
            AKID, SECRET, REGION, BUCKET, KEY, EXPIRES), max(n // 10, 100), 1))
    times = time_interleaved(contenders, args.repeat)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nPython {platform.python_version()}, {platform.machine()}, {threads} CPUs, "
          f"load average {load:.2f}; {args.repeat} interleaved rounds: best and median per URL\n")
    best = {name: min(t) for name, t in times.items()}
    median = {name: statistics.median(t) for name, t in times.items()}
    ours = "awsig presign_s3"
    print("| same S3 GET, key cached | best | median | best ÷ awsig's | median ÷ awsig's |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in times:
        print(f"| {name} | {best[name] * 1e6:.2f} µs | {median[name] * 1e6:.2f} µs "
              f"| {best[name] / best[ours]:.2f} | {median[name] / median[ours]:.2f} |")
    print()

    def ratio(name, target):
        print(f"{name} / awsig presign_s3: {best[name] / best[ours]:.1f}x best, "
              f"{median[name] / median[ours]:.1f}x median (target >= {target}x)")

    ratio("boto3 generate_presigned_url", 100)
    if libpresign is not None:
        ratio("libpresign 1.2.0 get", 10)
    for name in list(times)[1:3]:
        print(f"awsig presign_s3 / {name}: {best[ours] / best[name]:.2f}x best, "
              f"{median[ours] / median[name]:.2f}x median (target >= 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
