"""A bucket store that fails its clients: it accepts connections on 127.0.0.1:PORT and reads what it is sent.

    silent_store.py PORT                   never answers
    silent_store.py PORT --head-then-close answers each request with the head of a 200 of 100 bytes, then closes
                                           the connection a moment later without sending them

It prints one line as each connection opens ("open") and one as it closes ("closed after N.N s"), so a test can see
how long a request the router gave up on kept the store's connection open."""

import socket
import sys
import threading
import time

HEAD = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nContent-Type: text/plain\r\nETag: \"e\"\r\n\r\n"


def serve(connection: socket.socket, head_then_close: bool) -> None:
    opened = time.monotonic()
    print("open", flush=True)
    with connection:
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
            if head_then_close and b"\r\n\r\n" in received:
                connection.sendall(HEAD)
                time.sleep(0.3)
                break
    print(f"closed after {time.monotonic() - opened:.1f} s", flush=True)


def main() -> None:
    head_then_close = "--head-then-close" in sys.argv[2:]
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", int(sys.argv[1])))
    listener.listen(16)
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=serve, args=(connection, head_then_close), daemon=True).start()


if __name__ == "__main__":
    main()
