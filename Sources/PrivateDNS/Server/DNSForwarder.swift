import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The I/O half of forwarding: asks the upstream resolvers and keeps their answers in the shared cache. What an
/// answer must look like, how long it is kept and how the client's copy is rewritten are decided by the pure
/// types in `Forwarding/`.
///
/// Each question goes to the first upstream over UDP from a fresh socket (a random source port, connected so
/// the kernel drops datagrams from anyone else and reports an unreachable port at once), again over TCP when
/// the answer is truncated, then to the next upstream when `timeout` passes or the attempt fails; when every
/// upstream has failed once the client gets SERVFAIL. At most `maxOutstanding` questions are upstream at once;
/// beyond that the client gets SERVFAIL straight away, so a flood cannot grow memory or sockets without bound.
final class DNSForwarder: Sendable {
    private let upstreams: [SocketAddress]
    private let timeout: TimeAmount
    private let maxOutstanding: Int
    private let cache: Mutex<DNSCache>
    private let outstanding = Atomic<Int>(0)
    private let now: @Sendable () -> ContinuousClock.Instant
    private let logger: Logger

    init(
        upstreams: [SocketAddress],
        timeout: TimeAmount,
        maxOutstanding: Int,
        cacheCapacity: Int,
        logger: Logger,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.upstreams = upstreams
        self.timeout = timeout
        self.maxOutstanding = maxOutstanding
        self.cache = Mutex(DNSCache(capacity: cacheCapacity))
        self.logger = logger
        self.now = now
    }

    /// Questions currently waiting for an upstream.
    var outstandingCount: Int { outstanding.load(ordering: .relaxed) }

    /// Stores `answer` as if an upstream had just given it (tests).
    func remember(_ answer: UpstreamAnswer, for question: ForwardedQuestion) {
        cache.withLock { $0.insert(answer, for: question.cacheKey, now: now()) }
    }

    /// The client's response to `question`, at most `limit` bytes (see `ForwardedResponse`). Never fails: when no
    /// upstream answers, the response is SERVFAIL. Completes on `eventLoop`.
    func resolve(_ question: ForwardedQuestion, limit: Int, on eventLoop: any EventLoop) -> EventLoopFuture<[UInt8]> {
        let key = question.cacheKey
        if let hit = cache.withLock({ $0.lookup(key, now: now()) }) {
            return eventLoop.makeSucceededFuture(
                ForwardedResponse.rewrite(hit.answer, for: question, age: hit.age, limit: limit)
            )
        }
        guard !upstreams.isEmpty, outstanding.wrappingAdd(1, ordering: .relaxed).newValue <= maxOutstanding else {
            if !upstreams.isEmpty { outstanding.wrappingSubtract(1, ordering: .relaxed) }
            logger.debug("dns: too many questions upstream, SERVFAIL", metadata: ["dns.limit": "\(maxOutstanding)"])
            return eventLoop.makeSucceededFuture(ForwardedResponse.failure(.serverFailure, for: question))
        }
        return ask(question, upstream: 0, on: eventLoop)
            .map { answer in
                self.cache.withLock { $0.insert(answer, for: key, now: self.now()) }
                return ForwardedResponse.rewrite(answer, for: question, age: 0, limit: limit)
            }
            .recover { error in
                // Debug, not info: with the upstreams down every question would log a line.
                self.logger.debug(
                    "dns: no upstream answered, SERVFAIL",
                    metadata: ["dns.qtype": "\(question.type)", "error": "\(error)"]
                )
                return ForwardedResponse.failure(.serverFailure, for: question)
            }
            .always { _ in self.outstanding.wrappingSubtract(1, ordering: .relaxed) }
    }

    /// Asks `upstreams[index]`, then the ones after it, until one answers.
    private func ask(
        _ question: ForwardedQuestion,
        upstream index: Int,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<UpstreamAnswer> {
        let upstream = upstreams[index]
        let attempt = eventLoop.makePromise(of: UpstreamAnswer.self)
        let deadline = eventLoop.scheduleTask(in: timeout) { attempt.fail(DNSForwardingError.timedOut) }
        attempt.futureResult.whenComplete { _ in deadline.cancel() }
        askUDP(question, upstream, until: attempt.futureResult, on: eventLoop).whenComplete { result in
            switch result {
            case .success(let answer) where answer.truncated:
                attempt.completeWith(self.askTCP(question, upstream, until: attempt.futureResult, on: eventLoop))
            default:
                attempt.completeWith(result)
            }
        }
        return attempt.futureResult.flatMapError { error in
            self.logger.debug(
                "dns: upstream failed",
                metadata: ["dns.upstream": "\(upstream)", "error": "\(error)"]
            )
            guard index + 1 < self.upstreams.count else { return eventLoop.makeFailedFuture(error) }
            return self.ask(question, upstream: index + 1, on: eventLoop)
        }
    }

    /// One UDP exchange; its socket closes when `until` completes.
    private func askUDP(
        _ question: ForwardedQuestion,
        _ upstream: SocketAddress,
        until: EventLoopFuture<UpstreamAnswer>,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<UpstreamAnswer> {
        let id = UInt16.random(in: 0...UInt16.max)
        let answer = eventLoop.makePromise(of: UpstreamAnswer.self)
        DatagramBootstrap(group: eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        UpstreamUDPHandler(id: id, question: question, answer: answer)
                    )
                }
            }
            .connect(to: upstream)
            .send(answering: answer, until: until) { channel in
                let query = ByteBuffer(bytes: question.upstreamQuery(id: id))
                return channel.writeAndFlush(AddressedEnvelope(remoteAddress: upstream, data: query))
            }
        return answer.futureResult
    }

    /// One TCP exchange (RFC 7766), after a truncated UDP answer; the connection closes when `until` completes.
    private func askTCP(
        _ question: ForwardedQuestion,
        _ upstream: SocketAddress,
        until: EventLoopFuture<UpstreamAnswer>,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<UpstreamAnswer> {
        let id = UInt16.random(in: 0...UInt16.max)
        let answer = eventLoop.makePromise(of: UpstreamAnswer.self)
        ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(DNSTCPFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(
                        UpstreamTCPHandler(id: id, question: question, answer: answer)
                    )
                }
            }
            .connect(to: upstream)
            .send(answering: answer, until: until) { channel in
                let query = question.upstreamQuery(id: id)
                var frame = channel.allocator.buffer(capacity: query.count + 2)
                frame.writeInteger(UInt16(query.count))
                frame.writeBytes(query)
                return channel.writeAndFlush(frame)
            }
        return answer.futureResult
    }
}

extension EventLoopFuture where Value == any Channel {
    /// Once connected, writes the question with `write`; a failure to connect or write fails `answer`, and the
    /// channel closes when `until` completes (answered, timed out or given up).
    fileprivate func send(
        answering answer: EventLoopPromise<UpstreamAnswer>,
        until: EventLoopFuture<UpstreamAnswer>,
        _ write: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>
    ) {
        whenComplete { result in
            switch result {
            case .failure(let error):
                answer.fail(error)
            case .success(let channel):
                until.whenComplete { _ in channel.close(promise: nil) }
                write(channel).whenFailure { answer.fail($0) }
            }
        }
    }
}

/// Why an upstream gave no usable answer (logged; the client sees SERVFAIL).
struct DNSForwardingError: Error, CustomStringConvertible {
    let description: String

    static let timedOut = DNSForwardingError(description: "no answer in time")
    static let closed = DNSForwardingError(description: "the upstream socket closed without an answer")
    static func rejected(_ rejection: UpstreamAnswer.Rejection) -> DNSForwardingError {
        DNSForwardingError(description: "the upstream's message is not an answer to our query: \(rejection)")
    }
}

/// Waits on one connected UDP socket for the answer to one query. A datagram that does not answer it (another
/// ID, another question, malformed) is dropped and the wait goes on, so a spoofed or stray packet cannot end it.
final class UpstreamUDPHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let id: UInt16
    private let question: ForwardedQuestion
    private let answer: EventLoopPromise<UpstreamAnswer>

    init(id: UInt16, question: ForwardedQuestion, answer: EventLoopPromise<UpstreamAnswer>) {
        self.id = id
        self.question = question
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Array(Self.unwrapInboundIn(data).data.readableBytesView)
        if case .success(let parsed) = UpstreamAnswer.parse(bytes, id: id, question: question) {
            answer.succeed(parsed)
        }
    }

    /// An unreachable port (ICMP, reported on a connected socket) ends this attempt at once.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        answer.fail(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        answer.fail(DNSForwardingError.closed)
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension UpstreamUDPHandler: Sendable {}

/// Reads the answer to one query from a TCP connection; over TCP (no spoofing) anything else ends the attempt.
final class UpstreamTCPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let id: UInt16
    private let question: ForwardedQuestion
    private let answer: EventLoopPromise<UpstreamAnswer>

    init(id: UInt16, question: ForwardedQuestion, answer: EventLoopPromise<UpstreamAnswer>) {
        self.id = id
        self.question = question
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Array(Self.unwrapInboundIn(data).readableBytesView)
        switch UpstreamAnswer.parse(bytes, id: id, question: question) {
        case .success(let parsed) where !parsed.truncated:
            answer.succeed(parsed)
        case .success:
            answer.fail(DNSForwardingError.rejected(.malformed))
        case .failure(let rejection):
            answer.fail(DNSForwardingError.rejected(rejection))
        }
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        answer.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        answer.fail(DNSForwardingError.closed)
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension UpstreamTCPHandler: Sendable {}
