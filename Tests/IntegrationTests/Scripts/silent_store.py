"""A bucket store that never answers: it accepts connections on 127.0.0.1:PORT, reads what it is sent, and says
nothing. It prints one line as each connection opens ("open") and one as it closes ("closed after N.N s"), so a
test can see how long a request the router gave up on kept the store's connection open."""

import socket
import sys
import threading
import time


def serve(connection: socket.socket) -> None:
    opened = time.monotonic()
    print("open", flush=True)
    with connection:
        while connection.recv(65536):
            pass
    print(f"closed after {time.monotonic() - opened:.1f} s", flush=True)


def main() -> None:
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", int(sys.argv[1])))
    listener.listen(16)
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=serve, args=(connection,), daemon=True).start()


if __name__ == "__main__":
    main()
