import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// One request to a store, as AsyncHTTPClient's delegate: the response head as soon as it arrives, then the body
/// as an async sequence with backpressure.
///
/// The router used AsyncHTTPClient's `async` API before, which starts two unstructured tasks per request on Swift's
/// global pool (one to register the request for cancellation, one to resume the request body), each a wake-up of
/// another thread: with the router's own requests served on their event loop, those hops were most of what
/// remained of its thread traffic (3.5 `futex` calls per 1 KiB GET). This delegate runs on the event loop that
/// serves the client's connection (`.delegate(on:)`), so a request whose pooled store connection is on that loop
/// (every one, when the router runs one event loop) never leaves its thread.
///
/// AsyncHTTPClient calls the delegate's methods on `eventLoop`; the body's consumer may be on any thread, and its
/// demand reaches the loop through `eventLoop.execute`. Mutable state is touched on `eventLoop` only.
final class UpstreamResponseStream: HTTPClientResponseDelegate, NIOAsyncSequenceProducerDelegate, @unchecked Sendable {
    typealias Response = Void
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
    /// The store's next body part waits on this while the consumer has enough buffered.
    private var demand: EventLoopPromise<Void>?
    private var task: HTTPClient.Task<Void>?

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

    // MARK: AsyncHTTPClient's side, on `eventLoop`

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        self.task = task
        headDelivered = true
        headPromise.succeed(head)
        return eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        switch source.yield(buffer) {
        case .produceMore:
            return eventLoop.makeSucceededVoidFuture()
        case .stopProducing:
            let promise = eventLoop.makePromise(of: Void.self)
            demand = promise
            return promise.futureResult
        case .dropped:
            return eventLoop.makeFailedFuture(ConsumerGone())
        }
    }

    func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
        finished = true
        if !headDelivered {
            headDelivered = true
            headPromise.fail(error)
        }
        source.finish(error)
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        finished = true
        if !headDelivered {
            headDelivered = true
            headPromise.fail(HTTPClientError.remoteConnectionClosed)
        }
        source.finish()
    }

    // MARK: The body consumer's side, on any thread

    func produceMore() {
        onLoop {
            let waiting = self.demand
            self.demand = nil
            waiting?.succeed()
        }
    }

    /// The consumer stopped reading (it finished, or gave up): a request still running is cancelled, so its
    /// connection is not kept waiting for a reader.
    func didTerminate() {
        onLoop {
            let waiting = self.demand
            self.demand = nil
            waiting?.fail(ConsumerGone())
            if !self.finished { self.task?.cancel() }
        }
    }

    private func onLoop(_ work: @escaping @Sendable () -> Void) {
        if eventLoop.inEventLoop { work() } else { eventLoop.execute(work) }
    }

    /// The body's reader went away before the store finished sending it.
    struct ConsumerGone: Error {}
}
