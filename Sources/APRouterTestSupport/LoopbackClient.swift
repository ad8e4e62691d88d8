import Glibc

/// A blocking TCP client socket connected to 127.0.0.1: what the engine tests use to be a client that misbehaves on
/// purpose (sends half a request, closes its sending side, leaves without reading). Use it off the cooperative pool
/// (see `ExternalCommand`) when it blocks.
public struct LoopbackClient: Sendable {
    public let fd: Int32

    /// What the client got: everything the server sent until it closed the connection, or until the receive
    /// timeout passed first (`ended` false).
    public struct Received: Sendable {
        public var text: String
        public var ended: Bool

        public init(text: String, ended: Bool) {
            self.text = text
            self.ended = ended
        }
    }

    /// Connects; reads give up after `receiveTimeout` seconds.
    public init(port: Int, receiveTimeout: Int = 10) throws(ConnectFailed) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw ConnectFailed(port: port)
        }
    }

    public struct ConnectFailed: Error {
        public let port: Int
    }

    /// Sends all of `bytes` (as much as the server takes before it closes).
    public func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { return }
            offset += sent
        }
    }

    /// Closes the sending side (the server reads the end of the stream).
    public func shutdownSending() { shutdown(fd, Int32(SHUT_WR)) }

    /// Reads until the server closes the connection or the receive timeout passes.
    public func receiveAll() -> Received {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += chunk[..<count]
            } else {
                // 0: the server closed; -1 with EAGAIN: the receive timeout passed first.
                return Received(text: String(decoding: received, as: UTF8.self), ended: count == 0 || errno != EAGAIN)
            }
        }
    }

    public func close() { _ = Glibc.close(fd) }
}
