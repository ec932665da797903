"""1,000 random S3 keys: awsig's presigned URLs are byte-identical to boto3's.

boto3's `generate_presigned_url` runs at a frozen time, the way botocore's
own tests freeze it (`datetime.datetime` patched so that `now()` returns
it), with botocore's pure-Python signers (when awscrt is installed,
botocore swaps in its CRT signers, which write the query in another order;
boto3 alone, as in CI, uses the pure-Python ones).
"""

import datetime
import random
from unittest import mock

import pytest

boto3 = pytest.importorskip("boto3")
import botocore.auth  # noqa: E402
from botocore.config import Config  # noqa: E402

import awsig  # noqa: E402

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
AKID = "AKIAIOSFODNN7EXAMPLE"
TOKEN = "IQoJb3JpZ2luX2VjEBoaCXVzLWVhc3QtMiJHMEUCIQAvFvx7TWScuT/QLhFHpW/5yOBS4zNDqLBrjjp8COfZEb23Gd3Q9jGMVF/X25vb46Zc75AwZ9JYJcsy1beVsR3aWaFJxlIB/NLQ2QpN5sgQbVhaOEme1EiP0Eask/dAkNZ36kX9SD6Ct3QMBBHW3icHewZt2PRWFEXeIsMyRDsrTknGVtBKuQ7lZSDejpvROHM/HAJN1hgR1dNN1H8NEWWFAJLZNCMRYtmHQwcuC1IToUPLez6mSKa+Fo5oY1ol/Q=="
REGIONS = ["us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2"]
ENDPOINTS = [None, "http://localhost:9000", "https://minio.example.com", "https://storage.example.net:8443"]
BUCKETS = ["examplebucket", "my-bucket-01", "logs2026", "a1b2c3"]
# Characters a key may hold: letters, digits, every ASCII punctuation mark,
# space, and non-ASCII letters and symbols (2-, 3- and 4-byte UTF-8).
ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    + "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ "
    + "éüñß日本語中文한국어😀🚀"
)
N = 1000


def random_key(rng):
    shape = rng.random()
    if shape < 0.2:  # path-like
        parts = ["".join(rng.choice("abcdefghij0123456789-_.") for _ in range(rng.randint(1, 8)))
                 for _ in range(rng.randint(1, 5))]
        return "/".join(parts) + rng.choice(["", ".jpg", ".tar.gz", "/"])
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 60)))


def cases():
    rng = random.Random(20261203)
    start = datetime.datetime(2026, 12, 3, tzinfo=datetime.timezone.utc)
    out = []
    for i in range(N):
        out.append(dict(
            key=random_key(rng),
            method=rng.choice(["get_object", "put_object"]),
            token=rng.choice([None, TOKEN]),
            region=rng.choice(REGIONS),
            endpoint=rng.choice(ENDPOINTS),
            style=rng.choice(["virtual", "path"]),
            bucket=rng.choice(BUCKETS),
            expires=rng.choice([1, 60, 3600, 604800, rng.randint(1, 604800)]),
            when=start + datetime.timedelta(seconds=rng.randint(0, 400 * 86400)),
        ))
    return out


CASES = cases()
PURE = {
    "s3v4": botocore.auth.S3SigV4Auth,
    "s3v4-query": botocore.auth.S3SigV4QueryAuth,
}


@pytest.fixture(scope="module")
def clients():
    made = {}

    def client(c):
        config = (c["region"], c["endpoint"], c["style"], c["token"])
        if config not in made:
            made[config] = boto3.client(
                "s3", region_name=c["region"], endpoint_url=c["endpoint"],
                aws_access_key_id=AKID, aws_secret_access_key=SECRET, aws_session_token=c["token"],
                config=Config(signature_version="s3v4", s3={"addressing_style": c["style"]}),
            )
        return made[config]

    with mock.patch.dict(botocore.auth.AUTH_TYPE_MAPS, PURE):
        yield client


def boto3_url(client, c):
    with mock.patch.object(datetime, "datetime", mock.Mock(wraps=datetime.datetime)) as frozen:
        frozen.now.return_value = c["when"]
        frozen.utcnow.return_value = c["when"].replace(tzinfo=None)
        return client.generate_presigned_url(
            c["method"], Params={"Bucket": c["bucket"], "Key": c["key"]}, ExpiresIn=c["expires"])


def awsig_url(c):
    signer = awsig.Signer(AKID, SECRET, c["region"], "s3", session_token=c["token"])
    endpoint = c["endpoint"]
    return signer.presign_s3(
        c["bucket"], c["key"],
        method="GET" if c["method"] == "get_object" else "PUT",
        expires_in=c["expires"], time=c["when"],
        endpoint=endpoint.split("://", 1)[1] if endpoint else None,
        http=bool(endpoint and endpoint.startswith("http:")),
        path_style=c["style"] == "path",
    )


def test_cases_cover_every_combination():
    assert len(CASES) == N
    assert {c["method"] for c in CASES} == {"get_object", "put_object"}
    assert {c["token"] for c in CASES} == {None, TOKEN}
    assert {c["style"] for c in CASES} == {"virtual", "path"}
    assert set(c["endpoint"] for c in CASES) == set(ENDPOINTS)
    assert len({c["key"] for c in CASES}) > 990


def test_identical_to_boto3(clients):
    mismatches = []
    for c in CASES:
        want = boto3_url(clients(c), c)
        got = awsig_url(c)
        if got != want:
            mismatches.append((c["key"], want, got))
    assert not mismatches, f"{len(mismatches)}/{N} differ; first: {mismatches[0]}"


def test_batch_equals_single(clients):
    """presign_s3_many gives the same URLs as presign_s3, in order."""
    when = datetime.datetime(2026, 12, 3, 12, tzinfo=datetime.timezone.utc)
    keys = [c["key"] for c in CASES]
    signer = awsig.Signer(AKID, SECRET, "eu-central-1", "s3", session_token=TOKEN)
    single = [signer.presign_s3("examplebucket", k, time=when) for k in keys]
    for threads in (1, 2, 4):
        assert signer.presign_s3_many("examplebucket", keys * 5, time=when, threads=threads) == single * 5
    c = dict(CASES[0], key=keys[1], when=when, region="eu-central-1", token=TOKEN, endpoint=None,
             style="virtual", bucket="examplebucket", method="get_object", expires=3600)
    assert single[1] == boto3_url(clients(c), c)
