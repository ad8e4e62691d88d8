import NIOCore
import NIOHTTP1

/// One request's answer from a store: the response head as soon as it arrives, then the body as an async sequence
/// with backpressure.
///
/// The store's connection (``StoreConnection``) feeds it on `eventLoop`; the body's consumer may be on any thread,
/// and its demand reaches the loop through `eventLoop.execute` (the router's consumer is on the same loop, so it
/// never hops). Mutable state is touched on `eventLoop` only.
final class UpstreamResponseStream: NIOAsyncSequenceProducerDelegate, @unchecked Sendable {
    typealias Body = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, UpstreamResponseStream
    >

    let eventLoop: any EventLoop
    private let headPromise: EventLoopPromise<HTTPResponseHead>
    private var source: Body.Source!
    /// The response body; read it once the head arrived.
    private(set) var body: Body!
    private var headDelivered = false
    private var finished = false
    /// Set by the connection: resume reading once the consumer wants more.
    var onDemand: (() -> Void)?
    /// Set by the connection: the consumer went away before the body's end.
    var onTerminate: (() -> Void)?

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.headPromise = eventLoop.makePromise()
        let made = Body.makeSequence(
            backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8),
            finishOnDeinit: true,
            delegate: self
        )
        source = made.source
        body = made.sequence
    }

    /// The response head, or the error that ended the request before one arrived.
    var head: EventLoopFuture<HTTPResponseHead> { headPromise.futureResult }

    // MARK: The connection's side, on `eventLoop`

    func receive(_ head: HTTPResponseHead) {
        headDelivered = true
        headPromise.succeed(head)
    }

    /// Whether the connection should go on reading.
    func receive(_ buffer: ByteBuffer) -> Bool {
        switch source.yield(buffer) {
        case .produceMore: true
        case .stopProducing, .dropped: false
        }
    }

    func finish() {
        finished = true
        if !headDelivered {
            headDelivered = true
            headPromise.fail(StoreClientError.connectionClosed)
        }
        source.finish()
    }

    func fail(_ error: any Error) {
        finished = true
        if !headDelivered {
            headDelivered = true
            headPromise.fail(error)
        }
        source.finish(error)
    }

    // MARK: The body consumer's side, on any thread

    /// The request's task was cancelled: the exchange, if still under way, ends.
    func cancel() {
        onLoop { if !self.finished { self.onTerminate?() } }
    }

    func produceMore() {
        onLoop { self.onDemand?() }
    }

    /// The consumer stopped reading (it finished, or gave up): a response still arriving is abandoned, so its
    /// connection is not kept waiting for a reader.
    func didTerminate() {
        onLoop {
            if !self.finished { self.onTerminate?() }
            self.onDemand = nil
            self.onTerminate = nil
        }
    }

    private func onLoop(_ work: @escaping @Sendable () -> Void) {
        if eventLoop.inEventLoop { work() } else { eventLoop.execute(work) }
    }
}
