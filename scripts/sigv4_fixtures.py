#!/usr/bin/env python3
"""Write SigV4 fixtures signed by real botocore into Tests/S3AuthTests/Fixtures/botocore/.

Every request goes through a real boto3 S3 client (endpoint rules, key encoding, checksums, signing) and is caught
in the `before-send` event, so nothing leaves the machine. The clock is fixed, so running the script again writes
the same files (aws-chunked bodies included; the random `amz-sdk-invocation-id` and the user agent are pinned).
SigV4A signatures are randomised ECDSA, so `--check` compares those fixtures with their signatures blanked.

    python3 scripts/sigv4_fixtures.py            # rewrite the fixtures
    python3 scripts/sigv4_fixtures.py --check    # exit 1 if the committed fixtures differ

The Swift suite `BotocoreFixtureTests` verifies each request with the same fixed time.
"""

import base64
import datetime
import io
import json
import pathlib
import re
import sys
from urllib.parse import urlsplit

import boto3
import botocore
import botocore.auth
import botocore.crt.auth
from botocore.config import Config

ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
REGION = "us-west-2"
NOW = datetime.datetime(2026, 11, 24, 10, 53, 18, tzinfo=datetime.timezone.utc)
AP_ARN = "arn:aws:s3:us-west-2:111122223333:accesspoint/reports"
MRAP_ARN = "arn:aws:s3::111122223333:accesspoint/mfzwi23gnjvgw.mrap"  # botocore signs these with SigV4A (CRT)
OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "S3AuthTests" / "Fixtures" / "botocore"



def _fixed_now(remove_tzinfo=True):
    return NOW.replace(tzinfo=None) if remove_tzinfo else NOW


# Pin the clock for every signer, the pure-Python ones and the CRT ones botocore prefers when awscrt is installed.
botocore.auth.get_current_datetime = _fixed_now
botocore.crt.auth.get_current_datetime = _fixed_now

# The two families of SigV4 signers botocore can use; `use_signers` picks one for the clients made after it.
SIGNERS = {
    "python": {"s3v4": botocore.auth.S3SigV4Auth, "s3v4-query": botocore.auth.S3SigV4QueryAuth},
    "crt": {k: botocore.crt.auth.CRT_AUTH_TYPE_MAPS[k] for k in ("s3v4", "s3v4-query")},
}


def use_signers(family):
    botocore.auth.AUTH_TYPE_MAPS.update(SIGNERS[family])

# Record botocore's own intermediate strings.
_recorded = {}
_canonical_request = botocore.auth.SigV4Auth.canonical_request
_string_to_sign = botocore.auth.SigV4Auth.string_to_sign


def _record_canonical(self, request):
    text = _canonical_request(self, request)
    _recorded["canonical_request"] = text
    return text


def _record_string_to_sign(self, request, canonical_request):
    text = _string_to_sign(self, request, canonical_request)
    _recorded["string_to_sign"] = text
    return text


botocore.auth.SigV4Auth.canonical_request = _record_canonical
botocore.auth.SigV4Auth.string_to_sign = _record_string_to_sign


class Captured(Exception):
    def __init__(self, request):
        super().__init__("captured")
        self.request = request


def _capture(request, **kwargs):
    raise Captured(request)


def client(checksums="when_supported", signature_version="s3v4", **s3_config):
    session = boto3.session.Session(
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION
    )
    config = Config(
        signature_version=signature_version,
        retries={"max_attempts": 0},
        request_checksum_calculation=checksums,
        s3=s3_config or None,
    )
    s3 = session.client("s3", config=config)
    s3.meta.events.register("before-send", _capture)
    return s3


def body_bytes(body):
    if body is None:
        return b""
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode()
    if hasattr(body, "read"):
        data = body.read()
        return data.encode() if isinstance(data, str) else data
    return b"".join(body)


def header_case(name, description, call, expect):
    name = f"{FAMILY}-{name}"
    _recorded.clear()
    try:
        call()
    except Captured as captured:
        request = captured.request
    else:
        raise SystemExit(f"{name}: botocore sent nothing")
    url = urlsplit(request.url)
    headers = [[k, v.decode() if isinstance(v, bytes) else v] for k, v in request.headers.items()]
    # Unsigned headers that vary from run to run (a random id; feature flags and the OS in the user agent).
    pinned = {"amz-sdk-invocation-id": "00000000-0000-4000-8000-000000000000", "user-agent": f"Botocore/{botocore.__version__}"}
    headers = [[k, pinned.get(k.lower(), v)] for k, v in headers]
    return {
        "name": name,
        "description": description,
        "botocore": botocore.__version__,
        "signer": FAMILY,
        "now": NOW.strftime("%Y%m%dT%H%M%SZ"),
        "region": REGION,
        "request": {
            "method": request.method,
            "path": url.path,
            "query": url.query,
            # The CRT signers put `host` in the headers; urllib3 adds it otherwise.
            "headers": ([] if any(k.lower() == "host" for k, _ in headers) else [["Host", url.netloc]]) + headers,
        },
        "bodyBase64": base64.b64encode(body_bytes(request.body)).decode(),
        "canonicalRequest": _recorded.get("canonical_request"),
        "stringToSign": _recorded.get("string_to_sign"),
        "expect": expect,
    }


def presigned_case(name, description, method, params, expires, expect):
    name = f"{FAMILY}-{name}"
    _recorded.clear()
    signer = client(signature_version=None) if FAMILY == "sigv4a" else client()
    url = urlsplit(signer.generate_presigned_url(method, Params=params, ExpiresIn=expires))
    return {
        "name": name,
        "description": description,
        "botocore": botocore.__version__,
        "signer": FAMILY,
        "now": NOW.strftime("%Y%m%dT%H%M%SZ"),
        "region": REGION,
        "request": {
            "method": {"get_object": "GET", "put_object": "PUT", "head_object": "HEAD", "delete_object": "DELETE"}[method],
            "path": url.path,
            "query": url.query,
            "headers": [["Host", url.netloc], ["User-Agent", "curl/8.5.0"]],
        },
        "bodyBase64": "",
        "canonicalRequest": _recorded.get("canonical_request"),
        "stringToSign": _recorded.get("string_to_sign"),
        "expect": expect,
    }


FAMILY = "python"


def cases():
    global FAMILY
    for family in ("python", "crt"):
        FAMILY = family
        use_signers(family)
        yield from family_cases()
    FAMILY = "sigv4a"
    yield from sigv4a_cases()


def sigv4a_cases():
    """Multi-Region Access Point requests: botocore signs them with awscrt's SigV4A (randomised ECDSA)."""
    s3 = client(signature_version=None)
    plain = client(checksums="when_required", signature_version=None, payload_signing_enabled=False)
    hello = b"hello world"
    yield header_case("get-object", "SigV4A GET, key with spaces and +",
                      lambda: s3.get_object(Bucket=MRAP_ARN, Key="photos/2024 trip/a+b.jpg"),
                      {"location": "header", "payload": "sha256"})
    yield header_case("list-objects", "SigV4A ListObjectsV2 with special characters in the query",
                      lambda: s3.list_objects_v2(Bucket=MRAP_ARN, Prefix="a b+c/ü", MaxKeys=3),
                      {"location": "header", "payload": "sha256"})
    yield header_case("put-object-bytes", "SigV4A PUT, unsigned payload",
                      lambda: plain.put_object(Bucket=MRAP_ARN, Key="k€y", Body=hello),
                      {"location": "header", "payload": "unsigned"})
    yield header_case("put-object-aws-chunked", "SigV4A PUT, aws-chunked with a crc32 trailer",
                      lambda: s3.put_object(Bucket=MRAP_ARN, Key="stream.bin", Body=io.BytesIO(hello * 2)),
                      {"location": "header", "payload": "awsChunked", "decodedBase64": base64.b64encode(hello * 2).decode()})
    yield presigned_case("presigned-get", "SigV4A presigned GET", "get_object",
                         {"Bucket": MRAP_ARN, "Key": "ünï/~x y"}, 3600,
                         {"location": "query", "payload": "unsigned", "expires": 3600})


def masked(text):
    """SigV4A signatures are randomised: compare fixtures with the signatures blanked."""
    return re.sub(r"Signature=[0-9a-f]+", "Signature=…", text)


def family_cases():
    s3 = client()
    plain = client(checksums="when_required", payload_signing_enabled=False)
    signed_payload = client(checksums="when_required", payload_signing_enabled=True)
    hello = b"hello world"
    yield header_case("get-object-spaces-plus", "GET, key with spaces and +",
                      lambda: s3.get_object(Bucket=AP_ARN, Key="photos/2024 trip/a+b.jpg"),
                      {"location": "header", "payload": "sha256"})
    yield header_case("get-object-unicode", "GET, unicode key, Range header",
                      lambda: s3.get_object(Bucket=AP_ARN, Key="unicode/ünïcødé-€ 日本.txt", Range="bytes=0-9"),
                      {"location": "header", "payload": "sha256"})
    yield header_case("get-object-dots-slashes", "GET, key with //, . and .. kept as is",
                      lambda: s3.get_object(Bucket=AP_ARN, Key="a//b/../c/./d~e"),
                      {"location": "header", "payload": "sha256"})
    yield header_case("head-object-if-match", "HEAD with If-Match and a versionId",
                      lambda: s3.head_object(Bucket=AP_ARN, Key="report.csv", IfMatch='"abc"', VersionId="v1+/=x"),
                      {"location": "header", "payload": "sha256"})
    yield header_case("delete-object", "DELETE",
                      lambda: s3.delete_object(Bucket=AP_ARN, Key="old/report 1.csv"),
                      {"location": "header", "payload": "sha256"})
    yield header_case("list-objects-special-query", "ListObjectsV2 with special characters in the query",
                      lambda: s3.list_objects_v2(Bucket=AP_ARN, Prefix="a b+c/~ü&=", Delimiter="/", StartAfter="x y", MaxKeys=7),
                      {"location": "header", "payload": "sha256"})
    yield header_case("put-object-bytes", "PUT, bytes body without checksums: unsigned payload over HTTPS",
                      lambda: plain.put_object(Bucket=AP_ARN, Key="a$b/c=d;e", Body=hello, ContentType="text/plain",
                                            Metadata={"colour": "blue  and   green"}),
                      {"location": "header", "payload": "unsigned"})
    yield header_case("put-object-signed-payload", "PUT with payload signing enabled: body SHA-256 signed",
                      lambda: signed_payload.put_object(Bucket=AP_ARN, Key="signed.txt", Body=hello),
                      {"location": "header", "payload": "sha256", "decodedBase64": base64.b64encode(hello).decode()})
    yield header_case("put-object-bytes-aws-chunked", "PUT of bytes with default checksums: aws-chunked, crc32 trailer",
                      lambda: s3.put_object(Bucket=AP_ARN, Key="a$b/c=d;e", Body=hello, ContentType="text/plain",
                                            Metadata={"colour": "blue  and   green"}),
                      {"location": "header", "payload": "awsChunked", "decodedBase64": base64.b64encode(hello).decode()})
    yield header_case("put-object-aws-chunked", "PUT of a stream: aws-chunked, unsigned payload, crc32 trailer",
                      lambda: s3.put_object(Bucket=AP_ARN, Key="stream.bin", Body=io.BytesIO(hello * 3)),
                      {"location": "header", "payload": "awsChunked", "decodedBase64": base64.b64encode(hello * 3).decode()})
    yield header_case("put-object-tagging", "PUT ?tagging with an XML body",
                      lambda: s3.put_object_tagging(Bucket=AP_ARN, Key="k", Tagging={"TagSet": [{"Key": "a", "Value": "b c"}]}),
                      {"location": "header", "payload": "sha256"})
    yield header_case("copy-object", "PUT with x-amz-copy-source holding special characters",
                      lambda: s3.copy_object(Bucket=AP_ARN, Key="dst key", CopySource={"Bucket": "src", "Key": "src key+€"}),
                      {"location": "header", "payload": "sha256"})
    yield presigned_case("presigned-get", "presigned GET, one hour", "get_object",
                         {"Bucket": AP_ARN, "Key": "photos/2024 trip/a+b.jpg"}, 3600,
                         {"location": "query", "payload": "unsigned", "expires": 3600})
    yield presigned_case("presigned-get-week", "presigned GET, one week, unicode key", "get_object",
                         {"Bucket": AP_ARN, "Key": "ünï/~x"}, 604800,
                         {"location": "query", "payload": "unsigned", "expires": 604800})
    yield presigned_case("presigned-put", "presigned PUT with a content type", "put_object",
                         {"Bucket": AP_ARN, "Key": "upload.txt"}, 900,
                         {"location": "query", "payload": "unsigned", "expires": 900})


def main():
    check = "--check" in sys.argv
    OUT.mkdir(parents=True, exist_ok=True)
    stale = []
    for case in cases():
        path = OUT / f"{case['name']}.json"
        text = json.dumps(case, indent=2, ensure_ascii=False) + "\n"
        if check:
            if not path.exists() or masked(path.read_text()) != masked(text):
                stale.append(path.name)
        else:
            path.write_text(text)
    if stale:
        print("stale fixtures:", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
