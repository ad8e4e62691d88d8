#!/usr/bin/env python3
"""The writes the store's crash tests kill the server in the middle of.

    put       --endpoint URL --bucket B --key K --size BYTES --rate MIB_PER_S
        One PUT of SIZE bytes (each byte 0x4E, "N"), SigV4-signed with UNSIGNED-PAYLOAD and sent at RATE MiB/s in
        1 MiB pieces, so the test can strike while the body is still arriving. Prints "SENDING" first, then
        "DONE <status>" or "BROKEN <error>" when the server went away.
    multipart --endpoint URL --bucket B --key K --part-size BYTES --parts N
        Creates an upload, uploads N parts of PART-SIZE bytes (part i is byte i+0x41 repeated), prints
        "COMPLETING <upload id> <etag of the finished object> <md5 of its bytes>" and then sends
        CompleteMultipartUpload; prints "DONE" or "BROKEN <error>". With --go-file, it sends it only once that
        file exists (for at most two minutes), so the test can be watching before the assembly starts.

Credentials and region come from the usual AWS_* environment variables.
"""
import argparse
import hashlib
import http.client
import os
import sys
import time
import urllib.parse

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.config
import botocore.exceptions

MIB = 1024 * 1024


class UnsignedPayloadAuth(botocore.auth.S3SigV4Auth):
    """SigV4 with x-amz-content-sha256: UNSIGNED-PAYLOAD, so the body can stream without being read twice."""

    def _should_sha256_sign_payload(self, request):
        return False


def slow_put(args):
    credentials = boto3.session.Session().get_credentials()
    region = boto3.session.Session().region_name or "us-east-1"
    url = "%s/%s/%s" % (args.endpoint, args.bucket, urllib.parse.quote(args.key))
    request = botocore.awsrequest.AWSRequest(method="PUT", url=url, headers={"Content-Length": str(args.size)})
    UnsignedPayloadAuth(credentials, "s3", region).add_auth(request)
    parsed = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    print("SENDING", flush=True)
    try:
        connection.putrequest("PUT", parsed.path, skip_accept_encoding=True)
        for name, value in request.headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        piece = b"N" * MIB
        sent = 0
        started = time.monotonic()
        while sent < args.size:
            chunk = piece[: min(MIB, args.size - sent)]
            connection.send(chunk)
            sent += len(chunk)
            # Keep to the rate: sleep until this many bytes are due.
            due = started + sent / (args.rate * MIB)
            if due > time.monotonic():
                time.sleep(due - time.monotonic())
        response = connection.getresponse()
        print("DONE %d" % response.status, flush=True)
    except (OSError, http.client.HTTPException) as error:
        print("BROKEN %s" % error, flush=True)


def multipart(args):
    config = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=120)
    s3 = boto3.session.Session().client("s3", endpoint_url=args.endpoint, config=config)
    upload = s3.create_multipart_upload(Bucket=args.bucket, Key=args.key)["UploadId"]
    parts, digests, whole = [], [], hashlib.md5()
    for index in range(args.parts):
        body = bytes([0x41 + index]) * args.part_size
        digests.append(hashlib.md5(body).digest())
        whole.update(body)
        etag = s3.upload_part(Bucket=args.bucket, Key=args.key, UploadId=upload, PartNumber=index + 1, Body=body)["ETag"]
        parts.append({"PartNumber": index + 1, "ETag": etag})
    final = '"%s-%d"' % (hashlib.md5(b"".join(digests)).hexdigest(), args.parts)
    print("COMPLETING %s %s %s" % (upload, final, whole.hexdigest()), flush=True)
    if args.go_file:
        deadline = time.monotonic() + 120
        while not os.path.exists(args.go_file):
            if time.monotonic() > deadline:
                print("BROKEN nobody said go", flush=True)
                return
            time.sleep(0.005)
    try:
        s3.complete_multipart_upload(Bucket=args.bucket, Key=args.key, UploadId=upload, MultipartUpload={"Parts": parts})
        print("DONE", flush=True)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, OSError) as error:
        print("BROKEN %s" % error, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=["put", "multipart"])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--size", type=int, default=200 * MIB)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--part-size", type=int, default=64 * MIB)
    parser.add_argument("--parts", type=int, default=3)
    parser.add_argument("--go-file")
    args = parser.parse_args()
    slow_put(args) if args.mode == "put" else multipart(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
