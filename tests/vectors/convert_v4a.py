#!/usr/bin/env python3
"""Converts aws-c-auth's SigV4a test suite (aws-c-auth-v4a/) into
suite-v4a.jsonl, one {"case", "expected"} line per folder and placement.

    python3 convert_v4a.py > suite-v4a.jsonl

Cases are in the conformance format with scheme `v4a-header` / `v4a-query`
and the field `region_set` (context.json `region`). SigV4a signatures are
randomised ECDSA, so `expected` holds what is deterministic:
`canonical_request`, `string_to_sign` and the derived `public_key`
({"X","Y"}); the suite's own signatures, to verify and not to compare, are
in a third member `suite`: `signature` (*-signature.txt), `signed` (the
signed request's Authorization value, or its request-target for query
signing) and `signed_headers` (the signed request's headers). Requests are
parsed as aws-c-auth's harness does (folded header lines keep their LF).
Folders without expectations (request.txt only) are skipped.
"""
import base64
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.path.join(HERE, "aws-c-auth-v4a")
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def read(path):
    with open(path, "rb") as f:
        return f.read().replace(b"\r", b"").decode("utf-8")


def parse_http(text):
    lines = text.split("\n")
    method, rest = lines[0].split(" ", 1)
    assert rest.endswith(" HTTP/1.1"), lines[0]
    target = rest[: -len(" HTTP/1.1")]
    headers, body = [], ""
    for i, line in enumerate(lines[1:], 1):
        if line == "":
            body = "\n".join(lines[i + 1:])
            break
        if line[:1] in (" ", "\t"):
            headers[-1][1] += "\n" + line
        else:
            name, value = line.split(":", 1)
            headers.append([name, value])
    return method, target, headers, body


def main():
    out = []
    for name in sorted(os.listdir(SUITE)):
        folder = os.path.join(SUITE, name)
        if not os.path.exists(os.path.join(folder, "header-canonical-request.txt")):
            continue
        ctx = json.loads(read(os.path.join(folder, "context.json")))
        pub = json.loads(read(os.path.join(folder, "public-key.json")))
        method, target, headers, body = parse_http(read(os.path.join(folder, "request.txt")))
        creds = ctx["credentials"]
        for loc, scheme in (("header", "v4a-header"), ("query", "v4a-query")):
            case = {
                "id": f"aws-c-auth/v4a/{name}/{loc}",
                "scheme": scheme,
                "request": {"method": method, "target": target, "headers": headers,
                            "body_b64": base64.b64encode(body.encode()).decode()},
                "credentials": {"access_key_id": creds["access_key_id"],
                                "secret_access_key": creds["secret_access_key"],
                                "session_token": creds.get("token")},
                "region": ctx["region"],
                "region_set": ctx["region"],
                "service": ctx["service"],
                "time": ctx["timestamp"],
                "expires_in": ctx["expiration_in_seconds"] if loc == "query" else None,
                "payload": None if ctx["sign_body"] else EMPTY_SHA256,
                "normalize_path": ctx["normalize"],
                "double_encode_path": True,
                "content_sha256_header": bool(ctx["sign_body"]) and loc == "header",
                "omit_session_token": ctx.get("omit_session_token", False),
            }
            signed = parse_http(read(os.path.join(folder, f"{loc}-signed-request.txt")))
            if loc == "header":
                suite_signed = [v for n, v in signed[2] if n.lower() == "authorization"][0]
                suite_headers = signed[2]
            else:
                suite_signed = signed[1]
                suite_headers = signed[2]
            expected = {
                "id": case["id"],
                "canonical_request": read(os.path.join(folder, f"{loc}-canonical-request.txt")),
                "string_to_sign": read(os.path.join(folder, f"{loc}-string-to-sign.txt")),
                "public_key": {"X": pub["X"], "Y": pub["Y"]},
            }
            suite = {
                "signature": read(os.path.join(folder, f"{loc}-signature.txt")).strip(),
                "signed": suite_signed,
                "signed_headers": suite_headers,
            }
            out.append(json.dumps({"case": case, "expected": expected, "suite": suite}))
    print("\n".join(out))


if __name__ == "__main__":
    sys.exit(main())
