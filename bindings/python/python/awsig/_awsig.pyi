"""Type stubs of the extension module (re-exported by ``awsig``)."""

import datetime
from typing import Callable, Iterable, Mapping, Optional, Sequence, Tuple, Union

TimeLike = Union[datetime.datetime, int, float, str]
"""A time: an aware ``datetime`` (converted to UTC), a naive one (taken as
UTC), Unix seconds, or an RFC 3339 UTC string. Fractions of a second are
dropped."""

Pairs = Union[Mapping[str, str], Iterable[Tuple[str, str]]]
"""Headers (or query parameters, or form fields): a mapping or ``(name,
value)`` pairs (repeated names allowed)."""

PayloadLike = Union[str, bytes, bytearray, memoryview]
"""A payload: ``str`` is the payload line (``"UNSIGNED-PAYLOAD"``, a
streaming line, or a SHA-256 in lowercase hex); bytes are the body."""

SecretValue = Union[str, Tuple[str, Optional[str]]]
"""A secret access key, or ``(secret access key, session token)``."""

Condition = Union[Mapping[str, str], Sequence[Union[str, int]]]
"""A POST policy condition, as botocore takes them: ``{"acl": "public-read"}``,
``["starts-with", "$key", "uploads/"]``, ``["content-length-range", 1, 10485760]``,
``["eq", "$acl", "public-read"]`` (written as ``{"acl": "public-read"}``)."""

MAX_EXPIRES: int
"""The longest validity of a presigned URL: 604800 seconds (7 days)."""

class Error(ValueError):
    """Base class of awsig's errors. ``kind`` is the crate's stable word for
    the error (``bad_target``, ``bad_header``, ``expires_range``,
    ``signature_mismatch``, ...). No message carries a secret or a token."""

    kind: str

class RequestError(Error):
    """The request is malformed: method, URL/target, header, bucket name or
    payload (``bad_method``, ``bad_target``, ``bad_header``, ``bad_payload``)."""

class CredentialsError(Error):
    """Bad or expired credentials (``bad_credentials``)."""

class ScopeError(Error):
    """A bad region or service (``bad_scope``)."""

class TimeError(Error):
    """A time outside 1970..=9999 or not RFC 3339 UTC (``bad_time``)."""

class ExpiresError(Error):
    """``expires_in`` outside 1..=604800, or past the credentials' expiry
    (``expires_range``)."""

class VerificationError(Error):
    """Verification refused the request; ``kind`` says why
    (``signature_mismatch``, ``expired``, ``unknown_access_key``, ...)."""

class Presigned:
    """A presigned request."""

    url: str
    """The whole URL when a URL was given, else the request-target."""
    signature: str
    """The signature (hex)."""
    canonical_request: Optional[str]
    """The canonical request, with ``trace=True``."""
    string_to_sign: Optional[str]
    """The string to sign, with ``trace=True``."""

class SignedHeaders:
    """A request signed in its headers."""

    headers: list[tuple[str, str]]
    """The headers to add: ``x-amz-date``, ``authorization``, and
    ``x-amz-security-token`` / ``x-amz-content-sha256`` when they apply."""
    authorization: str
    signature: str
    canonical_request: Optional[str]
    string_to_sign: Optional[str]

class SignedV2:
    """A SigV2-signed request."""

    url: Optional[str]
    """Query signing: the signed target, or URL when a URL was given."""
    body: Optional[str]
    """Form signing: the body to send."""
    signature: str
    string_to_sign: Optional[str]

class PresignedPost:
    """A signed S3 POST policy."""

    @property
    def fields(self) -> dict[str, str]:
        """The form's fields in order (the file field goes after them)."""
    policy_json: str
    """The policy document that was signed."""
    policy: str
    """The policy in base64 (the ``policy`` field)."""
    signature: str

class Verified:
    """A request whose signature checked out."""

    scheme: str
    """``"v4-header"``, ``"v4-query"`` or ``"v2-query"``."""
    access_key_id: str
    region: Optional[str]
    region_set: Optional[str]
    service: Optional[str]
    method: str
    path: str
    signed_headers: list[str]
    signature: str
    signed_at: Optional[datetime.datetime]
    expires_at: Optional[datetime.datetime]
    payload: str
    """What was established of the body: ``"checked"`` (it hashed to the
    signed hash), ``"unsigned"`` (declared unsigned: not authenticated),
    ``"aws-chunked"`` / ``"unsigned-aws-chunked"`` (chunks still to verify),
    ``"unread"`` (no body passed: check it against ``payload_sha256``)."""
    payload_sha256: Optional[str]

class Signer:
    """Signs with one set of credentials for one region and service.

    The signing key is derived once per UTC day (and scope) and kept in a
    cache shared by all calls and threads. The constructor checks the
    credentials, region and service, and derives today's key.

    >>> signer = Signer("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "s3")
    >>> url = signer.presign_s3("examplebucket", "photos/a b.jpg", expires_in=600)
    """

    def __init__(
        self,
        access_key_id: str,
        secret_access_key: str,
        region: str,
        service: str,
        *,
        session_token: Optional[str] = None,
        expires_at: Optional[TimeLike] = None,
    ) -> None: ...
    @property
    def access_key_id(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def service(self) -> str: ...
    @property
    def expires_at(self) -> Optional[datetime.datetime]:
        """When the credentials expire (aware, UTC), or ``None``."""
    @property
    def key_derivations(self) -> int:
        """How many signing keys were derived so far."""
    def presign(
        self,
        method: str,
        url: str,
        *,
        headers: Optional[Pairs] = None,
        expires_in: int = 3600,
        payload: Optional[PayloadLike] = None,
        time: Optional[TimeLike] = None,
        normalize_path: Optional[bool] = None,
        double_encode_path: Optional[bool] = None,
        unsigned_payload: Optional[bool] = None,
        unsigned_session_token: bool = False,
        trace: bool = False,
    ) -> Presigned:
        """Presigns any request (SigV4 query parameters).

        ``url`` is a whole URL (``https://host/path?query``; ``Host`` is
        taken from it unless ``headers`` has one, and the result is a whole
        URL) or a request-target (``/path?query``; ``headers`` must then
        carry ``Host``). The rule flags default to the service's (S3's for
        ``s3``: no path normalization, no double encoding, and
        ``UNSIGNED-PAYLOAD`` for a body); ``unsigned_session_token`` appends
        the token after signing (AWS IoT). ``trace`` also returns the
        canonical request and string to sign."""
    def sign_headers(
        self,
        method: str,
        url: str,
        *,
        headers: Optional[Pairs] = None,
        payload: Optional[PayloadLike] = None,
        time: Optional[TimeLike] = None,
        normalize_path: Optional[bool] = None,
        double_encode_path: Optional[bool] = None,
        content_sha256_header: Optional[bool] = None,
        unsigned_session_token: bool = False,
        trace: bool = False,
    ) -> SignedHeaders:
        """Signs a request in its headers; returns the headers to add.

        ``payload`` is the body (bytes; empty when ``None``) or a payload
        line; ``content_sha256_header`` adds ``x-amz-content-sha256`` (on by
        default for ``s3``)."""
    def sign_v2(
        self,
        method: str,
        url: str,
        *,
        headers: Optional[Pairs] = None,
        form: Optional[str] = None,
        expires: Optional[TimeLike] = None,
        time: Optional[TimeLike] = None,
        trace: bool = False,
    ) -> SignedV2:
        """Signs with Signature Version 2, HmacSHA256 (the SQS Query API).

        Signs the query of ``url``, or ``form`` (a POST body, percent-encoded
        parameters) when given. With ``expires`` the request carries
        ``Expires``, else ``Timestamp`` (``time``). The session token goes in
        ``SecurityToken``."""
    def presign_s3(
        self,
        bucket: str,
        key: str,
        *,
        method: str = "GET",
        expires_in: int = 3600,
        endpoint: Optional[str] = None,
        path_style: bool = False,
        http: bool = False,
        query: Optional[Pairs] = None,
        headers: Optional[Pairs] = None,
        time: Optional[TimeLike] = None,
    ) -> str:
        """A presigned URL for an S3 object, byte-identical to boto3's
        ``generate_presigned_url`` for the same GET or PUT.

        ``key`` is the raw object key (encoded here, once, as S3 wants).
        ``endpoint`` is a host and optional port (default: AWS's for the
        region, ``s3.amazonaws.com`` in us-east-1 as botocore does);
        ``path_style`` puts the bucket in the path; ``http`` for local
        stores. ``query`` parameters (``versionId``, ``response-*``) and
        ``headers`` (which the client must then send) are signed too. The
        query is written in botocore's order (operation parameters, then
        the ``X-Amz-*`` ones; the order is not signed)."""
    def presign_s3_many(
        self,
        bucket: str,
        keys: Iterable[str],
        *,
        method: str = "GET",
        expires_in: int = 3600,
        endpoint: Optional[str] = None,
        path_style: bool = False,
        http: bool = False,
        time: Optional[TimeLike] = None,
        threads: Optional[int] = None,
    ) -> list[str]:
        """:meth:`presign_s3` for many keys of one bucket, in order, at one
        time, signed with the GIL released; batches of more than 2048 keys
        are split across up to ``threads`` threads (default: the CPUs)."""
    def presign_post(
        self,
        bucket: str,
        key: str,
        *,
        expires_in: int = 3600,
        conditions: Optional[Iterable[Condition]] = None,
        fields: Optional[Pairs] = None,
        time: Optional[TimeLike] = None,
    ) -> PresignedPost:
        """A signed S3 POST policy and the fields of a browser upload form,
        byte-identical to botocore's ``generate_presigned_post``.

        A ``key`` ending in ``${filename}`` allows any key with that prefix.
        ``fields`` are extra form fields; each needs a condition."""

def verify(
    method: str,
    url: str,
    headers: Pairs,
    secrets: Union[Mapping[str, SecretValue], Callable[[str], Optional[SecretValue]]],
    *,
    service: str,
    payload: Optional[PayloadLike] = None,
    form: Optional[str] = None,
    now: Optional[TimeLike] = None,
    region: Optional[str] = None,
    max_skew: int = 900,
    sigv2_max_lifetime: Optional[int] = None,
    allow_unsigned_payload: Optional[bool] = None,
    allow_streaming: Optional[bool] = None,
) -> Verified:
    """Verifies a received request: SigV4 in the ``Authorization`` header or
    the query, or SigV2 in the query (or in ``form``, a POST body).

    ``secrets`` maps an access key id to its secret (or ``(secret, session
    token)``), or is a function doing so (``None``: unknown). ``payload`` is
    the body received (bytes), its SHA-256, or ``"UNSIGNED-PAYLOAD"`` when
    it was not read. ``service`` is the service this server is (required:
    its rules apply, S3's for ``s3``); ``region``, when given, must be the
    request's. SigV2 is refused unless ``sigv2_max_lifetime`` (seconds) is
    given; unsigned and aws-chunked bodies unless allowed (the defaults
    allow them for ``s3`` only). Raises :class:`VerificationError`
    (``kind`` says why) or :class:`RequestError`."""
