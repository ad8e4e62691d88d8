package import AccessPointCore
internal import CEventPoll
import Glibc

/// A listening TCP socket on a `SocketLoop`. Confined to the loop's thread (see `ByteStream` on the
/// `@unchecked Sendable`).
package final class SocketListener: @unchecked Sendable {
    package let handle: SocketHandle

    /// A socket accepted from a listener: nonblocking, with its peer's address.
    package struct Accepted: Sendable {
        package let fd: CInt
        package let peer: IPAddress?
    }

    /// Takes ownership of `fd`, a bound, listening, nonblocking socket. Call on `loop`'s thread.
    package init(fd: CInt, loop: SocketLoop) {
        handle = SocketHandle(fd: fd, loop: loop)
    }

    /// A listening socket on `host` (an IP address) and `port` (0: any free port), for `init(fd:loop:)`. With
    /// `reusePort`, several loops may each listen on the same address and the kernel spreads connections among
    /// them.
    package static func listeningSocket(
        host: String,
        port: Int,
        backlog: Int = 256,
        reusePort: Bool = false
    ) throws(SocketError) -> CInt {
        var stage: UnsafePointer<CChar>?
        let fd = cep_listen(host, CInt(port), CInt(backlog), reusePort ? 1 : 0, &stage)
        guard fd >= 0 else { throw SocketError.system(stage.map { String(cString: $0) } ?? "listen", errno) }
        return fd
    }

    /// The port the socket listens on.
    package var port: Int? { Self.port(ofSocket: handle.fd) }

    /// The local port of a bound socket.
    package static func port(ofSocket fd: CInt) -> Int? {
        let port = cep_local_port(fd)
        return port >= 0 ? Int(port) : nil
    }

    /// Closes a listening socket never handed to a listener.
    package static func closeSocket(_ fd: CInt) { Glibc.close(fd) }

    /// The next connection, waiting for one; throws `SocketError.closed` once the listener is closed.
    package func accept() async throws -> Accepted {
        while true {
            var family: CInt = 0
            var high: UInt64 = 0
            var low: UInt64 = 0
            let fd = cep_accept(handle.fd, &family, &high, &low)
            if fd >= 0 {
                // A response goes out as soon as it is written, as NIO's and nginx's (`tcp_nodelay on`) do.
                _ = cep_nodelay(fd)
                let peer: IPAddress? =
                    switch family {
                    case 4: .v4(IPv4Address(UInt32(truncatingIfNeeded: low)))
                    case 6:
                        IPv6Address(high: high, low: low).mappedIPv4.map(IPAddress.v4)
                            ?? .v6(IPv6Address(high: high, low: low))
                    default: nil
                    }
                return Accepted(fd: fd, peer: peer)
            }
            switch errno {
            case EAGAIN, EINTR: try await handle.wait(for: SocketHandle.readable)
            // The connection went away before it was accepted, or descriptors ran out for now: try the next.
            case ECONNABORTED, EPROTO, EPERM: continue
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                try await Task.sleep(for: .milliseconds(10))
            case let code: throw SocketError.system("accept", code)
            }
        }
    }

    package func close() { handle.close() }
}

/// The C side's socket calls, kept internal so no C type leaves the module.
enum SocketSystem {
    static func connect(_ host: String, _ port: Int) -> CInt { cep_connect(host, CInt(port)) }
    static func connectResult(_ fd: CInt) -> CInt { cep_connect_result(fd) }
    static func noDelay(_ fd: CInt) { _ = cep_nodelay(fd) }
}
