"""Bad input raises the right exception (with the crate's `kind`), and
never crashes: no panic, no SystemError, whatever the input."""

import random

import pytest

import awsig

WHEN = "2026-12-03T12:00:00Z"
HOST = {"Host": "example.amazonaws.com"}


SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def signer(service="s3", **kw):
    return awsig.Signer("AKIDEXAMPLE", SECRET, "us-east-1", service, **kw)


def test_hierarchy():
    for cls in (awsig.RequestError, awsig.CredentialsError, awsig.ScopeError, awsig.TimeError,
                awsig.ExpiresError, awsig.VerificationError):
        assert issubclass(cls, awsig.Error)
    assert issubclass(awsig.Error, ValueError)


@pytest.mark.parametrize("call, cls, kind", [
    (lambda: awsig.Signer("", "secret", "us-east-1", "s3"), awsig.CredentialsError, "bad_credentials"),
    (lambda: awsig.Signer("AKID EXAMPLE", "secret", "us-east-1", "s3"), awsig.CredentialsError, "bad_credentials"),
    (lambda: awsig.Signer("AKIDEXAMPLE", "", "us-east-1", "s3"), awsig.CredentialsError, "bad_credentials"),
    (lambda: awsig.Signer("AKIDEXAMPLE", "s", "us-east-1", "s3", session_token="a\nb"), awsig.CredentialsError,
     "bad_credentials"),
    (lambda: awsig.Signer("A" * 200, "s", "us-east-1", "s3"), awsig.CredentialsError, "bad_credentials"),
    (lambda: awsig.Signer("AKIDEXAMPLE", "s", "", "s3"), awsig.ScopeError, "bad_scope"),
    (lambda: awsig.Signer("AKIDEXAMPLE", "s", "us east", "s3"), awsig.ScopeError, "bad_scope"),
    (lambda: awsig.Signer("AKIDEXAMPLE", "s", "us-east-1", "s" * 100), awsig.ScopeError, "bad_scope"),
    (lambda: awsig.Signer("AKIDEXAMPLE", "s", "us-east-1", "s3", expires_at="soon"), awsig.TimeError, "bad_time"),
    (lambda: signer().presign_s3("Bad_Bucket", "k"), awsig.RequestError, "bad_target"),
    (lambda: signer().presign_s3("", "k"), awsig.RequestError, "bad_target"),
    (lambda: signer().presign_s3("b", "k", endpoint="bad host"), awsig.RequestError, "bad_header"),
    (lambda: signer().presign_s3("b", "k", method="G ET"), awsig.RequestError, "bad_method"),
    (lambda: signer().presign_s3("b", "k", expires_in=0), awsig.ExpiresError, "expires_range"),
    (lambda: signer().presign_s3("b", "k", expires_in=-1), awsig.ExpiresError, "expires_range"),
    (lambda: signer().presign_s3("b", "k", expires_in=604801), awsig.ExpiresError, "expires_range"),
    (lambda: signer().presign_s3("b", "k", expires_in=2**40), awsig.ExpiresError, "expires_range"),
    (lambda: signer().presign_s3_many("b", ["k"], expires_in=0), awsig.ExpiresError, "expires_range"),
    (lambda: signer().presign_s3_many("B B", ["k"]), awsig.RequestError, "bad_target"),
    (lambda: signer().presign("GET", "no-slash", headers=HOST), awsig.RequestError, "bad_target"),
    (lambda: signer().presign("GET", "https://h/a b"), awsig.RequestError, "bad_target"),
    (lambda: signer().presign("GET", "/?a=%zz", headers=HOST), awsig.RequestError, "bad_target"),
    (lambda: signer().presign("GET", "/?X-Amz-Signature=x", headers=HOST), awsig.RequestError, "bad_target"),
    (lambda: signer().presign("GET", "https:///path"), awsig.RequestError, "bad_header"),
    (lambda: signer().presign("GET", "/"), awsig.RequestError, "bad_header"),
    (lambda: signer().presign("GET", "/", headers=[("Host", "a"), ("Host", "b")]), awsig.RequestError, "bad_header"),
    (lambda: signer().sign_headers("GET", "/", headers={"Host": "h", "X": "a\rb"}), awsig.RequestError, "bad_header"),
    (lambda: signer().sign_headers("GET", "/", headers={"Host": "h", "Bad Name": "v"}), awsig.RequestError,
     "bad_header"),
    (lambda: signer().sign_headers("GET", "/", headers={"Host": "h", "Authorization": "x"}), awsig.RequestError,
     "bad_header"),
    (lambda: signer().sign_headers("GET", "/", headers=HOST, payload="not-a-hash"), awsig.RequestError,
     "bad_payload"),
    (lambda: signer().sign_headers("GET", "/", headers=HOST, time="2026-13-01T00:00:00Z"), awsig.TimeError,
     "bad_time"),
    (lambda: signer().sign_v2("GET", "/?Signature=x", headers=HOST), awsig.RequestError, "bad_target"),
    (lambda: signer().sign_v2("POST", "/?a=b", headers=HOST, form="x=y"), awsig.Error, "bad_case"),
    (lambda: signer().presign_post("b", "k", expires_in=-1), awsig.ExpiresError, "expires_range"),
    (lambda: signer(expires_at="2020-01-01T00:00:00Z").presign_s3("b", "k"), awsig.CredentialsError,
     "bad_credentials"),
    (lambda: awsig.verify("GET", "/", HOST, {}, service="s3"), awsig.VerificationError, "missing_authentication"),
    (lambda: awsig.verify("GET", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256", HOST, {}, service="s3"),
     awsig.VerificationError,
     "missing_auth_parameter"),
])
def test_bad_input_raises_its_kind(call, cls, kind):
    with pytest.raises(cls) as e:
        call()
    assert e.value.kind == kind
    assert SECRET not in str(e.value)


@pytest.mark.parametrize("call", [
    lambda: signer().presign_s3(1, "k"),
    lambda: signer().presign_s3("b", None),
    lambda: signer().presign_s3_many("b", ["k", 3]),
    lambda: signer().presign_s3_many("b", 5),
    lambda: signer().presign_s3_many("b", "one-key"),
    lambda: signer().presign("GET", "/", headers=[("Host",)]),
    lambda: signer().presign("GET", "/", headers=5),
    lambda: signer().presign("GET", "/", headers=HOST, payload=5),
    lambda: signer().presign_post("b", "k", conditions=[["nope", 1, 2]]),
    lambda: signer().presign_post("b", "k", conditions=[["starts-with", "$key"]]),
    lambda: awsig.verify("GET", "/", HOST, 5, service="s3"),
])
def test_wrong_types_raise_type_or_value_errors(call):
    with pytest.raises((TypeError, ValueError)):
        call()


def test_verify_lookup_errors_propagate():
    s = signer()
    url = s.presign("GET", "https://example.amazonaws.com/", time=WHEN).url

    def lookup(akid):
        raise KeyError(akid)

    with pytest.raises(KeyError):
        awsig.verify("GET", url, [], lookup, now=WHEN, service="s3")
    with pytest.raises(TypeError):
        awsig.verify("GET", url, [], {"AKIDEXAMPLE": 5}, now=WHEN, service="s3")


def test_random_input_never_crashes():
    """Seeded random junk into every entry point: a result or an exception
    of awsig's (or TypeError/ValueError), never a panic or a crash."""
    rng = random.Random(19)
    pieces = ["", "/", "?", "&", "=", "%", "%2", "%zz", "%41", " ", "\t", "\r", "\n", "\x00", "\x7f", "#", "a",
              "Host", "host", "X-Amz-Signature", "Signature", "é", "😀", "\ud800x", ":", "//", "..", "../", "*",
              "AWS4-HMAC-SHA256", "https://", "http://h", "b.s3.amazonaws.com", "UNSIGNED-PAYLOAD", "0" * 64]

    def junk():
        return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))

    s = signer(session_token="tok")
    outcomes = {"ok": 0, "error": 0}
    for _ in range(3000):
        headers = [(junk(), junk()) for _ in range(rng.randint(0, 3))]
        if rng.random() < 0.5:
            headers.append(("Host", "example.amazonaws.com"))
        calls = [
            lambda: s.presign(junk() or "GET", junk(), headers=headers, expires_in=rng.randint(-5, 700000),
                              payload=rng.choice([None, junk(), junk().encode("utf-8", "surrogatepass")]),
                              time=WHEN),
            lambda: s.sign_headers(junk() or "GET", junk(), headers=headers, payload=junk() or None, time=WHEN),
            lambda: s.sign_v2(junk() or "GET", junk(), headers=headers, form=rng.choice([None, junk()]), time=WHEN),
            lambda: s.presign_s3(junk(), junk(), method=junk() or "GET", endpoint=junk() or None, time=WHEN,
                                 query={junk(): junk()}, headers={junk(): junk()}),
            lambda: s.presign_s3_many(junk() or "b", [junk() for _ in range(3)], time=WHEN),
            lambda: s.presign_post(junk(), junk(), conditions=[{junk(): junk()}], fields={junk(): junk()}, time=WHEN),
            lambda: awsig.verify(junk() or "GET", junk(), headers, {"AKIDEXAMPLE": SECRET}, now=WHEN,
                                 service=junk() or "s3"),
        ]
        try:
            rng.choice(calls)()
            outcomes["ok"] += 1
        except awsig.Error as e:
            assert isinstance(e.kind, str) and e.kind
            outcomes["error"] += 1
        except (TypeError, ValueError, UnicodeError):
            outcomes["error"] += 1
    assert outcomes["ok"] > 100 and outcomes["error"] > 100, outcomes
