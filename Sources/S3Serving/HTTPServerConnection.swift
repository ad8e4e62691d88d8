package import AccessPointCore
package import NIOCore
import S3HTTP
import Synchronization

/// How long a server waits on its clients (`LabConfiguration.Clients`).
package struct HTTPServerTimeouts: Sendable {
    /// How long a connection may wait for its next request (or its first) before it is closed.
    package var idle: TimeAmount
    /// How long the rest of a request may take to arrive after its last bytes did, and how long a client may
    /// leave a response unread: the request is answered 400 RequestTimeout (when no response has begun) and the
    /// connection closed.
    package var read: TimeAmount

    package init(idle: TimeAmount, read: TimeAmount) {
        self.idle = idle
        self.read = read
    }

    /// A lab's `clients` section; its defaults when none is given (`aprouter store serve`, tests).
    package init(_ clients: LabConfiguration.Clients = LabConfiguration.Clients()) {
        self.init(idle: TimeAmount(clients.idleTimeout), read: TimeAmount(clients.readTimeout))
    }

    /// How often a connection looks for a client that went quiet: a quarter of the shorter timeout (at least a
    /// millisecond), so a timeout fires at most a quarter late; with the default timeouts, every 15 s.
    var checkEvery: TimeAmount {
        .nanoseconds(max(min(idle.nanoseconds, read.nanoseconds) / 4, TimeAmount.milliseconds(1).nanoseconds))
    }
}

/// One HTTP/1.1 server connection as the task that serves it sees it: request parts in (read from the connection's
/// bytes by `HTTPRequestParser`), response bytes out (already in HTTP/1.1's wire format, see `HTTPResponseEncoding`).
///
/// The serving task runs on the connection's event loop (`EventLoopTaskExecutor`), so it reads and writes the
/// pipeline directly: a request part that already arrived is taken without suspending, and response bytes go to
/// the pipeline without a hop. `NIOAsyncChannel`, which this replaces for the servers, put locks, two state machines
/// and a queue between the two, each part paying for them: about a tenth of the router's CPU per small request.
/// Called from any other thread, every method still works; it hops to the event loop first.
///
/// Reads are held while unread request parts pile up (`HTTPServerConnectionHandler.holdReadsAt`), so a client that
/// sends faster than the responder reads is slowed by TCP, not buffered here; a response written faster than the
/// client takes it makes `write` wait until the channel is writable again.
package final class HTTPServerConnection: Sendable {
    package let channel: any Channel
    let handler: HTTPServerConnectionHandler

    /// Adds the connection's handler at the end of `channel`'s pipeline, which carries bytes (plain TCP, or TLS's
    /// plaintext): it reads the requests from them and writes the responses' bytes. Call on the channel's event
    /// loop.
    ///
    /// No pipelining assistance: NIOHTTP1's stopped reading while a response was pending and resumed after it, two
    /// `epoll_ctl` calls per request, and the serving task answers a connection's requests one after another
    /// anyway.
    package init(configuringHTTPOn channel: any Channel, timeouts: HTTPServerTimeouts = HTTPServerTimeouts()) throws {
        self.channel = channel
        self.handler = HTTPServerConnectionHandler(eventLoop: channel.eventLoop, timeouts: timeouts)
        try channel.pipeline.syncOperations.addHandler(handler)
        self.clientLeft = handler.clientLeft
    }

    /// Succeeds when the client has left: the connection closed, or (on a channel that allows remote half-closure)
    /// the client closed its sending side while a request was under way. A client that closes its sending side
    /// between requests has only said it sends no more: the requests it sent are answered.
    package let clientLeft: EventLoopFuture<Void>

    /// Whether the client has left (`clientLeft` succeeded, or the connection is closed). Exact on the connection's
    /// event loop, where its serving task runs.
    package var hasClientLeft: Bool {
        handler.eventLoop.inEventLoop ? handler.hasClientLeft : !channel.isActive
    }

    package var eventLoop: any EventLoop { channel.eventLoop }

    /// The next request part, or nil once the client closed the connection.
    package func next() async throws -> HTTPRequestParser.Part? {
        if handler.eventLoop.inEventLoop, let part = try handler.takeReady() { return part }
        return try await handler.waitForPart()
    }

    /// Takes the request's `.end` if it is the next part and has arrived: a request without a body that was
    /// answered without reading it leaves the connection usable. False otherwise, or off the event loop.
    package func takeEndIfReady() -> Bool {
        handler.eventLoop.inEventLoop && handler.takeEndIfReady()
    }

    /// Writes response bytes, and flushes everything written so far if `flush`; throws if the connection is closed.
    /// `endsResponse` marks a response's last bytes (an informational response is whole in itself). Waits after a
    /// flush while the channel is not writable.
    package func write(_ bytes: ByteBuffer, endsResponse: Bool, flush: Bool = false) async throws {
        if handler.eventLoop.inEventLoop {
            try handler.write(bytes, endsResponse: endsResponse, flush: flush)
        } else {
            try await handler.eventLoop.submit {
                try self.handler.write(bytes, endsResponse: endsResponse, flush: flush)
            }.get()
        }
        if flush { try await handler.waitUntilWritable() }
    }

    /// Whether the server is shutting down: the response under way, if any, is the connection's last.
    package var isDraining: Bool { handler.draining.load(ordering: .relaxed) }

    /// Lets the request under way, if any, finish, and ends the request stream after it: a task waiting for the
    /// next request head hears of the end now, and an idle connection closes.
    package func drain() {
        handler.draining.store(true, ordering: .relaxed)
        if handler.eventLoop.inEventLoop {
            handler.drain()
        } else {
            handler.eventLoop.execute { self.handler.drain() }
        }
    }

    /// Closes the connection and waits until it is closed.
    package func close() async {
        channel.close(promise: nil)
        try? await channel.closeFuture.get()
    }
}

/// The pipeline end of an `HTTPServerConnection`. Its state is confined to the event loop: every method that reads
/// or changes it runs there (the connection calls them only there, or hops), which is what makes the
/// `@unchecked Sendable` sound.
final class HTTPServerConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias Part = HTTPRequestParser.Part
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Reads stop while this many request parts, or this many body bytes, wait unread…
    static let holdReadsAt = (parts: 16, bytes: 256 * 1024)
    /// …and start again once the responder took them down to this.
    static let resumeReadsAt = (parts: 2, bytes: 64 * 1024)

    let eventLoop: any EventLoop
    private let timeouts: HTTPServerTimeouts
    private var context: ChannelHandlerContext?
    private var parser = HTTPRequestParser()
    /// Looks every `timeouts.checkEvery` for a client that went quiet (no clock is read per request: a read only
    /// counts itself).
    private var watch: RepeatedTask?
    private var reads = 0
    private var readsAtLastCheck = 0
    private var writabilityChanges = 0
    private var writabilityChangesAtLastCheck = 0
    /// Checks in a row that found the client quiet while the connection waited for it.
    private var quietChecks = 0
    private var parts = InboundParts()
    private var bufferedBytes = 0
    /// The task waiting for a request part.
    private var reader: UnsafeContinuation<Part?, any Error>?
    /// The task waiting for the channel to become writable.
    private var writer: UnsafeContinuation<Void, any Error>?
    /// The waiting reader's task was cancelled.
    private var readerCancelled = false
    /// A read the channel asked for while too many parts waited: issued once the responder catches up.
    private var readHeld = false
    private var active = true
    /// Set by `HTTPServerConnection.drain()` from any thread, read on the loop by `takeReady` and by the serving
    /// task (`isDraining`).
    let draining = Atomic(false)

    /// Completed once, when the client left (see `HTTPServerConnection.clientLeft`), or when the handler leaves
    /// the pipeline.
    private let clientLeftPromise: EventLoopPromise<Void>
    private var clientHasLeft = false
    var clientLeft: EventLoopFuture<Void> { clientLeftPromise.futureResult }
    var hasClientLeft: Bool { clientHasLeft || !active }

    init(eventLoop: any EventLoop, timeouts: HTTPServerTimeouts) {
        self.eventLoop = eventLoop
        self.timeouts = timeouts
        self.clientLeftPromise = eventLoop.makePromise()
    }

    deinit {
        // A handler that never joined a pipeline (its connection failed to configure) completes it here.
        if !clientHasLeft { clientLeftPromise.succeed() }
    }

    private func signalClientLeft() {
        guard !clientHasLeft else { return }
        clientHasLeft = true
        clientLeftPromise.succeed()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let period = timeouts.checkEvery
        watch = context.eventLoop.scheduleRepeatedTask(initialDelay: period, delay: period) { [self] _ in
            checkTimeouts()
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        stopWatching()
        finishInbound(.closed)
        finishOutbound()
        signalClientLeft()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        reads &+= 1
        var bytes = unwrapInboundIn(data)
        do {
            try parser.feed(&bytes) { part in
                if let reader {
                    // A waiting reader means nothing was buffered: hand the part over directly.
                    self.reader = nil
                    parts.taken(part)
                    reader.resume(returning: part)
                    return
                }
                if case .body(let buffer) = part { bufferedBytes += buffer.readableBytes }
                parts.append(part)
            }
        } catch {
            refuse(error, context: context)
        }
    }

    /// A request that could not be read is answered with its error (400 mostly), when that cannot land inside
    /// another response; the requests that arrived before it go unanswered. The parser reads nothing after it.
    private func refuse(_ error: HTTP1Malformed, context: ChannelHandlerContext) {
        answerAndEnd(HTTPResponseEncoding.unreadableRequest(error, allocator: context.channel.allocator), context)
        // The serving task hears of the error, and the connection closes after it.
        finishInbound(.failed(error))
    }

    /// Writes `answer` unless it would land inside another response; then nothing more may be written.
    private func answerAndEnd(_ answer: ByteBuffer, _ context: ChannelHandlerContext) {
        guard !parts.exchangeUnderWay, active else { return }
        parts.dropQueued()
        bufferedBytes = 0
        context.writeAndFlush(wrapOutboundOut(answer), promise: nil)
        // Nothing may follow it: later writes fail, and a task waiting to write hears of it now.
        finishOutbound()
    }

    // MARK: Timeouts

    /// Whether the connection waits on its client: the serving task waits for a request part (and reads are not
    /// held back by this side), or for the client to take the response written so far.
    private var waitsForClient: Bool {
        active && ((parts.end == nil && reader != nil && !readHeld) || writer != nil)
    }

    /// One look at the client (every `timeouts.checkEvery`): any read or writability change since the last look
    /// means it is not quiet, and neither is a connection whose serving task is busy with something else (a
    /// store's answer). Quiet for the idle timeout between requests, the connection is closed; quiet for the read
    /// timeout with a request under way, the request times out.
    private func checkTimeouts() {
        guard let context else { return }
        let progressed = reads != readsAtLastCheck || writabilityChanges != writabilityChangesAtLastCheck
        readsAtLastCheck = reads
        writabilityChangesAtLastCheck = writabilityChanges
        guard !progressed, waitsForClient else {
            quietChecks = 0
            return
        }
        quietChecks += 1
        let quiet = timeouts.checkEvery.nanoseconds * Int64(quietChecks)
        let idle = writer == nil && parts.betweenRequests && parts.queued.isEmpty && parser.isBetweenRequests
        if idle {
            if quiet >= timeouts.idle.nanoseconds { context.close(promise: nil) }
        } else if quiet >= timeouts.read.nanoseconds {
            timeOut(context)
        }
    }

    /// The client let a request stall for the read timeout, or left its response unread that long. A request
    /// whose response has not begun is answered 400 RequestTimeout, or, when its body was being read, fails that
    /// read with it (the responder answers it); the serving task hears of it and closes the connection. A client
    /// that stopped reading is sent nothing more: the connection closes.
    private func timeOut(_ context: ChannelHandlerContext) {
        stopWatching()
        if writer != nil {
            finishOutbound()
            finishInbound(.failed(S3Error.requestTimeout))
            context.close(promise: nil)
            return
        }
        answerAndEnd(HTTPResponseEncoding.closingError(.requestTimeout, allocator: context.channel.allocator), context)
        finishInbound(.failed(S3Error.requestTimeout))
    }

    private func stopWatching() {
        watch?.cancel()
        watch = nil
    }

    func read(context: ChannelHandlerContext) {
        if parts.queued.count >= Self.holdReadsAt.parts || bufferedBytes >= Self.holdReadsAt.bytes {
            readHeld = true
        } else {
            context.read()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopWatching()
        finishInbound(.closed)
        finishOutbound()
        signalClientLeft()
        context.fireChannelInactive()
    }

    /// The client closed its sending side (on a channel that allows remote half-closure; through TLS, its
    /// close_notify or a bare FIN). The requests that arrived before it are answered, then the connection closes;
    /// one under way is taken as the client leaving, as nginx takes it for a proxied request: its serving is
    /// cancelled, so a request waiting on a store is abandoned, while an answer that needs no store is still sent.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case .inputClosed? = event as? ChannelEvent else {
            return context.fireUserInboundEventTriggered(event)
        }
        finishInbound(.closed)
        if parts.exchangeUnderWay { signalClientLeft() }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The end of the pipeline (a TLS error, mostly): the serving task hears of it, and the connection closes.
        finishInbound(.failed(error))
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        writabilityChanges &+= 1
        if context.channel.isWritable, let writer {
            self.writer = nil
            writer.resume()
        }
        context.fireChannelWritabilityChanged()
    }

    // MARK: The serving task's side, on the event loop

    /// The next part if one waits (nil at the end of the request stream); `nil` if none has arrived yet.
    func takeReady() throws -> Part?? {
        // Draining: no request after the one under way is read.
        if parts.betweenRequests, draining.load(ordering: .relaxed) { return .some(nil) }
        if let part = parts.take() {
            if case .body(let buffer) = part { bufferedBytes -= buffer.readableBytes }
            if readHeld, parts.queued.count <= Self.resumeReadsAt.parts, bufferedBytes <= Self.resumeReadsAt.bytes {
                readHeld = false
                context?.read()
            }
            return .some(part)
        }
        if try parts.hasEnded() { return .some(nil) }
        if readHeld {
            readHeld = false
            context?.read()
        }
        return nil
    }

    func takeEndIfReady() -> Bool { parts.takeEndIfQueued() }

    /// Waits for the next part; cancelling the waiting task ends the wait with `CancellationError`.
    func waitForPart() async throws -> Part? {
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { continuation in
                if eventLoop.inEventLoop {
                    park(continuation)
                } else {
                    eventLoop.execute { self.park(continuation) }
                }
            }
        } onCancel: {
            eventLoop.execute { self.cancelReader() }
        }
    }

    /// Whether a serving task waits in `waitForPart` now. Read on the event loop: tests use it to let time pass
    /// only while the task is parked, and to see at which step of that time a wait ended.
    var hasParkedReader: Bool { reader != nil }

    private func park(_ continuation: UnsafeContinuation<Part?, any Error>) {
        guard !readerCancelled else { return continuation.resume(throwing: CancellationError()) }
        do {
            if let ready = try takeReady() {
                continuation.resume(returning: ready)
            } else {
                reader = continuation
            }
        } catch {
            continuation.resume(throwing: error)
        }
    }

    /// Ends a wait for the next request (`draining` is already set).
    func drain() {
        if parts.betweenRequests, let reader {
            self.reader = nil
            reader.resume(returning: nil)
        }
    }

    private func cancelReader() {
        readerCancelled = true
        if let reader {
            self.reader = nil
            reader.resume(throwing: CancellationError())
        }
    }

    func write(_ bytes: ByteBuffer, endsResponse: Bool, flush: Bool) throws {
        guard active, let context else { throw ChannelError.ioOnClosedChannel }
        if endsResponse { parts.exchangeUnderWay = false }
        context.write(wrapOutboundOut(bytes), promise: nil)
        if flush { context.flush() }
    }

    /// Returns once the channel is writable (at once, mostly); throws once it is closed.
    func waitUntilWritable() async throws {
        if eventLoop.inEventLoop {
            guard active, let context else { throw ChannelError.ioOnClosedChannel }
            if context.channel.isWritable { return }
        }
        try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
            if eventLoop.inEventLoop {
                parkWriter(continuation)
            } else {
                eventLoop.execute { self.parkWriter(continuation) }
            }
        }
    }

    private func parkWriter(_ continuation: UnsafeContinuation<Void, any Error>) {
        guard active, let context else { return continuation.resume(throwing: ChannelError.ioOnClosedChannel) }
        if context.channel.isWritable {
            continuation.resume()
        } else {
            writer = continuation
        }
    }

    private func finishInbound(_ end: InboundParts.End) {
        parts.finish(end)
        if let reader {
            self.reader = nil
            switch end {
            case .closed: reader.resume(returning: nil)
            case .failed(let error): reader.resume(throwing: error)
            }
        }
    }

    private func finishOutbound() {
        active = false
        if let writer {
            self.writer = nil
            writer.resume(throwing: ChannelError.ioOnClosedChannel)
        }
    }
}
