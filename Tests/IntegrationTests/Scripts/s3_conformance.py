#!/usr/bin/env python3
"""The embedded store's conformance module: every object operation of issue 9, and what S3 answers for a bucket made
today (unversioned, ACLs disabled, no Object Lock), driven by boto3.

The same checks run against any S3 endpoint: ``aprouter store serve`` directly (path-style or virtual-hosted),
``aprouter serve`` through an access point (the bucket is the access point ARN), and ``rclone serve s3``, the
reference. boto3 and botocore are the judges: every request is built, signed and parsed by them, with retries
off so each outcome is the server's first answer.

Where the reference differs from S3, the difference is written down in KNOWN_DIFFERENCES with the reason, and
the check is reported as "documented" for that target, never skipped: a documented check that passes is an
error too, so the table cannot go stale. Every other failure is a failure.

    s3_conformance.py --target NAME --endpoint URL --bucket BUCKET [--ca CA.pem] [--addressing path|virtual]

Credentials and region come from the usual AWS_* environment variables. Prints one JSON object:
``{"target": NAME, "results": {check: {"outcome": "pass"|"fail"|"documented"|"unexpected-pass", "detail": …}}}``
and exits 1 when any check failed or passed unexpectedly.
"""
import argparse
import base64
import datetime
import hashlib
import io
import json
import ssl
import sys
import traceback
import urllib.parse
import urllib.request
import uuid
import zlib

import boto3
import botocore.config
import botocore.exceptions

MIB = 1024 * 1024

# Where `rclone serve s3` (v1.75, gofakes3 over a local folder) answers differently from Amazon S3. Each entry is
# a check name and why the difference is the reference's, not ours. Tests/IntegrationTests/README.md has the table.
KNOWN_DIFFERENCES = {
    "rclone": {
        "acl_is_the_owners_full_control": "ACLs are not implemented (GetObjectAcl is 500)",
        "bucket_region": "HeadBucket has no x-amz-bucket-region (nor x-amz-access-point-alias); GetBucketLocation "
        "names us-east-1 whatever region the client signed for",
        "checksum_header_is_verified": "a PUT whose x-amz-checksum-crc32 does not match its body is stored",
        "checksum_is_kept": "a declared checksum is not given back (PUT, HEAD with ChecksumMode, GetObjectAttributes)",
        "conditional_delete": "If-Match on DeleteObject is ignored: an object whose ETag differs is deleted",
        "conditional_get": "If-Match with another ETag is answered 200, not 412 PreconditionFailed",
        "copy_object": "a copy adds rclone's own Mtime metadata and capitalises metadata names",
        "customer_key": "SSE-C is ignored: the key is not echoed and the object reads back without it",
        "default_checksum_is_crc64nvme": "an upload that declares no checksum gets none; S3 adds a CRC-64/NVME",
        "default_content_type": "an object stored without Content-Type reads back as application/octet-stream; "
        "S3 says binary/octet-stream",
        "delete_objects": "an empty ListObjectsV2 result has no KeyCount element",
        "get_object_by_part_number": "partNumber is ignored: the whole object, without PartsCount or Content-Range",
        "head_object": "x-amz-meta-* names come back capitalised (Color); S3 returns them in lower case",
        "list_object_versions": "ListObjectVersions is NotImplemented",
        "list_objects_v2_in_key_order": "listing entries carry the ETag without its quotes",
        "list_objects_v2_max_keys_zero": "MaxKeys=0 is ignored and a full page is listed",
        "long_key": "a key is a file path: a 1,000-byte file name fails with 500 InternalError "
        "(the file system's 255-byte name limit) instead of being stored",
        "multipart_composite_checksum": "CreateMultipartUpload ignores ChecksumAlgorithm: no algorithm or type "
        "in its answer, and the object gets no checksum of its parts",
        "multipart_full_object_checksum": "the whole object's checksum CompleteMultipartUpload is given is neither "
        "checked (a wrong one is accepted) nor kept (HEAD has no ChecksumCRC32)",
        "multipart_part_checksum_must_match_upload": "a part without the checksum its upload chose is stored",
        "multipart_complete_validates_parts": "a failed CompleteMultipartUpload (wrong part ETag) ends the upload, "
        "so the client cannot retry: the next attempt is NoSuchUpload",
        "multipart_upload": "a completed multipart object reads back with the MD5 of its bytes as ETag, not the "
        "\"MD5 of part MD5s-N\" CompleteMultipartUpload returned",
        "no_object_lock_and_nothing_to_restore": "Object Lock reads are 500, not InvalidRequest",
        "object_attributes": "GetObjectAttributes is 500",
        "object_tagging": "object tagging is not implemented (500)",
        "odd_keys": "keys with a '..' segment are refused (InvalidArgument): they would be file paths",
        "presigned_get": "an unsigned GET is answered 400, not 403 AccessDenied",
        "put_object_with_another_acl_is_refused": "a PutObject with a public-read ACL is stored (ACLs are ignored), "
        "where a bucket with ACLs disabled refuses it",
        "range_requests": "a ranged GET carries the whole object's CRC32 checksum, which botocore rejects "
        "(FlexibleChecksumError)",
        "storage_class_and_encryption": "no x-amz-server-side-encryption on writes or reads; a class is given back "
        "on HEAD but listed as STANDARD, and an unknown class is stored",
        "user_metadata": "x-amz-meta-* names come back capitalised; S3 returns them in lower case",
    },
}


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def error_code(call, what="the call"):
    """The S3 error code (and HTTP status) a call fails with; CheckFailed when it succeeds."""
    try:
        call()
    except botocore.exceptions.ClientError as error:
        return error.response["Error"].get("Code"), error.response["ResponseMetadata"].get("HTTPStatusCode")
    raise CheckFailed("%s succeeded" % what)


def md5_hex(data):
    return hashlib.md5(data).hexdigest()


class Conformance:
    def __init__(self, args):
        self.args = args
        self.prefix = "conformance-%s/" % uuid.uuid4().hex[:8]
        config = botocore.config.Config(
            signature_version="s3v4",
            retries={"max_attempts": 1, "mode": "standard"},
            s3={"addressing_style": args.addressing},
            connect_timeout=5,
            read_timeout=60,
        )
        self.config = config
        self.s3 = self.client()
        self.bucket = args.bucket

    def client(self):
        return boto3.session.Session().client("s3", endpoint_url=self.args.endpoint, verify=self.args.ca, config=self.config)

    def key(self, name):
        return self.prefix + name

    def put(self, name, body=b"", **extra):
        return self.s3.put_object(Bucket=self.bucket, Key=self.key(name), Body=body, **extra)

    def get(self, name, **extra):
        return self.s3.get_object(Bucket=self.bucket, Key=self.key(name), **extra)

    # Objects ------------------------------------------------------------------------------------------------------

    def check_put_get_etag_is_md5(self):
        body = b"hello, conformance\n" * 100
        put = self.put("plain.txt", body)
        expect(put["ETag"] == '"%s"' % md5_hex(body), "PUT ETag %s is not the MD5 %s" % (put["ETag"], md5_hex(body)))
        got = self.get("plain.txt")
        data = got["Body"].read()
        expect(data == body, "GET returned %d bytes, not the %d stored" % (len(data), len(body)))
        expect(got["ETag"] == put["ETag"], "GET ETag %s differs from PUT's %s" % (got["ETag"], put["ETag"]))
        expect(got["ContentLength"] == len(body), "ContentLength %s" % got["ContentLength"])

    def check_empty_object(self):
        put = self.put("empty", b"")
        expect(put["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"', "empty ETag %s" % put["ETag"])
        got = self.get("empty")
        expect(got["Body"].read() == b"" and got["ContentLength"] == 0, "the empty object is not empty")

    def check_head_object(self):
        body = b"0123456789"
        self.put("head.bin", body, Metadata={"color": "blue"})
        head = self.s3.head_object(Bucket=self.bucket, Key=self.key("head.bin"))
        expect(head["ContentLength"] == 10, "HEAD ContentLength %s" % head["ContentLength"])
        expect(head["ETag"] == '"%s"' % md5_hex(body), "HEAD ETag %s" % head["ETag"])
        expect(isinstance(head["LastModified"], datetime.datetime), "HEAD has no Last-Modified")
        expect(head.get("Metadata") == {"color": "blue"}, "HEAD metadata %s" % head.get("Metadata"))
        code = error_code(lambda: self.s3.head_object(Bucket=self.bucket, Key=self.key("missing")))
        expect(code[1] == 404, "HEAD of a missing key answered %s" % (code,))

    def check_get_missing_key_is_no_such_key(self):
        code = error_code(lambda: self.get("missing"))
        expect(code == ("NoSuchKey", 404), "GET of a missing key answered %s" % (code,))

    def check_user_metadata(self):
        self.put("meta", b"m", Metadata={"team": "blue", "Mixed-Case": "Value With Spaces", "empty": ""})
        got = self.get("meta")
        expected = {"team": "blue", "mixed-case": "Value With Spaces", "empty": ""}
        expect(got["Metadata"] == expected, "metadata %s, expected %s" % (got["Metadata"], expected))

    def check_content_type_encoding_disposition(self):
        self.put(
            "typed.json.gz",
            b"\x1f\x8b not really gzip",
            ContentType="application/json",
            ContentEncoding="gzip",
            ContentDisposition='attachment; filename="report.json.gz"',
        )
        for response in (self.get("typed.json.gz"), self.s3.head_object(Bucket=self.bucket, Key=self.key("typed.json.gz"))):
            expect(response["ContentType"] == "application/json", "Content-Type %s" % response["ContentType"])
            expect(response.get("ContentEncoding") == "gzip", "Content-Encoding %s" % response.get("ContentEncoding"))
            expect(
                response.get("ContentDisposition") == 'attachment; filename="report.json.gz"',
                "Content-Disposition %s" % response.get("ContentDisposition"),
            )

    def check_default_content_type(self):
        self.put("untyped", b"x")
        got = self.get("untyped")
        expect(got["ContentType"] == "binary/octet-stream", "default Content-Type %s" % got["ContentType"])

    def check_range_requests(self):
        body = bytes(range(100))
        self.put("range.bin", body)
        cases = [
            ("bytes=0-4", body[0:5], "bytes 0-4/100"),
            ("bytes=95-", body[95:], "bytes 95-99/100"),
            ("bytes=-3", body[97:], "bytes 97-99/100"),
            ("bytes=90-200", body[90:], "bytes 90-99/100"),
        ]
        for header, expected, content_range in cases:
            got = self.get("range.bin", Range=header)
            data = got["Body"].read()
            expect(got["ResponseMetadata"]["HTTPStatusCode"] == 206, "%s: status %s" % (header, got["ResponseMetadata"]["HTTPStatusCode"]))
            expect(data == expected, "%s: %d bytes" % (header, len(data)))
            expect(got.get("ContentRange") == content_range, "%s: Content-Range %s" % (header, got.get("ContentRange")))
        code = error_code(lambda: self.get("range.bin", Range="bytes=100-"))
        expect(code == ("InvalidRange", 416), "an unsatisfiable range answered %s" % (code,))

    def check_checksum_header_is_verified(self):
        body = b"checksummed content"
        crc32 = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
        sha256 = base64.b64encode(hashlib.sha256(body).digest()).decode()
        self.put("checksum-crc32", body, ChecksumCRC32=crc32)
        self.put("checksum-sha256", body, ChecksumSHA256=sha256)
        for name, content, extra in [
            ("bad-crc32", body, {"ChecksumCRC32": "AAAAAA=="}),
            ("bad-sha256", body, {"ChecksumSHA256": sha256[:-4] + "AAA="}),
        ]:
            refused = error_code(lambda: self.put(name, content, **extra), "PUT with a wrong checksum")
            expect(refused == ("BadDigest", 400), "%s: %s" % (name, refused))
            missing = error_code(lambda: self.s3.head_object(Bucket=self.bucket, Key=self.key(name)), "HEAD after BadDigest")
            expect(missing == ("404", 404), "%s was stored: %s" % (name, missing))
        # An empty body declares the checksum of nothing. Each on a client of its own: after a PUT of no bytes
        # with `Expect: 100-continue`, botocore's next PUT on that connection waits out its read timeout (rclone
        # too), whatever the server answers.
        self.client().put_object(Bucket=self.bucket, Key=self.key("checksum-empty"), Body=b"", ChecksumCRC32="AAAAAA==")
        refused = error_code(
            lambda: self.client().put_object(Bucket=self.bucket, Key=self.key("bad-empty"), Body=b"", ChecksumCRC32=crc32),
            "PUT of nothing with another checksum")
        expect(refused == ("BadDigest", 400), "bad-empty: %s" % (refused,))
        missing = error_code(lambda: self.s3.head_object(Bucket=self.bucket, Key=self.key("bad-empty")), "HEAD after BadDigest")
        expect(missing == ("404", 404), "bad-empty was stored: %s" % (missing,))

    def check_checksum_is_kept(self):
        body = b"keep my checksum"
        sha256 = base64.b64encode(hashlib.sha256(body).digest()).decode()
        put = self.put("kept-checksum", body, ChecksumAlgorithm="SHA256")
        expect(put.get("ChecksumSHA256") == sha256, "PUT answered %s" % put.get("ChecksumSHA256"))
        head = self.s3.head_object(Bucket=self.bucket, Key=self.key("kept-checksum"), ChecksumMode="ENABLED")
        expect(head.get("ChecksumSHA256") == sha256, "HEAD answered %s" % head.get("ChecksumSHA256"))
        attributes = self.s3.get_object_attributes(Bucket=self.bucket, Key=self.key("kept-checksum"), ObjectAttributes=["Checksum"])
        expect(attributes.get("Checksum", {}).get("ChecksumSHA256") == sha256, "attributes %s" % attributes.get("Checksum"))

    def check_conditional_get(self):
        etag = self.put("cond", b"conditional")["ETag"]
        later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
        earlier = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
        expect(self.get("cond", IfMatch=etag)["Body"].read() == b"conditional", "If-Match with the ETag")
        code = error_code(lambda: self.get("cond", IfMatch='"0123456789abcdef0123456789abcdef"'), "If-Match with another ETag")
        expect(code == ("PreconditionFailed", 412), "If-Match with another ETag answered %s" % (code,))
        code = error_code(lambda: self.get("cond", IfNoneMatch=etag), "If-None-Match with the ETag")
        expect(code[1] == 304, "If-None-Match with the ETag answered %s" % (code,))
        code = error_code(lambda: self.get("cond", IfModifiedSince=later), "If-Modified-Since tomorrow")
        expect(code[1] == 304, "If-Modified-Since tomorrow answered %s" % (code,))
        code = error_code(lambda: self.get("cond", IfUnmodifiedSince=earlier), "If-Unmodified-Since 2000")
        expect(code == ("PreconditionFailed", 412), "If-Unmodified-Since 2000 answered %s" % (code,))
        expect(self.get("cond", IfModifiedSince=earlier)["ETag"] == etag, "If-Modified-Since 2000 reads the object")

    def check_overwrite_replaces_object(self):
        self.put("over", b"first version", Metadata={"v": "1"})
        self.put("over", b"second", ContentType="text/plain")
        got = self.get("over")
        expect(got["Body"].read() == b"second", "the second PUT did not replace the first")
        expect(got["Metadata"] == {}, "metadata of the first version survived: %s" % got["Metadata"])

    def check_delete_object(self):
        self.put("doomed", b"x")
        deleted = self.s3.delete_object(Bucket=self.bucket, Key=self.key("doomed"))
        expect(deleted["ResponseMetadata"]["HTTPStatusCode"] == 204, "DELETE answered %s" % deleted["ResponseMetadata"]["HTTPStatusCode"])
        expect(error_code(lambda: self.get("doomed"))[0] == "NoSuchKey", "the object is still there")
        again = self.s3.delete_object(Bucket=self.bucket, Key=self.key("doomed"))
        expect(again["ResponseMetadata"]["HTTPStatusCode"] == 204, "DELETE of a missing key answered %s" % again["ResponseMetadata"]["HTTPStatusCode"])

    def check_delete_objects(self):
        names = ["batch/a", "batch/b", "batch/c"]
        for name in names:
            self.put(name, b"x")
        keys = [self.key(n) for n in names] + [self.key("batch/never-existed")]
        result = self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in keys]})
        deleted = sorted(d["Key"] for d in result.get("Deleted", []))
        expect(deleted == sorted(keys), "Deleted lists %s" % deleted)
        expect(not result.get("Errors"), "Errors: %s" % result.get("Errors"))
        listed = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=self.key("batch/"))
        expect(listed["KeyCount"] == 0, "objects remain: %s" % listed.get("Contents"))
        self.put("batch/quiet", b"x")
        quiet = self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": self.key("batch/quiet")}], "Quiet": True})
        expect(not quiet.get("Deleted"), "a quiet DeleteObjects listed %s" % quiet.get("Deleted"))
        expect(error_code(lambda: self.get("batch/quiet"))[0] == "NoSuchKey", "the quiet delete kept the object")

    def check_odd_keys(self):
        names = ["dir/ünïcödé ✓.txt", "a+b=c&d;e", "spaces  and\ttab", "dots/../not-a-parent", "percent%20sign", "trailing/"]
        for name in names:
            self.put("odd/" + name, name.encode())
        for name in names:
            data = self.get("odd/" + name)["Body"].read()
            expect(data == name.encode(), "%r read back %r" % (name, data))
        listed = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=self.key("odd/"))
        keys = [o["Key"][len(self.key("odd/")):] for o in listed.get("Contents", [])]
        expect(keys == sorted(names, key=lambda k: k.encode()), "listed %s" % keys)

    def check_long_key(self):
        name = "long/" + "k" * (1024 - len(self.key("long/")))
        self.s3.put_object(Bucket=self.bucket, Key=self.prefix + name, Body=b"long")
        expect(self.s3.get_object(Bucket=self.bucket, Key=self.prefix + name)["Body"].read() == b"long", "the 1024-byte key")
        code = error_code(lambda: self.s3.put_object(Bucket=self.bucket, Key=self.prefix + name + "k", Body=b"x"))
        expect(code == ("KeyTooLongError", 400), "a 1025-byte key answered %s" % (code,))

    def check_presigned_get(self):
        self.put("presigned.txt", b"presigned body")
        url = self.s3.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": self.key("presigned.txt")}, ExpiresIn=300)
        context = ssl.create_default_context(cafile=self.args.ca) if self.args.ca else None
        with urllib.request.urlopen(url, context=context, timeout=10) as response:
            expect(response.read() == b"presigned body", "the presigned URL read something else")
        anonymous = url.split("?")[0]
        try:
            urllib.request.urlopen(anonymous, context=context, timeout=10)
            raise CheckFailed("an unsigned GET was answered")
        except urllib.error.HTTPError as error:
            expect(error.code == 403 and b"AccessDenied" in error.read(), "an unsigned GET answered %s" % error.code)

    # Listings -----------------------------------------------------------------------------------------------------

    def listing_fixture(self):
        names = ["list/a.txt", "list/b/1.txt", "list/b/2.txt", "list/c/3.txt", "list/d.txt", "list/e ü.txt"]
        for name in names:
            self.put(name, b"x")
        return [self.key(n) for n in names]

    def check_list_objects_v2_in_key_order(self):
        keys = self.listing_fixture()
        listed = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=self.key("list/"))
        got = [o["Key"] for o in listed.get("Contents", [])]
        expect(got == sorted(keys, key=lambda k: k.encode()), "listed %s" % got)
        expect(listed["KeyCount"] == len(keys), "KeyCount %s" % listed["KeyCount"])
        expect(listed["IsTruncated"] is False, "IsTruncated %s" % listed["IsTruncated"])
        first = listed["Contents"][0]
        expect(first["Size"] == 1 and first["ETag"] == '"%s"' % md5_hex(b"x"), "entry %s" % first)

    def check_list_objects_v2_delimiter(self):
        self.listing_fixture()
        listed = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=self.key("list/"), Delimiter="/")
        prefixes = [p["Prefix"] for p in listed.get("CommonPrefixes", [])]
        contents = [o["Key"] for o in listed.get("Contents", [])]
        expect(prefixes == [self.key("list/b/"), self.key("list/c/")], "CommonPrefixes %s" % prefixes)
        expect(contents == [self.key("list/a.txt"), self.key("list/d.txt"), self.key("list/e ü.txt")], "Contents %s" % contents)
        expect(listed["KeyCount"] == 5, "KeyCount counts keys and prefixes: %s" % listed["KeyCount"])

    def check_list_objects_v2_continuation(self):
        keys = self.listing_fixture()
        seen, token, pages = [], None, 0
        while True:
            extra = {"ContinuationToken": token} if token else {}
            page = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=self.key("list/"), MaxKeys=2, **extra)
            pages += 1
            expect(page["MaxKeys"] == 2, "MaxKeys %s" % page["MaxKeys"])
            expect(len(page.get("Contents", [])) <= 2, "a page of %d" % len(page.get("Contents", [])))
            seen += [o["Key"] for o in page.get("Contents", [])]
            if not page["IsTruncated"]:
                break
            token = page["NextContinuationToken"]
            expect(pages < 10, "the pages never end")
        expect(seen == sorted(keys, key=lambda k: k.encode()), "pages gave %s" % seen)
        expect(pages == 3, "%d pages for 6 keys at 2 a page" % pages)

    def check_list_objects_v2_start_after(self):
        keys = self.listing_fixture()
        listed = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=self.key("list/"), StartAfter=self.key("list/b/2.txt"))
        got = [o["Key"] for o in listed.get("Contents", [])]
        expect(got == [k for k in sorted(keys, key=lambda k: k.encode()) if k > self.key("list/b/2.txt")], "listed %s" % got)
        expect(listed.get("StartAfter") == self.key("list/b/2.txt"), "StartAfter echoed as %s" % listed.get("StartAfter"))

    def check_list_objects_v2_max_keys_zero(self):
        self.listing_fixture()
        listed = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=self.key("list/"), MaxKeys=0)
        expect(listed["KeyCount"] == 0 and not listed.get("Contents"), "MaxKeys=0 listed %s" % listed.get("Contents"))

    def check_list_objects_v2_encoding_type_url(self):
        self.listing_fixture()
        listed = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=self.key("list/e"), EncodingType="url")
        expect(listed.get("EncodingType") == "url", "EncodingType %s" % listed.get("EncodingType"))
        got = [o["Key"] for o in listed.get("Contents", [])]
        # Asked for explicitly, botocore leaves the keys as the server encoded them: S3 encodes as an HTML form
        # does (a space is `+`), which is why botocore itself decodes with unquote_plus.
        expect(len(got) == 1 and got[0].endswith("e+%C3%BC.txt"), "the key came back as %s" % got)
        expect(urllib.parse.unquote_plus(got[0]) == self.key("list/e ü.txt"), "it decodes to %s" % urllib.parse.unquote_plus(got[0]))
        expect(listed.get("Prefix") == urllib.parse.quote_plus(self.key("list/e"), safe="/"), "Prefix %s" % listed.get("Prefix"))

    # Copies -------------------------------------------------------------------------------------------------------

    def check_copy_object(self):
        body = b"copy me" * 1000
        put = self.put("source.bin", body, Metadata={"origin": "source"}, ContentType="text/plain")
        copied = self.s3.copy_object(Bucket=self.bucket, Key=self.key("copy.bin"), CopySource={"Bucket": self.bucket, "Key": self.key("source.bin")})
        expect(copied["CopyObjectResult"]["ETag"] == put["ETag"], "copy ETag %s" % copied["CopyObjectResult"]["ETag"])
        got = self.get("copy.bin")
        expect(got["Body"].read() == body, "the copy's bytes differ")
        expect(got["Metadata"] == {"origin": "source"} and got["ContentType"] == "text/plain", "COPY kept %s %s" % (got["Metadata"], got["ContentType"]))
        self.s3.copy_object(
            Bucket=self.bucket, Key=self.key("replaced.bin"), CopySource={"Bucket": self.bucket, "Key": self.key("source.bin")},
            MetadataDirective="REPLACE", Metadata={"origin": "replaced"}, ContentType="application/x-replaced",
        )
        got = self.get("replaced.bin")
        expect(got["Metadata"] == {"origin": "replaced"}, "REPLACE metadata %s" % got["Metadata"])
        expect(got["ContentType"] == "application/x-replaced", "REPLACE Content-Type %s" % got["ContentType"])
        code = error_code(lambda: self.s3.copy_object(Bucket=self.bucket, Key=self.key("x"), CopySource={"Bucket": self.bucket, "Key": self.key("missing")}))
        expect(code == ("NoSuchKey", 404), "copying a missing key answered %s" % (code,))

    # Multipart ----------------------------------------------------------------------------------------------------

    def start_upload(self, name):
        return self.s3.create_multipart_upload(Bucket=self.bucket, Key=self.key(name), ContentType="application/x-parts")["UploadId"]

    def upload_part(self, name, upload, number, body):
        return self.s3.upload_part(Bucket=self.bucket, Key=self.key(name), UploadId=upload, PartNumber=number, Body=body)["ETag"]

    def check_multipart_upload(self):
        parts = [bytes([1]) * (5 * MIB), bytes([2]) * (5 * MIB), b"tail" * 256]
        upload = self.start_upload("multi.bin")
        etags = [self.upload_part("multi.bin", upload, i + 1, body) for i, body in enumerate(parts)]
        for etag, body in zip(etags, parts):
            expect(etag == '"%s"' % md5_hex(body), "part ETag %s" % etag)
        listed = self.s3.list_parts(Bucket=self.bucket, Key=self.key("multi.bin"), UploadId=upload)
        expect([p["PartNumber"] for p in listed["Parts"]] == [1, 2, 3], "ListParts %s" % listed["Parts"])
        expect([p["Size"] for p in listed["Parts"]] == [len(b) for b in parts], "part sizes %s" % [p["Size"] for p in listed["Parts"]])
        expect([p["ETag"] for p in listed["Parts"]] == etags, "part ETags %s" % [p["ETag"] for p in listed["Parts"]])
        uploads = self.s3.list_multipart_uploads(Bucket=self.bucket, Prefix=self.key("multi"))
        expect([(u["Key"], u["UploadId"]) for u in uploads.get("Uploads", [])] == [(self.key("multi.bin"), upload)], "ListMultipartUploads %s" % uploads.get("Uploads"))
        done = self.s3.complete_multipart_upload(
            Bucket=self.bucket, Key=self.key("multi.bin"), UploadId=upload,
            MultipartUpload={"Parts": [{"PartNumber": i + 1, "ETag": e} for i, e in enumerate(etags)]},
        )
        digest = hashlib.md5(b"".join(hashlib.md5(b).digest() for b in parts)).hexdigest()
        expect(done["ETag"] == '"%s-3"' % digest, "multipart ETag %s, expected \"%s-3\"" % (done["ETag"], digest))
        got = self.get("multi.bin")
        expect(got["Body"].read() == b"".join(parts), "the assembled object differs")
        expect(got["ETag"] == done["ETag"] and got["ContentType"] == "application/x-parts", "GET %s %s" % (got["ETag"], got["ContentType"]))
        uploads = self.s3.list_multipart_uploads(Bucket=self.bucket, Prefix=self.key("multi"))
        expect(not uploads.get("Uploads"), "the completed upload is still listed")

    def check_get_object_by_part_number(self):
        parts = [bytes([3]) * (5 * MIB), b"last part"]
        upload = self.start_upload("numbered.bin")
        etags = [self.upload_part("numbered.bin", upload, i + 1, body) for i, body in enumerate(parts)]
        self.s3.complete_multipart_upload(
            Bucket=self.bucket, Key=self.key("numbered.bin"), UploadId=upload,
            MultipartUpload={"Parts": [{"PartNumber": i + 1, "ETag": e} for i, e in enumerate(etags)]},
        )
        total = sum(len(b) for b in parts)
        second = self.get("numbered.bin", PartNumber=2)
        got = (second["Body"].read(), second.get("PartsCount"), second.get("ContentRange"))
        expect(got == (parts[1], 2, "bytes %d-%d/%d" % (len(parts[0]), total - 1, total)), "part 2: %s" % (got[1:],))
        head = self.s3.head_object(Bucket=self.bucket, Key=self.key("numbered.bin"), PartNumber=1)
        expect((head["ContentLength"], head.get("PartsCount")) == (len(parts[0]), 2), "HEAD part 1 %s" % head)
        beyond = error_code(lambda: self.get("numbered.bin", PartNumber=3), "GET part 3 of 2")
        expect(beyond == ("InvalidPartNumber", 416), "part 3: %s" % (beyond,))
        self.put("single", b"one part")
        whole = self.get("single", PartNumber=1)
        expect((whole["Body"].read(), whole.get("ContentRange")) == (b"one part", "bytes 0-7/8"), "part 1 of a plain object")

    def check_multipart_complete_validates_parts(self):
        upload = self.start_upload("invalid.bin")
        first = self.upload_part("invalid.bin", upload, 1, b"a" * 1024)
        second = self.upload_part("invalid.bin", upload, 2, b"b" * 1024)

        def complete(parts):
            return lambda: self.s3.complete_multipart_upload(Bucket=self.bucket, Key=self.key("invalid.bin"), UploadId=upload, MultipartUpload={"Parts": parts})

        code = error_code(complete([{"PartNumber": 1, "ETag": '"0123456789abcdef0123456789abcdef"'}]))
        expect(code == ("InvalidPart", 400), "a wrong part ETag answered %s" % (code,))
        code = error_code(complete([{"PartNumber": 2, "ETag": second}, {"PartNumber": 1, "ETag": first}]))
        expect(code == ("InvalidPartOrder", 400), "parts out of order answered %s" % (code,))
        code = error_code(complete([{"PartNumber": 1, "ETag": first}, {"PartNumber": 2, "ETag": second}]))
        expect(code == ("EntityTooSmall", 400), "a 1 KiB part before the last answered %s" % (code,))
        code = error_code(complete([{"PartNumber": 3, "ETag": second}]))
        expect(code == ("InvalidPart", 400), "a part never uploaded answered %s" % (code,))
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key=self.key("invalid.bin"), UploadId=upload)

    def check_multipart_composite_checksum(self):
        parts = [bytes([5]) * (5 * MIB), b"composite tail"]
        name = "composite.bin"
        created = self.s3.create_multipart_upload(Bucket=self.bucket, Key=self.key(name), ChecksumAlgorithm="CRC32")
        got = (created.get("ChecksumAlgorithm"), created.get("ChecksumType"))
        expect(got == ("CRC32", "COMPOSITE"), "CreateMultipartUpload answered %s" % (got,))
        upload = created["UploadId"]
        crcs = [base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode() for body in parts]
        etags = []
        for number, body in enumerate(parts, start=1):
            answer = self.s3.upload_part(Bucket=self.bucket, Key=self.key(name), UploadId=upload, PartNumber=number,
                                         Body=body, ChecksumAlgorithm="CRC32")
            expect(answer.get("ChecksumCRC32") == crcs[number - 1], "UploadPart %d answered %s" % (number, answer.get("ChecksumCRC32")))
            etags.append(answer["ETag"])
        listed = self.s3.list_parts(Bucket=self.bucket, Key=self.key(name), UploadId=upload)
        expect([p.get("ChecksumCRC32") for p in listed["Parts"]] == crcs, "ListParts %s" % listed["Parts"])

        def complete(checksums):
            return self.s3.complete_multipart_upload(
                Bucket=self.bucket, Key=self.key(name), UploadId=upload,
                MultipartUpload={"Parts": [{"PartNumber": i + 1, "ETag": e, "ChecksumCRC32": c}
                                           for i, (e, c) in enumerate(zip(etags, checksums))]})

        refused = error_code(lambda: complete([crcs[0], "AAAAAA=="]), "a completion with a wrong part checksum")
        expect(refused == ("InvalidPart", 400), "a wrong part checksum answered %s" % (refused,))
        composite = zlib.crc32(b"".join(base64.b64decode(c) for c in crcs)).to_bytes(4, "big")
        expected = base64.b64encode(composite).decode() + "-2"
        done = complete(crcs)
        got = (done.get("ChecksumCRC32"), done.get("ChecksumType"))
        expect(got == (expected, "COMPOSITE"), "CompleteMultipartUpload answered %s, expected %s" % (got, expected))
        head = self.s3.head_object(Bucket=self.bucket, Key=self.key(name), ChecksumMode="ENABLED")
        expect((head.get("ChecksumCRC32"), head.get("ChecksumType")) == (expected, "COMPOSITE"), "HEAD %s" % head)
        # botocore skips a composite checksum when it checks a download, and reads the bytes.
        expect(self.get(name, ChecksumMode="ENABLED")["Body"].read() == b"".join(parts), "the assembled object differs")

    def check_multipart_full_object_checksum(self):
        # s3transfer's upload_file with the whole file's CRC-32: FULL_OBJECT, the value given to Complete in
        # x-amz-checksum-crc32, which is the object's checksum and not that of Complete's XML body.
        from boto3.s3.transfer import TransferConfig
        body = bytes(range(256)) * (6 * MIB // 256 + 1)
        crc = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
        config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
        upload = lambda name, value: self.s3.upload_fileobj(
            io.BytesIO(body), self.bucket, self.key(name), ExtraArgs={"ChecksumCRC32": value}, Config=config)
        upload("full-object.bin", crc)
        head = self.s3.head_object(Bucket=self.bucket, Key=self.key("full-object.bin"), ChecksumMode="ENABLED")
        got = (head.get("ChecksumCRC32"), head.get("ChecksumType"), head.get("ContentLength"))
        expect(got == (crc, "FULL_OBJECT", len(body)), "HEAD answered %s, expected %s" % (got, (crc, "FULL_OBJECT", len(body))))
        try:
            upload("full-object-wrong.bin", "AAAAAA==")
            refused = None
        except Exception as error:
            refused = str(error)
        expect(refused is not None and "BadDigest" in refused, "a wrong whole-object CRC-32 answered %s" % refused)
        missing = error_code(lambda: self.s3.head_object(Bucket=self.bucket, Key=self.key("full-object-wrong.bin")), "HEAD")
        expect(missing == ("404", 404), "the refused upload was stored: %s" % (missing,))

    def check_multipart_part_checksum_must_match_upload(self):
        upload = self.s3.create_multipart_upload(Bucket=self.bucket, Key=self.key("sha.bin"), ChecksumAlgorithm="SHA256")["UploadId"]
        plain = boto3.session.Session().client(
            "s3", endpoint_url=self.args.endpoint, verify=self.args.ca,
            config=self.config.merge(botocore.config.Config(request_checksum_calculation="when_required")))
        refused = error_code(
            lambda: plain.upload_part(Bucket=self.bucket, Key=self.key("sha.bin"), UploadId=upload, PartNumber=1, Body=b"no checksum"),
            "UploadPart without the upload's checksum")
        expect(refused == ("InvalidRequest", 400), "a part without the upload's SHA-256 answered %s" % (refused,))
        listed = self.s3.list_parts(Bucket=self.bucket, Key=self.key("sha.bin"), UploadId=upload)
        expect(not listed.get("Parts"), "the refused part was kept: %s" % listed.get("Parts"))
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key=self.key("sha.bin"), UploadId=upload)

    def check_default_checksum_is_crc64nvme(self):
        from awscrt import checksums
        body = b"no checksum declared"
        plain = boto3.session.Session().client(
            "s3", endpoint_url=self.args.endpoint, verify=self.args.ca,
            config=self.config.merge(botocore.config.Config(request_checksum_calculation="when_required")))
        plain.put_object(Bucket=self.bucket, Key=self.key("default-checksum"), Body=body)
        expected = base64.b64encode(checksums.crc64nvme(body).to_bytes(8, "big")).decode()
        head = self.s3.head_object(Bucket=self.bucket, Key=self.key("default-checksum"), ChecksumMode="ENABLED")
        got = (head.get("ChecksumCRC64NVME"), head.get("ChecksumType"))
        expect(got == (expected, "FULL_OBJECT"), "HEAD answered %s, expected the CRC-64/NVME %s" % (got, expected))

    def check_multipart_abort(self):
        upload = self.start_upload("aborted.bin")
        self.upload_part("aborted.bin", upload, 1, b"x" * 1024)
        aborted = self.s3.abort_multipart_upload(Bucket=self.bucket, Key=self.key("aborted.bin"), UploadId=upload)
        expect(aborted["ResponseMetadata"]["HTTPStatusCode"] == 204, "abort answered %s" % aborted["ResponseMetadata"]["HTTPStatusCode"])
        code = error_code(lambda: self.s3.list_parts(Bucket=self.bucket, Key=self.key("aborted.bin"), UploadId=upload))
        expect(code == ("NoSuchUpload", 404), "ListParts after abort answered %s" % (code,))
        uploads = self.s3.list_multipart_uploads(Bucket=self.bucket, Prefix=self.key("aborted"))
        expect(not uploads.get("Uploads"), "the aborted upload is still listed")
        expect(error_code(lambda: self.get("aborted.bin"))[0] == "NoSuchKey", "an aborted upload left an object")

    # Tagging ------------------------------------------------------------------------------------------------------

    def check_object_tagging(self):
        self.put("tagged", b"x", Tagging="project=alpha&stage=test")
        tags = self.s3.get_object_tagging(Bucket=self.bucket, Key=self.key("tagged"))["TagSet"]
        expect(sorted((t["Key"], t["Value"]) for t in tags) == [("project", "alpha"), ("stage", "test")], "PUT tags %s" % tags)
        self.s3.put_object_tagging(Bucket=self.bucket, Key=self.key("tagged"), Tagging={"TagSet": [{"Key": "owner", "Value": "ops team"}]})
        tags = self.s3.get_object_tagging(Bucket=self.bucket, Key=self.key("tagged"))["TagSet"]
        expect([(t["Key"], t["Value"]) for t in tags] == [("owner", "ops team")], "PutObjectTagging tags %s" % tags)
        self.s3.delete_object_tagging(Bucket=self.bucket, Key=self.key("tagged"))
        tags = self.s3.get_object_tagging(Bucket=self.bucket, Key=self.key("tagged"))["TagSet"]
        expect(tags == [], "tags after DeleteObjectTagging %s" % tags)
        expect(self.get("tagged")["Body"].read() == b"x", "tagging changed the object")

    # What S3 answers for a bucket made today (unversioned, ACLs disabled, no Object Lock) ---------------------

    def check_acl_is_the_owners_full_control(self):
        self.put("acl", b"x")
        for acl in (self.s3.get_object_acl(Bucket=self.bucket, Key=self.key("acl")), self.s3.get_bucket_acl(Bucket=self.bucket)):
            grants = [(g["Grantee"].get("Type"), g["Grantee"].get("ID"), g["Permission"]) for g in acl["Grants"]]
            expect(grants == [("CanonicalUser", acl["Owner"]["ID"], "FULL_CONTROL")], "grants %s" % grants)
        self.s3.put_object_acl(Bucket=self.bucket, Key=self.key("acl"), ACL="bucket-owner-full-control")
        refused = error_code(lambda: self.s3.put_object_acl(Bucket=self.bucket, Key=self.key("acl"), ACL="public-read"), "PutObjectAcl public-read")
        expect(refused == ("AccessControlListNotSupported", 400), "PutObjectAcl public-read: %s" % (refused,))

    def check_put_object_with_another_acl_is_refused(self):
        refused = error_code(lambda: self.put("public", b"x", ACL="public-read"), "PutObject public-read")
        expect(refused == ("AccessControlListNotSupported", 400), "PutObject public-read: %s" % (refused,))
        missing = error_code(lambda: self.s3.head_object(Bucket=self.bucket, Key=self.key("public")), "HEAD after the refusal")
        expect(missing == ("404", 404), "the refused object: %s" % (missing,))
        self.put("owned", b"x", ACL="bucket-owner-full-control")

    def check_object_attributes(self):
        body = b"some attributes"
        self.put("attributes", body)
        out = self.s3.get_object_attributes(Bucket=self.bucket, Key=self.key("attributes"), ObjectAttributes=["ETag", "ObjectSize", "StorageClass"])
        got = (out.get("ETag"), out.get("ObjectSize"), out.get("StorageClass"))
        expect(got == (md5_hex(body), len(body), "STANDARD"), "ETag, size, class %s" % (got,))

    def check_conditional_delete(self):
        # DeleteObject with If-Match, and DeleteObjects with an object's ETag, delete only the object the client saw.
        etag = self.put("conditional/a", b"1")["ETag"]
        self.put("conditional/b", b"2")
        stale = '"0123456789abcdef0123456789abcdef"'
        refused = error_code(lambda: self.s3.delete_object(Bucket=self.bucket, Key=self.key("conditional/a"), IfMatch=stale), "a stale If-Match")
        expect(refused == ("PreconditionFailed", 412), "DeleteObject with a stale ETag: %s" % (refused,))
        self.s3.head_object(Bucket=self.bucket, Key=self.key("conditional/a"))
        self.s3.delete_object(Bucket=self.bucket, Key=self.key("conditional/a"), IfMatch=etag)
        gone = error_code(lambda: self.s3.head_object(Bucket=self.bucket, Key=self.key("conditional/a")), "HEAD after the delete")
        expect(gone == ("404", 404), "after a matching delete: %s" % (gone,))
        out = self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": self.key("conditional/b"), "ETag": stale}]})
        errors = [(e["Key"], e["Code"]) for e in out.get("Errors", [])]
        expect(errors == [(self.key("conditional/b"), "PreconditionFailed")], "DeleteObjects with a stale ETag: %s" % out)
        self.s3.head_object(Bucket=self.bucket, Key=self.key("conditional/b"))

    def check_bucket_region(self):
        # Where SDKs look for a bucket's region: HeadBucket's x-amz-bucket-region and GetBucketLocation. Every target
        # here serves the bucket in the region the client signs for (the lab's buckets are in it).
        region = self.s3.meta.region_name
        head = self.s3.head_bucket(Bucket=self.bucket)
        expect(head.get("BucketRegion") == region, "HeadBucket's BucketRegion %r, not %r" % (head.get("BucketRegion"), region))
        expect(head.get("AccessPointAlias") is False, "HeadBucket's AccessPointAlias %r" % head.get("AccessPointAlias"))
        if self.bucket.startswith("arn:"):
            return  # botocore sends GetBucketLocation path-style only, which an ARN cannot be (EndpointResolutionError)
        location = self.s3.get_bucket_location(Bucket=self.bucket).get("LocationConstraint")
        expect(location == (None if region == "us-east-1" else region), "LocationConstraint %r" % location)

    def check_storage_class_and_encryption(self):
        # S3 encrypts every new object (SSE-S3 unless the write asks for SSE-KMS) and says so on writes and reads;
        # it names a class other than STANDARD on GET and HEAD, and every object's class in listings.
        plain = self.put("keeping/plain", b"x")
        expect(plain.get("ServerSideEncryption") == "AES256", "PutObject's ServerSideEncryption %r" % plain.get("ServerSideEncryption"))
        put = self.put("keeping/ia", b"y", StorageClass="STANDARD_IA", ServerSideEncryption="aws:kms", SSEKMSKeyId="alias/lab")
        expect((put.get("ServerSideEncryption"), put.get("SSEKMSKeyId")) == ("aws:kms", "alias/lab"), "PutObject %s" % put)
        head = self.s3.head_object(Bucket=self.bucket, Key=self.key("keeping/ia"))
        got = (head.get("StorageClass"), head.get("ServerSideEncryption"), head.get("SSEKMSKeyId"))
        expect(got == ("STANDARD_IA", "aws:kms", "alias/lab"), "HEAD %s" % (got,))
        plain_head = self.s3.head_object(Bucket=self.bucket, Key=self.key("keeping/plain"))
        expect((plain_head.get("StorageClass"), plain_head.get("ServerSideEncryption")) == (None, "AES256"), "HEAD of the plain object %s" % plain_head)
        listed = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=self.key("keeping/"))
        classes = [entry.get("StorageClass") for entry in listed.get("Contents", [])]
        expect(classes == ["STANDARD_IA", "STANDARD"], "listed classes %s" % classes)
        moved = self.s3.copy_object(Bucket=self.bucket, Key=self.key("keeping/plain"), StorageClass="ONEZONE_IA",
                                    CopySource={"Bucket": self.bucket, "Key": self.key("keeping/plain")})
        expect(moved.get("ServerSideEncryption") == "AES256", "CopyObject %s" % moved)
        head = self.s3.head_object(Bucket=self.bucket, Key=self.key("keeping/plain"))
        expect(head.get("StorageClass") == "ONEZONE_IA", "after the copy onto itself: %s" % head.get("StorageClass"))
        refused = error_code(lambda: self.put("keeping/bad", b"z", StorageClass="NOT_A_CLASS"), "PutObject with an unknown class")
        expect(refused == ("InvalidStorageClass", 400), "an unknown class: %s" % (refused,))

    def check_customer_key(self):
        # SSE-C: an object written with a customer-provided key reads back only with it (botocore sends the key's
        # base64 and MD5); a read without it is 400, with another key 403.
        key = bytes(range(32))
        other = bytes(range(1, 33))
        put = self.put("sse-c", b"secret", SSECustomerAlgorithm="AES256", SSECustomerKey=key)
        expect(put.get("SSECustomerAlgorithm") == "AES256" and put.get("SSECustomerKeyMD5"), "PutObject %s" % put)
        without = error_code(lambda: self.get("sse-c"), "GET without the key")
        expect(without[1] == 400, "GET without the key: %s" % (without,))
        wrong = error_code(lambda: self.get("sse-c", SSECustomerAlgorithm="AES256", SSECustomerKey=other), "GET with another key")
        expect(wrong[1] == 403, "GET with another key: %s" % (wrong,))
        got = self.get("sse-c", SSECustomerAlgorithm="AES256", SSECustomerKey=key)
        expect(got["Body"].read() == b"secret", "the object with its key")

    def check_list_object_versions(self):
        names = ["versions/a", "versions/b", "versions/c"]
        for name in names:
            self.put(name, name.encode())
        pages = self.s3.get_paginator("list_object_versions").paginate(
            Bucket=self.bucket, Prefix=self.key("versions/"), PaginationConfig={"PageSize": 2})
        versions = [version for page in pages for version in page.get("Versions", [])]
        expect([v["Key"] for v in versions] == [self.key(n) for n in names], "keys %s" % [v["Key"] for v in versions])
        expect(all(v["VersionId"] == "null" and v["IsLatest"] for v in versions), "versions %s" % versions)

    def check_no_object_lock_and_nothing_to_restore(self):
        self.put("plain", b"x")
        key = self.key("plain")
        for what, call, wanted in [
            ("GetObjectLegalHold", lambda: self.s3.get_object_legal_hold(Bucket=self.bucket, Key=key), ("InvalidRequest", 400)),
            ("GetObjectRetention", lambda: self.s3.get_object_retention(Bucket=self.bucket, Key=key), ("InvalidRequest", 400)),
            ("RestoreObject", lambda: self.s3.restore_object(Bucket=self.bucket, Key=key, RestoreRequest={"Days": 1}), ("InvalidObjectState", 403)),
            ("PutObject with a legal hold", lambda: self.put("locked", b"x", ObjectLockLegalHoldStatus="ON"), ("InvalidRequest", 400)),
        ]:
            got = error_code(call, what)
            expect(got == wanted, "%s: %s" % (what, got))

    def checks(self):
        return sorted(name for name in dir(self) if name.startswith("check_"))

    def cleanup(self):
        try:
            paginator = self.s3.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
                for entry in page.get("Contents", []):
                    self.s3.delete_object(Bucket=self.bucket, Key=entry["Key"])
        except Exception:
            pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", required=True)
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--ca")
    parser.add_argument("--addressing", choices=["path", "virtual", "auto"], default="auto")
    parser.add_argument("--only", help="run only the checks whose names contain this")
    args = parser.parse_args()
    documented = KNOWN_DIFFERENCES.get(args.target, {})
    suite = Conformance(args)
    results = {}
    for method in suite.checks():
        name = method[len("check_"):]
        if args.only and args.only not in name:
            continue
        try:
            getattr(suite, method)()
            passed, detail = True, ""
        except CheckFailed as failure:
            passed, detail = False, str(failure)
        except botocore.exceptions.ClientError as error:
            passed, detail = False, "%s: %s" % (error.response["Error"].get("Code"), error.response["Error"].get("Message"))
        except Exception as error:
            passed, detail = False, "%s: %s" % (type(error).__name__, "".join(traceback.format_exception_only(error)).strip())
        if name in documented:
            outcome = "unexpected-pass" if passed else "documented"
            detail = documented[name] + (" (observed: %s)" % detail if detail else "")
        else:
            outcome = "pass" if passed else "fail"
        results[name] = {"outcome": outcome, "detail": detail}
    suite.cleanup()
    print(json.dumps({"target": args.target, "results": results}, indent=1, ensure_ascii=False))
    return 1 if any(r["outcome"] in ("fail", "unexpected-pass") for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
