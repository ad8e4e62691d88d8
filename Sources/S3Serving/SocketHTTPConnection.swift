import AccessPointCore
package import NIOCore
import S3HTTP
package import SocketEngine
import Synchronization

/// An HTTP/1.1 server connection on the socket engine: the serving task reads the client's bytes itself when it
/// wants a request part, and writes the response's bytes itself, on the loop the connection belongs to. Nothing
/// sits between the socket and the task: no pipeline, no queue of reads, no promise per write.
///
/// Reading is pulled: bytes are read only when the task asks for a part none of the bytes read so far gives, so a
/// client that sends faster than the responder reads is slowed by TCP, as `HTTPServerConnection`'s held reads do.
/// The rules are `HTTPServerConnection`'s:
/// - between requests, a client silent for `timeouts.idle` has its connection closed; a request that stalls for
///   `timeouts.read` is answered 400 RequestTimeout (or, with its body being read, fails that read with it);
///   a client that leaves its response unread that long has its connection closed;
/// - a request that cannot be read is answered with its error when that cannot land inside another response;
/// - a client that closes its sending side between requests has its requests answered; one that closes it (or the
///   connection) while a request is under way and the task is not reading has left: `onClientLeft` is told (the
///   server cancels the serving), and `hasClientLeft` says so.
///
/// Confined to its loop's thread, where its serving task runs (hence the `@unchecked Sendable`); only `drain()` may
/// be called from elsewhere, and it hops.
package final class SocketHTTPConnection<Stream: ByteStream>: ServerConnection, @unchecked Sendable {
    package typealias Part = HTTPRequestParser.Part

    package let stream: Stream
    package let allocator = ByteBufferAllocator()
    private let idleTimeout: Duration
    private let readTimeout: Duration
    private var parser = HTTPRequestParser()
    private var parts = InboundParts()
    private var readBuffer: ByteBuffer
    /// Response bytes written and not sent yet.
    private var unsent: ByteBuffer?
    /// Nothing more may be written (a refusal ended the connection, or it is closed).
    private var outboundClosed = false
    private var clientHasLeft = false
    /// The task is waiting to read, between requests: what `drain()` ends.
    private var waitsForNextRequest = false
    /// Whether a read has been made: the first is tried at once (the request usually came with the handshake).
    private var hasRead = false
    private let draining = Atomic(false)

    /// Told once when the client leaves while a request is under way (see above).
    package var onClientLeft: (() -> Void)?

    /// Bytes asked of the socket per read.
    static var readSize: Int { 16 * 1024 }

    /// Serves HTTP/1.1 on `stream` (TLS already established). Call on the stream's loop.
    package init(stream: Stream, timeouts: HTTPServerTimeouts = HTTPServerTimeouts()) {
        self.stream = stream
        self.idleTimeout = .nanoseconds(timeouts.idle.nanoseconds)
        self.readTimeout = .nanoseconds(timeouts.read.nanoseconds)
        self.readBuffer = allocator.buffer(capacity: Self.readSize)
        stream.handle.onHangUp = { [unowned self] in clientHungUp() }
    }

    /// Makes the client's leaving (see above) cancel the calling task, the connection's serving task: a request
    /// waiting on a store is then abandoned, as `KeepAliveServing.accept` arranges on SwiftNIO's listeners. Call from
    /// that task; the connection forgets the task when it closes, before the task ends.
    package func cancelsServingWhenClientLeaves() {
        withUnsafeCurrentTask { task in
            guard let task else { return }
            onClientLeft = { task.cancel() }
        }
    }

    private func clientHungUp() {
        guard parts.exchangeUnderWay, !clientHasLeft else { return }
        clientHasLeft = true
        let told = onClientLeft
        onClientLeft = nil
        told?()
    }

    package var hasClientLeft: Bool { clientHasLeft || stream.handle.isClosed }

    package var isDraining: Bool { draining.load(ordering: .relaxed) }

    // MARK: Reading

    package func next() async throws -> Part? {
        while true {
            if let part = try takeReady() { return part }
            try await readMore()
        }
    }

    /// The next part if one waits (nil at the end of the request stream); `nil` if none has arrived yet.
    private func takeReady() throws -> Part?? {
        // Draining: no request after the one under way is read.
        if parts.betweenRequests, isDraining { return .some(nil) }
        if let part = parts.take() { return .some(part) }
        return try parts.hasEnded() ? .some(nil) : nil
    }

    package func takeEndIfReady() -> Bool { parts.takeEndIfQueued() }

    /// Reads once from the socket, waiting for the client as the timeouts allow, and parses what came; or records
    /// why nothing more will come.
    ///
    /// The read is first tried without suspending (`readNow`), unless the client was just answered and nothing of
    /// its next request is buffered. Only a read that finds nothing goes on to the suspending loop: each `async`
    /// local that lives across a suspension is a task allocation, and a request usually arrives whole.
    private func readMore() async throws {
        let idle = parts.betweenRequests && parts.queued.isEmpty && parser.isBetweenRequests
        if !hasRead || !idle || stream.hasBufferedInput {
            hasRead = true
            guard case .blocked(let events) = readNow() else { return }
            try await readWaiting(idle: idle, first: events)
        } else {
            // The client was just answered: its next request is not here yet (a read now would find nothing).
            try await readWaiting(idle: idle, first: SocketHandle.readable)
        }
    }

    /// One read without suspending, its bytes parsed; or what stopped it recorded. `.blocked` when nothing has
    /// arrived.
    private func readNow() -> StreamProgress {
        do throws(SocketError) {
            readBuffer.clear()
            var progress = StreamProgress.ended
            try readBuffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.readSize) {
                (space) throws(SocketError) -> Int in
                progress = try stream.tryRead(into: space)
                if case .moved(let count) = progress { return count }
                return 0
            }
            switch progress {
            case .moved: parse()
            case .ended: clientClosed()
            case .blocked: break
            }
            return progress
        } catch {
            failed(error)
            return .ended
        }
    }

    /// Waits for the client (`events` first) as the timeouts allow, then reads as `readNow` does, until a read
    /// brings bytes or the end.
    @inline(never)
    private func readWaiting(idle: Bool, first events: UInt32) async throws {
        let deadline = ContinuousClock.now + (idle ? idleTimeout : readTimeout)
        var events = events
        do {
            while true {
                waitsForNextRequest = idle
                defer { waitsForNextRequest = false }
                try await stream.handle.wait(for: events, until: deadline)
                guard case .blocked(let more) = readNow() else { return }
                events = more
            }
        } catch SocketError.timedOut {
            timedOut(idle: idle)
        } catch is Drained {
            // `takeReady` ends the request stream.
        } catch let error as SocketError {
            failed(error)
        }
    }

    /// Reading or waiting failed: nothing more will come.
    private func failed(_ error: SocketError) {
        clientHasLeft = clientHasLeft || parts.exchangeUnderWay
        parts.finish(.failed(error))
    }

    private func parse() {
        do {
            try parser.feed(&readBuffer) { parts.append($0) }
        } catch {
            // Read no further: after the parts before it, the serving task hears of the error, and the connection
            // closes. Answered here unless it would land inside another response; then the requests queued before
            // it go unanswered, as `HTTPServerConnection`'s do.
            parts.finish(.failed(error))
            if !parts.exchangeUnderWay {
                parts.dropQueued()
                refuse(HTTPResponseEncoding.unreadableRequest(error, allocator: allocator))
            }
        }
    }

    /// The client closed its sending side, or the connection.
    private func clientClosed() {
        if parser.connectionClosed() || parts.exchangeUnderWay { clientHasLeft = true }
        parts.finish(.closed)
    }

    /// The client was silent for the timeout that applies: an idle connection closes; a request whose response has
    /// not begun is answered 400 RequestTimeout, or, with its body being read, fails that read with it.
    private func timedOut(idle: Bool) {
        if idle {
            parts.finish(.closed)
            return
        }
        parts.finish(.failed(S3Error.requestTimeout))
        if !parts.exchangeUnderWay {
            parts.dropQueued()
            refuse(HTTPResponseEncoding.closingError(.requestTimeout, allocator: allocator))
        }
    }

    /// Sends `answer` as the connection's last bytes, without waiting on a client that does not take them.
    private func refuse(_ answer: ByteBuffer) {
        guard !outboundClosed else { return }
        outboundClosed = true
        var bytes = answer
        _ = try? bytes.readWithUnsafeReadableBytes { (sent) throws(SocketError) -> Int in
            if case .moved(let count) = try stream.tryWrite(sent) { return count }
            return 0
        }
    }

    // MARK: Writing

    package func write(_ bytes: ByteBuffer, endsResponse: Bool, flush: Bool) async throws {
        guard !outboundClosed, !stream.handle.isClosed else { throw SocketError.closed }
        if endsResponse { parts.exchangeUnderWay = false }
        guard flush else {
            if unsent == nil {
                unsent = bytes
            } else {
                unsent!.writeImmutableBuffer(bytes)
            }
            return
        }
        if let first = unsent {
            unsent = nil
            try await send(first)
        }
        try await send(bytes)
    }

    /// Sends `bytes`, waiting while the client takes no more; a client that takes nothing for the read timeout has
    /// its connection closed. What the socket takes at once is sent without suspending (`sendNow`): only a client
    /// that is slow to read goes through the waiting loop.
    private func send(_ bytes: ByteBuffer) async throws {
        var bytes = bytes
        guard case .blocked(let events) = try sendNow(&bytes) else { return }
        try await sendWaiting(bytes, first: events)
    }

    /// Writes what the socket takes of `bytes` (consumed as it goes), then what TLS holds back; `.moved(0)` once all
    /// of it has gone, `.blocked` when the socket is full.
    private func sendNow(_ bytes: inout ByteBuffer) throws(SocketError) -> StreamProgress {
        while bytes.readableBytes > 0 {
            var progress = StreamProgress.moved(0)
            try bytes.readWithUnsafeReadableBytes { (sent) throws(SocketError) -> Int in
                progress = try stream.tryWrite(sent)
                if case .moved(let count) = progress { return count }
                return 0
            }
            if case .blocked = progress { return progress }
        }
        while stream.hasPendingOutput {
            let progress = try stream.tryFlush()
            if case .blocked = progress { return progress }
        }
        return .moved(0)
    }

    /// Waits for the client to take more (`events` first), then writes as `sendNow` does, until all of `bytes` has
    /// gone; the read timeout counts from the first wait.
    @inline(never)
    private func sendWaiting(_ bytes: ByteBuffer, first events: UInt32) async throws {
        var bytes = bytes
        var events = events
        let deadline = ContinuousClock.now + readTimeout
        while true {
            try await waitForClient(events, until: deadline)
            guard case .blocked(let more) = try sendNow(&bytes) else { return }
            events = more
        }
    }

    /// Waits for the client to take more; a client that takes nothing for the read timeout has its connection
    /// closed.
    private func waitForClient(_ events: UInt32, until deadline: ContinuousClock.Instant?) async throws {
        do {
            try await stream.handle.wait(for: events, until: deadline)
        } catch SocketError.timedOut {
            outboundClosed = true
            parts.finish(.failed(S3Error.requestTimeout))
            stream.close()
            throw S3Error.requestTimeout
        }
    }

    // MARK: Ending

    package func drain() {
        draining.store(true, ordering: .relaxed)
        stream.handle.loop.execute { [self] in
            if waitsForNextRequest { stream.handle.interrupt(with: Drained()) }
        }
    }

    package func close() async {
        closeNow()
    }

    /// Closes the socket (TLS: after a close_notify, best effort).
    package func closeNow() {
        guard !stream.handle.isClosed else { return }
        outboundClosed = true
        onClientLeft = nil
        stream.shutdownOutput()
        stream.close()
    }

    private struct Drained: Error {}
}
