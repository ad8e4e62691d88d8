#!/usr/bin/env python3
"""Writes the seed inputs of every fuzz harness into fuzz/corpus/HARNESS/seed-NAME; with --check, only says
whether the committed seeds are the ones this script writes (exit 1 naming those that are not).

The seeds are small, valid examples of what each reader reads (and a few near misses), in the framing each harness
expects (Sources/FuzzHarnesses: a leading byte that picks the cut, the source address or the policy's kind). The
fuzzer starts from them; what it keeps beside them is named by its hash. Run again after a harness changes its
framing: seeds are rewritten, the fuzzer's own inputs are left.
"""
import base64
import binascii
import datetime
import hashlib
import hmac
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = "--check" in sys.argv[1:]
STALE = []


def write(harness, name, data):
    """Writes one seed, or with --check (make check) notes it if the committed file differs."""
    folder = os.path.join(HERE, "corpus", harness)
    path = os.path.join(folder, "seed-" + name)
    if isinstance(data, str):
        data = data.encode()
    if CHECK:
        try:
            with open(path, "rb") as f:
                same = f.read() == data
        except FileNotFoundError:
            same = False
        if not same:
            STALE.append(os.path.relpath(path, os.path.dirname(HERE)))
        return
    os.makedirs(folder, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def http_request():
    host = "Host: my-ap-123456789012.s3.lab.localhost:8443\r\n"
    get = ("GET /notes/hello.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600 HTTP/1.1\r\n" + host
           + "User-Agent: aws-cli/2\r\nRange: bytes=0-9\r\n\r\n")
    put = ("PUT /k HTTP/1.1\r\n" + host + "Content-Length: 5\r\nx-amz-content-sha256: UNSIGNED-PAYLOAD\r\n"
           "Expect: 100-continue\r\n\r\nhello")
    chunked = ("PUT /k HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n"
               "5;ext=1\r\nhello\r\n3\r\nabc\r\n0\r\nTrailer: x\r\n\r\n")
    write("http-request", "get", b"\x20" + get.encode())
    write("http-request", "put", b"\x41" + put.encode())
    write("http-request", "chunked", b"\x50" + chunked.encode())
    write("http-request", "pipelined", b"\x33" + (get + put + get).encode())
    write("http-request", "http10", b"\x07" + b"\r\nHEAD / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    write("http-request", "close", b"\x05" + b"DELETE /k HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n\r\n")


def store_response():
    ok = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: \"abc\"\r\nContent-Type: text/plain\r\n\r\nhello"
    chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwxyz\r\n0\r\n\r\n"
    write("store-response", "ok", b"\x10" + ok.encode())
    write("store-response", "head", b"\x90" + ok.encode())
    write("store-response", "chunked", b"\x22" + chunked.encode())
    write("store-response", "continue", b"\x30" + b"HTTP/1.1 100 Continue\r\n\r\n" + ok.encode())
    write("store-response", "no-content", b"\x01" + b"HTTP/1.1 204 No Content\r\nx-amz-request-id: 1\r\n\r\n")
    write("store-response", "until-close", b"\x15" + b"HTTP/1.0 200 OK\r\nServer: x\r\n\r\nbody until the end")
    write("store-response", "error", b"\x40" + b"HTTP/1.1 404 Not Found\r\nContent-Length: 60\r\n\r\n"
          b"<Error><Code>NoSuchKey</Code><Message>gone</Message></Error>")


def proxy_header():
    signature = b"\r\n\r\n\x00\r\nQUIT\n"
    v4 = struct.pack("!BBH", 0x21, 0x11, 12) + bytes([127, 0, 10, 5, 127, 0, 0, 1]) + struct.pack("!HH", 50000, 8443)
    v6 = struct.pack("!BBH", 0x21, 0x21, 36) + bytes(15) + b"\x01" + bytes(15) + b"\x01" + struct.pack("!HH", 1, 2)
    local = struct.pack("!BBH", 0x20, 0x00, 0)
    tlv = struct.pack("!BBH", 0x21, 0x11, 12 + 7) + bytes([127, 0, 10, 5, 127, 0, 0, 1]) + struct.pack(
        "!HH", 50000, 8443) + b"\x02\x00\x04abcd"
    write("proxy-header", "v1-tcp4", b"\x0a" + b"PROXY TCP4 127.0.10.5 127.0.0.1 50000 8443\r\nGET / HTTP/1.1\r\n")
    write("proxy-header", "v1-tcp6", b"\x30" + b"PROXY TCP6 ::1 ::1 1 2\r\n")
    write("proxy-header", "v1-unknown", b"\x03" + b"PROXY UNKNOWN\r\n")
    write("proxy-header", "v2-tcp4", b"\x08" + signature + v4 + b"\x16\x03\x01")
    write("proxy-header", "v2-tcp6", b"\x20" + signature + v6)
    write("proxy-header", "v2-local", b"\x05" + signature + local)
    write("proxy-header", "v2-tlv", b"\x11" + signature + tlv)


def connect_request():
    write("connect-request", "aws", b"\x10" + b"CONNECT my-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com:443"
          b" HTTP/1.1\r\nHost: my-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com:443\r\n"
          b"User-Agent: aws-cli\r\n\r\n\x16\x03\x01\x00")
    write("connect-request", "ipv6", b"\x08" + b"CONNECT [::1]:8443 HTTP/1.1\r\n\r\n")
    write("connect-request", "get", b"\x04" + b"GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n")
    write("connect-request", "no-port", b"\x02" + b"CONNECT s3.us-west-2.amazonaws.com HTTP/1.0\r\n\r\n")


# The aws-chunked harness's key and time (Sources/FuzzHarnesses/AWSChunkedHarness.swift).
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TIME = datetime.datetime.fromtimestamp(1_795_000_000, datetime.timezone.utc)
DATE = TIME.strftime("%Y%m%d")
STAMP = TIME.strftime("%Y%m%dT%H%M%SZ")
SCOPE = DATE + "/us-west-2/s3/aws4_request"
SEED = "0" * 64
EMPTY = hashlib.sha256(b"").hexdigest()


def signing_key():
    key = ("AWS4" + SECRET).encode()
    for part in (DATE, "us-west-2", "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def sign(text):
    return hmac.new(signing_key(), text.encode(), hashlib.sha256).hexdigest()


def signed_chunks(chunks, trailer=None):
    """The body of an aws-chunked upload signed chunk by chunk (and its trailer, when given)."""
    previous = SEED
    out = b""
    for data in chunks + [b""]:
        signature = sign("\n".join(["AWS4-HMAC-SHA256-PAYLOAD", STAMP, SCOPE, previous, EMPTY,
                                    hashlib.sha256(data).hexdigest()]))
        out += b"%x;chunk-signature=%s\r\n" % (len(data), signature.encode())
        out += data + (b"\r\n" if data else b"")
        previous = signature
    if trailer is not None:
        signature = sign("\n".join(["AWS4-HMAC-SHA256-TRAILER", STAMP, SCOPE, previous,
                                    hashlib.sha256(trailer.encode() + b"\n").hexdigest()]))
        out += trailer.encode() + b"\r\nx-amz-trailer-signature:" + signature.encode() + b"\r\n\r\n"
    else:
        out += b"\r\n"
    return out


def aws_chunked():
    crc = base64.b64encode(struct.pack("!I", binascii.crc32(b"hello world"))).decode()
    # First byte: framing (bits 0-1: 0 signed, 1 signed with trailer, 2 unsigned with trailer) and the trailer's
    # algorithm (bits 2-4: 0 none, 1 CRC32, ...); second: the decoded length; third: the cut.
    write("aws-chunked", "signed", bytes([0x00, 11, 40]) + signed_chunks([b"hello", b" world"]))
    write("aws-chunked", "signed-trailer", bytes([0x05, 11, 90])
          + signed_chunks([b"hello world"], "x-amz-checksum-crc32:" + crc))
    write("aws-chunked", "unsigned-trailer", bytes([0x06, 11, 7])
          + b"5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:" + crc.encode() + b"\r\n\r\n")
    write("aws-chunked", "unsigned-none", bytes([0x02, 3, 3]) + b"3\r\nabc\r\n0\r\n\r\n")
    write("aws-chunked", "too-big", bytes([0x02, 100, 1]) + b"41\r\n" + b"a" * 65 + b"\r\n0\r\n\r\n")


def dns_name(name):
    out = b""
    for label in name.strip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def dns_query(name, qtype=1, edns=None, ident=0x1234, flags=0x0100):
    question = dns_name(name) + struct.pack("!HH", qtype, 1)
    additional = b""
    if edns is not None:
        additional = b"\x00" + struct.pack("!HHIH", 41, 1232, 0, len(edns)) + edns
    return struct.pack("!HHHHHH", ident, flags, 1, 0, 0, 1 if edns is not None else 0) + question + additional


def dns():
    # First byte: the source (0 the VPC 127.0.10.5, 1 the internet 127.0.20.5, 2 loopback).
    ap = "vpc-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com"
    write("dns-query", "private-a", b"\x00" + dns_query("app.corp.internal"))
    write("dns-query", "private-cname", b"\x00" + dns_query("www.corp.internal", edns=b""))
    write("dns-query", "private-wildcard", b"\x00" + dns_query("x.dev.corp.internal", qtype=28))
    write("dns-query", "private-refused", b"\x01" + dns_query("app.corp.internal"))
    write("dns-query", "access-point", b"\x00" + dns_query(ap))
    write("dns-query", "access-point-outside", b"\x01" + dns_query(ap, qtype=255))
    write("dns-query", "alias", b"\x02" + dns_query(
        "internet-ap-abcdefghijklmnopqrstuvwxyz012345-s3alias.s3.us-west-2.amazonaws.com"))
    write("dns-query", "mrap", b"\x02" + dns_query("mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com", qtype=16))
    ecs = struct.pack("!HHHBB", 8, 7, 1, 24, 0) + bytes([127, 0, 10])
    write("dns-query", "client-subnet", b"\x02" + dns_query("db.corp.internal", edns=ecs))
    write("dns-query", "soa", b"\x00" + dns_query("corp.internal", qtype=6))
    write("dns-query", "compressed", b"\x00" + struct.pack("!HHHHHH", 7, 0x0100, 2, 0, 0, 0)
          + dns_name("app.corp.internal") + b"\x00\x01\x00\x01" + b"\xc0\x0c\x00\x01\x00\x01")


def dns_upstream():
    def answer(name, qtype, records=b"", counts=(0, 0, 0), flags=0x8180, ident=0xBEEF):
        return (struct.pack("!HHHHHH", ident, flags, 1, *counts) + dns_name(name) + struct.pack("!HH", qtype, 1)
                + records)

    def record(owner, rtype, ttl, rdata):
        return owner + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata

    pointer = b"\xc0\x0c"
    # Query 0 (example.com A, RD), served fresh: one A record named by a pointer to the question.
    write("dns-upstream", "a-record", b"\x80" + answer("example.com", 1, record(pointer, 1, 300, bytes([192, 0, 2, 1])),
                                                        (1, 0, 0)))
    # Query 1 (WwW.Example.ORG AAAA, EDNS with DO), answered in lower case with an OPT record, served 300 s later.
    opt = b"\x00" + struct.pack("!HHIH", 41, 1232, 0x8000, 0)
    write("dns-upstream", "aaaa-opt-aged", bytes([0x80 | 1 | (3 << 2)]) + answer(
        "www.example.org", 28, record(pointer, 28, 600, bytes(16)) + opt, (1, 0, 1)))
    # Query 2 (txt.example.net TXT, CD): NXDOMAIN with the zone's SOA, cached for min(TTL, MINIMUM).
    soa = dns_name("ns.example.net") + dns_name("hostmaster.example.net") + struct.pack("!IIIII", 1, 7200, 900, 86400, 60)
    write("dns-upstream", "nxdomain-soa", bytes([0x80 | 2 | (1 << 2)]) + answer(
        "txt.example.net", 16, record(dns_name("example.net"), 6, 3600, soa), (0, 1, 0), flags=0x8183))
    # Query 3 (mail.example.com MX, no RD): truncated, to be asked again over TCP.
    write("dns-upstream", "truncated", bytes([0x80 | 3]) + answer("mail.example.com", 15, flags=0x8380))
    # Query 0 with 40 A records: over 512 bytes, so a client without EDNS gets TC.
    many = b"".join(record(pointer, 1, 60 + n, bytes([198, 51, 100, n])) for n in range(40))
    write("dns-upstream", "over-512", bytes([0x80 | (2 << 2)]) + answer("example.com", 1, many, (40, 0, 0)))
    # A CNAME chain with a pointer into the middle of a name.
    cname = record(pointer, 5, 120, b"\x03www" + pointer) + record(b"\xc0\x29", 1, 30, bytes([192, 0, 2, 7]))
    write("dns-upstream", "cname-chain", b"\x80" + answer("example.com", 1, cname, (2, 0, 0)))
    # Dropped: another ID (bit 7 clear), a pointer loop, a record cut short.
    write("dns-upstream", "other-id", b"\x00" + answer("example.com", 1, ident=0x0BAD))
    write("dns-upstream", "pointer-loop", b"\x80" + answer("example.com", 1, record(b"\xc0\x1d", 1, 1, b"\x00" * 4),
                                                            (1, 0, 0)))
    write("dns-upstream", "cut-short", b"\x80" + answer("example.com", 1, record(pointer, 1, 300, bytes(4))[:-2],
                                                         (1, 0, 0)))


def xml():
    write("xml-body", "complete-multipart", """<?xml version="1.0" encoding="UTF-8"?>
<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Part><ETag>"a54357aff0632cce46d942af68356b38"</ETag><PartNumber>1</PartNumber></Part>
  <Part><ChecksumCRC32>AAAAAA==</ChecksumCRC32><ETag>&quot;b&quot;</ETag><PartNumber>2</PartNumber></Part>
</CompleteMultipartUpload>""")
    write("xml-body", "delete", """<Delete><Quiet>true</Quiet><Object><Key>a&amp;b &#x263A; &#65;</Key>
<ETag>"e"</ETag></Object><Object><Key><![CDATA[<raw>]]></Key><VersionId>null</VersionId></Object></Delete>""")
    write("xml-body", "create-access-point", """<?xml version="1.0"?><!-- a comment -->
<CreateAccessPointRequest xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><Bucket>example-bucket</Bucket>
<VpcConfiguration><VpcId>vpc-1a2b3c</VpcId></VpcConfiguration><PublicAccessBlockConfiguration>
<BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration></CreateAccessPointRequest>""")
    write("xml-body", "tagging", "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>")
    write("xml-body", "deep", "<a>" * 17 + "x" + "</a>" * 17)


def policy():
    # First byte: the kind (0 access point, 1 bucket, 2 VPC endpoint, 3 multi-region access point, 4 identity).
    ap = "arn:aws:s3:us-west-2:123456789012:accesspoint/vpc-ap"
    write("policy", "access-point", b"\x00" + ("""{"Version":"2012-10-17","Statement":[
 {"Sid":"Jane","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},
  "Action":["s3:GetObject","s3:PutObject"],"Resource":"%s/object/Jane/*",
  "Condition":{"StringLike":{"aws:userid":"AIDA*"},"IpAddress":{"aws:VpcSourceIp":["127.0.10.0/24"]}}},
 {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["%s","%s/object/*"],
  "Condition":{"Bool":{"aws:SecureTransport":"false"},"NumericLessThan":{"s3:TlsVersion":"1.2"}}}]}""" % (ap, ap, ap)).encode())
    write("policy", "bucket", b"\x01" + b"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::example-bucket","arn:aws:s3:::example-bucket/*"],
 "Condition":{"StringEquals":{"s3:DataAccessPointAccount":"123456789012"},
 "DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},"Null":{"s3:x-amz-server-side-encryption":"false"}}}]}""")
    write("policy", "endpoint", b"\x02" + b"""{"Statement":[{"Effect":"Allow","Principal":"*","NotAction":"s3:Delete*",
 "Resource":"*","Condition":{"ArnLike":{"s3:DataAccessPointArn":"arn:aws:s3:us-west-2:123456789012:accesspoint/*"},
 "ForAnyValue:StringEquals":{"s3:ExistingObjectTag/team":["a","b"]}}}]}""")
    write("policy", "identity", b"\x04" + b"""{"Version":"2012-10-17","Statement":{"Effect":"Allow",
 "Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":["${aws:username}/*"]},
 "NumericLessThanEquals":{"s3:max-keys":"10"}}}}""")
    write("policy", "mrap", b"\x03" + b"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"AWS":"123456789012"},"Action":"s3:GetObject",
 "Resource":"arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap/object/*"}]}""")


def names():
    for name, text in [
        ("ap-arn", "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap"),
        ("ap-object-arn", "arn:aws:s3:us-west-2:123456789012:accesspoint:my-ap/object/a/b"),
        ("bucket-arn", "arn:aws:s3:::example-bucket/key/with space"),
        ("mrap-arn", "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap"),
        ("china-arn", "arn:aws-cn:s3:cn-north-1:123456789012:accesspoint/ap"),
        ("ap-host", "my-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com"),
        ("dualstack-host", "My-Ap-123456789012.s3-accesspoint.dualstack.us-west-2.amazonaws.com."),
        ("lab-host", "my-ap-123456789012.s3.lab.localhost:8443"),
        ("alias-host", "my-ap-abcdefghijklmnopqrstuvwxyz012345-s3alias.s3.us-west-2.amazonaws.com"),
        ("control-host", "123456789012.s3-control.us-west-2.amazonaws.com"),
        ("mrap-host", "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com"),
        ("ipv6-host", "[::1]:8443"),
        ("ipv4-host", "127.0.0.1"),
    ]:
        write("names", name, text)




def router():
    # First byte: bits 0-1 how the harness signs (0 not, 1 headers with the body's hash, 2 presigned, 3 headers with
    # the request's own x-amz-content-sha256); bits 2-3 the source (0 the VPC, 1 the internet, 2 loopback, 3 none).
    vpc_ap = "Host: vpc-ap-123456789012.s3.lab.localhost:8443\r\n"
    internet_ap = "Host: internet-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com\r\n"
    alias = "Host: internet-ap-abcdefghijklmnopqrstuvwxyz012345-s3alias.s3.us-west-2.amazonaws.com\r\n"
    delete = ('<Delete><Object><Key>a</Key></Object><Object><Key>b</Key><ETag>"e"</ETag></Object></Delete>')
    complete = ('<CompleteMultipartUpload><Part><ETag>"e"</ETag><PartNumber>1</PartNumber></Part>'
                '</CompleteMultipartUpload>')
    chunked = "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"
    for name, first, text in [
        ("vpc-get", 0x01, "GET /reports/q3.csv HTTP/1.1\r\n" + vpc_ap + "Range: bytes=0-99\r\n\r\n"),
        ("vpc-get-from-internet", 0x05, "GET /reports/q3.csv HTTP/1.1\r\n" + vpc_ap + "\r\n"),
        ("presigned", 0x06, "GET /k%20x?versionId=null HTTP/1.1\r\n" + internet_ap + "\r\n"),
        ("put", 0x05, "PUT /a/b.txt HTTP/1.1\r\n" + internet_ap + "Content-Length: 5\r\nContent-Type: text/plain\r\n"
         "x-amz-storage-class: STANDARD_IA\r\nx-amz-tagging: a=b&c=d\r\nx-amz-meta-x: y\r\n\r\nhello"),
        ("put-chunked", 0x07, "PUT /streamed HTTP/1.1\r\n" + internet_ap + "Content-Encoding: aws-chunked\r\n"
         "x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER\r\nx-amz-decoded-content-length: 5\r\n"
         "x-amz-trailer: x-amz-checksum-crc32\r\nContent-Length: %d\r\n\r\n%s" % (len(chunked), chunked)),
        ("delete-objects", 0x05, "POST /?delete HTTP/1.1\r\n" + internet_ap + "Content-Length: %d\r\n\r\n%s"
         % (len(delete), delete)),
        ("complete", 0x01, "POST /big?uploadId=abc HTTP/1.1\r\n" + vpc_ap + "Content-Length: %d\r\n\r\n%s"
         % (len(complete), complete)),
        ("copy", 0x01, "PUT /copy HTTP/1.1\r\n" + vpc_ap + "x-amz-copy-source: "
         "arn%3Aaws%3As3%3Aus-west-2%3A123456789012%3Aaccesspoint%2Finternet-ap%2Fobject%2Fa%2Fb.txt\r\n"
         "x-amz-copy-source-if-match: \"e\"\r\n\r\n"),
        ("list", 0x05, "GET /?list-type=2&prefix=a%2F&delimiter=%2F&encoding-type=url&max-keys=5 HTTP/1.1\r\n"
         + alias + "\r\n"),
        ("anonymous", 0x04, "GET /a/b.txt HTTP/1.1\r\n" + internet_ap + "\r\n"),
        ("path-style", 0x05, "GET /example-bucket/a HTTP/1.1\r\nHost: s3.us-west-2.amazonaws.com\r\n\r\n"),
        ("control", 0x09, "GET /v20180820/accesspoint?maxResults=2 HTTP/1.1\r\n"
         "Host: 123456789012.s3-control.us-west-2.amazonaws.com\r\nx-amz-account-id: 123456789012\r\n\r\n"),
        ("bucket-config", 0x05, "GET /?policy HTTP/1.1\r\n" + internet_ap + "\r\n"),
        ("tagging", 0x01, "PUT /a?tagging HTTP/1.1\r\n" + vpc_ap + "Content-Length: 62\r\n\r\n"
         "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>"[:62]),
        ("conditional", 0x05, "GET /a HTTP/1.1\r\n" + internet_ap + "If-None-Match: \"e\"\r\n"
         "If-Modified-Since: Sat, 28 Nov 2026 12:00:00 GMT\r\nx-amz-expected-bucket-owner: 123456789012\r\n\r\n"),
    ]:
        write("router", name, bytes([first]) + text.encode())
    # A connection's requests: the control API creates an access point, the next request goes through it.
    control = "Host: 123456789012.s3-control.us-west-2.amazonaws.com\r\nx-amz-account-id: 123456789012\r\n"
    for name, first, access_point, configuration in [
        ("control-create-then-use", 0x05, "new-ap", "<Bucket>example-bucket</Bucket>"),
        ("control-create-vpc-then-use-outside", 0x05, "new-vpc-ap",
         "<Bucket>vpc-bucket</Bucket><VpcConfiguration><VpcId>vpc-1a2b3c</VpcId></VpcConfiguration>"),
    ]:
        create = ('<CreateAccessPointRequest xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/">%s'
                  '</CreateAccessPointRequest>' % configuration)
        text = ("PUT /v20180820/accesspoint/%s HTTP/1.1\r\n" % access_point + control
                + "Content-Length: %d\r\n\r\n%s" % (len(create), create)
                + "GET /k HTTP/1.1\r\nHost: %s-123456789012.s3-accesspoint.us-west-2.amazonaws.com\r\n\r\n"
                % access_point)
        write("router", name, bytes([first]) + text.encode())


def store_server():
    # First byte: how the harness signs, with the store's key (as for the router); the rest is a connection.
    path = "Host: localhost:9000\r\n"
    virtual = "Host: example-bucket.localhost:9000\r\n"
    complete = ('<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"5d41402abc4b2a76b9719d911017c592"'
                '</ETag></Part></CompleteMultipartUpload>')
    delete = "<Delete><Object><Key>a</Key></Object><Object><Key>b</Key></Object></Delete>"
    for name, first, text in [
        ("put-get", 0x01, "PUT /example-bucket/a HTTP/1.1\r\n" + path + "Content-Length: 5\r\n\r\nhello"
         "GET /example-bucket/a HTTP/1.1\r\n" + path + "Range: bytes=1-3\r\n\r\n"),
        ("virtual-list", 0x01, "PUT /b%20c HTTP/1.1\r\n" + virtual + "Content-Length: 1\r\n\r\nx"
         "GET /?list-type=2&prefix=b HTTP/1.1\r\n" + virtual + "\r\n"),
        ("multipart", 0x01, "POST /example-bucket/big?uploads HTTP/1.1\r\n" + path + "\r\n"
         "PUT /example-bucket/big?partNumber=1&uploadId=X HTTP/1.1\r\n" + path + "Content-Length: 5\r\n\r\nhello"
         "POST /example-bucket/big?uploadId=X HTTP/1.1\r\n" + path + "Content-Length: %d\r\n\r\n%s"
         % (len(complete), complete)),
        ("delete-objects", 0x01, "PUT /example-bucket/a HTTP/1.1\r\n" + path + "Content-Length: 0\r\n\r\n"
         "POST /example-bucket?delete HTTP/1.1\r\n" + path + "Content-Length: %d\r\n\r\n%s" % (len(delete), delete)),
        ("copy-tagging", 0x01, "PUT /example-bucket/a HTTP/1.1\r\n" + path + "Content-Length: 1\r\n"
         "x-amz-tagging: k=v\r\n\r\nz"
         "PUT /other-bucket/b HTTP/1.1\r\n" + path + "x-amz-copy-source: /example-bucket/a\r\n"
         "x-amz-tagging-directive: REPLACE\r\nx-amz-tagging: a=b\r\n\r\n"
         "GET /other-bucket/b?tagging HTTP/1.1\r\n" + path + "\r\n"),
        ("presigned", 0x02, "GET /example-bucket?location HTTP/1.1\r\n" + path + "\r\n"),
        ("unsigned", 0x00, "GET /example-bucket/a HTTP/1.1\r\n" + path + "\r\n"),
    ]:
        write("store-server", name, bytes([first]) + text.encode())


for make in (http_request, store_response, proxy_header, connect_request, aws_chunked, dns, dns_upstream, xml, policy, names, router,
             store_server):
    make()


if CHECK and STALE:
    print("fuzz/seeds.py: these seeds differ from what fuzz/seeds.py writes (run it): " + ", ".join(STALE))
    sys.exit(1)
