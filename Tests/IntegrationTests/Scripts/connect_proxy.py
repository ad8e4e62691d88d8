#!/usr/bin/env python3
"""A loopback HTTP CONNECT proxy that tunnels every CONNECT to 127.0.0.1:TARGET_PORT, whatever host it names.

Terraform's AWS provider is a static Go binary: it does not resolve `*.localhost` through the system's name
service, and it prefixes the S3 Control host with the account id (`123456789012.s3.lab.localhost`). Given as the
provider's `https_proxy`, this proxy takes every such name to aprouter; TLS still runs end to end between the
provider and aprouter (SNI and certificate checks unchanged). Prints `port=N` once listening; runs until killed.

    connect_proxy.py TARGET_PORT
"""
import socket
import sys
import threading


def pipe(source, destination):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            destination.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, destination):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def handle(client, target_port):
    try:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = client.recv(4096)
            if not chunk:
                client.close()
                return
            request += chunk
            if len(request) > 65536:
                client.close()
                return
        head, _, rest = request.partition(b"\r\n\r\n")
        if not head.upper().startswith(b"CONNECT "):
            client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            client.close()
            return
        upstream = socket.create_connection(("127.0.0.1", target_port))
        client.sendall(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        if rest:
            upstream.sendall(rest)
    except OSError:
        client.close()
        return
    threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
    threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()


def main():
    target_port = int(sys.argv[1])
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    print(f"port={server.getsockname()[1]}", flush=True)
    while True:
        client, _ = server.accept()
        threading.Thread(target=handle, args=(client, target_port), daemon=True).start()


if __name__ == "__main__":
    main()
