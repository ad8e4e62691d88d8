"""Mutation fuzzing of every listener of a running aprouter: the inputs a network can send, mutated from valid ones
(byte flips, cuts, insertions, repeats, separators), a seeded and fixed number of each. After each surface the
admin listener must still answer /health: no input from the network may crash the server.

    fuzz_listeners.py SEED HTTPS HTTP DNS PROXY ADMIN CA_FILE [SCALE]

Prints one line per surface ("NAME: N inputs, server alive") and exits 1 at the first surface after which the
server is gone, or when the whole run takes over 600 s (a server that hangs). The lab must trust 127.0.0.9 for PROXY headers and have an account 123456789012 with the user
AKIAIOSFODNN7EXAMPLE, and a bucket example-bucket."""

import random
import socket
import ssl
import struct
import sys
import time

import botocore.auth
import botocore.awsrequest
import botocore.credentials

seed, https, http, dns, proxy, admin, ca = int(sys.argv[1]), *map(int, sys.argv[2:7]), sys.argv[7]
scale = float(sys.argv[8]) if len(sys.argv) > 8 else 1.0
rng = random.Random(seed)
credentials = botocore.credentials.Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
context = ssl.create_default_context(cafile=ca)
context.check_hostname = False
SEPARATORS = [b"\r\n", b"\n", b"\r", b"\x00", b":", b" ", b"%", b"%zz", b"\xff\xfe", b"9" * 30, b"-1", b";", b",", b"\t"]


def mutate(data: bytes) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        if not data:
            data += b"x"
        i = rng.randrange(len(data))
        op = rng.randrange(7)
        if op == 0:
            data[i] = rng.randrange(256)
        elif op == 1:
            del data[i:i + rng.randint(1, 8)]
        elif op == 2:
            data[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 3:
            data[i:i] = data[i:i + rng.randint(1, 40)] * rng.randint(1, 50)
        elif op == 4:
            data[i:i] = rng.choice(SEPARATORS)
        elif op == 5:
            data = data[:i]
        else:
            data[i] ^= 1 << rng.randrange(8)
    return bytes(data)


def alive() -> bool:
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", admin), timeout=2) as s:
                s.sendall(b"GET /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                if b" 200 " in s.recv(100):
                    return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def send(data: bytes, port: int, tls: bool = False, bind: str | None = None, server_name: str = "s3.lab.localhost"):
    """Sends `data`, ends the sending side (TLS: close_notify), and reads a little of the answer."""
    try:
        s = socket.socket()
        s.settimeout(0.5)
        if bind:
            s.bind((bind, 0))
        s.connect(("127.0.0.1", port))
        if tls:
            s = context.wrap_socket(s, server_hostname=server_name)
            s.sendall(data)
            s = s.unwrap()
        else:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        s.recv(65536)
        s.close()
    except (OSError, ssl.SSLError, ValueError):
        pass


def signed(method: str, host: str, path: str, body: bytes = b"") -> bytes:
    """A request signed with SigV4 as botocore signs it (the control API's with its account header)."""
    headers = {"x-amz-account-id": "123456789012"} if "s3-control" in host else {}
    request = botocore.awsrequest.AWSRequest(method=method, url=f"https://{host}:{https}{path}", data=body, headers=headers)
    botocore.auth.S3SigV4Auth(credentials, "s3", "us-west-2").add_auth(request)
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{https}"]
    lines += [f"{k}: {v}" for k, v in request.headers.items() if k.lower() != "host"]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


CONTROL = "123456789012.s3-control.us-west-2.amazonaws.com"
ACCESS_POINT = "fz-123456789012.s3-accesspoint.us-west-2.amazonaws.com"
NAMESPACE = b' xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"'
CREATE = (b"<CreateAccessPointRequest" + NAMESPACE + b"><Bucket>example-bucket</Bucket><PublicAccessBlockConfiguration>"
          b"<BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration></CreateAccessPointRequest>")
POLICY = (b"<PutAccessPointPolicyRequest" + NAMESPACE + b"><Policy>{&quot;Version&quot;:&quot;2012-10-17&quot;,"
          b"&quot;Statement&quot;:[{&quot;Effect&quot;:&quot;Deny&quot;,&quot;Principal&quot;:&quot;*&quot;,"
          b"&quot;Action&quot;:&quot;s3:GetObject&quot;,&quot;Resource&quot;:"
          b"&quot;arn:aws:s3:us-west-2:123456789012:accesspoint/fz/object/*&quot;,&quot;Condition&quot;:"
          b"{&quot;IpAddress&quot;:{&quot;aws:SourceIp&quot;:&quot;10.0.0.0/8&quot;}}}]}</Policy>"
          b"</PutAccessPointPolicyRequest>")
MRAP = (b"<CreateMultiRegionAccessPointRequest" + NAMESPACE + b"><ClientToken>t1</ClientToken><Details><Name>mr</Name>"
        b"<Regions><Region><Bucket>example-bucket</Bucket></Region></Regions></Details>"
        b"</CreateMultiRegionAccessPointRequest>")
STORE_BODIES = [b"", b"<Delete><Object><Key>a</Key></Object><Quiet>true</Quiet></Delete>",
                b'<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"e"</ETag></Part></CompleteMultipartUpload>',
                b"<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>"]
PLAIN = (b"GET /k?list-type=2&prefix=a%20b HTTP/1.1\r\nHost: ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com\r\n"
         b"Transfer-Encoding: chunked\r\nx-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD\r\n"
         b"Range: bytes=0-10\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
PROXY_V1 = b"PROXY TCP4 127.0.10.5 127.0.0.1 5555 443\r\n"
PROXY_V2 = (b"\r\n\r\n\x00\r\nQUIT\n\x21\x11" + struct.pack("!H", 12) + socket.inet_aton("127.0.10.5")
            + socket.inet_aton("127.0.0.1") + struct.pack("!HH", 5555, 443))
CONNECT = (b"CONNECT my-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com:443 HTTP/1.1\r\n"
           b"Host: my-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com:443\r\n\r\n")
QUERY = (bytes.fromhex("abcd01000001000000000001") + b"\x05my-ap\x0c123456789012\x0es3-accesspoint\x09us-west-2"
         b"\x09amazonaws\x03com\x00\x00\x01\x00\x01" + bytes.fromhex("0000291000000000000000"))


def dns_query():
    query = mutate(QUERY)
    if rng.random() < 0.5:
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                u.settimeout(0.2)
                u.sendto(query, ("127.0.0.1", dns))
                u.recv(4096)
        except OSError:
            pass
    else:
        length = len(query) if rng.random() < 0.8 else rng.randrange(65536)
        send(struct.pack("!H", length) + query, dns)


def control_request():
    path, body = rng.choice([
        ("/v20180820/accesspoint/fz2", CREATE), ("/v20180820/accesspoint/fz/policy", POLICY),
        ("/v20180820/async-requests/mrap/create", MRAP),
    ])
    send(signed("POST" if "mrap" in path else "PUT", CONTROL, path, mutate(body)), https, tls=True, server_name=CONTROL)


def data_request():
    """Half mutated then signed (the store's body parsers see it), half signed then mutated (the parser and the
    signature check see it)."""
    method = rng.choice(["GET", "PUT", "POST", "DELETE", "HEAD"])
    path = rng.choice(["/k", "/k?tagging", "/?delete", "/k?uploadId=1", "/?list-type=2&prefix=a", "/k?uploads",
                       "/k?partNumber=1&uploadId=1", "/?list-type=2&continuation-token=zz&encoding-type=url"])
    body = rng.choice(STORE_BODIES)
    if rng.random() < 0.5:
        request = signed(method, ACCESS_POINT, path, mutate(body) if body else b"")
    else:
        request = mutate(signed(method, ACCESS_POINT, path, body))
    send(request, https, tls=True, server_name=ACCESS_POINT)


surfaces = [
    ("plain HTTP", 3000, lambda: send(mutate(PLAIN), http)),
    ("HTTPS, unsigned", 150, lambda: send(mutate(PLAIN), https, tls=True)),
    ("HTTPS data plane, signed and mutated", 400, data_request),
    ("control API, mutated XML signed", 1500, control_request),
    ("PROXY header from the trusted proxy", 2000,
     lambda: send(mutate(rng.choice([PROXY_V1, PROXY_V2])) + b"\x16\x03\x01", https, bind="127.0.0.9")),
    ("forward proxy CONNECT", 2000, lambda: send(mutate(CONNECT), proxy)),
    ("DNS over UDP and TCP", 2000, dns_query),
]
# The access point the data plane's requests name.
send(signed("PUT", CONTROL, "/v20180820/accesspoint/fz", CREATE), https, tls=True, server_name=CONTROL)
deadline = time.monotonic() + 600  # a server that hangs instead of crashing fails too, in bounded time
for name, count, one in surfaces:
    count = max(1, int(count * scale))
    for _ in range(count):
        one()
        if time.monotonic() > deadline:
            print(f"{name}: still going after 600 s: the server hangs", flush=True)
            sys.exit(1)
    ok = alive()
    print(f"{name}: {count} inputs, server {'alive' if ok else 'GONE'}", flush=True)
    if not ok:
        sys.exit(1)
