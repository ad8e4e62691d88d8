import AccessPointCore
import NIOCore
import S3HTTP

/// One kept-alive HTTP/1.1 connection to a store, and the exchange under way on it, if any.
///
/// The channel reads only when asked (`autoRead` off): while a response body is read faster than its consumer
/// takes it, reading stops until the consumer wants more, so the store's connection, not the router's memory,
/// holds the rest. An idle connection keeps a read pending, so a store that closes it (its own idle timeout) is
/// noticed and the connection leaves the pool.
///
/// The read timeout is checked by one scheduled task per connection, not per request: each read notes the time, and
/// the check, when it runs, either finds the store silent for the whole timeout or schedules itself for the time
/// the current silence would reach it.
///
/// Requests go out as bytes written here (`StoreRequest.encodedHead`, with a small body in the same buffer);
/// responses are read by a ``StoreResponseParser``.
///
/// Everything here runs on the connection's event loop.
final class StoreConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The largest body written in the same buffer as its head.
    static let bodyInHeadLimit = 8 * 1024

    let origin: StoreOrigin
    private let pool: LoopPool
    private let readTimeout: TimeAmount
    private var context: ChannelHandlerContext?
    /// When the connection last went back to the pool.
    private(set) var idleSince = NIODeadline.now()

    /// A class: the handler's callbacks read it often, and a struct holding a request was copied whole each time.
    private final class Exchange {
        let sink: UpstreamResponseStream
        /// The request, to be sent once more on a new connection if this one closes before the store answers.
        let retry: LoopPool.Job?
        var requestSent = false
        var responseStarted = false

        init(sink: UpstreamResponseStream, retry: LoopPool.Job?) {
            self.sink = sink
            self.retry = retry
        }
    }

    private var exchange: Exchange?
    private var parser = StoreResponseParser(returnedFieldsOnly: true)
    /// Reading is paused because the response's consumer has enough buffered.
    private var paused = false
    private var lastRead = NIODeadline.now()
    private var timeoutCheck: Scheduled<Void>?
    private var closed = false

    init(origin: StoreOrigin, pool: LoopPool, readTimeout: TimeAmount) {
        self.origin = origin
        self.pool = pool
        self.readTimeout = readTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { context.read() }
    }

    /// The context held since `handlerAdded` is let go, or it and this handler would keep each other alive.
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        context.read()
        context.fireChannelActive()
    }

    /// Sends the job's request and streams its answer into its sink. A request on a kept-alive connection
    /// (`reused`) that the store closes before any byte of an answer goes back to the pool to be sent once more,
    /// when it can be sent again.
    func start(_ job: LoopPool.Job, reused: Bool) {
        let sink = job.sink
        let repeatable = reused && job.request.isRepeatable
        if sink.isFinished {
            // Cancelled while it waited for this connection: never sent. The connection goes to the next in line.
            if context != nil, !closed { pool.release(self) }
            return
        }
        guard let context, !closed else {
            if repeatable { pool.retry(job) } else { sink.fail(StoreClientError.connectionClosed) }
            return
        }
        exchange = Exchange(sink: sink, retry: repeatable ? job : nil)
        parser.expectResponse(toHEAD: job.request.method == "HEAD")
        paused = false
        lastRead = .now()
        if timeoutCheck == nil { scheduleTimeoutCheck(at: lastRead + readTimeout) }
        sink.connection = self

        let allocator = context.channel.allocator
        switch job.request.body {
        case nil:
            context.writeAndFlush(wrapOutboundOut(job.request.encodedHead(allocator: allocator)), promise: nil)
            exchange?.requestSent = true
        case .buffer(var buffer):
            if buffer.readableBytes <= Self.bodyInHeadLimit {
                var bytes = job.request.encodedHead(allocator: allocator, extraCapacity: buffer.readableBytes)
                bytes.writeBuffer(&buffer)
                context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
            } else {
                context.write(wrapOutboundOut(job.request.encodedHead(allocator: allocator)), promise: nil)
                context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            }
            exchange?.requestSent = true
        case .stream(let body, let length, let onLoop):
            context.writeAndFlush(wrapOutboundOut(job.request.encodedHead(allocator: allocator)), promise: nil)
            // An empty body is sent with the head (the task still checks that the body is empty).
            if length == 0 { exchange?.requestSent = true }
            let connection = NIOLoopBound(self, eventLoop: context.eventLoop)
            Self.startSending(body, length: length, on: context.channel, onLoop: onLoop, connection: connection)
        }
    }

    /// The task that writes a streamed body (see `StoreRequest.Body.stream` for where it runs).
    private static func startSending(
        _ body: RecordingBody,
        length: Int?,
        on channel: any Channel,
        onLoop: Bool,
        connection: NIOLoopBound<StoreConnection>
    ) {
        if onLoop {
            Task(executorPreference: EventLoopTaskExecutor(channel.eventLoop)) {
                await send(body, length: length, on: channel, connection: connection)
            }
        } else {
            Task { await send(body, length: length, on: channel, connection: connection) }
        }
    }

    /// Writes a streamed body, each write waiting for the one before: `length` bytes as they come, or, when the
    /// length is not known, in chunks (RFC 9112 §7.1), each part read one chunk. A body that throws, or yields
    /// another number of bytes than it declared, closes the connection: the store sees a short body and keeps
    /// nothing.
    private static func send(
        _ body: RecordingBody,
        length: Int?,
        on channel: any Channel,
        connection: NIOLoopBound<StoreConnection>
    ) async {
        var sent = 0
        do {
            for try await chunk in body where chunk.readableBytes > 0 {
                sent += chunk.readableBytes
                if let length {
                    if sent > length { throw S3Error.incompleteBody }
                    if sent == length {
                        try await writeLast(chunk, on: channel, connection: connection)
                    } else {
                        try await channel.writeAndFlush(chunk)
                    }
                } else {
                    channel.write(ByteBuffer(string: String(chunk.readableBytes, radix: 16) + "\r\n"), promise: nil)
                    channel.write(chunk, promise: nil)
                    try await channel.writeAndFlush(ByteBuffer(string: "\r\n")).get()
                }
            }
            if let length {
                if sent != length { throw S3Error.incompleteBody }
            } else {
                try await writeLast(ByteBuffer(string: "0\r\n\r\n"), on: channel, connection: connection)
            }
        } catch let error as S3Error {
            body.recorder.record(error)
            channel.close(promise: nil)
        } catch {
            // A failed write: the connection closed, which the exchange learns from the channel.
            channel.close(promise: nil)
        }
    }

    /// Writes a request's last bytes; the request is noted as sent as the write completes. The note is made on
    /// the loop in the same task as the write, so before the store's answer can be read there: registered from
    /// another thread, it was a task of its own that the loop could run after reading the whole answer (which then
    /// found the request unsent and closed the connection).
    private static func writeLast(
        _ bytes: ByteBuffer,
        on channel: any Channel,
        connection: NIOLoopBound<StoreConnection>
    ) async throws {
        let loop = channel.eventLoop
        if loop.inEventLoop {
            try await channel.writeAndFlush(bytes).map { connection.value.requestEnded() }.get()
        } else {
            try await loop.flatSubmit { channel.writeAndFlush(bytes).map { connection.value.requestEnded() } }.get()
        }
    }

    // The sink outlives its exchange (its consumer may still be reading): what it asks for applies only while its
    // exchange is the one under way.

    /// The consumer of `sink` wants more: reading resumes if it was paused for that exchange.
    func demand(_ sink: UpstreamResponseStream) {
        guard paused, exchange?.sink === sink else { return }
        paused = false
        context?.read()
    }

    /// The consumer of `sink` went away before the end of its response: the connection cannot be reused.
    func abandon(_ sink: UpstreamResponseStream) {
        guard exchange?.sink === sink else { return }
        abandon()
    }

    private func requestEnded() {
        exchange?.requestSent = true
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastRead = .now()
        var bytes = unwrapInboundIn(data)
        guard exchange != nil else {
            // A store does not speak unasked.
            close()
            return
        }
        var ended: Exchange?
        do {
            try parser.feed(&bytes) { event in
                switch event {
                case .head(let head):
                    exchange?.responseStarted = true
                    exchange?.sink.receive(head)
                case .body(let buffer):
                    if exchange?.sink.receive(buffer) == false { paused = true }
                case .end:
                    ended = exchange.take()
                    paused = false
                    ended?.sink.finish()
                }
            }
        } catch {
            // `end` marks the connection closed, so `close()` would do nothing: the channel is closed here.
            end(StoreClientError.malformedResponse(error.description))
            context.close(promise: nil)
            return
        }
        guard let ended else { return }
        // Bytes after the end of the response are the store speaking unasked: the connection is not reused.
        if parser.keepsAlive, ended.requestSent, bytes.readableBytes == 0, !closed {
            idleSince = .now()
            pool.release(self)
        } else {
            close()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        exchange?.sink.readComplete()
        if !paused { context.read() }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        end(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        // A body delimited by the close has ended.
        if parser.connectionClosed(), let current = exchange.take() {
            current.sink.finish()
        }
        pool.connectionClosed(self)
        end(StoreClientError.connectionClosed)
        context.fireChannelInactive()
    }

    /// Ends the exchange under way, if any, with `error`, or hands its request to a new connection.
    private func end(_ error: any Error) {
        timeoutCheck?.cancel()
        timeoutCheck = nil
        guard let current = exchange.take() else { return }
        closed = true
        if !current.responseStarted, let job = current.retry {
            pool.retry(job)
        } else {
            current.sink.fail(error)
        }
    }

    /// The response's consumer went away before its end: the connection cannot be reused.
    private func abandon() {
        guard let current = exchange.take() else { return }
        current.sink.fail(CancellationError())
        close()
    }

    func close() {
        guard let context, !closed else { return }
        closed = true
        context.close(promise: nil)
    }

    private func scheduleTimeoutCheck(at deadline: NIODeadline) {
        guard let context else { return }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timeoutCheck = context.eventLoop.scheduleTask(deadline: deadline) { loopBound.value.checkTimeout() }
    }

    /// The store counts as silent only while it owes a response: not between requests, not while the request body
    /// is still being sent before any answer, and not while the consumer holds reading back.
    private func checkTimeout() {
        timeoutCheck = nil
        guard let current = exchange else { return }
        let now = NIODeadline.now()
        let owesBytes = (current.requestSent || current.responseStarted) && !paused
        if owesBytes, now - lastRead >= readTimeout {
            current.sink.fail(StoreClientError.readTimeout(readTimeout))
            exchange = nil
            close()
            return
        }
        scheduleTimeoutCheck(at: owesBytes ? lastRead + readTimeout : now + readTimeout)
    }
}
