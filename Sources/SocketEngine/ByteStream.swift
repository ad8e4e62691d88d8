import Glibc

/// What one nonblocking read or write did.
package enum StreamProgress: Equatable {
    /// This many bytes were read or written (more than zero).
    case moved(Int)
    /// Nothing could move now: wait for these events (`SocketHandle.readable`, `.writable`) and try again.
    case blocked(UInt32)
    /// The peer ended the stream (reads only).
    case ended
}

/// A byte stream on a nonblocking socket: plain TCP (`TCPStream`) or TLS (`TLSStream`). The calls never block; the
/// async helpers below wait on the socket's loop between tries. Confined to the loop's thread (hence the streams'
/// `@unchecked Sendable`: they are handed to the loop's tasks, and used only there).
package protocol ByteStream: AnyObject, Sendable {
    var handle: SocketHandle { get }
    /// Reads what has arrived into `buffer`.
    func tryRead(into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> StreamProgress
    /// Writes what the socket takes now of `bytes`.
    func tryWrite(_ bytes: UnsafeRawBufferPointer) throws(SocketError) -> StreamProgress
    /// Input already taken from the socket but not yet read (TLS records decrypted ahead), so that waiting for the
    /// socket before reading again would wait for nothing.
    var hasBufferedInput: Bool { get }
    /// Output accepted by `tryWrite` that the socket has not taken yet (TLS records written while the socket was
    /// full): `tryFlush` sends it.
    var hasPendingOutput: Bool { get }
    /// Sends what `hasPendingOutput` says waits: `.moved(0)` once none does, `.blocked` while the socket is full.
    func tryFlush() throws(SocketError) -> StreamProgress
    /// Ends this side's sending (TLS: close_notify, then FIN); best effort, never waits.
    func shutdownOutput()
    /// Closes the socket.
    func close()
}

extension ByteStream {
    /// Reads into `buffer` (up to its count), waiting (until `deadline`) while nothing has arrived; 0 at the end of
    /// the stream. With `waitFirst`, waits for the socket before the first try, saving a read that would find
    /// nothing (the next request on a connection that was just answered, a store's answer to a request just
    /// written), unless input is buffered already.
    package func read(
        into buffer: inout [UInt8],
        waitFirst: Bool = false,
        until deadline: ContinuousClock.Instant? = nil
    ) async throws -> Int {
        if waitFirst, !hasBufferedInput { try await handle.wait(for: SocketHandle.readable, until: deadline) }
        while true {
            switch try buffer.withUnsafeMutableBytes({ (bytes) throws(SocketError) in try tryRead(into: bytes) }) {
            case .moved(let count): return count
            case .ended: return 0
            case .blocked(let events): try await handle.wait(for: events, until: deadline)
            }
        }
    }

    /// Writes all of `bytes`, waiting (until `deadline`) while the socket takes no more.
    package func write(_ bytes: [UInt8], until deadline: ContinuousClock.Instant? = nil) async throws {
        var offset = 0
        while offset < bytes.count {
            let progress = try bytes.withUnsafeBytes { (all) throws(SocketError) in
                try tryWrite(UnsafeRawBufferPointer(rebasing: all[offset...]))
            }
            switch progress {
            case .moved(let count): offset += count
            case .blocked(let events): try await handle.wait(for: events, until: deadline)
            case .ended: throw SocketError.closed
            }
        }
        try await flush(until: deadline)
    }

    /// Sends the pending output, waiting (until `deadline`) while the socket takes no more.
    package func flush(until deadline: ContinuousClock.Instant? = nil) async throws {
        while hasPendingOutput {
            if case .blocked(let events) = try tryFlush() { try await handle.wait(for: events, until: deadline) }
        }
    }
}

/// Plain TCP on a nonblocking socket.
package final class TCPStream: ByteStream, @unchecked Sendable {
    package let handle: SocketHandle

    /// Takes ownership of `fd` (nonblocking). Call on `loop`'s thread.
    package init(fd: CInt, loop: SocketLoop) {
        handle = SocketHandle(fd: fd, loop: loop)
    }

    /// Connects to `host` (an IP address) and `port`, waiting until `deadline`.
    package static func connect(
        to host: String,
        port: Int,
        on loop: SocketLoop,
        until deadline: ContinuousClock.Instant? = nil
    ) async throws -> TCPStream {
        let fd = SocketSystem.connect(host, port)
        guard fd >= 0 else { throw SocketError.system("connect", errno) }
        let stream = TCPStream(fd: fd, loop: loop)
        do {
            try await stream.handle.wait(for: SocketHandle.writable, until: deadline)
            let result = SocketSystem.connectResult(fd)
            guard result == 0 else { throw SocketError.system("connect", result) }
            SocketSystem.noDelay(fd)
            return stream
        } catch {
            stream.close()
            throw error
        }
    }

    package var hasBufferedInput: Bool { false }

    package func tryRead(into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> StreamProgress {
        while true {
            let count = Glibc.read(handle.fd, buffer.baseAddress, buffer.count)
            if count > 0 { return .moved(count) }
            if count == 0 { return buffer.isEmpty ? .moved(0) : .ended }
            switch errno {
            case EINTR: continue
            case EAGAIN: return .blocked(SocketHandle.readable)
            case ECONNRESET: return .ended
            case let code: throw SocketError.system("read", code)
            }
        }
    }

    package func tryWrite(_ bytes: UnsafeRawBufferPointer) throws(SocketError) -> StreamProgress {
        while true {
            let count = Glibc.send(handle.fd, bytes.baseAddress, bytes.count, CInt(MSG_NOSIGNAL))
            if count >= 0 { return .moved(count) }
            switch errno {
            case EINTR: continue
            case EAGAIN: return .blocked(SocketHandle.writable)
            case let code: throw SocketError.system("write", code)
            }
        }
    }

    package var hasPendingOutput: Bool { false }

    package func tryFlush() throws(SocketError) -> StreamProgress { .moved(0) }

    package func shutdownOutput() { _ = Glibc.shutdown(handle.fd, CInt(SHUT_WR)) }

    package func close() { handle.close() }
}
