"""Every case of the conformance corpora through the Python API.

Each case is mapped onto awsig's Python API the way the Rust conformance
runner (tools/src/conformance/) maps it onto the crate, and the results are
compared with the corpus's expectations by the comparison rules of
tests/vectors/compare.py (imported, not copied): canonical request, string
to sign, signature and authorization exactly; the signed target as a path
and a set of decoded query parameters; added headers as a set.
"""

import base64
import importlib.util
import json

import pytest

import awsig
from conftest import VECTORS

_spec = importlib.util.spec_from_file_location("compare", VECTORS / "compare.py")
compare = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compare)

FIELDS = compare.EXACT + ("signed_target", "added_headers")


def load(name):
    with open(VECTORS / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


SUITE = load("suite-v4.jsonl")
BOTOCORE = load("botocore-public.jsonl")
# The SQS seed requests: SigV4 and SigV2 presigned, SigV2 with `Expires`,
# and a SigV2-signed POST body (extension scheme `v2-form`).
SEED = [row for name in ("sqs-seed.jsonl", "sqs-seed-v2-expires.jsonl", "sqs-seed-v2-post.jsonl")
        for row in load(f"seed/{name}")]


def sign_case(case):
    """The protocol's result object for `case`, computed through `awsig`."""
    scheme = case["scheme"]
    request = case["request"]
    creds = case["credentials"]
    headers = [tuple(h) for h in request.get("headers", [])]
    body = base64.b64decode(request["body_b64"]) if request.get("body_b64") else b""
    signer = awsig.Signer(
        creds.get("access_key_id") or "",
        creds.get("secret_access_key") or "",
        case.get("region") or "",
        case.get("service") or "",
        session_token=creds.get("session_token"),
    )
    result = dict.fromkeys(FIELDS)
    if scheme in ("v2-query", "v2-form"):
        signed = signer.sign_v2(
            request["method"], request["target"], headers=headers,
            form=body.decode() if scheme == "v2-form" else None,
            expires=case.get("v2_expires"), time=case["time"], trace=True,
        )
        result.update(signature=signed.signature, string_to_sign=signed.string_to_sign,
                      signed_target=signed.url, body=signed.body)
        return result
    s3 = scheme.startswith("s3-")
    def flag(name, default):
        value = case.get(name)
        return default if value is None else value

    rules = dict(
        normalize_path=flag("normalize_path", not s3),
        double_encode_path=flag("double_encode_path", not s3),
        unsigned_session_token=flag("omit_session_token", False),
    )
    payload = case.get("payload")
    if payload is None:
        payload = "UNSIGNED-PAYLOAD" if scheme == "s3-v4-query" else body
    if scheme in ("v4-query", "s3-v4-query"):
        signed = signer.presign(
            request["method"], request["target"], headers=headers,
            expires_in=case["expires_in"], payload=payload, time=case["time"],
            unsigned_payload=s3, trace=True, **rules,
        )
        result.update(signed_target=signed.url)
    else:
        content_sha256 = case.get("content_sha256_header")
        if content_sha256 is None:
            content_sha256 = scheme == "s3-v4-header"
        signed = signer.sign_headers(
            request["method"], request["target"], headers=headers, payload=payload,
            time=case["time"], content_sha256_header=content_sha256, trace=True, **rules,
        )
        result.update(authorization=signed.authorization,
                      added_headers=[list(h) for h in signed.headers])
    result.update(canonical_request=signed.canonical_request,
                  string_to_sign=signed.string_to_sign, signature=signed.signature)
    return result


def result_of(case):
    try:
        return sign_case(case)
    except awsig.Error as e:
        return dict(dict.fromkeys(FIELDS), error=e.kind)


def check(row):
    case, want = row["case"], row["expected"]
    got = result_of(case)
    # As compare.py: extension fields (`body`) compared exactly when expected.
    extra = tuple(f for f in want if f not in FIELDS + ("id",) and want[f] is not None)
    diffs = [f for f in FIELDS + extra if compare.field_differs(f, want.get(f), got.get(f))]
    assert not diffs, "\n".join(
        f"{f}:\n  want {json.dumps(want.get(f))}\n  got  {json.dumps(got.get(f))}" for f in diffs)


def test_corpus_sizes():
    assert len(SUITE) == 76
    assert len(BOTOCORE) == 2000
    assert len(SEED) == 7
    # Every case expects a signature (so a comparison is never vacuous).
    assert all(row["expected"]["signature"] for row in SUITE + BOTOCORE + SEED)


@pytest.mark.parametrize("row", SUITE, ids=[r["case"]["id"] for r in SUITE])
def test_suite_v4(row):
    check(row)


@pytest.mark.parametrize("row", BOTOCORE, ids=[r["case"]["id"] for r in BOTOCORE])
def test_botocore_public(row):
    check(row)


@pytest.mark.parametrize("row", SEED, ids=[r["case"]["id"] for r in SEED])
def test_sqs_seed(row):
    check(row)
