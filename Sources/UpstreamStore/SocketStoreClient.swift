import AccessPointCore
import Glibc
import NIOCore
import S3HTTP
import SocketEngine
import Synchronization

/// ``StoreClient`` for callers on the socket engine's loops (`SocketLoop`), to plain-HTTP stores named by an IP
/// address: the same keep-alive pools, limits, timeouts and retry, as straight-line async code on the loop's thread.
///
/// Why a second client: on NIO a request to the store went through a channel pipeline, a response sink, an async
/// sequence producer and a scheduled timeout check, each with its allocations and hand-overs. Here the request's task
/// writes its head (and a small body) in one `write`, parks on the socket until the answer is readable, reads it and
/// parses it with ``StoreResponseParser``; a small answer comes back whole from that one read. The task is the router
/// connection's own, on the loop that serves it, so nothing hops a thread and nothing is locked: each loop keeps its
/// own pool (`SocketLoop.attachment`), touched only there.
///
/// TLS stores and stores named by a host name stay with ``StoreClient`` (the engine connects to IP addresses and
/// speaks TLS only as a server).
final class SocketStoreClient: Sendable {
    let configuration: UpstreamClientConfiguration
    private let isShutDown = Atomic<Bool>(false)
    /// The loops this client made a pool on, for `shutdown`: locked only when a pool is made, and at shutdown.
    private let loops = Mutex<[SocketLoop]>([])

    init(configuration: UpstreamClientConfiguration) {
        self.configuration = configuration
    }

    /// `loop`'s pool of this client, made on first use. Call on `loop`'s thread.
    func pool(on loop: SocketLoop) -> SocketStorePool {
        loop.attachment(for: self) {
            loops.withLock { $0.append(loop) }
            return SocketStorePool(loop: loop, configuration: configuration)
        }
    }

    /// Sends `request` to `origin` from `loop`, the caller's, and returns the store's answer: its head, and its body
    /// whole or read from the connection as it is consumed. Call on `loop`'s thread.
    ///
    /// - Throws: `CancellationError` when the task is cancelled (the router's client left); ``StoreClientError``, or
    ///   the socket's error, when no answer came; the failure the client's body recorded when it broke.
    func send(
        _ request: StoreRequest,
        to origin: StoreOrigin,
        on loop: SocketLoop
    ) async throws -> (StoreResponseHead, S3Body) {
        guard !isShutDown.load(ordering: .relaxed) else { throw StoreClientError.shutDown }
        try request.checkWritable()
        return try await pool(on: loop).send(request, to: origin)
    }

    /// Closes every idle connection and refuses new requests; requests under way finish.
    func shutdown() async {
        isShutDown.store(true, ordering: .relaxed)
        for loop in loops.withLock({ $0 }) where !loop.hasStopped {
            await Task(executorPreference: loop) { [self] in
                (loop.detach(self) as? SocketStorePool)?.close()
            }.value
        }
    }
}

/// One loop's connections to plain-HTTP stores, by origin: at most `maximumConnectionsPerHost` open to each, idle
/// ones kept for the next request (the most recently used first), requests beyond the limit waiting in order for
/// one to come free. Confined to the loop's thread (hence `@unchecked Sendable`, as the engine's streams).
final class SocketStorePool: @unchecked Sendable {
    /// One origin's connections on this loop.
    final class Origin {
        let origin: StoreOrigin
        var idle: [SocketStoreConnection] = []
        /// Connections open or opening, idle or busy.
        var open = 0
        var waiting = CircularBuffer<Waiter>(initialCapacity: 4)

        init(_ origin: StoreOrigin) { self.origin = origin }
    }

    /// A request waiting for a connection: handed one that came free, or nil for a place to open one.
    final class Waiter {
        var continuation: UnsafeContinuation<SocketStoreConnection?, any Error>?
    }

    /// The store closed a kept-alive connection before answering a request that can be sent again.
    private struct ClosedBeforeAnswer: Error {}

    /// The first read of an answer, sized for a small object's whole answer; later reads of a body take more.
    static let answerReadSize = 16 * 1024
    static let bodyReadSize = 64 * 1024

    let loop: SocketLoop
    let configuration: UpstreamClientConfiguration
    let readTimeout: Duration
    private let connectTimeout: Duration
    private let idleTimeout: Duration
    /// A lab has a store or a few: a list compared in order (see `LoopPool`).
    private var origins: [Origin] = []
    private var closed = false
    /// Connections opened, for tests that check one is kept alive.
    private(set) var connectionsOpened = 0
    /// Closes connections left idle for the idle timeout, every idle timeout, so that a pool that goes quiet does not
    /// hold them open until the store times them out: started when the first connection goes idle, cancelled by
    /// `close()`. (A connection found past the timeout when a request wants one is closed then too, `takeIdle`.)
    private var sweeper: Task<Void, Never>?

    init(loop: SocketLoop, configuration: UpstreamClientConfiguration) {
        self.loop = loop
        self.configuration = configuration
        readTimeout = .nanoseconds(configuration.readTimeout.nanoseconds)
        connectTimeout = .nanoseconds(configuration.connectTimeout.nanoseconds)
        idleTimeout = .nanoseconds(configuration.idleConnectionTimeout.nanoseconds)
    }

    private func connections(to origin: StoreOrigin) -> Origin {
        for known in origins where known.origin == origin { return known }
        let made = Origin(origin)
        origins.append(made)
        return made
    }

    /// Sends `request` on a connection to `origin`, once more on a new connection when the store closed a reused
    /// one before answering a request that can be sent again (the usual race with the store's idle timeout).
    func send(_ request: StoreRequest, to origin: StoreOrigin) async throws -> (StoreResponseHead, S3Body) {
        let connections = self.connections(to: origin)
        let (connection, reused) = try await acquire(connections, fresh: false)
        do {
            return try await exchange(request, on: connection, retryable: reused && request.isRepeatable)
        } catch is ClosedBeforeAnswer {
            let (another, _) = try await acquire(connections, fresh: true)
            return try await exchange(request, on: another, retryable: false)
        }
    }

    // MARK: Connections

    /// An idle connection (not when `fresh`: a retry), a new one while the origin has fewer than the limit open, or,
    /// beyond it, the first to come free after the requests waiting before.
    private func acquire(_ connections: Origin, fresh: Bool) async throws -> (SocketStoreConnection, reused: Bool) {
        if !fresh, let connection = takeIdle(connections) { return (connection, true) }
        if connections.open < configuration.maximumConnectionsPerHost {
            connections.open += 1
            return (try await connect(connections), false)
        }
        let waiter = Waiter()
        let waiting = UncheckedBox((connections, waiter))
        let handed = try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation {
                (continuation: UnsafeContinuation<SocketStoreConnection?, any Error>) in
                if Task.isCancelled { return continuation.resume(throwing: CancellationError()) }
                waiter.continuation = continuation
                // A retry goes first: it waited its turn once already.
                if fresh { connections.waiting.prepend(waiter) } else { connections.waiting.append(waiter) }
            }
        } onCancel: { [loop] in
            loop.execute {
                let (connections, waiter) = waiting.value
                guard let continuation = waiter.continuation else { return }
                waiter.continuation = nil
                if let index = connections.waiting.firstIndex(where: { $0 === waiter }) {
                    connections.waiting.remove(at: index)
                }
                continuation.resume(throwing: CancellationError())
            }
        }
        if let handed { return (handed, true) }
        return (try await connect(connections), false)
    }

    /// The most recently used idle connection still worth using: one idle too long, or that the store closed, is
    /// closed instead.
    private func takeIdle(_ connections: Origin) -> SocketStoreConnection? {
        guard !connections.idle.isEmpty else { return nil }
        let now = ContinuousClock.now
        while let connection = connections.idle.popLast() {
            connection.isIdle = false
            if !connection.hungUp, now - connection.idleSince < idleTimeout { return connection }
            close(connection)
        }
        return nil
    }

    /// Opens a connection in a place already counted in `connections.open`.
    private func connect(_ connections: Origin) async throws -> SocketStoreConnection {
        let origin = connections.origin
        do {
            let stream = try await TCPStream.connect(
                to: origin.host,
                port: origin.port,
                on: loop,
                until: .now + connectTimeout
            )
            connectionsOpened += 1
            return SocketStoreConnection(stream: stream, origin: connections, pool: self)
        } catch {
            connections.open -= 1
            placeFreed(connections)
            if (error as? SocketError) == .timedOut {
                throw StoreClientError.connectTimeout(configuration.connectTimeout)
            }
            throw error
        }
    }

    /// A connection whose exchange ended cleanly: the next waiting request's, or idle until one comes.
    func release(_ connection: SocketStoreConnection) {
        guard !closed, !connection.hungUp else { return close(connection) }
        let connections = connection.origin
        while let waiter = connections.waiting.popFirst() {
            guard let continuation = waiter.continuation else { continue }
            waiter.continuation = nil
            return continuation.resume(returning: connection)
        }
        connection.idleSince = .now
        connection.isIdle = true
        connections.idle.append(connection)
        if sweeper == nil { startSweeping() }
    }

    private func startSweeping() {
        let period = idleTimeout
        sweeper = Task(executorPreference: loop) { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: period)
                guard let self, !self.closed else { return }
                self.sweep()
            }
        }
    }

    /// Closes the idle connections that have been idle for the idle timeout. On the loop's thread.
    private func sweep() {
        let now = ContinuousClock.now
        for connections in origins {
            // Over a copy of the list: closing a connection takes it out of `connections.idle`.
            for connection in connections.idle where now - connection.idleSince >= idleTimeout { close(connection) }
        }
    }

    /// The answer on `connection` ended: the connection serves another request when the whole request went out, the
    /// store keeps it alive, and nothing followed the answer (bytes after its end are the store speaking unasked).
    func answerEnded(on connection: SocketStoreConnection, requestSent: Bool) {
        if requestSent, connection.parser.keepsAlive, connection.input.readableBytes == 0 {
            release(connection)
        } else {
            close(connection)
        }
    }

    /// Closes `connection` (once): its place goes to the next waiting request.
    func close(_ connection: SocketStoreConnection) {
        guard !connection.isClosed else { return }
        connection.isClosed = true
        connection.stream.close()
        let connections = connection.origin
        if connection.isIdle {
            connection.isIdle = false
            connections.idle.removeAll { $0 === connection }
        }
        connections.open -= 1
        placeFreed(connections)
    }

    /// A place under the limit came free: the first waiting request opens a connection there.
    private func placeFreed(_ connections: Origin) {
        guard !closed else { return }
        while let waiter = connections.waiting.popFirst() {
            guard let continuation = waiter.continuation else { continue }
            waiter.continuation = nil
            connections.open += 1
            return continuation.resume(returning: nil)
        }
    }

    /// Closes every idle connection; requests waiting fail, requests under way finish and close theirs.
    func close() {
        closed = true
        sweeper?.cancel()
        sweeper = nil
        for connections in origins {
            for connection in connections.idle { close(connection) }
            while let waiter = connections.waiting.popFirst() {
                waiter.continuation?.resume(throwing: StoreClientError.shutDown)
                waiter.continuation = nil
            }
        }
    }

    // MARK: The exchange

    /// Writes `request` on `connection` and reads the answer's head: the body whole when it came with it (in the
    /// read that brought the head, or those that followed at once), read as the consumer asks otherwise.
    private func exchange(
        _ request: StoreRequest,
        on connection: SocketStoreConnection,
        retryable: Bool
    ) async throws -> (StoreResponseHead, S3Body) {
        var head: StoreResponseHead?
        do {
            connection.parser.expectResponse(toHEAD: request.method == "HEAD")
            let sent = try await connection.write(request)
            var held: ByteBuffer?
            var ended = false
            var waitFirst = true
            while true {
                guard try await connection.read(Self.answerReadSize, waitFirst: waitFirst) else {
                    // A body delimited by the close has ended; any other answer was cut short.
                    guard head != nil, connection.parser.connectionClosed() else {
                        close(connection)
                        throw head == nil && retryable ? ClosedBeforeAnswer() : StoreClientError.connectionClosed
                    }
                    close(connection)
                    return (head!, S3Body(held ?? ByteBuffer()))
                }
                try connection.parser.feed(&connection.input) { event in
                    switch event {
                    case .head(let read): head = read
                    case .body(var part):
                        if held == nil { held = part } else { held!.writeBuffer(&part) }
                    case .end: ended = true
                    }
                }
                if ended { break }
                if let head,
                    !connection.filledLastRead || held?.readableBytes ?? 0 > UpstreamResponseStream.wholeBodyLimit
                {
                    let body = SocketResponseBody(connection: connection, pool: self, first: held, reusable: sent)
                    return (head, S3Body(length: head.contentLength, stream: body))
                }
                // The head is not whole yet (wait for the rest), or more of the answer waits in the socket (read it
                // at once).
                waitFirst = !connection.filledLastRead
            }
            answerEnded(on: connection, requestSent: sent)
            return (head!, S3Body(held ?? ByteBuffer()))
        } catch let error as ClosedBeforeAnswer {
            throw error
        } catch {
            close(connection)
            throw failure(error)
        }
    }

    /// What a failed read or write means to the forwarder.
    func failure(_ error: any Error) -> any Error {
        if (error as? SocketError) == .timedOut { return StoreClientError.readTimeout(configuration.readTimeout) }
        if let malformed = error as? HTTP1Malformed { return StoreClientError.malformedResponse(malformed.description) }
        return error
    }
}

/// A kept-alive HTTP/1.1 connection to a store on the socket engine, and the buffers it keeps from one request to the
/// next. Confined to its loop's thread.
final class SocketStoreConnection: @unchecked Sendable {
    /// The largest body written in the same write as its head.
    static let bodyInHeadLimit = StoreConnection.bodyInHeadLimit

    let stream: TCPStream
    let origin: SocketStorePool.Origin
    private let readTimeout: Duration
    var parser = StoreResponseParser(returnedFieldsOnly: true)
    /// What the last read brought; its storage is reused when the answer it held has been let go.
    var input = ByteBuffer()
    /// Whether the last read filled the room it had: more may wait in the socket.
    private(set) var filledLastRead = false
    /// The request's head (and small body) as written; its storage is reused.
    private var output = ByteBuffer()
    var idleSince = ContinuousClock.now
    var isIdle = false
    var isClosed = false
    /// The store closed the connection, or reset it, while no exchange read it.
    private(set) var hungUp = false

    init(stream: TCPStream, origin: SocketStorePool.Origin, pool: SocketStorePool) {
        self.stream = stream
        self.origin = origin
        self.readTimeout = pool.readTimeout
        // Set once, not per request. An idle connection the store closes (its own idle timeout) leaves the pool at
        // once; a busy one is closed when its exchange ends.
        stream.handle.onHangUp = { [weak self, weak pool] in
            guard let self else { return }
            hungUp = true
            if isIdle { pool?.close(self) }
        }
    }

    /// Reads what has arrived into `input`, up to `size` bytes, waiting (the read timeout at most) while nothing has;
    /// with `waitFirst`, waits before the first try, saving a read that would find nothing. False at the end of the
    /// stream.
    func read(_ size: Int, waitFirst: Bool) async throws -> Bool {
        input.clear()
        var events = SocketHandle.readable
        if !waitFirst {
            switch try readNow(size) {
            case .moved: return true
            case .ended: return false
            case .blocked(let more): events = more
            }
        }
        return try await readWaiting(size, first: events)
    }

    /// One read into `input` without suspending.
    private func readNow(_ size: Int) throws(SocketError) -> StreamProgress {
        var progress = StreamProgress.ended
        _ = try input.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { (memory) throws(SocketError) in
            progress = try stream.tryRead(into: UnsafeMutableRawBufferPointer(rebasing: memory[..<size]))
            if case .moved(let count) = progress { return count }
            return 0
        }
        if case .moved(let count) = progress { filledLastRead = count == size }
        return progress
    }

    /// Waits (the read timeout at most) for `events`, then reads as `readNow` does, until a read brings bytes or the
    /// end. Apart from `read`, so that its locals are allocated only when it waits.
    @inline(never)
    private func readWaiting(_ size: Int, first events: UInt32) async throws -> Bool {
        var events = events
        while true {
            try await stream.handle.wait(for: events, until: .now + readTimeout)
            switch try readNow(size) {
            case .moved: return true
            case .ended: return false
            case .blocked(let more): events = more
            }
        }
    }

    /// Writes `request`: the head and a small body in one write, a larger body in memory after it, a streamed body
    /// as it is read (each part written before the next is asked for, so the store's pace sets the client's). False
    /// when the store stopped taking the request (it answered early and closed, as a store refusing an upload may):
    /// the answer is read all the same, and the connection is not reused.
    ///
    /// - Throws: the body's failure (recorded for the forwarder), when the client's body broke; the connection must
    ///   then be closed, so the store sees a short body and keeps nothing.
    func write(_ request: StoreRequest) async throws -> Bool {
        output.clear()
        let size = request.headSize
        switch request.body {
        case nil:
            request.writeHead(into: &output, size: size)
            return try await sent(output)
        case .buffer(var buffer):
            if buffer.readableBytes <= Self.bodyInHeadLimit {
                output.reserveCapacity(minimumWritableBytes: size + buffer.readableBytes)
                request.writeHead(into: &output, size: size)
                output.writeBuffer(&buffer)
                return try await sent(output)
            }
            request.writeHead(into: &output, size: size)
            guard try await sent(output) else { return false }
            return try await sent(buffer)
        case .stream(let body, let length, _):
            request.writeHead(into: &output, size: size)
            guard try await sent(output) else { return false }
            return try await send(body, length: length)
        }
    }

    /// Writes a streamed body: `length` bytes as they come, or, when the length is not known, in chunks (RFC 9112
    /// §7.1), each part one chunk. A body that throws, or yields another number of bytes than it declared, is
    /// recorded and thrown.
    private func send(_ body: RecordingBody, length: Int?) async throws -> Bool {
        var total = 0
        do {
            for try await chunk in body where chunk.readableBytes > 0 {
                total += chunk.readableBytes
                if let length {
                    if total > length { throw S3Error.incompleteBody }
                    guard try await sent(chunk) else { return false }
                } else {
                    output.clear()
                    output.writeString(String(chunk.readableBytes, radix: 16))
                    output.writeStaticString("\r\n")
                    output.writeImmutableBuffer(chunk)
                    output.writeStaticString("\r\n")
                    guard try await sent(output) else { return false }
                }
            }
            if let length {
                if total != length { throw S3Error.incompleteBody }
            } else {
                output.clear()
                output.writeStaticString("0\r\n\r\n")
                return try await sent(output)
            }
            return true
        } catch let error as S3Error {
            body.recorder.record(error)
            throw error
        } catch let error where body.recorder.recorded != nil {
            // The body's own failure (`RecordingBody` kept it), a cancellation of its reading among them: the
            // forwarder answers with it, as it would had the body broken on NIO's client.
            throw body.recorder.recorded ?? error
        }
    }

    /// Writes all of `bytes`, waiting (the read timeout at most) while the socket takes no more; false when the store
    /// closed or reset the connection meanwhile. What the socket takes at once is written without suspending.
    private func sent(_ bytes: ByteBuffer) async throws -> Bool {
        var offset = 0
        switch try sendNow(bytes, from: &offset) {
        case .moved: return true
        case .ended: return false
        case .blocked(let events): return try await sentWaiting(bytes, from: offset, first: events)
        }
    }

    /// Writes what the socket takes of `bytes` after `offset` (advanced as it goes): `.moved` once all of it has
    /// gone, `.ended` when the store closed or reset the connection, `.blocked` when the socket is full.
    private func sendNow(_ bytes: ByteBuffer, from offset: inout Int) throws(SocketError) -> StreamProgress {
        let count = bytes.readableBytes
        while offset < count {
            var failure: SocketError?
            let start = offset
            let progress = bytes.withUnsafeReadableBytes { (all) -> StreamProgress in
                do throws(SocketError) {
                    return try stream.tryWrite(UnsafeRawBufferPointer(rebasing: all[start...]))
                } catch {
                    failure = error
                    return .ended
                }
            }
            if let failure {
                if case .system(_, let code) = failure, code == EPIPE || code == ECONNRESET { return .ended }
                throw failure
            }
            switch progress {
            case .moved(let written): offset += written
            case .blocked, .ended: return progress
            }
        }
        return .moved(count)
    }

    /// Waits (the read timeout at most, each time) for the store to take more, `events` first, then writes as
    /// `sendNow` does from `offset` on, until all of `bytes` has gone or the store closed the connection.
    @inline(never)
    private func sentWaiting(_ bytes: ByteBuffer, from offset: Int, first events: UInt32) async throws -> Bool {
        var offset = offset
        var events = events
        while true {
            try await stream.handle.wait(for: events, until: .now + readTimeout)
            switch try sendNow(bytes, from: &offset) {
            case .moved: return true
            case .ended: return false
            case .blocked(let more): events = more
            }
        }
    }
}

/// A store's response body read from its connection only when the consumer asks for the next part: the store's
/// connection, not the router's memory, holds what the consumer has not taken yet. The connection goes back to its
/// pool when the body ends cleanly and the store keeps it alive; it is closed when the body fails, when the consumer
/// lets the body go before its end, or when the consumer's task is cancelled while it waits.
///
/// Read on the connection's loop: a consumer elsewhere (a test, a task on the global executor) has each read run
/// there.
final class SocketResponseBody: AsyncSequence, @unchecked Sendable {
    typealias Element = ByteBuffer
    typealias Failure = any Error

    private let loop: SocketLoop
    private let pool: SocketStorePool
    /// Until the body ends.
    private var connection: SocketStoreConnection?
    /// Parts read and not taken yet.
    private var parts: [ByteBuffer] = []
    /// Whether the request went out whole, so the connection may serve another.
    private let reusable: Bool

    init(connection: SocketStoreConnection, pool: SocketStorePool, first: ByteBuffer?, reusable: Bool) {
        self.loop = pool.loop
        self.pool = pool
        self.connection = connection
        self.reusable = reusable
        if let first { parts.append(first) }
    }

    deinit {
        guard let connection else { return }
        // Let go before its end: the rest of the answer is in the way of another request.
        if SocketLoop.current === loop {
            pool.close(connection)
        } else {
            loop.execute { [pool] in pool.close(connection) }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: self) }

    struct AsyncIterator: AsyncIteratorProtocol {
        let body: SocketResponseBody

        mutating func next() async throws -> ByteBuffer? {
            try await body.nextPart()
        }
    }

    private func nextPart() async throws -> ByteBuffer? {
        if !parts.isEmpty { return parts.removeFirst() }
        guard connection != nil else { return nil }
        if SocketLoop.current === loop { return try await readPart() }
        return try await withTaskExecutorPreference(loop) { try await self.readPart() }
    }

    /// Reads until a part of the body arrives, or its end.
    private func readPart() async throws -> ByteBuffer? {
        guard let connection else { return parts.isEmpty ? nil : parts.removeFirst() }
        do {
            while parts.isEmpty {
                let size = SocketStorePool.bodyReadSize
                guard try await connection.read(size, waitFirst: !connection.filledLastRead) else {
                    self.connection = nil
                    pool.close(connection)
                    // A body delimited by the close has ended; any other was cut short.
                    guard connection.parser.connectionClosed() else { throw StoreClientError.connectionClosed }
                    return nil
                }
                var ended = false
                try connection.parser.feed(&connection.input) { event in
                    switch event {
                    case .body(let part): parts.append(part)
                    case .end: ended = true
                    case .head: break
                    }
                }
                if ended {
                    self.connection = nil
                    pool.answerEnded(on: connection, requestSent: reusable)
                    break
                }
            }
        } catch {
            self.connection = nil
            pool.close(connection)
            throw pool.failure(error)
        }
        return parts.isEmpty ? nil : parts.removeFirst()
    }
}

/// A value handed to the loop from a cancellation handler, which runs on any thread: used only once it is on the
/// loop again.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
