"""One SigV4-signed GET over TLS, optionally preceded by a PROXY protocol v1 header: what a load balancer such as
HAProxy with `send-proxy` puts in front of a client's connection.

usage: proxied_request.py HOST PORT CA_FILE BIND_ADDRESS PATH [PROXIED_CLIENT]
Prints the response's status line and body, or "CONNECTION FAILED: ..." when the router closed the connection.
"""
import socket
import ssl
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def main():
    host, port, ca, bind, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    proxied = sys.argv[6] if len(sys.argv) > 6 else None
    request = AWSRequest(method="GET", url=f"https://{host}:{port}{path}", headers={"x-amz-content-sha256": EMPTY})
    SigV4Auth(
        Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), "s3", "us-west-2"
    ).add_auth(request)
    connection = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(bind, 0))
    try:
        if proxied:
            connection.sendall(f"PROXY TCP4 {proxied} 127.0.0.1 40000 {port}\r\n".encode())
        context = ssl.create_default_context(cafile=ca)
        tls = context.wrap_socket(connection, server_hostname=host)
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}"]
        lines += [f"{name}: {value}" for name, value in request.headers.items() if name.lower() != "host"]
        tls.sendall(("\r\n".join(lines + ["Connection: close", "", ""])).encode())
        data = b""
        while True:
            chunk = tls.recv(65536)
            if not chunk:
                break
            data += chunk
    except (ssl.SSLError, OSError) as error:
        print(f"CONNECTION FAILED: {error}")
        return
    head, _, body = data.decode(errors="replace").partition("\r\n\r\n")
    print(head.split("\r\n")[0])
    print(body)


main()
