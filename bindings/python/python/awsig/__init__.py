"""AWS request signing, from Rust (the ``awsig`` crate).

A :class:`Signer` holds credentials (access key id, secret, optional session
token and expiry) for one region and service, and the day's signing key,
derived once and shared by every call and thread. It presigns URLs for any
request (:meth:`Signer.presign`) and for S3 objects, one at a time
(:meth:`Signer.presign_s3`) or many at once without the GIL
(:meth:`Signer.presign_s3_many`); signs headers (:meth:`Signer.sign_headers`);
signs with SigV2 for the SQS Query API (:meth:`Signer.sign_v2`); and signs S3
POST policies (:meth:`Signer.presign_post`). :func:`verify` checks a received
request's signature.

Times: every ``time`` (and ``now``, ``expires_at``, ``expires``) argument is
``None`` (now), a :class:`datetime.datetime` (an aware one is converted to
UTC; a **naive one is taken as UTC**, unlike ``datetime.timestamp()``), Unix
seconds (``int``/``float``), or an RFC 3339 UTC string
(``"2026-12-03T12:00:00Z"``). Fractions of a second are dropped.

Errors: bad input raises a subclass of :class:`Error` (itself a
``ValueError``) whose ``kind`` is the crate's stable word (``bad_target``,
``bad_header``, ``expires_range``, ``signature_mismatch``, ...). Messages
never contain a secret or a session token.

>>> import awsig
>>> signer = awsig.Signer("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "s3")
>>> signer.presign_s3("examplebucket", "test.txt", expires_in=86400, time="2013-05-24T00:00:00Z")[-64:]
'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404'
"""

from ._awsig import (
    MAX_EXPIRES,
    CredentialsError,
    Error,
    ExpiresError,
    Presigned,
    PresignedPost,
    RequestError,
    ScopeError,
    SignedHeaders,
    SignedV2,
    Signer,
    TimeError,
    VerificationError,
    Verified,
    verify,
)

__all__ = [
    "MAX_EXPIRES",
    "CredentialsError",
    "Error",
    "ExpiresError",
    "Presigned",
    "PresignedPost",
    "RequestError",
    "ScopeError",
    "SignedHeaders",
    "SignedV2",
    "Signer",
    "TimeError",
    "VerificationError",
    "Verified",
    "verify",
]
