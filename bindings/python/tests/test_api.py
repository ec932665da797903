"""The Python API: times, the key cache, every flow, against independent
values (AWS's documented examples, botocore) or round trips through the
verifier."""

import datetime
import threading
from unittest import mock

import pytest

import awsig

UTC = datetime.timezone.utc
DOC_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"  # AWS's SigV4 test suite
S3_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # AWS's S3 examples


def s3_signer(**kw):
    return awsig.Signer("AKIAIOSFODNN7EXAMPLE", S3_SECRET, "us-east-1", "s3", **kw)


# AWS's worked example, "Authenticating Requests: Using Query Parameters".
AWS_S3_EXAMPLE = (
    "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
    "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
    "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
)


@pytest.mark.parametrize("when", [
    "2013-05-24T00:00:00Z",
    datetime.datetime(2013, 5, 24, tzinfo=UTC),
    datetime.datetime(2013, 5, 24),  # naive: taken as UTC
    datetime.datetime(2013, 5, 24, 2, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
    datetime.datetime(2013, 5, 24, 0, 0, 0, 999999, tzinfo=UTC),  # fraction dropped
    1369353600,
    1369353600.75,
])
def test_aws_s3_example_at_any_form_of_the_time(when):
    assert s3_signer().presign_s3("examplebucket", "test.txt", expires_in=86400, time=when) == AWS_S3_EXAMPLE


def test_time_defaults_to_now():
    url = s3_signer().presign_s3("examplebucket", "test.txt")
    stamp = url.split("X-Amz-Date=")[1][:16]
    signed = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs((datetime.datetime.now(UTC) - signed).total_seconds()) < 5


@pytest.mark.parametrize("bad", [True, datetime.date(2013, 5, 24), object(), [1]])
def test_time_of_another_type_is_a_type_error(bad):
    with pytest.raises(TypeError):
        s3_signer().presign_s3("examplebucket", "test.txt", time=bad)


@pytest.mark.parametrize("bad", ["2013-05-24", "yesterday", "2013-02-30T00:00:00Z", -1, 2**70, 1e300,
                                 float("nan"), "10000-01-01T00:00:00Z"])
def test_bad_time_raises_time_error(bad):
    with pytest.raises(awsig.TimeError) as e:
        s3_signer().presign_s3("examplebucket", "test.txt", time=bad)
    assert e.value.kind == "bad_time"


def test_key_is_derived_once_per_day_and_scope():
    signer = s3_signer()
    base = signer.key_derivations  # today's, derived by the constructor
    day = datetime.datetime(2025, 6, 1, 0, 0, 1, tzinfo=UTC)  # not today
    for hours in range(0, 24, 3):
        signer.presign_s3("b", "k", time=day + datetime.timedelta(hours=hours))
    assert signer.key_derivations == base + 1
    signer.presign_s3("b", "k", time=day + datetime.timedelta(days=1))
    assert signer.key_derivations == base + 2
    signer.presign_s3_many("b", ["k"] * 10, time=day + datetime.timedelta(days=1))
    assert signer.key_derivations == base + 2


def test_presign_any_request_sqs_seed_values():
    """The crate's seed values (checked against botocore), SigV4 and SigV2."""
    token = ("IQoJb3JpZ2luX2VjEBoaCXVzLWVhc3QtMiJHMEUCIQAvFvx7TWScuT/QLhFHpW/5yOBS4zNDqLBrjjp8COfZEb23Gd3Q9jGMVF/"
             "X25vb46Zc75AwZ9JYJcsy1beVsR3aWaFJxlIB/NLQ2QpN5sgQbVhaOEme1EiP0Eask/dAkNZ36kX9SD6Ct3QMBBHW3icHewZt2PRWFEXe"
             "IsMyRDsrTknGVtBKuQ7lZSDejpvROHM/HAJN1hgR1dNN1H8NEWWFAJLZNCMRYtmHQwcuC1IToUPLez6mSKa+Fo5oY1ol/Q==")
    signer = awsig.Signer("AKIAIOSFODNN7EXAMPLE", S3_SECRET, "us-east-2", "sqs", session_token=token)
    target = ("/?Action=CreateQueue&DefaultVisibilityTimeout=40&QueueName=MyQueue"
              "&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=40&Version=2012-11-05")
    headers = {"Host": "sqs.us-east-2.amazonaws.com"}
    when = "2020-12-18T22:52:43Z"
    v4 = signer.presign("GET", target, headers=headers, time=when)
    assert v4.signature == "fec53d2081188869a057f2f455e33bca8fec2b2479c3a9a416d500aae941ad9b"
    assert v4.url.startswith("/?Action=CreateQueue&Attribute.1.Name=")
    assert v4.canonical_request is None and str(v4) == v4.url
    whole = signer.presign("GET", "https://sqs.us-east-2.amazonaws.com" + target, time=when)
    assert whole.url == "https://sqs.us-east-2.amazonaws.com" + v4.url
    v2 = signer.sign_v2("GET", target, headers=headers, time=when, trace=True)
    assert v2.signature == "al/3BpWbfsYJdpLMFyemKcnCoiGl37ro080tIifDli8="
    assert v2.string_to_sign.startswith("GET\nsqs.us-east-2.amazonaws.com\n/\n")
    assert v2.body is None and "SecurityToken=" in v2.url


def test_sign_headers_get_vanilla():
    """AWS's SigV4 test suite, `get-vanilla`."""
    signer = awsig.Signer("AKIDEXAMPLE", DOC_SECRET, "us-east-1", "service")
    signed = signer.sign_headers("GET", "https://example.amazonaws.com/", time="2015-08-30T12:36:00Z", trace=True)
    assert signed.signature == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    assert dict(signed.headers) == {
        "x-amz-date": "20150830T123600Z",
        "authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                         "SignedHeaders=host;x-amz-date, "
                         "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    }
    assert signed.canonical_request.startswith("GET\n/\n\nhost:example.amazonaws.com\n")


def test_sign_headers_and_verify_a_body():
    signer = awsig.Signer("AKIDEXAMPLE", "secret", "us-east-1", "sqs")
    body = b"Action=SendMessage&MessageBody=hello"
    host = {"Host": "sqs.us-east-1.amazonaws.com"}
    signed = signer.sign_headers("POST", "/123/q", headers=host, payload=body, time="2026-12-03T12:00:00Z")
    received = list(host.items()) + signed.headers
    ok = awsig.verify("POST", "/123/q", received, {"AKIDEXAMPLE": "secret"}, payload=body,
                      now="2026-12-03T12:01:00Z", service="sqs")
    assert (ok.scheme, ok.access_key_id, ok.service, ok.region) == ("v4-header", "AKIDEXAMPLE", "sqs", "us-east-1")
    assert ok.signed_headers == ["host", "x-amz-date"]
    assert (ok.payload, ok.payload_sha256) == ("checked", None)
    # The server is another service: refused, whatever the request says.
    with pytest.raises(awsig.VerificationError) as e:
        awsig.verify("POST", "/123/q", received, {"AKIDEXAMPLE": "secret"}, payload=body,
                     now="2026-12-03T12:01:00Z", service="sns")
    assert e.value.kind == "wrong_service"
    assert ok.signed_at == datetime.datetime(2026, 12, 3, 12, tzinfo=UTC)
    with pytest.raises(awsig.VerificationError) as e:
        awsig.verify("POST", "/123/q", received, {"AKIDEXAMPLE": "secret"}, payload=b"tampered",
                     now="2026-12-03T12:01:00Z", service="sqs")
    assert e.value.kind == "signature_mismatch"


def test_verify_presigned_urls_and_its_refusals():
    signer = awsig.Signer("ASIAEXAMPLE", "secret", "eu-west-1", "s3", session_token="tok")
    url = signer.presign_s3("bucket", "a b.txt", expires_in=60, time="2026-12-03T12:00:00Z")
    target = url.split("amazonaws.com", 1)[1]
    headers = [("Host", "bucket.s3.eu-west-1.amazonaws.com")]
    secrets = {"ASIAEXAMPLE": ("secret", "tok")}
    ok = awsig.verify("GET", target, headers, secrets, payload="UNSIGNED-PAYLOAD", now="2026-12-03T12:00:30Z",
                      service="s3")
    assert (ok.scheme, ok.path, ok.method) == ("v4-query", "/a%20b.txt", "GET")
    assert ok.payload == "unsigned"
    # The body received, whatever it is: an S3 presigned URL does not sign it.
    ok = awsig.verify("GET", target, headers, secrets, payload=b"", now="2026-12-03T12:00:30Z", service="s3")
    assert ok.payload == "unsigned"
    with pytest.raises(awsig.VerificationError) as e:
        awsig.verify("GET", target, headers, secrets, now="2026-12-03T12:00:30Z", service="s3",
                     allow_unsigned_payload=False)
    assert e.value.kind == "unsigned_payload_not_allowed"
    assert ok.expires_at == datetime.datetime(2026, 12, 3, 12, 1, tzinfo=UTC)
    # A callable lookup, and the URL given whole.
    ok = awsig.verify("GET", url, [], lambda akid: secrets.get(akid), payload="UNSIGNED-PAYLOAD",
                      now="2026-12-03T12:00:30Z", service="s3")
    assert ok.access_key_id == "ASIAEXAMPLE"
    for lookup, now, kind in [
        (secrets, "2026-12-03T12:02:00Z", "expired"),
        ({}, "2026-12-03T12:00:30Z", "unknown_access_key"),
        ({"ASIAEXAMPLE": "secret"}, "2026-12-03T12:00:30Z", "session_token_mismatch"),
        ({"ASIAEXAMPLE": ("other", "tok")}, "2026-12-03T12:00:30Z", "signature_mismatch"),
    ]:
        with pytest.raises(awsig.VerificationError) as e:
            awsig.verify("GET", target, headers, lookup, payload="UNSIGNED-PAYLOAD", now=now, service="s3")
        assert e.value.kind == kind
    with pytest.raises(awsig.VerificationError) as e:
        awsig.verify("GET", "/a", headers, secrets, service="s3")
    assert e.value.kind == "missing_authentication"


def test_sign_v2_form_round_trip():
    signer = awsig.Signer("AKIDEXAMPLE", "secret", "us-east-1", "sqs", session_token="token")
    host = [("Host", "sqs.us-east-1.amazonaws.com")]
    form = "Action=SendMessage&MessageBody=hi%20there"
    signed = signer.sign_v2("POST", "/123456789012/queue", headers=host, form=form, time="2011-10-03T15:19:30Z")
    assert signed.url is None and "&SecurityToken=token&" in signed.body
    ok = awsig.verify("POST", "/123456789012/queue", host, {"AKIDEXAMPLE": ("secret", "token")},
                      form=signed.body, now="2011-10-03T15:20:00Z", service="sqs", sigv2_max_lifetime=900)
    assert (ok.scheme, ok.payload) == ("v2-query", "checked")
    # SigV2 is off unless the server enables it.
    with pytest.raises(awsig.VerificationError) as e:
        awsig.verify("POST", "/123456789012/queue", host, {"AKIDEXAMPLE": ("secret", "token")},
                     form=signed.body, now="2011-10-03T15:20:00Z", service="sqs")
    assert e.value.kind == "sigv2_not_allowed"
    expiring = signer.sign_v2("GET", "/?Action=ListQueues", headers=host, expires="2011-10-03T16:00:00Z")
    assert "&Expires=2011-10-03T16%3A00%3A00Z&" in expiring.url


def test_expiring_credentials():
    until = datetime.datetime(2026, 12, 3, 13, tzinfo=UTC)
    signer = s3_signer(expires_at=until)
    assert signer.expires_at == until
    signer.presign_s3("b", "k", expires_in=3600, time="2026-12-03T12:00:00Z")
    with pytest.raises(awsig.ExpiresError) as e:
        signer.presign_s3("b", "k", expires_in=3601, time="2026-12-03T12:00:00Z")
    assert e.value.kind == "expires_range"
    with pytest.raises(awsig.CredentialsError) as e:
        signer.presign_s3("b", "k", time="2026-12-03T13:00:00Z")
    assert e.value.kind == "bad_credentials"


def test_presign_s3_options():
    signer = s3_signer()
    when = "2013-05-24T00:00:00Z"
    url = signer.presign_s3("examplebucket", "test.txt", expires_in=600, time=when,
                            query={"versionId": "3HL4kqtJlcpXroDTDmJ"}, headers={"x-amz-meta-owner": "alice"})
    # botocore's order: the operation's parameters first, then the X-Amz-* ones.
    assert url.startswith("https://examplebucket.s3.amazonaws.com/test.txt?versionId=3HL4kqtJlcpXroDTDmJ&X-Amz-Algorithm=")
    assert "&X-Amz-SignedHeaders=host%3Bx-amz-meta-owner&" in url
    local = signer.presign_s3("test", "k", endpoint="localhost:9000", path_style=True, http=True, method="HEAD", time=when)
    assert local.startswith("http://localhost:9000/test/k?X-Amz-Algorithm=")
    other = awsig.Signer("AKIAIOSFODNN7EXAMPLE", S3_SECRET, "eu-west-1", "s3")
    assert other.presign_s3("b", "k", path_style=True).startswith("https://s3.eu-west-1.amazonaws.com/b/k?")


def test_presign_post_identical_to_botocore():
    boto3 = pytest.importorskip("boto3")
    import botocore.auth
    from botocore.config import Config

    when = datetime.datetime(2026, 12, 3, 12, tzinfo=UTC)
    conditions = [{"acl": "public-read"}, ["starts-with", "$Content-Type", "image/"],
                  ["content-length-range", 1, 10_000_000], {"success_action_status": "201"}]
    fields = {"acl": "public-read", "Content-Type": "image/png", "success_action_status": "201"}
    for key, token in [("uploads/${filename}", None), ("uploads/é a.png", "tok")]:
        with mock.patch.dict(botocore.auth.AUTH_TYPE_MAPS, {"s3v4-presign-post": botocore.auth.S3SigV4PostAuth}):
            client = boto3.client("s3", region_name="eu-west-1", aws_access_key_id="AKIDEXAMPLE",
                                  aws_secret_access_key="secret", aws_session_token=token,
                                  config=Config(signature_version="s3v4"))
            with mock.patch.object(datetime, "datetime", mock.Mock(wraps=datetime.datetime)) as frozen:
                frozen.now.return_value = when
                want = client.generate_presigned_post("bucket", key, Fields=dict(fields),
                                                      Conditions=list(conditions), ExpiresIn=600)
        signer = awsig.Signer("AKIDEXAMPLE", "secret", "eu-west-1", "s3", session_token=token)
        got = signer.presign_post("bucket", key, expires_in=600, conditions=conditions, fields=fields, time=when)
        assert list(got.fields.items()) == list(want["fields"].items())
        assert got.signature == want["fields"]["x-amz-signature"]
        assert '"expiration": "2026-12-03T12:10:00Z"' in got.policy_json


def test_threads_share_one_signer():
    signer = s3_signer()
    keys = [f"k/{i}" for i in range(3000)]
    want = signer.presign_s3_many("b", keys, time="2026-12-03T12:00:00Z", threads=1)
    got = {}

    def run(n):
        got[n] = signer.presign_s3_many("b", keys, time="2026-12-03T12:00:00Z")

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(v == want for v in got.values()) and len(got) == 4
    assert want[7] == signer.presign_s3("b", "k/7", time="2026-12-03T12:00:00Z")


def test_reprs_hide_secrets():
    signer = awsig.Signer("ASIAEXAMPLE", "very-secret", "us-east-1", "s3", session_token="session-tok")
    url = signer.presign("GET", "https://b.s3.amazonaws.com/k", time="2026-12-03T12:00:00Z")
    post = signer.presign_post("b", "k", time="2026-12-03T12:00:00Z")
    signed = signer.sign_headers("GET", "https://b.s3.amazonaws.com/k", time="2026-12-03T12:00:00Z")
    for text in (repr(signer), repr(url), repr(post), repr(signed)):
        assert "very-secret" not in text and "session-tok" not in text


def test_batch_releases_the_gil():
    """Another Python thread runs while a batch is signed (a call that held
    the GIL would be one bytecode: no other thread could run during it)."""
    signer = s3_signer()
    keys = [f"k/{i}" for i in range(100_000)]
    ticks = [0]
    running = threading.Event()
    stop = threading.Event()

    def count():
        running.set()
        while not stop.is_set():
            ticks[0] += 1

    counter = threading.Thread(target=count)
    counter.start()
    running.wait()
    try:
        before = ticks[0]
        urls = signer.presign_s3_many("b", keys, time="2026-12-03T12:00:00Z", threads=1)
        during = ticks[0] - before
    finally:
        stop.set()
        counter.join()
    assert len(urls) == len(keys)
    assert during > 0
